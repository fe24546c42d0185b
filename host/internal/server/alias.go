package server

import (
	"context"
	"fmt"

	"github.com/otpfill/otpfill/host/internal/match"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/protocol"
)

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
