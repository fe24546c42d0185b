package keyring

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/danieljoos/wincred"
)

// go-keyring names a Windows credential "<service>:<account>", so the
// Credential Manager can list ours by that prefix, including those other
// programs stored the same way.

func (s *Store) check(ctx context.Context) error {
	_, err := s.list(ctx)
	if err != nil {
		return fmt.Errorf("%w: check that Credential Manager is available for your account", err)
	}
	return nil
}

// ready is a no-op: Credential Manager answers at once, and reports its own
// errors.
func (s *Store) ready(context.Context) error { return nil }

func (s *Store) list(ctx context.Context) ([]string, error) {
	prefix := s.service + ":"
	creds, err := call(ctx, func() ([]*wincred.Credential, error) { return wincred.FilteredList(prefix + "*") })
	if errors.Is(err, syscall.ERROR_NOT_FOUND) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable(fmt.Errorf("cannot list Credential Manager entries: %w", err))
	}
	names := make([]string, 0, len(creds))
	for _, c := range creds {
		if name, ok := strings.CutPrefix(c.TargetName, prefix); ok {
			names = append(names, name)
		}
	}
	return names, nil
}

func (s *Store) written(context.Context, string) error { return nil }
func (s *Store) removed(context.Context, string) error { return nil }
