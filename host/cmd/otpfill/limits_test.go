package main

// Limits and honest errors (issue 10, items 4 to 10): counters that would
// wrap, secrets too short to be keys, an engine that cannot run, requests
// that would flood the log, a state folder that cannot be written, and
// decryption failures told apart.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/protocol"
)

// TestHOTPCounterLimit: a stored counter of 2^64-1 used to wrap to 0 and be
// written back, issuing the first codes again; 2^63-1 (the most pass-otp's
// bash can count to) cannot advance either. Both are refused, the entry
// left as it was.
func TestHOTPCounterLimit(t *testing.T) {
	e := newTestEnv(t)
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	e.addSecret(secret)
	cases := map[string]string{
		"bank/wrap": "18446744073709551615",
		"bank/max":  "9223372036854775807",
	}
	for name, counter := range cases {
		e.InsertMultiline(name, "otpauth://hotp/Bank:me?secret="+secret+"&issuer=Bank&counter="+counter+"\n")
	}
	h := e.startHost()
	for name := range cases {
		before := fileHash(t, filepath.Join(e.StoreDir, name+".gpg"))
		em := h.fail(req("code", "name", name), protocol.CodeInvalidURI)
		if msg, _ := em["message"].(string); !strings.Contains(msg, "counter") || !strings.Contains(msg, name) {
			t.Errorf("%s: message %q does not say the counter of the entry is the problem", name, msg)
		}
		if after := fileHash(t, filepath.Join(e.StoreDir, name+".gpg")); after != before {
			t.Errorf("%s: the entry was rewritten", name)
		}
	}
	h.closeOK()
}

// TestSaveSecretLimits: save refuses a secret under 80 bits (invalid_uri,
// nothing written); an 80-bit secret, as old sites issued, is saved with a
// warning in the response; a 10-digit key is saved.
func TestSaveSecretLimits(t *testing.T) {
	e := newTestEnv(t)
	const old, long = "KRSXG5CTMVRXEZLU", "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF"
	e.addSecret(old, long)
	h := e.startHost()
	em := h.fail(req("save", "url", "https://tiny.example.com/", "uri", "otpauth://totp/Tiny:me?secret=AE&issuer=Tiny"), protocol.CodeInvalidURI)
	if msg, _ := em["message"].(string); !strings.Contains(msg, "8 bits long, the minimum is 80") {
		t.Errorf("message %q does not give the limit", msg)
	}
	if _, err := os.Stat(filepath.Join(e.StoreDir, "example.com")); err == nil {
		t.Error("a refused secret was written")
	}
	resp := h.ok(req("save", "url", "https://old.example.org/", "uri", "otpauth://totp/Old:me?secret="+old+"&issuer=Old"))
	e.addCode(resp["code"].(string))
	if w, _ := resp["warning"].(string); !strings.Contains(w, "only 80 bits long") {
		t.Errorf("no warning for an 80-bit secret: %v", resp)
	}
	resp = h.ok(req("save", "url", "https://ten.example.net/", "uri", "otpauth://totp/Ten:me?secret="+long+"&issuer=Ten&digits=10"))
	e.addCode(resp["code"].(string))
	if c, _ := resp["code"].(string); len(c) != 10 {
		t.Errorf("10-digit key gave code %q", c)
	}
	if _, has := resp["warning"]; has {
		t.Errorf("a 160-bit secret was warned about: %v", resp)
	}
	h.closeOK()
}

// TestHelloGPGMissing: with the configured gpg missing, every code fails,
// so hello must not call the pass store ok.
func TestHelloGPGMissing(t *testing.T) {
	e := newTestEnv(t)
	cfg := filepath.Join(e.Home, "otpfill-config.json")
	if err := os.WriteFile(cfg, []byte(`{"gpg": "/nonexistent/bin/gpg"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e.extra = append(e.extra, "OTPFILL_CONFIG="+cfg)
	h := e.startHost()
	pass := storeStatus(t, h.ok(req("hello")), "pass")
	if msg, _ := pass["error"].(string); pass["ok"] != false || !strings.Contains(msg, "/nonexistent/bin/gpg") {
		t.Errorf("pass store status without gpg = %v, want not ok naming the configured gpg", pass)
	}
	h.closeOK()
}

// TestLogBounded: 30 requests whose unknown action is nearly 1 MiB used to
// add 31.5 MB to the log and as much to stderr; now each line carries at
// most a short prefix of the action, and the answer too.
func TestLogBounded(t *testing.T) {
	e := newTestEnv(t)
	h := e.startHost()
	h.ok(req("hello")) // the log file exists from here on
	fi, err := os.Stat(e.logFile())
	if err != nil {
		t.Fatal(err)
	}
	before := fi.Size()
	action := strings.Repeat("x", protocol.MaxRequestSize-64)
	for range 30 {
		em := h.fail(req(action), protocol.CodeUnknownAction)
		if msg, _ := em["message"].(string); len(msg) > 4096 {
			t.Fatalf("the error message echoes %d bytes of the request", len(msg))
		}
	}
	h.closeOK()
	fi, err = os.Stat(e.logFile())
	if err != nil {
		t.Fatal(err)
	}
	if grown := fi.Size() - before; grown > 64<<10 {
		t.Errorf("30 requests with a 1 MiB action added %d bytes to the log", grown)
	}
	if n := len(h.err.String()); n > 64<<10 {
		t.Errorf("30 requests with a 1 MiB action wrote %d bytes to stderr", n)
	}
}

// TestStateFolderUnusable: with the state folder impossible to create
// (XDG_STATE_HOME under a regular file: ENOTDIR, which holds even for
// root), an HOTP code and a save used to answer "internal error, see its
// log" — a log in that very folder. Now the answer and stderr name the
// folder and the reason, and nothing is written.
func TestStateFolderUnusable(t *testing.T) {
	e := newTestEnv(t)
	file := filepath.Join(e.Home, "not-a-folder")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(file, "state")
	e.extra = append(e.extra, "XDG_STATE_HOME="+state)
	const secret = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF"
	e.addSecret(secret)
	bank := fileHash(t, filepath.Join(e.StoreDir, bankName+".gpg"))
	h := e.startHost()
	for _, r := range []map[string]any{
		req("code", "name", bankName),
		req("save", "url", "https://example.com/", "uri", "otpauth://totp/Example:me?secret="+secret+"&issuer=Example"),
	} {
		em := h.fail(r, protocol.CodeStoreUnavailable)
		msg, _ := em["message"].(string)
		if !strings.Contains(msg, filepath.Join(state, "otpfill")) || !strings.Contains(msg, "not a directory") {
			t.Errorf("%s: message %q does not name the state folder and why", r["action"], msg)
		}
	}
	h.closeOK()
	stderr := h.err.String()
	if !strings.Contains(stderr, "cannot write the log file in "+filepath.Join(state, "otpfill")) || !strings.Contains(stderr, "not a directory") {
		t.Errorf("stderr does not say the log cannot be written, and why:\n%s", stderr)
	}
	if !strings.Contains(stderr, "state folder cannot be used: "+filepath.Join(state, "otpfill", "locks")) {
		t.Errorf("stderr does not name the state folder:\n%s", stderr)
	}
	if fileHash(t, filepath.Join(e.StoreDir, bankName+".gpg")) != bank {
		t.Error("the HOTP entry changed")
	}
	if _, err := os.Stat(filepath.Join(e.StoreDir, "example.com")); err == nil {
		t.Error("the save wrote an entry")
	}
	// The CLI says the same on stderr, exit 1.
	_, cliErr, code := e.run("", "code", bankName)
	if code != 1 || !strings.Contains(cliErr, filepath.Join(state, "otpfill", "locks")) || !strings.Contains(cliErr, "not a directory") {
		t.Errorf("CLI code: exit %d, stderr:\n%s", code, cliErr)
	}
}

// TestCorruptEntry: a truncated .gpg file used to be answered "was the
// passphrase prompt cancelled, or is the smartcard missing?"; now the
// answer says the file is damaged, and the CLI says the same.
func TestCorruptEntry(t *testing.T) {
	e := newTestEnv(t)
	p := filepath.Join(e.StoreDir, alice.name+".gpg")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data[:len(data)-10], 0o600); err != nil {
		t.Fatal(err)
	}
	h := e.startHost()
	em := h.fail(req("code", "name", alice.name), protocol.CodeDecryptFailed)
	msg, _ := em["message"].(string)
	if !strings.Contains(msg, "damaged or truncated") || strings.Contains(msg, "cancelled") || strings.Contains(msg, "smartcard") {
		t.Errorf("message for a truncated entry: %q", msg)
	}
	h.closeOK()
	_, stderr, code := e.run("", "code", alice.name)
	if code != 1 || !strings.Contains(stderr, "damaged or truncated") {
		t.Errorf("CLI: exit %d, stderr:\n%s", code, stderr)
	}
}
