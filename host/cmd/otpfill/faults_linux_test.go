package main

// Faults while saving, against the real gpg, pass, git and file system: a
// host killed at any moment of a save, a full disk, a failing git commit, a
// recipient gpg does not know, a missing .gpg-id, invalid URIs, and HOTP
// counters advanced by several hosts at once.

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/realstore"
	"github.com/otpfill/otpfill/protocol"
)

// killable is a host in a process group of its own, so that it can be
// killed together with the gpg and git it runs, as a crash or a power cut
// would stop them all.
type killable struct {
	t      *testing.T
	env    *testEnv
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Reader
	stderr lockedBuffer
	killed bool
}

func (e *testEnv) startKillable() *killable {
	e.t.Helper()
	k := &killable{t: e.t, env: e}
	k.cmd = exec.Command(otpfillBin, chromeArgs...)
	k.cmd.Env = e.environ()
	k.cmd.Dir = e.Home
	k.cmd.Stderr = &k.stderr
	k.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var err error
	if k.stdin, err = k.cmd.StdinPipe(); err != nil {
		e.t.Fatal(err)
	}
	stdout, err := k.cmd.StdoutPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	k.out = bufio.NewReader(stdout)
	if err := k.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(k.kill)
	return k
}

func (k *killable) send(r map[string]any) {
	k.t.Helper()
	body, err := json.Marshal(r)
	if err != nil {
		k.t.Fatal(err)
	}
	if err := protocol.WriteFrame(k.stdin, body); err != nil {
		k.t.Fatalf("writing a request: %v", err)
	}
}

func (k *killable) read() map[string]any {
	k.t.Helper()
	frame, err := protocol.ReadFrame(k.out, protocol.MaxResponseSize)
	if err != nil {
		k.t.Fatalf("reading a response: %v (stderr: %s)", err, k.stderr.String())
	}
	return checkEnvelope(k.t, frame)
}

// kill sends SIGKILL to the host's whole process group (only processes this
// test started: the group is the host's own) and reaps the host.
func (k *killable) kill() {
	if k.killed {
		return
	}
	k.killed = true
	syscall.Kill(-k.cmd.Process.Pid, syscall.SIGKILL)
	k.cmd.Wait()
	k.env.addStderr(k.stderr.String())
}

// testSecret makes a distinct throwaway base32 secret.
func testSecret(seed string) string {
	sum := sha1.Sum([]byte(seed))
	return base32.StdEncoding.EncodeToString(sum[:])
}

// canonical is the otpauth line otpfill writes for uri.
func canonical(t *testing.T, uri string) string {
	t.Helper()
	k, err := otp.ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k.URI()
}

// decrypt returns the plaintext of an entry file as gpg sees it, or ok false
// when the file does not exist.
func (e *testEnv) decrypt(name string) (plain string, ok bool) {
	e.t.Helper()
	p := filepath.Join(e.StoreDir, name+".gpg")
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return "", false
	}
	out, err := e.TryRun("", "gpg", "--batch", "--quiet", "--decrypt", p)
	if err != nil {
		e.t.Fatalf("%s does not decrypt with gpg: %v", name, err)
	}
	return out, true
}

// inotifyKiller kills a host just after the n-th change (create, write and
// close, rename, link, delete) in a folder of the store.
type inotifyKiller struct {
	fd int
}

func newInotify(t *testing.T, dir string) *inotifyKiller {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Skipf("inotify: %v", err)
	}
	mask := uint32(unix.IN_CREATE | unix.IN_CLOSE_WRITE | unix.IN_MOVED_TO | unix.IN_MOVED_FROM | unix.IN_DELETE)
	if _, err := unix.InotifyAddWatch(fd, dir, mask); err != nil {
		unix.Close(fd)
		t.Fatalf("inotify on %s: %v", dir, err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return &inotifyKiller{fd: fd}
}

// drain discards pending events.
func (w *inotifyKiller) drain() {
	buf := make([]byte, 4096)
	for {
		if n, _ := unix.Read(w.fd, buf); n <= 0 {
			return
		}
	}
}

// killAt waits for the n-th event and kills k. It gives up when the save
// has answered (every change was made by then) or at the timeout. It
// reports whether the n-th event happened, and the events seen.
func (w *inotifyKiller) killAt(k *killable, n int, timeout time.Duration) (bool, []string) {
	answered := make(chan struct{})
	go func() {
		protocol.ReadFrame(k.out, protocol.MaxResponseSize)
		close(answered)
	}()
	buf := make([]byte, 4096)
	var seen []string
	deadline := time.Now().Add(timeout)
	last := false
	for !last && time.Now().Before(deadline) {
		select {
		case <-answered:
			last = true // read what is pending, then stop
		default:
		}
		fds := []unix.PollFd{{Fd: int32(w.fd), Events: unix.POLLIN}}
		unix.Poll(fds, 5)
		nr, _ := unix.Read(w.fd, buf)
		for off := 0; off+unix.SizeofInotifyEvent <= nr; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := strings.TrimRight(string(buf[off+unix.SizeofInotifyEvent:off+unix.SizeofInotifyEvent+int(ev.Len)]), "\x00")
			seen = append(seen, eventName(ev.Mask)+" "+tmpPattern(name))
			off += unix.SizeofInotifyEvent + int(ev.Len)
			if len(seen) == n {
				k.kill()
				return true, seen
			}
		}
	}
	k.kill()
	return false, seen
}

func eventName(m uint32) string {
	switch {
	case m&unix.IN_CREATE != 0:
		return "create"
	case m&unix.IN_CLOSE_WRITE != 0:
		return "close_write"
	case m&unix.IN_MOVED_FROM != 0:
		return "moved_from"
	case m&unix.IN_MOVED_TO != 0:
		return "moved_to"
	case m&unix.IN_DELETE != 0:
		return "delete"
	}
	return fmt.Sprintf("0x%x", m)
}

// tmpPattern hides the random part of a temp file's name.
func tmpPattern(name string) string {
	if i := strings.Index(name, ".tmp"); i >= 0 {
		return name[:i] + ".tmp*"
	}
	return name
}

// tempFiles lists the otpfill temp files left in the store.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if err == nil && strings.Contains(d.Name(), ".tmp") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestSaveKilled: a host killed (with its gpg and git) at any moment of a
// save leaves the entry as it was or as the save makes it, never a partial
// file: the entry always decrypts with gpg to exactly the old or the new
// content, and `pass otp` reads it and gives oathtool's code. The moments
// are a sweep of delays over a whole save and, to hit the short window
// around the rename, every change in the entry's folder.
func TestSaveKilled(t *testing.T) {
	e := newTestEnv(t)
	dir := filepath.Dir(filepath.Join(e.StoreDir, alice.name))
	watch := newInotify(t, dir)

	var mu sync.Mutex
	secretOf := map[string]string{} // plaintext → its secret
	newURI := func(seed string) (uri, plain, secret string) {
		secret = testSecret(seed)
		e.addSecret(secret)
		uri = "otpauth://totp/GitHub:alice?secret=" + secret + "&issuer=GitHub"
		plain = canonical(t, uri) + "\n"
		mu.Lock()
		secretOf[plain] = secret
		mu.Unlock()
		return
	}
	secretOf[alice.uri+"\n"] = alice.secret
	checkPassOTP := func(name, plain string) {
		t.Helper()
		o := otpEntry{name: name, secret: secretOf[plain], alg: "sha1", digits: 6, period: 30}
		e.passOTP(o)
	}

	// A save that runs to the end: how long it takes, and the exact bytes
	// it writes.
	uri, plain, _ := newURI("reference")
	k := e.startKillable()
	k.send(req("hello"))
	k.read()
	start := time.Now()
	k.send(req("save", "url", "https://github.com/settings", "uri", uri, "name", alice.name, "overwrite", true))
	if r := k.read(); r["ok"] != true {
		t.Fatalf("reference save: %v", r["error"])
	}
	full := time.Since(start)
	k.kill()
	if got, _ := e.decrypt(alice.name); got != plain {
		t.Fatalf("a completed save wrote %q, want %q", got, plain)
	}
	t.Logf("an uninterrupted save (decrypt, encrypt, rename, git commit, code) took %v", full)

	type outcome struct{ old, new, absent int }
	var overwrite, create outcome
	leftovers, indexLocks := 0, 0
	cleanGit := func() {
		// git killed inside a commit leaves its index lock, as it does when
		// pass is killed; a person removes it as git says. Later commits
		// must not fail because of an earlier round.
		if err := os.Remove(filepath.Join(e.StoreDir, ".git", "index.lock")); err == nil {
			indexLocks++
		}
	}

	const steps = 10
	current := plain
	run := func(round int, kill func(k *killable)) {
		t.Helper()
		// Over an existing entry.
		uri, plain, _ := newURI(fmt.Sprint("overwrite", round))
		k := e.startKillable()
		k.send(req("hello"))
		k.read()
		watch.drain()
		k.send(req("save", "url", "https://github.com/settings", "uri", uri, "name", alice.name, "overwrite", true))
		kill(k)
		got, ok := e.decrypt(alice.name)
		switch {
		case !ok:
			t.Fatalf("round %d: a killed save over %s removed it", round, alice.name)
		case got == current:
			overwrite.old++
		case got == plain:
			overwrite.new++
		default:
			t.Fatalf("round %d: %s holds %q, neither the old %q nor the new %q", round, alice.name, got, current, plain)
		}
		current = got
		checkPassOTP(alice.name, got)
		cleanGit()

		// A new entry.
		name := fmt.Sprintf("github.com/new%02d", round)
		uri, plain, _ = newURI(fmt.Sprint("create", round))
		k = e.startKillable()
		k.send(req("hello"))
		k.read()
		watch.drain()
		k.send(req("save", "url", "https://github.com/settings", "uri", uri, "name", name))
		kill(k)
		got, ok = e.decrypt(name)
		switch {
		case !ok:
			create.absent++
		case got == plain:
			create.new++
			checkPassOTP(name, got)
		default:
			t.Fatalf("round %d: the new entry %s holds %q, not %q", round, name, got, plain)
		}
		cleanGit()
	}
	for i := range steps {
		d := full * time.Duration(i) / (steps - 1)
		run(i, func(k *killable) {
			time.Sleep(d)
			k.kill()
		})
	}
	// Just after each change in the folder: temp file created, written and
	// closed, renamed (or linked), removed.
	var events []string
	for n := 1; ; n++ {
		var hit bool
		run(100+n, func(k *killable) {
			var seen []string
			hit, seen = watch.killAt(k, n, 10*full+5*time.Second)
			if len(seen) > len(events) {
				events = seen
			}
		})
		if !hit || n > 8 {
			break
		}
	}
	t.Logf("changes in the folder during a save: %s", strings.Join(events, ", "))
	if len(events) < 3 {
		t.Errorf("saw only %d changes in the entry's folder during a save: the kill points missed the write", len(events))
	}
	left := tempFiles(t, e.StoreDir)
	leftovers = len(left)
	t.Logf("over an existing entry: %d times the old content, %d times the new; new entry: %d absent, %d complete; %d temp files left, %d git index locks removed",
		overwrite.old, overwrite.new, create.absent, create.new, leftovers, indexLocks)
	if overwrite.old == 0 || overwrite.new == 0 || create.absent == 0 || create.new == 0 {
		t.Errorf("the kill points did not cover both sides of the save (old/new %d/%d, absent/new %d/%d)", overwrite.old, overwrite.new, create.absent, create.new)
	}

	// Temp files a killed save leaves are hidden (dot) files that do not end
	// in .gpg: pass, pass-otp and otpfill never take them for entries.
	for _, p := range left {
		if b := filepath.Base(p); !strings.HasPrefix(b, ".") || strings.HasSuffix(b, ".gpg") {
			t.Errorf("temp file %s is visible to pass", p)
		}
	}
	ls := e.Run("", "pass", "ls")
	if strings.Contains(ls, ".tmp") {
		t.Errorf("pass ls shows temp files:\n%s", ls)
	}
	h := e.startHost()
	for _, n := range listNames(t, h.ok(req("list"))) {
		if strings.Contains(n, ".tmp") {
			t.Errorf("otpfill list shows a temp file: %s", n)
		}
	}
	h.closeOK()
}

// mountTmpfs mounts a small tmpfs on dir for t, and unmounts it at the end.
// Without the right to mount it skips, except in CI, where it fails.
func mountTmpfs(t *testing.T, dir string, size string) {
	t.Helper()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("cannot mount a tmpfs (CI must allow it): %v", err)
		}
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, 0); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
}

// fill writes a file until the file system is full.
func fill(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := bytes.Repeat([]byte{0}, 4096)
	var n int64
	for {
		w, err := f.Write(chunk)
		n += int64(w)
		if err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return n
		}
	}
}

// TestSaveDiskFull: on a full disk a save (or an HOTP code, which writes
// its counter back) answers encrypt_failed (or internal), says why, and
// leaves the store byte for byte as it was; once space is freed, the same
// save works.
func TestSaveDiskFull(t *testing.T) {
	e := newTestEnv(t)
	mnt := filepath.Join(e.Home, "small")
	if err := os.Mkdir(mnt, 0o700); err != nil {
		t.Fatal(err)
	}
	mountTmpfs(t, mnt, "2m")
	// The store (entries, .gpg-id, git repository) on the small disk.
	onDisk := filepath.Join(mnt, "store")
	if out, err := exec.Command("cp", "-a", e.StoreDir, onDisk).CombinedOutput(); err != nil {
		t.Fatalf("copying the store: %v: %s", err, out)
	}
	e.StoreDir = onDisk
	// otpfill's store lock (.git/otpfill.lock), which the first write of a
	// store creates empty and never removes, is no change to the store.
	if err := os.WriteFile(filepath.Join(onDisk, ".git", "otpfill.lock"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(mnt, "filler")
	n := fill(t, filler)
	t.Logf("filled the 2 MiB tmpfs with %d KiB after the store", n>>10)

	secret := testSecret("disk full")
	e.addSecret(secret)
	uri := "otpauth://totp/Example:full?secret=" + secret + "&issuer=Example"
	before := treeHash(t, mnt)
	h := e.startHost()
	for _, r := range []map[string]any{
		req("save", "id", "new", "url", "https://example.com/", "uri", uri),
		req("save", "id", "nested", "url", "https://example.com/", "uri", uri, "name", "deep/new/folder/example.com"),
		req("save", "id", "over", "url", "https://github.com/", "uri", uri, "name", alice.name, "overwrite", true),
		req("save_recovery", "id", "rec", "url", "https://github.com/", "codes", []string{"abcde-12345"}, "name", alice.name),
		// An HOTP code whose counter cannot be written back is not given
		// out: it would be given again next time.
		req("code", "id", "hotp", "name", bankName),
	} {
		resp := h.call(r)
		e1, _ := resp["error"].(map[string]any)
		code, _ := e1["code"].(string)
		msg, _ := e1["message"].(string)
		if resp["ok"] != false || (code != string(protocol.CodeEncryptFailed) && code != string(protocol.CodeInternal)) {
			t.Errorf("%s on a full disk: %v, want encrypt_failed or internal", r["id"], resp)
			continue
		}
		t.Logf("%s on a full disk: %s: %s", r["id"], code, msg)
		if code == string(protocol.CodeEncryptFailed) && !strings.Contains(msg, "no space left") {
			t.Errorf("%s: the message %q does not say the disk is full", r["id"], msg)
		}
		if after := treeHash(t, mnt); after != before {
			t.Errorf("%s: a failed save changed the store: %s", r["id"], diffTree(t, mnt))
			before = after
		}
	}
	// The entry still works.
	start := time.Now()
	checkTOTP(t, h.ok(req("code", "name", alice.name)), alice, start, time.Now())
	h.closeOK()
	if tf := tempFiles(t, onDisk); len(tf) > 0 {
		t.Errorf("temp files left on the full disk: %q", tf)
	}

	// With space again, the same save goes through, and pass reads it.
	os.Remove(filler)
	h = e.startHost()
	resp := h.ok(req("save", "url", "https://example.com/", "uri", uri))
	h.closeOK()
	e.passOTP(otpEntry{name: resp["name"].(string), secret: secret, alg: "sha1", digits: 6, period: 30})
}

// diffTree names the paths under dir, to show what a failed save left.
func diffTree(t *testing.T, dir string) string {
	t.Helper()
	var paths []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if err == nil {
			paths = append(paths, strings.TrimPrefix(p, dir))
		}
		return nil
	})
	return strings.Join(paths, " ")
}

// TestSaveGitCommitFails: a commit refused by a hook does not undo the
// save: the host answers ok, `pass otp` reads the entry, and the log warns.
func TestSaveGitCommitFails(t *testing.T) {
	e := newTestEnv(t)
	hook := filepath.Join(e.StoreDir, ".git", "hooks", "pre-commit")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho 'commits are refused here' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	logBefore := e.Run("", "git", "-C", e.StoreDir, "log", "--format=%H")
	o := otpEntry{name: "example.com/hooked", secret: testSecret("hook"), alg: "sha1", digits: 6, period: 30}
	e.addSecret(o.secret)
	h := e.startHost()
	start := time.Now()
	resp := h.ok(req("save", "url", "https://example.com/", "uri", "otpauth://totp/Example:hooked?secret="+o.secret, "name", o.name))
	checkCode(t, resp, o, start, time.Now())
	// The answer says so, not only the log.
	if w, _ := resp["warning"].(string); !strings.Contains(w, "not committed") || !strings.Contains(w, "commits are refused here") {
		t.Errorf("the answer's warning is %q, want that the entry is not committed and git's reason", w)
	}
	h.closeOK()
	e.passOTP(o)
	if got := e.Run("", "git", "-C", e.StoreDir, "log", "--format=%H"); got != logBefore {
		t.Error("a commit was made although the hook refuses every commit")
	}
	logData, _ := os.ReadFile(e.logFile())
	if !strings.Contains(string(logData), `"level":"warn"`) || !strings.Contains(string(logData), "not committed") {
		t.Errorf("the log does not warn that the save was not committed:\n%s", logData)
	}
	if !strings.Contains(string(logData), "commits are refused here") {
		t.Errorf("the warning does not carry git's reason:\n%s", logData)
	}
	if !strings.Contains(h.err.String(), "not committed") {
		t.Errorf("stderr (which the browser logs) does not warn:\n%s", h.err.String())
	}
}

// TestSaveRecipients: a .gpg-id naming a key gpg does not have, or no
// .gpg-id at all, fails the save with encrypt_failed naming the key or the
// file, and nothing is written.
func TestSaveRecipients(t *testing.T) {
	e := newTestEnv(t)
	secret := testSecret("recipients")
	e.addSecret(secret)
	uri := "otpauth://totp/Example:r?secret=" + secret
	for _, c := range []struct {
		name  string
		setup func()
		says  []string
	}{
		{"unknown recipient", func() {
			os.WriteFile(filepath.Join(e.StoreDir, "team", ".gpg-id"), []byte("nobody@example.invalid\n"), 0o600)
		}, []string{"nobody@example.invalid"}},
		{"one unknown among known", func() {
			os.WriteFile(filepath.Join(e.StoreDir, "team", ".gpg-id"), []byte(shared.mateKey+"\nABCDEF0123456789ABCDEF0123456789ABCDEF01\n"), 0o600)
		}, []string{"ABCDEF0123456789ABCDEF0123456789ABCDEF01"}},
		{"empty .gpg-id", func() {
			os.WriteFile(filepath.Join(e.StoreDir, "team", ".gpg-id"), []byte("# nobody\n\n"), 0o600)
		}, []string{"team/.gpg-id", "no key"}},
		{"no .gpg-id", func() {
			os.Remove(filepath.Join(e.StoreDir, "team", ".gpg-id"))
			os.Remove(filepath.Join(e.StoreDir, ".gpg-id"))
		}, []string{".gpg-id", "pass init"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.setup()
			before := treeHash(t, e.StoreDir)
			h := e.startHost()
			h.t = t
			for _, name := range []string{"team/example.com/new", ops.name} {
				// From ops's own site: a page of another cannot change it.
				em := h.fail(req("save", "url", "https://signin.aws.amazon.com/", "uri", uri, "name", name, "overwrite", true), protocol.CodeEncryptFailed)
				msg := em["message"].(string)
				for _, s := range c.says {
					if !strings.Contains(msg, s) {
						t.Errorf("save %s: %q does not say %q", name, msg, s)
					}
				}
			}
			h.closeOK()
			if treeHash(t, e.StoreDir) != before {
				t.Errorf("a refused save changed the store: %s", diffTree(t, e.StoreDir))
			}
		})
	}
}

// TestSaveInvalidURI: every URI that cannot give a correct code is refused
// with invalid_uri, saying why, and nothing is written.
func TestSaveInvalidURI(t *testing.T) {
	e := newTestEnv(t)
	const s = "JBSWY3DPEHPK3PXQ"
	e.addSecret(s)
	before := treeHash(t, e.StoreDir)
	h := e.startHost()
	for _, c := range []struct{ name, uri, says string }{
		{"bad base32", "otpauth://totp/X:a?secret=JBSWY3DP1HPK3PX8", "base32"},
		{"base32 with punctuation", "otpauth://totp/X:a?secret=" + s + "!", "base32"},
		{"empty secret", "otpauth://totp/X:a?secret=", "secret"},
		{"no secret", "otpauth://totp/X:a?issuer=X", "secret"},
		{"unknown algorithm", "otpauth://totp/X:a?secret=" + s + "&algorithm=MD5", "algorithm"},
		{"digits too few", "otpauth://totp/X:a?secret=" + s + "&digits=4", "digits"},
		{"digits too many", "otpauth://totp/X:a?secret=" + s + "&digits=12", "digits"},
		{"digits not a number", "otpauth://totp/X:a?secret=" + s + "&digits=six", "digits"},
		{"period zero", "otpauth://totp/X:a?secret=" + s + "&period=0", "period"},
		{"period negative", "otpauth://totp/X:a?secret=" + s + "&period=-30", "period"},
		{"period huge", "otpauth://totp/X:a?secret=" + s + "&period=99999999999", "period"},
		{"hotp without counter", "otpauth://hotp/X:a?secret=" + s, "counter"},
		{"hotp with a bad counter", "otpauth://hotp/X:a?secret=" + s + "&counter=-1", "counter"},
		{"unknown type", "otpauth://motp/X:a?secret=" + s, "type"},
		{"not otpauth", "https://example.com/?secret=" + s, "otpauth"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h.t = t
			for _, name := range []string{"example.com/invalid", alice.name} {
				em := h.fail(req("save", "url", "https://example.com/", "uri", c.uri, "name", name, "overwrite", true), protocol.CodeInvalidURI)
				if msg := em["message"].(string); !strings.Contains(strings.ToLower(msg), c.says) {
					t.Errorf("save %s: %q does not say %q", name, msg, c.says)
				}
			}
		})
	}
	h.t = t
	h.closeOK()
	if treeHash(t, e.StoreDir) != before {
		t.Errorf("refused saves changed the store: %s", diffTree(t, e.StoreDir))
	}
}

// TestHOTPConcurrent: hosts started at once, as a browser does for several
// sendNativeMessage calls, each get their own counter: N distinct codes,
// oathtool's for counters c+1..c+N, and the entry ends at c+N. pass otp then
// goes on from there, and otpfill goes on from pass otp.
func TestHOTPConcurrent(t *testing.T) {
	e := newTestEnv(t)
	const n = 8
	hosts := make([]*host, n)
	for i := range hosts {
		hosts[i] = e.startHost()
		hosts[i].ok(req("hello")) // started and ready
	}
	body, _ := json.Marshal(req("code", "name", bankName))
	start := time.Now()
	var wg sync.WaitGroup
	for _, h := range hosts {
		wg.Go(func() {
			if err := protocol.WriteFrame(h.stdin, body); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var got []string
	for _, h := range hosts {
		resp := h.read()
		if resp["ok"] != true {
			t.Fatalf("code: %v", resp["error"])
		}
		got = append(got, resp["code"].(string))
		h.closeOK()
	}
	t.Logf("%d hosts answered %d HOTP codes in %v (one at a time, under the entry's lock)", n, n, time.Since(start))
	var want []string
	for c := bankCounter + 1; c <= bankCounter+n; c++ {
		want = append(want, realstore.OathtoolHOTP(t, bankSecret, 6, c))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%d concurrent hosts gave %q, oathtool for counters %d..%d says %q", n, got, bankCounter+1, bankCounter+n, want)
	}
	if c := storedCounter(t, e); c != bankCounter+n {
		t.Errorf("after %d codes the entry's counter is %d, want %d", n, c, bankCounter+n)
	}
	// pass otp uses the next counter, then otpfill the one after.
	next := realstore.OathtoolHOTP(t, bankSecret, 6, bankCounter+n+1)
	e.addCode(next)
	if got := e.PassOTP(bankName); got != next {
		t.Errorf("pass otp after otpfill = %s, want counter %d's %s", got, bankCounter+n+1, next)
	}
	h := e.startHost()
	if got := h.ok(req("code", "name", bankName))["code"]; got != realstore.OathtoolHOTP(t, bankSecret, 6, bankCounter+n+2) {
		t.Errorf("otpfill after pass otp = %v, want counter %d's", got, bankCounter+n+2)
	}
	h.closeOK()
	if c := storedCounter(t, e); c != bankCounter+n+2 {
		t.Errorf("the entry's counter is %d, want %d", c, bankCounter+n+2)
	}
	// Every increment was committed, as pass-otp commits its own.
	log := e.Run("", "git", "-C", e.StoreDir, "log", "--format=%s", "--", bankName+".gpg")
	if c := strings.Count(log, "\n"); c < n+3 { // the insert, n + 1 from otpfill, 1 from pass otp
		t.Errorf("git log of the entry has %d commits, want at least %d:\n%s", c, n+3, log)
	}
}

// storedCounter reads the HOTP counter stored in the bank entry.
func storedCounter(t *testing.T, e *testEnv) uint64 {
	t.Helper()
	show := e.Run("", "pass", "show", bankName)
	i := strings.Index(show, "counter=")
	if i < 0 {
		t.Fatalf("the HOTP entry has no counter")
	}
	digits := show[i+len("counter="):]
	j := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' })
	if j >= 0 {
		digits = digits[:j]
	}
	c, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		t.Fatalf("the stored counter is not a number")
	}
	return c
}
