package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string // substring of the error; "" means valid
	}{
		{"simple", "github.com", ""},
		{"folder", "github.com/alice", ""},
		{"pass-otp style", "2fa/GitHub/alice", ""},
		{"port", "localhost:8443", ""},
		{"port in folder", "dev/localhost:8443/admin", ""},
		{"at sign", "alice@example.com", ""},
		{"email under site", "github.com/alice@example.com", ""},
		{"inner spaces", "Example Corp/alice smith", ""},
		{"unicode", "bücher.de/jörg", ""},
		{"dots inside", "a.b/c..d/e.", ""},
		{"max segment", strings.Repeat("a", MaxSegmentLen), ""},
		{"max total", strings.Repeat(strings.Repeat("a", 99)+"/", 4)[:MaxNameLen-1] + "b", ""},

		{"empty", "", "empty"},
		{"too long", strings.Repeat("a/", 201) + "a", "bytes long"},
		{"segment too long", strings.Repeat("a", MaxSegmentLen+1), "segment 1 is 201 bytes"},
		{"invalid utf8", "git\xffhub", "UTF-8"},
		{"truncated utf8", "b\xc3", "UTF-8"},
		{"absolute", "/etc/passwd", "relative"},
		{"backslash", `a\b`, "backslash"},
		{"windows traversal", `..\..\x`, "backslash"},
		{"NUL", "a\x00b", "NUL"},
		{"newline", "a\nb", "control"},
		{"tab", "a\tb", "control"},
		{"escape", "a\x1b[31mb", "control"},
		{"DEL", "a\x7fb", "control"},
		{"C1", "a\u0085b", "control"},
		{"C1 CSI", "a\u009bb", "control"},
		{"line separator", "a\u2028b", "separator"},
		{"paragraph separator", "a\u2029b", "separator"},
		{"RLO", "moc.buhtig\u202e", "bidirectional"},
		{"isolate", "a\u2066b", "bidirectional"},
		{"double slash", "a//b", "segment 2 is empty"},
		{"trailing slash", "a/b/", "segment 3 is empty"},
		{"only slash", "/", "relative"},
		{"dot", ".", "dot"},
		{"dotdot", "..", "dot"},
		{"dot segment", "a/./b", "segment 2 starts with a dot"},
		{"traversal", "a/../../b", "segment 2 starts with a dot"},
		{"git dir", ".git/config", "dot"},
		{"gpg-id", "work/.gpg-id", "segment 2 starts with a dot"},
		{"hidden", "a/.hidden", "dot"},
		{"leading space", " a", "white space"},
		{"trailing space", "a/b ", "segment 2"},
		{"nbsp", "a\u00a0/b", "white space"},
		{"ideographic space", "\u3000a", "white space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateName(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateName(%q) = %v, want nil", tt.in, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ValidateName(%q) = nil, want error containing %q", tt.in, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidName) {
				t.Errorf("error %v does not wrap ErrInvalidName", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

// TestValidateNameErrorDoesNotEchoName: names can be huge or hold escape
// sequences, and errors end up in logs and in the browser.
func TestValidateNameErrorDoesNotEchoName(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("secretish", 100),
		"x/" + strings.Repeat("z", 300),
		"evil\x1b]0;title\x07",
		"marker-q7/../x",
	} {
		err := ValidateName(in)
		if err == nil {
			t.Fatalf("ValidateName accepted %q", in)
		}
		msg := err.Error()
		if len(msg) > 200 {
			t.Errorf("error is %d bytes long: %q", len(msg), msg)
		}
		for _, part := range []string{"secretish", "zzzz", "\x1b", "title", "marker-q7"} {
			if strings.Contains(msg, part) {
				t.Errorf("error %q repeats part of the name (%q)", msg, part)
			}
		}
	}
}

func FuzzValidateName(f *testing.F) {
	for _, s := range []string{
		"github.com/alice", "localhost:8443", "a/../b", "../x", "a//b", "/abs",
		".git", "a/.gpg-id", `a\b`, "a\x00b", " a", "bücher.de", "a/b/", "..",
		"a\u2028b", "C:/x", "C:x", "x/C:..", "\u202e", "a/ . /b",
	} {
		f.Add(s)
	}
	root := filepath.Join(f.TempDir(), "store")
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateName(name)
		if err != nil {
			if !errors.Is(err, ErrInvalidName) {
				t.Fatalf("error %v does not wrap ErrInvalidName", err)
			}
			return
		}
		if !utf8.ValidString(name) || len(name) > MaxNameLen {
			t.Fatalf("accepted invalid or overlong name %q", name)
		}
		// An accepted name must stay under the root, must not be changed
		// by cleaning (so the store and the user see the same path), and
		// must not name a hidden file.
		p := filepath.Join(root, name)
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			t.Fatalf("accepted %q escapes or is the root: %q", name, rel)
		}
		if filepath.ToSlash(rel) != name {
			t.Fatalf("accepted %q, which cleans to %q", name, rel)
		}
		for _, seg := range strings.Split(name, "/") {
			if strings.HasPrefix(seg, ".") {
				t.Fatalf("accepted %q with hidden segment %q", name, seg)
			}
		}
	})
}
