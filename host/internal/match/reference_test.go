package match

// A slow, obvious implementation of the matching rules, written from the
// package documentation, to check Match against: it splits with
// strings.Split, normalises every segment through IDNA, builds every
// candidate list from scratch and compares whole strings.

import (
	"errors"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/unicode/norm"
)

var refProfile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.BidiRule(),
	idna.VerifyDNSLength(true), idna.CheckHyphens(false), idna.StrictDomainName(false))

// refHost normalises a host (not a port) or reports that it is none.
func refHost(h string) (host string, ip bool, ok bool) {
	if inner, found := strings.CutPrefix(h, "["); found {
		inner, found = strings.CutSuffix(inner, "]")
		a, err := netip.ParseAddr(inner)
		if !found || err != nil || !a.Is6() || a.Zone() != "" {
			return "", false, false
		}
		return a.String(), true, true
	}
	if a, err := netip.ParseAddr(h); err == nil && a.Zone() == "" {
		return a.String(), true, true
	}
	h = strings.TrimSuffix(h, ".")
	a, err := refProfile.ToASCII(h)
	if err != nil || a == "" {
		return "", false, false
	}
	for _, c := range a {
		if !strings.ContainsRune("abcdefghijklmnopqrstuvwxyz0123456789-._", c) {
			return "", false, false
		}
	}
	labels := strings.Split(a, ".")
	last := labels[len(labels)-1]
	if _, err := strconv.ParseUint(last, 10, 64); err == nil || strings.Trim(last, "0123456789") == "" {
		return "", false, false
	}
	if hex, ok := strings.CutPrefix(last, "0x"); ok && strings.Trim(hex, "0123456789abcdef") == "" {
		return "", false, false
	}
	return a, false, true
}

func refDomains(host string, ip bool) []string {
	if ip || !strings.Contains(host, ".") {
		return []string{host}
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return []string{host}
	}
	var out []string
	labels := strings.Split(host, ".")
	for i := range labels {
		d := strings.Join(labels[i:], ".")
		out = append(out, d)
		if d == reg {
			return out
		}
	}
	panic("registrable domain is not a suffix of the host")
}

type refSite struct {
	domains []string
	port    int
}

// refNames reports whether the string s (a name segment, an alias site)
// names site: a candidate domain, and the port if s has one.
func refNames(site refSite, s string) bool {
	if h, _, ok := refHost(s); ok && slices.Contains(site.domains, h) {
		return true
	}
	i := strings.LastIndex(s, ":")
	if i < 0 || i == len(s)-1 || strings.Trim(s[i+1:], "0123456789") != "" {
		return false
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n != site.port {
		return false
	}
	h, _, ok := refHost(s[:i])
	return ok && slices.Contains(site.domains, h)
}

// refTarget reads an alias target as a domain site, if it is one.
func refTarget(target string, pagePort int) (refSite, bool) {
	if strings.Contains(target, "/") {
		return refSite{}, false
	}
	if h, ip, ok := refHost(target); ok && (ip || strings.Contains(h, ".")) {
		return refSite{refDomains(h, ip), pagePort}, true
	}
	i := strings.LastIndex(target, ":")
	if i < 0 {
		return refSite{}, false
	}
	n, err := strconv.Atoi(target[i+1:])
	if err != nil || n < 1 || n > 65535 || strings.Trim(target[i+1:], "0123456789") != "" {
		return refSite{}, false
	}
	h, ip, ok := refHost(target[:i])
	if !ok {
		return refSite{}, false
	}
	return refSite{refDomains(h, ip), n}, true
}

// refAliasSite turns an alias's Site into the string form refNames reads.
func refAliasSite(s string) (string, bool) {
	if !strings.Contains(s, "://") {
		if strings.Contains(s, "/") || s == "" {
			return "", false
		}
		if i := strings.LastIndex(s, ":"); i >= 0 && i < len(s)-1 && strings.Trim(s[i+1:], "0123456789") == "" {
			if n, err := strconv.Atoi(s[i+1:]); err != nil || n < 1 || n > 65535 {
				return "", false
			}
		}
		return s, true
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", false
	}
	if _, err := ParseSite(s); err != nil {
		return "", false
	}
	if p := u.Port(); p != "" {
		n, _ := strconv.Atoi(p)
		if u.Scheme == "https" && n == 443 || u.Scheme == "http" && n == 80 {
			return u.Hostname(), true
		}
	}
	return u.Host, true
}

func refFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// refStrength is what Match should say about entry e on rawURL.
func refStrength(t *testing.T, rawURL string, e Entry, aliases []Alias) Strength {
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	port := 443
	if u.Scheme == "http" {
		port = 80
	}
	if p := u.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	}
	host, ip, ok := refHost(u.Hostname())
	if strings.HasPrefix(u.Host, "[") {
		host, ip, ok = refHost("[" + u.Hostname() + "]")
	}
	if !ok {
		t.Fatalf("reference cannot read the host of a URL ParseSite accepted")
	}
	page := refSite{refDomains(host, ip), port}

	segs := strings.Split(e.Name, "/")
	for _, seg := range segs {
		if refNames(page, seg) {
			return Exact
		}
	}
	for _, a := range aliases {
		s, ok := refAliasSite(a.Site)
		if !ok || !refNames(page, s) {
			continue
		}
		if target, ok := refTarget(a.Target, port); ok {
			for _, seg := range segs {
				if refNames(target, seg) {
					return Exact
				}
			}
		} else if e.Name == a.Target {
			return Exact
		}
	}
	if ip || !strings.Contains(host, ".") {
		return ""
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return ""
	}
	label := strings.Split(reg, ".")[0]
	if uni, err := refProfile.ToUnicode(label); err == nil {
		label = uni
	}
	if k := refFold(segs[0]); k != "" && k == refFold(label) {
		return Weak
	}
	return ""
}

// checkAgainstReference fails t unless got holds e exactly as the
// reference says it should.
func checkAgainstReference(t *testing.T, rawURL string, e Entry, aliases []Alias, got []Result) {
	t.Helper()
	want := refStrength(t, rawURL, e, aliases)
	var have Strength
	n := 0
	for _, r := range got {
		if r.Name == e.Name && r.Store == e.Store {
			have = r.Strength
			n++
		}
	}
	if n > 1 {
		t.Errorf("%s: entry %q appears %d times", rawURL, e.Name, n)
	}
	if have != want {
		t.Errorf("%s with aliases %q: entry %q is %q, the reference says %q", rawURL, aliases, e.Name, have, want)
	}
}

func FuzzMatch(f *testing.F) {
	seeds := [][4]string{
		{"https://gist.github.com/", "github.com/alice", "", ""},
		{"https://github.com/", "gist.github.com", "", ""},
		{"https://github.co/", "GitHub/alice", "", ""},
		{"https://github.com.evil.net/", "github.com", "", ""},
		{"https://github.com@evil.com/", "github.com", "", ""},
		{"https://xn--gthub-n2e.com/", "github.com", "", ""},
		{"https://localhost:8443/", "localhost:8443", "", ""},
		{"https://localhost:9000/", "localhost:8443", "", ""},
		{"http://[::1]:8080/", "[::1]:8080", "::1", "x"},
		{"http://10.0.0.1/", "10.0.0.1:80", "", ""},
		{"https://xn--bcher-kva.de/", "bücher.de/jörg", "", ""},
		{"https://www.xn--bcher-kva.de/", "Bu\u0308cher", "", ""},
		{"https://github.io/", "github.io", "", ""},
		{"https://x.github.io/", "github.io", "", ""},
		{"https://id.atlassian.com/", "bitbucket.org/alice", "id.atlassian.com", "bitbucket.org"},
		{"https://accounts.example.com/", "Example/alice", "example.com", "Example/alice"},
		{"https://a.example.com:8443/", "b/x", "https://a.example.com:8443/", "b/x"},
		{"https://example.com/", "target.org:443", "example.com", "target.org"},
		{"javascript:alert(1)", "x", "", ""},
		{"data:text/html,hi", "x", "", ""},
		{"https://ｇｉｔｈｕｂ．ｃｏｍ/", "github.com", "", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, rawURL, name, aliasSite, aliasTarget string) {
		site, err := ParseSite(rawURL)
		if err != nil {
			var ue *URLError
			if !errors.As(err, &ue) || !errors.Is(err, ErrInvalidURL) {
				t.Fatalf("error %v (%T) is not a *URLError wrapping ErrInvalidURL", err, err)
			}
			if len(rawURL) > 6 && strings.Contains(err.Error(), rawURL) {
				t.Fatalf("error %q repeats the URL", err)
			}
			return
		}
		// The site's own name must read back as the same site.
		u, _ := url.Parse(rawURL)
		again, err := ParseSite(u.Scheme + "://" + site.String() + "/")
		if err != nil || again.String() != site.String() || !slices.Equal(again.Domains(), site.Domains()) {
			t.Fatalf("site %q reads back as %q (%v)", site, again, err)
		}
		es := []Entry{{name, "s"}, {"github.com", "s"}, {"GitHub/x", "s"}, {site.String(), "s"}, {name, "s"}}
		aliases := []Alias{{aliasSite, aliasTarget}}
		got := Match(site, es, aliases)
		for _, e := range es {
			checkAgainstReference(t, rawURL, e, aliases, got)
		}
		checkMatcher(t, site, es, aliases, got)
		if !slices.IsSortedFunc(got, func(a, b Result) int {
			if a.Strength != b.Strength {
				return strings.Compare(string(a.Strength), string(b.Strength)) // "exact" < "weak"
			}
			return 0
		}) {
			t.Fatalf("weak before exact: %v", got)
		}
	})
}

// FuzzMatchNames keeps the page valid and varies the names and the alias,
// which FuzzMatch rarely reaches: most mutated URLs stop being URLs.
func FuzzMatchNames(f *testing.F) {
	pages := []string{
		"https://gist.github.com/", "https://github.co.uk/", "http://localhost:8443/", "http://[::1]:8080/",
		"http://10.0.0.1/", "https://xn--bcher-kva.de/", "https://github.io/", "https://a.b.c.example.com/",
		"https://r3---sn-x.googlevideo.com/", "https://my_app.internal/",
	}
	f.Add(uint8(0), "github.com/alice", "GitHub/bob", "", "")
	f.Add(uint8(1), "GitHub/alice", "github.com", "github.co.uk", "github.com")
	f.Add(uint8(2), "localhost:8443", "dev/localhost:08443/x", "localhost:8443", "Dev/admin")
	f.Add(uint8(3), "[::1]:8080", "::1", "[::1]", "localhost:8080")
	f.Add(uint8(5), "bücher.de", "Bu\u0308cher", "xn--bcher-kva.de", "bücher.de")
	f.Add(uint8(7), "b.c.example.com", "c.example.com:443", "c.example.com", "Example/x")
	f.Fuzz(func(t *testing.T, page uint8, name1, name2, aliasSite, aliasTarget string) {
		rawURL := pages[int(page)%len(pages)]
		site, err := ParseSite(rawURL)
		if err != nil {
			t.Fatal(err)
		}
		es := []Entry{{name1, "a"}, {name2, "a"}, {name1, "b"}, {aliasTarget, "a"}, {aliasSite, "a"}}
		aliases := []Alias{{aliasSite, aliasTarget}}
		got := Match(site, es, aliases)
		for _, e := range es {
			checkAgainstReference(t, rawURL, e, aliases, got)
		}
		checkMatcher(t, site, es, aliases, got)
	})
}

// checkMatcher: Matcher.MatchesBytes, which a store uses to drop names while
// listing, keeps exactly the names Match returns.
func checkMatcher(t *testing.T, site Site, es []Entry, aliases []Alias, got []Result) {
	t.Helper()
	m := NewMatcher(site, aliases)
	for _, e := range es {
		want := slices.ContainsFunc(got, func(r Result) bool { return r.Name == e.Name })
		if m.MatchesBytes([]byte(e.Name)) != want {
			t.Fatalf("MatchesBytes(%q) = %v, but Match returned it: %v", e.Name, !want, want)
		}
	}
}
