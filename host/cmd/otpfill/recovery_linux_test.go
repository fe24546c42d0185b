package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/realkeyring"
	"github.com/otpfill/otpfill/protocol"
)

// TestRecoveryOnlyEntry: a site whose 2FA is by SMS shows recovery codes and
// has no entry. save_recovery with "create" keeps them in a new entry of
// their own (pass shows exactly the codes), which is listed, never gives a
// code (recovery_only, by name or by URL), can be undone, is shown and
// exported by the CLI (a paper card without a QR code; the key formats leave
// it out with a note), is copied by backup sync; and a later save of the
// site's TOTP key adds the key to it, keeping the codes.
func TestRecoveryOnlyEntry(t *testing.T) {
	e := newTestEnv(t)
	e.Run("", "pass", "rm", "-f", foreignName) // undecryptable: every --all export would fail on it
	const (
		pageURL = "https://secure.nordbank.com/settings/security/backup-codes"
		name    = "nordbank.com/alice@example.com"
	)
	codes := []string{"4821-9930", "1184-2270", "5530-8812", "7741-0096", "2209-6641", "9902-1735", "3360-4487", "6015-5529"}
	e.addSecret(codes...)
	want := "recovery-codes:\n  " + strings.Join(codes, "\n  ") + "\n"
	h := e.startHost()

	created := h.ok(req("save_recovery", "url", pageURL, "codes", codes, "name", name, "create", true))
	if created["name"] != name || created["replaced"] != nil || mustJSON(t, created["stores"]) != `["pass"]` {
		t.Errorf("save_recovery create = %v", created)
	}
	token, _ := created["undo"].(string)
	if token == "" {
		t.Fatalf("save_recovery create gave no undo token: %v", created)
	}
	if got := e.Run("", "pass", "show", name); got != want {
		t.Fatalf("pass show %s = %q, want exactly the codes %q", name, got, want)
	}
	if log := e.Run("", "pass", "git", "log", "-1", "--format=%s"); !strings.Contains(log, name) {
		t.Errorf("the new entry is not committed: last commit %q", log)
	}

	// create never replaces: the same name again is exists, and nothing changes.
	before := treeHash(t, e.StoreDir)
	h.fail(req("save_recovery", "url", pageURL, "codes", []string{"0000-1111", "2222-3333"}, "name", name, "create", true), protocol.CodeExists)
	// An existing entry of another site stays forbidden, create or not.
	h.fail(req("save_recovery", "url", pageURL, "codes", codes, "name", alice.name, "create", true), protocol.CodeExists)
	h.fail(req("save_recovery", "url", pageURL, "codes", codes, "name", alice.name), protocol.CodeForbidden)
	if treeHash(t, e.StoreDir) != before {
		t.Fatal("a refused save_recovery changed the store")
	}

	// Listed and matched, but no code: recovery_only, by name and by URL.
	if l := h.ok(req("list")); !strings.Contains(mustJSON(t, l["entries"]), `{"name":"`+name+`","store":"pass","type":"recovery"}`) {
		t.Errorf("list lacks %s: %v", name, l["entries"])
	}
	// The host made it, so match and list say what it is (the entry-type index), and a client never asks its code.
	if m := h.ok(req("match", "url", "https://secure.nordbank.com/login/sms")); mustJSON(t, m["entries"]) != `[{"name":"`+name+`","store":"pass","strength":"exact","type":"recovery"}]` {
		t.Errorf("match = %v, want %s as type recovery", m["entries"], name)
	}
	msg := h.fail(req("code", "name", name), protocol.CodeRecoveryOnly)["message"].(string)
	if !strings.Contains(msg, name+" keeps recovery codes only, no 2FA key") {
		t.Errorf("code of a recovery-only entry says %q", msg)
	}
	h.fail(req("code", "url", "https://secure.nordbank.com/login/sms"), protocol.CodeRecoveryOnly)
	if stdout, _, _ := e.run("", "list"); !strings.Contains(stdout, name+"\n") {
		t.Errorf("otpfill list lacks %s:\n%s", name, stdout)
	}
	if stdout, stderr, code := e.run("", "code", name); code != 1 || stdout != "" || !strings.Contains(stderr, "recovery codes only") {
		t.Errorf("otpfill code %s: exit %d, stdout %q, stderr %q", name, code, stdout, stderr)
	}

	// Undo takes the new entry away; it can be made again.
	h.ok(req("undo", "token", token, "url", pageURL))
	if _, err := os.Stat(filepath.Join(e.StoreDir, name+".gpg")); !os.IsNotExist(err) {
		t.Fatalf("undo left the entry: %v", err)
	}
	h.ok(req("save_recovery", "url", pageURL, "codes", codes, "name", name, "create", true))
	h.closeOK()

	// The CLI prints the codes (stdout) and what the entry is (stderr).
	stdout, stderr, code := e.run("", "show", name)
	if code != 0 || stdout != strings.Join(codes, "\n")+"\n" || !strings.Contains(stderr, "recovery codes only") {
		t.Errorf("otpfill show %s: exit %d, stdout %q, stderr %q", name, code, stdout, stderr)
	}
	if _, stderr, code := e.run("", "show", notesName); code != 1 || !strings.Contains(stderr, "no OTP") && !strings.Contains(stderr, "no otpauth") {
		t.Errorf("otpfill show of a password entry: exit %d, %q", code, stderr)
	}

	// Exports: the paper kit has a card with the codes and no QR code; the key formats leave it out, saying so.
	kit := filepath.Join(t.TempDir(), "kit.html")
	if _, stderr, code := e.run("", "export", "--all", "--paper", kit); code != 0 {
		t.Fatalf("export --all --paper: exit %d: %s", code, stderr)
	}
	page := string(checkSecretFile(t, kit))
	card := regexp.MustCompile(`(?s)<section class="card recovery-only">.*?</section>`).FindString(page)
	if !strings.Contains(card, name) || strings.Contains(card, "<svg") || strings.Contains(card, "Secret (base32)") {
		t.Errorf("the kit's card for %s: %q", name, card)
	}
	for _, c := range codes {
		if !strings.Contains(card, "<li>"+c+"</li>") {
			t.Errorf("the card lacks the code %s", c)
		}
	}
	stdout, stderr, code = e.run("", "export", "--all", "--format", "uri")
	if code != 0 || !strings.Contains(stderr, "left out "+name+": it keeps recovery codes only") || strings.Contains(stdout, "nordbank") || !strings.Contains(stdout, alice.secret) {
		t.Errorf("export --all --format uri: exit %d, stderr %q", code, stderr)
	}
	if _, stderr, code := e.run("", "export", "--format", "aegis", name); code != 1 || !strings.Contains(stderr, "recovery codes only") {
		t.Errorf("export --format aegis %s: exit %d, stderr %q", name, code, stderr)
	}

	// backup status counts it; sync copies the codes into the backup store.
	vault := filepath.Join(e.Home, "vault")
	keyOne := strings.TrimSpace(readFile(t, filepath.Join(e.StoreDir, ".gpg-id")))
	inVault := func(stdin string, args ...string) string {
		t.Helper()
		out, err := runWith(e.Environ("PASSWORD_STORE_DIR="+vault), stdin, "pass", args...)
		if err != nil {
			t.Fatalf("pass %s in the vault: %v", strings.Join(args, " "), err)
		}
		return out
	}
	inVault("", "init", keyOne)
	cfg := `{"stores": [{"id": "vault", "kind": "pass", "path": "` + vault + `"}], "backup": {"pass": "vault"}}`
	if err := os.MkdirAll(filepath.Join(e.Home, ".config", "otpfill"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.Home, ".config", "otpfill", "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	r, _ := e.backupStatus()
	if i := r.entry(t, name); r.Entries[i].State != "missing" || r.Entries[i].Type != "recovery" || r.Summary["recovery_only"] != 1 {
		t.Errorf("backup status of the recovery-only entry: %+v, summary %v", r.Entries[i], r.Summary)
	}
	if stdout, stderr, code := e.run("", "backup", "sync"); code == 2 || !strings.Contains(stdout, name) {
		t.Fatalf("backup sync: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := inVault("", "show", name); got != want {
		t.Errorf("the vault's copy of %s = %q, want the codes", name, got)
	}
	if r, _ := e.backupStatus(); r.Entries[r.entry(t, name)].State != "covered" {
		t.Errorf("backup status after sync: %+v", r.Entries[r.entry(t, name)])
	}
	if err := os.Remove(filepath.Join(e.Home, ".config", "otpfill", "config.json")); err != nil {
		t.Fatal(err)
	}

	// A later save of the site's TOTP key, for the same account: the key
	// joins the entry (not exists) and the codes stay.
	key := otpEntry{name: name, secret: testSecret("nordbank totp"), alg: "sha1", digits: 6, period: 30}
	e.addSecret(key.secret)
	h = e.startHost()
	p := h.ok(req("preview", "url", "https://secure.nordbank.com/settings/security/app", "uri", "otpauth://totp/Nordbank:alice@example.com?secret="+key.secret+"&issuer=Nordbank"))
	if p["name"] != name || mustJSON(t, p["exists"]) != "[]" {
		t.Errorf("preview over the recovery-only entry: %v", p)
	}
	s := h.ok(req("save", "url", "https://secure.nordbank.com/settings/security/app", "uri", "otpauth://totp/Nordbank:alice@example.com?secret="+key.secret+"&issuer=Nordbank"))
	e.addCode(s["code"].(string))
	if s["name"] != name {
		t.Errorf("save = %v, want it in %s", s, name)
	}
	if m := h.ok(req("match", "url", "https://secure.nordbank.com/login")); strings.Contains(mustJSON(t, m["entries"]), `"recovery"`) {
		t.Errorf("after the key was saved, match still says recovery: %v", m["entries"])
	}
	h.closeOK()
	show := e.Run("", "pass", "show", name)
	if !strings.HasPrefix(show, want) || !strings.Contains(show, "otpauth://totp/") {
		t.Errorf("after the TOTP save, pass show = %q: want the codes kept and the key added", show)
	}
	before2 := time.Now()
	if got := lastLine(e.Run("", "pass", "otp", "code", name)); !oneOf(t, got, key, before2, time.Now()) {
		t.Errorf("pass otp code %s = %s, not oathtool's", name, got)
	}
	if stdout, _, code := e.run("", "show", name); code != 0 || stdout != strings.Join(codes, "\n")+"\n" {
		t.Errorf("otpfill show after the merge: exit %d, %q", code, stdout)
	}
}

// TestRecoveryOnlyEntryKeyring: "both" writes the entry of recovery codes to
// pass and to a real gnome-keyring on a private bus, the same block in each;
// the keyring copy gives no code either, and the CLI shows its codes.
func TestRecoveryOnlyEntryKeyring(t *testing.T) {
	e := newTestEnv(t)
	kr := realkeyring.New(t, true)
	e.extra = append(e.extra, "DBUS_SESSION_BUS_ADDRESS="+kr.Address)
	const name = "x.com/alice_k"
	codes := []string{"q7wk3m9x2p4t", "h2zr8n5v6c1d", "f9ky4t3m7w2b", "s6pj1x8r5n3g", "d4vc7h2k9z6e", "a8tw5q3y1m7r", "n3gb6d9s4f2x", "k1mz2w7p5h8c"}
	e.addSecret(codes...)
	h := e.startHost()
	r := h.ok(req("save_recovery", "url", "https://x.com/settings/account/login_verification/backup_codes", "codes", codes, "name", name, "store", "both", "create", true))
	if mustJSON(t, r["stores"]) != `["pass","keyring"]` {
		t.Errorf("save_recovery create to both: %v", r)
	}
	h.fail(req("code", "name", name, "store", "keyring"), protocol.CodeRecoveryOnly)
	h.closeOK()
	want := strings.Join(codes, "\n") + "\n"
	for _, st := range []string{"pass", "keyring"} {
		if stdout, stderr, code := e.run("", "show", name, "--store", st); code != 0 || stdout != want || !strings.Contains(stderr, name+" in "+st+": recovery codes only") {
			t.Errorf("otpfill show %s --store %s: exit %d, stdout %q, stderr %q", name, st, code, stdout, stderr)
		}
	}
	if r, code := e.backupStatus(); code != 1 || r.Entries[r.entry(t, name)].State != "covered" {
		// exit 1: the fixture's keys have no keyring copy; this entry has both.
		t.Errorf("backup status: exit %d, %+v", code, r.Entries[r.entry(t, name)])
	}
}
