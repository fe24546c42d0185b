package native

// Real gpg, in throwaway GNUPGHOMEs under short /tmp paths (gpg-agent's
// socket path has a length limit). TestMain makes the keys once; every home
// made here gets its agent stopped at the end.

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const testPassphrase = "correct horse battery staple"

// testKey is one generated key and its exports.
type testKey struct {
	uid        string
	fpr        string // primary fingerprint
	subFpr     string // encryption subkey fingerprint
	subID      string // encryption subkey long id
	secretFile string // gpg --export-secret-keys of this key alone
	home       string // a GNUPGHOME holding only this secret key
}

var (
	gpgSkip  string // why gpg tests skip, or ""
	keysErr  error
	keysHome string // the home that generated every key
	tmpRoot  string
	homes    []string // every GNUPGHOME to stop the agent of

	keyT, keyR, keyP, keyE *testKey
	publicFile             string // gpg --export of all keys
)

func TestMain(m *testing.M) {
	code := m.Run()
	stopAgents()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

var keysOnce sync.Once

// needGPG makes the test keys on first use, so that fuzz workers, which
// need none, do not spend seconds making RSA keys.
func needGPG(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		if _, err := exec.LookPath("gpg"); err != nil {
			gpgSkip = "gpg is not installed (Debian: apt install gnupg)"
			return
		}
		var err error
		if tmpRoot, err = os.MkdirTemp("/tmp", "g"); err == nil {
			err = makeKeys()
		}
		if err != nil {
			keysErr = err
		}
	})
	if gpgSkip != "" {
		t.Skip(gpgSkip)
	}
	if keysErr != nil {
		t.Fatalf("making test keys: %v", keysErr)
	}
}

// newHome makes an empty GNUPGHOME.
func newHome() (string, error) {
	home, err := os.MkdirTemp(tmpRoot, "h")
	if err != nil {
		return "", err
	}
	homes = append(homes, home)
	return home, os.Chmod(home, 0o700)
}

func stopAgents() {
	for _, home := range homes {
		cmd := exec.Command("gpgconf", "--kill", "gpg-agent")
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = cmd.Run()
	}
}

// gpg runs gpg in home. Passphrases go through stdin, never argv.
func gpg(home string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command("gpg", append([]string{"--batch", "--no-tty", "--trust-model", "always"}, args...)...)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("gpg %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

func makeKeys() error {
	var err error
	if keysHome, err = newHome(); err != nil {
		return err
	}
	gen := func(uid string, passphrase string, algoArgs ...string) (*testKey, error) {
		args := []string{"--pinentry-mode", "loopback", "--passphrase-fd", "0", "--quick-gen-key", uid}
		if _, err := gpg(keysHome, []byte(passphrase), append(args, algoArgs...)...); err != nil {
			return nil, err
		}
		return &testKey{uid: uid}, nil
	}
	// gpg 2.2's default for new keys: ed25519 primary, cv25519 subkey.
	if keyT, err = gen("T <t@example.invalid>", "", "future-default", "default", "never"); err != nil {
		return err
	}
	// RSA: quick-gen-key makes a sign-only primary; add an encryption subkey.
	if keyR, err = gen("R <r@example.invalid>", "", "rsa3072", "default", "never"); err != nil {
		return err
	}
	if err := keyR.load(); err != nil {
		return err
	}
	if _, err := gpg(keysHome, nil, "--pinentry-mode", "loopback", "--passphrase-fd", "0",
		"--quick-add-key", keyR.fpr, "rsa3072", "encr", "never"); err != nil {
		return err
	}
	if keyP, err = gen("P <p@example.invalid>", testPassphrase, "future-default", "default", "never"); err != nil {
		return err
	}
	if keyE, err = gen("E <e@example.invalid>", "", "future-default", "default", "1y"); err != nil {
		return err
	}
	for _, k := range []*testKey{keyT, keyR, keyP, keyE} {
		if err := k.load(); err != nil {
			return err
		}
		// Secret exports: armored for T, binary for the others, as users
		// will have both.
		args := []string{"--pinentry-mode", "loopback", "--passphrase-fd", "0", "--export-secret-keys"}
		ext := ".gpg"
		if k == keyT {
			args = append(args, "--armor")
			ext = ".asc"
		}
		pass := ""
		if k == keyP {
			pass = testPassphrase
		}
		out, err := gpg(keysHome, []byte(pass), append(args, k.fpr)...)
		if err != nil {
			return err
		}
		k.secretFile = filepath.Join(tmpRoot, k.fpr[:8]+ext)
		if err := os.WriteFile(k.secretFile, out, 0o600); err != nil {
			return err
		}
		if k.home, err = newHome(); err != nil {
			return err
		}
		if _, err := gpg(k.home, nil, "--import", k.secretFile); err != nil {
			return err
		}
	}
	out, err := gpg(keysHome, nil, "--export")
	if err != nil {
		return err
	}
	publicFile = filepath.Join(tmpRoot, "public.gpg")
	return os.WriteFile(publicFile, out, 0o644)
}

// load reads the key's fingerprints from gpg's colon listing.
func (k *testKey) load() error {
	out, err := gpg(keysHome, nil, "--with-colons", "--list-keys", "="+k.uid)
	if err != nil {
		return err
	}
	var rec string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		switch f[0] {
		case "pub":
			rec = "pub"
		case "sub":
			rec = "sub"
			if strings.Contains(f[11], "e") {
				k.subID = f[4]
			}
		case "fpr":
			if rec == "pub" && k.fpr == "" {
				k.fpr = f[9]
			}
			if rec == "sub" && k.subID != "" && strings.HasSuffix(f[9], k.subID) {
				k.subFpr = f[9]
			}
		}
	}
	if k.fpr == "" {
		return fmt.Errorf("no fingerprint for %s in\n%s", k.uid, out)
	}
	return nil
}
