// Package native is an OpenPGP engine written in Go (ProtonMail's go-crypto),
// for machines without gpg and for speed: it decrypts pass entries with
// secret keys exported to files and encrypts to the public keys of the
// .gpg-id recipients.
//
// It reads no GnuPG home: gpg 2.1+ keeps public keys in a keybox
// (pubring.kbx) and secret keys in private-keys-v1.d, neither of which is an
// OpenPGP format. Export the keys once instead:
//
//	gpg --export-secret-keys KEYID > ~/.config/otpfill/secret.pgp   # chmod 600
//	gpg --export KEYID1 KEYID2 > ~/.config/otpfill/public.pgp
//
// The public keys of the secret keys are always recipients' candidates too,
// so a single-user store needs only the first file.
//
// A passphrase-protected key is unlocked once, with the passphrase the
// Options.Passphrase callback returns, and stays unlocked in memory for the
// Engine's lifetime (the host process), as gpg-agent would cache it. Keys
// whose secret part is not in the file (gpg's stubs for smartcard keys or
// --export-secret-subkeys) cannot decrypt: use the gpg engine for those.
package native

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/otpfill/otpfill/host/internal/pgp"
)

// Options configure an Engine.
type Options struct {
	// SecretKeyFiles are secret keys exported with gpg --export-secret-keys,
	// armored or binary; at least one is required.
	SecretKeyFiles []string
	// PublicKeyring are files of public keys (gpg --export, armored or
	// binary) used to resolve .gpg-id recipients besides the secret keys'
	// own public keys.
	PublicKeyring []string
	// Passphrase returns the passphrase of a protected secret key, named by
	// its primary key's fingerprint (40 upper-case hex digits for the v4 keys
	// gpg makes). Nil means the keys have no passphrase. The engine does not
	// keep the returned slice; it zeroes it after use.
	Passphrase func(ctx context.Context, fingerprint string) ([]byte, error)
	// Now is the time used to judge key expiry; nil means time.Now.
	Now func() time.Time
}

// Engine is the native OpenPGP engine. It is safe for concurrent use.
type Engine struct {
	secret     openpgp.EntityList // entities with secret key material
	public     openpgp.EntityList // every known entity, secret ones first, one per fingerprint
	passphrase func(context.Context, string) ([]byte, error)
	now        func() time.Time

	// mu serialises decryption: unlocking a protected key decrypts it in
	// place, which must not race with another message reading it.
	mu sync.Mutex
}

var _ pgp.Engine = (*Engine)(nil)

// New loads the key files. Errors wrap pgp.ErrNoEngine and name the file.
func New(opts Options) (*Engine, error) {
	if len(opts.SecretKeyFiles) == 0 {
		return nil, fmt.Errorf("%w: no secret key file configured: export your key with "+
			"gpg --export-secret-keys KEYID > FILE and add FILE to the configuration", pgp.ErrNoEngine)
	}
	e := &Engine{passphrase: opts.Passphrase, now: opts.Now}
	if e.now == nil {
		e.now = time.Now
	}
	seen := map[string]bool{}
	add := func(el openpgp.EntityList) {
		for _, ent := range el {
			fpr := fingerprint(ent)
			if !seen[fpr] {
				seen[fpr] = true
				e.public = append(e.public, ent)
			}
		}
	}
	for _, f := range opts.SecretKeyFiles {
		el, err := readKeyFile(f)
		if err != nil {
			return nil, err
		}
		usable, stubs := 0, 0
		for _, ent := range el {
			switch secretState(ent) {
			case secretUsable:
				usable++
			case secretStub:
				stubs++
			default:
				continue
			}
			e.secret = append(e.secret, ent)
		}
		switch {
		case usable == 0 && stubs > 0:
			return nil, fmt.Errorf("%w: %s holds only stubs of secret keys (smartcard keys, or an export "+
				"without the secret parts): use the gpg engine", pgp.ErrNoEngine, f)
		case usable == 0:
			return nil, fmt.Errorf("%w: %s holds public keys only: export the secret key with "+
				"gpg --export-secret-keys KEYID > %s", pgp.ErrNoEngine, f, f)
		}
		add(el)
	}
	for _, f := range opts.PublicKeyring {
		el, err := readKeyFile(f)
		if err != nil {
			return nil, err
		}
		add(el)
	}
	return e, nil
}

// Name identifies the engine in logs and in `otpfill doctor`.
func (e *Engine) Name() string { return "native" }

// Decrypt decrypts a pass entry (binary or armored). Errors wrap
// pgp.ErrDecrypt and never carry plaintext.
func (e *Engine) Decrypt(ctx context.Context, ciphertext []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", pgp.ErrDecrypt, err)
	}
	msg, err := dearmor(ciphertext, "PGP MESSAGE")
	if err != nil {
		return nil, fmt.Errorf("%w: the entry is not an OpenPGP message: %v", pgp.ErrDecrypt, err)
	}

	var promptErr error
	prompt := func(keys []openpgp.Key, symmetric bool) ([]byte, error) {
		promptErr = e.unlock(ctx, keys)
		return nil, promptErr
	}
	// A compressed packet inflates to at most the text's limit and room for
	// its header and signatures (see pgp.MaxPlaintext).
	inflated := int64(pgp.MaxPlaintext + 64<<10)
	cfg := &packet.Config{Time: e.now, MaxDecompressedMessageSize: &inflated}
	e.mu.Lock()
	md, err := openpgp.ReadMessage(bytes.NewReader(msg), e.secret, prompt, cfg)
	e.mu.Unlock()
	if err != nil {
		switch {
		case promptErr != nil:
			return nil, promptErr
		case errors.Is(err, pgperrors.ErrKeyIncorrect):
			return nil, e.noKeyError(msg)
		case errors.Is(err, pgperrors.ErrMessageTooLarge):
			return nil, fmt.Errorf("%w: %s", pgp.ErrDecrypt, pgp.TooLargeMessage)
		}
		return nil, fmt.Errorf("%w: the entry is not a valid OpenPGP message: %v", pgp.ErrDecrypt, err)
	}
	if !md.IsEncrypted {
		return nil, fmt.Errorf("%w: the entry is not encrypted", pgp.ErrDecrypt)
	}
	// The integrity check (MDC or AEAD tag) is verified only at the end of
	// the data: nothing read before it may escape on failure.
	// At most pgp.MaxPlaintext bytes are kept, and one more read to tell.
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(md.UnverifiedBody, pgp.MaxPlaintext+1))
	if err == nil && n > pgp.MaxPlaintext {
		err = pgperrors.ErrMessageTooLarge
	}
	if err != nil {
		clear(buf.Bytes())
		if errors.Is(err, pgperrors.ErrMessageTooLarge) {
			return nil, fmt.Errorf("%w: %s", pgp.ErrDecrypt, pgp.TooLargeMessage)
		}
		return nil, fmt.Errorf("%w: the entry is corrupt or was tampered with: %v", pgp.ErrDecrypt, err)
	}
	return buf.Bytes(), nil
}

// unlock is ReadMessage's prompt: keys are the protected candidates for this
// message. It unlocks the first key whose passphrase works; a nil error makes
// ReadMessage retry with it.
func (e *Engine) unlock(ctx context.Context, keys []openpgp.Key) error {
	if len(keys) == 0 {
		// Only a passphrase (gpg --symmetric) could open this message.
		return fmt.Errorf("%w: the entry is encrypted with a passphrase, not to a key; pass entries never are", pgp.ErrDecrypt)
	}
	var errs []error
	tried := map[string]bool{}
	for _, k := range keys {
		fpr := fingerprint(k.Entity)
		if tried[fpr] {
			continue
		}
		tried[fpr] = true
		if e.passphrase == nil {
			errs = append(errs, fmt.Errorf("secret key %s is protected by a passphrase and none is configured", fpr))
			continue
		}
		pass, err := e.passphrase(ctx, fpr)
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot get the passphrase of secret key %s: %w", fpr, err))
			continue
		}
		err = k.Entity.DecryptPrivateKeys(pass)
		clear(pass)
		if err == nil && k.PrivateKey.Encrypted {
			// Never report success without progress: ReadMessage would
			// prompt again, forever.
			err = errors.New("key still locked")
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("wrong passphrase for secret key %s", fpr))
			continue
		}
		return nil
	}
	return fmt.Errorf("%w: %w", pgp.ErrDecrypt, errors.Join(errs...))
}

// noKeyError names the keys a message is encrypted to, since none of ours
// fits. It re-reads only the public-key packets at the message's head.
func (e *Engine) noKeyError(msg []byte) error {
	var ids []string
	stubs := false
	packets := packet.NewReader(bytes.NewReader(msg))
	for {
		p, err := packets.Next()
		if err != nil {
			break
		}
		ek, ok := p.(*packet.EncryptedKey)
		if !ok {
			break
		}
		ids = append(ids, fmt.Sprintf("%016X", ek.KeyId))
		for _, k := range e.secret.KeysById(ek.KeyId) {
			if k.PrivateKey != nil && k.PrivateKey.Dummy() {
				stubs = true
			}
		}
	}
	err := fmt.Errorf("%w: no secret key for this entry (encrypted to %s)", pgp.ErrDecrypt, strings.Join(ids, ", "))
	if stubs {
		err = fmt.Errorf("%w; the matching secret key file holds only a stub (smartcard or "+
			"--export-secret-subkeys): use the gpg engine", err)
	}
	return err
}

// Encrypt encrypts plaintext to every recipient, written as in .gpg-id:
// a fingerprint, a long or short key id (0x optional), an e-mail address
// (bare or <in brackets>), a user-id substring, or =exact user id. Each must
// name exactly one usable key. The output is binary, as pass writes it.
func (e *Engine) Encrypt(ctx context.Context, plaintext []byte, recipients []string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", pgp.ErrEncrypt, err)
	}
	to, err := e.resolve(recipients)
	if err != nil {
		return nil, err
	}
	cfg := &packet.Config{
		Time:          e.now,
		DefaultCipher: packet.CipherAES256,
		// No AEAD (SEIPDv2): gpg 2.2 and 2.4 read only SEIPDv1 from
		// OpenPGP keys.
	}
	var out bytes.Buffer
	w, err := openpgp.Encrypt(&out, to, nil, &openpgp.FileHints{IsBinary: true}, cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", pgp.ErrEncrypt, err)
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, fmt.Errorf("%w: %v", pgp.ErrEncrypt, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("%w: %v", pgp.ErrEncrypt, err)
	}
	return out.Bytes(), nil
}

func readKeyFile(name string) (openpgp.EntityList, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot read key file: %w", pgp.ErrNoEngine, err)
	}
	var el openpgp.EntityList
	if isArmored(data) {
		// An export may hold several armored blocks (keys appended one by
		// one); read them all.
		r := bytes.NewReader(data)
		for {
			block, err := armor.Decode(r)
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%w: key file %s: bad armor: %v", pgp.ErrNoEngine, name, err)
			}
			if block.Type != openpgp.PublicKeyType && block.Type != openpgp.PrivateKeyType {
				return nil, fmt.Errorf("%w: key file %s holds a %q block, not keys", pgp.ErrNoEngine, name, block.Type)
			}
			more, err := openpgp.ReadKeyRing(block.Body)
			if err != nil {
				return nil, fmt.Errorf("%w: key file %s: %v", pgp.ErrNoEngine, name, err)
			}
			el = append(el, more...)
		}
	} else {
		el, err = openpgp.ReadKeyRing(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%w: key file %s: not an OpenPGP key file (export it with gpg --export or "+
				"gpg --export-secret-keys; a keybox such as pubring.kbx cannot be read): %v", pgp.ErrNoEngine, name, err)
		}
	}
	if len(el) == 0 {
		return nil, fmt.Errorf("%w: key file %s holds no keys", pgp.ErrNoEngine, name)
	}
	return el, nil
}

func isArmored(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("-----BEGIN PGP "))
}

// dearmor returns the binary form of an armored block of the given type, or
// data unchanged when it is not armored.
func dearmor(data []byte, blockType string) ([]byte, error) {
	if !isArmored(data) {
		return data, nil
	}
	block, err := armor.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if block.Type != blockType {
		return nil, fmt.Errorf("armored %q block, want %q", block.Type, blockType)
	}
	return io.ReadAll(block.Body)
}

type secretKind int

const (
	secretNone   secretKind = iota // public key only
	secretStub                     // gpg's stubs only (gnu-dummy S2K)
	secretUsable                   // at least one real secret (sub)key
)

func secretState(e *openpgp.Entity) secretKind {
	state := secretNone
	check := func(k *packet.PrivateKey) {
		switch {
		case k == nil:
		case k.Dummy():
			state = max(state, secretStub)
		default:
			state = secretUsable
		}
	}
	check(e.PrivateKey)
	for _, s := range e.Subkeys {
		check(s.PrivateKey)
	}
	return state
}

func fingerprint(e *openpgp.Entity) string {
	return fmt.Sprintf("%X", e.PrimaryKey.Fingerprint)
}
