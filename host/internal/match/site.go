package match

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// MaxURLLen is the longest URL ParseSite accepts. Tab URLs can be long
// (tracking parameters), but nothing about matching needs more than the host.
const MaxURLLen = 8 << 10

// ErrInvalidURL is wrapped by every error ParseSite returns.
var ErrInvalidURL = errors.New("invalid site URL")

// URLError says why a URL cannot be matched. It never contains the URL,
// which may carry tokens in its query and is controlled by the page.
type URLError struct {
	Reason string
}

func (e *URLError) Error() string { return "invalid site URL: " + e.Reason }
func (e *URLError) Unwrap() error { return ErrInvalidURL }

func urlError(reason string) error { return &URLError{Reason: reason} }

// hostProfile turns host names into their ASCII (punycode) form the way
// browsers do for navigation: UTS #46 non-transitional mapping (ß stays ß),
// the Bidi and joiner rules, DNS lengths checked, but hyphens not (YouTube's
// "r3---sn-…" hosts are real) and '_' allowed (Chromium allows it); ASCII
// characters are restricted separately by validHostBytes.
var hostProfile = idna.New(
	idna.MapForLookup(),
	idna.Transitional(false),
	idna.BidiRule(),
	idna.VerifyDNSLength(true),
	idna.CheckHyphens(false),
	idna.StrictDomainName(false),
)

// Site is the part of a page's URL that matching looks at. The zero Site
// matches nothing.
type Site struct {
	host    string // ASCII, lower case, no trailing dot; IPv6 without brackets
	port    string // explicit port, "" when absent or the scheme's default
	effPort string // the port the page is really on: port or the default
	ip      bool
	addr    netip.Addr // when ip
	// domains are the host, then each parent down to the registrable
	// domain. A host without a registrable domain (an IP address, a single
	// label, a public suffix) has only itself.
	domains []string
	minDots int    // dots in the shortest candidate
	label   string // first label of the registrable domain, "" if none
	weakKey string // label in Unicode, lower case, letters and digits only
}

// ParseSite extracts the site of a page from the URL of its tab. Only http
// and https URLs have a site; the host is lower-cased, loses a trailing dot
// and is converted to punycode, and a port other than the scheme's default
// is kept. User info ("https://github.com@evil.com/") is ignored: the host
// is what follows it. Errors are *URLError, wrapping ErrInvalidURL.
func ParseSite(rawURL string) (Site, error) {
	if len(rawURL) > MaxURLLen {
		return Site{}, urlError(fmt.Sprintf("URL is %d bytes long, the limit is %d", len(rawURL), MaxURLLen))
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse errors quote the URL; keep only our own words.
		return Site{}, urlError("malformed URL")
	}
	var defaultPort string
	switch u.Scheme {
	case "https":
		defaultPort = "443"
	case "http":
		defaultPort = "80"
	case "":
		return Site{}, urlError("URL has no scheme; only http and https pages have codes")
	default:
		return Site{}, urlError("only http and https pages have codes")
	}
	if u.Opaque != "" || u.Host == "" {
		return Site{}, urlError("URL has no host")
	}
	host, ip, ok := normalizeHost(u.Hostname(), strings.HasPrefix(u.Host, "["))
	if !ok {
		return Site{}, urlError("host is not a valid domain name or IP address")
	}
	port := u.Port()
	if port != "" {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return Site{}, urlError("port is not a number from 1 to 65535")
		}
		port = strconv.FormatUint(n, 10)
		if port == defaultPort {
			port = ""
		}
	}
	effPort := port
	if effPort == "" {
		effPort = defaultPort
	}
	return newSite(host, ip, port, effPort), nil
}

// newSite computes the candidate domains and the weak-match key of a
// normalised host.
func newSite(host string, ip bool, port, effPort string) Site {
	s := Site{host: host, port: port, effPort: effPort, ip: ip, domains: []string{host}}
	if ip {
		s.addr = netip.MustParseAddr(host)
		return s
	}
	if !strings.Contains(host, ".") {
		return s
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		// The host is itself a public suffix (github.io, co.uk): nobody
		// owns it, so it can only be named exactly.
		return s
	}
	for d := host; d != reg; {
		_, d, _ = strings.Cut(d, ".")
		s.domains = append(s.domains, d)
	}
	s.minDots = strings.Count(reg, ".")
	s.label, _, _ = strings.Cut(reg, ".")
	u := s.label
	if strings.HasPrefix(u, "xn--") {
		if v, err := hostProfile.ToUnicode(u); err == nil {
			u = v
		}
	}
	s.weakKey = weakKey(u)
	return s
}

// Host is the page's host in ASCII: lower case, punycode for IDNs, no
// trailing dot, IPv6 addresses without brackets.
func (s Site) Host() string { return s.host }

// Port is the page's port when it is not the scheme's default, else "".
func (s Site) Port() string { return s.port }

// Domains returns the host, then each parent domain down to the
// registrable domain: for gist.github.com, [gist.github.com github.com].
// IP addresses, single-label hosts and public suffixes have just
// themselves. These are the names an entry can use to match exactly.
func (s Site) Domains() []string { return append([]string(nil), s.domains...) }

// RegistrableDomain is the host's eTLD+1 (github.com for gist.github.com,
// example.co.uk for www.example.co.uk), or "" when it has none.
func (s Site) RegistrableDomain() string {
	if s.label == "" {
		return ""
	}
	return s.domains[len(s.domains)-1]
}

// Label is the first label of the registrable domain ("github" for both
// gist.github.com and github.co.uk), or "" when there is none. Weak matches
// compare entry names with it.
func (s Site) Label() string { return s.label }

// String is the site as an alias or an entry name would name it: the host,
// with the port when it is not the default ("localhost:8443", "[::1]:8080").
func (s Site) String() string {
	h := s.host
	if s.ip && strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if s.port != "" {
		h += ":" + s.port
	}
	return h
}

// normalizeHost returns the canonical form of a host name or IP address.
// bracketed says the host was written as [IPv6]; h is then without the
// brackets.
func normalizeHost(h string, bracketed bool) (host string, ip bool, ok bool) {
	if bracketed {
		a, err := netip.ParseAddr(h)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", false, false
		}
		return a.String(), true, true
	}
	h = strings.TrimSuffix(h, ".")
	if h == "" || !utf8.ValidString(h) {
		return "", false, false
	}
	if a, err := netip.ParseAddr(h); err == nil {
		if !a.Is4() {
			return "", false, false // IPv6 must be bracketed
		}
		return a.String(), true, true
	}
	a, err := hostProfile.ToASCII(h)
	if err != nil || !validHostBytes(a) {
		return "", false, false
	}
	// Browsers read a host whose last label is a number as an IPv4 address
	// (http://0x7f.1/) and reject it if it is not one; so do we, rather
	// than match it as a domain.
	last := a[strings.LastIndexByte(a, '.')+1:]
	if strings.Trim(last, "0123456789") == "" ||
		strings.HasPrefix(last, "0x") && strings.Trim(last[2:], "0123456789abcdef") == "" {
		return "", false, false
	}
	return a, false, true
}

// validHostBytes reports whether an ASCII host uses only the characters
// of DNS names, plus '_'.
func validHostBytes(h string) bool {
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return h != ""
}

// weakKey folds a name for weak matching: lower case, letters and digits
// only, so "GitHub", "git-hub" and "github" are the same.
func weakKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
