package gpgcli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/pgp"
	"github.com/otpfill/otpfill/host/internal/realstore"
)

// TestDecryptErrorsTold: a truncated file, a damaged one, one that is not
// OpenPGP at all, an empty one and one encrypted to a key not in the
// keyring each get their own reason, on the direct gpg-agent path and when
// only gpg runs. A damaged file used to read as "was the passphrase prompt
// cancelled, or is the smartcard missing?".
func TestDecryptErrorsTold(t *testing.T) {
	e := realstore.New(t)
	e.NewKey("A <a@example.invalid>")
	other := realstore.New(t)
	other.NewKey("B <b@example.invalid>")
	plain := "otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n"
	ct := []byte(e.Run(plain, "gpg", "--batch", "--quiet", "--compress-algo=none", "-e", "-r", "a@example.invalid"))
	foreign := []byte(other.Run(plain, "gpg", "--batch", "--quiet", "-e", "-r", "b@example.invalid"))
	garbage := make([]byte, 300)
	for i := range garbage {
		garbage[i] = byte(i*131 + 7)
	}
	cases := []struct {
		name, data, want string
	}{
		{"truncated in the data", string(ct[:len(ct)-10]), "damaged or truncated"},
		{"truncated early", string(ct[:100]), "damaged or truncated"},
		{"garbage", string(garbage), "damaged"},
		{"text", "hello, not a message\n", "not OpenPGP data"},
		{"empty", "", "empty"},
		{"foreign key", string(foreign), "no secret key for this entry (it is encrypted to "},
	}
	gpg, err := Find("")
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"direct", "gpg"} {
		cache := ""
		if mode == "direct" {
			cache = filepath.Join(e.Home, ".cache", "otpfill")
		}
		eng := New(Options{Binary: gpg, Env: e.Environ(), CacheDir: cache, Timeout: 20 * time.Second, Log: zerolog.Nop()})
		if got, err := eng.Decrypt(context.Background(), ct); err != nil || string(got) != plain {
			t.Fatalf("%s: the intact entry: %v", mode, err)
		}
		for _, c := range cases {
			_, err := eng.Decrypt(context.Background(), []byte(c.data))
			if !errors.Is(err, pgp.ErrDecrypt) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s, %s: err = %v, want ErrDecrypt saying %q", mode, c.name, err, c.want)
			}
			if err != nil && (strings.Contains(err.Error(), "cancelled") || strings.Contains(err.Error(), "smartcard")) {
				t.Errorf("%s, %s: blamed on the prompt or the card: %v", mode, c.name, err)
			}
		}
	}
}

// TestDecryptPromptErrorsThroughGPG: with gpg run as a process (the direct
// path off), a cancelled prompt and a pinentry that cannot start each say
// so, not "no secret key" as gpg's last line would.
func TestDecryptPromptErrorsThroughGPG(t *testing.T) {
	e := realstore.New(t)
	dir := t.TempDir()
	pinentry := filepath.Join(dir, "pinentry")
	script := "#!/bin/sh\necho OK\nwhile read -r cmd rest; do case \"$cmd\" in GETPIN) echo 'ERR 83886179 Operation cancelled <Pinentry>';; BYE) echo OK; exit 0;; *) echo OK;; esac; done\n"
	if err := os.WriteFile(pinentry, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(e.GNUPGHOME, "gpg-agent.conf")
	e.Run("pw", "gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase-fd", "0", "--quick-gen-key", "P <p@example.invalid>", "future-default", "default", "never")
	ct := []byte(e.Run("x\n", "gpg", "--batch", "--quiet", "-e", "-r", "p@example.invalid"))
	gpg, err := Find("")
	if err != nil {
		t.Fatal(err)
	}
	eng := New(Options{Binary: gpg, Env: e.Environ(), Timeout: 20 * time.Second, Log: zerolog.Nop()})
	for _, c := range []struct{ program, want string }{
		{pinentry, "the passphrase prompt was cancelled"},
		{filepath.Join(dir, "no-such-pinentry"), "no pinentry program could be started"},
	} {
		if err := os.WriteFile(conf, []byte("pinentry-program "+c.program+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		e.Run("", "gpgconf", "--kill", "gpg-agent")
		_, err := eng.Decrypt(context.Background(), ct)
		if !errors.Is(err, pgp.ErrDecrypt) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("pinentry %s: err = %v, want %q", filepath.Base(c.program), err, c.want)
		}
	}
}

// TestExplainDecryptAgentErrors: gpg-agent's reasons, as gpg reports them
// in "ERROR pkdecrypt_failed CODE" (source in the high bits), each get
// their own words. A missing smartcard cannot be made without a card, so
// its status lines are given here as gpg 2.2 prints them.
func TestExplainDecryptAgentErrors(t *testing.T) {
	for code, want := range map[string]string{
		"83886179":  "the passphrase prompt was cancelled", // GPG_ERR_CANCELED from pinentry
		"83886091":  "wrong passphrase",
		"100663408": "the smartcard that holds the key is missing", // GPG_ERR_CARD_NOT_PRESENT from scdaemon
		"67108983":  "cannot reach the smartcard daemon",           // GPG_ERR_NO_SCDAEMON
		"67108949":  "no pinentry program could be started",        // GPG_ERR_NO_PIN_ENTRY
	} {
		status := []string{"ENC_TO 0123456789ABCDEF 18 0", "ERROR pkdecrypt_failed " + code, "BEGIN_DECRYPTION", "DECRYPTION_FAILED", "END_DECRYPTION"}
		if got := explainDecrypt(status, "gpg: decryption failed: No secret key\n", errors.New("exit status 2")); !strings.Contains(got, want) {
			t.Errorf("code %s: %q, want %q", code, got, want)
		}
	}
}
