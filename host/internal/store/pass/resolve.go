package pass

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/otpfill/otpfill/host/internal/store"
)

// Symbolic links in a store, as pass treats them: pass writes through a
// link (gpg -o follows it), so an alias entry bank/alias.gpg -> me.gpg and
// bank/me share one file and one HOTP counter. otpfill does the same, but
// only inside the store: a write whose path resolves outside it (an entry
// or any folder above it that links elsewhere) is refused with
// store.ErrForbidden, so that a link cannot make otpfill write secrets
// where the user did not put their store. Reads follow links as before.

// resolved is where a write to an entry goes.
type resolved struct {
	root   string // the store folder with every link resolved
	target string // the file to replace, inside root
}

// rel is target relative to the real store folder, slash-separated.
func (r resolved) rel() string {
	rel, _ := filepath.Rel(r.root, r.target)
	return filepath.ToSlash(rel)
}

// resolve follows every symbolic link on the way from the store folder to
// the entry path p (a path under s.dir); with followLast false, the last
// component is left as it is (removing an entry removes a link itself, as
// `pass rm` does). Components that do not exist yet are kept as they are:
// the write creates them inside the last folder that exists.
func (s *Store) resolve(name, p string, followLast bool) (resolved, error) {
	root, err := filepath.EvalSymlinks(s.dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return resolved{}, s.checkDir()
		}
		return resolved{}, fmt.Errorf("%w: cannot resolve the password store %s: %v", store.ErrUnavailable, s.dir, unwrapPath(err))
	}
	rel, err := filepath.Rel(s.dir, p)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return resolved{}, fmt.Errorf("%w: %s is not inside the password store", store.ErrInvalidName, name)
	}
	parts := strings.Split(rel, string(filepath.Separator))
	cur := root
	for i, part := range parts {
		next := filepath.Join(cur, part)
		if i == len(parts)-1 && !followLast {
			cur = next
			break
		}
		fi, err := os.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) {
			cur = filepath.Join(append([]string{next}, parts[i+1:]...)...)
			break
		}
		if err != nil {
			return resolved{}, fmt.Errorf("%w: cannot read %s: %v", store.ErrUnavailable, name, unwrapPath(err))
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			real, err := filepath.EvalSymlinks(next)
			if err != nil {
				return resolved{}, fmt.Errorf("%w: %s goes through a symbolic link that points nowhere; otpfill does not write through it", store.ErrForbidden, name)
			}
			if !inside(root, real) {
				return resolved{}, fmt.Errorf("%w: %s goes through a symbolic link to a place outside the password store (or into a hidden folder such as .git); otpfill writes only inside the store", store.ErrForbidden, name)
			}
			next = real
		}
		cur = next
	}
	return resolved{root: root, target: cur}, nil
}

// inside reports whether path is root or below it, in no hidden folder or
// file (.git, .gpg-id, .extensions): a link into those is not an entry.
func inside(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return false
	}
	if rel == "." {
		return true
	}
	for _, seg := range strings.Split(rel, string(filepath.Separator)) {
		if strings.HasPrefix(seg, ".") {
			return false
		}
	}
	return true
}

// LockName is the name the host locks for a read-modify-write of name: the
// entry a link resolves to, so that an alias and its target (one file, one
// HOTP counter) are never advanced at once. A name that cannot be resolved
// locks as itself (its write fails anyway).
func (s *Store) LockName(name string) string {
	p, err := s.path(name)
	if err != nil {
		return name
	}
	r, err := s.resolve(name, p, true)
	if err != nil {
		return name
	}
	return strings.TrimSuffix(r.rel(), ".gpg")
}
