package server

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/otpfill/otpfill/host/internal/store"
)

// The one read-modify-write cycle of an entry (modify), and the lock it runs
// under. Every action that changes an existing entry goes through it: an
// HOTP code (and its backup copy), save, save_recovery, undo.

// A change is what modify does to one entry, under that entry's lock.
type change struct {
	// check, when set, runs first; its error leaves the entry as it is.
	check func() error
	// edit computes the entry's new content from what it holds now: old is
	// nil and found false when there is no such entry. It returns the
	// content to write, or remove to delete the entry instead; an error
	// leaves the entry as it is (errNoChange: on purpose, not a failure).
	edit func(old []byte, found bool) (updated []byte, remove bool, err error)
	// mustExist: a missing entry is an error (the store's, wrapping
	// store.ErrNotFound), and edit is not called.
	mustExist bool
	// blind: the new content does not depend on the old (undo puts back
	// what it kept): the entry is not read, so nothing is decrypted; edit
	// gets nil, false, and what it returns replaces whatever is there.
	blind bool
	// after runs once the write succeeded, still under the lock (undo's
	// stamp of what the write left); step is what modify returns.
	after func(step *undoStep)
}

// errNoChange: an edit found nothing to change; modify writes nothing and
// returns no error.
var errNoChange = errors.New("nothing to change")

// modify runs the lock→read→modify→write cycle of one entry of w. It takes
// the entry's lock (in this process and, with s.Lock, across host
// processes), reads what the entry holds now, hands it to c.edit, and writes
// the result with w.Write, which is atomic: a failed write leaves the entry
// as it was. The pass store commits the write to git, and a commit that
// fails is a warning in ctx (store.Warn) that the answer carries. The lock
// is held from the read to the end of c.after, so two changes of one entry
// never interleave and neither is lost.
//
// It returns the change's undo step: prev is the content before the change
// (nil if none; the caller owns it and clears it), created says the change
// made the entry.
func (s *Server) modify(ctx context.Context, w store.Writer, name string, c change) (undoStep, error) {
	unlock, err := s.lock(w.ID(), name)
	if err != nil {
		return undoStep{}, err
	}
	defer unlock()
	if c.check != nil {
		if err := c.check(); err != nil {
			return undoStep{}, err
		}
	}
	var old []byte
	found := false
	if !c.blind {
		old, err = w.Read(ctx, name)
		switch {
		case err == nil:
			found = true
		case c.mustExist || !errors.Is(err, store.ErrNotFound):
			return undoStep{}, err
		}
	}
	step := undoStep{w: w, name: name, prev: old}
	updated, remove, err := c.edit(old, found)
	defer clear(updated)
	switch {
	case errors.Is(err, errNoChange):
		return step, nil
	case err != nil:
		clear(old)
		return undoStep{}, err
	case remove:
		err = w.Remove(ctx, name)
	default:
		err = w.Write(ctx, name, updated, found || c.blind)
		step.created = !found && !c.blind
	}
	if err != nil {
		clear(old)
		return undoStep{}, err
	}
	if c.after != nil {
		c.after(&step)
	}
	return step, nil
}

// stampNow fingerprints what step's entry holds now, for undo. The caller
// holds the entry's lock.
func (s *Server) stampNow(ctx context.Context, step *undoStep) {
	step.stamp, step.stampErr = s.stamp(ctx, step.w, step.name)
}

var memLocks sync.Map // storeID+"\x00"+name → *sync.Mutex

// lock takes the lock of one entry: in this process, and across host
// processes with s.Lock.
func (s *Server) lock(storeID, name string) (func(), error) {
	// An entry that is a link to another is locked as that other entry:
	// both are one file, one HOTP counter.
	if st, err := s.storeByID(storeID); err == nil {
		if l, ok := st.(interface{ LockName(string) string }); ok {
			name = l.LockName(name)
		}
	}
	m, _ := memLocks.LoadOrStore(storeID+"\x00"+name, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	if s.Lock == nil {
		return mu.Unlock, nil
	}
	unlock, err := s.Lock(storeID, name)
	if err != nil {
		mu.Unlock()
		return nil, &lockError{name: name, err: err}
	}
	return func() { unlock(); mu.Unlock() }, nil
}

// lockError: an entry's lock could not be taken.
type lockError struct {
	name string
	err  error
}

func (e *lockError) Error() string { return fmt.Sprintf("cannot lock %s: %v", e.name, e.err) }
func (e *lockError) Unwrap() error { return e.err }
