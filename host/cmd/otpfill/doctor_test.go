package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// doctorCheck is one line of `otpfill doctor --json`.
type doctorCheck struct {
	Status  string `json:"status"`
	Subject string `json:"subject"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

// doctorJSON runs `otpfill doctor --json` and returns its checks and exit
// status.
func (e *testEnv) doctorJSON() ([]doctorCheck, int) {
	e.t.Helper()
	stdout, stderr, code := e.run("", "doctor", "--json")
	var checks []doctorCheck
	if err := json.Unmarshal([]byte(stdout), &checks); err != nil {
		e.t.Fatalf("doctor --json: %v\nstdout: %s\nstderr: %s", err, stdout, stderr)
	}
	return checks, code
}

// only returns the one check about subject, failing the test if there is
// not exactly one.
func only(t *testing.T, checks []doctorCheck, subject string) doctorCheck {
	t.Helper()
	var found []doctorCheck
	for _, c := range checks {
		if c.Subject == subject {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %q check, got %d in %+v", subject, len(found), checks)
	}
	return found[0]
}

// TestDoctorChecksTheConfiguredStore: doctor checks the stores the host
// uses, as config.json sets them up: a pass store configured there at a
// path of its own (no PASSWORD_STORE_DIR, no ~/.password-store) is found
// and healthy, its git repository checked; a configured gpg that cannot run
// fails, and so does the store it leaves unreadable.
func TestDoctorChecksTheConfiguredStore(t *testing.T) {
	e := newTestEnv(t)
	vault := filepath.Join(e.Home, "vaults", "work")
	if err := os.MkdirAll(filepath.Dir(vault), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(e.StoreDir, vault); err != nil {
		t.Fatal(err)
	}
	// An empty PASSWORD_STORE_DIR is unset for pass and for otpfill.
	e.extra = append(e.extra, "PASSWORD_STORE_DIR=")
	cfgPath := filepath.Join(e.Home, ".config", "otpfill", "config.json")
	writeCfg := func(cfg map[string]any) {
		t.Helper()
		data, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(cfgPath), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cfgPath, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	stores := []map[string]any{{"id": "work", "kind": "pass", "path": vault}}
	writeCfg(map[string]any{"stores": stores})

	checks, _ := e.doctorJSON()
	if c := only(t, checks, "store work"); c.Status != "OK" || !strings.Contains(c.Message, "~/vaults/work") || !strings.Contains(c.Message, "encrypted to") {
		t.Errorf("the configured store: %+v, want OK naming ~/vaults/work and its keys", c)
	}
	if c := only(t, checks, "gpg"); c.Status != "OK" {
		t.Errorf("gpg: %+v", c)
	}
	if c := only(t, checks, "git"); c.Status != "OK" || !strings.Contains(c.Message, "~/vaults/work") {
		t.Errorf("git of the configured store: %+v", c)
	}
	for _, c := range checks {
		if c.Status != "OK" && strings.Contains(c.Message+c.Fix, ".password-store") {
			t.Errorf("doctor complains about the default store the config does not use: %+v", c)
		}
	}

	// A configured gpg that is not there: nothing in the store can be
	// decrypted, which is a failure even though ~/.password-store is absent.
	writeCfg(map[string]any{"stores": stores, "gpg": "/nonexistent/bin/gpg"})
	checks, code := e.doctorJSON()
	if code != 1 {
		t.Errorf("doctor with a configured gpg that cannot run exits %d, want 1", code)
	}
	if c := only(t, checks, "gpg"); c.Status != "FAIL" || !strings.Contains(c.Message, "/nonexistent/bin/gpg") {
		t.Errorf("gpg: %+v, want FAIL naming /nonexistent/bin/gpg", c)
	}
	if c := only(t, checks, "store work"); c.Status != "FAIL" || !strings.Contains(c.Message, "/nonexistent/bin/gpg") {
		t.Errorf("the store gpg cannot read: %+v, want FAIL naming the configured gpg", c)
	}
}

// TestDoctorStoreProblems: a native-engine store whose key file is not
// there, and a store encrypted to a key whose secret half is not in the
// user's GnuPG keyring, each fail with what to do.
func TestDoctorStoreProblems(t *testing.T) {
	e := newTestEnv(t)
	work := filepath.Join(e.Home, "work-store")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(e.Home, "otpfill-config.json")
	if err := os.WriteFile(cfg, []byte(`{"stores": [{"id": "work", "kind": "pass", "path": "~/work-store", "engine": "native", "secret_keys": ["/nonexistent/key.asc"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e.extra = append(e.extra, "OTPFILL_CONFIG="+cfg)
	if err := os.WriteFile(filepath.Join(e.StoreDir, ".gpg-id"), []byte("nobody@example.invalid\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	checks, code := e.doctorJSON()
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if c := only(t, checks, "store work"); c.Status != "FAIL" || !strings.Contains(c.Message, "~/work-store cannot be read") || !strings.Contains(c.Message, "/nonexistent/key.asc") {
		t.Errorf("native store without its key file: %+v", c)
	}
	var secret, public bool
	for _, c := range checks {
		if c.Subject != "store pass" {
			continue
		}
		secret = secret || (c.Status == "FAIL" && strings.Contains(c.Message, "none of the keys in ~/store/.gpg-id has its secret key"))
		public = public || (c.Status == "WARN" && strings.Contains(c.Message, "gpg does not know the key nobody@example.invalid"))
	}
	if !secret || !public {
		t.Errorf("store encrypted to someone else's key: secret-key failure %v, public-key warning %v in %+v", secret, public, checks)
	}
}
