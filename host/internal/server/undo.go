package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/otpfill/otpfill/host/internal/match"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/protocol"
)

// undo: take a save back when the site rejects the code.

// undoStep puts one entry of one store back: prev is its content before the
// save, unless the save created it. stamp fingerprints what the save left in
// the entry: undo goes ahead only while the entry still holds exactly that.
type undoStep struct {
	w        store.Writer
	name     string
	prev     []byte
	created  bool
	stamp    [sha256.Size]byte
	stampErr error
}

type undoRecord struct {
	name  string
	steps []undoStep
	at    time.Time
}

// undoLog keeps the last saves of this host process, in memory only (prev
// holds decrypted content, which must never be written anywhere but the
// store), for a limited time.
type undoLog struct {
	mu      sync.Mutex
	records map[string]*undoRecord
}

const (
	undoKeep = 15 * time.Minute
	undoMax  = 16
)

func (l *undoLog) add(name string, steps []undoStep) string {
	if len(steps) == 0 {
		return ""
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.records == nil {
		l.records = map[string]*undoRecord{}
	}
	l.expire()
	if len(l.records) >= undoMax {
		var oldest string
		for t, r := range l.records {
			if oldest == "" || r.at.Before(l.records[oldest].at) {
				oldest = t
			}
		}
		l.drop(oldest)
	}
	b := make([]byte, 12)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	l.records[token] = &undoRecord{name: name, steps: steps, at: time.Now()}
	return token
}

// get returns a record and leaves it in place.
func (l *undoLog) get(token string) *undoRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expire()
	return l.records[token]
}

func (l *undoLog) take(token string) *undoRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expire()
	r := l.records[token]
	delete(l.records, token)
	return r
}

func (l *undoLog) expire() {
	for t, r := range l.records {
		if time.Since(r.at) > undoKeep {
			l.drop(t)
		}
	}
}

func (l *undoLog) drop(token string) {
	for _, st := range l.records[token].steps {
		clear(st.prev)
	}
	delete(l.records, token)
}

func (s *Server) undo(ctx context.Context, p protocol.UndoParams) (protocol.UndoResult, error) {
	if p.Token == "" {
		return protocol.UndoResult{}, badRequest(`"token" is missing`)
	}
	noRecord := fmt.Errorf("%w: nothing to undo (the save is too old, was already undone, or was made by another host process)", store.ErrNotFound)
	rec := s.undos.get(p.Token)
	if rec == nil {
		return protocol.UndoResult{}, noRecord
	}
	if p.URL != "" {
		// A page of another site cannot take back a save either; the token
		// stays usable from the right one.
		site, err := match.ParseSite(p.URL)
		if err != nil {
			return protocol.UndoResult{}, err
		}
		for _, st := range rec.steps {
			if err := s.checkBound(site, st.w.ID(), st.name); err != nil {
				return protocol.UndoResult{}, err
			}
		}
	}
	if rec = s.undos.take(p.Token); rec == nil {
		return protocol.UndoResult{}, noRecord
	}
	defer func() {
		for _, st := range rec.steps {
			clear(st.prev)
		}
	}()
	// Undo only what is still this save's own: if anything wrote to the
	// entry since (another save, an edit, an HOTP code), putting the old
	// content back would destroy that, so nothing is undone.
	for _, st := range rec.steps {
		if err := s.unchanged(ctx, st, false); err != nil {
			return protocol.UndoResult{}, err
		}
	}
	res := protocol.UndoResult{Name: rec.name}
	var firstErr error
	for _, st := range rec.steps {
		_, err := s.modify(ctx, st.w, st.name, change{
			// Checked again under the lock: the check above ran unlocked
			// between stores.
			check: func() error { return s.unchanged(ctx, st, true) },
			blind: true,
			edit: func([]byte, bool) ([]byte, bool, error) {
				if st.created {
					s.made.forget(st.w.ID(), st.name)
				}
				return st.prev, st.created, nil
			},
		})
		if err != nil {
			s.Log.Warn().Str("store", st.w.ID()).Str("entry", st.name).Err(err).Msg("undo failed")
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		res.Stores = append(res.Stores, st.w.ID())
	}
	if len(res.Stores) == 0 && firstErr != nil {
		return protocol.UndoResult{}, firstErr
	}
	return res, nil
}

// unchanged returns an error (wrapping store.ErrExists, or ErrNotFound when
// the entry is gone) if the entry of st no longer holds what the save wrote.
// locked says the caller holds the entry's lock; otherwise unchanged takes
// it for the check.
func (s *Server) unchanged(ctx context.Context, st undoStep, locked bool) error {
	if !locked {
		unlock, err := s.lock(st.w.ID(), st.name)
		if err != nil {
			return err
		}
		defer unlock()
	}
	if st.stampErr != nil {
		return fmt.Errorf("%w: %s in %s cannot be checked for later changes (%v), so it is left as it is", store.ErrExists, st.name, st.w.ID(), st.stampErr)
	}
	now, err := s.stamp(ctx, st.w, st.name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: %s was removed from %s since that save, so there is nothing to undo", store.ErrNotFound, st.name, st.w.ID())
	case err != nil:
		return err
	case now != st.stamp:
		return fmt.Errorf("%w: %s in %s changed since that save (another save, an edit or a new HOTP code): undoing it would lose that change, so nothing was undone", store.ErrExists, st.name, st.w.ID())
	}
	return nil
}
