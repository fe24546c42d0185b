package backup

import (
	"context"
	"fmt"
	"slices"

	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
)

// Change is one write Sync made.
type Change struct {
	Name  string `json:"name"`
	Store string `json:"store"`
	// What: "copied", "counter" (HOTP counter raised to the other copy's),
	// "recovery_codes" (copied from the other copy).
	What    string `json:"what"`
	Counter uint64 `json:"counter,omitempty"`
}

// Left is an entry Sync could not bring in step.
type Left struct {
	Name    string   `json:"name"`
	State   string   `json:"state"`
	Stores  []string `json:"stores"`
	Message string   `json:"message"`
}

// SyncResult is what Sync did and what is still out of step.
type SyncResult struct {
	Changes  []Change `json:"changes"`
	Left     []Left   `json:"left"`
	Problems []string `json:"problems,omitempty"`
}

// OK reports whether everything is in step.
func (r *SyncResult) OK() bool { return len(r.Left) == 0 && len(r.Problems) == 0 }

// batcher is a store that can group its git commits (the pass store).
type batcher interface {
	StartBatch() (end func(ctx context.Context, message string) error)
}

// Sync copies every 2FA key missing from its pair into the other store,
// raises the lower HOTP counter of two copies to the higher, and copies
// recovery codes into a copy that has none. With to, only store to is
// written; what would need a write elsewhere is left and reported.
//
// Each entry is handled under the host's per-entry locks and re-read under
// them; each write is atomic. A differing secret is never replaced. Running
// Sync again changes nothing.
func (k *Checker) Sync(ctx context.Context, to string) (*SyncResult, error) {
	if to != "" && k.storeByID(to) == nil {
		return nil, fmt.Errorf("%w: there is no store %q", store.ErrUnavailable, to)
	}
	if to != "" {
		if _, ok := Partner(k.Pairs, to); !ok {
			return nil, fmt.Errorf("store %s is not part of a backup pair (see \"backup\" in the otpfill config)", to)
		}
	}
	units, problems := k.units(ctx)
	res := &SyncResult{Changes: []Change{}, Left: []Left{}, Problems: problems}
	// One git commit per pass store for the whole sync, as import does.
	var ends []func(context.Context, string) error
	for _, st := range k.Stores {
		if b, ok := st.(batcher); ok {
			ends = append(ends, b.StartBatch())
		}
	}
	defer func() {
		for _, end := range ends {
			// A commit that fails leaves the copies written but not
			// committed: a problem, which `backup status` shows too.
			if err := end(context.WithoutCancel(ctx), "otpfill backup sync: copy 2FA keys to their backup store."); err != nil {
				res.Problems = append(res.Problems, err.Error())
			}
		}
	}()
	changes := make([][]Change, len(units))
	left := make([]*Left, len(units))
	k.each(ctx, units, func(i int, u unit) {
		changes[i], left[i] = k.syncOne(ctx, u, to)
	})
	for i := range units {
		res.Changes = append(res.Changes, changes[i]...)
		if left[i] != nil {
			res.Left = append(res.Left, *left[i])
		}
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, nil
}

// syncOne brings one name in step.
func (k *Checker) syncOne(ctx context.Context, u unit, to string) ([]Change, *Left) {
	if u.b == nil {
		// An unpaired store: only worth a line if the name is a 2FA key.
		a := read(ctx, u.a, u.name)
		defer a.clear()
		var e Entry
		if !evaluate(&e, u, a, copyState{}) {
			return nil, nil
		}
		return nil, &Left{Name: u.name, State: e.State, Stores: e.Stores, Message: e.Message}
	}
	unlock, err := k.lockBoth(u)
	if err != nil {
		return nil, &Left{Name: u.name, State: Error, Stores: []string{u.a.ID(), u.b.ID()}, Message: err.Error()}
	}
	defer unlock()
	a := read(ctx, u.a, u.name)
	defer a.clear()
	b := read(ctx, u.b, u.name)
	defer b.clear()
	var e Entry
	if !evaluate(&e, u, a, b) {
		return nil, nil
	}
	leave := func(state, msg string) *Left {
		return &Left{Name: u.name, State: state, Stores: e.Stores, Message: msg}
	}
	switch e.State {
	case Error, Conflict:
		return nil, leave(e.State, e.Message)
	case Missing:
		src, dst, dstCopy := a, u.b, b
		if e.Missing == u.a.ID() {
			src, dst, dstCopy = b, u.a, a
		}
		if to != "" && dst.ID() != to {
			return nil, leave(Missing, fmt.Sprintf("no copy in %s (sync without --to, or with --to %s, copies it)", dst.ID(), dst.ID()))
		}
		if src.key == nil {
			return syncRecoveryOnly(ctx, u.name, src, dst, dstCopy, leave)
		}
		content := copyContent(u.name, src.key, src.recovery)
		defer func() { clear(content) }()
		if dstCopy.present {
			// The name is there without an OTP secret (a password only):
			// the key is added and the rest kept, as `pass otp append`.
			clear(content)
			content = entry.SetURI(dstCopy.content, labelled(u.name, src.key).URI())
			if len(dstCopy.recovery) == 0 && len(src.recovery) > 0 {
				content = entry.SetRecoveryCodes(content, src.recovery)
			}
		}
		if err := write(ctx, dst, u.name, content, dstCopy.present); err != nil {
			return nil, leave(Error, fmt.Sprintf("cannot copy %s into %s: %v", u.name, dst.ID(), err))
		}
		return []Change{{Name: u.name, Store: dst.ID(), What: "copied"}}, nil
	}
	if e.Type == RecoveryOnly {
		return nil, nil // covered: both copies hold the same codes
	}
	// Covered: counters and recovery codes.
	var changes []Change
	var lefts []string
	copies := []*copyState{&a, &b}
	stores := []store.Store{u.a, u.b}
	if a.key.Type == otp.HOTP && a.key.Counter != b.key.Counter {
		low, high := 0, 1
		if a.key.Counter > b.key.Counter {
			low, high = 1, 0
		}
		counter := copies[high].key.Counter
		if to != "" && stores[low].ID() != to {
			lefts = append(lefts, fmt.Sprintf("the HOTP counter in %s is behind %s's", stores[low].ID(), stores[high].ID()))
		} else {
			k2 := *copies[low].key
			k2.Counter = counter
			content := entry.SetURI(copies[low].content, k2.URI())
			if err := write(ctx, stores[low], u.name, content, true); err != nil {
				clear(content)
				lefts = append(lefts, fmt.Sprintf("cannot raise the HOTP counter in %s: %v", stores[low].ID(), err))
			} else {
				changes = append(changes, Change{Name: u.name, Store: stores[low].ID(), What: "counter", Counter: counter})
				// What the store holds now; cleared with the copy.
				clear(copies[low].content)
				copies[low].content = content
			}
		}
	}
	for i, c := range copies {
		other := copies[1-i]
		if len(c.recovery) > 0 || len(other.recovery) == 0 {
			continue
		}
		if to != "" && stores[i].ID() != to {
			lefts = append(lefts, fmt.Sprintf("the recovery codes are not in %s", stores[i].ID()))
			continue
		}
		content := entry.SetRecoveryCodes(c.content, other.recovery)
		err := write(ctx, stores[i], u.name, content, true)
		clear(content)
		if err != nil {
			lefts = append(lefts, fmt.Sprintf("cannot copy the recovery codes into %s: %v", stores[i].ID(), err))
			continue
		}
		changes = append(changes, Change{Name: u.name, Store: stores[i].ID(), What: "recovery_codes"})
	}
	if len(lefts) > 0 {
		return changes, leave(Covered, joinMsgs(lefts))
	}
	return changes, nil
}

func joinMsgs(m []string) string {
	out := m[0]
	for _, s := range m[1:] {
		out += "; " + s
	}
	return out
}

// labelled gives a key without issuer and account the entry's name as its
// account: pass-otp refuses a URI without a label (as in server.saveKey).
func labelled(name string, key *otp.Key) *otp.Key {
	k := *key
	if k.Account == "" && k.Issuer == "" {
		k.Account = name
	}
	return &k
}

func write(ctx context.Context, st store.Store, name string, content []byte, overwrite bool) error {
	w, ok := st.(store.Writer)
	if !ok {
		return fmt.Errorf("store %s cannot be written", st.ID())
	}
	return w.Write(ctx, name, content, overwrite)
}

// lockBoth takes the host's lock on the name in both stores, in a fixed
// order (the host never holds two at once, so this cannot deadlock).
func (k *Checker) lockBoth(u unit) (func(), error) {
	if k.Lock == nil {
		return func() {}, nil
	}
	ids := []string{u.a.ID(), u.b.ID()}
	slices.Sort(ids)
	var unlocks []func()
	release := func() {
		for i := len(unlocks) - 1; i >= 0; i-- {
			unlocks[i]()
		}
	}
	for _, id := range ids {
		un, err := k.Lock(id, u.name)
		if err != nil {
			release()
			return nil, fmt.Errorf("cannot lock %s in %s: %w", u.name, id, err)
		}
		unlocks = append(unlocks, un)
	}
	return release, nil
}
