package server

import (
	"net"
	"strings"
	"unicode"

	"github.com/otpfill/otpfill/host/internal/match"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
)

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

// newEntry reads what a save (or its preview) is given: the page's site,
// the key, and the entry's name, given or else derived from both.
func newEntry(rawURL, uri, name string) (match.Site, *otp.Key, string, error) {
	site, err := match.ParseSite(rawURL)
	if err != nil {
		return match.Site{}, nil, "", err
	}
	key, err := otp.ParseURI(uri)
	if err != nil {
		return match.Site{}, nil, "", err
	}
	if name == "" {
		name = EntryName(site, key.Account)
	}
	if err := store.ValidateName(name); err != nil {
		return match.Site{}, nil, "", err
	}
	return site, key, name, nil
}
