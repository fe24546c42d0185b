package transfer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
)

// wantItems returns the accounts Read must turn into items, in order, and
// how many it must skip.
func wantItems(accs []account) (items []account, skipped int) {
	for _, a := range accs {
		if a.want == "" {
			skipped++
		} else {
			items = append(items, a)
		}
	}
	return items, skipped
}

func readFixtureFile(t *testing.T, fx fixture) *Result {
	t.Helper()
	data := readFixture(t, fx.file)
	f, err := Detect(data)
	if err != nil || f != fx.format {
		t.Fatalf("Detect = %v, %v; want %v", f, err, fx.format)
	}
	calls := 0
	res, err := Read(data, func() ([]byte, error) {
		calls++
		return []byte(fx.password), nil
	})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if want := 0; fx.password != "" {
		want = 1
		if calls != want {
			t.Errorf("password asked %d times, want %d", calls, want)
		}
	} else if calls != want {
		t.Errorf("password asked %d times for a plain file", calls)
	}
	return res
}

func TestReadFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.file, func(t *testing.T) {
			res := readFixtureFile(t, fx)
			if res.Format != fx.format {
				t.Errorf("Result.Format = %v, want %v", res.Format, fx.format)
			}
			want, skipped := wantItems(fx.accounts)
			if len(res.Items) != len(want) || len(res.Skipped) != skipped {
				t.Fatalf("got %d items and %d skipped (%v), want %d and %d", len(res.Items), len(res.Skipped), res.Skipped, len(want), skipped)
			}
			for i, it := range res.Items {
				a := want[i]
				if it.Name != a.want {
					t.Errorf("item %d: name %q, want %q", i, it.Name, a.want)
				}
				if err := store.ValidateName(it.Name); err != nil {
					t.Errorf("item %d: %v", i, err)
				}
				if it.Source != fx.format.Source() || it.Type != a.typ {
					t.Errorf("item %d: source %q type %q, want %q %q", i, it.Source, it.Type, fx.format.Source(), a.typ)
				}
				k, err := otp.ParseURI(it.URI)
				if err != nil {
					t.Fatalf("item %d: the URI does not parse: %v", i, err)
				}
				if k.Secret.Base32() != a.secret || string(k.Algorithm) != a.algo || k.Digits != a.digits ||
					(a.typ == "totp" && k.Period != a.period) || (a.typ == "hotp" && k.Counter != a.counter) {
					t.Errorf("item %d: key %s/%d digits/period %d/counter %d differs from the export", i, k.Algorithm, k.Digits, k.Period, k.Counter)
				}
				if k.Issuer != it.Issuer || k.Account != it.Account {
					t.Errorf("item %d: URI names %q/%q, item says %q/%q", i, k.Issuer, k.Account, it.Issuer, it.Account)
				}
			}
			for _, s := range res.Skipped {
				if s.What == "" || s.Reason == "" {
					t.Errorf("skip without a description: %+v", s)
				}
			}
			if fx.format != GoogleMigration && len(res.Warnings) != 0 {
				t.Errorf("unexpected warnings: %v", res.Warnings)
			}
		})
	}
}

// oathtoolCode computes a's code with oathtool, the secret on stdin.
func oathtoolCode(t *testing.T, a account, at time.Time) string {
	t.Helper()
	args := []string{"-d", strconv.Itoa(a.digits)}
	switch a.typ {
	case "totp":
		args = append(args, "--totp="+strings.ToLower(a.algo), "-s", strconv.Itoa(a.period),
			"--now", at.UTC().Format("2006-01-02 15:04:05 UTC"))
	case "hotp":
		if a.algo != "SHA1" {
			t.Fatalf("oathtool's HOTP is HMAC-SHA1 only; fix the test account")
		}
		args = append(args, "-c", strconv.FormatUint(a.counter, 10))
	}
	args = append(args, "-b", "-")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "oathtool", args...)
	cmd.Stdin = strings.NewReader(a.secret)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oathtool %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

// TestImportedCodesMatchOathtool: for every imported item, the code that
// otpfill's otp package computes from the URI equals oathtool's code for
// the account as the app held it.
func TestImportedCodesMatchOathtool(t *testing.T) {
	if _, err := exec.LookPath("oathtool"); err != nil {
		t.Skip("oathtool is not installed (apt install oathtool); codes not checked")
	}
	times := []time.Time{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(1_900_000_007, 0)}
	for _, fx := range fixtures {
		t.Run(fx.file, func(t *testing.T) {
			res := readFixtureFile(t, fx)
			want, _ := wantItems(fx.accounts)
			if len(res.Items) != len(want) {
				t.Fatalf("got %d items, want %d", len(res.Items), len(want))
			}
			for i, it := range res.Items {
				a := want[i]
				k, err := otp.ParseURI(it.URI)
				if err != nil {
					t.Fatalf("item %d: %v", i, err)
				}
				if a.typ == "steam" {
					continue // oathtool has no Steam codes: TestSteamImport
				}
				if a.typ == "hotp" {
					got, err := k.HOTP(k.Counter)
					if err != nil {
						t.Fatal(err)
					}
					if exp := oathtoolCode(t, a, time.Time{}); got != exp {
						t.Errorf("%s: HOTP code %s, oathtool says %s", it.Name, got, exp)
					}
					continue
				}
				for _, at := range times {
					got, _, err := k.TOTP(at)
					if err != nil {
						t.Fatal(err)
					}
					if exp := oathtoolCode(t, a, at); got != exp {
						t.Errorf("%s at %v: TOTP code %s, oathtool says %s", it.Name, at, got, exp)
					}
				}
			}
		})
	}
}

// secretsOf lists every secret and password a message must never show.
func secretsOf() []string {
	s := []string{fixturePassword, "wrong password 123"}
	for _, a := range append(append([]account{}, appAccounts...), googleAccounts...) {
		s = append(s, a.secret, strings.ToLower(a.secret))
	}
	return s
}

func assertNoSecrets(t *testing.T, what, msg string) {
	t.Helper()
	for _, s := range secretsOf() {
		if strings.Contains(msg, s) {
			t.Errorf("%s contains a secret or the password: %q", what, msg)
		}
	}
}

func TestReadErrors(t *testing.T) {
	pwd := staticPassword(fixturePassword)
	wrong := staticPassword("wrong password 123")
	truncate := func(name string) []byte {
		d := readFixture(t, name)
		return d[:len(d)/2]
	}
	aegisWith := func(edit func(v map[string]any)) []byte {
		var v map[string]any
		if err := json.Unmarshal(readFixture(t, "aegis-encrypted.json"), &v); err != nil {
			t.Fatal(err)
		}
		edit(v)
		out, _ := json.Marshal(v)
		return out
	}
	passwordSlot := func(v map[string]any) map[string]any {
		return v["header"].(map[string]any)["slots"].([]any)[1].(map[string]any)
	}
	google := strings.Fields(string(readFixture(t, "google-migration.txt")))

	tests := []struct {
		name     string
		data     []byte
		password func() ([]byte, error)
		want     error
		contains string
	}{
		{"aegis wrong password", readFixture(t, "aegis-encrypted.json"), wrong, ErrWrongPassword, "Aegis"},
		{"2fas wrong password", readFixture(t, "2fas-encrypted.2fas"), wrong, ErrWrongPassword, "2FAS"},
		{"andotp wrong password", readFixture(t, "andotp-encrypted.json.aes"), wrong, ErrWrongPassword, "andOTP"},
		{"andotp old wrong password", readFixture(t, "andotp-encrypted-old.json.aes"), wrong, ErrWrongPassword, "andOTP"},
		{"aegis empty password", readFixture(t, "aegis-encrypted.json"), staticPassword(""), ErrWrongPassword, ""},
		{"aegis no password function", readFixture(t, "aegis-encrypted.json"), nil, ErrNoPassword, ""},
		{"andotp no password function", readFixture(t, "andotp-encrypted.json.aes"), nil, ErrNoPassword, ""},

		{"aegis plain truncated", truncate("aegis-plain.json"), pwd, ErrFormat, "not valid JSON"},
		{"aegis encrypted truncated", truncate("aegis-encrypted.json"), pwd, ErrFormat, ""},
		{"2fas plain truncated", truncate("2fas-plain.2fas"), pwd, ErrFormat, ""},
		{"2fas encrypted truncated", truncate("2fas-encrypted.2fas"), pwd, ErrFormat, ""},
		{"andotp plain truncated", truncate("andotp-plain.json"), pwd, ErrFormat, ""},
		// andOTP's encrypted files cannot tell damage from a wrong password.
		{"andotp encrypted truncated", truncate("andotp-encrypted.json.aes"), pwd, ErrWrongPassword, "cannot tell"},
		{"google truncated", []byte(google[0][:len(google[0])*2/3]), pwd, ErrFormat, "line 1"},
		{"google bad base64", []byte("otpauth-migration://offline?data=%%%%"), pwd, ErrFormat, ""},
		{"google not protobuf", []byte("otpauth-migration://offline?data=" + "////////"), pwd, ErrFormat, "payload"},
		{"google no data", []byte("otpauth-migration://offline?foo=1"), pwd, ErrFormat, "no data"},
		{"google empty payload", []byte("otpauth-migration://offline?data=EAE%3D"), pwd, ErrFormat, "no accounts"},

		{"empty", nil, pwd, ErrFormat, "empty"},
		{"blank", []byte(" \n\t\n"), pwd, ErrFormat, "empty"},
		{"only comments", []byte("# nothing\n# here\n"), pwd, ErrFormat, ""},
		{"plain text", []byte("hello world\nthis is not an export\n"), pwd, ErrFormat, ""},
		{"not json", []byte("{this is not json"), pwd, ErrFormat, "not valid JSON"},
		{"json array truncated", []byte(`[{"secret": "AAAA"`), pwd, ErrFormat, ""},
		{"json other object", []byte(`{"foo": 1}`), pwd, ErrFormat, "neither"},
		{"json scalar", []byte(`"otpauth"`), pwd, ErrFormat, ""},
		{"json array of numbers", []byte(`[1, 2, 3]`), pwd, ErrFormat, ""},
		{"json array of empty objects", []byte(`[{}]`), pwd, ErrFormat, "not an andOTP"},
		{"png image", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00"), pwd, ErrFormat, "PNG"},
		{"zip archive", append([]byte("PK\x03\x04"), make([]byte, 60)...), pwd, ErrFormat, "ZIP"},
		{"short binary", []byte{0, 1, 2, 3, 4, 5}, pwd, ErrFormat, ""},
		{"huge file", make([]byte, MaxFileSize+1), pwd, ErrFormat, "larger"},

		{"aegis db null", []byte(`{"version":1,"header":{"slots":null,"params":null},"db":null}`), pwd, ErrFormat, ""},
		{"aegis no entries", []byte(`{"version":1,"header":{"slots":null,"params":null},"db":{"version":1}}`), pwd, ErrFormat, "entries"},
		{"aegis entries not a list", []byte(`{"version":1,"header":{"slots":null,"params":null},"db":{"entries":{}}}`), pwd, ErrFormat, ""},
		{"aegis only biometric slot", aegisWith(func(v map[string]any) {
			h := v["header"].(map[string]any)
			h["slots"] = h["slots"].([]any)[:1]
		}), pwd, ErrFormat, "no password slot"},
		{"aegis huge scrypt n", aegisWith(func(v map[string]any) { passwordSlot(v)["n"] = 1 << 30 }), pwd, ErrFormat, "scrypt"},
		{"aegis scrypt n not a power of two", aegisWith(func(v map[string]any) { passwordSlot(v)["n"] = 30000 }), pwd, ErrFormat, "scrypt"},
		{"aegis huge scrypt r", aegisWith(func(v map[string]any) { passwordSlot(v)["r"] = 1 << 20 }), pwd, ErrFormat, "scrypt"},
		{"aegis bad nonce", aegisWith(func(v map[string]any) {
			v["header"].(map[string]any)["params"].(map[string]any)["nonce"] = "00"
		}), pwd, ErrFormat, "nonce"},
		{"aegis db not base64", aegisWith(func(v map[string]any) { v["db"] = "not base64 !" }), pwd, ErrFormat, "base64"},
		{"aegis db damaged", aegisWith(func(v map[string]any) {
			db := []byte(v["db"].(string))
			// Still base64, different ciphertext.
			if db[10] == 'A' {
				db[10] = 'B'
			} else {
				db[10] = 'A'
			}
			v["db"] = string(db)
		}), pwd, ErrFormat, "corrupt"},
		{"2fas two parts", []byte(`{"services":[],"schemaVersion":4,"servicesEncrypted":"AAAA:BBBB"}`), pwd, ErrFormat, "parts"},
		{"2fas bad iv", []byte(`{"services":[],"schemaVersion":4,"servicesEncrypted":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:BBBB:AAAA"}`), pwd, ErrFormat, "IV"},
		{"2fas services not a list", []byte(`{"services":{},"schemaVersion":4}`), pwd, ErrFormat, ""},
		{"2fas services missing", []byte(`{"services":null,"schemaVersion":4}`), pwd, ErrFormat, "no services"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read(tt.data, tt.password)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Read error = %v, want %v", err, tt.want)
			}
			if res != nil {
				t.Errorf("Read returned a result with an error: %d items", len(res.Items))
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not say %q", err, tt.contains)
			}
			assertNoSecrets(t, "error", err.Error())
			for _, other := range []error{ErrFormat, ErrWrongPassword, ErrNoPassword} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("error %v also matches %v", err, other)
				}
			}
		})
	}
}

func TestReadPasswordFunctionError(t *testing.T) {
	cancelled := errors.New("prompt cancelled")
	for _, name := range []string{"aegis-encrypted.json", "2fas-encrypted.2fas", "andotp-encrypted.json.aes"} {
		t.Run(name, func(t *testing.T) {
			res, err := Read(readFixture(t, name), func() ([]byte, error) { return nil, cancelled })
			if !errors.Is(err, cancelled) || res != nil {
				t.Fatalf("Read = %v, %v; want the password function's error", res, err)
			}
			if errors.Is(err, ErrWrongPassword) || errors.Is(err, ErrFormat) {
				t.Errorf("a cancelled prompt is neither a wrong password nor a bad file: %v", err)
			}
		})
	}
}

func TestReadPlainNeverAsksPassword(t *testing.T) {
	for _, fx := range fixtures {
		if fx.password != "" {
			continue
		}
		t.Run(fx.file, func(t *testing.T) {
			if _, err := Read(readFixture(t, fx.file), nil); err != nil {
				t.Fatalf("Read with no password function: %v", err)
			}
		})
	}
}

func TestGoogleBatches(t *testing.T) {
	lines := strings.Fields(string(readFixture(t, "google-migration.txt")))
	full, err := Read(readFixture(t, "google-migration.txt"), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		text    string
		items   int
		warning string
	}{
		{"both batches", lines[0] + "\n" + lines[1], len(full.Items), ""},
		{"reverse order", lines[1] + "\n\n" + lines[0] + "\n", len(full.Items), ""},
		{"first batch only", lines[0], 3, "2 QR codes but only 1"},
		{"second batch only", lines[1], 2, "2 QR codes but only 1"},
		{"batch repeated", lines[0] + "\n" + lines[1] + "\n" + lines[0], len(full.Items), "repeats batch 1 of 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read([]byte(tt.text), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) != tt.items {
				t.Errorf("%d items, want %d", len(res.Items), tt.items)
			}
			got := strings.Join(res.Warnings, "\n")
			if (tt.warning == "") != (got == "") || !strings.Contains(got, tt.warning) {
				t.Errorf("warnings %q, want %q", got, tt.warning)
			}
			for _, it := range res.Items {
				if strings.HasSuffix(it.Name, "-2") {
					t.Errorf("a batch was read twice: %s", it.Name)
				}
			}
		})
	}
}

// TestReadMixedText: otpauth lines and a Google export may share a file.
func TestReadMixedText(t *testing.T) {
	text := otpauthText + "\n" + string(readFixture(t, "google-migration.txt"))
	res, err := Read([]byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Read([]byte(otpauthText), nil)
	g, _ := Read(readFixture(t, "google-migration.txt"), nil)
	if len(res.Items) != len(a.Items)+len(g.Items) {
		t.Fatalf("%d items, want %d", len(res.Items), len(a.Items)+len(g.Items))
	}
	seen := map[string]bool{}
	for _, it := range res.Items {
		if seen[strings.ToLower(it.Name)] {
			t.Errorf("duplicate name %q", it.Name)
		}
		seen[strings.ToLower(it.Name)] = true
	}
	// Sources stay per line.
	if res.Items[0].Source != "otpauth" || res.Items[len(res.Items)-1].Source != "google" {
		t.Errorf("sources %q … %q", res.Items[0].Source, res.Items[len(res.Items)-1].Source)
	}
}

func TestSkipReasons(t *testing.T) {
	res, err := Read(readFixture(t, "aegis-plain.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped = %v, want nothing (the Steam account is kept)", res.Skipped)
	}
	res, err = Read([]byte(otpauthText), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"line 7", "line 9"}
	if len(res.Skipped) != len(want) {
		t.Fatalf("skipped = %v", res.Skipped)
	}
	for i, s := range res.Skipped {
		if s.What != want[i] {
			t.Errorf("skip %d is %q, want %q", i, s.What, want[i])
		}
		assertNoSecrets(t, "skip reason", s.String())
	}
	g, err := Read(readFixture(t, "google-migration.txt"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Skipped) != 1 || !strings.Contains(g.Skipped[0].Reason, "MD5") {
		t.Errorf("google skipped = %v, want the MD5 account", g.Skipped)
	}
}

func TestItemNeverPrintsURI(t *testing.T) {
	res, err := Read(readFixture(t, "aegis-plain.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	it := res.Items[0]
	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		outputs[verb] = fmt.Sprintf(verb, it)
	}
	outputs["slice %v"] = fmt.Sprintf("%v", res.Items)
	outputs["result %+v"] = fmt.Sprintf("%+v", *res)
	j, err := json.Marshal(res.Items)
	if err != nil {
		t.Fatal(err)
	}
	outputs["json"] = string(j)
	for what, out := range outputs {
		if strings.Contains(out, "otpauth://") || strings.Contains(out, "secret=") {
			t.Errorf("%s prints the URI: %s", what, out)
		}
		assertNoSecrets(t, what, out)
	}
	if !strings.Contains(outputs["%v"], it.Name) || !strings.Contains(outputs["json"], `"name":"GitHub/alice@example.com"`) {
		t.Errorf("the name is missing from %q / %s", outputs["%v"], outputs["json"])
	}
}

func TestFormatStrings(t *testing.T) {
	for f := Unknown; f <= AndOTPEncrypted; f++ {
		if f.String() == "" || f.Description() == "" || strings.HasPrefix(f.String(), "Format(") {
			t.Errorf("format %d has no name", int(f))
		}
		if f != Unknown && f.Source() == "" {
			t.Errorf("format %v has no source", f)
		}
		if f.Encrypted() != strings.HasSuffix(f.String(), "-encrypted") {
			t.Errorf("%v.Encrypted() = %v", f, f.Encrypted())
		}
	}
	if got := Format(99).String(); got != "Format(99)" {
		t.Errorf("Format(99).String() = %q", got)
	}
}

func TestReadItemLimit(t *testing.T) {
	old := maxItems
	maxItems = 3
	t.Cleanup(func() { maxItems = old })
	for _, name := range []string{"aegis-plain.json", "otpauth.txt", "google-migration.txt", "andotp-plain.json", "2fas-plain.2fas"} {
		t.Run(name, func(t *testing.T) {
			res, err := Read(readFixture(t, name), nil)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(res.Items) + len(res.Skipped); n != 3 {
				t.Errorf("%d accounts read, want the limit, 3", n)
			}
			if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "only the first 3") {
				t.Errorf("warnings %q, want one about the limit", res.Warnings)
			}
		})
	}
}

// TestReadSecretLength: an account whose secret is under 80 bits is
// skipped with the reason; one of 80 to 127 bits is read, with a warning
// naming it; 128 bits and more read silently.
func TestReadSecretLength(t *testing.T) {
	data := "otpauth://totp/A:one-byte?secret=AE&issuer=A\n" +
		"otpauth://totp/B:old-site?secret=JBSWY3DPEHPK3PXP&issuer=B\n" +
		"otpauth://totp/C:strong?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=C\n" +
		"otpauth://hotp/D:wrapped?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=D&counter=18446744073709551615\n"
	res, err := Read([]byte(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range res.Items {
		names = append(names, it.Name)
	}
	if strings.Join(names, " ") != "B/old-site C/strong" {
		t.Errorf("items %q, want B/old-site and C/strong", names)
	}
	if len(res.Skipped) != 2 || res.Skipped[0].What != "line 1" || !strings.Contains(res.Skipped[0].Reason, "8 bits long, the minimum is 80") ||
		res.Skipped[1].What != "line 4" || !strings.Contains(res.Skipped[1].Reason, "counter must be at most") {
		t.Errorf("skipped %v, want line 1 (8-bit secret) and line 4 (counter)", res.Skipped)
	}
	if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], "B/old-site: the secret is only 80 bits long") {
		t.Errorf("warnings %q, want one about B/old-site", res.Warnings)
	}
	// The same through a JSON export (Aegis), where otp.Key is built from fields.
	aegis := `{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[` +
		`{"type":"totp","name":"short","issuer":"E","info":{"secret":"AE","algo":"SHA1","digits":6,"period":30}},` +
		`{"type":"totp","name":"old","issuer":"F","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}}]}}`
	res, err = Read([]byte(aegis), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Name != "F/old" || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, "minimum is 80") ||
		len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], "F/old: ") {
		t.Errorf("aegis: items %v, skipped %v, warnings %q", res.Items, res.Skipped, res.Warnings)
	}
}

// TestSteamImport: a Steam Guard account in every app's export is kept as
// a TOTP key with encoder=steam, and gives the code the Steam app showed
// (KeePassXC's test vector: secret and codes from the Steam app itself).
func TestSteamImport(t *testing.T) {
	acc := account{typ: "steam", issuer: "Steam", name: "gaben", secret: "63BEDWCQZKTQWPESARIERL5DTTQFCJTK", algo: "SHA1", digits: 5, period: 30}
	exports := map[string][]byte{
		"aegis":  aegisPlain([]account{acc}),
		"2fas":   twoFASFileJSON(twoFASServicesJSON([]account{acc}), ""), // "STEAM"
		"andotp": andOTPJSON([]account{acc}),                             // "STEAM"
		"text":   []byte("otpauth://steam/Steam:gaben?secret=" + acc.secret + "&issuer=Steam&digits=5\n"),
	}
	for app, data := range exports {
		t.Run(app, func(t *testing.T) {
			res, err := Read(data, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) != 1 || len(res.Skipped) != 0 {
				t.Fatalf("items %v, skipped %v", res.Items, res.Skipped)
			}
			it := res.Items[0]
			if it.Type != "steam" || it.Name != "Steam/gaben" {
				t.Errorf("item %v", it)
			}
			want := "otpauth://totp/Steam:gaben?secret=" + acc.secret + "&issuer=Steam&algorithm=SHA1&digits=5&period=30&encoder=steam"
			if it.URI != want {
				t.Errorf("URI %s\nwant %s", it.URI, want)
			}
			k, err := otp.ParseURI(it.URI)
			if err != nil {
				t.Fatal(err)
			}
			if code, _, err := k.TOTP(time.Unix(1511200518, 0)); err != nil || code != "FR8RV" {
				t.Errorf("code %q, %v; the Steam app showed FR8RV", code, err)
			}
		})
	}
}
