package gpgcli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/pgp"
	"github.com/otpfill/otpfill/host/internal/realstore"
)

// countingGPG puts gpg and gpgconf wrappers in a folder: each run appends
// a line (program name and arguments) to a log, so a test can tell whether
// and how the engine ran gpg.
func countingGPG(t *testing.T) (gpg string, runs func() []string) {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "runs.log")
	for _, name := range []string{"gpg", "gpgconf"} {
		real, err := Find(name)
		if err != nil {
			t.Fatal(err)
		}
		script := "#!/bin/sh\necho " + name + ` "$*" >> ` + log + "\nexec " + real + ` "$@"` + "\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "gpg"), func() []string {
		data, _ := os.ReadFile(log)
		return strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' })
	}
}

func fingerprint(t *testing.T, e *realstore.Env, uid string) string {
	t.Helper()
	for _, line := range strings.Split(e.Run("", "gpg", "--batch", "--with-colons", "--list-keys", uid), "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
			return f[9]
		}
	}
	t.Fatalf("no fingerprint for %s", uid)
	return ""
}

func newDirectEngine(e *realstore.Env, gpg, cacheDir string, extraEnv ...string) *Engine {
	return New(Options{Binary: gpg, Env: e.Environ(extraEnv...), CacheDir: cacheDir, Timeout: 20 * time.Second, Log: zerolog.Nop()})
}

// TestDirectDecrypt: entries gpg encrypted to each kind of key are read
// through gpg-agent directly, and after the key table is cached no gpg runs.
func TestDirectDecrypt(t *testing.T) {
	e := realstore.New(t)
	keys := map[string]string{}
	for _, algo := range []string{"future-default", "rsa2048", "nistp256", "nistp384", "nistp521", "brainpoolP256r1"} {
		uid := algo + " <" + algo + "@example.invalid>"
		if algo == "future-default" {
			e.Run("", "gpg", "--batch", "--passphrase", "", "--quick-gen-key", uid, algo, "default", "never")
		} else {
			// A signing primary key and an encryption subkey of that kind.
			e.Run("", "gpg", "--batch", "--passphrase", "", "--quick-gen-key", uid, algo, "sign", "never")
			fpr := fingerprint(t, e, uid)
			e.Run("", "gpg", "--batch", "--passphrase", "", "--quick-add-key", fpr, algo, "encr", "never")
		}
		keys[algo] = algo + "@example.invalid"
	}
	gpg, runs := countingGPG(t)
	cache := filepath.Join(e.Home, ".cache", "otpfill")
	plain := "hunter2\notpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\n"
	type sample struct{ name, ciphertext string }
	var samples []sample
	for algo, r := range keys {
		// As pass writes them, and as plain gpg would (compressed), and
		// signed too.
		samples = append(samples,
			sample{algo + "/pass", e.Run(plain, "gpg", "--batch", "--quiet", "--yes", "--compress-algo=none", "--no-encrypt-to", "-e", "-r", r)},
			sample{algo + "/zlib", e.Run(plain, "gpg", "--batch", "--quiet", "--yes", "--compress-algo=zlib", "-e", "-r", r)},
			sample{algo + "/signed", e.Run(plain, "gpg", "--batch", "--quiet", "--yes", "-s", "-e", "-r", r, "-u", keys["future-default"])},
		)
	}
	// A team entry: two recipients, only the second of which is first in
	// the packet order for some.
	samples = append(samples, sample{"two recipients", e.Run(plain, "gpg", "--batch", "--quiet", "--yes", "-e", "-r", keys["rsa2048"], "-r", keys["nistp256"])})

	ctx := context.Background()
	eng := newDirectEngine(e, gpg, cache)
	if _, err := eng.Decrypt(ctx, []byte(samples[0].ciphertext)); err != nil {
		t.Fatal(err)
	}
	built := runs()
	if len(built) == 0 {
		t.Fatal("building the key table ran no gpg")
	}
	for _, r := range built {
		if strings.Contains(r, "--decrypt") {
			t.Fatalf("gpg decrypted: %q", r)
		}
	}
	// A fresh engine, as a fresh host process: the table comes from disk.
	eng = newDirectEngine(e, gpg, cache)
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			got, err := eng.Decrypt(ctx, []byte(s.ciphertext))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != plain {
				t.Fatalf("decrypted %q", got)
			}
		})
	}
	if after := runs(); len(after) != len(built) {
		t.Errorf("gpg ran %d more times after the key table was cached: %v", len(after)-len(built), after[len(built):])
	}
}

// TestDirectFallsBack: whatever the direct path cannot do, gpg does, with
// the same answers.
func TestDirectFallsBack(t *testing.T) {
	e := realstore.New(t)
	me := e.NewKey("Me <me@example.invalid>")
	gpg, runs := countingGPG(t)
	cache := filepath.Join(e.Home, ".cache", "otpfill")
	plain := "otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP\n"
	binary := e.Run(plain, "gpg", "--batch", "--quiet", "-e", "-r", me)
	ctx := context.Background()
	decrypt := func(t *testing.T, eng *Engine, ct string) (string, int) {
		t.Helper()
		before := len(runs())
		got, err := eng.Decrypt(ctx, []byte(ct))
		if err != nil {
			t.Fatal(err)
		}
		return string(got), len(runs()) - before
	}
	// Warm the key table.
	if got, _ := decrypt(t, newDirectEngine(e, gpg, cache), binary); got != plain {
		t.Fatalf("decrypted %q", got)
	}

	t.Run("armored", func(t *testing.T) {
		armored := e.Run(plain, "gpg", "--batch", "--quiet", "--armor", "-e", "-r", me)
		got, n := decrypt(t, newDirectEngine(e, gpg, cache), armored)
		if got != plain || n != 1 {
			t.Fatalf("got %q with %d gpg runs, want gpg to run once", got, n)
		}
	})
	t.Run("PASSWORD_STORE_GPG_OPTS", func(t *testing.T) {
		eng := New(Options{Binary: gpg, Opts: "--no-auto-key-retrieve", Env: e.Environ(), CacheDir: cache, Log: zerolog.Nop()})
		got, n := decrypt(t, eng, binary)
		if got != plain || n != 1 {
			t.Fatalf("got %q with %d gpg runs, want gpg to run once", got, n)
		}
	})
	t.Run("no agent running", func(t *testing.T) {
		e.Run("", "gpgconf", "--kill", "gpg-agent")
		// gpgconf returns once the agent has been told to stop; until it
		// has closed its socket a dial may still reach it (and then fail
		// mid-request, which is a plain fallback, not a moved agent).
		waitSocketGone(t, strings.TrimSpace(e.Run("", "gpgconf", "--list-dirs", "agent-socket")))
		got, n := decrypt(t, newDirectEngine(e, gpg, cache), binary)
		if got != plain || n != 1 {
			t.Fatalf("got %q with %d gpg runs, want gpg (which starts the agent) once", got, n)
		}
		// The table was dropped, rebuilt next time, then used.
		got, n = decrypt(t, newDirectEngine(e, gpg, cache), binary)
		if got != plain || n == 0 {
			t.Fatalf("got %q with %d gpg runs, want the key table rebuilt", got, n)
		}
		if got, n = decrypt(t, newDirectEngine(e, gpg, cache), binary); got != plain || n != 0 {
			t.Fatalf("got %q with %d gpg runs, want none", got, n)
		}
	})
	t.Run("new key imported", func(t *testing.T) {
		other := e.NewKey("Other <other@example.invalid>")
		ct := e.Run(plain, "gpg", "--batch", "--quiet", "-e", "-r", other)
		got, n := decrypt(t, newDirectEngine(e, gpg, cache), ct)
		if got != plain || n == 0 {
			t.Fatalf("got %q with %d gpg runs, want the key table rebuilt", got, n)
		}
		if got, n = decrypt(t, newDirectEngine(e, gpg, cache), ct); got != plain || n != 0 {
			t.Fatalf("got %q with %d gpg runs, want none", got, n)
		}
	})
	t.Run("key the stamp misses", func(t *testing.T) {
		// A key table on disk that predates a key, with a stamp that still
		// matches (as with gpg 2.4's keyboxd database): the table is
		// rebuilt once, and the entry read directly after that.
		third := e.NewKey("Third <third@example.invalid>")
		ct := e.Run(plain, "gpg", "--batch", "--quiet", "-e", "-r", third)
		eng := newDirectEngine(e, gpg, cache)
		kc, _, err := eng.loadKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var kept []cachedKey
		for _, k := range kc.Keys {
			if !strings.Contains(k.UID, "third@") {
				kept = append(kept, k)
			}
		}
		if len(kept) == len(kc.Keys) {
			t.Fatal("the key table does not have the new key")
		}
		kc.Keys = kept
		data, _ := json.Marshal(kc)
		if err := os.WriteFile(eng.cachePath(eng.gnupgHome()), data, 0o600); err != nil {
			t.Fatal(err)
		}
		before := len(runs())
		got, _ := decrypt(t, newDirectEngine(e, gpg, cache), ct)
		rebuilt := runs()[before:]
		if got != plain || len(rebuilt) == 0 || slices.ContainsFunc(rebuilt, func(r string) bool { return strings.Contains(r, "--decrypt") }) {
			t.Fatalf("got %q with gpg runs %q, want the key table rebuilt and no gpg decryption", got, rebuilt)
		}
		if got, n := decrypt(t, newDirectEngine(e, gpg, cache), ct); got != plain || n != 0 {
			t.Fatalf("got %q with %d gpg runs, want none", got, n)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		ct := []byte(binary)
		ct[len(ct)-5] ^= 0x40
		_, err := newDirectEngine(e, gpg, cache).Decrypt(ctx, ct)
		if !errors.Is(err, pgp.ErrDecrypt) {
			t.Fatalf("err = %v, want ErrDecrypt", err)
		}
		if strings.Contains(err.Error(), "JBSWY3DPEHPK3PXP") {
			t.Fatal("the error carries plaintext")
		}
	})
	t.Run("not our key", func(t *testing.T) {
		stranger := realstore.New(t)
		sk := stranger.NewKey("Stranger <s@example.invalid>")
		pub := stranger.Run("", "gpg", "--batch", "--export", sk)
		e.Run(pub, "gpg", "--batch", "--import")
		ct := e.Run(plain, "gpg", "--batch", "--quiet", "--trust-model", "always", "-e", "-r", sk)
		_, err := newDirectEngine(e, gpg, cache).Decrypt(ctx, []byte(ct))
		if !errors.Is(err, pgp.ErrDecrypt) || !strings.Contains(err.Error(), "no secret key") {
			t.Fatalf("err = %v, want ErrDecrypt naming the missing secret key", err)
		}
	})
}

// TestDirectPinentry: a key with a passphrase prompts through gpg-agent's
// pinentry on the direct path, with otpfill's description; a cancelled
// prompt is final (gpg is not run to ask again).
func TestDirectPinentry(t *testing.T) {
	e := realstore.New(t)
	dir := t.TempDir()
	descLog := filepath.Join(dir, "desc.log")
	mode := filepath.Join(dir, "mode")
	// A pinentry speaking just enough Assuan: it answers the passphrase,
	// or cancels, as the mode file says.
	pinentry := filepath.Join(dir, "pinentry")
	script := `#!/bin/sh
echo "OK Pleased to meet you"
while read -r cmd rest; do
  case "$cmd" in
    SETDESC) printf '%s\n' "$rest" >> ` + descLog + `; echo OK;;
    GETPIN) if [ "$(cat ` + mode + `)" = hang ]; then sleep 4; fi
      if [ "$(cat ` + mode + `)" = cancel ]; then echo "ERR 83886179 Operation cancelled <Pinentry>"; else printf 'D %s\nOK\n' "$(cat ` + filepath.Join(dir, "pw") + `)"; fi;;
    BYE) echo OK; exit 0;;
    *) echo OK;;
  esac
done
`
	if err := os.WriteFile(pinentry, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pw"), []byte("correct horse"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.GNUPGHOME, "gpg-agent.conf"), []byte("pinentry-program "+pinentry+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.Run("correct horse", "gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase-fd", "0", "--quick-gen-key", "P <p@example.invalid>", "future-default", "default", "never")
	plain := "otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP\n"
	ct := e.Run(plain, "gpg", "--batch", "--quiet", "-e", "-r", "p@example.invalid")
	gpg, runs := countingGPG(t)
	cache := filepath.Join(e.Home, ".cache", "otpfill")
	ctx := context.Background()
	setMode := func(m string) {
		if err := os.WriteFile(mode, []byte(m), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// Build the key table first, then forget the cached passphrase.
	setMode("answer")
	eng := newDirectEngine(e, gpg, cache)
	if _, _, err := eng.loadKeys(ctx); err != nil {
		t.Fatal(err)
	}
	e.Run("", "gpgconf", "--kill", "gpg-agent")
	e.Run("", "gpg-connect-agent", "/bye")
	before := len(runs())

	setMode("cancel")
	_, err := newDirectEngine(e, gpg, cache).Decrypt(ctx, []byte(ct))
	if !errors.Is(err, pgp.ErrDecrypt) || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("err = %v, want ErrDecrypt saying the prompt was cancelled", err)
	}
	if n := len(runs()) - before; n != 0 {
		t.Errorf("gpg ran %d times after the user cancelled", n)
	}

	// Nobody answers the prompt: the engine's timeout ends the wait, and
	// gpg is not run to wait again.
	setMode("hang")
	slow := newDirectEngine(e, gpg, cache)
	slow.timeout = time.Second
	start := time.Now()
	_, err = slow.Decrypt(ctx, []byte(ct))
	if !errors.Is(err, pgp.ErrDecrypt) || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("err = %v, want ErrDecrypt saying gpg-agent did not answer", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Decrypt took %s with a 1s timeout", d)
	}
	if n := len(runs()) - before; n != 0 {
		t.Errorf("gpg ran %d times after the timeout", n)
	}
	time.Sleep(4 * time.Second) // let the hanging pinentry finish

	setMode("answer")
	got, err := newDirectEngine(e, gpg, cache).Decrypt(ctx, []byte(ct))
	if err != nil || string(got) != plain {
		t.Fatalf("Decrypt = %q, %v", got, err)
	}
	if n := len(runs()) - before; n != 0 {
		t.Errorf("gpg ran %d times; the direct path should have asked the agent", n)
	}
	desc, _ := os.ReadFile(descLog)
	if !bytes.Contains(desc, []byte("otpfill")) || !bytes.Contains(desc, []byte("p@example.invalid")) {
		t.Errorf("pinentry description %q does not say otpfill is asking, for which key", desc)
	}
	if bytes.Contains(desc, []byte("correct horse")) {
		t.Error("the passphrase reached the description")
	}
}

// BenchmarkDecrypt compares, in one process, the direct path (a fresh
// engine each time, so the key table is read from disk as a new host
// process would) with running gpg.
func BenchmarkDecrypt(b *testing.B) {
	e := realstore.New(b)
	me := e.NewKey("Me <me@example.invalid>")
	ct := []byte(e.Run("otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP\n", "gpg", "--batch", "--quiet", "--compress-algo=none", "-e", "-r", me))
	gpg, err := Find("")
	if err != nil {
		b.Fatal(err)
	}
	cache := filepath.Join(e.Home, ".cache", "otpfill")
	ctx := context.Background()
	for _, bc := range []struct {
		name  string
		cache string
	}{{"direct", cache}, {"gpg", ""}} {
		b.Run(bc.name, func(b *testing.B) {
			if _, err := newDirectEngine(e, gpg, bc.cache).Decrypt(ctx, ct); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := newDirectEngine(e, gpg, bc.cache).Decrypt(ctx, ct); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// waitSocketGone waits until nothing accepts connections at the Unix socket
// path.
func waitSocketGone(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("unix", path)
		if err != nil {
			return
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("gpg-agent still accepts connections at %s 10 s after gpgconf --kill", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
