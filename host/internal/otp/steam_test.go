package otp

import (
	"strings"
	"testing"
	"time"
)

// steamVectorSecret and steamVectors are KeePassXC's Steam test vectors
// (tests/TestTotp.cpp, testSteamTotp): codes the Steam mobile app itself
// showed, at those instants, for a throw-away account whose secret was
// extracted from the app. They are the independent reference for the
// Steam encoder; nothing here derives them from otpfill's own code.
const steamVectorSecret = "63BEDWCQZKTQWPESARIERL5DTTQFCJTK"

var steamVectors = []struct {
	unix int64
	code string
}{
	{1511200518, "FR8RV"},
	{1511200714, "9P3VP"},
}

func TestSteamCodes(t *testing.T) {
	for _, uri := range []string{
		// KeePassXC's own URI from the same test.
		"otpauth://totp/test:test@example.com?secret=" + steamVectorSecret + "&issuer=Valve&algorithm=SHA1&digits=5&period=30&encoder=steam",
		// Aegis's form.
		"otpauth://steam/Steam:test?secret=" + steamVectorSecret + "&issuer=Steam&period=30&digits=5&algorithm=SHA1",
		// The least a user may type.
		"otpauth://totp/Steam:test?secret=" + strings.ToLower(steamVectorSecret) + "&encoder=STEAM",
	} {
		k, err := ParseURI(uri)
		if err != nil {
			t.Fatalf("ParseURI(%q): %v", uri, err)
		}
		if k.Type != TOTP || k.Encoder != Steam || k.Digits != SteamDigits || k.Period != 30 {
			t.Fatalf("%q parsed as %+v", uri, k)
		}
		for _, v := range steamVectors {
			code, expires, err := k.TOTP(time.Unix(v.unix, 0))
			if err != nil {
				t.Fatal(err)
			}
			if code != v.code {
				t.Errorf("%q at %d: code %s, want %s (the Steam app's)", uri, v.unix, code, v.code)
			}
			if want := time.Unix((v.unix/30+1)*30, 0); !expires.Equal(want) {
				t.Errorf("expires %v, want %v", expires, want)
			}
		}
	}
}

// A Steam code uses only Steam's alphabet, never a decimal-only code.
func TestSteamCodeAlphabet(t *testing.T) {
	k := NewTOTP(Secret("12345678901234567890"))
	k.Encoder, k.Digits = Steam, SteamDigits
	letters := false
	for i := int64(0); i < 200; i++ {
		code, _, err := k.TOTP(time.Unix(i*30, 0))
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != SteamDigits || strings.Trim(code, SteamAlphabet) != "" {
			t.Fatalf("code %q is not 5 characters of %s", code, SteamAlphabet)
		}
		letters = letters || strings.ContainsAny(code, "BCDFGHJKMNPQRTVWXY")
	}
	if !letters {
		t.Error("200 codes without a letter: the encoder is not Steam's")
	}
}

// The canonical URI of a Steam key is KeePassXC's form, and reads back to
// the same key.
func TestSteamURIRoundTrip(t *testing.T) {
	k, err := ParseURI("otpauth://steam/Steam:gaben?secret=" + steamVectorSecret)
	if err != nil {
		t.Fatal(err)
	}
	uri := k.URI()
	want := "otpauth://totp/Steam:gaben?secret=" + steamVectorSecret + "&issuer=Steam&algorithm=SHA1&digits=5&period=30&encoder=steam"
	if uri != want {
		t.Errorf("URI() = %s\nwant     %s", uri, want)
	}
	back, err := ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	if back.Encoder != Steam || back.Digits != SteamDigits || back.Issuer != "Steam" || back.Account != "gaben" {
		t.Errorf("read back as %+v", back)
	}
	if _, err := back.CheckNew(); err != nil {
		t.Errorf("CheckNew: %v", err)
	}
}

func TestSteamValidate(t *testing.T) {
	k := NewTOTP(Secret("12345678901234567890"))
	k.Encoder = Steam // digits still 6
	if err := k.Validate(); err == nil || !strings.Contains(err.Error(), "5 characters") {
		t.Errorf("a Steam key with 6 digits: %v", err)
	}
	k.Digits = SteamDigits
	if err := k.Validate(); err != nil {
		t.Errorf("a Steam key: %v", err)
	}
	k.Encoder = ""
	if err := k.Validate(); err == nil {
		t.Error("5 decimal digits accepted")
	}
	k.Encoder = "base26"
	if err := k.Validate(); err == nil {
		t.Error("an unknown encoder accepted")
	}
}
