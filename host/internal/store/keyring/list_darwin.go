package keyring

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	gokeyring "github.com/zalando/go-keyring"
)

// indexAccount holds the names of the entries, one a line: the Keychain can
// only be enumerated with `security dump-keychain`, which prompts for every
// item. A leading dot keeps it out of the entry namespace (store.ValidateName
// rejects it).
const indexAccount = ".otpfill-index"

func (s *Store) check(ctx context.Context) error {
	_, err := s.readIndex(ctx)
	if err != nil {
		return fmt.Errorf("%w: unlock your login keychain (Keychain Access) and retry", err)
	}
	return nil
}

// ready is a no-op: /usr/bin/security reports a missing or locked keychain
// itself, and the call timeout bounds an unlock dialog left unanswered.
func (s *Store) ready(context.Context) error { return nil }

func (s *Store) list(ctx context.Context) ([]string, error) { return s.readIndex(ctx) }

func (s *Store) written(ctx context.Context, name string) error {
	return s.updateIndex(ctx, func(names []string) []string {
		if slices.Contains(names, name) {
			return nil
		}
		return append(names, name)
	})
}

func (s *Store) removed(ctx context.Context, name string) error {
	return s.updateIndex(ctx, func(names []string) []string {
		if !slices.Contains(names, name) {
			return nil
		}
		return slices.DeleteFunc(names, func(n string) bool { return n == name })
	})
}

func (s *Store) readIndex(ctx context.Context) ([]string, error) {
	text, err := call(ctx, func() (string, error) { return gokeyring.Get(s.service, indexAccount) })
	if errors.Is(err, gokeyring.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable(fmt.Errorf("cannot read the keychain: %w", err))
	}
	return strings.FieldsFunc(text, func(r rune) bool { return r == '\n' }), nil
}

// updateIndex rewrites the index with edit's result; edit returns nil when
// nothing changes. Two processes updating at once can lose one name from the
// index (not the entry itself); the next Write of that entry restores it.
func (s *Store) updateIndex(ctx context.Context, edit func([]string) []string) error {
	names, err := s.readIndex(ctx)
	if err != nil {
		return err
	}
	names = edit(names)
	if names == nil {
		return nil
	}
	slices.Sort(names)
	text := strings.Join(names, "\n")
	if len(names) == 0 {
		return call0(ctx, func() error {
			err := gokeyring.Delete(s.service, indexAccount)
			if errors.Is(err, gokeyring.ErrNotFound) {
				return nil
			}
			return err
		})
	}
	return call0(ctx, func() error { return gokeyring.Set(s.service, indexAccount, text) })
}
