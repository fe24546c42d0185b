package main

// `otpfill export` when a name's copies in two stores hold different keys:
// the fixture pass store and a real gnome-keyring on a private D-Bus (the
// default backup pair, pass → keyring).

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/host/internal/realkeyring"
)

// TestCLIExportConflict: export takes one copy per name, the first
// store's. When the keyring copy holds another key, every format and the
// paper kit say so on stderr (both stores, which one was exported, where
// to see the conflict), print no secret, and exit 1; a copy holding the
// same key (other labels) is no conflict.
func TestCLIExportConflict(t *testing.T) {
	e := newTestEnv(t)
	kr := realkeyring.New(t, true)
	e.extra = append(e.extra, "DBUS_SESSION_BUS_ADDRESS="+kr.Address)
	e.Run("", "pass", "rm", "-f", foreignName)
	store := func(name, content string) {
		t.Helper()
		if _, err := kr.Run(context.Background(), content, "secret-tool", "store", "--label=otpfill", "service", "otpfill", "username", name); err != nil {
			t.Fatalf("secret-tool store %s: %v", name, err)
		}
	}
	carolOther := testSecret("export carol other")
	e.addSecret(carolOther)
	store(carol.name, "otpauth://totp/Bitbucket:carol?secret="+carolOther+"&issuer=Bitbucket")
	// alice's keyring copy: the same key under another label.
	store(alice.name, "otpauth://totp/Elsewhere:alice?secret="+alice.secret)

	conflict := "conflict " + carol.name + ": its copies in pass and keyring hold different keys; the one in pass was exported, not the one in keyring (`otpfill backup status` shows the conflict)\n"
	check := func(what, stdout, stderr string, code int) {
		t.Helper()
		if code != 1 || !strings.Contains(stderr, conflict) {
			t.Errorf("%s: exit %d, want 1 and the conflict named; stderr:\n%s", what, code, stderr)
		}
		if strings.Contains(stderr, "conflict "+alice.name) {
			t.Errorf("%s: alice's copies hold the same key, yet:\n%s", what, stderr)
		}
		if !strings.Contains(stderr, "1 of 7 entries hold different keys in two stores") && !strings.Contains(stderr, "and 1 held different keys in two stores") {
			t.Errorf("%s: the last line does not count the conflict:\n%s", what, stderr)
		}
		e.noSecretIn(what+" stderr", stderr)
		if strings.Contains(stdout, carolOther) {
			t.Errorf("%s: the keyring's key was exported, not pass's", what)
		}
	}

	stdout, stderr, code := e.run("", "export", "--all", "--format", "uri")
	check("export --all --format uri", stdout, stderr, code)
	if !strings.Contains(stdout, "secret="+carol.secret) || len(uriLines(stdout)) != 7 {
		t.Errorf("export --all --format uri: want the 7 keys, carol's from pass:\n%s", stdout)
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--format", "aegis", "--out", filepath.Join(dir, "aegis.json")},
		{"--format", "google", "--out", filepath.Join(dir, "google")},
		{"--paper", filepath.Join(dir, "kit.html")},
	} {
		stdout, stderr, code := e.run("", append([]string{"export", "--all"}, args...)...)
		check("export --all "+strings.Join(args, " "), stdout, stderr, code)
	}
	if kit, err := os.ReadFile(filepath.Join(dir, "kit.html")); err != nil || strings.Contains(string(kit), carolOther[:8]) {
		t.Errorf("the paper kit: %v, or it holds the keyring's key", err)
	}
	// Entries named on the command line are compared too.
	_, stderr, code = e.run("", "export", carol.name, alice.name, "--format", "uri")
	if code != 1 || !strings.Contains(stderr, conflict) || strings.Contains(stderr, "conflict "+alice.name) {
		t.Errorf("export NAMES --format uri: exit %d, stderr:\n%s", code, stderr)
	}
	// One store only: nothing to compare.
	if _, stderr, code := e.run("", "export", "--all", "--format", "uri", "--store", "pass"); code != 0 || strings.Contains(stderr, "conflict") {
		t.Errorf("export --all --store pass: exit %d, stderr:\n%s", code, stderr)
	}
	// Once the copies agree (settled with the command backup status
	// names), the export is whole again.
	_, _, code = e.run(carol.uri+"\n", "add", carol.name, "--store", "keyring", "--force")
	if code != 0 {
		t.Fatalf("add --store keyring --force: exit %d", code)
	}
	if _, stderr, code := e.run("", "export", "--all", "--format", "uri"); code != 0 || strings.Contains(stderr, "conflict") {
		t.Errorf("export --all after settling: exit %d, stderr:\n%s", code, stderr)
	}
	// Two stores that are no backup pair ("backup": {}): still named, with
	// a way to compare that backup status (which pairs nothing) lacks.
	cfg := filepath.Join(e.Home, ".config", "otpfill")
	if err := os.MkdirAll(cfg, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{"backup": {}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	store(carol.name, "otpauth://totp/Bitbucket:carol?secret="+carolOther+"&issuer=Bitbucket")
	_, stderr, code = e.run("", "export", "--all", "--format", "uri")
	unpaired := "conflict " + carol.name + ": its copies in pass and keyring hold different keys; the one in pass was exported, not the one in keyring (they are not a backup pair: `otpfill code " + carol.name + " --store pass` and `--store keyring` give their codes)\n"
	if code != 1 || !strings.Contains(stderr, unpaired) {
		t.Errorf("export --all, stores not paired: exit %d, stderr:\n%s", code, stderr)
	}
}

// TestCLIExportKeyInLaterStore: with --all, a name whose first store holds
// no 2FA key (a plain pass password) but whose keyring entry does is
// exported from the keyring, not passed over.
func TestCLIExportKeyInLaterStore(t *testing.T) {
	e := newTestEnv(t)
	kr := realkeyring.New(t, true)
	e.extra = append(e.extra, "DBUS_SESSION_BUS_ADDRESS="+kr.Address)
	e.Run("", "pass", "rm", "-f", foreignName)
	const name = "example.org/plain"
	e.Run("hunter2\nlogin: plain\n", "pass", "insert", "-m", name)
	secret := testSecret("export later store")
	e.addSecret(secret)
	if _, err := kr.Run(context.Background(), "otpauth://totp/Example:plain?secret="+secret+"&issuer=Example", "secret-tool", "store", "--label=otpfill", "service", "otpfill", "username", name); err != nil {
		t.Fatalf("secret-tool store: %v", err)
	}
	stdout, stderr, code := e.run("", "export", "--all", "--format", "uri")
	if code != 0 || !strings.Contains(stdout, "secret="+secret) {
		t.Errorf("export --all: exit %d, want 0 and the keyring's key of %s; stderr:\n%s", code, name, stderr)
	}
	e.noSecretIn("export --all stderr", stderr)
}
