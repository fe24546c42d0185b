package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/otpfill/otpfill/host/backup"
	"github.com/otpfill/otpfill/host/entry"
	"github.com/otpfill/otpfill/host/match"
	"github.com/otpfill/otpfill/host/otp"
	"github.com/otpfill/otpfill/host/store"
	"github.com/otpfill/otpfill/protocol"
)

// checkTimeout bounds each store's health check in `hello`; listTimeout
// bounds each store's listing when several are listed together.
const (
	checkTimeout = time.Second
	listTimeout  = time.Second
)

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) hello(ctx context.Context) protocol.HelloResult {
	res := protocol.HelloResult{Version: s.Version, Protocol: protocol.Version, Stores: make([]protocol.StoreStatus, len(s.Stores))}
	var wg sync.WaitGroup
	for i, st := range s.Stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, checkTimeout)
			defer cancel()
			status := protocol.StoreStatus{ID: st.ID(), Kind: st.Kind(), OK: true, Optional: s.Optional[st.ID()]}
			if err := st.Check(cctx); err != nil {
				status.OK = false
				status.Error = err.Error()
			}
			res.Stores[i] = status
		}()
	}
	wg.Wait()
	return res
}

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

// pageBudget leaves room under MaxResponseSize for the envelope and cursor.
const pageBudget = protocol.MaxResponseSize - 16<<10

func (s *Server) list(ctx context.Context, p protocol.ListParams) (protocol.ListResult, error) {
	stores, err := s.storesFor(p.Store)
	if err != nil {
		return protocol.ListResult{}, err
	}
	var all []protocol.EntryRef
	listed := map[string]map[string]bool{}
	err = s.eachStoreList(ctx, stores, nil, func(st store.Store, names []string) {
		all = slices.Grow(all, len(names))
		set := make(map[string]bool, len(names))
		for _, n := range names {
			all = append(all, protocol.EntryRef{Name: n, Store: st.ID()})
			set[n] = true
		}
		listed[st.ID()] = set
	})
	if err != nil {
		return protocol.ListResult{}, err
	}
	noBackup := s.noBackup(listed)
	start := 0
	if p.Cursor != "" {
		after, err := decodeCursor(p.Cursor)
		if err != nil {
			return protocol.ListResult{}, err
		}
		// Entries are in store order, then name order: resume after the last
		// one sent, even if entries were added or removed meanwhile.
		start = len(all)
		for i, e := range all {
			if storeIndex(stores, e.Store) > storeIndex(stores, after.Store) ||
				(e.Store == after.Store && e.Name > after.Name) {
				start = i
				break
			}
		}
	}
	res := protocol.ListResult{Entries: []protocol.EntryRef{}}
	size := 0
	for i := start; i < len(all); i++ {
		// Room for `,"backup":false`, which is added below.
		enc, err := json.Marshal(all[i])
		if err != nil {
			return protocol.ListResult{}, err
		}
		cost := len(enc) + 1 + len(`,"backup":false`) // and a comma
		if size+cost > pageBudget && len(res.Entries) > 0 {
			res.Cursor = encodeCursor(res.Entries[len(res.Entries)-1])
			break
		}
		size += cost
		e := all[i]
		e.Backup = noBackup(e.Store, e.Name)
		res.Entries = append(res.Entries, e)
	}
	return res, nil
}

func storeIndex(stores []store.Store, id string) int {
	for i, st := range stores {
		if st.ID() == id {
			return i
		}
	}
	return -1
}

func encodeCursor(e protocol.EntryRef) string {
	return base64.RawURLEncoding.EncodeToString([]byte(e.Store + "\x00" + e.Name))
}

func decodeCursor(c string) (protocol.EntryRef, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	st, name, ok := strings.Cut(string(b), "\x00")
	if err != nil || !ok {
		return protocol.EntryRef{}, badRequest(`"cursor" is not a cursor this host gave out`)
	}
	return protocol.EntryRef{Store: st, Name: name}, nil
}

// storeNames is one store's listing, as matching keeps it: only the names
// that can match the site (the same name passes in every store).
type storeNames struct {
	store string
	names []string
}

func (s *Server) matches(ctx context.Context, rawURL string) (match.Site, []match.Result, error) {
	site, results, _, err := s.matchLists(ctx, rawURL)
	return site, results, err
}

func (s *Server) matchLists(ctx context.Context, rawURL string) (match.Site, []match.Result, []storeNames, error) {
	if rawURL == "" {
		return match.Site{}, nil, nil, badRequest(`"url" is missing`)
	}
	site, err := match.ParseSite(rawURL)
	if err != nil {
		return match.Site{}, nil, nil, err
	}
	type list = storeNames
	var lists []list
	// Names that cannot match the site are dropped while listing; the
	// rest are ranked below.
	m := match.NewMatcher(site, s.Aliases)
	err = s.eachStoreList(ctx, s.Stores, m.MatchesBytes, func(st store.Store, names []string) {
		lists = append(lists, list{st.ID(), names})
	})
	if err != nil {
		return site, nil, nil, err
	}
	entries := func(yield func(match.Entry) bool) {
		for _, l := range lists {
			for _, n := range l.names {
				if !yield(match.Entry{Name: n, Store: l.store}) {
					return
				}
			}
		}
	}
	return site, match.MatchSeq(site, entries, s.Aliases), lists, nil
}

func (s *Server) match(ctx context.Context, p protocol.MatchParams) (protocol.MatchResult, error) {
	_, results, lists, err := s.matchLists(ctx, p.URL)
	if err != nil {
		return protocol.MatchResult{}, err
	}
	listed := map[string]map[string]bool{}
	for _, l := range lists {
		set := make(map[string]bool, len(l.names))
		for _, n := range l.names {
			set[n] = true
		}
		listed[l.store] = set
	}
	noBackup := s.noBackup(listed)
	res := protocol.MatchResult{Entries: make([]protocol.MatchEntry, len(results))}
	for i, r := range results {
		res.Entries[i] = protocol.MatchEntry{Name: r.Name, Store: r.Store, Strength: string(r.Strength), Backup: noBackup(r.Store, r.Name)}
	}
	return res, nil
}

// exactOne picks the single exact match for a URL. The same name in several
// stores (a pass entry and its keyring backup) counts once: the first store
// in config order wins.
func (s *Server) exactOne(ctx context.Context, rawURL string) (protocol.EntryRef, error) {
	site, results, err := s.matches(ctx, rawURL)
	if err != nil {
		return protocol.EntryRef{}, err
	}
	var exact []protocol.EntryRef
	seen := map[string]bool{}
	for _, r := range results {
		if r.Strength != match.Exact || seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		exact = append(exact, protocol.EntryRef{Name: r.Name, Store: r.Store})
	}
	switch len(exact) {
	case 0:
		return protocol.EntryRef{}, fmt.Errorf("%w %s exactly (pick an entry in the popup)", errNoMatch, site.Host())
	case 1:
		return exact[0], nil
	}
	return protocol.EntryRef{}, &ambiguousError{site: site.Host(), candidates: exact}
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

func (s *Server) code(ctx context.Context, p protocol.CodeParams) (protocol.CodeResult, error) {
	name, storeID := p.Name, p.Store
	switch {
	case name != "" && p.URL != "":
		return protocol.CodeResult{}, badRequest(`give either "name" or "url", not both`)
	case name == "" && p.URL == "":
		return protocol.CodeResult{}, badRequest(`"name" or "url" is required`)
	case p.URL != "":
		ref, err := s.exactOne(ctx, p.URL)
		if err != nil {
			return protocol.CodeResult{}, err
		}
		name, storeID = ref.Name, ref.Store
	}
	return s.codeFor(ctx, name, storeID, nil)
}

// codeFor answers the code of one entry. An HOTP code advances the counter:
// when saved is the undo step of the save that wrote the entry, its stamp
// then takes in that write too, which is part of the save.
func (s *Server) codeFor(ctx context.Context, name, storeID string, saved *undoStep) (protocol.CodeResult, error) {
	content, st, err := s.readEntry(ctx, name, storeID)
	if err != nil {
		return protocol.CodeResult{}, err
	}
	key, err := entry.Parse(content)
	clear(content)
	if err != nil {
		return protocol.CodeResult{}, fmt.Errorf("%s: %w", name, err)
	}
	res := protocol.CodeResult{Name: name, Store: st.ID(), Type: string(key.Type), Digits: key.Digits, Encoder: string(key.Encoder)}
	if key.Type == otp.HOTP {
		code, err := s.nextHOTP(ctx, st, name, saved)
		if err != nil {
			return protocol.CodeResult{}, err
		}
		res.Code = code
		return res, nil
	}
	code, expires, err := key.TOTP(s.now())
	if err != nil {
		return protocol.CodeResult{}, fmt.Errorf("%s: %w", name, err)
	}
	res.Code, res.Period, res.ExpiresAt = code, key.Period, expires.UnixMilli()
	return res, nil
}

// nextHOTP gives the code for counter+1 and writes the counter back, as
// pass-otp does, under a lock so that concurrent requests never reuse one.
func (s *Server) nextHOTP(ctx context.Context, st store.Store, name string, saved *undoStep) (string, error) {
	w, ok := st.(store.Writer)
	if !ok {
		return "", fmt.Errorf("%w: store %s is read-only, so its HOTP counters cannot advance", errForbidden, st.ID())
	}
	unlock, err := s.lock(st.ID(), name)
	if err != nil {
		return "", err
	}
	defer func() { unlock() }()
	// Read again under the lock: another process may have advanced it.
	content, err := w.Read(ctx, name)
	if err != nil {
		return "", err
	}
	defer clear(content)
	key, err := entry.Parse(content)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if key.Type != otp.HOTP {
		return "", fmt.Errorf("%s: %w: the entry changed while being read", name, otp.ErrInvalidURI)
	}
	next, err := key.NextCounter()
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	key.Counter = next
	code, err := key.HOTP(key.Counter)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	updated := entry.SetURI(content, key.URI())
	defer clear(updated)
	if err := w.Write(ctx, name, updated, true); err != nil {
		return "", fmt.Errorf("cannot advance the HOTP counter of %s: %w", name, err)
	}
	if saved != nil && saved.w.ID() == w.ID() && saved.name == name {
		saved.stamp, saved.stampErr = s.stamp(ctx, w, name)
	}
	unlock()
	unlock = func() {}
	s.advanceBackup(ctx, st.ID(), name, key)
	return code, nil
}

var memLocks sync.Map // storeID+"\x00"+name → *sync.Mutex

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
		return nil, fmt.Errorf("cannot lock %s: %w", name, err)
	}
	return func() { unlock(); mu.Unlock() }, nil
}

// writers returns the stores a save goes to: a store id, "both" (the
// default store and its backup store: pass and keyring unless configured
// otherwise), or the configured default.
func (s *Server) writers(target string) ([]store.Writer, error) {
	if target == "" {
		target = s.SaveTo
	}
	if target == "" {
		target = store.KindPass
	}
	var ids []string
	if target == "both" {
		// The default store and its backup (by default pass and keyring).
		primary := s.SaveTo
		if primary == "" || primary == "both" {
			primary = store.KindPass
		}
		partner, ok := backup.Partner(s.Backup, primary)
		switch {
		case !ok:
			return nil, fmt.Errorf("%w: \"both\" saves to store %s and its backup, and %s has none (set \"backup\" in the otpfill config)", errForbidden, primary, primary)
		case s.Backup[primary] == partner:
			ids = []string{primary, partner}
		default:
			// The default store is itself a backup (save_to keyring): the
			// pair is written in its order, the store it backs up first.
			ids = []string{partner, primary}
		}
	} else {
		ids = []string{target}
	}
	var out []store.Writer
	for _, id := range ids {
		st, err := s.storeByID(id)
		if err != nil {
			return nil, err
		}
		w, ok := st.(store.Writer)
		if !ok {
			return nil, fmt.Errorf("%w: store %s cannot be written", errForbidden, id)
		}
		out = append(out, w)
	}
	return out, nil
}

// EntryName derives the name a saved secret gets: the site's registrable
// domain, then the account ("github.com/alice"), so that the site matches it
// exactly later. The page cannot steer it out of the store: every part is
// sanitised and the result validated.
func EntryName(site match.Site, account string) string {
	domain := site.RegistrableDomain()
	if domain == "" {
		domain = site.Host()
	}
	if site.Port() != "" && net.ParseIP(site.Host()) == nil && !strings.Contains(domain, ":") {
		domain = net.JoinHostPort(domain, site.Port())
	}
	acct := sanitizeSegment(account)
	if acct == "" {
		return domain
	}
	return domain + "/" + acct
}

func sanitizeSegment(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\':
			return '_'
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, ".")
	if len(s) > 120 {
		s = truncate(s, 120)
		s = strings.TrimSuffix(s, "…")
	}
	return s
}

func (s *Server) save(ctx context.Context, p protocol.SaveParams) (protocol.SaveResult, error) {
	if p.URI == "" {
		return protocol.SaveResult{}, badRequest(`"uri" is missing`)
	}
	if p.URL == "" {
		return protocol.SaveResult{}, badRequest(`"url" is missing`)
	}
	site, err := match.ParseSite(p.URL)
	if err != nil {
		return protocol.SaveResult{}, err
	}
	key, err := otp.ParseURI(p.URI)
	if err != nil {
		return protocol.SaveResult{}, err
	}
	name := p.Name
	if name == "" {
		name = EntryName(site, key.Account)
	}
	if err := store.ValidateName(name); err != nil {
		return protocol.SaveResult{}, err
	}
	stores, steps, err := s.saveKey(ctx, name, key, p.Store, p.Overwrite, &site)
	if err != nil {
		return protocol.SaveResult{}, err
	}
	res := protocol.SaveResult{Name: name, Stores: stores}
	// A secret of 80 to 127 bits is saved, and the user told it is weak.
	res.Warning, _ = key.CheckNew()
	code, err := s.codeFor(ctx, name, res.Stores[0], &steps[0])
	if err != nil {
		return protocol.SaveResult{}, err
	}
	if key.Type == otp.HOTP {
		// The code advanced the backup copy's counter too (advanceBackup):
		// part of this save, so undo compares the copy with that.
		for i := 1; i < len(steps); i++ {
			s.restamp(ctx, &steps[i])
		}
	}
	res.Undo = s.undos.add(name, steps)
	res.Code, res.ExpiresAt = code.Code, code.ExpiresAt
	return res, nil
}

// SaveKey writes key into the target stores (a store id, "both", or "" for
// the configured default) and returns the ids of the stores that hold it now.
// The first store must succeed; later ones are backups whose failure is
// logged.
func (s *Server) SaveKey(ctx context.Context, name string, key *otp.Key, target string, overwrite bool) ([]string, error) {
	stores, steps, err := s.saveKey(ctx, name, key, target, overwrite, nil)
	for _, st := range steps {
		clear(st.prev)
	}
	return stores, err
}

// saveKey writes key as SaveKey does. With a site (a request from a web
// page), an existing entry is changed only if it is bound to that site.
func (s *Server) saveKey(ctx context.Context, name string, key *otp.Key, target string, overwrite bool, site *match.Site) ([]string, []undoStep, error) {
	if err := store.ValidateName(name); err != nil {
		return nil, nil, err
	}
	// Secrets under 80 bits, counters that cannot advance: refused.
	if _, err := key.CheckNew(); err != nil {
		return nil, nil, err
	}
	if key.Account == "" && key.Issuer == "" {
		// A bare secret has no label, and pass-otp refuses an otpauth URI
		// without one ("missing accountname"): name the account after the
		// entry, so that `pass otp` reads what otpfill writes.
		labelled := *key
		labelled.Account = name
		key = &labelled
	}
	targets, err := s.writers(target)
	if err != nil {
		return nil, nil, err
	}
	uri := key.URI()
	var saved []string
	var steps []undoStep
	for i, w := range targets {
		step, err := s.saveOne(ctx, w, name, uri, overwrite, site)
		if err != nil {
			if i == 0 {
				return nil, nil, err
			}
			s.Log.Warn().Str("store", w.ID()).Str("entry", name).Err(err).Msg("backup copy not saved")
			continue
		}
		saved = append(saved, w.ID())
		steps = append(steps, step)
	}
	return saved, steps, nil
}

// saveOne writes uri into one store: a new entry holds the URI; an existing
// entry keeps its password and fields and has its otpauth line replaced (only
// with overwrite) or appended (when it held no OTP secret yet).
//
// With a site, an existing entry must be bound to it (see bound).
//
// It returns how to undo the write: the entry's previous content (none if it
// did not exist) and the stamp of what was written.
func (s *Server) saveOne(ctx context.Context, w store.Writer, name, uri string, overwrite bool, site *match.Site) (undoStep, error) {
	unlock, err := s.lock(w.ID(), name)
	if err != nil {
		return undoStep{}, err
	}
	defer unlock()
	step := undoStep{w: w, name: name}
	old, err := w.Read(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := w.Write(ctx, name, []byte(uri+"\n"), false); err != nil {
			return undoStep{}, err
		}
		step.created = true
		if site != nil {
			s.made.add(w.ID(), name, *site)
		}
		step.stamp, step.stampErr = s.stamp(ctx, w, name)
		return step, nil
	case err != nil:
		return undoStep{}, err
	}
	if site != nil {
		if err := s.checkBound(*site, w.ID(), name); err != nil {
			clear(old)
			return undoStep{}, err
		}
	}
	if _, perr := entry.Parse(old); !errors.Is(perr, entry.ErrNoOTP) && !overwrite {
		clear(old)
		return undoStep{}, fmt.Errorf("%w: %s already holds an OTP secret (confirm to replace it)", store.ErrExists, name)
	}
	updated := entry.SetURI(old, uri)
	defer clear(updated)
	if err := w.Write(ctx, name, updated, true); err != nil {
		clear(old)
		return undoStep{}, err
	}
	step.prev = old
	step.stamp, step.stampErr = s.stamp(ctx, w, name)
	return step, nil
}

const (
	maxRecoveryCodes   = 64
	maxRecoveryCodeLen = 64
)

func (s *Server) saveRecovery(ctx context.Context, p protocol.SaveRecoveryParams) (protocol.SaveRecoveryResult, error) {
	if len(p.Codes) == 0 {
		return protocol.SaveRecoveryResult{}, badRequest(`"codes" must list at least one recovery code`)
	}
	if len(p.Codes) > maxRecoveryCodes {
		return protocol.SaveRecoveryResult{}, badRequest(`"codes" lists more than %d codes`, maxRecoveryCodes)
	}
	codes := make([]string, 0, len(p.Codes))
	for i, c := range p.Codes {
		c = strings.TrimSpace(c)
		if c == "" || len(c) > maxRecoveryCodeLen || strings.IndexFunc(c, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) >= 0 {
			return protocol.SaveRecoveryResult{}, badRequest(`recovery code %d is empty, longer than %d characters, or holds control characters`, i+1, maxRecoveryCodeLen)
		}
		codes = append(codes, c)
	}
	if p.URL == "" {
		return protocol.SaveRecoveryResult{}, badRequest(`"url" is missing`)
	}
	site, err := match.ParseSite(p.URL)
	if err != nil {
		return protocol.SaveRecoveryResult{}, err
	}
	name := p.Name
	if name == "" {
		ref, err := s.exactOne(ctx, p.URL)
		if err != nil {
			return protocol.SaveRecoveryResult{}, err
		}
		name = ref.Name
	}
	if err := store.ValidateName(name); err != nil {
		return protocol.SaveRecoveryResult{}, err
	}
	targets, err := s.writers(p.Store)
	if err != nil {
		return protocol.SaveRecoveryResult{}, err
	}
	res := protocol.SaveRecoveryResult{Name: name}
	var steps []undoStep
	for i, w := range targets {
		step, replaced, err := s.saveRecoveryOne(ctx, w, name, codes, site)
		if err != nil {
			if i == 0 {
				return protocol.SaveRecoveryResult{}, err
			}
			s.Log.Warn().Str("store", w.ID()).Str("entry", name).Err(err).Msg("backup copy of recovery codes not saved")
			continue
		}
		if len(steps) == 0 {
			res.Replaced = replaced
		}
		steps = append(steps, step)
		res.Stores = append(res.Stores, w.ID())
	}
	res.Undo = s.undos.add(name, steps)
	return res, nil
}

// saveRecoveryOne puts codes into one store's entry, which must be bound to
// site if it exists. It returns how to undo that, and how many codes the
// entry held before.
func (s *Server) saveRecoveryOne(ctx context.Context, w store.Writer, name string, codes []string, site match.Site) (undoStep, int, error) {
	unlock, err := s.lock(w.ID(), name)
	if err != nil {
		return undoStep{}, 0, err
	}
	defer unlock()
	old, err := w.Read(ctx, name)
	exists := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return undoStep{}, 0, err
	}
	if exists {
		if err := s.checkBound(site, w.ID(), name); err != nil {
			clear(old)
			return undoStep{}, 0, err
		}
	}
	updated := entry.SetRecoveryCodes(old, codes)
	defer clear(updated)
	if err := w.Write(ctx, name, updated, exists); err != nil {
		clear(old)
		return undoStep{}, 0, err
	}
	step := undoStep{w: w, name: name, prev: old, created: !exists}
	if !exists {
		s.made.add(w.ID(), name, site)
	}
	step.stamp, step.stampErr = s.stamp(ctx, w, name)
	return step, len(entry.RecoveryCodes(old)), nil
}

func (s *Server) alias(ctx context.Context, p protocol.AliasParams) (protocol.AliasResult, error) {
	if p.URL == "" || p.Name == "" {
		return protocol.AliasResult{}, badRequest(`"url" and "name" are required`)
	}
	site, err := match.ParseSite(p.URL)
	if err != nil {
		return protocol.AliasResult{}, err
	}
	if err := store.ValidateName(p.Name); err != nil {
		return protocol.AliasResult{}, err
	}
	stores, err := s.storesFor(p.Store)
	if err != nil {
		return protocol.AliasResult{}, err
	}
	refs, err := s.entries(ctx, stores)
	if err != nil {
		return protocol.AliasResult{}, err
	}
	found := false
	for _, r := range refs {
		if r.Name == p.Name {
			found = true
			break
		}
	}
	if !found {
		return protocol.AliasResult{}, fmt.Errorf("%w: %s is in no store", store.ErrNotFound, p.Name)
	}
	// An alias makes the entry fill on the site by itself: only an entry
	// that already looks like the site's (a weak match, which the popup
	// offers to remember) may be aliased to it, never another site's.
	if len(match.Match(site, []match.Entry{{Name: p.Name}}, s.Aliases)) == 0 {
		return protocol.AliasResult{}, fmt.Errorf("%w: %s does not look like an entry of %s, so it cannot be remembered for it "+
			"(only an entry whose name starts with the site's name can; other aliases go in the otpfill config file)",
			errForbidden, p.Name, site.Host())
	}
	if s.AddAlias == nil {
		return protocol.AliasResult{}, fmt.Errorf("%w: aliases cannot be saved by this host", errForbidden)
	}
	key := site.String()
	if err := s.AddAlias(key, p.Name); err != nil {
		return protocol.AliasResult{}, fmt.Errorf("cannot save the alias: %w", err)
	}
	s.Aliases = append(s.Aliases, match.Alias{Site: key, Target: p.Name})
	return protocol.AliasResult{Site: key}, nil
}
