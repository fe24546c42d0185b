package server

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
)

// stampStore is a store whose files' stamps the test sets.
type stampStore struct{ stamps map[string]string }

func (f *stampStore) ID() string                                   { return "pass" }
func (f *stampStore) Kind() string                                 { return store.KindPass }
func (f *stampStore) Check(context.Context) error                  { return nil }
func (f *stampStore) List(context.Context) ([]string, error)       { return nil, nil }
func (f *stampStore) Read(context.Context, string) ([]byte, error) { return nil, store.ErrNotFound }
func (f *stampStore) FileStamp(name string) (string, error) {
	if s, ok := f.stamps[name]; ok {
		return s, nil
	}
	return "", store.ErrNotFound
}

func TestTypeIndex(t *testing.T) {
	st := &stampStore{stamps: map[string]string{"a": "1", "b": "1"}}
	s := &Server{Stores: []store.Store{st}, TypeIndex: filepath.Join(t.TempDir(), "state", "types.json")}
	typeOf := func(name string) string { return s.typeLookup()("pass", name) }

	if got := typeOf("a"); got != "" {
		t.Fatalf("no index yet: type %q", got)
	}
	s.noteType("pass", "a", otp.TOTP, "1")
	s.noteType("pass", "b", otp.HOTP, "1")
	if typeOf("a") != "totp" || typeOf("b") != "hotp" {
		t.Fatalf("recorded types not read back: a=%q b=%q", typeOf("a"), typeOf("b"))
	}
	// The file changed after the stamp was taken and before the type was
	// noted: what was read may be either version, so nothing is recorded.
	st.stamps["a"] = "2"
	s.noteType("pass", "a", otp.HOTP, "1")
	if got := typeOf("a"); got != "" {
		t.Errorf("a type noted for a file that changed while it was read: %q", got)
	}
	// A stale record is unknown, never the old type.
	st.stamps["b"] = "2"
	if got := typeOf("b"); got != "" {
		t.Errorf("stale record answered: %q", got)
	}
	// Records of entries changed or gone are pruned on the next write.
	delete(st.stamps, "b")
	s.noteType("pass", "a", otp.TOTP, "2")
	var idx typeIndexFile
	data, err := os.ReadFile(s.TypeIndex)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &idx); err != nil || len(idx.Stores["pass"]) != 1 || idx.Stores["pass"]["a"].Type != "totp" {
		t.Errorf("index after pruning = %s (%v)", data, err)
	}
	// Corrupt or of another version: ignored, then written anew.
	for _, bad := range []string{"{not json", `{"version":2,"stores":{"pass":{"a":{"type":"totp","stamp":"2"}}}}`, `[]`} {
		if err := os.WriteFile(s.TypeIndex, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := typeOf("a"); got != "" {
			t.Errorf("index %q: type %q", bad, got)
		}
		s.noteType("pass", "a", otp.TOTP, "2")
		if got := typeOf("a"); got != "totp" {
			t.Errorf("index %q not rebuilt: type %q", bad, got)
		}
	}
	// A type the index does not know is not passed on.
	os.WriteFile(s.TypeIndex, []byte(`{"version":1,"stores":{"pass":{"a":{"type":"steam","stamp":"2"}}}}`), 0o600)
	if got := typeOf("a"); got != "" {
		t.Errorf("unknown type passed on: %q", got)
	}
	// No index kept: nothing written, nothing known.
	s2 := &Server{Stores: []store.Store{st}}
	s2.noteType("pass", "a", otp.TOTP, "2")
	if got := s2.typeLookup()("pass", "a"); got != "" {
		t.Errorf("without an index: type %q", got)
	}
}
