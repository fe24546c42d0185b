package pass

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/otpfill/otpfill/host/internal/store"
)

// Stamp is the SHA-256 of an entry's file as it is on disk, ciphertext and
// all: every write encrypts afresh, so two writes of the same text still
// differ. The host compares stamps to tell whether an entry still holds what
// it wrote (undo), without decrypting.
func (s *Store) Stamp(name string) ([sha256.Size]byte, error) {
	p, err := s.path(name)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return [sha256.Size]byte{}, fmt.Errorf("%w: %s is not in the password store", store.ErrNotFound, name)
	}
	if err != nil {
		return [sha256.Size]byte{}, fmt.Errorf("%w: cannot read %s: %v", store.ErrUnavailable, name, unwrapPath(err))
	}
	return sha256.Sum256(data), nil
}
