package backup

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/host/internal/store"
)

// memStore is a store held in memory; absent makes every call answer
// ErrUnavailable, as a pass store whose folder does not exist does.
type memStore struct {
	id      string
	absent  bool
	entries map[string]string
}

func (m *memStore) ID() string   { return m.id }
func (m *memStore) Kind() string { return "pass" }
func (m *memStore) Check(context.Context) error {
	if m.absent {
		return fmt.Errorf("%w: no store at /nowhere", store.ErrUnavailable)
	}
	return nil
}
func (m *memStore) List(ctx context.Context) ([]string, error) {
	if err := m.Check(ctx); err != nil {
		return nil, err
	}
	var names []string
	for n := range m.entries {
		names = append(names, n)
	}
	return names, nil
}
func (m *memStore) Read(ctx context.Context, name string) ([]byte, error) {
	if err := m.Check(ctx); err != nil {
		return nil, err
	}
	c, ok := m.entries[name]
	if !ok {
		return nil, store.ErrNotFound
	}
	return []byte(c), nil
}

// TestStatusSkipsAbsentDefaultPair: the default pair pass → keyring, with
// no default pass store (the user keeps theirs elsewhere, in the config) is
// no problem to report; a configured store that is missing still is.
func TestStatusSkipsAbsentDefaultPair(t *testing.T) {
	uri := "otpauth://totp/X:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=X\n"
	def := &memStore{id: "pass", absent: true}
	kr := &memStore{id: "keyring", entries: map[string]string{"x.com/alice": uri}}
	work := &memStore{id: "work", entries: map[string]string{"github.com/alice": uri}}
	k := &Checker{Stores: []store.Store{def, kr, work}, Pairs: map[string]string{"pass": "keyring"}, Optional: map[string]bool{"pass": true, "keyring": true}}
	r := k.Status(context.Background())
	if len(r.Problems) != 0 {
		t.Errorf("problems %q, want none: the default store is simply not there", r.Problems)
	}
	states := map[string]string{}
	for _, e := range r.Entries {
		states[e.Name] = e.State
	}
	if states["github.com/alice"] != NoBackup || states["x.com/alice"] != NoBackup {
		t.Errorf("states %v, want both entries without a backup store", states)
	}
	// The same pair configured by the user: its missing primary is a problem.
	k.Optional = nil
	r = k.Status(context.Background())
	if !strings.Contains(strings.Join(r.Problems, "\n"), "cannot list store pass") {
		t.Errorf("problems %q, want the configured pass store's absence reported", r.Problems)
	}
}
