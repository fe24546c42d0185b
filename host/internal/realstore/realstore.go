// Package realstore sets up the real thing for tests: a throwaway GNUPGHOME
// with generated keys and a pass store made by pass itself, and runs
// oathtool as the reference for codes. Tests that use it fail in CI when a
// program is missing (CI installs them all) and skip elsewhere.
package realstore

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Env is a GNUPGHOME and a pass store.
type Env struct {
	t         testing.TB
	GNUPGHOME string
	StoreDir  string
	Home      string
}

// Require skips the test (or fails it in CI) when a program is missing.
// Under -short (make check) it skips: tests with real programs are for
// `make test`.
func Require(t testing.TB, programs ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs real programs; not under -short")
	}
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI but not installed", p)
			}
			t.Skipf("%s not installed", p)
		}
	}
}

// Zbarimg decodes every QR code of an image with the zbar tool, an
// implementation independent of otpfill's own reader.
func Zbarimg(t testing.TB, img []byte) []string {
	t.Helper()
	Require(t, "zbarimg")
	file := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(file, img, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", file).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
}

// New makes a GNUPGHOME (under a short /tmp path: gpg-agent's socket path is
// length-limited) and an empty HOME; the store folder is HOME/store, not yet
// initialised. The agent is stopped at cleanup.
func New(t testing.TB) *Env {
	t.Helper()
	Require(t, "gpg", "gpgconf", "pass", "oathtool")
	gh := newGNUPGHOME(t)
	home := t.TempDir()
	e := &Env{t: t, GNUPGHOME: gh, Home: home, StoreDir: filepath.Join(home, "store")}
	t.Cleanup(e.stopAgent)
	return e
}

// NewShared is New for a fixture that several tests copy with Clone, so
// that keys are generated and pass runs only once per test binary. Nothing
// is removed when t ends: the caller calls Close, typically after m.Run in
// TestMain. t is used only while the fixture is being built.
func NewShared(t testing.TB) *Env {
	t.Helper()
	Require(t, "gpg", "gpgconf", "pass", "oathtool")
	gh := newGNUPGHOME(t)
	home, err := os.MkdirTemp("", "realstore")
	if err != nil {
		t.Fatal(err)
	}
	return &Env{t: t, GNUPGHOME: gh, Home: home, StoreDir: filepath.Join(home, "store")}
}

// Close stops the agent of a NewShared Env and removes its folders.
func (e *Env) Close() {
	e.stopAgent()
	os.RemoveAll(e.Home)
}

// Clone copies the keys (GNUPGHOME) and HOME, with the store in it, into
// fresh folders owned by t: what t changes, no other test sees. Sockets of
// the original's agent are not copied; the clone starts its own.
func (e *Env) Clone(t testing.TB) *Env {
	t.Helper()
	gh := newGNUPGHOME(t)
	c := &Env{t: t, GNUPGHOME: gh, Home: t.TempDir()}
	c.StoreDir = filepath.Join(c.Home, "store")
	t.Cleanup(c.stopAgent)
	rel, err := filepath.Rel(e.Home, e.StoreDir)
	if err != nil || strings.HasPrefix(rel, "..") {
		t.Fatalf("realstore: the store %s is not inside HOME %s", e.StoreDir, e.Home)
	}
	c.StoreDir = filepath.Join(c.Home, rel)
	if err := copyTree(gh, e.GNUPGHOME); err != nil {
		t.Fatalf("realstore: copying GNUPGHOME: %v", err)
	}
	if err := copyTree(c.Home, e.Home); err != nil {
		t.Fatalf("realstore: copying HOME: %v", err)
	}
	return c
}

// newGNUPGHOME makes a folder under a short /tmp path: gpg-agent's socket
// path is length-limited.
func newGNUPGHOME(t testing.TB) string {
	t.Helper()
	gh, err := os.MkdirTemp("/tmp", "g")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(gh, 0o700)
	return gh
}

func (e *Env) stopAgent() {
	cmd := exec.Command("gpgconf", "--kill", "gpg-agent")
	cmd.Env = e.Environ()
	cmd.Run()
	os.RemoveAll(e.GNUPGHOME)
}

// copyTree copies folders, regular files and symlinks from src into dst
// (which exists), keeping permissions; sockets and other special files are
// skipped.
func copyTree(dst, src string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.Mkdir(target, info.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, info.Mode().Perm())
		}
		return nil
	})
}

// Environ is the environment for gpg, pass, git and otpfill.
func (e *Env) Environ(extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + e.Home,
		"GNUPGHOME=" + e.GNUPGHOME,
		"PASSWORD_STORE_DIR=" + e.StoreDir,
		"XDG_CONFIG_HOME=" + filepath.Join(e.Home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(e.Home, ".state"),
		"XDG_CACHE_HOME=" + filepath.Join(e.Home, ".cache"),
		"XDG_DATA_HOME=" + filepath.Join(e.Home, ".data"),
		"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.invalid",
		"GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.invalid",
		"LC_ALL=C",
	}
	return append(env, extra...)
}

// Run runs a program in this environment with stdin and returns stdout,
// failing the test on error.
func (e *Env) Run(stdin string, name string, args ...string) string {
	e.t.Helper()
	out, err := e.TryRun(stdin, name, args...)
	if err != nil {
		e.t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return out
}

// TryRun is Run that returns the error (with stderr) instead of failing.
func (e *Env) TryRun(stdin string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = e.Environ()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &runError{err: err, stderr: stderr.String()}
	}
	return stdout.String(), nil
}

type runError struct {
	err    error
	stderr string
}

func (e *runError) Error() string { return e.err.Error() + ": " + strings.TrimSpace(e.stderr) }

// NewKey generates a key without passphrase and returns its fingerprint.
func (e *Env) NewKey(uid string) string {
	e.t.Helper()
	e.Run("", "gpg", "--batch", "--passphrase", "", "--quick-gen-key", uid, "future-default", "default", "never")
	out := e.Run("", "gpg", "--batch", "--with-colons", "--list-keys", uid)
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
			return f[9]
		}
	}
	e.t.Fatalf("no fingerprint for %s", uid)
	return ""
}

// Init runs `pass init` with the given keys (and `pass init -p SUB` for a
// sub-folder when sub is not empty).
func (e *Env) Init(sub string, keys ...string) {
	e.t.Helper()
	args := []string{"init"}
	if sub != "" {
		args = append(args, "-p", sub)
	}
	e.Run("", "pass", append(args, keys...)...)
}

// InsertOTP stores an otpauth URI with `pass otp insert` (the URI on stdin).
func (e *Env) InsertOTP(name, uri string) {
	e.t.Helper()
	e.Run(uri+"\n", "pass", "otp", "insert", name)
}

// InsertMultiline stores content with `pass insert -m`.
func (e *Env) InsertMultiline(name, content string) {
	e.t.Helper()
	e.Run(content, "pass", "insert", "-m", name)
}

// PassOTP runs `pass otp NAME` and returns the code: the last line of its
// output (for HOTP in a git store, git's commit summary comes first).
func (e *Env) PassOTP(name string) string {
	e.t.Helper()
	lines := strings.Split(strings.TrimSpace(e.Run("", "pass", "otp", name)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// Oathtool returns oathtool's TOTP code for a base32 secret at unix time
// now (throwaway test secrets only: they pass through argv).
func Oathtool(t testing.TB, secret, alg string, digits, period int, now int64) string {
	t.Helper()
	args := []string{"-b", "--totp=" + strings.ToLower(alg), "-d", itoa(digits), "-s", itoa(period) + "s", "--now", "@" + itoa64(now), secret}
	out, err := exec.Command("oathtool", args...).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// OathtoolHOTP returns oathtool's HOTP code at a counter.
func OathtoolHOTP(t testing.TB, secret string, digits int, counter uint64) string {
	t.Helper()
	out, err := exec.Command("oathtool", "-b", "--hotp", "-d", itoa(digits), "-c", itoa64(int64(counter)), secret).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func itoa(i int) string     { return strconv.Itoa(i) }
func itoa64(i int64) string { return strconv.FormatInt(i, 10) }
