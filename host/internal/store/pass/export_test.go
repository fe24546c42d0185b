package pass

import "context"

// ListPortable is List with the folder reader of systems other than Linux,
// so that Linux tests check it too.
func (s *Store) ListPortable(ctx context.Context) ([]string, error) {
	return s.list(ctx, s.walkPortable)
}

// PlainName is the fast path List takes before store.ValidateName.
func PlainName(name string) bool { return plainName(name) }
