package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/protocol"
)

// TestPreviewAndUndo: setup capture previews a save (the derived name, the
// key's parameters, whether the entry already holds a secret) without
// writing, and undoes a save: a new entry is removed, a replaced one gets its
// old content back, byte for byte as far as pass shows it.
func TestPreviewAndUndo(t *testing.T) {
	e := newTestEnv(t)
	secret := "OBQXG43XN5ZGIMJSGM2DKNRXHA4TA"
	uri := "otpauth://totp/Example:zoe@example.com?secret=" + secret + "&issuer=Example&algorithm=SHA256&digits=8&period=60"
	e.addSecret(secret)
	h := e.startHost()

	before := treeHash(t, e.StoreDir)
	p := h.ok(req("preview", "url", "https://accounts.example.com/2fa/setup", "uri", uri))
	if p["name"] != "example.com/zoe@example.com" || p["issuer"] != "Example" || p["account"] != "zoe@example.com" ||
		p["algorithm"] != "SHA256" || p["digits"] != float64(8) || p["period"] != float64(60) || p["type"] != "totp" {
		t.Errorf("preview = %v", p)
	}
	if ex, _ := p["exists"].([]any); len(ex) != 0 {
		t.Errorf("preview of a new entry says it exists in %v", ex)
	}
	if strings.Contains(mustJSON(t, p), secret) {
		t.Error("preview answered the secret")
	}
	if treeHash(t, e.StoreDir) != before {
		t.Fatal("preview changed the store")
	}
	// An existing OTP entry is reported, so the extension asks before overwriting.
	p = h.ok(req("preview", "url", "https://github.com/settings/two_factor_authentication/setup/intro", "uri", uri, "name", alice.name))
	if ex, _ := p["exists"].([]any); len(ex) != 1 || ex[0] != "pass" {
		t.Errorf("preview over %s: exists = %v, want [pass]", alice.name, p["exists"])
	}
	h.fail(req("preview", "url", "https://example.com/", "uri", "otpauth://totp/x?secret=1"), protocol.CodeInvalidURI)
	h.fail(req("preview", "url", "javascript:alert(1)", "uri", uri), protocol.CodeBadRequest)

	// Undo a new entry: it is gone again.
	s := h.ok(req("save", "url", "https://accounts.example.com/2fa/setup", "uri", uri))
	token, _ := s["undo"].(string)
	if token == "" {
		t.Fatalf("save gave no undo token: %v", s)
	}
	e.addCode(s["code"].(string))
	entry := filepath.Join(e.StoreDir, "example.com", "zoe@example.com.gpg")
	if _, err := os.Stat(entry); err != nil {
		t.Fatalf("save did not write: %v", err)
	}
	u := h.ok(req("undo", "token", token))
	if u["name"] != "example.com/zoe@example.com" {
		t.Errorf("undo = %v", u)
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatalf("undo left the new entry: %v", err)
	}
	h.fail(req("undo", "token", token), protocol.CodeNotFound) // a token works once
	h.fail(req("undo", "token", "nope"), protocol.CodeNotFound)

	// Undo an overwrite: bob's password and old URI are back.
	oldShow := e.Run("", "pass", "show", bob.name)
	s = h.ok(req("save", "url", "https://gitlab.com/-/profile/two_factor_auth", "uri", uri, "name", bob.name, "overwrite", true))
	e.addCode(s["code"].(string))
	if show := e.Run("", "pass", "show", bob.name); !strings.Contains(show, secret) || !strings.Contains(show, "hunter2-bob-password") {
		t.Fatalf("overwrite did not keep the password and replace the URI:\n%s", show)
	}
	h.ok(req("undo", "token", s["undo"]))
	if show := e.Run("", "pass", "show", bob.name); show != oldShow {
		t.Fatalf("undo did not restore the entry:\nwant %q\ngot  %q", oldShow, show)
	}
	h.closeOK()
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
