package pass_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/store/pass"
)

// TestStaleLock: a lock file is stale only when it is old enough and no
// process has it open or works in the repository as git.
func TestStaleLock(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, "index.lock")
	os.WriteFile(lock, nil, 0o644)
	if pass.StaleLock(lock, dir) {
		t.Error("a lock created just now is stale")
	}
	old := time.Now().Add(-time.Minute)
	os.Chtimes(lock, old, old)
	if !pass.StaleLock(lock, dir) {
		t.Error("an old lock nobody uses is not stale")
	}
	f, err := os.Open(lock)
	if err != nil {
		t.Fatal(err)
	}
	if pass.StaleLock(lock, dir) {
		t.Error("a lock this process has open is stale")
	}
	f.Close()
	// A git working in the repository (its cwd there) holds it, open or not.
	cmd := exec.Command("git", "-C", dir, "hash-object", "--stdin")
	stdin, _ := cmd.StdinPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !hasCwd(cmd.Process.Pid, dir) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if pass.StaleLock(lock, dir) {
		t.Error("a lock in a repository a git works in is stale")
	}
	stdin.Close()
	cmd.Wait()
	if !pass.StaleLock(lock, dir) {
		t.Error("the lock is not stale once git ended")
	}
}

func hasCwd(pid int, dir string) bool {
	cwd, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "cwd"))
	real, _ := filepath.EvalSymlinks(dir)
	return err == nil && cwd == real
}
