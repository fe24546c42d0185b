package transfer

import (
	"strings"
	"testing"

	"github.com/otpfill/otpfill/host/internal/store"
)

func TestEntryName(t *testing.T) {
	tests := []struct {
		issuer, account, want string
	}{
		{"GitHub", "alice", "GitHub/alice"},
		{"github.com", "alice@example.com", "github.com/alice@example.com"},
		{"", "alice", "alice"},
		{"GitHub", "", "GitHub"},
		{"", "", "imported"},
		{"  Air   Canada ", "\tBenjamin\n", "Air Canada/Benjamin"},
		{"a/b", "c\\d", "a-b/c-d"},
		{"..", "..", "imported"},
		{"../../etc", "passwd", "etc/passwd"},
		{"/../../tmp/pwn", "x", "tmp-pwn/x"},
		{"../", "", "imported"},
		{"-rf", "--help", "rf/help"},
		{"a..b", "c...d.", "a.b/c.d."},
		{".-.-", "-.-", "imported"},
		{".git", "config", "git/config"},
		{". hidden", "x", "hidden/x"},
		{"Evil\x1b[2J", "a\x00b\u202ec", "Evil[2J/abc"},
		{"line\u2028break", "x", "line break/x"},
		{"bad\xffutf8", "x", "bad\uFFFDutf8/x"},
		{"localhost:8443", "admin", "localhost:8443/admin"},
		{"Ümlaut", "jürgen", "Ümlaut/jürgen"},
		{strings.Repeat("é", 80), "x", strings.Repeat("é", 50) + "/x"},
		{strings.Repeat("a", 99) + " b", "x", strings.Repeat("a", 99) + "/x"},
	}
	for _, tt := range tests {
		got := EntryName(tt.issuer, tt.account)
		if got != tt.want {
			t.Errorf("EntryName(%q, %q) = %q, want %q", tt.issuer, tt.account, got, tt.want)
		}
		if err := store.ValidateName(got); err != nil {
			t.Errorf("EntryName(%q, %q) = %q: %v", tt.issuer, tt.account, got, err)
		}
	}
}

func TestUniqueName(t *testing.T) {
	taken := map[string]bool{}
	var got []string
	for _, n := range []string{"GitHub/alice", "github/ALICE", "GitHub/alice-2", "GitHub/alice", "other"} {
		got = append(got, uniqueName(n, taken))
	}
	want := []string{"GitHub/alice", "github/ALICE-2", "GitHub/alice-2-2", "GitHub/alice-3", "other"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzEntryName: whatever an export says, the suggested name is one the
// stores accept.
func FuzzEntryName(f *testing.F) {
	f.Add("GitHub", "alice")
	f.Add("../..", "/etc/passwd")
	f.Add("-.-", ". . -x")
	f.Add(" .x ", "\u202e\x00")
	f.Add(strings.Repeat("/", 300), strings.Repeat("界", 300))
	f.Fuzz(func(t *testing.T, issuer, account string) {
		name := EntryName(issuer, account)
		if err := store.ValidateName(name); err != nil {
			t.Fatalf("EntryName(%q, %q) = %q: %v", issuer, account, name, err)
		}
		for _, seg := range strings.Split(name, "/") {
			if strings.HasPrefix(seg, "-") || strings.HasPrefix(seg, ".") || strings.Contains(seg, "..") {
				t.Fatalf("EntryName(%q, %q) = %q has an unsafe segment", issuer, account, name)
			}
		}
		if strings.Count(name, "/") > 1 {
			t.Fatalf("EntryName(%q, %q) = %q has more than two parts", issuer, account, name)
		}
		taken := map[string]bool{}
		a, b := uniqueName(name, taken), uniqueName(name, taken)
		if a == b || store.ValidateName(b) != nil {
			t.Fatalf("uniqueName gave %q then %q", a, b)
		}
	})
}
