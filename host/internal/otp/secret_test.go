package otp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// Every way a Secret, or a Key holding one, can end up in a log line or
// an error must show REDACTED and nothing of the key bytes.
func TestSecretNeverPrinted(t *testing.T) {
	s := Secret("Hello!\xde\xad\xbe\xef")
	k := &Key{Type: TOTP, Issuer: "Ex", Account: "a", Secret: s, Algorithm: SHA1, Digits: 6, Period: 30}
	leaks := func(out string) bool {
		return strings.Contains(out, "Hello") || strings.Contains(out, "JBSW") ||
			strings.Contains(strings.ToLower(out), "deadbeef") || strings.Contains(out, "72 101") ||
			strings.Contains(out, "SGVsbG8") // base64, as encoding/json writes []byte
	}

	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		outputs["fmt secret "+verb] = fmt.Sprintf(verb, s)
		outputs["fmt key "+verb] = fmt.Sprintf(verb, k)
		outputs["fmt key value "+verb] = fmt.Sprintf(verb, *k)
	}
	outputs["wrapped error"] = fmt.Errorf("saving %v: %w", s, errors.New("x")).Error()
	for name, v := range map[string]any{"json secret": s, "json key": k} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outputs[name] = string(b)
	}
	text, _ := s.MarshalText()
	outputs["text"] = string(text)

	var buf bytes.Buffer
	log := zerolog.New(&buf)
	log.Info().Interface("s", s).Stringer("t", s).Object("u", s).Object("key", k).Any("k", k).Msg("m")
	log.Info().Fields(map[string]any{"s": s, "k": k}).Msg("m")
	outputs["zerolog"] = buf.String()

	for name, out := range outputs {
		if leaks(out) {
			t.Errorf("%s leaks the secret: %s", name, out)
		}
		if strings.HasPrefix(name, "fmt secret") && !strings.HasSuffix(name, "%T") && out != "REDACTED" {
			t.Errorf("%s = %q, want REDACTED", name, out)
		}
	}
	if !strings.Contains(outputs["zerolog"], `"t":"REDACTED","u":{"secret":"REDACTED"}`) || !strings.Contains(outputs["zerolog"], `"issuer":"Ex"`) {
		t.Errorf("zerolog output lacks the redacted secret or the key description: %s", outputs["zerolog"])
	}
	if outputs["json key"] == "" || !strings.Contains(outputs["json key"], `"Secret":"REDACTED"`) {
		t.Errorf("json key = %s", outputs["json key"])
	}
	// The one deliberate way out.
	if s.Base32() != "JBSWY3DPEHPK3PXP" {
		t.Errorf("Base32() = %s", s.Base32())
	}
}
