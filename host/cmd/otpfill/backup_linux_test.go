package main

// `otpfill backup status` and `otpfill backup sync` with real parts: the
// fixture pass store and a real gnome-keyring on a private D-Bus (the
// default pair), and a second pass store encrypted to another key.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/realkeyring"
	"github.com/otpfill/otpfill/host/internal/realstore"
)

// backupReport is the JSON of `otpfill backup status --json`.
type backupReport struct {
	Entries []struct {
		Name          string            `json:"name"`
		State         string            `json:"state"`
		Stores        []string          `json:"stores"`
		Copies        []string          `json:"copies"`
		Missing       string            `json:"missing"`
		Type          string            `json:"type"`
		Counters      map[string]uint64 `json:"counters"`
		RecoveryCodes []string          `json:"recovery_codes"`
		Uncommitted   []string          `json:"uncommitted"`
		Message       string            `json:"message"`
	} `json:"entries"`
	Problems []string       `json:"problems"`
	Summary  map[string]int `json:"summary"`
}

// backupStatus runs `backup status --json`, checks that its stdout holds
// no secret, and returns the report and the exit status.
func (e *testEnv) backupStatus() (backupReport, int) {
	e.t.Helper()
	stdout, stderr, code := e.run("", "backup", "status", "--json")
	e.noSecretIn("backup status --json", stdout)
	var r backupReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		e.t.Fatalf("backup status --json: exit %d, stdout is not JSON: %v\n%s\nstderr: %s", code, err, stdout, stderr)
	}
	return r, code
}

// noSecretIn fails the test if text holds a secret of the test.
func (e *testEnv) noSecretIn(where, text string) {
	e.t.Helper()
	e.mu.Lock()
	secrets := slices.Clone(e.secrets)
	e.mu.Unlock()
	for _, s := range secrets {
		if strings.Contains(text, s) || strings.Contains(text, strings.ToLower(s)) {
			e.t.Errorf("%s shows the secret %.12s…:\n%s", where, s, text)
		}
	}
}

// state returns the report's line for name as "state missing-store".
func (r backupReport) state(name string) string {
	for _, e := range r.Entries {
		if e.Name == name {
			return strings.TrimSpace(e.State + " " + e.Missing)
		}
	}
	return "absent"
}

func (r backupReport) entry(t *testing.T, name string) int {
	for i, e := range r.Entries {
		if e.Name == name {
			return i
		}
	}
	t.Fatalf("backup status has no line for %s: %+v", name, r.Entries)
	return -1
}

func gitHead(e *testEnv, dir string) string {
	return strings.TrimSpace(e.Run("", "git", "-C", dir, "rev-parse", "HEAD"))
}

// TestBackupKeyring: the default pair, pass → keyring. Status reports
// missing copies, a conflict, HOTP counters, recovery codes and
// uncommitted files; sync copies both ways, raises the lower counter,
// refuses the conflict, and changes nothing when run again; an HOTP code
// then advances both copies.
func TestBackupKeyring(t *testing.T) {
	e := newTestEnv(t)
	kr := realkeyring.New(t, true)
	e.extra = append(e.extra, "DBUS_SESSION_BUS_ADDRESS="+kr.Address)
	// The teammate's entry cannot be decrypted by this user: take it out,
	// it would stay an error.
	e.Run("", "pass", "rm", "-f", foreignName)
	secretTool := func(stdin string, args ...string) {
		t.Helper()
		if _, err := kr.Run(context.Background(), stdin, "secret-tool", args...); err != nil {
			t.Fatalf("secret-tool %s: %v", strings.Join(args, " "), err)
		}
	}
	store := func(name, content string) {
		t.Helper()
		secretTool(content, "store", "--label=otpfill", "service", "otpfill", "username", name)
	}

	// A key only in the keyring.
	krOnly := otpEntry{name: "example.com/kr-only", secret: testSecret("backup kr only"), alg: "sha256", digits: 8, period: 30}
	krOnlyURI := "otpauth://totp/Example:kr?secret=" + krOnly.secret + "&algorithm=SHA256&digits=8"
	store(krOnly.name, krOnlyURI)
	// carol's keyring copy holds another secret: a conflict.
	carolOther := testSecret("backup carol other")
	carolKR := "otpauth://totp/Bitbucket:carol?secret=" + carolOther + "&issuer=Bitbucket\n"
	store(carol.name, carolKR)
	// The bank's keyring copy is ahead: counter 9, pass has 5.
	store(bankName, strings.Replace(bankURI, "counter=5", "counter=9", 1))
	// An entry with recovery codes, only in pass.
	rec := otpEntry{name: "example.net/rec", secret: testSecret("backup rec"), alg: "sha1", digits: 6, period: 30}
	recCodes := []string{"rec-code-0001", "rec-code-0002"}
	e.InsertMultiline(rec.name, "otpauth://totp/Example:rec?secret="+rec.secret+"\nrecovery-codes:\n  "+recCodes[0]+"\n  "+recCodes[1]+"\n")
	// An entry written but not committed to git.
	loose := otpEntry{name: "example.org/loose", secret: testSecret("backup loose"), alg: "sha1", digits: 6, period: 30}
	e.InsertOTP(loose.name, "otpauth://totp/Example:loose?secret="+loose.secret)
	e.Run("", "git", "-C", e.StoreDir, "reset", "-q", "HEAD~1")
	e.addSecret(krOnly.secret, carolOther, rec.secret, loose.secret)
	e.addSecret(recCodes...)

	// Status before: nothing is covered, every case is told apart.
	r, code := e.backupStatus()
	if code != 1 {
		t.Errorf("backup status with missing copies: exit %d, want 1", code)
	}
	want := map[string]string{
		alice.name: "missing keyring", work.name: "missing keyring", personal.name: "missing keyring",
		bob.name: "missing keyring", ops.name: "missing keyring", carol.name: "conflict",
		bankName: "covered", krOnly.name: "missing pass", rec.name: "missing keyring", loose.name: "missing keyring",
	}
	for name, w := range want {
		if got := r.state(name); got != w {
			t.Errorf("backup status: %s is %q, want %q", name, got, w)
		}
	}
	if len(r.Entries) != len(want) {
		t.Errorf("backup status lists %d entries, want the %d 2FA keys (not %s, which has none)", len(r.Entries), len(want), notesName)
	}
	if b := r.Entries[r.entry(t, bankName)]; b.Type != "hotp" || b.Counters["pass"] != 5 || b.Counters["keyring"] != 9 {
		t.Errorf("backup status for the HOTP bank: %+v, want counters pass 5, keyring 9", b)
	}
	if got := r.Entries[r.entry(t, rec.name)].RecoveryCodes; !slices.Equal(got, []string{"pass"}) {
		t.Errorf("recovery codes of %s are in %q, want [pass]", rec.name, got)
	}
	if got := r.Entries[r.entry(t, alice.name)].RecoveryCodes; len(got) != 0 {
		t.Errorf("recovery codes of %s are in %q, want none", alice.name, got)
	}
	if got := r.Entries[r.entry(t, loose.name)].Uncommitted; !slices.Equal(got, []string{"pass"}) {
		t.Errorf("uncommitted copies of %s: %q, want [pass]", loose.name, got)
	}
	if got := r.Entries[r.entry(t, alice.name)].Uncommitted; len(got) != 0 {
		t.Errorf("%s is committed, status says not in %q", alice.name, got)
	}
	if s := r.Summary; s["keys"] != 10 || s["covered"] != 1 || s["missing"] != 8 || s["conflicts"] != 1 || s["uncommitted"] != 1 || s["no_recovery_codes"] != 9 {
		t.Errorf("summary %v", s)
	}
	// The table: one line an entry and the summary last.
	stdout, _, code := e.run("", "backup", "status")
	e.noSecretIn("backup status", stdout)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 1 || !strings.HasPrefix(lines[0], "STATE") || lines[len(lines)-1] != "1 of 10 2FA keys have a second copy; 8 without a second copy, 1 whose copies differ, 9 without recovery codes, 1 not committed to git, 1 with HOTP counters to reconcile" {
		t.Errorf("backup status table: exit %d:\n%s", code, stdout)
	}
	for _, want := range []string{"conflict  " + carol.name, "missing   " + krOnly.name, "no copy in pass", "not committed to git in pass", "HOTP counters differ (pass 5, keyring 9)", "recovery codes"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("backup status table lacks %q:\n%s", want, stdout)
		}
	}
	// The host marks entries without a second copy, by name only.
	h := e.startHost()
	marks := func(resp map[string]any) map[string]any {
		out := map[string]any{}
		entries, _ := resp["entries"].([]any)
		for _, x := range entries {
			m := x.(map[string]any)
			out[m["store"].(string)+":"+m["name"].(string)] = m["backup"]
		}
		return out
	}
	m := marks(h.ok(req("match", "url", "https://bitbucket.org/")))
	if m["pass:"+carol.name] != nil || m["keyring:"+carol.name] != nil {
		t.Errorf("match: carol is in both stores (by name), yet marked: %v", m)
	}
	m = marks(h.ok(req("match", "url", "https://gitlab.com/")))
	if v, ok := m["pass:"+bob.name]; !ok || v != false {
		t.Errorf("match: bob, only in pass, is not marked backup false: %v", m)
	}
	l := marks(h.ok(req("list")))
	if l["pass:"+alice.name] != false || l["keyring:"+krOnly.name] != false || l["pass:"+bankName] != nil || l["keyring:"+bankName] != nil {
		t.Errorf("list marks: %v", l)
	}
	h.closeOK()
	t.Logf("backup status:\n%s", stdout)

	// A usage error stays 2.
	if _, _, code := e.run("", "backup", "status", "extra"); code != 2 {
		t.Errorf("backup status extra: exit %d, want 2", code)
	}
	if _, _, code := e.run("", "backup", "frobnicate"); code != 2 {
		t.Errorf("backup frobnicate: exit %d, want 2", code)
	}

	// Sync: copies both ways, raises the lower counter, refuses the conflict.
	carolFile := fileHash(t, filepath.Join(e.StoreDir, carol.name+".gpg"))
	commits := strings.Count(e.Run("", "git", "-C", e.StoreDir, "log", "--format=%H"), "\n")
	stdout, stderr, code := e.run("", "backup", "sync")
	e.noSecretIn("backup sync", stdout)
	if code != 1 {
		t.Errorf("backup sync with a conflict: exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "conflict: "+carol.name+" (pass, keyring): "+carol.name+" in pass and "+carol.name+" in keyring hold different keys") {
		t.Errorf("backup sync does not name the conflict with both stores: %q", stderr)
	}
	for _, w := range []string{"copied " + alice.name + " into keyring", "copied " + krOnly.name + " into pass", "raised the HOTP counter of " + bankName + " in pass to 9"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("backup sync did not say %q:\n%s", w, stdout)
		}
	}
	if got := strings.TrimSpace(lookup(t, kr, carol.name)); got != strings.TrimSpace(carolKR) {
		t.Error("backup sync replaced the keyring copy of a conflicting key")
	}
	if fileHash(t, filepath.Join(e.StoreDir, carol.name+".gpg")) != carolFile {
		t.Error("backup sync replaced the pass copy of a conflicting key")
	}
	// The copies give the right codes: the keyring's through otpfill,
	// the new pass entry through pass otp itself.
	for _, o := range []otpEntry{alice, work, bob, rec, loose} {
		start := time.Now()
		out, stderr, code := e.run("", "code", "--store", "keyring", o.name)
		if code != 0 {
			t.Errorf("code --store keyring %s after sync: exit %d: %s", o.name, code, stderr)
			continue
		}
		got := codeLine(t, out)
		e.addCode(got)
		if !oneOf(t, got, o, start, time.Now()) {
			t.Errorf("the keyring copy of %s gives %s, not oathtool's code", o.name, got)
		}
	}
	e.passOTP(krOnly)
	if item := lookup(t, kr, rec.name); !strings.Contains(item, recCodes[0]) || !strings.Contains(item, recCodes[1]) {
		t.Error("the keyring copy lacks the recovery codes")
	}
	if item := lookup(t, kr, bob.name); strings.Contains(item, "hunter2") {
		t.Error("the keyring copy of bob holds his password: only the 2FA part is copied")
	}
	if show := e.Run("", "pass", "show", bankName); !strings.Contains(show, "counter=9") {
		t.Errorf("the pass copy of the bank was not raised to counter 9")
	}
	if n := strings.Count(e.Run("", "git", "-C", e.StoreDir, "log", "--format=%H"), "\n"); n != commits+1 {
		t.Errorf("backup sync made %d commits, want 1", n-commits)
	}
	if st := e.Run("", "git", "-C", e.StoreDir, "status", "--porcelain", "--", krOnly.name+".gpg"); st != "" {
		t.Errorf("the copy in pass is not committed: %q", st)
	}

	// Again: nothing changes, not a byte, not a commit, not an item.
	tree, head := treeHash(t, e.StoreDir), gitHead(e, e.StoreDir)
	items := map[string]string{}
	for name := range want {
		items[name] = lookup(t, kr, name)
	}
	stdout, _, code = e.run("", "backup", "sync")
	if code != 1 || stdout != "" {
		t.Errorf("backup sync again: exit %d (want 1, the conflict), stdout %q (want nothing)", code, stdout)
	}
	if treeHash(t, e.StoreDir) != tree || gitHead(e, e.StoreDir) != head {
		t.Error("a second backup sync changed the pass store")
	}
	for name, item := range items {
		if lookup(t, kr, name) != item {
			t.Errorf("a second backup sync changed the keyring item %s", name)
		}
	}

	// The user settles the conflict as sync's message says, keeping the
	// pass copy; sync --to copies a copy lost from the keyring; status is
	// clean.
	_, stderr, _ = e.run("", "backup", "sync")
	hint := regexp.MustCompile("`otpfill export (\\S+) --uri --store (\\S+) \\| otpfill add (\\S+) --store (\\S+) --force`").FindStringSubmatch(stderr)
	if hint == nil || hint[1] != carol.name || hint[2] != "pass" || hint[3] != carol.name || hint[4] != "keyring" {
		t.Fatalf("the conflict does not say how to keep one copy: %q", stderr)
	}
	uri, stderr, code := e.run("", "export", hint[1], "--uri", "--store", hint[2])
	if code != 0 {
		t.Fatalf("otpfill export %s --uri --store %s: exit %d: %s", hint[1], hint[2], code, stderr)
	}
	if stdout, stderr, code := e.run(uri, "add", hint[3], "--store", hint[4], "--force"); code != 0 {
		t.Fatalf("otpfill add %s --store %s --force: exit %d: %s %s", hint[3], hint[4], code, stdout, stderr)
	} else {
		e.addCode(codeLine(t, stdout))
	}
	secretTool("", "clear", "service", "otpfill", "username", alice.name)
	if stdout, stderr, code := e.run("", "backup", "sync", "--to", "keyring"); code != 0 || stdout != "copied "+alice.name+" into keyring\n" {
		t.Errorf("backup sync --to keyring: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	r, code = e.backupStatus()
	if code != 0 || r.Summary["covered"] != 10 || r.Summary["keys"] != 10 {
		t.Errorf("backup status after sync: exit %d, summary %v, problems %q", code, r.Summary, r.Problems)
	}
	if got := r.Entries[r.entry(t, loose.name)].Uncommitted; !slices.Equal(got, []string{"pass"}) {
		t.Errorf("sync committed a file it did not write, or status lost it: %q", got)
	}

	h = e.startHost()
	if l := marks(h.ok(req("list"))); l["pass:"+alice.name] != nil || l["keyring:"+krOnly.name] != nil {
		t.Errorf("list after sync still marks entries: %v", l)
	}
	// bob now has two copies: match lists them in config order (pass, the
	// store it backs up, first; not by store id), and a code for the site
	// is the pass copy's, as clients keeping one copy of a name expect.
	var copies []string
	for _, x := range h.ok(req("match", "url", "https://gitlab.com/"))["entries"].([]any) {
		if m := x.(map[string]any); m["name"] == bob.name {
			copies = append(copies, m["store"].(string))
		}
	}
	if !slices.Equal(copies, []string{"pass", "keyring"}) {
		t.Errorf("match lists the copies of %s as %q, want [pass keyring]", bob.name, copies)
	}
	c := h.ok(req("code", "url", "https://gitlab.com/"))
	e.addCode(fmt.Sprint(c["code"]))
	if c["store"] != "pass" || c["name"] != bob.name {
		t.Errorf("code for gitlab.com answers %v from %v, want %s from pass", c["name"], c["store"], bob.name)
	}
	// An HOTP key saved to both: its first code advances both copies,
	// and undo still takes back both (the advance is part of the save).
	hb := testSecret("backup hotp both")
	e.addSecret(hb)
	resp := h.ok(req("save", "url", "https://hb.example.com/", "uri", "otpauth://hotp/HB:me?secret="+hb+"&counter=3", "store", "both", "name", "hb.example.com/me"))
	if resp["code"] != realstore.OathtoolHOTP(t, hb, 6, 4) || !strings.Contains(lookup(t, kr, "hb.example.com/me"), "counter=4") {
		t.Errorf("HOTP save to both: code %v, keyring item not at counter 4", resp["code"])
	}
	if u := h.ok(req("undo", "token", resp["undo"], "url", "https://hb.example.com/")); !slices.Equal(anyStrings(u["stores"]), []string{"pass", "keyring"}) {
		t.Errorf("undo of an HOTP save to both: stores %v", u["stores"])
	}
	h.closeOK()

	// An HOTP code advances both copies from now on.
	out, stderr, code := e.run("", "code", bankName)
	if code != 0 || strings.TrimSpace(out) != realstore.OathtoolHOTP(t, bankSecret, 6, 10) {
		t.Fatalf("code %s: exit %d, %q (stderr %s), want counter 10's code", bankName, code, out, stderr)
	}
	e.addCode(strings.TrimSpace(out))
	if item := lookup(t, kr, bankName); !strings.Contains(item, "counter=10") {
		t.Errorf("an HOTP code did not advance the keyring copy to counter 10")
	}
	if r, code := e.backupStatus(); code != 0 || r.Entries[r.entry(t, bankName)].Counters != nil {
		t.Errorf("after an HOTP code: exit %d, counters %v", code, r.Entries[r.entry(t, bankName)].Counters)
	}

	// doctor's line.
	stdout, _, _ = e.run("", "doctor")
	if !strings.Contains(stdout, "OK   backup: 10 of 10 2FA keys have a second copy; 9 without recovery codes, 1 not committed to git") {
		t.Errorf("doctor lacks the backup line:\n%s", stdout)
	}

	// With save_to keyring, "both" is still the pair: pass, then keyring.
	if err := os.MkdirAll(filepath.Join(e.Home, ".config", "otpfill"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.Home, ".config", "otpfill", "config.json"), []byte(`{"save_to": "keyring"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	kb := testSecret("backup save_to keyring")
	e.addSecret(kb)
	stdout, stderr, code = e.run("otpauth://totp/E:kb?secret="+kb+"\n", "add", "--store", "both", "example.com/kb")
	if code != 0 || !strings.Contains(stderr, "saved example.com/kb in pass and keyring") {
		t.Fatalf("add --store both with save_to keyring: exit %d, stderr %q", code, stderr)
	}
	e.addCode(codeLine(t, stdout))
}

// TestBackupSecondPassStore: the backup is a second pass store encrypted
// to another key, set in the config. Sync writes through pass's own rules
// (its .gpg-id, a git commit); pass otp reads the copies; a second sync is
// a no-op; HOTP codes and "both" saves keep both in step.
// vaultEnv is the fixture without its undecryptable entry, and an empty
// pass store "vault" (in git) encrypted to the fixture's second key, set
// in the config as the pass store's backup. passIn runs pass on a store.
func vaultEnv(t *testing.T) (e *testEnv, vault, keyTwo string, passIn func(dir string, stdin string, args ...string) string) {
	t.Helper()
	e = newTestEnv(t)
	e.Run("", "pass", "rm", "-f", foreignName)
	vault = filepath.Join(e.Home, "vault")
	keyTwo = strings.Fields(readFile(t, filepath.Join(e.StoreDir, "team", ".gpg-id")))[0]
	passIn = func(dir string, stdin string, args ...string) string {
		t.Helper()
		out, err := runWith(e.Environ("PASSWORD_STORE_DIR="+dir), stdin, "pass", args...)
		if err != nil {
			t.Fatalf("pass %s in %s: %v", strings.Join(args, " "), dir, err)
		}
		return out
	}
	passIn(vault, "", "init", keyTwo)
	passIn(vault, "", "git", "init")
	cfg := `{"stores": [{"id": "vault", "kind": "pass", "path": "` + vault + `"}], "backup": {"pass": "vault"}}`
	if err := os.MkdirAll(filepath.Join(e.Home, ".config", "otpfill"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.Home, ".config", "otpfill", "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return e, vault, keyTwo, passIn
}

func TestBackupSecondPassStore(t *testing.T) {
	e, vault, keyTwo, passIn := vaultEnv(t)

	r, code := e.backupStatus()
	if code != 1 || r.Summary["missing"] != 7 || len(r.Problems) != 0 {
		t.Errorf("backup status to an empty vault: exit %d, summary %v, problems %q", code, r.Summary, r.Problems)
	}
	stdout, stderr, code := e.run("", "backup", "sync")
	if code != 0 || strings.Count(stdout, " into vault\n") != 7 {
		t.Fatalf("backup sync into the vault: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// pass otp reads every copy; each is encrypted to key Two only.
	for _, o := range []otpEntry{alice, work, personal, bob, ops, carol} {
		before := time.Now()
		got := lastLine(passIn(vault, "", "otp", "code", o.name))
		if !oneOf(t, got, o, before, time.Now()) {
			t.Errorf("pass otp code %s in the vault = %s, not oathtool's", o.name, got)
		}
	}
	packets, _ := runWith(e.Environ(), "", "gpg", "--batch", "--list-packets", filepath.Join(vault, alice.name+".gpg"))
	subTwo, subOne := encSubkey(t, e, keyTwo), encSubkey(t, e, strings.TrimSpace(readFile(t, filepath.Join(e.StoreDir, ".gpg-id"))))
	if !strings.Contains(packets, "keyid "+subTwo) || strings.Contains(packets, "keyid "+subOne) {
		t.Errorf("the vault copy is not encrypted to key Two alone:\n%s", packets)
	}
	if log := passIn(vault, "", "git", "log", "--format=%s"); strings.Count(log, "otpfill backup sync") != 1 {
		t.Errorf("the vault's git log: %q, want one commit for the sync", log)
	}
	if r, code := e.backupStatus(); code != 0 || r.Summary["covered"] != 7 {
		t.Errorf("backup status after sync: exit %d, summary %v", code, r.Summary)
	}

	// A second sync: byte-identical vault, no commit.
	tree, head := treeHash(t, vault), gitHead(e, vault)
	if stdout, _, code := e.run("", "backup", "sync"); code != 0 || stdout != "" {
		t.Errorf("second backup sync: exit %d, stdout %q", code, stdout)
	}
	if treeHash(t, vault) != tree || gitHead(e, vault) != head {
		t.Error("a second backup sync changed the vault")
	}

	// HOTP: a code advances the vault copy too.
	out, _, code := e.run("", "code", bankName)
	if code != 0 || strings.TrimSpace(out) != realstore.OathtoolHOTP(t, bankSecret, 6, 6) {
		t.Fatalf("code %s: exit %d, %q", bankName, code, out)
	}
	e.addCode(strings.TrimSpace(out))
	if show := passIn(vault, "", "show", bankName); !strings.Contains(show, "counter=6") {
		t.Error("an HOTP code did not advance the vault copy")
	}
	// A save to "both" goes to the store and its configured backup.
	both := otpEntry{name: "example.com/both", secret: testSecret("backup both"), alg: "sha1", digits: 6, period: 30}
	e.addSecret(both.secret)
	stdout, stderr, code = e.run("otpauth://totp/E:both?secret="+both.secret+"\n", "add", "--store", "both", both.name)
	if code != 0 || !strings.Contains(stderr, "saved "+both.name+" in pass and vault") {
		t.Fatalf("add --store both: exit %d, stderr %q", code, stderr)
	}
	e.addCode(strings.TrimSpace(stdout))
	before := time.Now()
	if got := lastLine(passIn(vault, "", "otp", "code", both.name)); !oneOf(t, got, both, before, time.Now()) {
		t.Errorf("pass otp code %s in the vault = %s", both.name, got)
	}
}

// runWith runs a program with an environment and stdin; stdout, and an
// error carrying stderr.
func runWith(env []string, stdin, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// encSubkey is the long key id of key's encryption subkey.
func encSubkey(t *testing.T, e *testEnv, key string) string {
	t.Helper()
	out := e.Run("", "gpg", "--batch", "--with-colons", "--list-keys", key)
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Split(line, ":"); len(f) > 11 && f[0] == "sub" && strings.Contains(f[11], "e") {
			return f[4]
		}
	}
	t.Fatalf("no encryption subkey for %s", key)
	return ""
}

// TestBackupThousandKeys gives the figures for 1,000 keys (under `make
// stress`): status, sync into a real gnome-keyring, status again, and a
// second sync that changes nothing.
func TestBackupThousandKeys(t *testing.T) {
	if !stress {
		t.Skip("1,000 keys: run with OTPFILL_STRESS=1 (make stress)")
	}
	const n = 1000
	e := newTestEnv(t)
	kr := realkeyring.New(t, true)
	e.extra = append(e.extra, "DBUS_SESSION_BUS_ADDRESS="+kr.Address)
	e.Run("", "pass", "rm", "-f", foreignName)
	var lines strings.Builder
	for i := range n {
		s := testSecret(fmt.Sprint("thousand ", i))
		e.addSecret(s)
		fmt.Fprintf(&lines, "otpauth://totp/Site%d:user?secret=%s&issuer=Site%d\n", i, s, i)
	}
	file := filepath.Join(e.Home, "keys.txt")
	if err := os.WriteFile(file, []byte(lines.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := e.run("", "import", file); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	keys := n + 7 // and the fixture's
	timed := func(what string, args ...string) (string, int) {
		start := time.Now()
		stdout, stderr, code := e.run("", args...)
		t.Logf("%s over %d keys: %v (exit %d)", what, keys, time.Since(start).Round(time.Millisecond), code)
		e.noSecretIn(what, stdout+stderr)
		return stdout, code
	}
	if _, code := timed("backup status, no copies yet", "backup", "status", "--json"); code != 1 {
		t.Errorf("backup status: exit %d, want 1", code)
	}
	if out, code := timed("backup sync, copying every key", "backup", "sync"); code != 0 || strings.Count(out, " into keyring\n") != keys {
		t.Errorf("backup sync: exit %d, %d copies, want %d", code, strings.Count(out, " into keyring\n"), keys)
	}
	if out, code := timed("backup status, every key covered", "backup", "status"); code != 0 || !strings.Contains(out, fmt.Sprintf("%d of %d 2FA keys have a second copy", keys, keys)) {
		t.Errorf("backup status after sync: exit %d", code)
	}
	tree := treeHash(t, e.StoreDir)
	if out, code := timed("backup sync, nothing to do", "backup", "sync"); code != 0 || out != "" {
		t.Errorf("second backup sync: exit %d, stdout %d bytes", code, len(out))
	}
	if treeHash(t, e.StoreDir) != tree {
		t.Error("the second sync changed the pass store")
	}
}

// startSync starts `otpfill backup sync` in a process group of its own, so
// that a kill stops it together with the gpg and git it runs.
func (e *testEnv) startSync() *killable {
	e.t.Helper()
	k := &killable{t: e.t, env: e}
	k.cmd = exec.Command(otpfillBin, "backup", "sync")
	k.cmd.Env = e.environ()
	k.cmd.Dir = e.Home
	k.cmd.Stderr = &k.stderr
	k.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := k.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(k.kill)
	return k
}

// TestBackupSyncKilled: `backup sync` killed (with its gpg and git) at any
// moment of copying keys into a second pass store leaves every copy whole
// or absent, never a part: after each kill, `backup status` shows every key
// covered or missing (a partial or corrupt copy would be an error or a
// conflict) and nothing else, no temporary file is visible to pass, and a
// sync run to the end then covers every key, each copy read by pass otp.
func TestBackupSyncKilled(t *testing.T) {
	e, vault, _, passIn := vaultEnv(t)
	// More keys, so that a sync lasts long enough to be stopped anywhere.
	const extra = 24
	var lines strings.Builder
	var added []otpEntry
	for i := range extra {
		s := testSecret(fmt.Sprint("killed sync ", i))
		e.addSecret(s)
		fmt.Fprintf(&lines, "otpauth://totp/Kill%02d:user?secret=%s&issuer=Kill%02d\n", i, s, i)
		added = append(added, otpEntry{name: fmt.Sprintf("Kill%02d/user", i), secret: s, alg: "sha1", digits: 6, period: 30})
	}
	file := filepath.Join(e.Home, "keys.txt")
	if err := os.WriteFile(file, []byte(lines.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := e.run("", "import", file); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	keys := 7 + extra
	empty := gitHead(e, vault)
	reset := func() {
		t.Helper()
		// git killed inside a commit leaves its index lock, as a killed
		// pass does; a person removes it as git says.
		os.Remove(filepath.Join(vault, ".git", "index.lock"))
		e.Run("", "git", "-C", vault, "reset", "-q", "--hard", empty)
		e.Run("", "git", "-C", vault, "clean", "-q", "-f", "-d", "-x")
	}

	// A sync run to the end: how long it takes.
	start := time.Now()
	if stdout, stderr, code := e.run("", "backup", "sync"); code != 0 || strings.Count(stdout, " into vault\n") != keys {
		t.Fatalf("backup sync: exit %d\n%s\n%s", code, stdout, stderr)
	}
	full := time.Since(start)
	t.Logf("an uninterrupted sync of %d keys took %v", keys, full)

	steps := 12
	if stress {
		steps = 50
	}
	var partway, none, all int
	for i := range steps {
		reset()
		d := full * time.Duration(i+1) / time.Duration(steps+1)
		k := e.startSync()
		time.Sleep(d)
		k.kill()
		os.Remove(filepath.Join(vault, ".git", "index.lock"))
		r, _ := e.backupStatus()
		covered := 0
		for _, en := range r.Entries {
			switch en.State {
			case "covered":
				covered++
			case "missing":
				if en.Missing != "vault" {
					t.Errorf("kill at %v: %s is missing from %s: a copy the sync did not write", d, en.Name, en.Missing)
				}
			default:
				t.Errorf("kill at %v: %s is %s (%s): a partial copy", d, en.Name, en.State, en.Message)
			}
		}
		if len(r.Entries) != keys || len(r.Problems) != 0 {
			t.Errorf("kill at %v: status lists %d entries (want %d), problems %q", d, len(r.Entries), keys, r.Problems)
		}
		switch covered {
		case 0:
			none++
		case keys:
			all++
		default:
			partway++
		}
		for _, p := range tempFiles(t, vault) {
			if b := filepath.Base(p); !strings.HasPrefix(b, ".") || strings.HasSuffix(b, ".gpg") {
				t.Errorf("kill at %v: temp file %s is visible to pass", d, p)
			}
		}
	}
	t.Logf("%d kills: %d before any copy, %d part-way, %d after every copy", steps, none, partway, all)
	if partway == 0 {
		t.Errorf("no kill stopped a sync part-way (%d before any copy, %d after all): the kill points missed the copying", none, all)
	}

	// From what the last kill left: a sync to the end covers every key.
	if stdout, stderr, code := e.run("", "backup", "sync"); code != 0 {
		t.Fatalf("backup sync after the kills: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if r, code := e.backupStatus(); code != 0 || r.Summary["covered"] != keys {
		t.Errorf("backup status after a whole sync: exit %d, summary %v, problems %q", code, r.Summary, r.Problems)
	}
	for _, o := range []otpEntry{alice, added[0], added[extra-1]} {
		before := time.Now()
		if got := lastLine(passIn(vault, "", "otp", "code", o.name)); !oneOf(t, got, o, before, time.Now()) {
			t.Errorf("pass otp code %s in the vault = %s, not oathtool's", o.name, got)
		}
	}
}

// TestChangesReachBackupCopy: recovery codes saved into an entry of the
// pass store (as the extension saves them on a site whose key has a copy in
// the keyring), and a key replaced there, go into the keyring copy too,
// when it was in step; undo takes back both. A copy that was not in step
// keeps what it holds.
func TestChangesReachBackupCopy(t *testing.T) {
	e := newTestEnv(t)
	kr := realkeyring.New(t, true)
	e.extra = append(e.extra, "DBUS_SESSION_BUS_ADDRESS="+kr.Address)
	e.Run("", "pass", "rm", "-f", foreignName)
	if _, stderr, code := e.run("", "backup", "sync"); code != 0 {
		t.Fatalf("backup sync: exit %d: %s", code, stderr)
	}
	// bob's keyring copy got codes of its own: no longer in step.
	bobKR := strings.TrimSpace(lookup(t, kr, bob.name)) + "\nrecovery-codes:\n  bob-own-1111\n"
	if _, err := kr.Run(context.Background(), bobKR, "secret-tool", "store", "--label=otpfill", "service", "otpfill", "username", bob.name); err != nil {
		t.Fatal(err)
	}
	aliceKR := lookup(t, kr, alice.name)
	codes := []any{"alice-rc-0001", "alice-rc-0002"}
	e.addSecret("alice-rc-0001", "alice-rc-0002", "bob-own-1111", "bob-rc-0001")

	h := e.startHost()
	r := h.ok(req("save_recovery", "url", "https://github.com/settings/two_factor_authentication", "codes", codes, "name", alice.name, "store", "pass"))
	if got := anyStrings(r["stores"]); !slices.Equal(got, []string{"pass", "keyring"}) {
		t.Errorf("save_recovery into pass: stores %q, want [pass keyring]", got)
	}
	if item := lookup(t, kr, alice.name); !strings.Contains(item, "alice-rc-0001") || !strings.Contains(item, "alice-rc-0002") {
		t.Error("the keyring copy of alice did not get the recovery codes")
	}
	if st, code := e.backupStatus(); code != 0 || !slices.Equal(st.Entries[st.entry(t, alice.name)].RecoveryCodes, []string{"pass", "keyring"}) {
		t.Errorf("backup status: exit %d, alice's recovery codes in %q, want [pass keyring]", code, st.Entries[st.entry(t, alice.name)].RecoveryCodes)
	}
	// Undo takes the codes back from both copies.
	if u := h.ok(req("undo", "token", r["undo"], "url", "https://github.com/settings/two_factor_authentication")); !slices.Equal(anyStrings(u["stores"]), []string{"pass", "keyring"}) {
		t.Errorf("undo: stores %v, want [pass keyring]", u["stores"])
	}
	if lookup(t, kr, alice.name) != aliceKR || strings.Contains(e.Run("", "pass", "show", alice.name), "alice-rc-0001") {
		t.Error("undo did not take the recovery codes back from both copies")
	}

	// bob's copies were not in step: only pass gets the codes.
	r = h.ok(req("save_recovery", "url", "https://gitlab.com/-/profile/two_factor_auth", "codes", []any{"bob-rc-0001"}, "name", bob.name, "store", "pass"))
	if got := anyStrings(r["stores"]); !slices.Equal(got, []string{"pass"}) {
		t.Errorf("save_recovery into pass, the keyring copy out of step: stores %q, want [pass]", got)
	}
	if item := lookup(t, kr, bob.name); strings.TrimSpace(item) != strings.TrimSpace(bobKR) {
		t.Errorf("the keyring copy of bob, out of step, was changed:\n%s", item)
	}

	// The site gave alice a new key, saved over the old one in pass (as
	// the extension does once the user confirms): the keyring copy, which
	// held the old key, gets the new one; undo takes back both.
	newAlice := testSecret("backup alice new key")
	e.addSecret(newAlice)
	r = h.ok(req("save", "url", "https://github.com/settings/two_factor_authentication", "uri", "otpauth://totp/GitHub:alice?secret="+newAlice+"&issuer=GitHub", "name", alice.name, "store", "pass", "overwrite", true))
	e.addCode(fmt.Sprint(r["code"]))
	if got := anyStrings(r["stores"]); !slices.Equal(got, []string{"pass", "keyring"}) {
		t.Errorf("a key replaced in pass: stores %q, want [pass keyring]", got)
	}
	if item := lookup(t, kr, alice.name); !strings.Contains(item, newAlice) {
		t.Error("the keyring copy of alice still holds the replaced key")
	}
	if st, code := e.backupStatus(); code != 0 || st.state(alice.name) != "covered" {
		t.Errorf("after a key replaced in pass: exit %d, alice %s, want covered", code, st.state(alice.name))
	}
	h.ok(req("undo", "token", r["undo"], "url", "https://github.com/settings/two_factor_authentication"))
	if item := lookup(t, kr, alice.name); item != aliceKR {
		t.Error("undo did not put back the keyring copy's old key")
	}
	h.closeOK()

	// A key replaced in pass whose keyring copy held another key already
	// (a conflict): the keyring copy is not touched.
	carolKR := lookup(t, kr, carol.name)
	other := testSecret("backup carol other key")
	e.addSecret(other)
	if _, err := kr.Run(context.Background(), "otpauth://totp/Bitbucket:carol?secret="+other+"&issuer=Bitbucket\n", "secret-tool", "store", "--label=otpfill", "service", "otpfill", "username", carol.name); err != nil {
		t.Fatal(err)
	}
	carolKR = lookup(t, kr, carol.name)
	newCarol := testSecret("backup carol new key")
	e.addSecret(newCarol)
	stdout, stderr, code := e.run("otpauth://totp/Bitbucket:carol?secret="+newCarol+"&issuer=Bitbucket\n", "add", carol.name, "--store", "pass", "--force")
	if code != 0 || !strings.Contains(stderr, "saved "+carol.name+" in pass;") {
		t.Errorf("add --force into pass, the keyring copy in conflict: exit %d, stderr %q", code, stderr)
	}
	e.addCode(codeLine(t, stdout))
	if lookup(t, kr, carol.name) != carolKR {
		t.Error("a key replaced in pass overwrote a keyring copy that held another key")
	}
}
