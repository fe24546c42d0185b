package pass_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"

	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/host/internal/store/pass"
)

func addPlatformListers(m map[string]func(*pass.Store, context.Context) ([]string, error)) {
	m["getdents without d_type"] = (*pass.Store).ListUnknownTypes
}

// addPlatformOddities adds what only Unix file systems hold: a FIFO is a
// non-folder, hence an entry when named *.gpg.
func addPlatformOddities(t *testing.T, root string) {
	if err := unix.Mkfifo(filepath.Join(root, "fifo.gpg"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// withoutRoot runs f with permission checks that apply: as uid 65534 on a
// thread of its own when the test runs as root (root reads any folder), else
// as is. Only the calling thread changes uid, and it ends with f.
func withoutRoot(t *testing.T, f func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		f()
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Never unlocked: the thread exits with this goroutine, and its
		// changed uid with it.
		runtime.LockOSThread()
		if _, _, errno := unix.RawSyscall(unix.SYS_SETRESUID, ^uintptr(0), 65534, ^uintptr(0)); errno != 0 {
			t.Errorf("setresuid: %v", errno)
			return
		}
		if os.Geteuid() != 65534 {
			t.Errorf("euid %d after setresuid", os.Geteuid())
			return
		}
		f()
	}()
	<-done
}

// TestListUnreadable: a folder below the root that cannot be read is
// skipped and logged; an unreadable root is an error wrapping
// ErrUnavailable; a hidden one is never opened. All as WalkDir did.
func TestListUnreadable(t *testing.T) {
	tmp, err := os.MkdirTemp("", "passwalk")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(tmp, "store")
	t.Cleanup(func() {
		filepath.WalkDir(tmp, func(p string, d os.DirEntry, err error) error {
			if d != nil && d.IsDir() {
				os.Chmod(p, 0o755) // so that a non-root test can remove it
			}
			return nil
		})
		os.RemoveAll(tmp)
	})
	mkfile(t, filepath.Join(root, "ok.gpg"))
	mkfile(t, filepath.Join(root, "locked", "x.gpg"))
	mkfile(t, filepath.Join(root, "namesonly", "y.gpg"))
	mkfile(t, filepath.Join(root, "namesonly", "inner", "z.gpg"))
	mkfile(t, filepath.Join(root, ".git", "objects", "a.gpg"))
	for p, mode := range map[string]os.FileMode{tmp: 0o755, root: 0o755, filepath.Join(root, "locked"): 0, filepath.Join(root, "namesonly"): 0o444, filepath.Join(root, ".git"): 0} {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	withoutRoot(t, func() {
		if _, err := os.Open(filepath.Join(root, "locked")); err == nil {
			t.Error("the locked folder can be opened: the test checks nothing")
			return
		}
		// namesonly can be read but not searched: its names are listed
		// (d_type needs no stat), its subfolder cannot be opened.
		want := []string{"namesonly/y", "ok"}
		if got, err := walkDirList(root); err != nil || !slices.Equal(got, want) {
			t.Errorf("oracle: %q, %v", got, err)
		}
		var log strings.Builder
		s := pass.New(pass.Options{Dir: root, Log: zerolog.New(&log).Level(zerolog.DebugLevel)})
		for name, list := range map[string]func(*pass.Store, context.Context) ([]string, error){
			"List": (*pass.Store).List, "portable": (*pass.Store).ListPortable,
		} {
			log.Reset()
			got, err := list(s, context.Background())
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("%s = %q, %v; want %q", name, got, err, want)
			}
			for _, p := range []string{filepath.Join(root, "locked"), filepath.Join(root, "namesonly", "inner")} {
				if !strings.Contains(log.String(), `"path":"`+p+`"`) || !strings.Contains(log.String(), "permission denied") {
					t.Errorf("%s: log does not report %s: %s", name, p, log.String())
				}
			}
			// A hidden folder is not even opened.
			if strings.Contains(log.String(), ".git") {
				t.Errorf("%s read a hidden folder: %s", name, log.String())
			}
		}
		// Without d_type, each name needs an Lstat, which namesonly
		// refuses: as os.ReadDir on such a file system, the folder is
		// skipped as a whole.
		if got, err := s.ListUnknownTypes(context.Background()); err != nil || !slices.Equal(got, []string{"ok"}) {
			t.Errorf("without d_type: %q, %v", got, err)
		}
	})

	if err := os.Chmod(root, 0); err != nil {
		t.Fatal(err)
	}
	withoutRoot(t, func() {
		if _, err := walkDirList(root); err == nil {
			t.Error("oracle lists an unreadable root")
		}
		for name, list := range listers() {
			got, err := list(listStore(root), context.Background())
			if !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), "permission denied") || got != nil {
				t.Errorf("%s of an unreadable root = %q, %v", name, got, err)
			}
		}
	})
}

// TestListPathTooLong: a folder whose path exceeds PATH_MAX cannot be
// opened by path, even by root: skipped and logged, like an unreadable one.
func TestListPathTooLong(t *testing.T) {
	root := t.TempDir()
	mkfile(t, filepath.Join(root, "ok.gpg"))
	// Build the chain relative to open folders: the full path is too long
	// for mkdir.
	seg := strings.Repeat("d", 250)
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if err := unix.Mkdirat(fd, seg, 0o755); err != nil {
			t.Fatal(err)
		}
		next, err := unix.Openat(fd, seg, unix.O_RDONLY|unix.O_DIRECTORY, 0)
		unix.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = next
	}
	unix.Close(fd)
	if got := checkAgainstOracle(t, root); !slices.Equal(got, []string{"ok"}) {
		t.Fatalf("got %q", got)
	}
	var log strings.Builder
	s := pass.New(pass.Options{Dir: root, Log: zerolog.New(&log).Level(zerolog.DebugLevel)})
	if _, err := s.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "file name too long") {
		t.Fatalf("log does not report the long path: %.300s", log.String())
	}
}
