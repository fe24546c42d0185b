package native

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/otpfill/otpfill/host/internal/pgp"
)

const entry = "hunter2\notpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub\nlogin: alice\n"

func engine(t testing.TB, opts Options) *Engine {
	t.Helper()
	e, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func secretFiles(keys ...*testKey) []string {
	var files []string
	for _, k := range keys {
		files = append(files, k.secretFile)
	}
	return files
}

// recipientIDs lists the key ids a message is encrypted to, as gpg would.
func recipientIDs(t *testing.T, msg []byte) []string {
	t.Helper()
	var ids []string
	r := packet.NewReader(bytes.NewReader(msg))
	for {
		p, err := r.Next()
		if err != nil {
			t.Fatalf("reading packets: %v", err)
		}
		ek, ok := p.(*packet.EncryptedKey)
		if !ok {
			break
		}
		ids = append(ids, fmt.Sprintf("%016X", ek.KeyId))
	}
	slices.Sort(ids)
	return ids
}

func TestDecryptWhatGPGEncrypts(t *testing.T) {
	needGPG(t)
	engT := engine(t, Options{SecretKeyFiles: secretFiles(keyT)})
	engR := engine(t, Options{SecretKeyFiles: secretFiles(keyR)})
	tests := []struct {
		name    string
		args    []string
		engines []*Engine // each must decrypt alone
	}{
		{"ed25519/cv25519", []string{"-r", keyT.fpr}, []*Engine{engT}},
		{"rsa3072", []string{"-r", keyR.fpr}, []*Engine{engR}},
		{"two recipients", []string{"-r", keyT.fpr, "-r", keyR.fpr}, []*Engine{engT, engR}},
		{"armored", []string{"--armor", "-r", keyT.fpr}, []*Engine{engT}},
		{"hidden recipients", []string{"--throw-keyids", "-r", keyT.fpr, "-r", keyR.fpr}, []*Engine{engT, engR}},
		{"compressed", []string{"--compress-algo", "zlib", "-r", keyR.fpr}, []*Engine{engR}},
		{"signed", []string{"--sign", "--local-user", keyR.fpr, "-r", keyT.fpr}, []*Engine{engT}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := gpg(keysHome, []byte(entry), append([]string{"--encrypt"}, tt.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range tt.engines {
				got, err := e.Decrypt(t.Context(), msg)
				if err != nil {
					t.Fatalf("engine %d: Decrypt: %v", i, err)
				}
				if string(got) != entry {
					t.Errorf("engine %d: Decrypt = %q, want %q", i, got, entry)
				}
			}
		})
	}
}

func TestDecryptWhatPassWrites(t *testing.T) {
	needGPG(t)
	if _, err := exec.LookPath("pass"); err != nil {
		t.Skip("pass is not installed (Debian: apt install pass)")
	}
	dir := t.TempDir()
	run := func(stdin string, args ...string) {
		t.Helper()
		cmd := exec.Command("pass", args...)
		cmd.Env = append(os.Environ(), "GNUPGHOME="+keysHome, "PASSWORD_STORE_DIR="+dir,
			"PASSWORD_STORE_GPG_OPTS=--trust-model=always")
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pass %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	// A team store: pass init with two keys, one of them by e-mail.
	run("", "init", keyT.fpr, "r@example.invalid")
	run(entry, "insert", "--multiline", "github.com/alice")
	msg, err := os.ReadFile(filepath.Join(dir, "github.com", "alice.gpg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []*testKey{keyT, keyR} {
		got, err := engine(t, Options{SecretKeyFiles: secretFiles(k)}).Decrypt(t.Context(), msg)
		if err != nil {
			t.Fatalf("%s: Decrypt: %v", k.uid, err)
		}
		if string(got) != entry {
			t.Errorf("%s: Decrypt = %q, want %q", k.uid, got, entry)
		}
	}
}

// Each recipient decrypts what the engine wrote with gpg, in a home that
// holds only its own secret key.
func TestGPGDecryptsWhatEngineEncrypts(t *testing.T) {
	needGPG(t)
	e := engine(t, Options{SecretKeyFiles: secretFiles(keyT), PublicKeyring: []string{publicFile}})
	msg, err := e.Encrypt(t.Context(), []byte(entry), []string{keyT.fpr, "r@example.invalid"})
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}
	if bytes.HasPrefix(msg, []byte("-----")) {
		t.Error("Encrypt wrote armor; pass writes binary .gpg files")
	}
	if got, want := recipientIDs(t, msg), sorted(keyT.subID, keyR.subID); !slices.Equal(got, want) {
		t.Errorf("encrypted to %v, want %v", got, want)
	}
	for _, k := range []*testKey{keyT, keyR} {
		out, err := gpg(k.home, msg, "--decrypt")
		if err != nil {
			t.Fatalf("%s: %v", k.uid, err)
		}
		if string(out) != entry {
			t.Errorf("%s: gpg --decrypt = %q, want %q", k.uid, out, entry)
		}
	}
	// And the engine reads its own output back.
	got, err := e.Decrypt(t.Context(), msg)
	if err != nil || string(got) != entry {
		t.Errorf("Decrypt of own output = %q, %v", got, err)
	}
}

func TestPassphrase(t *testing.T) {
	needGPG(t)
	msg, err := gpg(keysHome, []byte(entry), "--encrypt", "-r", keyP.fpr)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("right", func(t *testing.T) {
		var calls atomic.Int32
		var asked string
		e := engine(t, Options{SecretKeyFiles: secretFiles(keyP), Passphrase: func(ctx context.Context, fpr string) ([]byte, error) {
			calls.Add(1)
			asked = fpr
			return []byte(testPassphrase), nil
		}})
		for range 2 {
			got, err := e.Decrypt(t.Context(), msg)
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if string(got) != entry {
				t.Errorf("Decrypt = %q, want %q", got, entry)
			}
		}
		if asked != keyP.fpr {
			t.Errorf("passphrase asked for %q, want the primary fingerprint %q", asked, keyP.fpr)
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("passphrase asked %d times for two decryptions, want 1 (the key stays unlocked)", n)
		}
	})

	errKeyring := errors.New("keyring is locked")
	tests := []struct {
		name       string
		passphrase func(context.Context, string) ([]byte, error)
		want       string
		wrapped    error
	}{
		{"wrong", func(context.Context, string) ([]byte, error) { return []byte("wrong"), nil }, "wrong passphrase for secret key " + keyP.fpr, nil},
		{"none configured", nil, "protected by a passphrase and none is configured", nil},
		{"callback fails", func(context.Context, string) ([]byte, error) { return nil, errKeyring }, "cannot get the passphrase", errKeyring},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engine(t, Options{SecretKeyFiles: secretFiles(keyP), Passphrase: tt.passphrase})
			got, err := e.Decrypt(t.Context(), msg)
			if !errors.Is(err, pgp.ErrDecrypt) {
				t.Fatalf("Decrypt = %q, %v; want ErrDecrypt", got, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if tt.wrapped != nil && !errors.Is(err, tt.wrapped) {
				t.Errorf("error %q does not wrap %v", err, tt.wrapped)
			}
			assertNoPlaintext(t, err)
		})
	}
}

func TestDecryptFailures(t *testing.T) {
	needGPG(t)
	e := engine(t, Options{SecretKeyFiles: secretFiles(keyT)})
	toR, err := gpg(keysHome, []byte(entry), "--encrypt", "-r", keyR.fpr)
	if err != nil {
		t.Fatal(err)
	}
	toT, err := gpg(keysHome, []byte(entry), "--encrypt", "-r", keyT.fpr)
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(toT)
	tampered[len(tampered)-10] ^= 0x01
	plain, err := gpg(keysHome, []byte(entry), "--store")
	if err != nil {
		t.Fatal(err)
	}
	symmetric, err := gpg(keysHome, []byte(testPassphrase+"\n"+entry), "--pinentry-mode", "loopback", "--passphrase-fd", "0", "--symmetric")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		msg  []byte
		want string
	}{
		{"other recipient", toR, "no secret key for this entry (encrypted to " + keyR.subID + ")"},
		{"tampered", tampered, "corrupt or was tampered with"},
		{"truncated", toT[:len(toT)/2], "OpenPGP message"},
		{"not encrypted", plain, "not encrypted"},
		{"symmetric", symmetric, "encrypted with a passphrase"},
		{"garbage", []byte("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"), "OpenPGP message"},
		{"empty", nil, "OpenPGP message"},
		{"armored garbage", []byte("-----BEGIN PGP MESSAGE-----\n\n!!!\n-----END PGP MESSAGE-----\n"), "OpenPGP message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Decrypt(t.Context(), tt.msg)
			if !errors.Is(err, pgp.ErrDecrypt) {
				t.Fatalf("Decrypt = %q, %v; want ErrDecrypt", got, err)
			}
			if got != nil {
				t.Errorf("Decrypt returned %d bytes with its error", len(got))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			assertNoPlaintext(t, err)
		})
	}
}

func assertNoPlaintext(t *testing.T, err error) {
	t.Helper()
	for _, secret := range []string{"JBSWY3DPEHPK3PXP", "hunter2", testPassphrase} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains secret %q", err, secret)
		}
	}
}

func TestRecipients(t *testing.T) {
	needGPG(t)
	e := engine(t, Options{SecretKeyFiles: secretFiles(keyT), PublicKeyring: []string{publicFile}})
	ok := []struct {
		name       string
		recipients []string
		want       []string // encryption subkey ids
	}{
		{"fingerprint", []string{keyT.fpr}, sorted(keyT.subID)},
		{"lower-case fingerprint with 0x", []string{"0x" + strings.ToLower(keyR.fpr)}, sorted(keyR.subID)},
		{"fingerprint in groups", []string{spaced(keyT.fpr)}, sorted(keyT.subID)},
		{"long key id", []string{"0x" + keyR.fpr[24:]}, sorted(keyR.subID)},
		{"short key id", []string{keyR.fpr[32:]}, sorted(keyR.subID)},
		{"subkey fingerprint", []string{keyT.subFpr}, sorted(keyT.subID)},
		{"subkey id", []string{keyR.subID}, sorted(keyR.subID)},
		{"bare e-mail", []string{"T@Example.Invalid"}, sorted(keyT.subID)},
		{"e-mail in brackets", []string{"<r@example.invalid>"}, sorted(keyR.subID)},
		{"full user id", []string{"T <t@example.invalid>"}, sorted(keyT.subID)},
		{"exact user id", []string{"=R <r@example.invalid>"}, sorted(keyR.subID)},
		{"one key twice, blank lines", []string{keyT.fpr, "", "t@example.invalid", "  "}, sorted(keyT.subID)},
		{"team", []string{keyT.fpr, "r@example.invalid", "<p@example.invalid>"}, sorted(keyT.subID, keyR.subID, keyP.subID)},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := e.Encrypt(t.Context(), []byte(entry), tt.recipients)
			if err != nil {
				t.Fatalf("Encrypt: %v", err)
			}
			if got := recipientIDs(t, msg); !slices.Equal(got, tt.want) {
				t.Errorf("encrypted to %v, want %v", got, tt.want)
			}
		})
	}

	expiredNow := func() time.Time { return time.Now().AddDate(2, 0, 0) }
	bad := []struct {
		name       string
		opts       Options
		recipients []string
		want       string
	}{
		{"unknown address", Options{}, []string{keyT.fpr, "nobody@example.invalid"}, `recipient "nobody@example.invalid": no such key`},
		{"unknown fingerprint", Options{}, []string{strings.Repeat("AB", 20)}, `recipient "` + strings.Repeat("AB", 20) + `": no such key`},
		{"address prefix is not a match", Options{}, []string{"t@example.inv"}, `recipient "t@example.inv": no such key`},
		{"@domain is a partial address", Options{}, []string{"@example.invalid"}, "matches several keys"},
		{"ambiguous substring", Options{}, []string{"example.invalid"}, `recipient "example.invalid" matches several keys`},
		{"forced subkey", Options{}, []string{keyT.subID + "!"}, "'!' is not supported"},
		{"expired", Options{Now: expiredNow}, []string{"e@example.invalid"}, `recipient "e@example.invalid": key ` + keyE.fpr + " cannot encrypt"},
		{"none", Options{}, []string{"", " "}, "no recipients"},
		{"nil", Options{}, nil, "no recipients"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.SecretKeyFiles = secretFiles(keyT)
			tt.opts.PublicKeyring = []string{publicFile}
			msg, err := engine(t, tt.opts).Encrypt(t.Context(), []byte(entry), tt.recipients)
			if !errors.Is(err, pgp.ErrEncrypt) {
				t.Fatalf("Encrypt = %d bytes, %v; want ErrEncrypt", len(msg), err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			assertNoPlaintext(t, err)
		})
	}
}

func TestNewErrors(t *testing.T) {
	needGPG(t)
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	armoredMsg := filepath.Join(dir, "msg.asc")
	msg, err := gpg(keysHome, []byte(entry), "--armor", "--encrypt", "-r", keyT.fpr)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(armoredMsg, msg, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.gpg")
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no secret key file", Options{PublicKeyring: []string{publicFile}}, "no secret key file configured"},
		{"missing secret key file", Options{SecretKeyFiles: []string{missing}}, missing},
		{"public keys as secret keys", Options{SecretKeyFiles: []string{publicFile}}, "holds public keys only"},
		{"keybox", Options{SecretKeyFiles: []string{filepath.Join(keysHome, "pubring.kbx")}}, "keybox"},
		{"garbage", Options{SecretKeyFiles: []string{garbage}}, garbage},
		{"message, not keys", Options{SecretKeyFiles: []string{armoredMsg}}, `holds a "PGP MESSAGE" block`},
		{"missing public keyring", Options{SecretKeyFiles: secretFiles(keyT), PublicKeyring: []string{missing}}, missing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(tt.opts)
			if !errors.Is(err, pgp.ErrNoEngine) {
				t.Fatalf("New = %v, %v; want ErrNoEngine", e, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

// Several goroutines decrypting with one engine, while the first one unlocks
// its key, must neither race nor ask for the passphrase more than once.
func TestConcurrentDecrypt(t *testing.T) {
	needGPG(t)
	msg, err := gpg(keysHome, []byte(entry), "--encrypt", "-r", keyP.fpr)
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	e := engine(t, Options{SecretKeyFiles: secretFiles(keyP), Passphrase: func(context.Context, string) ([]byte, error) {
		calls.Add(1)
		return []byte(testPassphrase), nil
	}})
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := e.Decrypt(context.Background(), msg)
			if err == nil && string(got) != entry {
				err = fmt.Errorf("got %q", got)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("passphrase asked %d times, want 1", n)
	}
}

func TestCanceledContext(t *testing.T) {
	needGPG(t)
	e := engine(t, Options{SecretKeyFiles: secretFiles(keyT)})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := e.Decrypt(ctx, []byte("x")); !errors.Is(err, pgp.ErrDecrypt) || !errors.Is(err, context.Canceled) {
		t.Errorf("Decrypt: %v, want ErrDecrypt and Canceled", err)
	}
	if _, err := e.Encrypt(ctx, []byte("x"), []string{keyT.fpr}); !errors.Is(err, pgp.ErrEncrypt) || !errors.Is(err, context.Canceled) {
		t.Errorf("Encrypt: %v, want ErrEncrypt and Canceled", err)
	}
}

// FuzzDecrypt: whatever the bytes, Decrypt fails with ErrDecrypt and never
// panics, or returns what was encrypted. Its key is made in-process so that
// fuzz workers need no gpg.
func FuzzDecrypt(f *testing.F) {
	// Listing zlib among the key's preferences lets bomb compress to it.
	ent, err := openpgp.NewEntity("F", "", "f@example.invalid", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, DefaultCompressionAlgo: packet.CompressionZLIB})
	if err != nil {
		f.Fatal(err)
	}
	var key bytes.Buffer
	if err := ent.SerializePrivate(&key, nil); err != nil {
		f.Fatal(err)
	}
	file := filepath.Join(f.TempDir(), "f.gpg")
	if err := os.WriteFile(file, key.Bytes(), 0o600); err != nil {
		f.Fatal(err)
	}
	e := engine(f, Options{SecretKeyFiles: []string{file}})
	msg, err := e.Encrypt(context.Background(), []byte(entry), []string{"f@example.invalid"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(msg)
	var armored bytes.Buffer
	w, _ := armor.Encode(&armored, "PGP MESSAGE", nil)
	w.Write(msg)
	w.Close()
	f.Add(armored.Bytes())
	f.Add([]byte{})
	f.Add(bomb(f, ent, 2<<20))
	f.Fuzz(func(t *testing.T, msg []byte) {
		got, err := e.Decrypt(context.Background(), msg)
		if err != nil {
			if !errors.Is(err, pgp.ErrDecrypt) {
				t.Fatalf("error %v (%T) does not wrap ErrDecrypt", err, err)
			}
			return
		}
		if string(got) != entry {
			t.Fatalf("Decrypt returned %q", got)
		}
	})
}

// BenchmarkDecrypt is the native engine's time to decrypt a small pass
// entry (cv25519), to compare with BenchmarkDecryptGPG.
func BenchmarkDecrypt(b *testing.B) {
	needGPG(b)
	for _, k := range []*testKey{keyT, keyR} {
		b.Run(keyName(k), func(b *testing.B) {
			msg, err := gpg(keysHome, []byte(entry), "--encrypt", "-r", k.fpr)
			if err != nil {
				b.Fatal(err)
			}
			e := engine(b, Options{SecretKeyFiles: secretFiles(k)})
			for b.Loop() {
				if _, err := e.Decrypt(b.Context(), msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecryptGPG runs `gpg --decrypt` on the same entry, the gpg
// engine's floor (gpg-agent already running, key unprotected).
func BenchmarkDecryptGPG(b *testing.B) {
	needGPG(b)
	for _, k := range []*testKey{keyT, keyR} {
		b.Run(keyName(k), func(b *testing.B) {
			msg, err := gpg(keysHome, []byte(entry), "--encrypt", "-r", k.fpr)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := gpg(k.home, msg, "--quiet", "--decrypt"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncrypt(b *testing.B) {
	needGPG(b)
	e := engine(b, Options{SecretKeyFiles: secretFiles(keyT), PublicKeyring: []string{publicFile}})
	for b.Loop() {
		if _, err := e.Encrypt(b.Context(), []byte(entry), []string{keyT.fpr, keyR.fpr}); err != nil {
			b.Fatal(err)
		}
	}
}

func keyName(k *testKey) string {
	if k == keyR {
		return "rsa3072"
	}
	return "cv25519"
}

func sorted(ids ...string) []string {
	s := slices.Clone(ids)
	slices.Sort(s)
	return s
}

// spaced writes a fingerprint in groups of four, as gpg prints it.
func spaced(fpr string) string {
	var b strings.Builder
	for i := 0; i < len(fpr); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(fpr[i:min(i+4, len(fpr))])
	}
	return b.String()
}

// bomb encrypts size zero bytes to ent, compressed as tightly as zlib can
// (ent must list zlib among its preferences).
func bomb(t testing.TB, ent *openpgp.Entity, size int) []byte {
	t.Helper()
	var out bytes.Buffer
	cfg := &packet.Config{DefaultCompressionAlgo: packet.CompressionZLIB, CompressionConfig: &packet.CompressionConfig{Level: 9}}
	w, err := openpgp.Encrypt(&out, []*openpgp.Entity{ent}, nil, &openpgp.FileHints{IsBinary: true}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for ; size > 0; size -= len(zeros) {
		if _, err := w.Write(zeros[:min(size, len(zeros))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestDecompressionBomb: an entry of some 64 KiB that inflates to 64 MiB
// fails with ErrDecrypt, saying why, and the engine allocates a small
// multiple of pgp.MaxPlaintext doing so, not the 64 MiB. An entry of exactly
// the limit still decrypts.
func TestDecompressionBomb(t *testing.T) {
	ent, err := openpgp.NewEntity("B", "", "b@example.invalid", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, DefaultCompressionAlgo: packet.CompressionZLIB})
	if err != nil {
		t.Fatal(err)
	}
	var key bytes.Buffer
	if err := ent.SerializePrivate(&key, nil); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "b.gpg")
	if err := os.WriteFile(file, key.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	e := engine(t, Options{SecretKeyFiles: []string{file}})
	msg := bomb(t, ent, 64<<20)
	if len(msg) > 1<<20 {
		t.Fatalf("the bomb is %d bytes: not a bomb", len(msg))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, err := e.Decrypt(t.Context(), msg)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, pgp.ErrDecrypt) || got != nil {
		t.Fatalf("Decrypt = %d bytes, %v; want ErrDecrypt", len(got), err)
	}
	if !strings.Contains(err.Error(), "more than 1 MiB") {
		t.Errorf("the error does not say the limit: %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*pgp.MaxPlaintext {
		t.Errorf("allocated %d bytes for a %d byte limit", alloc, pgp.MaxPlaintext)
	}
	got, err = e.Decrypt(t.Context(), bomb(t, ent, pgp.MaxPlaintext))
	if err != nil || len(got) != pgp.MaxPlaintext {
		t.Fatalf("an entry of exactly the limit: %d bytes, %v", len(got), err)
	}
}
