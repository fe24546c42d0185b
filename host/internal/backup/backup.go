// Package backup checks and keeps in step the second copy of every 2FA key:
// each store may have a backup store (config "backup", by default the
// keyring for the pass store), and every 2FA entry of either should be in
// both, holding the same key.
//
// Status reads every entry of every store (decrypting it) and compares the
// parsed keys of the two copies: type, secret bytes, algorithm, digits and
// period; HOTP counters may differ (Sync raises the lower one). Nothing it
// returns holds a secret: only names, store ids, states, counters and
// error messages of the stores, which never quote an entry.
//
// Sync copies what is missing through the stores' own writers (a pass
// store encrypts to its recipients and commits to git), one entry at a
// time under the same per-entry lock as the host, and never replaces a
// differing secret.
package backup

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
)

// States of an entry.
const (
	// Covered: both copies hold the same key.
	Covered = "covered"
	// Missing: one store has the key, its pair has no copy of it.
	Missing = "missing"
	// Conflict: both copies exist and hold different keys.
	Conflict = "conflict"
	// NoBackup: the entry's store has no backup store configured.
	NoBackup = "no_backup"
	// Error: a copy (or its store) could not be read; Message says why.
	Error = "error"
)

// Checker checks and syncs the stores' backup pairs.
type Checker struct {
	Stores []store.Store
	// Pairs maps a store id to its backup store's id.
	Pairs map[string]string
	// Git is the git binary used to find uncommitted pass entries; ""
	// skips that check. Env is its environment (nil inherits).
	Git string
	Env []string
	// Lock serialises read-modify-write on one entry with the host (HOTP
	// counters); nil locks nothing.
	Lock func(storeID, name string) (unlock func(), err error)
	// Optional names stores whose absence is normal (defaults the user never
	// configured): one that is unavailable and backs up nothing is skipped.
	Optional map[string]bool
	// Workers bounds the entries read at once; 0 means 4.
	Workers int
}

// Entry is the backup state of one 2FA key, under one name in a pair of
// stores (or in a store without a pair).
type Entry struct {
	Name  string `json:"name"`
	State string `json:"state"`
	// Stores are the stores that should hold a copy: the pair, primary
	// first, or the single store of an unpaired entry.
	Stores []string `json:"stores"`
	// Copies are the stores that hold this key (an entry without an OTP
	// secret is not a copy).
	Copies []string `json:"copies"`
	// Missing is the store that lacks a copy (state missing).
	Missing string `json:"missing,omitempty"`
	Type    string `json:"type,omitempty"`
	// Counters of an HOTP key, by store, when the copies disagree.
	Counters map[string]uint64 `json:"counters,omitempty"`
	// RecoveryCodes lists the copies that hold recovery codes.
	RecoveryCodes []string `json:"recovery_codes"`
	// Uncommitted lists the pass copies whose file is not committed to git.
	Uncommitted []string `json:"uncommitted,omitempty"`
	Message     string   `json:"message,omitempty"`
}

// Report is the result of Status.
type Report struct {
	Entries []Entry `json:"entries"`
	// Problems are configuration or store problems (a backup store that is
	// not in use, a store that cannot be listed, git failing).
	Problems []string `json:"problems,omitempty"`
	Summary  Summary  `json:"summary"`
}

// Summary counts the entries.
type Summary struct {
	Keys             int `json:"keys"`
	Covered          int `json:"covered"`
	Missing          int `json:"missing"`
	Conflicts        int `json:"conflicts"`
	NoBackup         int `json:"no_backup"`
	Errors           int `json:"errors"`
	NoRecoveryCodes  int `json:"no_recovery_codes"`
	Uncommitted      int `json:"uncommitted"`
	CountersDiffer   int `json:"hotp_counters_differ"`
	RecoveryOnlyOnce int `json:"recovery_codes_in_one_copy"`
	// RecoveryOnly counts the entries of recovery codes only (no key),
	// which are among Keys: their codes need a second copy too.
	RecoveryOnly int `json:"recovery_only"`
}

// OK reports whether every key has a second copy holding the same key.
func (r *Report) OK() bool {
	s := r.Summary
	return s.Covered == s.Keys && len(r.Problems) == 0
}

// Line is the one-line summary (doctor shows it).
func (r *Report) Line() string {
	s := r.Summary
	if s.Keys == 0 {
		return "no 2FA key in any store"
	}
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(s.Missing, "without a second copy")
	add(s.Conflicts, "whose copies differ")
	add(s.NoBackup, "in a store with no backup store")
	add(s.Errors, "unreadable")
	add(s.NoRecoveryCodes, "without recovery codes")
	add(s.Uncommitted, "not committed to git")
	add(s.CountersDiffer, "with HOTP counters to reconcile")
	line := fmt.Sprintf("%d of %d 2FA keys have a second copy", s.Covered, s.Keys)
	if s.RecoveryOnly > 0 {
		line = fmt.Sprintf("%d of %d 2FA keys (%d of them recovery codes only) have a second copy", s.Covered, s.Keys, s.RecoveryOnly)
	}
	if len(parts) > 0 {
		line += "; " + strings.Join(parts, ", ")
	}
	if n := len(r.Problems); n > 0 {
		line += fmt.Sprintf("; %d problem(s): %s", n, strings.Join(r.Problems, "; "))
	}
	return line
}

// unit is one name to check: a pair of stores (b nil when unpaired).
type unit struct {
	name string
	a, b store.Store
	// listErr: the pair's other store could not be listed.
	listErr error
}

// copyState is what one store holds under a name.
type copyState struct {
	present  bool
	content  []byte
	key      *otp.Key // nil when absent or without OTP secret
	recovery []string
	err      error
}

func (c *copyState) clear() {
	clear(c.content)
	if c.key != nil {
		clear(c.key.Secret)
	}
}

func (k *Checker) storeByID(id string) store.Store {
	for _, st := range k.Stores {
		if st.ID() == id {
			return st
		}
	}
	return nil
}

// Partner returns the other store of id's pair, if it has one.
func Partner(pairs map[string]string, id string) (string, bool) {
	if b, ok := pairs[id]; ok {
		return b, true
	}
	for p, b := range pairs {
		if b == id {
			return p, true
		}
	}
	return "", false
}

// units lists every store and returns the names to check, in store order,
// and the problems found on the way.
func (k *Checker) units(ctx context.Context) ([]unit, []string) {
	var problems []string
	lists := map[string][]string{}
	listErrs := map[string]error{}
	for _, st := range k.Stores {
		names, err := st.List(ctx)
		if err != nil {
			listErrs[st.ID()] = err
			continue
		}
		lists[st.ID()] = names
	}
	primaries := slices.Sorted(func(yield func(string) bool) {
		for p := range k.Pairs {
			if !yield(p) {
				return
			}
		}
	})
	paired := map[string]bool{}
	var out []unit
	for _, p := range primaries {
		b := k.Pairs[p]
		a, bs := k.storeByID(p), k.storeByID(b)
		switch {
		case a == nil && bs == nil:
			problems = append(problems, fmt.Sprintf("the backup pair %s → %s names no store in use", p, b))
			continue
		case a == nil:
			problems = append(problems, fmt.Sprintf("store %s, whose backup is %s, is not in use", p, b))
			continue
		case bs == nil:
			problems = append(problems, fmt.Sprintf("the backup store %s of %s is not in use (check \"backup\" and \"stores\" in the otpfill config)", b, p))
			continue
		}
		if k.Optional[p] && errors.Is(listErrs[p], store.ErrUnavailable) {
			// A default store the user never set up (no ~/.password-store)
			// has nothing to back up: its backup store stands alone.
			continue
		}
		paired[p], paired[b] = true, true
		for _, id := range []string{p, b} {
			if err := listErrs[id]; err != nil {
				problems = append(problems, fmt.Sprintf("cannot list store %s: %v", id, err))
			}
		}
		var otherErr error
		if listErrs[p] != nil {
			otherErr = listErrs[p]
		} else if listErrs[b] != nil {
			otherErr = listErrs[b]
		}
		names := append(slices.Clone(lists[p]), lists[b]...)
		slices.Sort(names)
		names = slices.Compact(names)
		for _, n := range names {
			out = append(out, unit{name: n, a: a, b: bs, listErr: otherErr})
		}
	}
	for _, st := range k.Stores {
		if paired[st.ID()] {
			continue
		}
		if err := listErrs[st.ID()]; err != nil {
			if !k.Optional[st.ID()] || !errors.Is(err, store.ErrUnavailable) {
				problems = append(problems, fmt.Sprintf("cannot list store %s: %v", st.ID(), err))
			}
			continue
		}
		for _, n := range lists[st.ID()] {
			out = append(out, unit{name: n, a: st})
		}
	}
	return out, problems
}

func read(ctx context.Context, st store.Store, name string) copyState {
	content, err := st.Read(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return copyState{}
	}
	if err != nil {
		return copyState{err: err}
	}
	c := copyState{present: true, content: content, recovery: entry.RecoveryCodes(content)}
	key, err := entry.Parse(content)
	switch {
	case errors.Is(err, entry.ErrNoOTP):
	case err != nil:
		c.err = fmt.Errorf("%s in store %s: %w", name, st.ID(), err)
	default:
		c.key = key
	}
	return c
}

// SameKey reports whether two keys give the same codes (HOTP counters
// aside). Labels (issuer, account) do not count.
func SameKey(a, b *otp.Key) bool {
	if a.Type != b.Type || a.Algorithm != b.Algorithm || a.Digits != b.Digits {
		return false
	}
	if a.Type == otp.TOTP && a.Period != b.Period {
		return false
	}
	return len(a.Secret) == len(b.Secret) && subtle.ConstantTimeCompare(a.Secret, b.Secret) == 1
}

// evaluate sets e's state from the two copies (b is the zero copyState of
// an unpaired entry). It reports false when the name holds no 2FA key.
func evaluate(e *Entry, u unit, a, b copyState) bool {
	e.Name = u.name
	e.Stores = []string{u.a.ID()}
	if u.b != nil {
		e.Stores = append(e.Stores, u.b.ID())
	}
	copies := []struct {
		id string
		c  copyState
	}{{u.a.ID(), a}}
	if u.b != nil {
		copies = append(copies, struct {
			id string
			c  copyState
		}{u.b.ID(), b})
	}
	e.Copies, e.RecoveryCodes = []string{}, []string{}
	var errs []string
	for _, c := range copies {
		if c.c.err != nil {
			errs = append(errs, c.c.err.Error())
			continue
		}
		if c.c.key != nil {
			e.Copies = append(e.Copies, c.id)
			e.Type = string(c.c.key.Type)
			if len(c.c.recovery) > 0 {
				e.RecoveryCodes = append(e.RecoveryCodes, c.id)
			}
		}
	}
	switch {
	case len(errs) > 0:
		e.State, e.Message = Error, strings.Join(errs, "; ")
		return true
	case len(e.Copies) == 0:
		return evaluateRecoveryOnly(e, u, a, b)
	}
	if pairState(e, u, "", func() bool { return SameKey(a.key, b.key) }, "keys") && a.key.Type == otp.HOTP && a.key.Counter != b.key.Counter {
		e.Counters = map[string]uint64{u.a.ID(): a.key.Counter, u.b.ID(): b.key.Counter}
	}
	return true
}

// pairState sets e's state from where its copies are (e.Copies): no backup
// store, a copy missing ("no copy WHAT in STORE"), two copies that differ
// (same says whether they hold the same; differ names what), or covered. It
// reports whether the entry is covered.
func pairState(e *Entry, u unit, what string, same func() bool, differ string) bool {
	switch {
	case u.b == nil:
		e.State, e.Message = NoBackup, fmt.Sprintf("store %s has no backup store", u.a.ID())
	case len(e.Copies) == 1:
		if u.listErr != nil {
			e.State, e.Message = Error, fmt.Sprintf("the other store could not be listed: %v", u.listErr)
			return false
		}
		e.State = Missing
		e.Missing = e.Stores[0]
		if e.Copies[0] == e.Stores[0] {
			e.Missing = e.Stores[1]
		}
		e.Message = "no copy " + what + "in " + e.Missing
	case !same():
		e.State, e.Message = Conflict, fmt.Sprintf("%s in %s and %s in %s hold different %s", u.name, u.a.ID(), u.name, u.b.ID(), differ)
		if differ == "keys" {
			// Sync never chooses; the user does, with otpfill's own commands.
			n := shellWord(u.name)
			e.Message += fmt.Sprintf("; keep the one the site accepts: `otpfill export %s --uri --store %s | otpfill add %s --store %s --force` copies the %s one over the other (or the reverse)",
				n, u.a.ID(), n, u.b.ID(), u.a.ID())
		}
	default:
		e.State = Covered
		return true
	}
	return false
}

// Status checks every 2FA entry of every store.
func (k *Checker) Status(ctx context.Context) *Report {
	units, problems := k.units(ctx)
	uncommitted, gitProblems := k.uncommitted(ctx)
	problems = append(problems, gitProblems...)
	entries := make([]*Entry, len(units))
	k.each(ctx, units, func(i int, u unit) {
		a := read(ctx, u.a, u.name)
		defer a.clear()
		var b copyState
		if u.b != nil {
			b = read(ctx, u.b, u.name)
			defer b.clear()
		}
		var e Entry
		if !evaluate(&e, u, a, b) {
			return
		}
		for _, id := range e.Copies {
			if uncommitted[id][u.name] {
				e.Uncommitted = append(e.Uncommitted, id)
			}
		}
		entries[i] = &e
	})
	r := &Report{Entries: []Entry{}, Problems: problems}
	for _, e := range entries {
		if e == nil {
			continue
		}
		r.Entries = append(r.Entries, *e)
		s := &r.Summary
		s.Keys++
		switch e.State {
		case Covered:
			s.Covered++
		case Missing:
			s.Missing++
		case Conflict:
			s.Conflicts++
		case NoBackup:
			s.NoBackup++
		case Error:
			s.Errors++
		}
		if e.Type == RecoveryOnly {
			s.RecoveryOnly++
		}
		if e.State != Error && len(e.RecoveryCodes) == 0 {
			s.NoRecoveryCodes++
		}
		if e.State == Covered && len(e.RecoveryCodes) == 1 {
			s.RecoveryOnlyOnce++
		}
		if len(e.Uncommitted) > 0 {
			s.Uncommitted++
		}
		if e.Counters != nil {
			s.CountersDiffer++
		}
	}
	return r
}

// each runs f on every unit with up to Workers goroutines.
func (k *Checker) each(ctx context.Context, units []unit, f func(int, unit)) {
	n := k.Workers
	if n <= 0 {
		n = 4
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i, units[i])
			}
		}()
	}
	for i := range units {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
}

// copyContent is what a new copy holds: the key's otpauth URI and the
// source's recovery codes, the form every keyring copy has. Passwords and
// other fields of a pass entry are not copied: the backup is of 2FA keys.
func copyContent(name string, key *otp.Key, recovery []string) []byte {
	content := []byte(labelled(name, key).URI() + "\n")
	if len(recovery) > 0 {
		content = entry.SetRecoveryCodes(content, recovery)
	}
	return content
}

// shellWord quotes s for a POSIX shell when it holds anything but the
// characters of ordinary entry names.
func shellWord(s string) string {
	plain := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._@/:+-=,", r))
	}) < 0
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
