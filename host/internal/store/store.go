// Package store defines what otpfill asks of a place where 2FA secrets live:
// a pass store of GPG files, or the OS keyring. Implementations live in
// sub-packages; the host only sees these interfaces.
package store

import (
	"context"
	"errors"
)

// Kinds of store, as reported in protocol responses.
const (
	KindPass    = "pass"
	KindKeyring = "keyring"
)

// Errors every Store implementation wraps, so the host can answer a stable
// protocol error code. Messages never contain secret material.
var (
	// ErrNotFound: the named entry does not exist in this store.
	ErrNotFound = errors.New("entry not found")
	// ErrExists: a write would replace an existing entry without overwrite.
	ErrExists = errors.New("entry already exists")
	// ErrInvalidName: the entry name is unsafe or malformed (see ValidateName).
	ErrInvalidName = errors.New("invalid entry name")
	// ErrUnavailable: the store cannot be reached at all (missing folder,
	// locked or absent keyring, missing gpg binary).
	ErrUnavailable = errors.New("store unavailable")
	// ErrDecrypt: the entry exists but could not be decrypted.
	ErrDecrypt = errors.New("decryption failed")
	// ErrEncrypt: the entry could not be encrypted or written.
	ErrEncrypt = errors.New("encryption failed")
	// ErrForbidden: the write would leave the store (a symbolic link that
	// points outside it).
	ErrForbidden = errors.New("not allowed")
)

// Store is a readable collection of entries. Names are slash-separated and
// relative ("github.com/alice"); they are validated with ValidateName before
// any file or keyring access.
//
// Read returns the decrypted content of an entry (for pass: the whole file;
// for the keyring: the stored text). Errors wrap ErrNotFound, ErrInvalidName,
// ErrUnavailable or ErrDecrypt.
type Store interface {
	ID() string
	Kind() string
	// Check reports whether the store is usable now; a nil error means yes.
	Check(ctx context.Context) error
	// List returns every entry name, sorted. Nothing is decrypted.
	List(ctx context.Context) ([]string, error)
	Read(ctx context.Context, name string) ([]byte, error)
}

// Writer is a Store that can be written. Write replaces the whole content of
// an entry atomically: a failure leaves the entry as it was. Without
// overwrite, an existing entry yields ErrExists.
type Writer interface {
	Store
	Write(ctx context.Context, name string, content []byte, overwrite bool) error
	// Remove deletes an entry; ErrNotFound if it is absent.
	Remove(ctx context.Context, name string) error
}
