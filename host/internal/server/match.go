package server

import (
	"context"
	"fmt"
	"slices"

	"github.com/otpfill/otpfill/host/internal/match"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/protocol"
)

// match: the entries of a site, ranked; exactOne for the actions that
// pick the site's single exact match.

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
	return site, s.copiesInStoreOrder(match.MatchSeq(site, entries, s.Aliases)), lists, nil
}

// copiesInStoreOrder puts the copies of one name (a pass entry and its
// backup in the keyring) in the order of s.Stores, the preferred store
// first, rather than by store id: exactOne, and clients that keep one copy
// of a name, take the first. The copies of a name are adjacent, since
// results are ranked by name.
func (s *Server) copiesInStoreOrder(results []match.Result) []match.Result {
	rank := make(map[string]int, len(s.Stores))
	for i, st := range s.Stores {
		rank[st.ID()] = i
	}
	for i := 0; i < len(results); {
		j := i + 1
		for j < len(results) && results[j].Name == results[i].Name {
			j++
		}
		if j-i > 1 {
			slices.SortStableFunc(results[i:j], func(a, b match.Result) int { return rank[a.Store] - rank[b.Store] })
		}
		i = j
	}
	return results
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
	typeOf := s.typeLookup()
	res := protocol.MatchResult{Entries: make([]protocol.MatchEntry, len(results))}
	for i, r := range results {
		res.Entries[i] = protocol.MatchEntry{Name: r.Name, Store: r.Store, Strength: string(r.Strength), Backup: noBackup(r.Store, r.Name), Type: typeOf(r.Store, r.Name)}
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
