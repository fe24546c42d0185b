package config

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupPairs(t *testing.T) {
	both := []Store{{ID: "pass"}, {ID: "keyring"}}
	for _, c := range []struct {
		name   string
		backup map[string]string
		stores []Store
		want   map[string]string
	}{
		{"default: the keyring backs up pass", nil, both, map[string]string{"pass": "keyring"}},
		{"default without a keyring: none", nil, []Store{{ID: "pass"}}, map[string]string{}},
		{"configured", map[string]string{"pass": "vault"}, append(both, Store{ID: "vault"}), map[string]string{"pass": "vault"}},
		{"explicitly none", map[string]string{}, both, map[string]string{}},
	} {
		cfg := &Config{}
		if c.backup != nil {
			cfg.Backup = &c.backup
		}
		if got := cfg.BackupPairs(c.stores); !maps.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestBackupValidation(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.json")
	env := Env{Getenv: func(k string) string {
		if k == "OTPFILL_CONFIG" {
			return p
		}
		return ""
	}}
	for _, c := range []struct{ json, says string }{
		{`{"backup": {"pass": "pass"}}`, "its own backup"},
		{`{"backup": {"pass": "keyring", "vault": "keyring"}}`, "backup of two stores"},
		{`{"backup": {"pass": "keyring", "keyring": "vault"}}`, "chains"},
		{`{"backup": {"pass": ""}}`, "store ids"},
		{`{"backup": {"both": "keyring"}}`, "store ids"},
	} {
		if err := os.WriteFile(p, []byte(c.json), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(env); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want an error saying %q", c.json, err, c.says)
		}
	}
	if err := os.WriteFile(p, []byte(`{"backup": {"pass": "vault"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(env); err != nil {
		t.Errorf("a valid backup pair: %v", err)
	}
	// "No backup store" survives a rewrite of the file.
	if err := os.WriteFile(p, []byte(`{"backup": {}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := AddAlias(env, "example.com", "example.org"); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env)
	if err != nil || c.Backup == nil || len(*c.Backup) != 0 {
		t.Errorf("after AddAlias, \"backup\": {} became %v (%v)", c.Backup, err)
	}
}
