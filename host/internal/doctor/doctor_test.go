package doctor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/host/internal/store/pass"
	"github.com/otpfill/otpfill/install"
	"github.com/otpfill/otpfill/internal/config"
	"github.com/otpfill/otpfill/internal/paths"
)

// lineOf returns the one check about subject.
func lineOf(t *testing.T, checks []install.Check, subject string) install.Check {
	t.Helper()
	var found []install.Check
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

func fakeHome(t *testing.T) (string, paths.Env) {
	home := t.TempDir()
	vars := map[string]string{"HOME": home}
	return home, paths.Env{Getenv: func(k string) string { return vars[k] }, GOOS: "linux"}
}

// TestStoreWithoutGPGID: a default store that is there but was never
// initialised fails, and so does the gpg it needs and cannot find; the
// same store absent is only a warning, and none at all when another pass
// store is configured.
func TestStoreWithoutGPGID(t *testing.T) {
	home, p := fakeHome(t)
	dir := filepath.Join(home, ".password-store")
	spec := config.Store{ID: "pass", Kind: config.KindPass, Path: dir, Engine: config.EngineGPG, Optional: true}
	h := &Host{
		Config: &config.Config{},
		Specs:  []config.Store{spec},
		Stores: map[string]store.Store{"pass": pass.New(pass.Options{ID: "pass", Dir: dir})},
		GPGErr: errors.New("gpg not found"),
		Paths:  p,
		GOOS:   "linux",
	}
	checks := h.Checks(context.Background())
	if c := lineOf(t, checks, "store pass"); c.Status != install.StatusWarn || c.Message != "no pass store at ~/.password-store" {
		t.Errorf("absent default store: %+v", c)
	}
	if c := lineOf(t, checks, "gpg"); c.Status != install.StatusWarn || !strings.HasPrefix(c.Message, "gpg not found") {
		t.Errorf("gpg without a store: %+v", c)
	}

	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	checks = h.Checks(context.Background())
	if c := lineOf(t, checks, "store pass"); c.Status != install.StatusFail || c.Message != "~/.password-store has no .gpg-id, so nothing can be encrypted to it" {
		t.Errorf("store without .gpg-id: %+v", c)
	}
	if c := lineOf(t, checks, "gpg"); c.Status != install.StatusFail || !strings.HasPrefix(c.Message, "gpg not found") {
		t.Errorf("gpg with a store: %+v", c)
	}
	if got := h.PassStores(); len(got) != 1 || got[0] != dir {
		t.Errorf("PassStores = %q", got)
	}

	// The default store absent, another one configured: not a word
	// about the default.
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	h.Specs = append(h.Specs, config.Store{ID: "work", Kind: config.KindPass, Path: work, Engine: config.EngineNative})
	h.Stores["work"] = pass.New(pass.Options{ID: "work", Dir: work})
	for _, c := range h.Checks(context.Background()) {
		if c.Subject == "store pass" {
			t.Errorf("the absent default store is reported next to a configured one: %+v", c)
		}
	}
	// A configured store that is not there fails.
	h.Specs[1].Path = filepath.Join(home, "nowhere")
	if c := lineOf(t, h.Checks(context.Background()), "store work"); c.Status != install.StatusFail || !strings.Contains(c.Message, "~/nowhere, which does not exist") {
		t.Errorf("configured store absent: %+v", c)
	}
}

func writeExe(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestPinentry(t *testing.T) {
	home, p := fakeHome(t)
	h := &Host{Paths: p, GOOS: "linux"}
	bin := filepath.Join(t.TempDir(), "bin")
	gpg := filepath.Join(bin, "gpg")
	curses := filepath.Join(bin, "pinentry-curses")
	writeExe(t, curses)
	conf := filepath.Join(home, ".gnupg", "gpg-agent.conf")
	if err := os.MkdirAll(filepath.Dir(conf), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("# mine\npinentry-program "+curses+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c := h.checkPinentry(gpg); c.Status != install.StatusWarn || !strings.Contains(c.Message, "needs a terminal") || !strings.Contains(c.Fix, "~/.gnupg/gpg-agent.conf") {
		t.Errorf("terminal pinentry: %+v", c)
	}

	// The default pinentry next to gpg, a symlink to a graphical one.
	gnome := filepath.Join(bin, "pinentry-gnome3")
	writeExe(t, gnome)
	if err := os.Symlink(gnome, filepath.Join(bin, "pinentry")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(conf); err != nil {
		t.Fatal(err)
	}
	if c := h.checkPinentry(gpg); c.Status != install.StatusOK || !strings.Contains(c.Message, "pinentry-gnome3") {
		t.Errorf("graphical pinentry: %+v", c)
	}
}
