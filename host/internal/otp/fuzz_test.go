package otp

import (
	"errors"
	"reflect"
	"regexp"
	"testing"
	"time"
)

// reasons is every shape a URIError reason can take, with a quoted short
// value replaced by "X": a reason outside this list could be echoing input.
var reasons = map[string]bool{
	"not an otpauth:// URI":                                      true,
	`unknown type "X" (want totp, hotp or steam)`:                true,
	"unknown type (value not shown) (want totp, hotp or steam)":  true,
	"unknown type (want totp or hotp)":                           true,
	"missing secret":                                             true,
	"empty secret":                                               true,
	"bad base32 in secret":                                       true,
	"bad base32 in secret (impossible length)":                   true,
	`unknown algorithm "X"`:                                      true,
	"unknown algorithm (value not shown)":                        true,
	"digits must be 6 to 10":                                     true,
	"counter must be at most 9223372036854775807":                true,
	"period must be 1 to 86400 seconds":                          true,
	"hotp URI without counter":                                   true,
	"counter must be a whole number":                             true,
	`unsupported encoder "X" (want steam or none)`:               true,
	"unsupported encoder (value not shown) (want steam or none)": true,
	"a Steam key has 5 characters (digits=5)":                    true,
	"encoder=steam needs a totp URI":                             true,
}

var quotedShort = regexp.MustCompile(`"[A-Za-z0-9-]{0,8}"`)
var secretLenReason = regexp.MustCompile(`^secret is \d+ bits long, the minimum is 80 \(RFC 4226 requires 128\)$`)
var paramReason = regexp.MustCompile(`^(bad percent-encoding in|conflicting values for) (secret|issuer|algorithm|digits|period|counter|encoder)$`)

// CheckURIError fails unless err is a *URIError wrapping ErrInvalidURI
// whose reason is one of the fixed shapes.
func checkURIError(t *testing.T, err error) {
	t.Helper()
	var ue *URIError
	if !errors.Is(err, ErrInvalidURI) || !errors.As(err, &ue) {
		t.Fatalf("error %v (%T) is not a *URIError wrapping ErrInvalidURI", err, err)
	}
	r := quotedShort.ReplaceAllString(ue.Reason, `"X"`)
	if !reasons[r] && !paramReason.MatchString(r) && !secretLenReason.MatchString(r) {
		t.Fatalf("unexpected reason %q", ue.Reason)
	}
}

func FuzzParseURI(f *testing.F) {
	// More seeds in testdata/fuzz/FuzzParseURI.
	f.Add("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
	f.Add("otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&digits=5&encoder=steam")
	f.Add("otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&period=60&algorithm=SHA256")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseURI(s)
		if err != nil {
			if k != nil {
				t.Fatal("ParseURI returned a key with an error")
			}
			checkURIError(t, err)
			return
		}
		if err := k.Validate(); err != nil {
			t.Fatalf("parsed key does not validate: %v", err)
		}
		uri := k.URI()
		k2, err := ParseURI(uri)
		if err != nil {
			t.Fatalf("URI() of a parsed key does not parse: %v", err)
		}
		if !reflect.DeepEqual(k, k2) {
			t.Fatalf("URI() round trip changed the key:\n%+v\n%+v", k, k2)
		}
		if k2.URI() != uri {
			t.Fatalf("URI() is not canonical: %q then %q", uri, k2.URI())
		}
		var c1, c2 string
		var err1, err2 error
		switch k.Type {
		case TOTP:
			at := time.Unix(1700000000, 0)
			c1, _, err1 = k.TOTP(at)
			c2, _, err2 = k2.TOTP(at)
		case HOTP:
			c1, err1 = k.HOTP(k.Counter)
			c2, err2 = k2.HOTP(k2.Counter)
		}
		if err1 != nil || err2 != nil {
			t.Fatalf("code of a valid key failed: %v, %v", err1, err2)
		}
		if c1 != c2 || len(c1) != k.Digits {
			t.Fatalf("codes %q and %q for %d digits", c1, c2, k.Digits)
		}
	})
}
