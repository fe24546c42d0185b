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

// MaxPlaintext bounds what one entry may decrypt to: pass entries are a few
// hundred bytes, and a protocol request cannot carry more than 1 MiB either.
// Every engine stops reading (and decompressing) past it and fails with
// ErrDecrypt, so that a small file that inflates to gigabytes (a compression
// bomb) costs no more memory than this.
const MaxPlaintext = 1 << 20

// TooLargeMessage is what engines say when an entry is over MaxPlaintext.
const TooLargeMessage = "the entry decrypts to more than 1 MiB (otpfill's limit for an entry; a compressed entry that inflates this much is likely a decompression bomb)"
