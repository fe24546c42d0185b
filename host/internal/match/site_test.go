package match

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseSite(t *testing.T) {
	tests := []struct {
		url         string
		host, port  string
		domains     []string
		registrable string
		label       string
		str         string
	}{
		{"https://github.com/", "github.com", "", []string{"github.com"}, "github.com", "github", "github.com"},
		{"https://gist.github.com/alice/abc?x=1#y", "gist.github.com", "", []string{"gist.github.com", "github.com"}, "github.com", "github", "gist.github.com"},
		{"https://a.b.example.co.uk/", "a.b.example.co.uk", "", []string{"a.b.example.co.uk", "b.example.co.uk", "example.co.uk"}, "example.co.uk", "example", "a.b.example.co.uk"},
		{"https://www.google.co.uk/", "www.google.co.uk", "", []string{"www.google.co.uk", "google.co.uk"}, "google.co.uk", "google", "www.google.co.uk"},
		{"HTTPS://GitHub.COM/Path", "github.com", "", []string{"github.com"}, "github.com", "github", "github.com"},
		{"https://github.com./", "github.com", "", []string{"github.com"}, "github.com", "github", "github.com"},
		{"https://github.com:443/", "github.com", "", []string{"github.com"}, "github.com", "github", "github.com"},
		{"http://github.com:80/", "github.com", "", []string{"github.com"}, "github.com", "github", "github.com"},
		{"http://github.com:443/", "github.com", "443", []string{"github.com"}, "github.com", "github", "github.com:443"},
		{"https://github.com:08443/", "github.com", "8443", []string{"github.com"}, "github.com", "github", "github.com:8443"},
		{"https://github.com:/", "github.com", "", []string{"github.com"}, "github.com", "github", "github.com"},
		{"https://localhost:8443/", "localhost", "8443", []string{"localhost"}, "", "", "localhost:8443"},
		{"http://intranet/", "intranet", "", []string{"intranet"}, "", "", "intranet"},
		{"http://127.0.0.1:8080/", "127.0.0.1", "8080", []string{"127.0.0.1"}, "", "", "127.0.0.1:8080"},
		{"http://[::1]:8080/", "::1", "8080", []string{"::1"}, "", "", "[::1]:8080"},
		{"https://[2001:DB8:0:0::1]/", "2001:db8::1", "", []string{"2001:db8::1"}, "", "", "[2001:db8::1]"},
		// Public suffixes: nobody owns them, so they have no parents and
		// no label; a site under a private suffix stops at its own name.
		{"https://github.io/", "github.io", "", []string{"github.io"}, "", "", "github.io"},
		{"https://co.uk/", "co.uk", "", []string{"co.uk"}, "", "", "co.uk"},
		{"https://alice.github.io/x", "alice.github.io", "", []string{"alice.github.io"}, "alice.github.io", "alice", "alice.github.io"},
		{"https://docs.alice.github.io/x", "docs.alice.github.io", "", []string{"docs.alice.github.io", "alice.github.io"}, "alice.github.io", "alice", "docs.alice.github.io"},
		// User info is not the host.
		{"https://github.com@evil.com/", "evil.com", "", []string{"evil.com"}, "evil.com", "evil", "evil.com"},
		{"https://github.com:443@evil.com/", "evil.com", "", []string{"evil.com"}, "evil.com", "evil", "evil.com"},
		{"https://user:pw@www.evil.com/", "www.evil.com", "", []string{"www.evil.com", "evil.com"}, "evil.com", "evil", "www.evil.com"},
		// IDN: punycode, whether the browser gave it in Unicode or not.
		{"https://bücher.de/", "xn--bcher-kva.de", "", []string{"xn--bcher-kva.de"}, "xn--bcher-kva.de", "xn--bcher-kva", "xn--bcher-kva.de"},
		{"https://www.XN--BCHER-KVA.de/", "www.xn--bcher-kva.de", "", []string{"www.xn--bcher-kva.de", "xn--bcher-kva.de"}, "xn--bcher-kva.de", "xn--bcher-kva", "www.xn--bcher-kva.de"},
		{"https://gіthub.com/", "xn--gthub-n2e.com", "", []string{"xn--gthub-n2e.com"}, "xn--gthub-n2e.com", "xn--gthub-n2e", "xn--gthub-n2e.com"},
		{"https://straße.de/", "xn--strae-oqa.de", "", []string{"xn--strae-oqa.de"}, "xn--strae-oqa.de", "xn--strae-oqa", "xn--strae-oqa.de"},
		// What browsers accept although strict IDNA would not.
		{"https://r3---sn-abc.googlevideo.com/", "r3---sn-abc.googlevideo.com", "", []string{"r3---sn-abc.googlevideo.com", "googlevideo.com"}, "googlevideo.com", "googlevideo", "r3---sn-abc.googlevideo.com"},
		{"http://my_app.example.com/", "my_app.example.com", "", []string{"my_app.example.com", "example.com"}, "example.com", "example", "my_app.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			s, err := ParseSite(tt.url)
			if err != nil {
				t.Fatalf("ParseSite: %v", err)
			}
			if s.Host() != tt.host || s.Port() != tt.port {
				t.Errorf("host, port = %q, %q; want %q, %q", s.Host(), s.Port(), tt.host, tt.port)
			}
			if !slices.Equal(s.Domains(), tt.domains) {
				t.Errorf("Domains() = %q, want %q", s.Domains(), tt.domains)
			}
			if s.RegistrableDomain() != tt.registrable || s.Label() != tt.label {
				t.Errorf("registrable, label = %q, %q; want %q, %q", s.RegistrableDomain(), s.Label(), tt.registrable, tt.label)
			}
			if s.String() != tt.str {
				t.Errorf("String() = %q, want %q", s.String(), tt.str)
			}
		})
	}
}

func TestParseSiteDomainsIsACopy(t *testing.T) {
	s, err := ParseSite("https://gist.github.com/")
	if err != nil {
		t.Fatal(err)
	}
	s.Domains()[1] = "evil.com"
	if got := s.Domains(); got[1] != "github.com" {
		t.Errorf("Domains() shares its slice: %q", got)
	}
}

func TestParseSiteErrors(t *testing.T) {
	// marker is in every URL: an error that repeats it leaks the URL.
	const marker = "mk7q"
	tests := []struct {
		name, url, reason string
	}{
		{"javascript", "javascript:alert('mk7q')", "http and https"},
		{"data", "data:text/html,<b>mk7q</b>", "http and https"},
		{"file", "file:///home/mk7q", "http and https"},
		{"chrome", "chrome://settings/mk7q", "http and https"},
		{"about", "about:blank#mk7q", "http and https"},
		{"view-source", "view-source:https://github.com/mk7q", "http and https"},
		{"extension", "chrome-extension://abcdefghijklmnop/mk7q.html", "http and https"},
		{"moz-extension", "moz-extension://1234/mk7q.html", "http and https"},
		{"ftp", "ftp://mk7q.example.com/", "http and https"},
		{"ws", "wss://mk7q.example.com/", "http and https"},
		{"no scheme", "mk7q.example.com/x", "no scheme"},
		{"empty", "", "no scheme"},
		{"no host", "https:///mk7q", "no host"},
		{"opaque", "https:mk7q.example.com", "no host"},
		{"only userinfo", "https://mk7q@/", "no host"},
		{"space in host", "https://mk7q example.com/", "malformed"},
		{"backslash trick", `https://evil.com\@mk7q.github.com/`, "malformed"},
		{"control char", "https://mk7q.com/\x00", "malformed"},
		{"unclosed bracket", "https://[::1/mk7q", "malformed"},
		{"port too big", "https://mk7q.com:99999/", "port"},
		{"port zero", "https://mk7q.com:0/", "port"},
		{"empty label", "https://mk7q..com/", "host"},
		{"double trailing dot", "https://mk7q.com../", "host"},
		{"leading dot", "https://.mk7q.com/", "host"},
		{"bad punycode", "https://xn--mk7q-.com/", "host"},
		{"invalid punycode", "https://xn--a.com/mk7q", "host"},
		{"label too long", "https://" + strings.Repeat("a", 64) + ".com/mk7q", "host"},
		{"numeric last label", "https://mk7q.123/", "host"},
		{"hex last label", "https://mk7q.0x7f/", "host"},
		{"bad ipv4", "https://1.2.3.999/mk7q", "host"},
		{"ipv4 in brackets", "https://[1.2.3.4]/mk7q", "malformed"},
		{"ipv6 zone", "https://[fe80::1%25eth0]/mk7q", "host"},
		{"bidi mix", "https://a\u05d0.com/mk7q", "host"},
		{"too long", "https://github.com/" + strings.Repeat("mk7q", MaxURLLen/4), "bytes long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(tt.url, marker) && tt.url != "" {
				t.Fatalf("test URL lacks the marker")
			}
			s, err := ParseSite(tt.url)
			if err == nil {
				t.Fatalf("ParseSite accepted it: host %q", s.Host())
			}
			var ue *URLError
			if !errors.As(err, &ue) || !errors.Is(err, ErrInvalidURL) {
				t.Fatalf("error %v (%T) is not a *URLError wrapping ErrInvalidURL", err, err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q does not say %q", err, tt.reason)
			}
			if strings.Contains(err.Error(), marker) || len(err.Error()) > 120 {
				t.Errorf("error %q repeats the URL", err)
			}
			if m := Match(s, []Entry{{Name: "mk7q.com", Store: "pass"}}, nil); len(m) != 0 {
				t.Errorf("the zero Site matched %v", m)
			}
		})
	}
}

func TestParseSiteLengthLimit(t *testing.T) {
	base := "https://github.com/?"
	ok := base + strings.Repeat("a", MaxURLLen-len(base))
	if _, err := ParseSite(ok); err != nil {
		t.Errorf("URL of exactly MaxURLLen bytes: %v", err)
	}
	if _, err := ParseSite(ok + "a"); !errors.Is(err, ErrInvalidURL) {
		t.Errorf("URL of MaxURLLen+1 bytes: %v, want ErrInvalidURL", err)
	}
}
