package pass

import "context"

// ListUnknownTypes is List with the getdents reader ignoring d_type, as on
// file systems that do not fill it in, so that the Lstat fallback is tested.
func (s *Store) ListUnknownTypes(ctx context.Context) ([]string, error) {
	unknownTypes = true
	defer func() { unknownTypes = false }()
	return s.List(ctx)
}

// StaleLock is staleLock, for a lock file in a repository at dir.
func StaleLock(lock, dir string) bool { return staleLock(lock, []string{dir}) }
