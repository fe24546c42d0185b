package main

// The command line of the built binary, on a copy of the same real store.
// Policy (host/internal/cli): results on stdout, alone; everything else on stderr;
// exit 0 on success, 1 on failure, 2 on a usage error.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// codeLine checks that stdout is one code alone on a line and returns it.
func codeLine(t *testing.T, stdout string) string {
	t.Helper()
	if !regexp.MustCompile(`^[0-9]{6,8}\n$`).MatchString(stdout) {
		t.Fatalf("stdout is not a code alone on a line: %q", stdout)
	}
	return strings.TrimSpace(stdout)
}

func TestCLICode(t *testing.T) {
	e := newTestEnv(t)
	before := treeHash(t, e.StoreDir)
	for _, c := range []struct {
		arg string
		o   otpEntry
	}{
		{alice.name, alice},
		{bob.name, bob},
		{work.name, work},
		{ops.name, ops},
		{"https://gitlab.com/users/sign_in", bob},
		{"https://signin.aws.amazon.com/", ops},
	} {
		start := time.Now()
		stdout, stderr, code := e.run("", "code", c.arg)
		end := time.Now()
		if code != 0 {
			t.Errorf("otpfill code %s: exit %d: %s", c.arg, code, stderr)
			continue
		}
		got := codeLine(t, stdout)
		e.addCode(got)
		if !oneOf(t, got, c.o, start, end) {
			t.Errorf("otpfill code %s = %s, not oathtool's", c.arg, got)
		}
	}
	// At the default log level a successful code prints nothing else.
	e.extra = []string{"OTPFILL_LOG="}
	stdout, stderr, code := e.run("", "code", "https://gitlab.com/users/sign_in")
	if code != 0 || strings.TrimSpace(stderr) != "" {
		t.Errorf("otpfill code at the default log level: exit %d, stderr %q", code, stderr)
	}
	e.addCode(strings.TrimSpace(stdout))
	e.extra = nil
	// --store before or after the name.
	for _, args := range [][]string{{"code", "--store", "pass", alice.name}, {"code", alice.name, "--store", "pass"}} {
		start := time.Now()
		stdout, stderr, code := e.run("", args...)
		if code != 0 {
			t.Fatalf("otpfill %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		got := codeLine(t, stdout)
		e.addCode(got)
		if !oneOf(t, got, alice, start, time.Now()) {
			t.Errorf("otpfill %s = %s, not oathtool's", strings.Join(args, " "), got)
		}
	}
	if treeHash(t, e.StoreDir) != before {
		t.Error("otpfill code changed the store")
	}
}

func TestCLIList(t *testing.T) {
	e := newTestEnv(t)
	stdout, stderr, code := e.run("", "list")
	if code != 0 {
		t.Fatalf("otpfill list: exit %d: %s", code, stderr)
	}
	if got := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n"); !slices.Equal(got, fixtureNames) {
		t.Errorf("otpfill list = %q, want one name a line: %q", stdout, fixtureNames)
	}
	stdout, stderr, code = e.run("", "list", "--json")
	if code != 0 {
		t.Fatalf("otpfill list --json: exit %d: %s", code, stderr)
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		var entry struct{ Name, Store string }
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("otpfill list --json: line %q is not JSON: %v", line, err)
		}
		if entry.Store != "pass" {
			t.Errorf("otpfill list --json: %q is in store %q", entry.Name, entry.Store)
		}
		names = append(names, entry.Name)
	}
	if !slices.Equal(names, fixtureNames) {
		t.Errorf("otpfill list --json names = %q, want %q", names, fixtureNames)
	}
}

func TestCLIVersion(t *testing.T) {
	e := newTestEnv(t)
	for _, args := range [][]string{{"version"}, {"--version"}} {
		stdout, _, code := e.run("", args...)
		if code != 0 || !regexp.MustCompile(`^otpfill \S+ \(protocol 1\)\n$`).MatchString(stdout) {
			t.Errorf("otpfill %s: exit %d, stdout %q", args[0], code, stdout)
		}
	}
}

// TestCLIHelp: help for otpfill and for each command exits 0 and shows the
// command's usage.
func TestCLIHelp(t *testing.T) {
	e := newTestEnv(t)
	for _, args := range [][]string{
		{"--help"}, {"-h"}, {"help"},
		{"code", "--help"}, {"code", "-h"}, {"list", "--help"}, {"add", "--help"},
		{"export", "--help"}, {"import", "--help"}, {"backup", "--help"},
		{"install", "--help"}, {"uninstall", "--help"}, {"doctor", "--help"},
	} {
		stdout, stderr, code := e.run("", args...)
		if code != 0 {
			t.Errorf("otpfill %s: exit %d, want 0", strings.Join(args, " "), code)
		}
		want := "Usage"
		if len(args) > 1 {
			want = "otpfill " + args[0]
		}
		if !strings.Contains(stdout+stderr, want) {
			t.Errorf("otpfill %s does not show %q: stdout %q stderr %q", strings.Join(args, " "), want, stdout, stderr)
		}
	}
}

// anyFailure accepts any non-zero exit status.
const anyFailure = -1

// TestCLIErrors: errors on stderr, nothing on stdout, a non-zero status.
func TestCLIErrors(t *testing.T) {
	e := newTestEnv(t)
	before := treeHash(t, e.StoreDir)
	for _, c := range []struct {
		args []string
		exit int
		says string
	}{
		{nil, 2, "Usage"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"code"}, 2, "give one entry name"},
		{[]string{"code", alice.name, bob.name}, 2, "give one entry name"},
		// An unknown flag exits 1 today, not 2 like other usage errors.
		{[]string{"code", "--no-such-flag", alice.name}, anyFailure, "no-such-flag"},
		{[]string{"list", "extra"}, 2, "no arguments"},
		{[]string{"code", "nope/missing"}, 1, "nope/missing"},
		{[]string{"code", "../github.com/alice"}, 1, "invalid entry name"},
		{[]string{"code", "/etc/passwd"}, 1, "relative"},
		{[]string{"code", notesName}, 1, notesName},
		{[]string{"code", foreignName}, 1, "secret key"},
		{[]string{"code", "https://github.com/login"}, 1, "choose one"},
		{[]string{"code", "https://example.net/"}, 1, "example.net"},
		{[]string{"code", "javascript://alert(1)"}, 1, "http"},
		{[]string{"code", "--store", "nope", alice.name}, 1, "nope"},
	} {
		stdout, stderr, code := e.run("", c.args...)
		name := "otpfill " + strings.Join(c.args, " ")
		if code == 0 || c.exit != anyFailure && code != c.exit {
			t.Errorf("%s: exit %d, want %d (stderr %q)", name, code, c.exit, stderr)
		}
		if stdout != "" {
			t.Errorf("%s: wrote to stdout on error: %q", name, stdout)
		}
		if !strings.Contains(stderr, c.says) {
			t.Errorf("%s: stderr %q does not say %q", name, stderr, c.says)
		}
	}
	if treeHash(t, e.StoreDir) != before {
		t.Error("failing commands changed the store")
	}
}

// TestCLIAdd: the secret comes from stdin (a URI or a bare base32 secret),
// never from argv; pass otp reads what add wrote.
func TestCLIAdd(t *testing.T) {
	e := newTestEnv(t)
	frank := otpEntry{name: "example.net/frank", secret: "KVKFKRCPNZQUYMLXOVYDSQKJKZDTSRLD", alg: "sha256", digits: 8, period: 60}
	frankURI := "otpauth://totp/Example:frank?secret=" + frank.secret + "&algorithm=SHA256&digits=8&period=60&issuer=Example"
	bare := otpEntry{name: "example.net/bare", secret: "MNUGC3DMMVXGOZLSMNUGC3DMMVXGOZLS", alg: "sha1", digits: 6, period: 30}
	e.addSecret(frank.secret, bare.secret)

	start := time.Now()
	stdout, stderr, code := e.run(frankURI+"\n", "add", frank.name)
	if code != 0 {
		t.Fatalf("otpfill add (URI on stdin): exit %d: %s", code, stderr)
	}
	got := codeLine(t, stdout)
	e.addCode(got)
	if !oneOf(t, got, frank, start, time.Now()) {
		t.Errorf("otpfill add printed %s, not oathtool's code", got)
	}
	e.passOTP(frank)

	// A bare secret, lower case and spaced as sites show it.
	spaced := strings.ToLower(bare.secret[:4] + " " + bare.secret[4:8] + " " + bare.secret[8:])
	start = time.Now()
	stdout, stderr, code = e.run(spaced+"\n", "add", bare.name)
	if code != 0 {
		t.Fatalf("otpfill add (bare secret on stdin): exit %d: %s", code, stderr)
	}
	got = codeLine(t, stdout)
	e.addCode(got)
	if !oneOf(t, got, bare, start, time.Now()) {
		t.Errorf("otpfill add printed %s, not oathtool's code", got)
	}
	e.passOTP(bare)

	// The secret is never taken from argv: a second argument is a usage
	// error and nothing is written.
	before := treeHash(t, e.StoreDir)
	stdout, stderr, code = e.run("", "add", "example.net/argv", bare.secret)
	if code != 2 || stdout != "" || !strings.Contains(stderr, "stdin") {
		t.Errorf("otpfill add NAME SECRET: exit %d, stdout %q, stderr %q; want a usage error pointing to stdin", code, stdout, stderr)
	}
	// No name, nothing on stdin, a bad secret, an existing entry: refused.
	for _, c := range []struct {
		stdin string
		args  []string
		exit  int
	}{
		{bare.secret, []string{"add"}, 2},
		{"", []string{"add", "example.net/empty"}, 2},
		{"not base32!\n", []string{"add", "example.net/bad"}, 1},
		{"otpauth://totp/x?secret=\n", []string{"add", "example.net/bad"}, 1},
		{bare.secret, []string{"add", "../escape"}, 1},
		{bare.secret, []string{"add", alice.name}, 1},
	} {
		stdout, stderr, code := e.run(c.stdin, c.args...)
		if code != c.exit || stdout != "" || stderr == "" {
			t.Errorf("otpfill %s: exit %d (want %d), stdout %q, stderr %q", strings.Join(c.args, " "), code, c.exit, stdout, stderr)
		}
	}
	if treeHash(t, e.StoreDir) != before {
		t.Error("refused adds changed the store")
	}
	// --force replaces the secret of an existing entry.
	start = time.Now()
	stdout, stderr, code = e.run(bare.secret+"\n", "add", "--force", alice.name)
	if code != 0 {
		t.Fatalf("otpfill add --force: exit %d: %s", code, stderr)
	}
	e.addCode(strings.TrimSpace(stdout))
	replaced := bare
	replaced.name = alice.name
	if got := codeLine(t, stdout); !oneOf(t, got, replaced, start, time.Now()) {
		t.Errorf("otpfill add --force printed %s, not the new secret's code", got)
	}
	e.passOTP(replaced)
	if _, err := os.Stat(filepath.Join(e.StoreDir, "example.net", "argv.gpg")); err == nil {
		t.Error("otpfill add NAME SECRET created the entry")
	}
}
