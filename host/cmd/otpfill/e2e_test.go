package main

// End-to-end tests of the built binary in host mode: started as Chrome and
// Firefox start it, spoken to through framed stdin/stdout, on a real pass
// store made by gpg and pass. The harness checks on every run that stdout
// holds only frames, that no response carries a secret, and (at the end of
// each test) that neither stderr nor the log file holds a secret or a code.

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/realstore"
	"github.com/otpfill/otpfill/protocol"
)

func req(action string, kv ...any) map[string]any {
	m := map[string]any{"action": action}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func storeStatus(t *testing.T, resp map[string]any, id string) map[string]any {
	t.Helper()
	stores, _ := resp["stores"].([]any)
	for _, s := range stores {
		if m, _ := s.(map[string]any); m["id"] == id {
			return m
		}
	}
	t.Fatalf("hello lists no store %q: %v", id, resp)
	return nil
}

// TestHello: both browsers' ways of starting the host give host mode; hello
// reports the host's version, protocol 1 and the pass store as usable.
func TestHello(t *testing.T) {
	e := newTestEnv(t)
	for name, args := range map[string][]string{"chrome": chromeArgs, "firefox": firefoxArgs} {
		t.Run(name, func(t *testing.T) {
			h := e.startHost(args...)
			resp := h.ok(req("hello", "id", "h1"))
			if v, _ := resp["version"].(string); v == "" {
				t.Errorf("hello without a version: %v", resp)
			}
			if resp["protocol"] != float64(1) {
				t.Errorf("hello protocol = %v", resp["protocol"])
			}
			pass := storeStatus(t, resp, "pass")
			if pass["kind"] != "pass" || pass["ok"] != true {
				t.Errorf("pass store status = %v, want kind pass and ok", pass)
			}
			for _, s := range resp["stores"].([]any) {
				m := s.(map[string]any)
				if m["ok"] == false {
					if msg, _ := m["error"].(string); msg == "" {
						t.Errorf("store %v is not ok and says no why", m)
					}
				}
			}
			h.closeOK()
		})
	}
	// The host logs to a file in the XDG state dir (which the leak checks
	// read), never to stdout.
	if data, err := os.ReadFile(e.logFile()); err != nil || !strings.Contains(string(data), `"mode":"host"`) {
		t.Errorf("no host log in %s: %v", e.logFile(), err)
	}
}

// TestHelloMissingStore: a store folder that does not exist is reported by
// hello, with a reason, and answers store_unavailable when named.
func TestHelloMissingStore(t *testing.T) {
	e := newTestEnv(t)
	missing := filepath.Join(e.Home, "no-such-store")
	e.extra = append(e.extra, "PASSWORD_STORE_DIR="+missing)
	h := e.startHost()
	pass := storeStatus(t, h.ok(req("hello")), "pass")
	msg, _ := pass["error"].(string)
	if pass["ok"] != false || !strings.Contains(msg, missing) || !strings.Contains(msg, "does not exist") {
		t.Errorf("missing store: status %v, want not ok, naming the folder and saying it does not exist", pass)
	}
	h.fail(req("list", "store", "pass"), protocol.CodeStoreUnavailable)
	h.ok(req("hello")) // still serving
	h.closeOK()
	if _, err := os.Stat(missing); err == nil {
		t.Error("the host created the missing store folder")
	}
}

// TestOneRequestPerProcess: as with sendNativeMessage, a fresh process per
// request, each exiting 0 at EOF.
func TestOneRequestPerProcess(t *testing.T) {
	e := newTestEnv(t)
	before := treeHash(t, e.StoreDir)
	for _, r := range []map[string]any{
		req("hello"),
		req("list"),
		req("match", "url", "https://gitlab.com/users/sign_in"),
		req("code", "url", "https://gitlab.com/users/sign_in"),
		req("code", "name", alice.name),
	} {
		h := e.startHost()
		start := time.Now()
		resp := h.ok(r)
		if r["action"] == "code" {
			o := alice
			if r["url"] != nil {
				o = bob
			}
			checkTOTP(t, resp, o, start, time.Now())
		}
		h.closeOK()
	}
	if treeHash(t, e.StoreDir) != before {
		t.Error("read-only requests changed the store")
	}
}

func listNames(t *testing.T, resp map[string]any) []string {
	t.Helper()
	entries, ok := resp["entries"].([]any)
	if !ok {
		t.Fatalf("list without an entries array: %v", resp)
	}
	var names []string
	for _, x := range entries {
		m := x.(map[string]any)
		if m["store"] != "pass" {
			t.Errorf("entry %v is not in store pass", m)
		}
		names = append(names, m["name"].(string))
	}
	return names
}

// TestList: one page with every entry, names only (hidden files, .gpg-id
// and .git are not entries), the same with store "pass".
func TestList(t *testing.T) {
	e := newTestEnv(t)
	before := treeHash(t, e.StoreDir)
	h := e.startHost()
	for _, r := range []map[string]any{req("list"), req("list", "store", "pass")} {
		resp := h.ok(r)
		if got := listNames(t, resp); !slices.Equal(got, fixtureNames) {
			t.Errorf("list %v = %q, want %q", r, got, fixtureNames)
		}
		if _, more := resp["cursor"]; more {
			t.Errorf("a small store gave a cursor: %v", resp["cursor"])
		}
	}
	h.fail(req("list", "cursor", "not-a-cursor!"), protocol.CodeBadRequest)
	h.closeOK()
	if treeHash(t, e.StoreDir) != before {
		t.Error("list changed the store")
	}
}

// TestListPaging: a store whose names take several MiB of JSON is listed in
// pages, each under 1 MiB, that together are the store, in order, once.
func TestListPaging(t *testing.T) {
	e := newTestEnv(t)
	ciphertext, err := os.ReadFile(filepath.Join(e.StoreDir, alice.name+".gpg"))
	if err != nil {
		t.Fatal(err)
	}
	// Long names made of characters JSON escapes to six bytes (<, >, &) or
	// two ("), so that a page sized by bytes of name would overflow.
	want := slices.Clone(fixtureNames)
	bulk := filepath.Join(e.StoreDir, "bulk")
	if err := os.Mkdir(bulk, 0o700); err != nil {
		t.Fatal(err)
	}
	const n = 2500
	for i := range n {
		var name string
		switch i % 3 {
		case 0:
			name = fmt.Sprintf("%05d-%s", i, strings.Repeat("<", 190))
		case 1:
			name = fmt.Sprintf("%05d-%s", i, strings.Repeat(`&"`, 95))
		default:
			name = fmt.Sprintf("%05d-%s.example.com", i, strings.Repeat("a", 170))
		}
		if err := os.WriteFile(filepath.Join(bulk, name+".gpg"), ciphertext, 0o600); err != nil {
			t.Fatal(err)
		}
		want = append(want, "bulk/"+name)
	}
	slices.Sort(want)
	before := treeHash(t, e.StoreDir)

	h := e.startHost()
	var got []string
	cursor := ""
	pages := 0
	for {
		r := req("list", "id", fmt.Sprint("page", pages))
		if cursor != "" {
			r["cursor"] = cursor
		}
		body, _ := json.Marshal(r)
		if err := protocol.WriteFrame(h.stdin, body); err != nil {
			t.Fatal(err)
		}
		resp := h.read() // read checks the frame is at most 1 MiB
		if resp["ok"] != true {
			t.Fatalf("page %d: %v", pages, resp["error"])
		}
		pages++
		names := listNames(t, resp)
		if len(names) == 0 {
			t.Fatalf("page %d is empty", pages)
		}
		got = append(got, names...)
		c, more := resp["cursor"].(string)
		if !more {
			break
		}
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		cursor = c
	}
	h.closeOK()
	if pages < 2 {
		t.Errorf("%d MiB of names came in %d page(s)", len(strings.Join(want, ""))*5>>20, pages)
	}
	if !slices.Equal(got, want) {
		t.Errorf("the pages hold %d names, the store %d; they differ", len(got), len(want))
	}
	if treeHash(t, e.StoreDir) != before {
		t.Error("list changed the store")
	}
}

type matchEntry struct{ name, strength string }

func matches(t *testing.T, resp map[string]any) []matchEntry {
	t.Helper()
	entries, ok := resp["entries"].([]any)
	if !ok {
		t.Fatalf("match without an entries array: %v", resp)
	}
	var out []matchEntry
	for _, x := range entries {
		m := x.(map[string]any)
		out = append(out, matchEntry{m["name"].(string), m["strength"].(string)})
	}
	return out
}

// TestMatch: exact and weak matches best first, none, and an alias from the
// config file counting as exact.
func TestMatch(t *testing.T) {
	e := newTestEnv(t)
	cfg := filepath.Join(e.Home, ".config", "otpfill", "config.json")
	os.MkdirAll(filepath.Dir(cfg), 0o700)
	if err := os.WriteFile(cfg, []byte(`{"aliases": {"id.atlassian.com": ["bitbucket.org"]}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := treeHash(t, e.StoreDir)
	h := e.startHost()
	for _, c := range []struct {
		url  string
		want []matchEntry
	}{
		// github.com/alice is named after the host, 2fa/github.com/work has
		// it in a segment: both exact; GitHub/personal only looks like it.
		{"https://github.com/login", []matchEntry{{alice.name, "exact"}, {work.name, "exact"}, {personal.name, "weak"}}},
		{"https://gist.github.com/", []matchEntry{{alice.name, "exact"}, {work.name, "exact"}, {personal.name, "weak"}}},
		{"https://github.co/login", []matchEntry{{personal.name, "weak"}}},
		{"https://github.com.evil.net/login", nil},
		{"https://gitlab.com/users/sign_in", []matchEntry{{bob.name, "exact"}}},
		{"https://signin.aws.amazon.com/", []matchEntry{{ops.name, "exact"}}},
		{"https://id.atlassian.com/login", []matchEntry{{carol.name, "exact"}}},
		{"https://example.net/", nil},
	} {
		got := matches(t, h.ok(req("match", "url", c.url)))
		sortExact := func(m []matchEntry) {
			// Order among equally good exact matches is the host's choice;
			// exact must come before weak.
			slices.SortStableFunc(m, func(a, b matchEntry) int { return strings.Compare(a.strength, b.strength) })
		}
		for i := 1; i < len(got); i++ {
			if got[i-1].strength == "weak" && got[i].strength == "exact" {
				t.Errorf("match %s: a weak match comes before an exact one: %v", c.url, got)
			}
		}
		g, w := slices.Clone(got), slices.Clone(c.want)
		sortExact(g)
		sortExact(w)
		slices.SortFunc(g, func(a, b matchEntry) int { return strings.Compare(a.strength+a.name, b.strength+b.name) })
		slices.SortFunc(w, func(a, b matchEntry) int { return strings.Compare(a.strength+a.name, b.strength+b.name) })
		if !slices.Equal(g, w) {
			t.Errorf("match %s = %v, want %v", c.url, got, c.want)
		}
	}
	h.closeOK()
	if treeHash(t, e.StoreDir) != before {
		t.Error("match changed the store")
	}
}

// TestCode: codes by name, by name and store, by URL, for every kind of
// TOTP entry in the store, equal to oathtool's; ambiguous and no match.
func TestCode(t *testing.T) {
	e := newTestEnv(t)
	before := treeHash(t, e.StoreDir)
	h := e.startHost()
	for _, o := range totpEntries {
		start := time.Now()
		checkTOTP(t, h.ok(req("code", "id", o.name, "name", o.name)), o, start, time.Now())
		start = time.Now()
		checkTOTP(t, h.ok(req("code", "name", o.name, "store", "pass")), o, start, time.Now())
	}
	// A single exact match.
	start := time.Now()
	checkTOTP(t, h.ok(req("code", "url", "https://gitlab.com/users/sign_in?redirect=%2F")), bob, start, time.Now())
	start = time.Now()
	checkTOTP(t, h.ok(req("code", "url", "https://console.aws.amazon.com/")), ops, start, time.Now())
	// Two exact matches: ambiguous, with both as candidates.
	e1 := h.fail(req("code", "id", "amb", "url", "https://github.com/login"), protocol.CodeAmbiguous)
	var cands []string
	for _, c := range e1["candidates"].([]any) {
		m := c.(map[string]any)
		if m["store"] != "pass" {
			t.Errorf("candidate %v not in store pass", m)
		}
		cands = append(cands, m["name"].(string))
	}
	if slices.Sort(cands); !slices.Equal(cands, sorted(alice.name, work.name)) {
		t.Errorf("ambiguous candidates = %q", cands)
	}
	// Only a weak match, or none: not_found (weak matches are never used).
	h.fail(req("code", "url", "https://github.co/login"), protocol.CodeNotFound)
	h.fail(req("code", "url", "https://example.net/"), protocol.CodeNotFound)
	// An entry without OTP data.
	h.fail(req("code", "name", notesName), protocol.CodeNotFound)
	// Name and URL together, or neither.
	h.fail(req("code", "name", alice.name, "url", "https://github.com/"), protocol.CodeBadRequest)
	h.fail(req("code"), protocol.CodeBadRequest)
	h.closeOK()
	if treeHash(t, e.StoreDir) != before {
		t.Error("code on TOTP entries changed the store")
	}
}

// TestCodeHOTP: each code request uses the next counter and writes it back
// as pass-otp does, so that host and `pass otp` take turns without reuse.
func TestCodeHOTP(t *testing.T) {
	e := newTestEnv(t)
	h := e.startHost()
	resp := h.ok(req("code", "name", bankName))
	if resp["type"] != "hotp" || resp["digits"] != float64(6) {
		t.Errorf("HOTP code response: %v", resp)
	}
	if _, has := resp["expires_at"]; has {
		t.Errorf("an HOTP code has expires_at: %v", resp)
	}
	if _, has := resp["period"]; has {
		t.Errorf("an HOTP code has a period: %v", resp)
	}
	if want := realstore.OathtoolHOTP(t, bankSecret, 6, bankCounter+1); resp["code"] != want {
		t.Errorf("first HOTP code = %v, oathtool at counter %d says %s", resp["code"], bankCounter+1, want)
	}
	if got, want := e.PassOTP(bankName), realstore.OathtoolHOTP(t, bankSecret, 6, bankCounter+2); got != want {
		t.Errorf("pass otp after the host = %s, want the next counter's %s", got, want)
	}
	e.addCode(realstore.OathtoolHOTP(t, bankSecret, 6, bankCounter+2))
	resp = h.ok(req("code", "name", bankName))
	if want := realstore.OathtoolHOTP(t, bankSecret, 6, bankCounter+3); resp["code"] != want {
		t.Errorf("HOTP code after pass otp = %v, want counter %d's %s", resp["code"], bankCounter+3, want)
	}
	h.closeOK()
	if out := e.Run("", "pass", "show", bankName); !strings.Contains(out, fmt.Sprintf("counter=%d", bankCounter+3)) {
		t.Errorf("the stored counter was not advanced to %d", bankCounter+3)
	}
}

// TestSave: a secret saved from a site's setup page is a pass-otp entry
// that pass reads, encrypted to the folder's recipients, committed; the
// response's code is oathtool's; nothing is overwritten without overwrite.
func TestSave(t *testing.T) {
	e := newTestEnv(t)
	dave := otpEntry{name: "example.com/dave@example.com", secret: "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF", alg: "sha1", digits: 6, period: 30}
	daveURI := "otpauth://totp/Example:dave@example.com?secret=" + dave.secret + "&issuer=Example"
	team := otpEntry{name: "team/example.com/eve", secret: "MZXW6YTBOJRGC4TCMF5GCYTBMJQWE2DB", alg: "sha256", digits: 8, period: 30}
	teamURI := "otpauth://totp/Example:eve?secret=" + team.secret + "&algorithm=SHA256&digits=8"
	newBob := "otpauth://totp/GitLab:bob?secret=NB2W45DFOIZGK3LPOJSWY3DPEBUGK5DP"
	e.addSecret(dave.secret, team.secret, "NB2W45DFOIZGK3LPOJSWY3DPEBUGK5DP")

	h := e.startHost()
	// The name comes from the site's registrable domain and the account.
	start := time.Now()
	resp := h.ok(req("save", "id", "s1", "url", "https://www.example.com/settings/2fa", "uri", daveURI))
	if resp["name"] != dave.name {
		t.Errorf("saved as %v, want %s", resp["name"], dave.name)
	}
	if st, _ := resp["stores"].([]any); len(st) != 1 || st[0] != "pass" {
		t.Errorf("saved to %v, want [pass]", resp["stores"])
	}
	checkCode(t, resp, dave, start, time.Now())
	passCode, pb, pa := e.passOTP(dave)
	if passCode != resp["code"] && pb.Unix()/30 == start.Unix()/30 && pa.Unix()/30 == start.Unix()/30 {
		t.Errorf("pass otp = %s, the save response said %v in the same step", passCode, resp["code"])
	}
	if got := h.ok(req("code", "url", "https://example.com/login")); got["name"] != dave.name {
		t.Errorf("the saved entry is not the site's exact match: %v", got)
	}
	log := e.Run("", "git", "-C", e.StoreDir, "log", "--format=%s")
	if !strings.Contains(log, dave.name) {
		t.Errorf("the save was not committed:\n%s", log)
	}

	// In a folder with its own .gpg-id: encrypted to the user's second key
	// and the teammate's, who can decrypt it in their own keyring.
	start = time.Now()
	resp = h.ok(req("save", "url", "https://example.com/", "uri", teamURI, "name", team.name))
	checkCode(t, resp, team, start, time.Now())
	e.passOTP(team)
	cipher, err := os.ReadFile(filepath.Join(e.StoreDir, team.name+".gpg"))
	if err != nil {
		t.Fatal(err)
	}
	if plain := shared.teammate.Run(string(cipher), "gpg", "--batch", "--quiet", "--decrypt"); !strings.Contains(plain, team.secret) {
		t.Error("the teammate listed in team/.gpg-id cannot decrypt the saved entry")
	}

	// A URI without a label still makes an entry pass-otp accepts.
	nolabel := otpEntry{name: "example.com/nolabel", secret: "GFSWY3DPEHPK3PXPGFSWY3DPEHPK3PXP", alg: "sha1", digits: 6, period: 30}
	e.addSecret(nolabel.secret)
	start = time.Now()
	resp = h.ok(req("save", "url", "https://example.com/", "uri", "otpauth://totp/?secret="+nolabel.secret, "name", nolabel.name))
	checkCode(t, resp, nolabel, start, time.Now())
	e.passOTP(nolabel)

	// An existing OTP entry is not replaced without overwrite, byte for byte.
	alicePath := filepath.Join(e.StoreDir, alice.name+".gpg")
	aliceBefore := fileHash(t, alicePath)
	other := "otpauth://totp/GitHub:alice?secret=ORSXG5DTMVRXEZLUORSXG5DTMVRXEZLU&issuer=GitHub"
	e.addSecret("ORSXG5DTMVRXEZLUORSXG5DTMVRXEZLU")
	h.fail(req("save", "url", "https://github.com/settings", "uri", other, "name", alice.name), protocol.CodeExists)
	h.fail(req("save", "url", "https://github.com/settings", "uri", other), protocol.CodeExists) // derived name github.com/alice
	if fileHash(t, alicePath) != aliceBefore {
		t.Error("a refused save changed the entry")
	}
	// With overwrite, the otpauth line of a multi-line entry is replaced in
	// place: the password stays first.
	h.ok(req("save", "url", "https://gitlab.com/", "uri", newBob, "name", bob.name, "overwrite", true))
	show := e.Run("", "pass", "show", bob.name)
	if !strings.HasPrefix(show, "hunter2-bob-password\n") || strings.Contains(show, bob.secret) || !strings.Contains(show, "NB2W45DFOIZGK3LPOJSWY3DPEBUGK5DP") || !strings.Contains(show, "user: bob") {
		t.Error("overwrite did not replace the otpauth line in place, keeping the rest")
	}

	// A bad URI or URL is refused, and nothing is written.
	before := treeHash(t, e.StoreDir)
	h.fail(req("save", "url", "https://example.com/", "uri", "otpauth://totp/x?secret=not-base32!", "name", "example.com/bad"), protocol.CodeInvalidURI)
	h.fail(req("save", "url", "https://example.com/", "uri", "https://example.com/?secret=JBSWY3DPEHPK3PXP", "name", "example.com/bad"), protocol.CodeInvalidURI)
	h.fail(req("save", "url", "javascript:alert(1)", "uri", daveURI, "name", "example.com/bad"), protocol.CodeBadRequest)
	h.fail(req("save", "url", "https://example.com/", "uri", daveURI, "name", "../escape"), protocol.CodeInvalidName)
	h.fail(req("save", "url", "https://example.com/", "name", "example.com/bad"), protocol.CodeBadRequest)
	if treeHash(t, e.StoreDir) != before {
		t.Error("a refused save changed the store")
	}
	h.closeOK()
	if st := e.Run("", "git", "-C", e.StoreDir, "status", "--porcelain"); st != "" {
		t.Errorf("the store has uncommitted changes after saves:\n%s", st)
	}
}

// TestSaveRecovery: recovery codes are kept in the entry, where pass shows
// them, and the OTP secret still works.
func TestSaveRecovery(t *testing.T) {
	e := newTestEnv(t)
	codes := []string{"a1b2c-3d4e5", "f6g7h-8i9j0", "k1l2m-3n4o5"}
	e.addSecret(codes...)
	h := e.startHost()
	resp := h.ok(req("save_recovery", "url", "https://github.com/settings/auth/recovery-codes", "codes", codes, "name", alice.name))
	if resp["name"] != alice.name {
		t.Errorf("save_recovery name = %v", resp["name"])
	}
	// Without a name, the site's single exact match gets them.
	resp = h.ok(req("save_recovery", "url", "https://gitlab.com/-/profile/two_factor_auth", "codes", codes[:1]))
	if resp["name"] != bob.name {
		t.Errorf("save_recovery by URL went to %v, want %s", resp["name"], bob.name)
	}
	h.fail(req("save_recovery", "url", "https://github.com/", "codes", []string{}), protocol.CodeBadRequest)
	h.fail(req("save_recovery", "url", "https://github.com/", "codes", codes), protocol.CodeAmbiguous)
	start := time.Now()
	checkTOTP(t, h.ok(req("code", "name", alice.name)), alice, start, time.Now())
	h.closeOK()
	show := e.Run("", "pass", "show", alice.name)
	for _, c := range codes {
		if !strings.Contains(show, c) {
			t.Errorf("pass show %s lacks recovery code %s", alice.name, c)
		}
	}
	if !strings.Contains(show, alice.uri) {
		t.Error("saving recovery codes lost the otpauth line")
	}
	e.passOTP(alice)
	if show := e.Run("", "pass", "show", bob.name); !strings.HasPrefix(show, "hunter2-bob-password\n") || !strings.Contains(show, codes[0]) {
		t.Error("recovery codes by URL: the entry lost its first line or lacks the code")
	}
}

// TestAlias: a weak match the user picks becomes exact for that site, in
// this connection and in later processes (it is kept in the config file).
func TestAlias(t *testing.T) {
	e := newTestEnv(t)
	before := treeHash(t, e.StoreDir)
	h := e.startHost()
	if got := matches(t, h.ok(req("match", "url", "https://github.co/"))); !slices.Equal(got, []matchEntry{{personal.name, "weak"}}) {
		t.Fatalf("before alias: %v", got)
	}
	resp := h.ok(req("alias", "url", "https://github.co/login", "name", personal.name, "store", "pass"))
	if resp["site"] != "github.co" {
		t.Errorf("alias site = %v, want github.co", resp["site"])
	}
	if got := matches(t, h.ok(req("match", "url", "https://github.co/"))); !slices.Equal(got, []matchEntry{{personal.name, "exact"}}) {
		t.Errorf("after alias, same connection: %v", got)
	}
	h.fail(req("alias", "url", "https://github.co/", "name", "no/such/entry"), protocol.CodeNotFound)
	h.fail(req("alias", "url", "https://github.co/", "name", "../x"), protocol.CodeInvalidName)
	h.fail(req("alias", "url", "javascript:alert(1)", "name", personal.name), protocol.CodeBadRequest)
	h.closeOK()

	h = e.startHost()
	if got := matches(t, h.ok(req("match", "url", "https://github.co/"))); !slices.Equal(got, []matchEntry{{personal.name, "exact"}}) {
		t.Errorf("after alias, new process: %v", got)
	}
	start := time.Now()
	checkTOTP(t, h.ok(req("code", "url", "https://github.co/login")), personal, start, time.Now())
	h.closeOK()
	if treeHash(t, e.StoreDir) != before {
		t.Error("alias changed the store (it belongs in the host config)")
	}
}

// TestBadInput: every kind of bad request gets its stable error code, the
// host keeps serving on the same connection, and the store is untouched.
func TestBadInput(t *testing.T) {
	e := newTestEnv(t)
	const marker = "MARKERSECRETQQQQ"
	e.addSecret(marker)
	before := treeHash(t, e.StoreDir)
	h := e.startHost()
	huge := strings.Repeat("a", 5000)
	cases := []struct {
		name string
		body string
		code protocol.Code
		id   string // the id the answer must echo
		says string // the message must contain this
	}{
		{"empty body", "", protocol.CodeBadRequest, "", "empty"},
		{"white space", " \n\t", protocol.CodeBadRequest, "", "empty"},
		{"not JSON", "hello", protocol.CodeBadRequest, "", "JSON"},
		{"truncated JSON holding a secret", `{"id":"t","action":"save","uri":"otpauth://totp/x?secret=` + marker, protocol.CodeBadRequest, "", "JSON"},
		{"JSON array", `[{"id":"a","action":"hello"}]`, protocol.CodeBadRequest, "", "object"},
		{"JSON string", `"hello"`, protocol.CodeBadRequest, "", "object"},
		{"null", `null`, protocol.CodeBadRequest, "", "object"},
		{"bytes after the JSON value", `{"id":"x","action":"hello"} x`, protocol.CodeBadRequest, "", "after"},
		{"two objects", `{"id":"x","action":"hello"}{"id":"y","action":"hello"}`, protocol.CodeBadRequest, "", "after"},
		{"NUL after the JSON value", "{\"id\":\"x\",\"action\":\"hello\"}\x00", protocol.CodeBadRequest, "", "after"},
		{"invalid UTF-8", "{\"id\":\"u\",\"action\":\"hel\xfflo\"}", protocol.CodeBadRequest, "", "UTF-8"},
		{"no action", `{"id":"n1"}`, protocol.CodeBadRequest, "n1", "action"},
		{"empty action", `{"id":"n2","action":""}`, protocol.CodeBadRequest, "n2", "action"},
		{"unknown action", `{"id":"n3","action":"frobnicate"}`, protocol.CodeUnknownAction, "n3", "frobnicate"},
		{"duplicate field", `{"id":"d","action":"hello","action":"list"}`, protocol.CodeBadRequest, "", "duplicate"},
		{"id a number", `{"id":1,"action":"hello"}`, protocol.CodeBadRequest, "", "id"},
		{"id null", `{"id":null,"action":"hello"}`, protocol.CodeBadRequest, "", "id"},
		{"action a number", `{"id":"w0","action":5}`, protocol.CodeBadRequest, "w0", "action"},
		{"name a number", `{"id":"w1","action":"code","name":5}`, protocol.CodeBadRequest, "w1", `"name"`},
		{"url an object", `{"id":"w2","action":"match","url":{"href":"https://github.com/"}}`, protocol.CodeBadRequest, "w2", `"url"`},
		{"cursor a boolean", `{"id":"w3","action":"list","cursor":true}`, protocol.CodeBadRequest, "w3", `"cursor"`},
		{"codes a string", `{"id":"w4","action":"save_recovery","url":"https://github.com/","name":"github.com/alice","codes":"` + marker + `"}`, protocol.CodeBadRequest, "w4", `"codes"`},
		{"codes of numbers", `{"id":"w5","action":"save_recovery","url":"https://github.com/","name":"github.com/alice","codes":[1,2]}`, protocol.CodeBadRequest, "w5", `"codes"`},
		{"overwrite a string", `{"id":"w6","action":"save","url":"https://github.com/","name":"github.com/alice","uri":"otpauth://totp/x?secret=` + marker + `","overwrite":"yes"}`, protocol.CodeBadRequest, "w6", `"overwrite"`},
		{"store a number", `{"id":"w7","action":"code","name":"github.com/alice","store":1}`, protocol.CodeBadRequest, "w7", `"store"`},
		{"match without url", `{"id":"m0","action":"match"}`, protocol.CodeBadRequest, "m0", "url"},
		{"dot-dot name", `{"id":"i1","action":"code","name":".."}`, protocol.CodeInvalidName, "i1", "dot"},
		{"escaping name", `{"id":"i2","action":"code","name":"../github.com/alice"}`, protocol.CodeInvalidName, "i2", "dot"},
		{"inner dot-dot", `{"id":"i3","action":"code","name":"github.com/../../etc/passwd"}`, protocol.CodeInvalidName, "i3", "dot"},
		{"absolute name", `{"id":"i4","action":"code","name":"/etc/passwd"}`, protocol.CodeInvalidName, "i4", "relative"},
		{"NUL in name", `{"id":"i5","action":"code","name":"github.com/alice\u0000x"}`, protocol.CodeInvalidName, "i5", "NUL"},
		{"huge name", `{"id":"i6","action":"code","name":"` + huge + `"}`, protocol.CodeInvalidName, "i6", "limit"},
		{"hidden file", `{"id":"i7","action":"code","name":".gpg-id"}`, protocol.CodeInvalidName, "i7", "dot"},
		{"git internals", `{"id":"i8","action":"code","name":".git/config"}`, protocol.CodeInvalidName, "i8", "dot"},
		{"missing entry", `{"id":"f1","action":"code","name":"nope/missing"}`, protocol.CodeNotFound, "f1", "nope/missing"},
		{"javascript URL (match)", `{"id":"u1","action":"match","url":"javascript:alert(1)"}`, protocol.CodeBadRequest, "u1", "http"},
		{"javascript URL (code)", `{"id":"u2","action":"code","url":"javascript:alert(1)"}`, protocol.CodeBadRequest, "u2", "http"},
		{"data URL", `{"id":"u3","action":"match","url":"data:text/html,<p>github.com</p>"}`, protocol.CodeBadRequest, "u3", "http"},
		{"file URL", `{"id":"u4","action":"match","url":"file:///home/github.com"}`, protocol.CodeBadRequest, "u4", "http"},
		{"huge URL", `{"id":"u5","action":"match","url":"https://github.com/` + strings.Repeat("x", 100000) + `"}`, protocol.CodeBadRequest, "u5", "limit"},
		{"URL without host", `{"id":"u6","action":"match","url":"https:///path"}`, protocol.CodeBadRequest, "u6", "host"},
		{"unknown store", `{"id":"s1","action":"code","name":"github.com/alice","store":"nope"}`, protocol.CodeStoreUnavailable, "s1", "nope"},
		{"store given as a path", `{"id":"s2","action":"list","store":"/etc"}`, protocol.CodeForbidden, "s2", "config"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			resp := h.sendRaw([]byte(c.body))
			e := expectError(t, resp, c.code)
			if resp["id"] != c.id {
				t.Errorf("id = %q, want %q", resp["id"], c.id)
			}
			if msg := e["message"].(string); !strings.Contains(msg, c.says) {
				t.Errorf("message %q does not say %q", msg, c.says)
			}
			// Still serving: a good request right after works.
			if r := h.ok(req("hello", "id", "after")); r["id"] != "after" {
				t.Errorf("hello after a bad request: %v", r)
			}
		})
	}
	h.t = t

	// An entry encrypted to a key the user lacks: decrypt_failed naming the
	// missing key; the other entries still work on the same connection.
	em := h.fail(req("code", "name", foreignName), protocol.CodeDecryptFailed)
	if msg := em["message"].(string); !strings.Contains(msg, "secret key") {
		t.Errorf("decrypt_failed message does not say a secret key is missing: %q", msg)
	}
	start := time.Now()
	checkTOTP(t, h.ok(req("code", "name", alice.name)), alice, start, time.Now())
	h.fail(req("code", "url", "https://example.org/"), protocol.CodeDecryptFailed)
	h.closeOK()
	if treeHash(t, e.StoreDir) != before {
		t.Error("bad requests changed the store")
	}
}

// writeHeader writes a frame header declaring size bytes.
func writeHeader(t *testing.T, h *host, size uint32) {
	t.Helper()
	var hdr [4]byte
	binary.NativeEndian.PutUint32(hdr[:], size)
	if _, err := h.stdin.Write(hdr[:]); err != nil {
		t.Fatal(err)
	}
}

// TestTooLarge: a frame declaring more than the host's limit is answered
// with too_large, and the host exits non-zero without waiting for the body
// (stdin stays open: a host that tried to read it would hang).
func TestTooLarge(t *testing.T) {
	e := newTestEnv(t)
	for _, size := range []uint32{protocol.MaxRequestSize + 1, 0xFFFFFFFF} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			h := e.startHost()
			h.t = t
			h.ok(req("hello"))
			writeHeader(t, h, size)
			expectError(t, h.read(), protocol.CodeTooLarge)
			start := time.Now()
			if code := h.wait(); code == 0 {
				t.Error("the host exited 0 after a frame it could not read")
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("the host took %v to exit", d)
			}
		})
	}
	// The limit itself is accepted (and is a bad request, being spaces).
	h := e.startHost()
	if err := protocol.WriteFrame(h.stdin, []byte(strings.Repeat(" ", protocol.MaxRequestSize))); err != nil {
		t.Fatal(err)
	}
	expectError(t, h.read(), protocol.CodeBadRequest)
	h.ok(req("hello"))
	h.closeOK()
}

// TestTruncatedFrame: input that ends inside a frame ends the process,
// with a non-zero status, after answering what came before.
func TestTruncatedFrame(t *testing.T) {
	e := newTestEnv(t)
	for name, write := range map[string]func(t *testing.T, h *host){
		"inside the header": func(t *testing.T, h *host) { h.stdin.Write([]byte{10, 0}) },
		"inside the body": func(t *testing.T, h *host) {
			writeHeader(t, h, 100)
			h.stdin.Write([]byte(`{"id":"x","action":"hel`))
		},
	} {
		t.Run(name, func(t *testing.T) {
			h := e.startHost()
			h.t = t
			h.ok(req("hello"))
			write(t, h)
			if code := h.close(); code == 0 {
				t.Error("the host exited 0 on a truncated frame")
			}
		})
	}
}

// TestGPGMissing: with gpg unavailable the host still lists names, and a
// code answers store_unavailable naming gpg.
func TestGPGMissing(t *testing.T) {
	e := newTestEnv(t)
	cfg := filepath.Join(e.Home, "otpfill-config.json")
	if err := os.WriteFile(cfg, []byte(`{"gpg": "/nonexistent/bin/gpg"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e.extra = append(e.extra, "OTPFILL_CONFIG="+cfg)
	h := e.startHost()
	if got := listNames(t, h.ok(req("list"))); !slices.Equal(got, fixtureNames) {
		t.Errorf("list without gpg = %q", got)
	}
	em := h.fail(req("code", "name", alice.name), protocol.CodeStoreUnavailable)
	if msg := em["message"].(string); !strings.Contains(msg, "gpg") || !strings.Contains(msg, "/nonexistent/bin/gpg") {
		t.Errorf("message %q does not name the configured gpg", msg)
	}
	h.fail(req("code", "url", "https://gitlab.com/"), protocol.CodeStoreUnavailable)
	h.closeOK()
}
