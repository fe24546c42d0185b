package pass

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/otpfill/otpfill/host/internal/store"
)

// FileStamp says cheaply, without reading the file, which version of an
// entry's file is on disk: its size, modification time and (where there is
// one) inode, through a symbolic link to the file it names. Any write — the
// host's, `pass edit`, `pass otp insert -f`, a git checkout — changes it. The
// host keys what it learnt by decrypting an entry (its OTP type) on it.
func (s *Store) FileStamp(name string) (string, error) {
	p, err := s.path(name)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w: %s is not in the password store", store.ErrNotFound, name)
	}
	if err != nil {
		return "", fmt.Errorf("%w: cannot look at %s: %v", store.ErrUnavailable, name, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%w: %s is not a file", store.ErrNotFound, name)
	}
	return fmt.Sprintf("%d:%d:%s", fi.Size(), fi.ModTime().UnixNano(), fileID(fi)), nil
}
