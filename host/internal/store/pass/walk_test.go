package pass_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/host/internal/store/pass"
)

// walkDirList is List as it was written with filepath.WalkDir, kept as the
// oracle: the faster walk must give exactly its results.
func walkDirList(dir string) ([]string, error) {
	dir = filepath.Clean(dir)
	if fi, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, errors.New("not a folder")
	}
	var names []string
	prefix := len(dir) + 1
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".gpg") || strings.HasPrefix(name, ".") || len(p) <= prefix+4 {
			return nil
		}
		entry := filepath.ToSlash(p[prefix : len(p)-4])
		if store.ValidateName(entry) != nil {
			return nil
		}
		names = append(names, entry)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

func listStore(dir string) *pass.Store {
	return pass.New(pass.Options{ID: "pass", Dir: dir, Log: zerolog.Nop()})
}

// listers are the ways List can read a store on this system.
func listers() map[string]func(*pass.Store, context.Context) ([]string, error) {
	m := map[string]func(*pass.Store, context.Context) ([]string, error){
		"List":     (*pass.Store).List,
		"portable": (*pass.Store).ListPortable,
	}
	addPlatformListers(m)
	return m
}

// checkAgainstOracle lists dir every way and compares with walkDirList.
func checkAgainstOracle(t *testing.T, dir string) []string {
	t.Helper()
	want, wantErr := walkDirList(dir)
	for name, list := range listers() {
		got, err := list(listStore(dir), context.Background())
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%s: error %v, WalkDir's %v", name, err, wantErr)
		}
		if err != nil && !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s: error %v does not wrap ErrUnavailable", name, err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s differs from WalkDir:\n got  %q\n want %q", name, got, want)
		}
		if (got == nil) != (want == nil) {
			t.Errorf("%s: nil %v, WalkDir nil %v", name, got == nil, want == nil)
		}
	}
	// ListMatching asks keep about every name List returns, and keeps
	// exactly those it accepts.
	if wantErr == nil {
		keep := func(name []byte) bool { return len(name)%2 == 0 }
		var asked []string
		got, err := listStore(dir).ListMatching(context.Background(), func(name []byte) bool {
			asked = append(asked, string(name))
			return keep(name)
		})
		kept := slices.DeleteFunc(slices.Clone(want), func(n string) bool { return !keep([]byte(n)) })
		if err != nil || len(got) != len(kept) || len(kept) > 0 && !slices.Equal(got, kept) {
			t.Fatalf("ListMatching = %q, %v; want %q", got, err, kept)
		}
		slices.Sort(asked)
		if len(asked) != len(want) || len(want) > 0 && !slices.Equal(asked, want) {
			t.Fatalf("ListMatching asked about %q; List returns %q", asked, want)
		}
	}
	return want
}

func mkfile(t testing.TB, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t testing.TB, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

// TestListAdversarialTree: a store with every oddity a real store or a
// hostile one can hold, listed exactly as WalkDir listed it, and as the
// store's rules say.
func TestListAdversarialTree(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".password-store") // a hidden root is still read
	m390 := strings.Repeat("M", 195) + "/" + strings.Repeat("M", 194) + "/"
	files := []string{
		"github.com/alice.gpg",
		"n.gpg", "n/x.gpg", "n-1.gpg", "n.1.gpg", "n0.gpg", "n!.gpg", "n~.gpg", "n/n.gpg", // around "n/" in byte order
		"sameheadZ.gpg", "samehead-b.gpg", "samehead-a.gpg", "samehead/x.gpg", "samehea.gpg", "samehead.gpg", "sameheadzz/y.gpg", // keys alike in their first 8 bytes
		"a.gpg.gpg", "x.GPG", "gpg", "nogpg", ".gpg", "sub/.gpg", ".hidden.gpg", "sub/.hidden.gpg",
		".git/objects/aa.gpg", "sub/.secret/b.gpg", "dir.gpg/inner.gpg", // hidden folders; a folder named *.gpg
		"café.gpg", "日本/東京.gpg", // valid UTF-8
		"\xff\xfe.gpg", "bad\x80/x.gpg", // not UTF-8
		"sp ace.gpg", " lead.gpg", "trail .gpg", "tab\there.gpg", "nl\nhere.gpg", "del\x7f.gpg", // spaces, controls
		"back\\slash.gpg", "bidi\u202e.gpg", "ls\u2028.gpg", "nbsp/\u00a0x.gpg", "x\u00a0.gpg",
		"localhost:8443/bob@example.com.gpg",
		strings.Repeat("s", 200) + ".gpg", strings.Repeat("t", 201) + ".gpg", // segment limit
		strings.Repeat("d/", 30) + "deep.gpg",
		strings.Repeat(strings.Repeat("L", 100)+"/", 4) + "long.gpg", // over MaxNameLen
		m390 + "abcdefgh.gpg", m390 + "abcdefghij.gpg",               // MaxNameLen bytes, and 2 more
		"empty/.keep",
	}
	for _, f := range files {
		mkfile(t, filepath.Join(root, f))
	}
	if err := os.MkdirAll(filepath.Join(root, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
	symlink(t, "github.com/alice.gpg", filepath.Join(root, "link-to-file.gpg"))
	symlink(t, "github.com", filepath.Join(root, "link-to-dir.gpg")) // an entry, not a folder
	symlink(t, "github.com", filepath.Join(root, "linkdir"))         // neither
	symlink(t, "nowhere", filepath.Join(root, "dangling.gpg"))
	symlink(t, ".", filepath.Join(root, "loop"))
	symlink(t, "..", filepath.Join(root, "sub", "up.gpg"))
	addPlatformOddities(t, root)

	got := checkAgainstOracle(t, root)
	// The oracle agreeing is not enough: it must list what the rules say.
	for _, want := range []string{"github.com/alice", "n", "n/x", "n-1", "n.1", "samehead-a", "samehead/x", "a.gpg", "café", "日本/東京",
		"sp ace", "dir.gpg/inner", "link-to-file", "link-to-dir", "dangling", "sub/up",
		strings.Repeat("s", 200), strings.Repeat("d/", 30) + "deep", m390 + "abcdefgh", "localhost:8443/bob@example.com"} {
		if !slices.Contains(got, want) {
			t.Errorf("List lacks %q", want)
		}
	}
	for _, name := range got {
		for _, bad := range []string{".git", ".secret", ".hidden", "linkdir/", "loop/", "\xff", "\n", " lead", "L/", "t" + strings.Repeat("t", 200), "\\", "abcdefghij"} {
			if strings.Contains(name, bad) {
				t.Errorf("List has %q (contains %q)", name, bad)
			}
		}
	}
	if !slices.IsSorted(got) {
		t.Errorf("not sorted: %q", got)
	}
}

// TestListRandomTrees: random trees built from fragments that collide in
// byte order around '/' and '.', hidden names, links, odd bytes.
func TestListRandomTrees(t *testing.T) {
	frags := []string{"a", "b", "a-", "a.", ".", " ", "é", "\xff", "\n", "\\", "A", "0", "~", "!", "\u202e", ".gpg", "gpg"}
	randName := func(r *rand.Rand) string {
		var b strings.Builder
		for n := 1 + r.IntN(3); n > 0; n-- {
			b.WriteString(frags[r.IntN(len(frags))])
		}
		if r.IntN(10) < 7 {
			b.WriteString(".gpg")
		}
		return b.String()
	}
	var build func(r *rand.Rand, dir string, depth int)
	build = func(r *rand.Rand, dir string, depth int) {
		for n := r.IntN(9); n > 0; n-- {
			name := randName(r)
			p := filepath.Join(dir, name)
			if name == "." || name == ".." {
				continue
			}
			if _, err := os.Lstat(p); err == nil {
				continue // taken
			}
			switch k := r.IntN(10); {
			case k < 5 || depth >= 5:
				mkfile(t, p)
			case k < 8:
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
				build(r, p, depth+1)
			case k == 8:
				symlink(t, "..", p)
			default:
				symlink(t, "missing", p)
			}
		}
	}
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			root := t.TempDir()
			build(rand.New(rand.NewPCG(seed, 7)), root, 0)
			checkAgainstOracle(t, root)
		})
	}
}

// TestListRoots: what the root itself may be.
func TestListRoots(t *testing.T) {
	tmp := t.TempDir()
	mkfile(t, filepath.Join(tmp, "real", "a.gpg"))
	mkfile(t, filepath.Join(tmp, "file"))
	symlink(t, "real", filepath.Join(tmp, "link"))
	t.Run("folder", func(t *testing.T) {
		if got := checkAgainstOracle(t, filepath.Join(tmp, "real")); !slices.Equal(got, []string{"a"}) {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("trailing slash", func(t *testing.T) {
		checkAgainstOracle(t, filepath.Join(tmp, "real")+"/")
	})
	// A store folder that is a link (into a synced folder, say) is
	// followed, as pass follows it; WalkDir did not, so every reader is
	// checked against the link's target here.
	t.Run("link to a folder", func(t *testing.T) {
		for name, list := range listers() {
			got, err := list(listStore(filepath.Join(tmp, "link")), context.Background())
			if err != nil || !slices.Equal(got, []string{"a"}) {
				t.Errorf("%s: %q, %v; want [a]", name, got, err)
			}
		}
	})
	t.Run("missing", func(t *testing.T) { checkAgainstOracle(t, filepath.Join(tmp, "missing")) })
	t.Run("file", func(t *testing.T) { checkAgainstOracle(t, filepath.Join(tmp, "file")) })
}

// TestListCancelled: List stops between folders when its context ends,
// with an error saying so that wraps both ErrUnavailable and ctx.Err().
func TestListCancelled(t *testing.T) {
	root := t.TempDir()
	mkfile(t, filepath.Join(root, "a", "b.gpg"))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	for cause, ctx := range map[error]context.Context{context.Canceled: cancelled, context.DeadlineExceeded: expired} {
		for name, list := range listers() {
			names, err := list(listStore(root), ctx)
			if !errors.Is(err, cause) || !errors.Is(err, store.ErrUnavailable) || names != nil {
				t.Errorf("%s: %q, %v; want an error wrapping %v and ErrUnavailable", name, names, err, cause)
			}
		}
	}
}

// TestListLogsSkipped: a name List refuses is logged, for whoever wonders
// where their entry went.
func TestListLogsSkipped(t *testing.T) {
	root := t.TempDir()
	mkfile(t, filepath.Join(root, "ok.gpg"))
	mkfile(t, filepath.Join(root, "tab\there.gpg"))
	var log strings.Builder
	s := pass.New(pass.Options{Dir: root, Log: zerolog.New(&log).Level(zerolog.DebugLevel)})
	names, err := s.List(context.Background())
	if err != nil || !slices.Equal(names, []string{"ok"}) {
		t.Fatalf("List = %q, %v", names, err)
	}
	if !strings.Contains(log.String(), "skipping entry with an unsafe name") || !strings.Contains(log.String(), `tab\there`) {
		t.Fatalf("log lacks the skipped entry: %s", log.String())
	}
}

// TestPlainName: the fast path accepts only names ValidateName accepts, and
// leaves everything unusual to it.
func TestPlainName(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plain bool
	}{
		{"github.com/alice", true},
		{"localhost:8443/bob@example.com", true},
		{"a b/c d", true},
		{"~!/x", true},
		{strings.Repeat("s", store.MaxSegmentLen), true},
		{strings.Repeat("s/", store.MaxNameLen/2-1) + "s", true},
		{"", false},
		{strings.Repeat("s", store.MaxSegmentLen+1), false},
		{strings.Repeat("s/", store.MaxNameLen/2) + "s", false},
		{"/a", false}, {"a/", false}, {"a//b", false},
		{".a", false}, {"a/.b", false}, {"..", false},
		{" a", false}, {"a ", false}, {"a/ b", false}, {"a /b", false},
		{"a\\b", false}, {"a\tb", false}, {"a\x7fb", false}, {"a\x00b", false},
		{"café", false}, // valid, but for ValidateName to say
		{"\xff", false},
	} {
		t.Run(fmt.Sprintf("%q", tc.name), func(t *testing.T) {
			if got := pass.PlainName(tc.name); got != tc.plain {
				t.Fatalf("PlainName = %v, want %v", got, tc.plain)
			}
			if tc.plain && store.ValidateName(tc.name) != nil {
				t.Fatalf("plain but ValidateName refuses it: %v", store.ValidateName(tc.name))
			}
		})
	}
}

// FuzzPlainName: the fast path never accepts a name ValidateName refuses.
func FuzzPlainName(f *testing.F) {
	for _, s := range []string{"github.com/alice", "a/ b", "a\\b", ".x", "x/", "é", strings.Repeat("s/", 201)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := store.ValidateName(name)
		if err != nil && !errors.Is(err, store.ErrInvalidName) {
			t.Fatalf("ValidateName error %v does not wrap ErrInvalidName", err)
		}
		if pass.PlainName(name) && err != nil {
			t.Fatalf("PlainName accepts %q, ValidateName refuses it: %v", name, err)
		}
	})
}

// BenchmarkList10k: the store `make bench` matches over, 100 folders of 100
// entries, listed by List and by the WalkDir code it replaced. A fresh
// process pays more than this (each new page faults): see walk.go.
func BenchmarkList10k(b *testing.B) {
	root := b.TempDir()
	for d := range 100 {
		dir := filepath.Join(root, fmt.Sprintf("d%d.example", d))
		if err := os.Mkdir(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for i := range 100 {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("user%d.gpg", i)), nil, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	mkfile(b, filepath.Join(root, "github.com", "alice.gpg"))
	s := listStore(root)
	ctx := context.Background()
	b.Run("List", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if names, err := s.List(ctx); err != nil || len(names) != 10001 {
				b.Fatalf("List: %d names, %v", len(names), err)
			}
		}
	})
	b.Run("WalkDir", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if names, err := walkDirList(root); err != nil || len(names) != 10001 {
				b.Fatalf("WalkDir: %d names, %v", len(names), err)
			}
		}
	})
}
