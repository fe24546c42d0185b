package match

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// entries builds pass-store entries; "name@store" puts one in another store.
func entries(names ...string) []Entry {
	var es []Entry
	for _, n := range names {
		store := "pass"
		if i := strings.LastIndex(n, "@@"); i >= 0 {
			n, store = n[:i], n[i+2:]
		}
		es = append(es, Entry{Name: n, Store: store})
	}
	return es
}

// results formats matches as "name" (exact) or "~name" (weak), adding
// "@@store" when the store is not pass.
func results(rs []Result) []string {
	out := []string{}
	for _, r := range rs {
		s := r.Name
		if r.Store != "pass" {
			s += "@@" + r.Store
		}
		switch r.Strength {
		case Weak:
			s = "~" + s
		case Exact:
		default:
			s = "?" + s
		}
		out = append(out, s)
	}
	return out
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		entries []Entry
		aliases []Alias
		want    []string // best first; "~" marks weak
	}{
		{
			name:    "host and parents, host first",
			url:     "https://gist.github.com/alice",
			entries: entries("github.com/alice", "2fa/github.com", "gist.github.com", "other/bob", "com/x"),
			want:    []string{"gist.github.com", "2fa/github.com", "github.com/alice"},
		},
		{
			name:    "nearer parent first",
			url:     "https://a.b.example.co.uk/",
			entries: entries("example.co.uk", "b.example.co.uk", "co.uk", "uk", "a.b.example.co.uk", "x.b.example.co.uk"),
			want:    []string{"a.b.example.co.uk", "b.example.co.uk", "example.co.uk"},
		},
		{
			name:    "sibling and child are not exact",
			url:     "https://github.com/",
			entries: entries("gist.github.com", "api.github.com/token", "www.github.com"),
			want:    []string{},
		},
		{
			name:    "a suffix that is not a parent domain",
			url:     "https://mygist.github.com/",
			entries: entries("gist.github.com", "ygist.github.com", "t.github.com", "mygist.github.com"),
			want:    []string{"mygist.github.com"},
		},
		{
			name:    "any segment counts",
			url:     "https://github.com/",
			entries: entries("work/2fa/github.com/alice", "github.com", "a/b/c/d"),
			want:    []string{"github.com", "work/2fa/github.com/alice"},
		},
		{
			name:    "port must match; port-qualified first",
			url:     "https://localhost:8443/login",
			entries: entries("localhost:8443", "localhost:9000", "localhost", "dev/localhost:8443/admin", "localhost:08443"),
			want:    []string{"dev/localhost:8443/admin", "localhost:08443", "localhost:8443", "localhost"},
		},
		{
			name:    "other port",
			url:     "https://localhost:9000/",
			entries: entries("localhost:8443"),
			want:    []string{},
		},
		{
			name:    "default port named explicitly",
			url:     "https://example.com/",
			entries: entries("example.com:443", "example.com:80", "example.com"),
			want:    []string{"example.com:443", "example.com"},
		},
		{
			name:    "http default port",
			url:     "http://www.example.com/",
			entries: entries("example.com:80", "example.com:443"),
			want:    []string{"example.com:80"},
		},
		{
			name:    "ipv4",
			url:     "http://192.168.1.10:8080/",
			entries: entries("192.168.1.10:8080", "192.168.1.10", "168.1.10", "1.10", "192.168.1.1", "192.168.1.10:80", "Router/192.168.1.10"),
			want:    []string{"192.168.1.10:8080", "192.168.1.10", "Router/192.168.1.10"},
		},
		{
			name:    "ipv6",
			url:     "http://[::1]:8080/",
			entries: entries("[::1]:8080", "[::1]", "::1", "[0:0::1]", "[::2]", "[::1]:80", "localhost"),
			want:    []string{"[::1]:8080", "::1", "[0:0::1]", "[::1]"},
		},
		{
			name:    "single-label host",
			url:     "http://intranet/",
			entries: entries("intranet", "Intranet/alice", "intranet.local"),
			want:    []string{"Intranet/alice", "intranet"},
		},
		{
			name:    "domain alias",
			url:     "https://id.atlassian.com/login",
			entries: entries("bitbucket.org/alice", "Atlassian/bob", "www.bitbucket.org", "bitbucket.com", "Bitbucket/carol"),
			aliases: []Alias{{Site: "id.atlassian.com", Target: "bitbucket.org"}},
			want:    []string{"bitbucket.org/alice", "~Atlassian/bob"},
		},
		{
			name:    "domain alias to a subdomain reaches its parents",
			url:     "https://login.example.net/",
			entries: entries("app.example.org", "example.org", "other.example.org"),
			aliases: []Alias{{Site: "login.example.net", Target: "app.example.org"}},
			want:    []string{"app.example.org", "example.org"},
		},
		{
			name:    "entry alias",
			url:     "https://accounts.example.com/signin",
			entries: entries("Example/alice", "Example/alice@@keyring", "Example/bob", "example/alice"),
			aliases: []Alias{{Site: "accounts.example.com", Target: "Example/alice"}},
			want:    []string{"Example/alice@@keyring", "Example/alice", "~Example/bob", "~example/alice"},
		},
		{
			name:    "single-segment entry alias",
			url:     "https://sso.corp.example/",
			entries: entries("Okta", "Okta/x"),
			aliases: []Alias{{Site: "sso.corp.example", Target: "Okta"}},
			want:    []string{"Okta"},
		},
		{
			name:    "alias on a parent applies to the host",
			url:     "https://login.example.com/",
			entries: entries("Example/alice"),
			aliases: []Alias{{Site: "example.com", Target: "Example/alice"}},
			want:    []string{"Example/alice"},
		},
		{
			name:    "alias on a child does not apply to the parent",
			url:     "https://example.com/",
			entries: entries("Example/alice"),
			aliases: []Alias{{Site: "accounts.example.com", Target: "Example/alice"}},
			want:    []string{"~Example/alice"},
		},
		{
			name:    "alias for another site does not apply",
			url:     "https://github.com/",
			entries: entries("bitbucket.org"),
			aliases: []Alias{{Site: "id.atlassian.com", Target: "bitbucket.org"}},
			want:    []string{},
		},
		{
			name:    "alias with a port",
			url:     "http://localhost:9000/",
			entries: entries("Dev/admin", "Dev/other"),
			aliases: []Alias{{Site: "localhost:8443", Target: "Dev/admin"}, {Site: "localhost:9000", Target: "Dev/other"}},
			want:    []string{"Dev/other"},
		},
		{
			name:    "alias given as a URL, upper case, trailing dot",
			url:     "https://ID.Atlassian.com./",
			entries: entries("bitbucket.org/alice"),
			aliases: []Alias{{Site: "https://id.atlassian.com/login?x=y", Target: "BitBucket.org."}},
			want:    []string{"bitbucket.org/alice"},
		},
		{
			name:    "alias ranks by the site it names",
			url:     "https://a.example.com/",
			entries: entries("Z/named-by-host-alias", "example.com", "a.example.com/b"),
			aliases: []Alias{{Site: "a.example.com", Target: "Z/named-by-host-alias"}},
			want:    []string{"Z/named-by-host-alias", "a.example.com/b", "example.com"},
		},
		{
			name:    "bad aliases are ignored",
			url:     "https://example.com/",
			entries: entries("Example/alice", "target.com"),
			aliases: []Alias{{Site: "", Target: "Example/alice"}, {Site: "exa mple.com", Target: "Example/alice"}, {Site: "javascript:x://example.com", Target: "target.com"}},
			want:    []string{"~Example/alice"},
		},
		{
			name:    "weak: issuer folder",
			url:     "https://www.github.co.uk/",
			entries: entries("GitHub/alice", "github/bob", "Git-Hub/carol", "GitHubEnterprise/dave", "github.com/erin", "2fa/GitHub", "GitHub"),
			want:    []string{"~Git-Hub/carol", "~GitHub", "~GitHub/alice", "~github/bob"},
		},
		{
			name:    "weak: google on a country domain",
			url:     "https://accounts.google.co.uk/",
			entries: entries("Google", "Google Account/me", "Google/me"),
			want:    []string{"~Google", "~Google/me"},
		},
		{
			name:    "weak never outranks exact and is not repeated",
			url:     "https://github.com/",
			entries: entries("GitHub/alice", "github.com", "github", "GitHub/github.com"),
			want:    []string{"GitHub/github.com", "github.com", "~GitHub/alice", "~github"},
		},
		{
			name:    "lookalike: other TLD",
			url:     "https://github.co/",
			entries: entries("github.com/alice", "GitHub/bob"),
			want:    []string{"~GitHub/bob"},
		},
		{
			name:    "lookalike: real domain as a subdomain",
			url:     "https://github.com.evil.net/",
			entries: entries("github.com/alice", "GitHub/bob", "github.com"),
			want:    []string{},
		},
		{
			name:    "lookalike: extra letter",
			url:     "https://githubb.com/",
			entries: entries("github.com", "GitHub/x"),
			want:    []string{},
		},
		{
			name:    "lookalike: prefix",
			url:     "https://evilgithub.com/",
			entries: entries("github.com", "GitHub/x"),
			want:    []string{},
		},
		{
			name:    "lookalike: suffix without a dot",
			url:     "https://mygithub.com/",
			entries: entries("github.com"),
			want:    []string{},
		},
		{
			name:    "homograph in punycode",
			url:     "https://xn--gthub-n2e.com/",
			entries: entries("github.com", "GitHub/x", "gіthub.com/real-cyrillic"),
			want:    []string{"gіthub.com/real-cyrillic"},
		},
		{
			name:    "homograph in Unicode",
			url:     "https://gіthub.com/",
			entries: entries("github.com", "GitHub/x"),
			want:    []string{},
		},
		{
			name:    "other punycode",
			url:     "https://xn--gthub-2ua.com/",
			entries: entries("github.com", "GitHub/x"),
			want:    []string{},
		},
		{
			name:    "userinfo trick",
			url:     "https://github.com@evil.com/login",
			entries: entries("github.com", "GitHub/alice", "evil.com"),
			want:    []string{"evil.com"},
		},
		{
			name:    "userinfo with port trick",
			url:     "https://github.com:443@evil.com/",
			entries: entries("github.com"),
			want:    []string{},
		},
		{
			name:    "IDN entry, punycode page",
			url:     "https://xn--bcher-kva.de/",
			entries: entries("bücher.de/jörg", "BÜCHER.DE/x", "xn--bcher-kva.de", "XN--BCHER-KVA.DE/y", "Bücher/y", "bucher.de", "bu\u0308cher.de/nfd"),
			want:    []string{"BÜCHER.DE/x", "XN--BCHER-KVA.DE/y", "bu\u0308cher.de/nfd", "bücher.de/jörg", "xn--bcher-kva.de", "~Bücher/y"},
		},
		{
			name:    "IDN weak with a decomposed name",
			url:     "https://www.xn--bcher-kva.de/",
			entries: entries("Bu\u0308cher/x", "Bucher/y"),
			want:    []string{"~Bu\u0308cher/x"},
		},
		{
			name:    "non-transitional ß",
			url:     "https://xn--strae-oqa.de/",
			entries: entries("straße.de", "strasse.de", "STRASSE.de"),
			want:    []string{"straße.de"},
		},
		{
			name:    "fullwidth entry",
			url:     "https://github.com/",
			entries: entries("ｇｉｔｈｕｂ．ｃｏｍ/alice"),
			want:    []string{"ｇｉｔｈｕｂ．ｃｏｍ/alice"},
		},
		{
			name:    "public suffix host matches only itself",
			url:     "https://github.io/",
			entries: entries("github.io", "io", "GitHub/x", "alice.github.io"),
			want:    []string{"github.io"},
		},
		{
			name:    "under a private suffix, the suffix is not a parent",
			url:     "https://alice.github.io/project",
			entries: entries("github.io/x", "alice.github.io", "bob.github.io", "Alice/y", "GitHub/z"),
			want:    []string{"alice.github.io", "~Alice/y"},
		},
		{
			name:    "co.uk is not a parent",
			url:     "https://bank.co.uk/",
			entries: entries("co.uk", "uk", "bank.co.uk"),
			want:    []string{"bank.co.uk"},
		},
		{
			name:    "upper case everywhere",
			url:     "HTTPS://WWW.GITHUB.COM/",
			entries: entries("GITHUB.COM/a", "GitHub.Com/b", "WWW.GITHUB.COM"),
			want:    []string{"WWW.GITHUB.COM", "GITHUB.COM/a", "GitHub.Com/b"},
		},
		{
			name:    "trailing dots",
			url:     "https://github.com./",
			entries: entries("github.com", "github.com./x", "github.com../y"),
			want:    []string{"github.com", "github.com./x"},
		},
		{
			name:    "stores and duplicates",
			url:     "https://github.com/",
			entries: entries("github.com@@pass", "github.com@@keyring", "github.com@@pass", "GitHub@@b", "GitHub@@a"),
			want:    []string{"github.com@@keyring", "github.com", "~GitHub@@a", "~GitHub@@b"},
		},
		{
			name:    "segment-looking strings that are not segments",
			url:     "https://github.com/",
			entries: entries("notgithub.com", "github.com-old", "github.comx/y", "x.github.com.y", ".github.com", "github.com:", "github.com:x"),
			want:    []string{},
		},
		{
			name:    "no entries",
			url:     "https://github.com/",
			entries: nil,
			want:    []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, err := ParseSite(tt.url)
			if err != nil {
				t.Fatalf("ParseSite: %v", err)
			}
			got := Match(site, tt.entries, tt.aliases)
			if got == nil {
				t.Fatalf("Match returned nil, want a (possibly empty) slice")
			}
			if !slices.Equal(results(got), tt.want) {
				t.Errorf("Match = %q\n            want %q", results(got), tt.want)
			}
			// Same answer whatever the order of the store listing.
			rev := slices.Clone(tt.entries)
			slices.Reverse(rev)
			if again := Match(site, rev, tt.aliases); !slices.Equal(again, got) {
				t.Errorf("reversed entries give %q", results(again))
			}
			// And the independent implementation agrees on every entry.
			for _, e := range tt.entries {
				checkAgainstReference(t, tt.url, e, tt.aliases, got)
			}
		})
	}
}

func TestAliasValidate(t *testing.T) {
	tests := []struct {
		alias Alias
		ok    bool
	}{
		{Alias{"id.atlassian.com", "bitbucket.org"}, true},
		{Alias{"accounts.example.com", "Example/alice"}, true},
		{Alias{"localhost:8443", "Dev/admin"}, true},
		{Alias{"https://id.atlassian.com/login", "bitbucket.org:8443"}, true},
		{Alias{"[::1]:8080", "Local"}, true},
		{Alias{"bücher.de", "Bücher/jörg"}, true},
		{Alias{"", "x"}, false},
		{Alias{"example.com/path", "x"}, false},
		{Alias{"exa mple.com", "x"}, false},
		{Alias{"javascript://example.com", "x"}, false},
		{Alias{"example.com:99999", "x"}, false},
		{Alias{"example.com", ""}, false},
		{Alias{"example.com", "../etc/passwd"}, false},
		{Alias{"example.com", "/abs"}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s=%s", tt.alias.Site, tt.alias.Target), func(t *testing.T) {
			err := tt.alias.Validate()
			if tt.ok && err != nil {
				t.Errorf("Validate: %v", err)
			}
			if !tt.ok && err == nil {
				t.Errorf("Validate accepted it")
			}
			if err != nil && !strings.HasPrefix(err.Error(), ErrInvalidAlias.Error()) {
				t.Errorf("error %q does not start with %q", err, ErrInvalidAlias)
			}
		})
	}
}

// TestMatchAgainstReference crosses pages, names and aliases and checks
// every answer with the slow implementation in reference_test.go.
func TestMatchAgainstReference(t *testing.T) {
	urls := []string{
		"https://github.com/", "https://gist.github.com/", "https://github.co/", "http://localhost:8443/",
		"https://localhost/", "http://[::1]:8443/", "http://10.0.0.1/", "https://a.b.c.example.co.uk/",
		"https://github.io/", "https://x.github.io/", "https://xn--bcher-kva.de/", "https://id.atlassian.com/",
		"http://github.com:8443/", "https://r3---sn-x.googlevideo.com/", "https://mygist.github.com/",
	}
	names := []string{
		"github.com", "GitHub/alice", "gist.github.com", "2fa/github.com/x", "localhost:8443", "localhost",
		"localhost:443", "[::1]:8443", "::1", "10.0.0.1", "10.0.0.1:80", "example.co.uk", "c.example.co.uk",
		"co.uk", "github.io", "x.github.io", "bücher.de", "Bücher", "bitbucket.org", "Atlassian/x", "Example/alice",
		"github.com:8443", "googlevideo.com", "xn--BCHER-kva.de.", "Github Inc/x", "", "/", "a//b", ":8443",
	}
	aliases := [][]Alias{
		nil,
		{{Site: "id.atlassian.com", Target: "bitbucket.org"}},
		{{Site: "github.com", Target: "Example/alice"}, {Site: "example.co.uk", Target: "x.github.io"}},
		{{Site: "localhost", Target: "[::1]:8443"}, {Site: "[::1]", Target: "localhost"}},
	}
	for _, u := range urls {
		site, err := ParseSite(u)
		if err != nil {
			t.Fatalf("ParseSite(%q): %v", u, err)
		}
		for _, as := range aliases {
			es := entries(names...)
			got := Match(site, es, as)
			for _, e := range es {
				checkAgainstReference(t, u, e, as, got)
			}
		}
	}
}

func BenchmarkMatch10k(b *testing.B) {
	es := make([]Entry, 0, 10000)
	for i := range 10000 {
		var n string
		switch i % 5 {
		case 0:
			n = fmt.Sprintf("Service%d/user%d@example.com", i, i)
		case 1:
			n = fmt.Sprintf("websites/site%d.example.co.uk/alice", i)
		case 2:
			n = fmt.Sprintf("2fa/host%d.internal:8443", i)
		case 3:
			n = fmt.Sprintf("Bücher%d/jörg", i)
		default:
			n = fmt.Sprintf("site%d.com", i)
		}
		es = append(es, Entry{Name: n, Store: "pass"})
	}
	es = append(es, entries("github.com/alice", "GitHub/bob", "gist.github.com")...)
	site, err := ParseSite("https://gist.github.com/alice/1234")
	if err != nil {
		b.Fatal(err)
	}
	aliases := []Alias{{Site: "gist.github.com", Target: "Service5/user5@example.com"}}
	b.ReportAllocs()
	for b.Loop() {
		if got := Match(site, es, aliases); len(got) != 4 {
			b.Fatalf("got %v", got)
		}
	}
}
