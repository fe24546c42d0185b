package match

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/otpfill/otpfill/host/internal/store"
)

// ErrInvalidAlias is wrapped by the errors of Alias.Validate.
var ErrInvalidAlias = errors.New("invalid alias")

// Alias, from the host's config, says that a site uses the entries of
// another domain, or one particular entry.
//
// Site is a host name, optionally with a port ("id.atlassian.com",
// "localhost:8443"), or a URL whose host is taken. The alias applies on a
// page when Site is the page's host or one of its parent domains down to
// the registrable domain, with the same port rule as entry names.
//
// Target is a domain when it has no '/' and is a valid host name with a dot
// or a port, or an IP address ("bitbucket.org"): every entry that would be
// exact on that domain is exact on the page. A domain target without a port
// takes the page's port. Any other Target is an entry name
// ("Example/alice"), compared exactly, in every store.
type Alias struct {
	Site   string
	Target string
}

// Validate reports whether Match can use a. The config loader calls it so
// that a typo is reported instead of silently matching nothing.
func (a Alias) Validate() error {
	if _, ok := aliasSite(a.Site); !ok {
		return fmt.Errorf("%w: site must be a host name, optionally with a port (example.com, localhost:8443), or an http(s) URL", ErrInvalidAlias)
	}
	if _, ok := parseTarget(a.Target, "443"); ok {
		return nil
	}
	if err := store.ValidateName(a.Target); err != nil {
		return fmt.Errorf("%w: target is neither a domain nor a valid entry name: %w", ErrInvalidAlias, err)
	}
	return nil
}

// aliasRank reports whether an alias's Site applies to s.
func (s *Site) aliasRank(site string) (rank, bool) {
	h, ok := aliasSite(site)
	if !ok {
		return rank{}, false
	}
	return s.segmentRank(h.String())
}

// aliasSite reads an alias's Site: a URL, or host[:port].
func aliasSite(site string) (Site, bool) {
	if strings.Contains(site, "://") {
		s, err := ParseSite(site)
		return s, err == nil
	}
	host, ip, port, ok := parseHostPort(site)
	if !ok {
		return Site{}, false
	}
	return Site{host: host, ip: ip, port: port}, true
}

// parseTarget reads an alias Target as a domain, if it is one (see Alias).
// The result is a Site on the target's port, else on pagePort.
func parseTarget(target, pagePort string) (Site, bool) {
	host, ip, port, ok := parseHostPort(target)
	if !ok || !ip && port == "" && !strings.Contains(host, ".") {
		return Site{}, false
	}
	if port == "" {
		port = pagePort
	}
	return newSite(host, ip, port, port), true
}

// parseHostPort reads "host", "host:port", "[v6]", "[v6]:port" or a bare
// IPv6 address into canonical form.
func parseHostPort(s string) (host string, ip bool, port string, ok bool) {
	if s == "" || strings.Contains(s, "/") {
		return "", false, "", false
	}
	if host, ip, ok := normalizeHost(s, true); ok && strings.Contains(host, ":") {
		return host, ip, "", true // bare IPv6
	}
	h, port, hasPort := splitPort(s)
	bracketed := strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]")
	if bracketed {
		h = h[1 : len(h)-1]
	}
	host, ip, ok = normalizeHost(h, bracketed)
	if !ok {
		return "", false, "", false
	}
	if hasPort {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return "", false, "", false
		}
		port = strconv.FormatUint(n, 10)
	}
	return host, ip, port, true
}
