package entry

import (
	"errors"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/host/internal/otp"
)

const (
	uriA = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
	uriB = "otpauth://totp/GitHub:alice?secret=MFRGG&issuer=GitHub&algorithm=SHA256&digits=8&period=30"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		content string
		issuer  string
		secret  string // base32 of the expected secret
		alg     otp.Algorithm
		digits  int
	}{
		{"pass-otp insert: uri alone", uriA + "\n", "GitHub", "JBSWY3DPEHPK3PXP", otp.SHA1, 6},
		{"uri without final newline", uriA, "GitHub", "JBSWY3DPEHPK3PXP", otp.SHA1, 6},
		{"password first, uri later", "hunter2\nlogin: alice\nurl: https://github.com\n" + uriB + "\nnote: x\n", "GitHub", "MFRGG", otp.SHA256, 8},
		{"CRLF line ends", "hunter2\r\nlogin: alice\r\n" + uriB + "\r\n", "GitHub", "MFRGG", otp.SHA256, 8},
		{"leading blanks before the uri", "pw\n   \t" + uriA + "\n", "GitHub", "JBSWY3DPEHPK3PXP", otp.SHA1, 6},
		{"upper-case scheme", "pw\nOTPAUTH://TOTP/GitHub:alice?secret=JBSWY3DPEHPK3PXP\n", "GitHub", "JBSWY3DPEHPK3PXP", otp.SHA1, 6},
		{"first uri wins", "pw\n" + uriB + "\n" + uriA + "\n", "GitHub", "MFRGG", otp.SHA256, 8},
		{"uri wins over an earlier totp field", "pw\ntotp: MFRGG\n" + uriA + "\n", "GitHub", "JBSWY3DPEHPK3PXP", otp.SHA1, 6},
		{"gopass totp field", "pw\n---\nuser: alice\ntotp: jbsw y3dp ehpk 3pxp\n", "", "JBSWY3DPEHPK3PXP", otp.SHA1, 6},
		{"field name in capitals", "pw\nTOTP: JBSWY3DPEHPK3PXP\n", "", "JBSWY3DPEHPK3PXP", otp.SHA1, 6},
		{"quoted yaml value", "pw\n---\ntotp: \"JBSWY3DPEHPK3PXP\"\n", "", "JBSWY3DPEHPK3PXP", otp.SHA1, 6},
		{"otp field with base32", "pw\r\nOTP: MFRGG===\r\n", "", "MFRGG", otp.SHA1, 6},
		{"otp field with uri", "pw\notp: " + uriB + "\n", "GitHub", "MFRGG", otp.SHA256, 8},
		{"totp field with uri", "pw\ntotp:  " + uriA + "\n", "GitHub", "JBSWY3DPEHPK3PXP", otp.SHA1, 6},
		{"empty totp field skipped", "pw\ntotp:\notp: MFRGG\n", "", "MFRGG", otp.SHA1, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse([]byte(tt.content))
			if err != nil {
				t.Fatal(err)
			}
			if k.Issuer != tt.issuer || k.Secret.Base32() != tt.secret || k.Algorithm != tt.alg || k.Digits != tt.digits {
				t.Errorf("got issuer %q secret %s alg %s digits %d", k.Issuer, k.Secret.Base32(), k.Algorithm, k.Digits)
			}
			if k.Type != otp.TOTP || k.Period != 30 {
				t.Errorf("got type %s period %d, want totp 30", k.Type, k.Period)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, content string
		want          error
	}{
		{"empty", "", ErrNoOTP},
		{"password only", "hunter2\n", ErrNoOTP},
		{"otpauth not at line start", "pw\nsee otpauth://totp/a?secret=MFRGG\n", ErrNoOTP},
		{"field name only similar", "pw\ntotp-backup: MFRGG\n", ErrNoOTP},
		{"invalid uri is not skipped", "pw\notpauth://totp/a?secret=JBSWY3DP1\ntotp: MFRGG\n", otp.ErrInvalidURI},
		{"invalid totp secret", "pw\ntotp: not base32!\n", otp.ErrInvalidURI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse([]byte(tt.content))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse = %v, %v; want error %v", k, err, tt.want)
			}
			if tt.content != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.content)) {
				t.Errorf("error %q quotes the entry", err)
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "JBSWY3DP1") {
				t.Errorf("error %q leaks entry content", err)
			}
		})
	}
}

func TestSetURI(t *testing.T) {
	const newURI = "otpauth://totp/New:bob?secret=MFRGG&issuer=New&algorithm=SHA1&digits=6&period=30"
	tests := []struct{ name, in, want string }{
		{"new entry", "", newURI + "\n"},
		{"blank entry", "\n", newURI + "\n"},
		{"replace the only line", uriA + "\n", newURI + "\n"},
		{"replace in place, keep the rest",
			"hunter2\nlogin: bob\n" + uriA + "\nnote: keep me\n",
			"hunter2\nlogin: bob\n" + newURI + "\nnote: keep me\n"},
		{"replace only the first of two",
			"pw\n" + uriA + "\n" + uriB + "\n",
			"pw\n" + newURI + "\n" + uriB + "\n"},
		{"replace an indented line, CRLF kept",
			"pw\r\n  " + uriA + "\r\nx: y\r\n",
			"pw\r\n" + newURI + "\r\nx: y\r\n"},
		{"append after password", "hunter2\n", "hunter2\n" + newURI + "\n"},
		{"append without final newline", "hunter2\nlogin: bob", "hunter2\nlogin: bob\n" + newURI + "\n"},
		{"append in CRLF style", "hunter2\r\nlogin: bob\r\n", "hunter2\r\nlogin: bob\r\n" + newURI + "\r\n"},
		{"append keeps a totp field and trailing blank lines", "pw\ntotp: JBSWY3DPEHPK3PXP\n\n", "pw\ntotp: JBSWY3DPEHPK3PXP\n\n" + newURI + "\n"},
		{"replace last line without newline", "pw\n" + uriA, "pw\n" + newURI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(SetURI([]byte(tt.in), newURI))
			if got != tt.want {
				t.Errorf("SetURI:\n got %q\nwant %q", got, tt.want)
			}
			if n := strings.Count(got, "otpauth://"); n != max(1, strings.Count(tt.in, "otpauth://")) {
				t.Errorf("%d otpauth lines after SetURI", n)
			}
			k, err := Parse([]byte(got))
			if err != nil || k.Issuer != "New" {
				t.Errorf("Parse after SetURI = %+v, %v; want the new key", k, err)
			}
		})
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := []string{"8f3k-2m9q", "x7p4-ld0w", "abcd efgh"}
	tests := []struct{ name, in, want string }{
		{"append to entry", "pw\n" + uriA + "\n",
			"pw\n" + uriA + "\nrecovery-codes:\n  8f3k-2m9q\n  x7p4-ld0w\n  abcd efgh\n"},
		{"new entry", "", "recovery-codes:\n  8f3k-2m9q\n  x7p4-ld0w\n  abcd efgh\n"},
		{"append without final newline", "pw",
			"pw\nrecovery-codes:\n  8f3k-2m9q\n  x7p4-ld0w\n  abcd efgh\n"},
		{"replace in place", "pw\nRecovery-Codes:\n  old1\n\told2\nnote: after\n",
			"pw\nrecovery-codes:\n  8f3k-2m9q\n  x7p4-ld0w\n  abcd efgh\nnote: after\n"},
		{"replace at end without newline", "pw\nrecovery-codes:\n  old1",
			"pw\nrecovery-codes:\n  8f3k-2m9q\n  x7p4-ld0w\n  abcd efgh"},
		{"CRLF", "pw\r\nrecovery-codes:\r\n  old\r\nx: y\r\n",
			"pw\r\nrecovery-codes:\r\n  8f3k-2m9q\r\n  x7p4-ld0w\r\n  abcd efgh\r\nx: y\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SetRecoveryCodes([]byte(tt.in), codes)
			if string(got) != tt.want {
				t.Errorf("SetRecoveryCodes:\n got %q\nwant %q", got, tt.want)
			}
			if back := RecoveryCodes(got); strings.Join(back, "|") != strings.Join(codes, "|") {
				t.Errorf("RecoveryCodes = %q, want %q", back, codes)
			}
			// Setting them again changes nothing: no duplicate block.
			if again := SetRecoveryCodes(got, codes); string(again) != string(got) {
				t.Errorf("second SetRecoveryCodes changed the entry:\n%q", again)
			}
		})
	}
}

func TestRecoveryCodesEdgeCases(t *testing.T) {
	in := "pw\n" + uriA + "\nrecovery-codes:\n  a\n  b\n\nnote: x\n"
	if got := string(SetRecoveryCodes([]byte(in), nil)); got != "pw\n"+uriA+"\n\nnote: x\n" {
		t.Errorf("removing codes: got %q", got)
	}
	if got := RecoveryCodes([]byte("pw\n")); got != nil {
		t.Errorf("no block: got %q", got)
	}
	// Codes are trimmed, blank ones dropped, multi-line ones split.
	got := RecoveryCodes(SetRecoveryCodes([]byte("pw\n"), []string{" a ", "", "b\nc", "\r\n"}))
	if strings.Join(got, "|") != "a|b|c" {
		t.Errorf("cleaned codes = %q, want a, b, c", got)
	}
	// The recovery block does not disturb the key, nor SetURI the codes.
	content := SetURI(SetRecoveryCodes([]byte("pw\n"), []string{"r1"}), uriA)
	if k, err := Parse(content); err != nil || k.Issuer != "GitHub" {
		t.Errorf("Parse = %v, %v", k, err)
	}
	if got := RecoveryCodes(content); len(got) != 1 || got[0] != "r1" {
		t.Errorf("codes after SetURI = %q", got)
	}
}

// A recovery code is never taken for the key, whatever it looks like.
func TestRecoveryCodesAreNotTheKey(t *testing.T) {
	content := "pw\nrecovery-codes:\n  otpauth://totp/x?secret=MFRGG\n  totp: MFRGG\n"
	if k, err := Parse([]byte(content)); err != ErrRecoveryOnly || !errors.Is(err, ErrNoOTP) {
		t.Errorf("Parse = %+v, %v; want ErrRecoveryOnly (an ErrNoOTP)", k, err)
	}
	got := string(SetURI([]byte(content), uriA))
	if got != content+uriA+"\n" {
		t.Errorf("SetURI replaced a recovery code: %q", got)
	}
}

// An entry of recovery codes alone (save_recovery of a site with no key) is
// ErrRecoveryOnly, which is an ErrNoOTP; an empty block is not codes; a
// key added later (a TOTP save, as `pass otp append`) is read and the codes
// stay.
func TestRecoveryOnlyEntry(t *testing.T) {
	content := SetRecoveryCodes(nil, []string{"8f3k-2m9q", "x7p4-ld0w"})
	if string(content) != "recovery-codes:\n  8f3k-2m9q\n  x7p4-ld0w\n" {
		t.Fatalf("a new recovery-only entry = %q", content)
	}
	if k, err := Parse(content); err != ErrRecoveryOnly || !errors.Is(err, ErrNoOTP) {
		t.Errorf("Parse = %+v, %v; want ErrRecoveryOnly", k, err)
	}
	if _, err := Parse([]byte("pw\nrecovery-codes:\nnote: x\n")); err != ErrNoOTP {
		t.Errorf("an empty recovery block: %v, want ErrNoOTP", err)
	}
	merged := SetURI(content, uriA)
	if k, err := Parse(merged); err != nil || k.Issuer != "GitHub" {
		t.Errorf("after SetURI: %v, %v", k, err)
	}
	if got := RecoveryCodes(merged); len(got) != 2 || got[1] != "x7p4-ld0w" {
		t.Errorf("codes after SetURI = %q", got)
	}
}
