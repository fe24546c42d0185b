package main

// Site binding and undo through the real binary: a request names a site
// (its url) and may change an existing entry only if that entry belongs to
// the site; an undo takes back only what its own save left.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/protocol"
)

const evilURL = "https://evil.example/settings/2fa"

// TestSiteBindingSave: a save from another site cannot overwrite a site's
// entry, nor add a secret to an existing entry that has none; a new entry
// under a name the user typed is still made, and that entry then belongs to
// the site it was made from.
func TestSiteBindingSave(t *testing.T) {
	e := newTestEnv(t)
	evilSecret := "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43VMFRGGZDF"
	evilURI := "otpauth://totp/Evil:alice?secret=" + evilSecret + "&issuer=Evil"
	e.addSecret(evilSecret)
	h := e.startHost()
	before := treeHash(t, e.StoreDir)
	for _, r := range []map[string]any{
		req("save", "url", evilURL, "uri", evilURI, "name", alice.name, "overwrite", true),
		req("save", "url", evilURL, "uri", evilURI, "name", alice.name, "overwrite", true, "store", "pass"),
		req("save", "url", evilURL, "uri", evilURI, "name", notesName), // would add a secret to a password entry
		req("save", "url", "https://github.com.evil.example/", "uri", evilURI, "name", alice.name, "overwrite", true),
	} {
		errObj := h.fail(r, protocol.CodeForbidden)
		if msg, _ := errObj["message"].(string); !strings.Contains(msg, r["name"].(string)) {
			t.Errorf("the refusal does not name the entry: %q", msg)
		}
	}
	if treeHash(t, e.StoreDir) != before {
		t.Fatal("a refused cross-site save changed the store")
	}
	if show := e.Run("", "pass", "show", alice.name); !strings.Contains(show, alice.secret) {
		t.Fatal("alice's secret is gone")
	}

	// A new entry under a typed name, on any site, is allowed.
	typed := "Work/Evil"
	resp := h.ok(req("save", "url", evilURL, "uri", evilURI, "name", typed))
	e.addCode(resp["code"].(string))
	if show := e.Run("", "pass", "show", typed); !strings.Contains(show, evilSecret) {
		t.Fatalf("the new entry was not written:\n%s", show)
	}
	// It belongs to the site it was made from: its recovery codes may join
	// it from there, not from another site.
	codes := []string{"evil1-codes", "evil2-codes"}
	e.addSecret(codes...)
	h.ok(req("save_recovery", "url", evilURL, "codes", codes, "name", typed))
	typedPath := filepath.Join(e.StoreDir, typed+".gpg")
	typedBefore := fileHash(t, typedPath)
	h.fail(req("save_recovery", "url", "https://github.com/settings/auth/recovery-codes", "codes", codes[:1], "name", typed), protocol.CodeForbidden)
	if fileHash(t, typedPath) != typedBefore {
		t.Error("a refused save_recovery changed the entry")
	}
	// The site's own entry can still be replaced from the site.
	h.ok(req("save", "url", "https://gitlab.com/-/profile/two_factor_auth", "uri", evilURI, "name", bob.name, "overwrite", true))
	if show := e.Run("", "pass", "show", bob.name); !strings.Contains(show, evilSecret) || !strings.HasPrefix(show, "hunter2-bob-password\n") {
		t.Errorf("an overwrite from the entry's own site did not replace the secret:\n%s", show)
	}
	h.closeOK()
}

// TestSiteBindingConfigAlias: an entry a config alias binds to a site is
// that site's: a save from it may replace its secret.
func TestSiteBindingConfigAlias(t *testing.T) {
	e := newTestEnv(t)
	cfg := filepath.Join(e.Home, ".config", "otpfill", "config.json")
	os.MkdirAll(filepath.Dir(cfg), 0o700)
	if err := os.WriteFile(cfg, []byte(`{"aliases": {"id.atlassian.com": ["bitbucket.org"]}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secret := "ONSWG4TFOQYTEMZUONSWG4TFOQYTEMZU"
	e.addSecret(secret)
	uri := "otpauth://totp/Bitbucket:carol?secret=" + secret
	h := e.startHost()
	before := treeHash(t, e.StoreDir)
	h.fail(req("save", "url", "https://id.example.com/login", "uri", uri, "name", carol.name, "overwrite", true), protocol.CodeForbidden)
	if treeHash(t, e.StoreDir) != before {
		t.Fatal("a refused save changed the store")
	}
	resp := h.ok(req("save", "url", "https://id.atlassian.com/login", "uri", uri, "name", carol.name, "overwrite", true))
	e.addCode(resp["code"].(string))
	if show := e.Run("", "pass", "show", carol.name); !strings.Contains(show, secret) {
		t.Error("a save from the aliased site did not replace the secret")
	}
	h.closeOK()
}

// TestSiteBindingSaveRecovery: recovery codes from another site never land
// in a site's entry, by name or without one; the url is required.
func TestSiteBindingSaveRecovery(t *testing.T) {
	e := newTestEnv(t)
	codes := []string{"x1y2z-evil1", "x3y4z-evil2"}
	e.addSecret(codes...)
	h := e.startHost()
	before := treeHash(t, e.StoreDir)
	h.fail(req("save_recovery", "url", evilURL, "codes", codes, "name", alice.name), protocol.CodeForbidden)
	h.fail(req("save_recovery", "url", evilURL, "codes", codes, "name", bob.name, "store", "pass"), protocol.CodeForbidden)
	h.fail(req("save_recovery", "url", evilURL, "codes", codes), protocol.CodeNotFound) // no entry of evil.example
	h.fail(req("save_recovery", "codes", codes, "name", alice.name), protocol.CodeBadRequest)
	if treeHash(t, e.StoreDir) != before {
		t.Fatal("a refused save_recovery changed the store")
	}
	h.closeOK()
	if show := e.Run("", "pass", "show", alice.name); strings.Contains(show, codes[0]) {
		t.Error("recovery codes from another site reached alice's entry")
	}
}

// TestSiteBindingAlias: an alias makes an entry fill on a site by itself,
// so only an entry that looks like the site's (a weak match, what the popup
// offers to remember) can be aliased to it; the config is left unchanged
// otherwise.
func TestSiteBindingAlias(t *testing.T) {
	e := newTestEnv(t)
	cfgDir := filepath.Join(e.Home, ".config", "otpfill")
	os.MkdirAll(cfgDir, 0o700)
	cfgBefore := treeHash(t, cfgDir)
	h := e.startHost()
	h.fail(req("alias", "url", evilURL, "name", alice.name), protocol.CodeForbidden)
	h.fail(req("alias", "url", "https://github.co/login", "name", bob.name, "store", "pass"), protocol.CodeForbidden)
	if treeHash(t, cfgDir) != cfgBefore {
		t.Fatal("a refused alias changed the config")
	}
	if got := matches(t, h.ok(req("match", "url", evilURL))); len(got) != 0 {
		t.Fatalf("after a refused alias, evil.example matches %v", got)
	}
	// The popup's "Remember" for a weak match still works.
	h.ok(req("alias", "url", "https://github.co/login", "name", personal.name, "store", "pass"))
	if got := matches(t, h.ok(req("match", "url", "https://github.co/"))); len(got) != 1 || got[0] != (matchEntry{personal.name, "exact"}) {
		t.Errorf("after alias: %v", got)
	}
	h.closeOK()
}

// TestSiteBindingUndo: an undo that names another site is refused and keeps
// its token for the right site; without a url it works as before.
func TestSiteBindingUndo(t *testing.T) {
	e := newTestEnv(t)
	secret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	e.addSecret(secret)
	uri := "otpauth://totp/GitLab:bob?secret=" + secret
	h := e.startHost()
	oldShow := e.Run("", "pass", "show", bob.name)
	s := h.ok(req("save", "url", "https://gitlab.com/-/profile/two_factor_auth", "uri", uri, "name", bob.name, "overwrite", true))
	e.addCode(s["code"].(string))
	token := s["undo"].(string)
	before := treeHash(t, e.StoreDir)
	h.fail(req("undo", "token", token, "url", evilURL), protocol.CodeForbidden)
	if treeHash(t, e.StoreDir) != before {
		t.Fatal("a refused undo changed the store")
	}
	h.ok(req("undo", "token", token, "url", "https://gitlab.com/users/sign_in"))
	if show := e.Run("", "pass", "show", bob.name); show != oldShow {
		t.Fatalf("undo did not restore the entry:\n%s", show)
	}
	h.closeOK()
}

// TestUndoOnlyItsOwnSave: two host processes (two browsers) save the same
// entry; the first one's undo would destroy the second's save, so it is
// refused and nothing changes. The same when the first save created the
// entry. An HOTP save, whose answer advances the counter, is still undone,
// and so are replaced recovery codes.
func TestUndoOnlyItsOwnSave(t *testing.T) {
	e := newTestEnv(t)
	secretA := "MZXW6YTBOJRGC4TCMZXW6YTBOJRGC4TC"
	secretB := "KRUGS4ZANFZSAYJAORSXG5BAONSWG4TF"
	e.addSecret(secretA, secretB)
	uriA := "otpauth://totp/GitHub:alice?secret=" + secretA + "&issuer=GitHub"
	uriB := "otpauth://totp/GitHub:alice?secret=" + secretB + "&issuer=GitHub"
	a, b := e.startHost(), e.startHost()
	gh := "https://github.com/settings/two_factor_authentication/setup/intro"

	// A replaces alice's secret, then B does.
	sa := a.ok(req("save", "url", gh, "uri", uriA, "name", alice.name, "overwrite", true))
	e.addCode(sa["code"].(string))
	sb := b.ok(req("save", "url", gh, "uri", uriB, "name", alice.name, "overwrite", true))
	e.addCode(sb["code"].(string))
	before := treeHash(t, e.StoreDir)
	msg := a.fail(req("undo", "token", sa["undo"]), protocol.CodeExists)["message"].(string)
	if !strings.Contains(msg, "changed since") {
		t.Errorf("refused undo message: %q", msg)
	}
	if treeHash(t, e.StoreDir) != before {
		t.Fatal("a refused undo changed the store")
	}
	if show := e.Run("", "pass", "show", alice.name); !strings.Contains(show, secretB) {
		t.Fatalf("B's secret is gone after A's undo:\n%s", show)
	}
	a.fail(req("undo", "token", sa["undo"]), protocol.CodeNotFound) // spent
	// B's own undo still works: alice is back to A's secret.
	b.ok(req("undo", "token", sb["undo"]))
	if show := e.Run("", "pass", "show", alice.name); !strings.Contains(show, secretA) {
		t.Fatalf("B's undo did not restore A's save:\n%s", show)
	}

	// A creates an entry, B replaces it: A's undo must not delete it.
	name := "example.com/zed"
	url := "https://example.com/2fa"
	sa = a.ok(req("save", "url", url, "uri", "otpauth://totp/Example:zed?secret="+secretA, "name", name))
	e.addCode(sa["code"].(string))
	sb = b.ok(req("save", "url", url, "uri", "otpauth://totp/Example:zed?secret="+secretB, "name", name, "overwrite", true))
	e.addCode(sb["code"].(string))
	a.fail(req("undo", "token", sa["undo"]), protocol.CodeExists)
	if show := e.Run("", "pass", "show", name); !strings.Contains(show, secretB) {
		t.Fatalf("A's undo of its new entry took B's save with it:\n%s", show)
	}

	// An HOTP entry: the save's own code advances the counter, which is
	// part of the save; the undo removes the entry.
	hotp := "bank.example.com/new"
	s := a.ok(req("save", "url", "https://bank.example.com/", "uri", "otpauth://hotp/Bank:new?secret="+secretA+"&counter=3", "name", hotp))
	e.addCode(s["code"].(string))
	a.ok(req("undo", "token", s["undo"]))
	if _, err := os.Stat(filepath.Join(e.StoreDir, hotp+".gpg")); !os.IsNotExist(err) {
		t.Fatalf("the undone HOTP entry is still there: %v", err)
	}

	// Replacing recovery codes answers how many were replaced and a token
	// that puts them back.
	codes1 := []string{"r1aaa-11111", "r1bbb-22222"}
	codes2 := []string{"r2ccc-33333"}
	e.addSecret(append(codes1, codes2...)...)
	rec := "https://github.com/settings/auth/recovery-codes"
	r1 := a.ok(req("save_recovery", "url", rec, "codes", codes1, "name", alice.name))
	if _, ok := r1["replaced"]; ok || r1["undo"] == nil {
		t.Errorf("first recovery codes: %v", r1)
	}
	withCodes1 := e.Run("", "pass", "show", alice.name)
	r2 := a.ok(req("save_recovery", "url", rec, "codes", codes2, "name", alice.name))
	if r2["replaced"] != float64(len(codes1)) {
		t.Errorf("replacing recovery codes: replaced = %v, want %d", r2["replaced"], len(codes1))
	}
	// The first token is stale now: the second write changed the entry.
	a.fail(req("undo", "token", r1["undo"]), protocol.CodeExists)
	a.ok(req("undo", "token", r2["undo"], "url", rec))
	if show := e.Run("", "pass", "show", alice.name); show != withCodes1 {
		t.Errorf("undo of replaced recovery codes:\nwant %q\ngot  %q", withCodes1, show)
	}
	a.closeOK()
	b.closeOK()
}
