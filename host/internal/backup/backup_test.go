package backup

import (
	"testing"

	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store/pass"
)

// Sync groups the pass store's commits: a change of StartBatch's signature
// must not silently make it commit every entry on its own.
var _ batcher = (*pass.Store)(nil)

func TestSameKey(t *testing.T) {
	parse := func(uri string) *otp.Key {
		t.Helper()
		k, err := otp.ParseURI(uri)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := "otpauth://totp/A:x?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	for _, c := range []struct {
		other string
		same  bool
	}{
		{base, true},
		{"otpauth://totp/Other:label?secret=jbswy3dpehpk3pxpjbswy3dpehpk3pxp&issuer=Other", true}, // labels and case do not count
		{"otpauth://totp/A:x?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ", false},
		{"otpauth://totp/A:x?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA256", false},
		{"otpauth://totp/A:x?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&digits=8", false},
		{"otpauth://totp/A:x?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&period=60", false},
		{"otpauth://hotp/A:x?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&counter=0", false},
		{"otpauth://totp/A:x?secret=JBSWY3DPEHPK3PXPJBSWY3DP", false}, // a prefix of the secret
	} {
		if got := SameKey(parse(base), parse(c.other)); got != c.same {
			t.Errorf("SameKey(%s, %s) = %v, want %v", base, c.other, got, c.same)
		}
	}
	// HOTP counters do not count.
	if !SameKey(parse("otpauth://hotp/A:x?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&counter=1"), parse("otpauth://hotp/B:y?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&counter=9")) {
		t.Error("HOTP keys differing only in their counter are not the same key")
	}
}

// The command a conflict suggests names the entry as one shell word.
func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/alice":         "github.com/alice",
		"gitlab.example:8443/me@x": "gitlab.example:8443/me@x",
		"Acme Corp/bob":            "'Acme Corp/bob'",
		"it's/me":                  `'it'\''s/me'`,
		"$(rm -rf ~)":              "'$(rm -rf ~)'",
		"":                         "''",
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %s, want %s", in, got, want)
		}
	}
}
