package transfer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
)

// FuzzRead: whatever the file, Read does not panic, fails only with
// ErrFormat or ErrWrongPassword, and what it returns can be saved as is.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "{}", "[]", "[{}]", `{"db":{},"header":{}}`, `{"db":"","header":{}}`,
		`{"services":[],"servicesEncrypted":"a:b:c"}`,
		"otpauth://totp/a?secret=AAAA", "otpauth-migration://offline?data=CgA%3D",
		"otpauth://hotp/a?secret=AAAAAAAA&counter=18446744073709551615",
		"\x00\x02\x22\xe0" + strings.Repeat("\x00", 60),
	} {
		f.Add([]byte(s))
	}
	// Key derivation at the apps' real cost would leave the fuzzer a few
	// executions a second: cap it, and seed files encrypted cheaply.
	oldN, oldIter := aegisMaxN, andOTPMaxIterations
	aegisMaxN, andOTPMaxIterations = 16, 16
	f.Cleanup(func() { aegisMaxN, andOTPMaxIterations = oldN, oldIter })
	seedPlain := aegisContentJSON(appAccounts[:2])
	f.Add(aegisEncrypt(seedPlain, fixturePassword, 16, 1, 1))
	f.Add(andOTPEncryptNew(andOTPJSON(appAccounts[:2]), fixturePassword, 2))
	f.Fuzz(func(t *testing.T, data []byte) {
		format, derr := Detect(data)
		res, err := Read(data, staticPassword(fixturePassword))
		if derr != nil && (err == nil || !errors.Is(derr, ErrFormat)) {
			t.Fatalf("Detect failed (%v) but Read did not fail the same way (%v)", derr, err)
		}
		if err != nil {
			isFormat, isPassword := errors.Is(err, ErrFormat), errors.Is(err, ErrWrongPassword)
			if isFormat == isPassword {
				t.Fatalf("error %v (%T) is not exactly one of ErrFormat, ErrWrongPassword", err, err)
			}
			if res != nil {
				t.Fatal("a result came with an error")
			}
			return
		}
		if res.Format != format {
			t.Fatalf("Read says %v, Detect says %v", res.Format, format)
		}
		names := map[string]bool{}
		for _, it := range res.Items {
			if err := store.ValidateName(it.Name); err != nil {
				t.Fatalf("name %q: %v", it.Name, err)
			}
			if names[strings.ToLower(it.Name)] {
				t.Fatalf("name %q given twice", it.Name)
			}
			names[strings.ToLower(it.Name)] = true
			k, err := otp.ParseURI(it.URI)
			if err != nil {
				t.Fatalf("item %s: the URI is refused: %v", it.Name, err)
			}
			if itemType(k) != it.Type {
				t.Fatalf("item %s: type %q, URI says %q", it.Name, it.Type, k.Type)
			}
			if s := fmt.Sprint(it); strings.Contains(s, "secret=") {
				t.Fatalf("the item prints its URI: %s", s)
			}
		}
		for _, s := range res.Skipped {
			if s.What == "" || s.Reason == "" {
				t.Fatalf("skip without description: %+v", s)
			}
		}
	})
}

func BenchmarkImport1000(b *testing.B) {
	accs := make([]account, 1000)
	for i := range accs {
		a := appAccounts[i%len(appAccounts)]
		if a.typ == "steam" {
			a = appAccounts[0]
		}
		a.issuer = fmt.Sprintf("Service %d", i%50)
		a.name = fmt.Sprintf("user%d@example.com", i)
		accs[i] = a
	}
	data := aegisPlain(accs)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		res, err := Read(data, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Items) != 1000 {
			b.Fatalf("%d items", len(res.Items))
		}
	}
}
