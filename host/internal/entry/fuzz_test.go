package entry

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/otp"
)

func FuzzParseEntry(f *testing.F) {
	// More seeds in testdata/fuzz/FuzzParseEntry.
	f.Add([]byte("hunter2\nlogin: alice\n" + uriA + "\n"))
	f.Fuzz(func(t *testing.T, content []byte) {
		k, err := Parse(content)
		if err != nil {
			// ErrNoOTP comes back as is (a fixed message); a bad key is
			// the otp package's *URIError, whose reasons never quote input.
			var ue *otp.URIError
			switch {
			case err == ErrNoOTP, err == ErrRecoveryOnly:
			case errors.Is(err, otp.ErrInvalidURI) && errors.As(err, &ue):
				if len(content) >= 8 && bytes.Contains([]byte(err.Error()), content) {
					t.Fatalf("error %q quotes the entry", err)
				}
			default:
				t.Fatalf("error %v (%T) is neither ErrNoOTP nor a *otp.URIError", err, err)
			}
			return
		}
		uri := k.URI()
		k2, err := otp.ParseURI(uri)
		if err != nil {
			t.Fatalf("URI() of a parsed key does not parse: %v", err)
		}
		if !reflect.DeepEqual(k, k2) {
			t.Fatalf("URI() round trip changed the key:\n%+v\n%+v", k, k2)
		}
		if k.Type == otp.TOTP {
			at := time.Unix(1700000000, 0)
			c1, _, err1 := k.TOTP(at)
			c2, _, err2 := k2.TOTP(at)
			if err1 != nil || err2 != nil || c1 != c2 {
				t.Fatalf("codes %q (%v) and %q (%v)", c1, err1, c2, err2)
			}
		} else {
			c1, err1 := k.HOTP(k.Counter)
			c2, err2 := k2.HOTP(k2.Counter)
			if err1 != nil || err2 != nil || c1 != c2 {
				t.Fatalf("codes %q (%v) and %q (%v)", c1, err1, c2, err2)
			}
		}

		// Writing the key back (as after an HOTP code) reads back the same
		// key and leaves the recovery codes alone.
		written := SetURI(content, uri)
		k3, err := Parse(written)
		if err != nil {
			t.Fatalf("Parse after SetURI: %v", err)
		}
		if !reflect.DeepEqual(k, k3) {
			t.Fatalf("SetURI then Parse changed the key:\n%+v\n%+v", k, k3)
		}
		if !slices.Equal(RecoveryCodes(content), RecoveryCodes(written)) {
			t.Fatalf("SetURI changed the recovery codes")
		}
		// And storing recovery codes does not disturb the key.
		withCodes := SetRecoveryCodes(written, []string{"code-1", "code-2"})
		if got := RecoveryCodes(withCodes); !slices.Equal(got, []string{"code-1", "code-2"}) {
			t.Fatalf("RecoveryCodes after SetRecoveryCodes = %q", got)
		}
		if k4, err := Parse(withCodes); err != nil || !reflect.DeepEqual(k, k4) {
			t.Fatalf("Parse after SetRecoveryCodes = %+v, %v", k4, err)
		}
	})
}
