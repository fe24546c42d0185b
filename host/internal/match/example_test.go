package match_test

import (
	"fmt"

	"github.com/otpfill/otpfill/host/internal/match"
)

func ExampleMatch() {
	site, err := match.ParseSite("https://gist.github.com/alice")
	if err != nil {
		fmt.Println(err)
		return
	}
	entries := []match.Entry{
		{Name: "github.com/alice", Store: "pass"},
		{Name: "gist.github.com", Store: "keyring"},
		{Name: "GitHub/bob", Store: "pass"},
		{Name: "gitlab.com/alice", Store: "pass"},
	}
	for _, r := range match.Match(site, entries, nil) {
		fmt.Println(r.Strength, r.Name, r.Store)
	}
	// Output:
	// exact gist.github.com keyring
	// exact github.com/alice pass
	// weak GitHub/bob pass
}

func ExampleMatch_alias() {
	site, _ := match.ParseSite("https://id.atlassian.com/login")
	aliases := []match.Alias{{Site: "id.atlassian.com", Target: "bitbucket.org"}}
	entries := []match.Entry{{Name: "bitbucket.org/alice", Store: "pass"}}
	fmt.Println(match.Match(site, entries, aliases))
	// Output: [{bitbucket.org/alice pass exact}]
}

func ExampleParseSite() {
	site, _ := match.ParseSite("https://www.Bücher.de:8443/shop")
	fmt.Println(site.Host(), site.Port(), site.Domains(), site.Label())
	fmt.Println(site)

	_, err := match.ParseSite("javascript:alert(1)")
	fmt.Println(err)
	// Output:
	// www.xn--bcher-kva.de 8443 [www.xn--bcher-kva.de xn--bcher-kva.de] xn--bcher-kva
	// www.xn--bcher-kva.de:8443
	// invalid site URL: only http and https pages have codes
}
