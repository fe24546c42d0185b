package pass_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/otpfill/otpfill/host/internal/realstore"
	"github.com/otpfill/otpfill/host/internal/store"
)

// TestWriteDiskFull: on a full file system Write fails with ErrEncrypt
// saying so, and leaves the store exactly as it was: no temp file, no
// folder made for a new entry, the old entry intact. With space again, the
// same write works.
func TestWriteDiskFull(t *testing.T) {
	e := realstore.New(t)
	mnt := filepath.Join(e.Home, "small")
	if err := os.Mkdir(mnt, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", mnt, "tmpfs", 0, "size=256k,mode=0700"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("cannot mount a tmpfs (CI must allow it): %v", err)
		}
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(mnt, 0); err != nil {
			t.Errorf("unmounting %s: %v", mnt, err)
		}
	})
	e.StoreDir = filepath.Join(mnt, "store")
	e.Init("", e.NewKey("One <one@example.invalid>"))
	e.InsertOTP("github.com/alice", uriA)
	s := newStore(t, e)
	ctx := context.Background()

	filler := filepath.Join(mnt, "filler")
	fillFS(t, filler)
	before := tree(t, mnt)
	for _, c := range []struct {
		name      string
		overwrite bool
	}{
		{"example.com/new", false},
		{"deep/er/still/example.com", false},
		{"github.com/alice", true},
	} {
		err := s.Write(ctx, c.name, []byte(uriA+"\n"), c.overwrite)
		if !errors.Is(err, store.ErrEncrypt) || !strings.Contains(err.Error(), "no space left") {
			t.Errorf("Write(%s) on a full disk = %v, want ErrEncrypt saying no space is left", c.name, err)
		}
		if after := tree(t, mnt); after != before {
			t.Errorf("Write(%s) failed but changed the store:\nbefore:\n%s\nafter:\n%s", c.name, before, after)
		}
	}
	if got := e.PassOTP("github.com/alice"); len(got) != 6 {
		t.Errorf("pass otp after the failed writes = %q", got)
	}

	os.Remove(filler)
	if err := s.Write(ctx, "deep/er/still/example.com", []byte(uriA+"\n"), false); err != nil {
		t.Fatalf("Write with space again: %v", err)
	}
	if got := e.PassOTP("deep/er/still/example.com"); len(got) != 6 {
		t.Errorf("pass otp on the new entry = %q", got)
	}
	assertNoTempFiles(t, e.StoreDir)
}

// fillFS writes a file until the file system is full.
func fillFS(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := bytes.Repeat([]byte{0}, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

// tree describes every path under dir with its mode and a hash of its
// content, one a line.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v", strings.TrimPrefix(p, dir), info.Mode())
		if d.Type().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
