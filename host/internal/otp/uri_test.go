package otp

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// b32Hello is "Hello!\xde\xad\xbe\xef" (Google's documentation example).
const b32Hello = "JBSWY3DPEHPK3PXP"

var hello = Secret("Hello!\xde\xad\xbe\xef")

func TestParseURI(t *testing.T) {
	tests := []struct {
		name string
		uri  string
		want Key // Secret nil means hello
	}{
		{"google key uri example",
			"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
			Key{Type: TOTP, Issuer: "Example", Account: "alice@google.com", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"lower-case secret",
			"otpauth://totp/GitHub:alice?secret=jbswy3dpehpk3pxp&issuer=GitHub",
			Key{Type: TOTP, Issuer: "GitHub", Account: "alice", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"encoded spaces and at sign, spaced secret, explicit defaults",
			"otpauth://totp/ACME%20Co:john.doe%40email.com?secret=JBSW%20Y3DP%20EHPK%203PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
			Key{Type: TOTP, Issuer: "ACME Co", Account: "john.doe@email.com", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"secret spaced with plus signs in the query",
			"otpauth://totp/x?secret=JBSW+Y3DP+EHPK+3PXP",
			Key{Type: TOTP, Account: "x", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"padding percent-encoded",
			"otpauth://totp/Svc:bob?secret=MFRGG%3D%3D%3D",
			Key{Type: TOTP, Issuer: "Svc", Account: "bob", Secret: Secret("abc"), Algorithm: SHA1, Digits: 6, Period: 30}},
		{"padding literal",
			"otpauth://totp/Svc:bob?secret=MFRGG===",
			Key{Type: TOTP, Issuer: "Svc", Account: "bob", Secret: Secret("abc"), Algorithm: SHA1, Digits: 6, Period: 30}},
		{"no issuer anywhere",
			"otpauth://totp/alice@example.com?secret=JBSWY3DPEHPK3PXP",
			Key{Type: TOTP, Account: "alice@example.com", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"colon-free label with issuer param",
			"otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&issuer=Example",
			Key{Type: TOTP, Issuer: "Example", Account: "alice", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"issuer param wins over label prefix",
			"otpauth://totp/OldName:alice?secret=JBSWY3DPEHPK3PXP&issuer=NewName",
			Key{Type: TOTP, Issuer: "NewName", Account: "alice", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"empty issuer param falls back to label",
			"otpauth://totp/Label:alice?secret=JBSWY3DPEHPK3PXP&issuer=",
			Key{Type: TOTP, Issuer: "Label", Account: "alice", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"percent-encoded colon separator",
			"otpauth://totp/Example%3Aalice?secret=JBSWY3DPEHPK3PXP",
			Key{Type: TOTP, Issuer: "Example", Account: "alice", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"space after colon",
			"otpauth://totp/Example:%20%20alice?secret=JBSWY3DPEHPK3PXP",
			Key{Type: TOTP, Issuer: "Example", Account: "alice", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"upper-case everything",
			"OTPAUTH://TOTP/X:y?SECRET=JBSWY3DPEHPK3PXP&ALGORITHM=sha256&DIGITS=8&PERIOD=60",
			Key{Type: TOTP, Issuer: "X", Account: "y", Algorithm: SHA256, Digits: 8, Period: 60}},
		{"sha512, 7 digits, 15 s",
			"otpauth://totp/Bank:carol?secret=JBSWY3DPEHPK3PXP&algorithm=sha512&digits=7&period=15",
			Key{Type: TOTP, Issuer: "Bank", Account: "carol", Algorithm: SHA512, Digits: 7, Period: 15}},
		{"SHA-256 spelling, 9 digits",
			"otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=SHA-256&digits=9",
			Key{Type: TOTP, Account: "a", Algorithm: SHA256, Digits: 9, Period: 30}},
		{"hotp with counter first",
			"otpauth://hotp/Bank:bob?counter=42&secret=JBSWY3DPEHPK3PXP&digits=8",
			Key{Type: HOTP, Issuer: "Bank", Account: "bob", Algorithm: SHA1, Digits: 8, Counter: 42}},
		{"hotp counter zero, period ignored",
			"otpauth://hotp/bob?secret=JBSWY3DPEHPK3PXP&counter=0&period=0",
			Key{Type: HOTP, Account: "bob", Algorithm: SHA1, Digits: 6}},
		{"pass-otp under bash 5.2 wrote the counter twice",
			"otpauth://hotp/Bank:bob?secret=JBSWY3DPEHPK3PXP&issuer=Bank&digits=8&counter=41counter=42",
			Key{Type: HOTP, Issuer: "Bank", Account: "bob", Algorithm: SHA1, Digits: 8, Counter: 42}},
		{"totp ignores counter",
			"otpauth://totp/bob?secret=JBSWY3DPEHPK3PXP&counter=junk",
			Key{Type: TOTP, Account: "bob", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"microsoft style",
			"otpauth://totp/Microsoft:user%40outlook.com?secret=JBSWY3DPEHPK3PXP&issuer=Microsoft",
			Key{Type: TOTP, Issuer: "Microsoft", Account: "user@outlook.com", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"unknown params and image ignored",
			"otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&image=https%3A%2F%2Fexample.com%2Flogo.png&foo=bar",
			Key{Type: TOTP, Issuer: "A", Account: "b", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"plus in issuer param is a space",
			"otpauth://totp/b?secret=JBSWY3DPEHPK3PXP&issuer=AT+T",
			Key{Type: TOTP, Issuer: "AT T", Account: "b", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"surrounding whitespace and fragment",
			"  otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP#frag\n",
			Key{Type: TOTP, Issuer: "A", Account: "b", Algorithm: SHA1, Digits: 6, Period: 30}},
		{"no label at all",
			"otpauth://totp?secret=JBSWY3DPEHPK3PXP",
			Key{Type: TOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"same parameter twice with the same value",
			"otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=8&digits=8",
			Key{Type: TOTP, Account: "a", Algorithm: SHA1, Digits: 8, Period: 30}},
		{"undecodable label kept as written",
			"otpauth://totp/A:b%zz?secret=JBSWY3DPEHPK3PXP",
			Key{Type: TOTP, Issuer: "A", Account: "b%zz", Algorithm: SHA1, Digits: 6, Period: 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseURI(tt.uri)
			if err != nil {
				t.Fatalf("ParseURI: %v", err)
			}
			want := tt.want
			if want.Secret == nil {
				want.Secret = hello
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("got  %+v (secret %x)\nwant %+v (secret %x)", *got, []byte(got.Secret), want, []byte(want.Secret))
			}
			again, err := ParseURI(got.URI())
			if err != nil {
				t.Fatalf("URI() does not re-parse: %v", err)
			}
			if !reflect.DeepEqual(again, got) {
				t.Errorf("round trip through %s changed the key", got.URI())
			}
		})
	}
}

func TestParseURIErrors(t *testing.T) {
	const s = b32Hello
	tests := []struct{ name, uri, reason string }{
		{"https scheme", "https://example.com/totp?secret=" + s, "not an otpauth:// URI"},
		{"empty", "", "not an otpauth:// URI"},
		{"unknown type", "otpauth://motp/a?secret=" + s, `unknown type "motp" (want totp, hotp or steam)`},
		{"long unknown type not echoed", "otpauth://" + s + "/a?secret=" + s, "unknown type (value not shown) (want totp, hotp or steam)"},
		{"missing secret", "otpauth://totp/a?issuer=A", "missing secret"},
		{"empty secret", "otpauth://totp/a?secret=&issuer=A", "empty secret"},
		{"only padding", "otpauth://totp/a?secret=%3D%3D", "empty secret"},
		{"bad base32 letter", "otpauth://totp/a?secret=JBSWY3DP1HPK3PXP", "bad base32 in secret"},
		{"impossible base32 length", "otpauth://totp/a?secret=JBSWY3DPE", "bad base32 in secret (impossible length)"},
		{"padding in the middle", "otpauth://totp/a?secret=JBSW=Y3DPEHPK3PX", "bad base32 in secret"},
		{"bad percent-encoding in secret", "otpauth://totp/a?secret=JBSWY3DP%ZZ", "bad percent-encoding in secret"},
		{"md5", "otpauth://totp/a?secret=" + s + "&algorithm=MD5", `unknown algorithm "MD5"`},
		{"secret in algorithm not echoed", "otpauth://totp/a?secret=" + s + "&algorithm=" + s, "unknown algorithm (value not shown)"},
		{"digits 5", "otpauth://totp/a?secret=" + s + "&digits=5", "digits must be 6 to 10"},
		{"digits 11", "otpauth://totp/a?secret=" + s + "&digits=11", "digits must be 6 to 10"},
		{"digits not a number", "otpauth://totp/a?secret=" + s + "&digits=six", "digits must be 6 to 10"},
		{"period 0", "otpauth://totp/a?secret=" + s + "&period=0", "period must be 1 to 86400 seconds"},
		{"period negative", "otpauth://totp/a?secret=" + s + "&period=-30", "period must be 1 to 86400 seconds"},
		{"period over a day", "otpauth://totp/a?secret=" + s + "&period=86401", "period must be 1 to 86400 seconds"},
		{"period not a number", "otpauth://totp/a?secret=" + s + "&period=30s", "period must be 1 to 86400 seconds"},
		{"hotp without counter", "otpauth://hotp/a?secret=" + s, "hotp URI without counter"},
		{"hotp negative counter", "otpauth://hotp/a?secret=" + s + "&counter=-1", "counter must be a whole number"},
		{"hotp counter overflow", "otpauth://hotp/a?secret=" + s + "&counter=18446744073709551616", "counter must be a whole number"},
		{"hotp counter 2^64-1", "otpauth://hotp/a?secret=" + s + "&counter=18446744073709551615", "counter must be at most 9223372036854775807"},
		{"hotp counter 2^63", "otpauth://hotp/a?secret=" + s + "&counter=9223372036854775808", "counter must be at most 9223372036854775807"},
		{"hotp counter with junk", "otpauth://hotp/a?secret=" + s + "&counter=41counter=", "counter must be a whole number"},
		{"hotp counter plus sign", "otpauth://hotp/a?secret=" + s + "&counter=%2B4", "counter must be a whole number"},
		{"other encoder", "otpauth://totp/a?secret=" + s + "&encoder=base26", `unsupported encoder "base26" (want steam or none)`},
		{"steam with 6 digits", "otpauth://totp/Steam:a?secret=" + s + "&encoder=steam&digits=6", "a Steam key has 5 characters (digits=5)"},
		{"steam type with 6 digits", "otpauth://steam/Steam:a?secret=" + s + "&digits=6", "a Steam key has 5 characters (digits=5)"},
		{"steam encoder on hotp", "otpauth://hotp/a?secret=" + s + "&counter=1&encoder=steam", "encoder=steam needs a totp URI"},
		{"conflicting secrets", "otpauth://totp/a?secret=" + s + "&secret=MFRGG", "conflicting values for secret"},
		{"conflicting digits", "otpauth://totp/a?secret=" + s + "&digits=6&digits=8", "conflicting values for digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseURI(tt.uri)
			if err == nil {
				t.Fatalf("ParseURI accepted it: %+v", k)
			}
			if !errors.Is(err, ErrInvalidURI) {
				t.Errorf("error %v does not wrap ErrInvalidURI", err)
			}
			var ue *URIError
			if !errors.As(err, &ue) {
				t.Fatalf("error %T is not a *URIError", err)
			}
			if ue.Reason != tt.reason {
				t.Errorf("reason = %q, want %q", ue.Reason, tt.reason)
			}
			if strings.Contains(err.Error(), s) || strings.Contains(strings.ToUpper(err.Error()), "JBSW") {
				t.Errorf("error %q leaks the secret", err)
			}
			if tt.uri != "" && strings.Contains(err.Error(), tt.uri) {
				t.Errorf("error %q quotes the URI", err)
			}
		})
	}
}

func TestParseSecret(t *testing.T) {
	for _, in := range []string{
		"JBSWY3DPEHPK3PXP", "jbswy3dpehpk3pxp", "JBSW Y3DP EHPK 3PXP", "jbsw\ty3dp ehpk 3pxp\n",
		"JBSWY3DPEHPK3PXP========", "JBSWY3DPEHPK3PXP%3D", "JBSWY3DPEHPK3PXP%3d%3d",
	} {
		got, err := ParseSecret(in)
		if err != nil {
			t.Errorf("ParseSecret(%q): %v", in, err)
			continue
		}
		if string(got) != string(hello) {
			t.Errorf("ParseSecret(%q) = %x, want %x", in, []byte(got), []byte(hello))
		}
	}
	for _, in := range []string{"", "   ", "====", "JBSWY3DP0", "JBSW-Y3DP", "A", "ABC", "ABCDEF", "JBSWY3DPE", "JBSWY3DPEHPK3PXP1"} {
		if _, err := ParseSecret(in); !errors.Is(err, ErrInvalidURI) {
			t.Errorf("ParseSecret(%q) error = %v, want ErrInvalidURI", in, err)
		}
	}
}

func TestURICanonical(t *testing.T) {
	tests := []struct {
		key  Key
		want string
	}{
		{Key{Type: TOTP, Issuer: "ACME Co", Account: "john.doe@example.com", Secret: hello, Algorithm: SHA1, Digits: 6, Period: 30},
			"otpauth://totp/ACME%20Co:john.doe@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"},
		{Key{Type: HOTP, Issuer: "Bank", Account: "bob", Secret: Secret("abc"), Algorithm: SHA256, Digits: 8, Counter: 7},
			"otpauth://hotp/Bank:bob?secret=MFRGG&issuer=Bank&algorithm=SHA256&digits=8&counter=7"},
		{Key{Type: TOTP, Account: "alice", Secret: hello, Algorithm: SHA512, Digits: 7, Period: 60},
			"otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&algorithm=SHA512&digits=7&period=60"},
		// Colons inside names are escaped so the separator stays unique;
		// pass-otp's label pattern allows exactly one literal colon.
		{Key{Type: TOTP, Issuer: "a:b", Account: "c:d", Secret: hello, Algorithm: SHA1, Digits: 6, Period: 30},
			"otpauth://totp/a%3Ab:c%3Ad?secret=JBSWY3DPEHPK3PXP&issuer=a%3Ab&algorithm=SHA1&digits=6&period=30"},
		{Key{Type: TOTP, Account: "c:d", Secret: hello, Algorithm: SHA1, Digits: 6, Period: 30},
			"otpauth://totp/:c%3Ad?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.key.URI(); got != tt.want {
				t.Errorf("URI() = %s\nwant    %s", got, tt.want)
			}
			back, err := ParseURI(tt.key.URI())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*back, tt.key) {
				t.Errorf("re-parsed to %+v, want %+v", *back, tt.key)
			}
		})
	}
}

// Names with every character that means something in a URI must survive.
func TestURIRoundTripAwkwardNames(t *testing.T) {
	names := []string{"a b", "a+b", "a&b=c", "a?b", "a#b", "a/b/c", "100%", "a:b", "ünïcødé", "日本", "x@y.z", "tab\there", ":", "::", "%3A"}
	for _, issuer := range append(names, "") {
		for _, account := range append(names, "") {
			k := &Key{Type: TOTP, Issuer: issuer, Account: account, Secret: hello, Algorithm: SHA1, Digits: 6, Period: 30}
			back, err := ParseURI(k.URI())
			if err != nil {
				t.Errorf("issuer %q account %q: %v", issuer, account, err)
				continue
			}
			if !reflect.DeepEqual(back, k) {
				t.Errorf("issuer %q account %q: came back as issuer %q account %q via %s",
					issuer, account, back.Issuer, back.Account, k.URI())
			}
		}
	}
}

// TestLimitsAtTheirBounds: the last values each limit allows are accepted
// for a new key (CheckNew, which save, add and import use) and give a code
// of the right length; TestParseURIErrors and TestCheckNewSecretLength
// check the first values past them. Together they pin every limit the docs
// give (digits 6-10, period 1-86400 s, counter at most 2^63-1 and able to
// advance, secrets of at least 80 bits) against an off-by-one.
func TestLimitsAtTheirBounds(t *testing.T) {
	const s = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // 160 bits
	for _, tt := range []struct {
		uri    string
		digits int
	}{
		{"otpauth://totp/a?secret=" + s + "&digits=6", 6},
		{"otpauth://totp/a?secret=" + s + "&digits=10", 10},
		{"otpauth://totp/a?secret=" + s + "&period=1", 6},
		{"otpauth://totp/a?secret=" + s + "&period=86400", 6},
		{"otpauth://hotp/a?secret=" + s + "&counter=0", 6},
		{"otpauth://hotp/a?secret=" + s + "&counter=9223372036854775806&digits=10", 10},
		{"otpauth://totp/a?secret=GEZDGNBVGY3TQOJQ", 6}, // 80 bits: a warning, not a refusal
	} {
		k, err := ParseURI(tt.uri)
		if err != nil {
			t.Errorf("%s: %v", tt.uri, err)
			continue
		}
		if _, err := k.CheckNew(); err != nil {
			t.Errorf("%s refused for a new key: %v", tt.uri, err)
		}
		var code string
		if k.Type == HOTP {
			next, nerr := k.NextCounter()
			if nerr != nil {
				t.Errorf("%s: %v", tt.uri, nerr)
				continue
			}
			code, err = k.HOTP(next)
		} else {
			code, _, err = k.TOTP(time.Unix(1_700_000_000, 0))
		}
		if err != nil || len(code) != tt.digits {
			t.Errorf("%s: code %q, %v; want %d digits", tt.uri, code, err, tt.digits)
		}
	}
	// A stored counter of 2^63-1 is read (the entry is not lost), but
	// cannot advance, so it is refused for a new key and gives no code.
	k, err := ParseURI("otpauth://hotp/a?secret=" + s + "&counter=9223372036854775807")
	if err != nil {
		t.Fatalf("a stored counter of 2^63-1: %v", err)
	}
	if _, err := k.CheckNew(); err == nil || !strings.Contains(err.Error(), "counter has reached its maximum") {
		t.Errorf("CheckNew of a counter at 2^63-1: %v", err)
	}
}
