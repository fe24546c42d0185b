package install

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/otpfill/otpfill/internal/atomicfile"
)

const (
	fileMode   os.FileMode = 0o644
	scriptMode os.FileMode = 0o755
	dirMode    os.FileMode = 0o755
)

// mkdirAll creates dir and any missing parents with mode 0755 and returns
// the folders it created, outermost first, so uninstall can remove exactly
// those (and only while they are empty).
func mkdirAll(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; {
		fi, err := os.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return nil, fmt.Errorf("%s is not a folder", d)
			}
			break
		}
		if !os.IsNotExist(err) {
			return nil, err
		}
		missing = append(missing, d)
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	var created []string
	for i := len(missing) - 1; i >= 0; i-- {
		d := missing[i]
		if err := os.Mkdir(d, dirMode); err != nil && !os.IsExist(err) {
			return created, err
		}
		// Mkdir is subject to the umask; the mode we promise is 0755.
		if err := os.Chmod(d, dirMode); err != nil {
			return created, err
		}
		created = append(created, d)
	}
	return created, nil
}

// writeFileAtomic makes path hold data with mode perm, through a temporary
// file in the same folder and a rename, so a browser never reads half a
// manifest. It reports whether anything changed: writing the same bytes
// again is a no-op, which keeps install idempotent.
func writeFileAtomic(path string, data []byte, perm os.FileMode) (changed bool, err error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm() == perm {
			return false, nil
		}
	}
	if err := atomicfile.WriteFile(path, data, perm); err != nil {
		return false, err
	}
	return true, nil
}
