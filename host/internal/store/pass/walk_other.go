//go:build !linux

package pass

import "context"

// walk lists the store with the portable reader: only Linux has a faster one.
func (s *Store) walk(ctx context.Context, keep func([]byte) bool) ([]string, error) {
	return s.walkWith(ctx, readPortable, keep)
}
