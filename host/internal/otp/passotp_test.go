package otp

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// passOTP is a throwaway pass store with its own GnuPG home, for checking
// that the URIs we write are read by the real pass-otp.
type passOTP struct {
	t   *testing.T
	env []string
}

func newPassOTP(t *testing.T) *passOTP {
	for _, prog := range []string{"pass", "gpg", "gpgconf", "oathtool"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("%s not installed (Debian packages pass pass-extension-otp gnupg oathtool); cannot check pass-otp compatibility", prog)
		}
	}
	if _, err := os.Stat("/usr/lib/password-store/extensions/otp.bash"); err != nil {
		t.Skip("pass-otp not installed (Debian package pass-extension-otp)")
	}
	// A short path: gpg-agent's socket path has a length limit.
	gnupg, err := os.MkdirTemp("/tmp", "g")
	if err != nil {
		t.Fatal(err)
	}
	p := &passOTP{t: t, env: append(os.Environ(),
		"GNUPGHOME="+gnupg,
		"PASSWORD_STORE_DIR="+filepath.Join(t.TempDir(), "store"),
		"PASSWORD_STORE_GPG_OPTS=--batch",
	)}
	t.Cleanup(func() {
		cmd := exec.Command("gpgconf", "--kill", "gpg-agent")
		cmd.Env = p.env
		cmd.Run()
		os.RemoveAll(gnupg)
	})
	os.Chmod(gnupg, 0o700)
	p.run("", "gpg", "--batch", "--passphrase", "", "--quick-gen-key", "T <t@example.invalid>", "future-default", "default", "never")
	p.run("", "pass", "init", "t@example.invalid")
	return p
}

func (p *passOTP) run(stdin string, args ...string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = p.env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		p.t.Fatalf("%s %s: %v: %s", args[0], args[1], err, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// The URIs Key.URI writes (and that the host writes back after an HOTP
// code) must be read by `pass otp` with the same codes we compute.
func TestURIReadByPassOTP(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a GnuPG key")
	}
	p := newPassOTP(t)

	totps := []*Key{
		{Type: TOTP, Issuer: "ACME Co", Account: "john.doe@example.com", Secret: Secret("0123456789abcdefghij"), Algorithm: SHA1, Digits: 6, Period: 30},
		{Type: TOTP, Issuer: "a:b&c", Account: "x y", Secret: Secret("some 13 bytes"), Algorithm: SHA256, Digits: 8, Period: 60},
		{Type: TOTP, Account: "solo", Secret: Secret("sixty-four bytes of key for sha512........................!!!!!!"), Algorithm: SHA512, Digits: 7, Period: 30},
	}
	for i, k := range totps {
		name := "totp" + string(rune('a'+i))
		p.run("hunter2\nlogin: x\n"+k.URI()+"\n", "pass", "insert", "-m", name)
		before, _, err := k.TOTP(time.Now())
		if err != nil {
			t.Fatal(err)
		}
		got := p.run("", "pass", "otp", "code", name)
		after, _, _ := k.TOTP(time.Now())
		if got != before && got != after {
			t.Errorf("%s: pass otp code = %s, we compute %s (or %s) from %s", name, got, before, after, k.URI())
		}
	}

	// pass-otp uses counter+1 and writes it back, as the host does.
	k := &Key{Type: HOTP, Issuer: "Bank", Account: "bob", Secret: Secret("0123456789abcdefghij"), Algorithm: SHA1, Digits: 8, Counter: 41}
	p.run(k.URI()+"\n", "pass", "insert", "-m", "hotp")
	got := p.run("", "pass", "otp", "code", "hotp")
	want, err := k.HOTP(42)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("pass otp code (hotp) = %s, want HOTP(42) = %s", got, want)
	}
	back, err := ParseURI(p.run("", "pass", "show", "hotp"))
	if err != nil {
		t.Fatalf("pass-otp's written-back URI does not parse: %v\n%s", err, p.run("", "pass", "show", "hotp"))
	}
	if back.Counter != 42 {
		t.Errorf("counter after pass otp code = %d, want 42", back.Counter)
	}
}
