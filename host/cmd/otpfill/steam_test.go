package main

// Steam Guard entries through the real binary: a pass store entry with
// encoder=steam (KeePassXC's convention) gives Steam's 5-character codes
// to the extension and on the command line; an import keeps Steam
// accounts; `pass otp` cannot read them (oathtool refuses 5 digits).

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/otp"
)

// steamSecret is KeePassXC's Steam test secret (throwaway; its codes from
// the Steam app are checked in host/internal/otp's TestSteamCodes).
const (
	steamSecret = "63BEDWCQZKTQWPESARIERL5DTTQFCJTK"
	steamName   = "steampowered.com/gaben"
	steamURI    = "otpauth://totp/Steam:gaben?secret=" + steamSecret + "&issuer=Steam&digits=5&encoder=steam"
)

var steamCode = regexp.MustCompile(`^[23456789BCDFGHJKMNPQRTVWXY]{5}$`)

// steamAt is the Steam code of steamSecret at unix time t, from the otp
// package (whose Steam encoder is proved against the Steam app's codes).
func steamAt(t *testing.T, unix int64) string {
	t.Helper()
	k, err := otp.ParseURI(steamURI)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := k.TOTP(time.Unix(unix, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSteamCode(t *testing.T) {
	e := newTestEnv(t)
	e.addSecret(steamSecret)
	e.InsertOTP(steamName, steamURI)

	h := e.startHost()
	for _, r := range []map[string]any{
		req("code", "name", steamName),
		req("code", "url", "https://store.steampowered.com/login/"),
	} {
		start := time.Now()
		resp := h.ok(r)
		end := time.Now()
		code, _ := resp["code"].(string)
		e.addCode(code)
		if resp["type"] != "totp" || resp["encoder"] != "steam" || resp["digits"] != float64(5) || resp["period"] != float64(30) || resp["name"] != steamName {
			t.Errorf("code answer %v: want type totp, encoder steam, digits 5, period 30", resp)
		}
		if !steamCode.MatchString(code) {
			t.Fatalf("code %q is not 5 characters of Steam's alphabet", code)
		}
		exp := int64(resp["expires_at"].(float64))
		if exp%30000 != 0 || exp <= start.UnixMilli() || exp-30000 > end.UnixMilli() {
			t.Fatalf("expires_at %d is not the end of the step in use", exp)
		}
		if want := steamAt(t, exp/1000-30); code != want {
			t.Errorf("code %s, want %s", code, want)
		}
	}
	// A decimal entry has no encoder in its answer.
	if resp := h.ok(req("code", "name", alice.name)); resp["encoder"] != nil {
		t.Errorf("a decimal code carries encoder %v", resp["encoder"])
	} else {
		e.addCode(resp["code"].(string))
	}
	// preview tells the extension before a save.
	pv := h.ok(req("preview", "url", "https://store.steampowered.com/twofactor/manage", "uri", "otpauth://steam/Steam:gordon?secret="+steamSecret))
	if pv["encoder"] != "steam" || pv["digits"] != float64(5) || pv["type"] != "totp" {
		t.Errorf("preview %v", pv)
	}
	h.closeOK()

	// The command line.
	start := time.Now()
	stdout, stderr, code := e.run("", "code", steamName)
	end := time.Now()
	if code != 0 {
		t.Fatalf("otpfill code: exit %d: %s", code, stderr)
	}
	got := strings.TrimSuffix(stdout, "\n")
	e.addCode(got)
	if !steamCode.MatchString(got) || (got != steamAt(t, start.Unix()) && got != steamAt(t, end.Unix())) {
		t.Errorf("otpfill code %s printed %q", steamName, stdout)
	}

	// pass otp cannot read it: it hands digits=5 to oathtool, which only
	// does 6 to 8 digits. A failure, never a wrong code; the docs say so.
	out, err := e.TryRun("", "pass", "otp", steamName)
	if err == nil {
		t.Errorf("pass otp gave a code for a Steam entry: %q", out)
	}
}

// TestSteamImportCLI: an Aegis export's Steam account is imported (not
// skipped) as an encoder=steam entry whose codes are Steam's.
func TestSteamImportCLI(t *testing.T) {
	e := newTestEnv(t)
	e.addSecret(steamSecret)
	file := filepath.Join(t.TempDir(), "aegis.json")
	vault := `{"version": 1, "header": {"slots": null, "params": null}, "db": {"version": 3, "entries": [
 {"type": "steam", "uuid": "0c1e0f43-4c6c-4b38-8d1a-5b1f0c1e0f43", "name": "gaben", "issuer": "Steam", "note": "", "icon": null,
  "info": {"secret": "` + steamSecret + `", "algo": "SHA1", "digits": 5, "period": 30}}]}}`
	if err := os.WriteFile(file, []byte(vault), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := e.run("", "import", file)
	if code != 0 || strings.Contains(stdout+stderr, "skip") {
		t.Fatalf("import: exit %d\n%s\n%s", code, stdout, stderr)
	}
	stored := e.Run("", "pass", "show", "Steam/gaben")
	if !strings.Contains(stored, "&encoder=steam") || !strings.Contains(stored, "digits=5") {
		t.Errorf("stored entry does not say encoder=steam and digits=5 (%d bytes)", len(stored))
	}
	start := time.Now()
	stdout, stderr, code = e.run("", "code", "Steam/gaben")
	got := strings.TrimSpace(stdout)
	e.addCode(got)
	if code != 0 || (got != steamAt(t, start.Unix()) && got != steamAt(t, time.Now().Unix())) {
		t.Errorf("code after import: exit %d, %q, %s", code, got, stderr)
	}
}
