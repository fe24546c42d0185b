package server

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"github.com/otpfill/otpfill/host/internal/match"
	"github.com/otpfill/otpfill/host/internal/store"
)

// Site binding: a request from a web page (save, save_recovery, undo with a
// url) may change an existing entry only if that entry belongs to the page's
// site. A page can never steer a write into another site's entry, whatever
// name the request carries; it can still create a new entry under any valid
// name, since the user may type one.

// bound reports whether an entry belongs to site: it is an exact match for
// it (config aliases included), or this host process created it from a page
// of the same site a short while ago (a save under a name the user typed,
// which its recovery codes then join).
func (s *Server) bound(site match.Site, storeID, name string) bool {
	for _, r := range match.Match(site, []match.Entry{{Name: name, Store: storeID}}, s.Aliases) {
		if r.Strength == match.Exact {
			return true
		}
	}
	return s.made.from(storeID, name, site)
}

// checkBound refuses a change to an existing entry that is not bound to site.
func (s *Server) checkBound(site match.Site, storeID, name string) error {
	if s.bound(site, storeID, name) {
		return nil
	}
	return fmt.Errorf("%w: %s is not an entry of %s (its name does not match the site, and no alias says it does), "+
		"so a page there cannot change it; save under a new name, or use `otpfill add --force` in a terminal",
		errForbidden, name, site.Host())
}

// siteKey is the part of a site that "made" records compare: its
// registrable domain (or host) and port, as entry names are derived.
func siteKey(site match.Site) string { return EntryName(site, "") }

// madeLog remembers the entries this process created from a web page, and
// from which site, for undoKeep.
type madeLog struct {
	mu   sync.Mutex
	byID map[string]madeRecord // storeID+"\x00"+name
}

type madeRecord struct {
	site string
	at   time.Time
}

func (l *madeLog) add(storeID, name string, site match.Site) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byID == nil {
		l.byID = map[string]madeRecord{}
	}
	for k, r := range l.byID {
		if time.Since(r.at) > undoKeep {
			delete(l.byID, k)
		}
	}
	l.byID[storeID+"\x00"+name] = madeRecord{site: siteKey(site), at: time.Now()}
}

func (l *madeLog) from(storeID, name string, site match.Site) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.byID[storeID+"\x00"+name]
	return ok && time.Since(r.at) <= undoKeep && r.site == siteKey(site)
}

func (l *madeLog) forget(storeID, name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.byID, storeID+"\x00"+name)
}

// stamper is a store that can fingerprint an entry without decrypting it
// (the pass store: a hash of the file).
type stamper interface {
	Stamp(name string) ([sha256.Size]byte, error)
}

// stamp fingerprints what an entry holds now, so that undo can tell whether
// anything wrote to it since: the file's hash where the store has files, else
// a hash of the decrypted content. Errors wrap store.ErrNotFound when the
// entry is gone.
func (s *Server) stamp(ctx context.Context, w store.Writer, name string) ([sha256.Size]byte, error) {
	if st, ok := w.(stamper); ok {
		return st.Stamp(name)
	}
	content, err := w.Read(ctx, name)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	defer clear(content)
	return sha256.Sum256(content), nil
}
