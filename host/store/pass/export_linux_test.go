package pass

import "context"

// ListUnknownTypes is List with the getdents reader ignoring d_type, as on
// file systems that do not fill it in, so that the Lstat fallback is tested.
func (s *Store) ListUnknownTypes(ctx context.Context) ([]string, error) {
	unknownTypes = true
	defer func() { unknownTypes = false }()
	return s.List(ctx)
}
