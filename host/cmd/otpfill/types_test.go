package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// typesOf is each match entry's "type" by name ("" when absent).
func typesOf(t *testing.T, resp map[string]any) map[string]string {
	t.Helper()
	types := map[string]string{}
	for _, x := range resp["entries"].([]any) {
		m := x.(map[string]any)
		typ, has := m["type"]
		if has {
			if s, ok := typ.(string); !ok || (s != "totp" && s != "hotp") {
				t.Errorf("match entry with a type that is neither totp nor hotp: %v", m)
			}
		}
		s, _ := typ.(string)
		types[m["name"].(string)] = s
	}
	return types
}

// TestMatchType: `match` (and `list`) say an entry's type once the host has
// decrypted it (a `code`), through the entry-type index in the state folder; an edit
// of the entry by pass makes it unknown until the next code, and a corrupt
// index is ignored and written anew. Nothing is decrypted for `match`.
func TestMatchType(t *testing.T) {
	e := newTestEnv(t)
	index := filepath.Join(e.Home, ".state", "otpfill", "types.json")
	h := e.startHost()
	const gitlab, bank = "https://gitlab.com/users/sign_in", "https://bank.example.com/login"

	if got := typesOf(t, h.ok(req("match", "url", gitlab)))[bob.name]; got != "" {
		t.Errorf("before any code, match says %s is %q", bob.name, got)
	}
	h.ok(req("code", "name", bob.name))
	if got := typesOf(t, h.ok(req("match", "url", gitlab)))[bob.name]; got != "totp" {
		t.Errorf("after a code, match says %s is %q, want totp", bob.name, got)
	}
	// list says it the same way, for the entries the host has read only.
	listed := typesOf(t, h.ok(req("list")))
	if listed[bob.name] != "totp" || listed[alice.name] != "" || len(listed) != len(fixtureNames) {
		t.Errorf("list types after one code: %v", listed)
	}
	// HOTP: the code writes the counter back; the type holds for the file it wrote.
	for range 2 {
		h.ok(req("code", "name", bankName))
		if got := typesOf(t, h.ok(req("match", "url", bank)))[bankName]; got != "hotp" {
			t.Errorf("after an HOTP code, match says %s is %q, want hotp", bankName, got)
		}
	}
	// A fresh host process reads what the first one learnt.
	h.closeOK()
	h = e.startHost()
	if got := typesOf(t, h.ok(req("match", "url", bank)))[bankName]; got != "hotp" {
		t.Errorf("in a new host process, match says %s is %q, want hotp", bankName, got)
	}

	// pass rewrites the entry as TOTP: unknown, never the old type.
	e.Run(alice.uri+"\n", "pass", "otp", "insert", "-f", bankName)
	if got := typesOf(t, h.ok(req("match", "url", bank)))[bankName]; got != "" {
		t.Errorf("after pass otp insert -f, match says %s is %q, want no type", bankName, got)
	}
	if got := h.ok(req("code", "name", bankName))["type"]; got != "totp" {
		t.Fatalf("code of the rewritten entry: type %v", got)
	}
	if got := typesOf(t, h.ok(req("match", "url", bank)))[bankName]; got != "totp" {
		t.Errorf("after a code of the rewritten entry, match says %q, want totp", got)
	}
	// Back to HOTP with pass: unknown again.
	e.Run(bankURI+"\n", "pass", "otp", "insert", "-f", bankName)
	if got := typesOf(t, h.ok(req("match", "url", bank)))[bankName]; got != "" {
		t.Errorf("after pass made it HOTP again, match says %q, want no type", got)
	}

	// The index holds names and types, never a secret or a code.
	data, err := os.ReadFile(index)
	if err != nil {
		t.Fatalf("no entry-type index in the state folder: %v", err)
	}
	for _, s := range fixtureSecrets {
		if strings.Contains(string(data), s) {
			t.Errorf("the type index holds a secret")
		}
	}
	if fi, err := os.Stat(index); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("type index mode %v, want 0600", fi.Mode().Perm())
	}

	// A corrupt index: ignored (no type, no error), then written anew.
	if err := os.WriteFile(index, []byte(`{"version":1,"stores":{"pass":{"gitlab.com/bob":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := typesOf(t, h.ok(req("match", "url", gitlab)))[bob.name]; got != "" {
		t.Errorf("with a corrupt index, match says %s is %q", bob.name, got)
	}
	h.ok(req("code", "name", bob.name))
	if got := typesOf(t, h.ok(req("match", "url", gitlab)))[bob.name]; got != "totp" {
		t.Errorf("after the corrupt index was rebuilt, match says %q, want totp", got)
	}
	data, _ = os.ReadFile(index)
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Errorf("the rebuilt index is not JSON: %v", err)
	}
	h.closeOK()
}
