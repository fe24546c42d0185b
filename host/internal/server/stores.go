package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/protocol"
)

// Finding stores by id, listing them, and reading an entry from the first
// store that has it.

// listTimeout bounds each store's listing when several are listed together.
const listTimeout = time.Second

func (s *Server) storeByID(id string) (store.Store, error) {
	for _, st := range s.Stores {
		if st.ID() == id {
			return st, nil
		}
	}
	if strings.ContainsAny(id, `/\`) {
		return nil, fmt.Errorf("%w: a request names a store by its id, never by a path (store paths come only from the otpfill config)", errForbidden)
	}
	return nil, fmt.Errorf("%w: there is no store %q (stores come from the otpfill config)", store.ErrUnavailable, truncate(id, 64))
}

// storesFor returns the named store, or every store when id is empty.
func (s *Server) storesFor(id string) ([]store.Store, error) {
	if id == "" {
		return s.Stores, nil
	}
	st, err := s.storeByID(id)
	if err != nil {
		return nil, err
	}
	return []store.Store{st}, nil
}

// entries lists the names in the given stores. With several stores, one
// that cannot be listed is skipped (hello reports it); with one, its error
// is the answer.
func (s *Server) entries(ctx context.Context, stores []store.Store) ([]protocol.EntryRef, error) {
	var out []protocol.EntryRef
	err := s.eachStoreList(ctx, stores, nil, func(st store.Store, names []string) {
		out = slices.Grow(out, len(names))
		for _, n := range names {
			out = append(out, protocol.EntryRef{Name: n, Store: st.ID()})
		}
	})
	return out, err
}

// eachStoreList lists every store and hands each list to f, in store order.
//
// With keep, a store that can filter while it lists (the pass store) keeps
// only the names keep accepts; others list everything.
func (s *Server) eachStoreList(ctx context.Context, stores []store.Store, keep func([]byte) bool, f func(store.Store, []string)) error {
	for _, st := range stores {
		lctx, cancel := ctx, context.CancelFunc(func() {})
		if len(stores) > 1 {
			// One slow store (a hung keyring daemon) must not hold up
			// matching on every page: it is skipped after listTimeout.
			lctx, cancel = context.WithTimeout(ctx, listTimeout)
		}
		var names []string
		var err error
		if lm, ok := st.(listMatcher); ok && keep != nil {
			names, err = lm.ListMatching(lctx, keep)
		} else {
			names, err = st.List(lctx)
		}
		cancel()
		if err != nil {
			if len(stores) == 1 {
				return err
			}
			s.Log.Debug().Str("store", st.ID()).Err(err).Msg("store skipped")
			continue
		}
		f(st, names)
	}
	return nil
}

// listMatcher is a store that can leave out names while listing.
type listMatcher interface {
	ListMatching(ctx context.Context, keep func(name []byte) bool) ([]string, error)
}

// readEntry reads a name from one store, or from the first store that has it.
func (s *Server) readEntry(ctx context.Context, name, storeID string) ([]byte, store.Store, error) {
	if err := store.ValidateName(name); err != nil {
		return nil, nil, err
	}
	stores, err := s.storesFor(storeID)
	if err != nil {
		return nil, nil, err
	}
	var firstErr error
	allUnavailable := true
	for _, st := range stores {
		content, err := st.Read(ctx, name)
		if err == nil {
			return content, st, nil
		}
		if len(stores) == 1 {
			return nil, nil, err
		}
		allUnavailable = allUnavailable && errors.Is(err, store.ErrUnavailable)
		// A missing entry or an unreachable store: look further. Any other
		// failure (decryption) is the answer unless another store has it.
		if firstErr == nil || (errors.Is(firstErr, store.ErrNotFound) || errors.Is(firstErr, store.ErrUnavailable)) && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrUnavailable) {
			firstErr = err
		}
	}
	if allUnavailable && firstErr != nil {
		// No store could even look (gpg missing, no keyring service): say
		// why, rather than that the entry does not exist.
		return nil, nil, firstErr
	}
	if firstErr == nil || errors.Is(firstErr, store.ErrUnavailable) {
		return nil, nil, fmt.Errorf("%w: %s is in no store", store.ErrNotFound, name)
	}
	return nil, nil, firstErr
}
