// Package atomicfile replaces a file so that a reader sees the old content or
// the new, never a part: a temporary file in the same folder, fsync, rename,
// and an fsync of the folder.
package atomicfile

import (
	"os"
	"path/filepath"
)

// WriteFile makes path hold data with mode perm. On error the old file, if
// any, is untouched and no temporary file is left behind.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	tmp, err := WriteTemp(path, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	SyncDir(filepath.Dir(path))
	return nil
}

// WriteTemp writes data, with mode perm, to a new hidden file beside path
// (".NAME.tmp-N"), synced to disk and closed, and returns its name for the
// caller to move into place. On error nothing is left behind.
func WriteTemp(path string, data []byte, perm os.FileMode) (tmp string, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	if _, err = f.Write(data); err == nil {
		if err = f.Chmod(perm); err == nil {
			err = f.Sync()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// SyncDir makes a rename in dir durable; errors are ignored because some
// systems cannot sync a folder, and the rename itself already succeeded.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
