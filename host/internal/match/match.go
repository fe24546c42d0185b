// Package match decides which store entries belong to a web page.
//
// An entry matches exactly when one of the slash-separated segments of its
// name is the page's host or one of its parent domains down to the
// registrable domain (eTLD+1 on the public-suffix list): "github.com/alice"
// and "2fa/github.com" match https://github.com/ and https://gist.github.com/,
// "gist.github.com" does not match https://github.com/. A segment with a
// port ("localhost:8443") must also match the page's port; one without
// matches any port. Aliases from the host's config make more matches exact.
//
// An entry that is not exact matches weakly when its first segment is the
// label of the page's registrable domain, both folded the same way: lower
// case, letters and digits only, IDNs in Unicode and composed (NFC). So
// "GitHub/alice" and "Git-Hub/alice" are weak matches on github.com, on
// gist.github.com and on github.co.uk, but "github.com/alice" is not one on
// github.co (its first segment folds to "githubcom"). The extension may
// offer a weak match but never fills one on its own: lookalike domains
// produce them.
//
// Matching is purely textual and runs on every page load over whole stores,
// so it allocates only for what it returns and for names that are not ASCII.
package match

import (
	"cmp"
	"iter"
	"net/netip"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// Strength says how sure a match is.
type Strength string

const (
	// Exact: the entry names this site (or an alias says it belongs to it).
	// Only exact matches are ever filled without the user choosing.
	Exact Strength = "exact"
	// Weak: the entry's first segment looks like the site's name. Offered,
	// never filled automatically.
	Weak Strength = "weak"
)

// Entry is an entry name in a store.
type Entry struct {
	Name  string
	Store string
}

// Result is an entry that matches a site, and how well.
type Result struct {
	Name     string
	Store    string
	Strength Strength
}

// Match returns the entries that match site, best first: exact before weak;
// among exact, entries that name the page's host before those naming a
// parent domain (a nearer parent first), and a name with the page's port
// before one without; then by name and by store. Each name and store
// appears once. An alias that cannot be parsed is ignored; use
// Alias.Validate when loading the config.
func Match(site Site, entries []Entry, aliases []Alias) []Result {
	return MatchSeq(site, slices.Values(entries), aliases)
}

// MatchSeq is Match over a sequence of entries, so a caller holding names
// per store need not copy them all into one slice first.
func MatchSeq(site Site, entries iter.Seq[Entry], aliases []Alias) []Result {
	if site.host == "" {
		return []Result{}
	}
	m := NewMatcher(site, aliases)
	var found []scored
	for e := range entries {
		switch best, strength := m.rank(e.Name); strength {
		case Exact:
			found = append(found, scored{Result{e.Name, e.Store, Exact}, best})
		case Weak:
			found = append(found, scored{Result{e.Name, e.Store, Weak}, rank{}})
		}
	}
	return sortResults(found)
}

// Matcher tells which names match one site, with the aliases that apply
// to it prepared once.
type Matcher struct {
	site          Site
	domainAliases []domainAlias
	nameAliases   map[string]rank
}

// NewMatcher prepares matching names against site.
func NewMatcher(site Site, aliases []Alias) *Matcher {
	m := &Matcher{site: site}
	for _, a := range aliases {
		r, ok := site.aliasRank(a.Site)
		if !ok {
			continue
		}
		if t, ok := parseTarget(a.Target, site.effPort); ok {
			m.domainAliases = append(m.domainAliases, domainAlias{t, r})
			continue
		}
		if m.nameAliases == nil {
			m.nameAliases = make(map[string]rank)
		}
		if old, ok := m.nameAliases[a.Target]; !ok || r.better(old) {
			m.nameAliases[a.Target] = r
		}
	}
	return m
}

// MatchesBytes reports whether Match would return the name (exact or
// weak). It is for listing a store: names that cannot match need never
// become strings. It does not keep name.
func (m *Matcher) MatchesBytes(name []byte) bool {
	// No copy: rank reads the string during this call only and keeps
	// nothing of it (what it derives, the IDNA form, NFC, a parsed
	// address, is new memory), while escape analysis cannot tell, and a
	// copy per name is what listing 10,000 entries would spend most on.
	_, strength := m.rank(unsafe.String(unsafe.SliceData(name), len(name)))
	return strength != ""
}

// rank returns how well name matches: Exact with its rank, Weak, or "".
func (m *Matcher) rank(name string) (rank, Strength) {
	site := &m.site
	if site.host == "" {
		return rank{}, ""
	}
	best, exact := rank{}, false
	consider := func(r rank) {
		if !exact || r.better(best) {
			best, exact = r, true
		}
	}
	weak := false
	rest := name
	for first := true; ; first = false {
		seg, tail, more := strings.Cut(rest, "/")
		if r, ok := site.segmentRank(seg); ok {
			consider(r)
		}
		for _, da := range m.domainAliases {
			if _, ok := da.target.segmentRank(seg); ok {
				consider(da.rank)
			}
		}
		if first && site.weakKey != "" {
			weak = weakEqual(seg, site.weakKey)
		}
		if !more {
			break
		}
		rest = tail
	}
	if r, ok := m.nameAliases[name]; ok {
		consider(r)
	}
	switch {
	case exact:
		return best, Exact
	case weak:
		return rank{}, Weak
	}
	return rank{}, ""
}

// rank orders exact matches: depth is how many labels the named domain
// lacks compared with the page's host (0: the host itself).
type rank struct {
	depth    int
	withPort bool
}

func (r rank) better(o rank) bool {
	if r.depth != o.depth {
		return r.depth < o.depth
	}
	return r.withPort && !o.withPort
}

type domainAlias struct {
	target Site
	rank   rank
}

type scored struct {
	Result
	rank rank
}

func sortResults(found []scored) []Result {
	slices.SortFunc(found, func(a, b scored) int {
		if a.Strength != b.Strength {
			if a.Strength == Exact {
				return -1
			}
			return 1
		}
		if a.rank.better(b.rank) {
			return -1
		}
		if b.rank.better(a.rank) {
			return 1
		}
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Store, b.Store))
	})
	out := make([]Result, 0, len(found))
	for _, f := range found {
		// Duplicate entries give identical results, which sort together.
		if n := len(out); n > 0 && out[n-1].Name == f.Name && out[n-1].Store == f.Store {
			continue
		}
		out = append(out, f.Result)
	}
	return out
}

// segmentRank reports whether one segment of an entry name names s (its
// host or a parent down to the registrable domain, and its port if the
// segment has one), and how closely.
func (s *Site) segmentRank(seg string) (rank, bool) {
	if s.ip && s.sameIP(seg) {
		// Checked first: an unbracketed IPv6 address looks like host:port.
		return rank{0, false}, true
	}
	h, port, hasPort := splitPort(seg)
	if hasPort && strings.TrimLeft(port, "0") != s.effPort {
		return rank{}, false
	}
	if s.ip {
		return rank{0, true}, hasPort && s.sameIP(h)
	}
	h = strings.TrimSuffix(h, ".")
	if !isASCII(h) {
		// IDNA mapping allocates; skip it when the segment has too few
		// dots to name even the shortest candidate ("Bücher" never can).
		if countDots(h) < s.minDots {
			return rank{}, false
		}
		a, err := hostProfile.ToASCII(h)
		if err != nil {
			return rank{}, false
		}
		h = a
	}
	// The candidates are suffixes of the host that start at a label, no
	// shorter than the last one: one comparison finds which, if any.
	H := s.host
	n := len(h)
	if n < len(s.domains[len(s.domains)-1]) || n > len(H) {
		return rank{}, false
	}
	off := len(H) - n
	if off > 0 && H[off-1] != '.' || !asciiEqualFold(h, H[off:]) {
		return rank{}, false
	}
	return rank{strings.Count(H[:off], "."), hasPort}, true
}

func (s *Site) sameIP(h string) bool {
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a == s.addr
}

// splitPort splits "host:port" or "[v6]:port" when what follows the last
// colon is a decimal number. Otherwise the whole segment is the host.
func splitPort(seg string) (host, port string, ok bool) {
	i := strings.LastIndexByte(seg, ':')
	if i < 0 || i == len(seg)-1 {
		return seg, "", false
	}
	for j := i + 1; j < len(seg); j++ {
		if seg[j] < '0' || seg[j] > '9' {
			return seg, "", false
		}
	}
	if strings.HasPrefix(seg, "[") && seg[i-1] != ']' {
		return seg, "", false // a colon inside the IPv6 address
	}
	return seg[:i], seg[i+1:], true
}

// weakEqual reports whether the first segment of a name folds to key (see
// weakKey) without building the folded string.
func weakEqual(seg, key string) bool {
	if !isASCII(seg) && norm.NFC.QuickSpanString(seg) != len(seg) {
		// Decomposed names (as macOS file names are) fold as composed.
		seg = norm.NFC.String(seg)
	}
	k := 0
	for i := 0; i < len(seg); {
		r, size := rune(seg[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(seg[i:])
		}
		i += size
		switch {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r < utf8.RuneSelf || !unicode.IsLetter(r) && !unicode.IsDigit(r):
			continue
		default:
			r = unicode.ToLower(r)
		}
		kr, ksize := utf8.DecodeRuneInString(key[k:])
		if ksize == 0 || kr != r {
			return false
		}
		k += ksize
	}
	return k == len(key) && k > 0
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiEqualFold is strings.EqualFold for ASCII strings: it cannot equate
// a non-ASCII rune with an ASCII one (the Kelvin sign with k).
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// countDots counts the label separators UTS #46 recognises: the full stop
// and its ideographic, fullwidth and halfwidth forms.
func countDots(s string) int {
	n := 0
	for _, r := range s {
		switch r {
		case '.', '\u3002', '\uff0e', '\uff61':
			n++
		}
	}
	return n
}
