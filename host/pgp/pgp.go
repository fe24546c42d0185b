// Package pgp defines the OpenPGP engines the pass store uses: the gpg binary
// (sub-package gpgcli, so gpg-agent, pinentry and smartcards work) and a native
// Go engine (sub-package native) for machines without gpg and for speed.
package pgp

import (
	"context"
	"errors"
)

var (
	// ErrDecrypt: the ciphertext could not be decrypted (no secret key, wrong
	// passphrase, corrupt data).
	ErrDecrypt = errors.New("decryption failed")
	// ErrEncrypt: encryption failed (unknown recipient, unusable key).
	ErrEncrypt = errors.New("encryption failed")
	// ErrNoEngine: the engine cannot run at all (gpg not installed, key file
	// missing).
	ErrNoEngine = errors.New("openpgp engine unavailable")
)

// Engine decrypts and encrypts pass entries. Errors wrap ErrDecrypt,
// ErrEncrypt or ErrNoEngine, and never carry plaintext.
type Engine interface {
	Name() string
	Decrypt(ctx context.Context, ciphertext []byte) ([]byte, error)
	// Encrypt encrypts to every recipient (key ids, fingerprints or user ids
	// as found in .gpg-id files).
	Encrypt(ctx context.Context, plaintext []byte, recipients []string) ([]byte, error)
}
