package main

// The keyring store end to end: the built host saves to and reads from a
// real gnome-keyring on a private D-Bus session that the test starts (and
// kills by PID), and stays quick and clear when no Secret Service runs.

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/realkeyring"
	"github.com/otpfill/otpfill/host/internal/realstore"
	"github.com/otpfill/otpfill/protocol"
)

// lookup is `secret-tool lookup service otpfill username NAME`.
func lookup(t *testing.T, s *realkeyring.Session, name string) string {
	t.Helper()
	out, err := s.Run(context.Background(), "", "secret-tool", "lookup", "service", "otpfill", "username", name)
	if err != nil {
		t.Fatalf("secret-tool finds no item for %s: %v", name, err)
	}
	return out
}

func entryRefs(t *testing.T, resp map[string]any) map[string][]string {
	t.Helper()
	refs := map[string][]string{} // store → names
	entries, _ := resp["entries"].([]any)
	for _, x := range entries {
		m := x.(map[string]any)
		refs[m["store"].(string)] = append(refs[m["store"].(string)], m["name"].(string))
	}
	return refs
}

// TestKeyring: save with store keyring and both, read codes back, list,
// keep recovery codes; secret-tool sees what otpfill wrote and otpfill
// sees what secret-tool wrote.
func TestKeyring(t *testing.T) {
	e := newTestEnv(t)
	kr := realkeyring.New(t, true)
	e.extra = append(e.extra, "DBUS_SESSION_BUS_ADDRESS="+kr.Address)

	only := otpEntry{name: "example.com/kr", secret: testSecret("keyring only"), alg: "sha256", digits: 8, period: 30}
	onlyURI := "otpauth://totp/Example:kr?secret=" + only.secret + "&issuer=Example&algorithm=SHA256&digits=8"
	both := otpEntry{name: "example.org/both", secret: testSecret("both stores"), alg: "sha1", digits: 6, period: 30}
	bothURI := "otpauth://totp/Example:both?secret=" + both.secret + "&issuer=Example"
	other := otpEntry{name: "example.net/other-client", secret: testSecret("secret-tool"), alg: "sha1", digits: 6, period: 30}
	hotpSecret := testSecret("keyring hotp")
	recovery := []string{"kr-rec-0001", "kr-rec-0002"}
	e.addSecret(only.secret, both.secret, other.secret, hotpSecret)
	e.addSecret(recovery...)
	passBefore := treeHash(t, e.StoreDir)

	h := e.startHost()
	if st := storeStatus(t, h.ok(req("hello")), "keyring"); st["ok"] != true || st["kind"] != "keyring" {
		t.Fatalf("hello with a running keyring: %v", st)
	}

	// store keyring: in the keyring only.
	start := time.Now()
	resp := h.ok(req("save", "url", "https://www.example.com/2fa", "uri", onlyURI, "store", "keyring"))
	if resp["name"] != only.name || !slices.Equal(anyStrings(resp["stores"]), []string{"keyring"}) {
		t.Errorf("save to the keyring: name %v stores %v", resp["name"], resp["stores"])
	}
	checkCode(t, resp, only, start, time.Now())
	if got := strings.TrimSpace(lookup(t, kr, only.name)); got != canonical(t, onlyURI) {
		t.Errorf("secret-tool lookup %s = %q, want the URI %q", only.name, got, canonical(t, onlyURI))
	}
	if treeHash(t, e.StoreDir) != passBefore {
		t.Error("a save to the keyring wrote to the pass store")
	}
	for _, r := range []map[string]any{req("code", "name", only.name, "store", "keyring"), req("code", "name", only.name), req("code", "url", "https://example.com/login")} {
		start := time.Now()
		resp := h.ok(r)
		if resp["store"] != "keyring" {
			t.Errorf("%v answered from store %v", r, resp["store"])
		}
		checkCode(t, resp, only, start, time.Now())
	}
	h.fail(req("save", "url", "https://example.com/", "uri", onlyURI, "store", "keyring"), protocol.CodeExists)

	// store both: pass first, the keyring as a backup; both readable.
	start = time.Now()
	resp = h.ok(req("save", "url", "https://example.org/", "uri", bothURI, "store", "both"))
	if resp["name"] != both.name || !slices.Equal(anyStrings(resp["stores"]), []string{"pass", "keyring"}) {
		t.Errorf("save to both: name %v stores %v", resp["name"], resp["stores"])
	}
	checkCode(t, resp, both, start, time.Now())
	e.passOTP(both)
	if got := strings.TrimSpace(lookup(t, kr, both.name)); got != canonical(t, bothURI) {
		t.Errorf("secret-tool lookup %s = %q, want the URI", both.name, got)
	}
	if log := e.Run("", "git", "-C", e.StoreDir, "log", "--format=%s"); !strings.Contains(log, both.name) {
		t.Errorf("the pass copy was not committed:\n%s", log)
	}
	start = time.Now()
	checkCode(t, h.ok(req("code", "name", both.name, "store", "keyring")), both, start, time.Now())

	// Recovery codes in both stores.
	resp = h.ok(req("save_recovery", "url", "https://example.org/", "codes", recovery, "name", both.name, "store", "both"))
	if !slices.Equal(anyStrings(resp["stores"]), []string{"pass", "keyring"}) {
		t.Errorf("save_recovery to both: stores %v", resp["stores"])
	}
	show := e.Run("", "pass", "show", both.name)
	item := lookup(t, kr, both.name)
	for _, c := range recovery {
		if !strings.Contains(show, c) || !strings.Contains(item, c) {
			t.Errorf("recovery code %s missing from pass (%v) or the keyring (%v)", c, strings.Contains(show, c), strings.Contains(item, c))
		}
	}
	if !strings.Contains(item, canonical(t, bothURI)) {
		t.Error("saving recovery codes lost the URI of the keyring item")
	}
	e.passOTP(both)

	// An item another client stored under service otpfill is listed and
	// gives codes.
	if _, err := kr.Run(context.Background(), "otpauth://totp/Other:x?secret="+other.secret, "secret-tool", "store", "--label=other", "service", "otpfill", "username", other.name); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	checkCode(t, h.ok(req("code", "name", other.name, "store", "keyring")), other, start, time.Now())

	// HOTP in the keyring: the counter advances there. The save's answer
	// already carries the code for counter+1, for the user to verify.
	hotpName := "bank.example.net/kr"
	resp = h.ok(req("save", "url", "https://bank.example.net/", "uri", "otpauth://hotp/Bank:kr?secret="+hotpSecret+"&counter=41", "store", "keyring", "name", hotpName))
	if resp["code"] != realstore.OathtoolHOTP(t, hotpSecret, 6, 42) {
		t.Errorf("save of an HOTP key answered %v, want counter 42's code", resp["code"])
	}
	for c := uint64(43); c <= 44; c++ {
		if got := h.ok(req("code", "name", hotpName, "store", "keyring"))["code"]; got != realstore.OathtoolHOTP(t, hotpSecret, 6, c) {
			t.Errorf("keyring HOTP code = %v, want counter %d's", got, c)
		}
	}
	if item := lookup(t, kr, hotpName); !strings.Contains(item, "counter=44") {
		t.Error("the keyring item's HOTP counter was not written back to 44")
	}

	// list: the keyring's entries, and everything.
	wantKR := sorted(only.name, both.name, other.name, hotpName)
	if got := entryRefs(t, h.ok(req("list", "store", "keyring")))["keyring"]; !slices.Equal(got, wantKR) {
		t.Errorf("list store keyring = %q, want %q", got, wantKR)
	}
	all := entryRefs(t, h.ok(req("list")))
	sort.Strings(all["keyring"])
	if !slices.Equal(all["keyring"], wantKR) || !slices.Contains(all["pass"], both.name) || !slices.Contains(all["pass"], alice.name) {
		t.Errorf("list = %v, want the keyring's %q and the pass entries", all, wantKR)
	}
	h.closeOK()
}

func anyStrings(v any) []string {
	var out []string
	xs, _ := v.([]any)
	for _, x := range xs {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestKeyringAbsent: on a session bus without a Secret Service, hello says
// so within a second in words a person can act on, keyring requests fail
// with store_unavailable, and pass requests are not slowed.
func TestKeyringAbsent(t *testing.T) {
	e := newTestEnv(t)
	bus := realkeyring.New(t, false)
	noBus := slices.Clone(e.extra)
	brokenBus := append(slices.Clone(e.extra), "DBUS_SESSION_BUS_ADDRESS="+bus.Address)

	e.extra = brokenBus
	h := e.startHost()
	start := time.Now()
	resp := h.ok(req("hello"))
	took := time.Since(start)
	st := storeStatus(t, resp, "keyring")
	msg, _ := st["error"].(string)
	t.Logf("hello without a Secret Service took %v: keyring %v", took, st)
	if took >= time.Second {
		t.Errorf("hello took %v without a Secret Service, want < 1s", took)
	}
	if st["ok"] != false || !strings.Contains(msg, "no Secret Service") || !strings.Contains(msg, "start gnome-keyring") {
		t.Errorf("keyring status %v: want not ok, saying there is no Secret Service and what to start", st)
	}
	if st := storeStatus(t, resp, "pass"); st["ok"] != true {
		t.Errorf("the pass store is not ok: %v", st)
	}
	secret := testSecret("absent keyring")
	e.addSecret(secret)
	for _, r := range []map[string]any{
		req("save", "url", "https://example.com/", "uri", "otpauth://totp/E:x?secret="+secret, "store", "keyring"),
		req("code", "name", alice.name, "store", "keyring"),
		req("list", "store", "keyring"),
	} {
		em := h.fail(r, protocol.CodeStoreUnavailable)
		if m, _ := em["message"].(string); !strings.Contains(m, "start gnome-keyring") {
			t.Errorf("%s: %q does not say what to do", r["action"], m)
		}
	}
	// store both: pass is written, the keyring copy is skipped with a warning.
	resp = h.ok(req("save", "url", "https://example.com/", "uri", "otpauth://totp/E:x?secret="+secret, "store", "both", "name", "example.com/x"))
	if !slices.Equal(anyStrings(resp["stores"]), []string{"pass"}) {
		t.Errorf("save to both without a keyring: stores %v, want [pass]", resp["stores"])
	}
	if names := entryRefs(t, h.ok(req("list")))["pass"]; !slices.Contains(names, alice.name) {
		t.Errorf("list without a keyring lacks the pass entries: %q", names)
	}
	h.closeOK()

	// A pass code, one process per request as sendNativeMessage does, by
	// name and by URL (which lists every store, the keyring included), with
	// no bus at all and with the bus that has no Secret Service.
	median := func(extra []string, r map[string]any) time.Duration {
		e.extra = extra
		var ds []time.Duration
		for range 5 {
			h := e.startHost()
			start := time.Now()
			h.ok(r)
			ds = append(ds, time.Since(start))
			h.closeOK()
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	for _, r := range []map[string]any{req("code", "name", alice.name), req("code", "url", "https://gitlab.com/")} {
		without := median(noBus, r)
		with := median(brokenBus, r)
		t.Logf("pass code by %s: median %v with no bus, %v with a bus that has no Secret Service", codeBy(r), without, with)
		if with-without > time.Second {
			t.Errorf("a bus without a Secret Service slows a pass code by %s from %v to %v", codeBy(r), without, with)
		}
	}
}

func codeBy(r map[string]any) string {
	if _, ok := r["url"]; ok {
		return "URL"
	}
	return "name"
}
