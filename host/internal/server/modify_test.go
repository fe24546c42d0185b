package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/store"
)

// memStore is an in-memory store.Writer for the unit tests of modify. Its
// Write pauses first, so that a change not serialised by the lock from its
// read to its write loses the race.
type memStore struct {
	id       string
	mu       sync.Mutex
	entries  map[string][]byte
	reads    int
	failNext error // the next Write fails with it, changing nothing
	written  []bool
}

func newMemStore(id string, entries map[string]string) *memStore {
	m := &memStore{id: id, entries: map[string][]byte{}}
	for k, v := range entries {
		m.entries[k] = []byte(v)
	}
	return m
}

func (m *memStore) ID() string                  { return m.id }
func (m *memStore) Kind() string                { return "memory" }
func (m *memStore) Check(context.Context) error { return nil }

func (m *memStore) List(context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.entries {
		out = append(out, k)
	}
	return out, nil
}

func (m *memStore) Read(_ context.Context, name string) ([]byte, error) {
	m.mu.Lock()
	m.reads++
	v, ok := m.entries[name]
	v = bytes.Clone(v)
	m.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: %s", store.ErrNotFound, name)
	}
	return v, nil
}

func (m *memStore) Write(_ context.Context, name string, content []byte, overwrite bool) error {
	time.Sleep(time.Millisecond)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.written = append(m.written, overwrite)
	if err := m.failNext; err != nil {
		m.failNext = nil
		return err
	}
	if _, ok := m.entries[name]; ok && !overwrite {
		return fmt.Errorf("%w: %s", store.ErrExists, name)
	}
	m.entries[name] = bytes.Clone(content)
	return nil
}

func (m *memStore) Remove(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.entries[name]; !ok {
		return fmt.Errorf("%w: %s", store.ErrNotFound, name)
	}
	delete(m.entries, name)
	return nil
}

func (m *memStore) get(name string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.entries[name]
	return string(v), ok
}

// appendLine is an edit that adds a line to the entry.
func appendLine(line string) func([]byte, bool) ([]byte, bool, error) {
	return func(old []byte, _ bool) ([]byte, bool, error) {
		return append(bytes.Clone(old), line+"\n"...), false, nil
	}
}

func testServer(st store.Store) *Server {
	return &Server{Stores: []store.Store{st}, Log: zerolog.Nop()}
}

// TestModifyEditSeesCurrentContent: the edit gets what the entry holds at
// the time, and what it returns is written; the undo step keeps the content
// before.
func TestModifyEditSeesCurrentContent(t *testing.T) {
	ctx := context.Background()
	m := newMemStore("mem", map[string]string{"a": "first\n"})
	s := testServer(m)
	for _, want := range []string{"first\n", "first\nsecond\n"} {
		var saw string
		var sawFound bool
		step, err := s.modify(ctx, m, "a", change{edit: func(old []byte, found bool) ([]byte, bool, error) {
			saw, sawFound = string(old), found
			return append(bytes.Clone(old), "second\n"...), false, nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		if saw != want || !sawFound {
			t.Fatalf("edit saw %q (found %v), want %q", saw, sawFound, want)
		}
		if string(step.prev) != want || step.created {
			t.Fatalf("step: prev %q created %v, want prev %q", step.prev, step.created, want)
		}
	}
	if got, _ := m.get("a"); got != "first\nsecond\nsecond\n" {
		t.Fatalf("entry holds %q", got)
	}

	// A missing entry: the edit is told so, the write must not overwrite,
	// and the step says the entry was created.
	var sawFound = true
	step, err := s.modify(ctx, m, "new", change{edit: func(old []byte, found bool) ([]byte, bool, error) {
		sawFound = found || old != nil
		return []byte("made\n"), false, nil
	}})
	if err != nil || sawFound || !step.created || step.prev != nil {
		t.Fatalf("new entry: err %v, edit saw found %v, step %+v", err, sawFound, step)
	}
	if got, _ := m.get("new"); got != "made\n" || m.written[len(m.written)-1] {
		t.Fatalf("new entry holds %q, written with overwrite %v", got, m.written[len(m.written)-1])
	}

	// mustExist: a missing entry is the store's error, and no edit runs.
	_, err = s.modify(ctx, m, "absent", change{mustExist: true, edit: func([]byte, bool) ([]byte, bool, error) {
		t.Error("edit ran for a missing entry")
		return nil, false, nil
	}})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

// TestModifyFailureLeavesEntry: a failing write, a failing edit or a failing
// check leave the entry as it was, and the error is the answer.
func TestModifyFailureLeavesEntry(t *testing.T) {
	ctx := context.Background()
	m := newMemStore("mem", map[string]string{"a": "kept\n"})
	s := testServer(m)
	diskFull := errors.New("no space left on device")
	m.failNext = fmt.Errorf("%w: %w", store.ErrEncrypt, diskFull)
	ran := false
	_, err := s.modify(ctx, m, "a", change{
		edit:  appendLine("lost"),
		after: func(*undoStep) { ran = true },
	})
	if !errors.Is(err, diskFull) {
		t.Fatalf("failed write: err = %v, want the write's error", err)
	}
	if ran {
		t.Error("after ran although the write failed")
	}
	refused := errors.New("refused")
	_, err = s.modify(ctx, m, "a", change{edit: func([]byte, bool) ([]byte, bool, error) { return []byte("x"), false, refused }})
	if !errors.Is(err, refused) {
		t.Fatalf("failed edit: err = %v", err)
	}
	_, err = s.modify(ctx, m, "a", change{blind: true, check: func() error { return refused }, edit: func([]byte, bool) ([]byte, bool, error) {
		return nil, true, nil
	}})
	if !errors.Is(err, refused) {
		t.Fatalf("failed check: err = %v", err)
	}
	writes := len(m.written)
	step, err := s.modify(ctx, m, "a", change{edit: func([]byte, bool) ([]byte, bool, error) { return nil, false, errNoChange }})
	if err != nil || string(step.prev) != "kept\n" || len(m.written) != writes {
		t.Fatalf("no change: err %v, prev %q, %d writes", err, step.prev, len(m.written)-writes)
	}
	if got, _ := m.get("a"); got != "kept\n" {
		t.Fatalf("entry holds %q after failures, want it as it was", got)
	}
}

// TestModifyBlind: a blind change (undo) reads nothing, writes what the edit
// returns over what is there, or removes the entry.
func TestModifyBlind(t *testing.T) {
	ctx := context.Background()
	m := newMemStore("mem", map[string]string{"a": "now\n", "b": "made\n"})
	s := testServer(m)
	if _, err := s.modify(ctx, m, "a", change{blind: true, edit: func(old []byte, found bool) ([]byte, bool, error) {
		if old != nil || found {
			t.Errorf("blind edit got %q, found %v", old, found)
		}
		return []byte("before\n"), false, nil
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.modify(ctx, m, "b", change{blind: true, edit: func([]byte, bool) ([]byte, bool, error) { return nil, true, nil }}); err != nil {
		t.Fatal(err)
	}
	a, _ := m.get("a")
	_, bThere := m.get("b")
	if a != "before\n" || bThere || m.reads != 0 {
		t.Fatalf("a = %q, b there %v, %d reads; want a put back, b removed, no reads", a, bThere, m.reads)
	}
}

// TestModifyConcurrent: the lock is held from the read to the write, so
// concurrent changes of one entry all land, none overwriting another's.
func TestModifyConcurrent(t *testing.T) {
	ctx := context.Background()
	m := newMemStore("mem", map[string]string{"a": ""})
	s := testServer(m)
	var held sync.Map // lock holders, by entry, to see the lock across processes
	s.Lock = func(storeID, name string) (func(), error) {
		if _, busy := held.LoadOrStore(storeID+"\x00"+name, true); busy {
			return nil, errors.New("lock already held")
		}
		return func() { held.Delete(storeID + "\x00" + name) }, nil
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.modify(ctx, m, "a", change{edit: appendLine(fmt.Sprint("line ", i))}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, _ := m.get("a")
	for i := range n {
		if !strings.Contains(got, fmt.Sprint("line ", i, "\n")) {
			t.Fatalf("line %d was lost: the entry holds %q", i, got)
		}
	}
}

// TestModifyLockError: when the entry's lock cannot be taken, nothing is
// read or written, and the error says so.
func TestModifyLockError(t *testing.T) {
	m := newMemStore("mem", map[string]string{"a": "kept\n"})
	s := testServer(m)
	s.Lock = func(string, string) (func(), error) { return nil, errors.New("state folder is read-only") }
	_, err := s.modify(context.Background(), m, "a", change{edit: appendLine("lost")})
	if err == nil || !strings.Contains(err.Error(), "cannot lock a: state folder is read-only") {
		t.Fatalf("err = %v, want it to say the lock could not be taken", err)
	}
	if got, _ := m.get("a"); got != "kept\n" || m.reads != 0 {
		t.Fatalf("entry holds %q after %d reads", got, m.reads)
	}
}
