package otp

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// RFC 6238 Appendix B: each algorithm has its own seed (the ASCII digits
// repeated to the hash's output length), 8 digits, 30 s.
var rfc6238Seeds = map[Algorithm]string{
	SHA1:   "12345678901234567890",
	SHA256: "12345678901234567890123456789012",
	SHA512: "1234567890123456789012345678901234567890123456789012345678901234",
}

func TestTOTPRFC6238(t *testing.T) {
	vectors := []struct {
		unix int64
		alg  Algorithm
		code string
	}{
		{59, SHA1, "94287082"}, {59, SHA256, "46119246"}, {59, SHA512, "90693936"},
		{1111111109, SHA1, "07081804"}, {1111111109, SHA256, "68084774"}, {1111111109, SHA512, "25091201"},
		{1111111111, SHA1, "14050471"}, {1111111111, SHA256, "67062674"}, {1111111111, SHA512, "99943326"},
		{1234567890, SHA1, "89005924"}, {1234567890, SHA256, "91819424"}, {1234567890, SHA512, "93441116"},
		{2000000000, SHA1, "69279037"}, {2000000000, SHA256, "90698825"}, {2000000000, SHA512, "38618901"},
		{20000000000, SHA1, "65353130"}, {20000000000, SHA256, "77737706"}, {20000000000, SHA512, "47863826"},
	}
	for _, v := range vectors {
		t.Run(fmt.Sprintf("%s/%d", v.alg, v.unix), func(t *testing.T) {
			k := &Key{Type: TOTP, Secret: Secret(rfc6238Seeds[v.alg]), Algorithm: v.alg, Digits: 8, Period: 30}
			code, expires, err := k.TOTP(time.Unix(v.unix, 0))
			if err != nil {
				t.Fatal(err)
			}
			if code != v.code {
				t.Errorf("code = %s, want %s", code, v.code)
			}
			want := time.Unix((v.unix/30+1)*30, 0)
			if !expires.Equal(want) {
				t.Errorf("expiresAt = %v, want %v", expires, want)
			}
		})
	}
}

// RFC 4226 Appendix D lists, for the secret "12345678901234567890", both the
// 6-digit HOTP values and the full truncated 31-bit decimal, from which the
// 7- to 10-digit codes follow (decimal mod 10^digits, zero-padded; the
// 10-digit code is the decimal itself).
func TestHOTPRFC4226(t *testing.T) {
	decimals := []uint32{
		1284755224, 1094287082, 137359152, 1726969429, 1640338314,
		868254676, 1918287922, 82162583, 673399871, 645520489,
	}
	sixDigit := []string{
		"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489",
	}
	for counter, dec := range decimals {
		for digits := 6; digits <= 10; digits++ {
			t.Run(fmt.Sprintf("counter%d/digits%d", counter, digits), func(t *testing.T) {
				k := &Key{Type: HOTP, Secret: Secret("12345678901234567890"), Algorithm: SHA1, Digits: digits}
				code, err := k.HOTP(uint64(counter))
				if err != nil {
					t.Fatal(err)
				}
				mod := uint64(1)
				for range digits {
					mod *= 10
				}
				want := fmt.Sprintf("%0*d", digits, uint64(dec)%mod)
				if digits == 6 && want != sixDigit[counter] {
					t.Fatalf("test table inconsistent at counter %d", counter)
				}
				if code != want {
					t.Errorf("code = %s, want %s", code, want)
				}
			})
		}
	}
}

func TestTOTPHonoursPeriodAndExpiry(t *testing.T) {
	k := &Key{Type: TOTP, Secret: Secret(rfc6238Seeds[SHA1]), Algorithm: SHA1, Digits: 8, Period: 60}
	// With a 60 s period, t=59 is step 0 and t=1111111109 is step 18518518;
	// RFC 6238's 30 s vector for t=59 (step 1) must therefore not come out.
	code, exp, err := k.TOTP(time.Unix(59, 0))
	if err != nil {
		t.Fatal(err)
	}
	if code == "94287082" {
		t.Error("60 s period ignored: got the 30 s code")
	}
	if exp.Unix() != 60 {
		t.Errorf("expiresAt = %d, want 60", exp.Unix())
	}
	// Step 0 with 60 s is HOTP counter 0: RFC 4226's 1284755224 -> 8 digits.
	if code != "84755224" {
		t.Errorf("code = %s, want 84755224", code)
	}
}

func TestCodeErrors(t *testing.T) {
	good := func() *Key { return NewTOTP(Secret("12345678901234567890")) }
	cases := map[string]func() (string, error){
		"before epoch": func() (string, error) { c, _, err := good().TOTP(time.Unix(-1, 0)); return c, err },
		"hotp key as totp": func() (string, error) {
			k := good()
			k.Type = HOTP
			c, _, err := k.TOTP(time.Unix(59, 0))
			return c, err
		},
		"totp key as hotp": func() (string, error) { return good().HOTP(1) },
		"zero digits": func() (string, error) {
			k := good()
			k.Digits = 0
			c, _, err := k.TOTP(time.Unix(59, 0))
			return c, err
		},
		"no algorithm": func() (string, error) {
			k := good()
			k.Algorithm = ""
			c, _, err := k.TOTP(time.Unix(59, 0))
			return c, err
		},
		"zero period": func() (string, error) {
			k := good()
			k.Period = 0
			c, _, err := k.TOTP(time.Unix(59, 0))
			return c, err
		},
		"empty secret": func() (string, error) {
			k := good()
			k.Secret = nil
			c, _, err := k.TOTP(time.Unix(59, 0))
			return c, err
		},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			code, err := f()
			if err == nil || code != "" {
				t.Fatalf("got code %q, err %v; want an error and no code", code, err)
			}
		})
	}
}

// TestHOTPCounterAtMaximum: a counter that cannot advance is refused, never
// wrapped to 0 (which would issue the first codes again).
func TestHOTPCounterAtMaximum(t *testing.T) {
	k := &Key{Type: HOTP, Secret: Secret("12345678901234567890"), Algorithm: SHA1, Digits: 6, Counter: MaxCounter - 1}
	next, err := k.NextCounter()
	if err != nil || next != MaxCounter {
		t.Fatalf("NextCounter at MaxCounter-1 = %d, %v; want %d", next, err, uint64(MaxCounter))
	}
	k.Counter = MaxCounter
	if next, err := k.NextCounter(); err == nil || !errors.Is(err, ErrInvalidURI) {
		t.Fatalf("NextCounter at MaxCounter = %d, %v; want an error", next, err)
	}
	k.Counter = MaxCounter + 1
	if err := k.Validate(); err == nil {
		t.Fatal("Validate accepted a counter above MaxCounter")
	}
}

// TestCheckNewSecretLength: RFC 4226 §4 wants 128 bits; 80 to 127 bits are
// accepted with a warning (old sites issued 80-bit keys), less is refused.
func TestCheckNewSecretLength(t *testing.T) {
	for _, tt := range []struct {
		bytes   int
		ok      bool
		warning bool
	}{
		{1, false, false}, {9, false, false}, {10, true, true}, {15, true, true}, {16, true, false}, {20, true, false}, {64, true, false},
	} {
		k := NewTOTP(Secret(strings.Repeat("k", tt.bytes)))
		warning, err := k.CheckNew()
		if (err == nil) != tt.ok {
			t.Errorf("%d-byte secret: err = %v, want ok=%v", tt.bytes, err, tt.ok)
		}
		if err != nil {
			checkURIError(t, err)
			if !strings.Contains(err.Error(), "minimum is 80") {
				t.Errorf("%d-byte secret: error %q does not give the limit", tt.bytes, err)
			}
		}
		if (warning != "") != tt.warning {
			t.Errorf("%d-byte secret: warning %q, want one: %v", tt.bytes, warning, tt.warning)
		}
	}
	// Validate, which reads stored keys, keeps accepting them.
	if err := NewTOTP(Secret("k")).Validate(); err != nil {
		t.Errorf("Validate refused a stored 8-bit key: %v", err)
	}
}
