package main

// Git history under concurrency and crashes, against the real gpg, pass and
// git: every write that answers ok is one commit, whatever else runs on the
// store at the same time (other hosts, the CLI, `pass git`, a killed git).

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/otpfill/otpfill/host/internal/realstore"
	"github.com/otpfill/otpfill/protocol"
)

// stress is set by `make stress`: fault loops run many more rounds.
var stress = os.Getenv("OTPFILL_STRESS") != ""

func (e *testEnv) git(args ...string) string {
	e.t.Helper()
	return e.Run("", "git", append([]string{"-C", e.StoreDir}, args...)...)
}

func (e *testEnv) commitCount() int {
	e.t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(e.git("rev-list", "--count", "HEAD")))
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// checkCommitted: after base, the history has exactly one commit for each
// of names, that commit touches that entry alone, and nothing is left
// uncommitted.
func (e *testEnv) checkCommitted(base int, names []string, message func(name string) string) {
	e.t.Helper()
	if got := e.commitCount() - base; got != len(names) {
		e.t.Errorf("%d commits for %d writes, want one each", got, len(names))
	}
	log := e.git("log", "--format=%x00%s", "--name-only", fmt.Sprintf("-%d", len(names)))
	for _, n := range names {
		want := "\x00" + message(n) + "\n\n" + n + ".gpg\n"
		if !strings.Contains(log, want) {
			e.t.Errorf("no commit %q of %s.gpg alone in:\n%s", message(n), n, strings.ReplaceAll(log, "\x00", ""))
		}
	}
	if st := e.git("status", "--porcelain", "--untracked-files=all"); st != "" {
		e.t.Errorf("git status is not clean after the writes:\n%s", st)
	}
}

func addMessage(name string) string { return "Add OTP secret for " + name + " to store." }

// TestConcurrentAddCommits: 20 `otpfill add` at once are 20 commits.
func TestConcurrentAddCommits(t *testing.T) {
	e := newTestEnv(t)
	base := e.commitCount()
	const n = 20
	var names []string
	for i := range n {
		names = append(names, fmt.Sprintf("cli.example.com/user%02d", i))
		e.addSecret(testSecret(names[i]))
	}
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Go(func() {
			_, stderr, code := e.run(testSecret(name)+"\n", "add", name)
			if code != 0 {
				t.Errorf("add %s exited %d: %s", name, code, stderr)
			}
		})
	}
	wg.Wait()
	e.checkCommitted(base, names, addMessage)
}

// TestConcurrentSaveCommits: 20 hosts saving at once (a browser starts one
// per request) are 20 commits.
func TestConcurrentSaveCommits(t *testing.T) {
	e := newTestEnv(t)
	base := e.commitCount()
	const n = 20
	hosts := make([]*host, n)
	bodies := make([][]byte, n)
	var names []string
	for i := range hosts {
		name := fmt.Sprintf("example.com/save%02d", i)
		names = append(names, name)
		secret := testSecret(name)
		e.addSecret(secret)
		bodies[i], _ = json.Marshal(req("save", "url", "https://example.com/", "name", name,
			"uri", "otpauth://totp/Example:"+strconv.Itoa(i)+"?secret="+secret))
		hosts[i] = e.startHost()
		hosts[i].ok(req("hello"))
	}
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Go(func() {
			if err := protocol.WriteFrame(h.stdin, bodies[i]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i, h := range hosts {
		resp := h.read()
		if resp["ok"] != true || resp["warning"] != nil {
			t.Errorf("save %s: %v, warning %v", names[i], resp["error"], resp["warning"])
		}
		h.closeOK()
	}
	e.checkCommitted(base, names, addMessage)
}

// TestConcurrentImportCommits: 8 imports at once, each into its own folder,
// are 8 commits of their own entries.
func TestConcurrentImportCommits(t *testing.T) {
	e := newTestEnv(t)
	base := e.commitCount()
	const n = 8
	var wg sync.WaitGroup
	for i := range n {
		file := filepath.Join(e.Home, fmt.Sprintf("export%d.txt", i))
		a, b := testSecret(fmt.Sprint("imp-a", i)), testSecret(fmt.Sprint("imp-b", i))
		e.addSecret(a, b)
		if err := os.WriteFile(file, []byte("otpauth://totp/Alpha:ann?secret="+a+"&issuer=Alpha\notpauth://totp/Beta:ben?secret="+b+"&issuer=Beta\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			if _, stderr, code := e.run("", "import", "--prefix", fmt.Sprintf("imp%d", i), file); code != 0 {
				t.Errorf("import %d exited %d: %s", i, code, stderr)
			}
		})
	}
	wg.Wait()
	if got := e.commitCount() - base; got != n {
		t.Errorf("%d commits for %d imports, want one each", got, n)
	}
	for i := range n {
		files := e.git("log", "--format=", "--name-only", "--grep", "^Import OTP secrets", "--", fmt.Sprintf("imp%d", i))
		if got := sorted(strings.Fields(files)...); len(got) != 2 {
			t.Errorf("import %d's entries in git: %q, want its 2 in one commit", i, got)
		}
	}
	if st := e.git("status", "--porcelain", "--untracked-files=all"); st != "" {
		t.Errorf("git status is not clean after the imports:\n%s", st)
	}
}

// TestSaveKilledCommits: a host killed with its whole process group (gpg,
// git) in the middle of saves, round after round. Every save that answered
// ok is committed, with the content the store holds; a killed git's lock
// file does not stop later commits (otpfill proves it stale and removes
// it); the store stays committable by otpfill and by pass.
func TestSaveKilledCommits(t *testing.T) {
	e := newTestEnv(t)
	rounds := 8
	if stress {
		rounds = 50
	}
	// How long a save takes, to spread the kills over it.
	h := e.startHost()
	start := time.Now()
	h.ok(req("save", "url", "https://example.com/", "name", "example.com/reference", "uri", "otpauth://totp/Example:ref?secret="+testSecret("ref")))
	full := time.Since(start)
	h.closeOK()
	e.addSecret(testSecret("ref"))

	watch := newInotify(t, filepath.Join(e.StoreDir, ".git"))
	var acked []string
	locks := 0
	for round := range rounds {
		k := e.startKillable()
		k.send(req("hello"))
		k.read()
		watch.drain()
		const per = 4
		answers := make(chan string, per)
		go func() {
			defer close(answers)
			for range per {
				frame, err := protocol.ReadFrame(k.out, protocol.MaxResponseSize)
				if err != nil {
					return
				}
				var resp map[string]any
				if json.Unmarshal(frame, &resp) != nil {
					return
				}
				if resp["ok"] == true {
					if resp["warning"] != nil {
						t.Errorf("round %d: save answered with a warning: %v", round, resp["warning"])
					}
					answers <- resp["name"].(string)
				}
			}
		}()
		for j := range per {
			name := fmt.Sprintf("example.com/r%02d-%d", round, j)
			secret := testSecret(name)
			e.addSecret(secret)
			k.send(req("save", "url", "https://example.com/", "name", name, "uri", "otpauth://totp/Example:x?secret="+secret))
		}
		if round%2 == 0 {
			// Anywhere in the saves.
			time.Sleep(time.Duration(rand.Int64N(int64(full) * per)))
		} else {
			// Just after git took its index lock, the moment a killed git
			// leaves it behind.
			watch.waitCreate("index.lock", 1+rand.IntN(2*per), 10*full+5*time.Second)
		}
		k.kill()
		for name := range answers {
			acked = append(acked, name)
		}
		if _, err := os.Lstat(filepath.Join(e.StoreDir, ".git", "index.lock")); err == nil {
			locks++
		}
	}
	t.Logf("%d rounds: %d saves answered ok before the kill; %d rounds ended with git's index.lock left behind (removed by the next round's save)", rounds, len(acked), locks)
	if len(acked) == 0 {
		t.Error("no save answered before its kill: the kills came too early to test anything")
	}
	// The store is committable: a save after the last kill answers ok with
	// no warning and is committed.
	h = e.startHost()
	after := "example.com/after"
	e.addSecret(testSecret(after))
	resp := h.ok(req("save", "url", "https://example.com/", "name", after, "uri", "otpauth://totp/Example:after?secret="+testSecret(after)))
	if resp["warning"] != nil {
		t.Errorf("the save after the kills: warning %v", resp["warning"])
	}
	h.closeOK()
	acked = append(acked, after)
	for _, name := range acked {
		if _, err := e.TryRun("", "git", "-C", e.StoreDir, "cat-file", "-e", "HEAD:"+name+".gpg"); err != nil {
			t.Errorf("%s answered ok but is not committed", name)
			continue
		}
		if _, err := e.TryRun("", "git", "-C", e.StoreDir, "diff", "--quiet", "HEAD", "--", name+".gpg"); err != nil {
			t.Errorf("%s answered ok but its file differs from the commit", name)
		}
	}
	// pass can commit too.
	e.InsertOTP("example.com/bypass", "otpauth://totp/Example:p?secret="+testSecret("bypass"))
	e.addSecret(testSecret("bypass"))
	if _, err := e.TryRun("", "git", "-C", e.StoreDir, "cat-file", "-e", "HEAD:example.com/bypass.gpg"); err != nil {
		t.Error("pass could not commit after the kills")
	}
}

// waitCreate waits until name has been created n times in the watched
// folder, or until timeout.
func (w *inotifyKiller) waitCreate(name string, n int, timeout time.Duration) bool {
	buf := make([]byte, 4096)
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		fds := []unix.PollFd{{Fd: int32(w.fd), Events: unix.POLLIN}}
		unix.Poll(fds, 5)
		nr, _ := unix.Read(w.fd, buf)
		for off := 0; off+unix.SizeofInotifyEvent <= nr; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			got := strings.TrimRight(string(buf[off+unix.SizeofInotifyEvent:off+unix.SizeofInotifyEvent+int(ev.Len)]), "\x00")
			off += unix.SizeofInotifyEvent + int(ev.Len)
			if ev.Mask&unix.IN_CREATE != 0 && got == name {
				if n--; n == 0 {
					return true
				}
			}
		}
	}
	return false
}

// holdLock creates the repository's index.lock held open by a live process
// (as git or libgit2 holds it while it writes the index) and returns a
// func that ends the process, leaving the file behind as a killed git does.
func (e *testEnv) holdLock() (release func()) {
	e.t.Helper()
	lock := filepath.Join(e.StoreDir, ".git", "index.lock")
	f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		e.t.Fatal(err)
	}
	cmd := exec.Command("sleep", "300")
	cmd.Stdout = f
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	f.Close()
	done := false
	release = func() {
		if !done {
			done = true
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	e.t.Cleanup(release)
	return release
}

// TestCommitWaitsForGitLock: a git lock another program holds is waited
// for; when it is released in time the commit is made, when it is not the
// answer says the entry is not committed (a "warning" from the host, a
// non-zero exit from the CLI) and doctor lists it. Once the program is gone
// the lock it left is removed and commits go on.
func TestCommitWaitsForGitLock(t *testing.T) {
	e := newTestEnv(t)
	lock := filepath.Join(e.StoreDir, ".git", "index.lock")
	base := e.commitCount()

	// Released after a second, as git does when it is done.
	release := e.holdLock()
	time.AfterFunc(time.Second, func() { os.Remove(lock); release() })
	h := e.startHost()
	first := "example.com/waited"
	e.addSecret(testSecret(first))
	start := time.Now()
	resp := h.ok(req("save", "url", "https://example.com/", "name", first, "uri", "otpauth://totp/Example:w?secret="+testSecret(first)))
	took := time.Since(start)
	if resp["warning"] != nil {
		t.Errorf("save after the lock was released: warning %v", resp["warning"])
	}
	e.checkCommitted(base, []string{first}, addMessage)
	t.Logf("the save waited %v for the lock", took)

	// Held for longer than otpfill waits.
	release = e.holdLock()
	held := "example.com/held"
	e.addSecret(testSecret(held))
	resp = h.ok(req("save", "url", "https://example.com/", "name", held, "uri", "otpauth://totp/Example:h?secret="+testSecret(held)))
	warning, _ := resp["warning"].(string)
	if !strings.Contains(warning, held) || !strings.Contains(warning, "not committed") || !strings.Contains(warning, "index.lock") {
		t.Errorf("save while git's lock is held: warning %q, want one naming the entry, index.lock and that it is not committed", warning)
	}
	if _, err := os.Lstat(lock); err != nil {
		t.Errorf("the live program's lock was removed: %v", err)
	}
	h.closeOK()
	cli := "example.com/held-cli"
	e.addSecret(testSecret(cli))
	_, stderr, code := e.run(testSecret(cli)+"\n", "add", cli)
	if code == 0 || !strings.Contains(stderr, cli) || !strings.Contains(stderr, "not committed") {
		t.Errorf("otpfill add while git's lock is held: exit %d, stderr %q; want non-zero and a message", code, stderr)
	}
	out, _, _ := e.run("", "doctor")
	if !strings.Contains(out, "2 entries are not committed") || !strings.Contains(out, held) || !strings.Contains(out, cli) {
		t.Errorf("doctor does not list the uncommitted entries:\n%s", out)
	}

	// The program is killed; its lock stays. The next save removes it
	// (no process uses it) and commits.
	release()
	next := "example.com/after-kill"
	e.addSecret(testSecret(next))
	beforeNext := e.commitCount()
	if _, stderr, code := e.run(testSecret(next)+"\n", "add", next); code != 0 {
		t.Errorf("add after the lock's holder died: exit %d: %s", code, stderr)
	}
	if _, err := os.Lstat(lock); err == nil {
		t.Error("the stale index.lock is still there")
	}
	if got := e.commitCount() - beforeNext; got != 1 {
		t.Errorf("%d commits for the add after the holder died, want 1", got)
	}
	// Exactly its own file: the two left uncommitted stay as they were.
	if files := strings.Fields(e.git("show", "--format=", "--name-only", "HEAD")); !slices.Equal(files, []string{next + ".gpg"}) {
		t.Errorf("the commit holds %q, want only %s.gpg", files, next)
	}
	realstore.Require(t, "git")
}

// TestSymlinkedHOTP: bank.example.com/alias.gpg is a link to me.gpg, as
// `ln -s` makes it and pass follows it. Codes for alias and me advance one
// counter, as `pass otp` does, and the link stays a link; hosts asking for
// both names at once never issue one counter twice.
func TestSymlinkedHOTP(t *testing.T) {
	e := newTestEnv(t)
	alias := "bank.example.com/alias"
	aliasPath := filepath.Join(e.StoreDir, alias+".gpg")
	if err := os.Symlink("me.gpg", aliasPath); err != nil {
		t.Fatal(err)
	}
	e.Run("", "pass", "git", "add", "--", alias+".gpg")
	e.Run("", "pass", "git", "commit", "-q", "-m", "alias")
	hotp := func(c uint64) string {
		code := realstore.OathtoolHOTP(t, bankSecret, 6, c)
		e.addCode(code)
		return code
	}

	h := e.startHost()
	if got := h.ok(req("code", "name", alias))["code"]; got != hotp(bankCounter+1) {
		t.Errorf("code %s = %v, want counter %d's", alias, got, bankCounter+1)
	}
	if got := h.ok(req("code", "name", bankName))["code"]; got != hotp(bankCounter+2) {
		t.Errorf("code %s after %s = %v, want counter %d's: the alias did not advance the entry's counter", bankName, alias, got, bankCounter+2)
	}
	h.closeOK()
	if fi, err := os.Lstat(aliasPath); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("%s is no longer a link", alias)
	}
	// pass otp writes through the link as well: the counter is shared.
	if got := e.PassOTP(alias); got != hotp(bankCounter+3) {
		t.Errorf("pass otp %s = %s, want counter %d's", alias, got, bankCounter+3)
	}

	// Four hosts ask for alias and four for me, at once.
	const n = 8
	hosts := make([]*host, n)
	for i := range hosts {
		hosts[i] = e.startHost()
		hosts[i].ok(req("hello"))
	}
	var wg sync.WaitGroup
	for i, h := range hosts {
		name := bankName
		if i%2 == 0 {
			name = alias
		}
		body, _ := json.Marshal(req("code", "name", name))
		wg.Go(func() { protocol.WriteFrame(h.stdin, body) })
	}
	wg.Wait()
	var got, want []string
	for i, h := range hosts {
		resp := h.read()
		if resp["ok"] != true {
			t.Fatalf("code: %v", resp["error"])
		}
		got = append(got, resp["code"].(string))
		want = append(want, hotp(bankCounter+4+uint64(i)))
		h.closeOK()
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%d hosts asking for %s and %s gave %q, want counters %d..%d: %q", n, alias, bankName, got, bankCounter+4, bankCounter+3+n, want)
	}
	if c := storedCounter(t, e); c != bankCounter+3+n {
		t.Errorf("the stored counter is %d, want %d", c, bankCounter+3+n)
	}
	if fi, err := os.Lstat(aliasPath); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a link", alias)
	}
	if st := e.git("status", "--porcelain", "--untracked-files=all"); st != "" {
		t.Errorf("git status is not clean:\n%s", st)
	}
}

// TestSymlinkOutsideForbidden: a folder or an entry that links outside the
// store is never written: forbidden, and nothing changes outside. Reading
// through such a link keeps working.
func TestSymlinkOutsideForbidden(t *testing.T) {
	e := newTestEnv(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(e.StoreDir, "d")); err != nil {
		t.Fatal(err)
	}
	// An entry linked to a file outside: a TOTP entry and an HOTP one.
	outTOTP := filepath.Join(outside, "totp.gpg")
	outHOTP := filepath.Join(outside, "hotp.gpg")
	copyFile(t, filepath.Join(e.StoreDir, alice.name+".gpg"), outTOTP)
	copyFile(t, filepath.Join(e.StoreDir, bankName+".gpg"), outHOTP)
	os.Symlink(outTOTP, filepath.Join(e.StoreDir, "github.com", "linked.gpg"))
	os.Symlink(outHOTP, filepath.Join(e.StoreDir, "bank.example.com", "linked.gpg"))
	// A folder linked into .git, inside the store but no place for entries.
	os.Symlink(filepath.Join("..", ".git"), filepath.Join(e.StoreDir, "github.com", "gitdir"))
	before := treeHash(t, outside)
	gitBefore := treeHash(t, filepath.Join(e.StoreDir, ".git"))

	h := e.startHost()
	secret := testSecret("outside")
	e.addSecret(secret)
	uri := "otpauth://totp/Example:x?secret=" + secret
	for _, name := range []string{"d/new", "d/deeper/new", "github.com/linked", "github.com/gitdir/hooks/pre-commit"} {
		// From github.com, so that site binding lets github.com/linked through
		// to the check of where it leads.
		resp := h.fail(req("save", "url", "https://github.com/", "name", name, "uri", uri, "overwrite", true), protocol.CodeForbidden)
		if msg, _ := resp["message"].(string); !strings.Contains(msg, "outside the password store") {
			t.Errorf("save %s: message %q does not say why", name, msg)
		}
	}
	h.fail(req("save_recovery", "url", "https://example.com/", "name", "d/new", "codes", []string{"abcd-efgh"}), protocol.CodeForbidden)
	h.fail(req("code", "name", "bank.example.com/linked"), protocol.CodeForbidden)
	// Reads through the link still work.
	start := time.Now()
	resp := h.ok(req("code", "name", "github.com/linked"))
	checkCode(t, resp, otpEntry{name: "github.com/linked", secret: alice.secret, alg: "sha1", digits: 6, period: 30}, start, time.Now())
	h.closeOK()
	if _, stderr, code := e.run(secret+"\n", "add", "d/cli"); code == 0 || !strings.Contains(stderr, "outside the password store") {
		t.Errorf("otpfill add d/cli: exit %d, stderr %q; want it refused", code, stderr)
	}
	if after := treeHash(t, outside); after != before {
		t.Error("something was written outside the store")
	}
	if treeHash(t, filepath.Join(e.StoreDir, ".git")) != gitBefore {
		t.Error(".git was written through a link")
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestEveryWriteSaysNotCommitted: with every commit refused (a pre-commit
// hook), each action that writes says the entry is not committed and why,
// in its answer, naming what was done to the entry (an existing entry
// "changed", not "saved"): an HOTP code's counter, a save and its undo,
// recovery codes (the host's "warning"); `otpfill code` (the code on stdout, the
// warning on stderr, exit 0: the code is used), `otpfill add` and `otpfill
// import` (stderr, exit 1); and doctor lists every entry left uncommitted.
// Nothing said any of this but the log before.
func TestEveryWriteSaysNotCommitted(t *testing.T) {
	e := newTestEnv(t)
	hook := filepath.Join(e.StoreDir, ".git", "hooks", "pre-commit")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho 'commits are refused here' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	base := e.commitCount()
	// done: what the write did to the entry, as the warning says it.
	warned := func(what, warning, name, done string) {
		t.Helper()
		if !strings.Contains(warning, name+" was "+done+" but not committed") || !strings.Contains(warning, "commits are refused here") {
			t.Errorf("%s: warning %q, want one saying %s was %s but not committed, and git's reason", what, warning, name, done)
		}
	}
	hotp := func(c uint64) string {
		code := realstore.OathtoolHOTP(t, bankSecret, 6, c)
		e.addCode(code)
		return code
	}

	h := e.startHost()
	resp := h.ok(req("code", "name", bankName))
	if resp["code"] != hotp(bankCounter+1) {
		t.Errorf("HOTP code %v, want counter %d's", resp["code"], bankCounter+1)
	}
	w, _ := resp["warning"].(string)
	warned("HOTP code", w, bankName, "changed")

	gh := "https://github.com/settings/security"
	secret := testSecret("uncommitted")
	e.addSecret(secret)
	resp = h.ok(req("save", "url", gh, "name", alice.name, "overwrite", true, "uri", "otpauth://totp/GitHub:alice?secret="+secret+"&issuer=GitHub"))
	e.addCode(resp["code"].(string))
	w, _ = resp["warning"].(string)
	warned("save", w, alice.name, "changed")
	resp = h.ok(req("undo", "token", resp["undo"], "url", gh))
	w, _ = resp["warning"].(string)
	warned("undo", w, alice.name, "changed")
	if show := e.Run("", "pass", "show", alice.name); !strings.Contains(show, alice.secret) {
		t.Errorf("the undo did not put alice's secret back:\n%s", show)
	}

	codes := []string{"unc01-aaaaa", "unc02-bbbbb"}
	e.addSecret(codes...)
	resp = h.ok(req("save_recovery", "url", gh, "name", alice.name, "codes", codes))
	w, _ = resp["warning"].(string)
	warned("save_recovery", w, alice.name, "changed")
	h.closeOK()

	out, stderr, code := e.run("", "code", bankName)
	if code != 0 || strings.TrimSpace(out) != hotp(bankCounter+2) {
		t.Errorf("otpfill code %s: exit %d, stdout %q; want 0 and counter %d's code", bankName, code, out, bankCounter+2)
	}
	warned("otpfill code", stderr, bankName, "changed")

	added := "cli.example.com/uncommitted"
	e.addSecret(testSecret(added))
	_, stderr, code = e.run(testSecret(added)+"\n", "add", added)
	if code == 0 {
		t.Errorf("otpfill add exited 0 although its entry is not committed")
	}
	warned("otpfill add", stderr, added, "saved")

	file := filepath.Join(e.Home, "import.txt")
	a, b := testSecret("unc-imp-a"), testSecret("unc-imp-b")
	e.addSecret(a, b)
	if err := os.WriteFile(file, []byte("otpauth://totp/Alpha:ann?secret="+a+"&issuer=Alpha\notpauth://totp/Beta:ben?secret="+b+"&issuer=Beta\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = e.run("", "import", "--prefix", "unc", file)
	if code == 0 || !strings.Contains(stderr, "not committed") || !strings.Contains(stderr, "commits are refused here") {
		t.Errorf("otpfill import: exit %d, stderr:\n%s\nwant non-zero, saying the entries are not committed and why", code, stderr)
	}

	if got := e.commitCount(); got != base {
		t.Errorf("%d commits were made although the hook refuses every one", got-base)
	}
	out, _, _ = e.run("", "doctor")
	for _, name := range []string{bankName, alice.name, added, "unc/Alpha/ann", "unc/Beta/ben"} {
		if !strings.Contains(out, name) {
			t.Errorf("doctor does not list %s as uncommitted:\n%s", name, out)
		}
	}
	if !strings.Contains(out, "5 entries are not committed") {
		t.Errorf("doctor does not count the 5 uncommitted entries:\n%s", out)
	}
}

// TestConcurrentUndoAndSave: host A saves an entry and asks to undo it while host
// B saves the same entry, at the same moment or a little later, round
// after round. Whichever runs first, B's save is never lost: an undo that
// runs first is overwritten by B's save, one that runs after it is refused
// (exists) and changes nothing. Each write that happened is one commit.
func TestConcurrentUndoAndSave(t *testing.T) {
	e := newTestEnv(t)
	rounds := 8
	if stress {
		rounds = 40
	}
	const name = "example.com/raced"
	url := "https://example.com/2fa"
	save := func(secret string) map[string]any {
		e.addSecret(secret)
		return req("save", "url", url, "name", name, "overwrite", true, "uri", "otpauth://totp/Example:raced?secret="+secret)
	}
	a, b := e.startHost(), e.startHost()
	first := testSecret("raced-0")
	start := time.Now()
	e.addCode(b.ok(save(first))["code"].(string))
	full := time.Since(start)
	base := e.commitCount()
	writes := 0
	undone, refused := 0, 0
	for round := range rounds {
		secretA, secretB := testSecret(fmt.Sprint("raced-a", round)), testSecret(fmt.Sprint("raced-b", round))
		sa := a.ok(save(secretA))
		e.addCode(sa["code"].(string))
		writes++
		undo, _ := json.Marshal(req("undo", "token", sa["undo"], "url", url))
		bSave, _ := json.Marshal(save(secretB))
		var wg sync.WaitGroup
		wg.Go(func() {
			if round%2 == 1 {
				time.Sleep(time.Duration(rand.Int64N(2 * int64(full))))
			}
			if err := protocol.WriteFrame(a.stdin, undo); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			if err := protocol.WriteFrame(b.stdin, bSave); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		ru, rb := a.read(), b.read()
		if rb["ok"] != true {
			t.Fatalf("round %d: B's save failed: %v", round, rb["error"])
		}
		e.addCode(rb["code"].(string))
		writes++
		switch {
		case ru["ok"] == true:
			undone++
			writes++
		case ru["error"].(map[string]any)["code"] == string(protocol.CodeExists):
			refused++
		default:
			t.Fatalf("round %d: undo answered %v, want ok or exists", round, ru["error"])
		}
		show := e.Run("", "pass", "show", name)
		if !strings.Contains(show, secretB) {
			t.Fatalf("round %d: B's save is lost after A's undo (undo %v): the entry holds\n%s", round, ru["ok"], show)
		}
	}
	a.closeOK()
	b.closeOK()
	t.Logf("%d rounds: %d undos ran before B's save, %d came after it and were refused", rounds, undone, refused)
	if got := e.commitCount() - base; got != writes {
		t.Errorf("%d commits for %d writes", got, writes)
	}
	if st := e.git("status", "--porcelain", "--untracked-files=all"); st != "" {
		t.Errorf("git status is not clean:\n%s", st)
	}
}

// TestGitMissing: the store is a git repository but the git otpfill is to
// run cannot be found (the config's "git" points nowhere; a browser that
// starts the host with a PATH without git is the same). Every write is then
// left uncommitted, which used to happen without a word, not even in the
// log: now the answer's warning and the CLI (exit 1) say so and why.
// "git": "none" turns commits off on purpose: no warning then.
func TestGitMissing(t *testing.T) {
	e := newTestEnv(t)
	cfg := filepath.Join(e.Home, "otpfill-config.json")
	if err := os.WriteFile(cfg, []byte(`{"git": "/nonexistent/bin/git"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e.extra = append(e.extra, "OTPFILL_CONFIG="+cfg)
	base := e.commitCount()
	h := e.startHost()
	saved := "example.com/no-git"
	e.addSecret(testSecret(saved))
	resp := h.ok(req("save", "url", "https://example.com/", "name", saved, "uri", "otpauth://totp/Example:n?secret="+testSecret(saved)))
	e.addCode(resp["code"].(string))
	if w, _ := resp["warning"].(string); !strings.Contains(w, saved) || !strings.Contains(w, "not committed") || !strings.Contains(w, "/nonexistent/bin/git") {
		t.Errorf("save without git: warning %q, want one saying %s is not committed because /nonexistent/bin/git cannot be run", w, saved)
	}
	resp = h.ok(req("code", "name", bankName))
	e.addCode(resp["code"].(string))
	if w, _ := resp["warning"].(string); !strings.Contains(w, bankName) || !strings.Contains(w, "not committed") {
		t.Errorf("HOTP code without git: warning %q", w)
	}
	h.closeOK()
	added := "cli.example.com/no-git"
	e.addSecret(testSecret(added))
	if _, stderr, code := e.run(testSecret(added)+"\n", "add", added); code == 0 || !strings.Contains(stderr, "not committed") || !strings.Contains(stderr, "/nonexistent/bin/git") {
		t.Errorf("otpfill add without git: exit %d, stderr %q; want non-zero and why", code, stderr)
	}
	if got := e.commitCount(); got != base {
		t.Errorf("%d commits without git", got-base)
	}

	// Commits turned off: written, not committed, and no warning.
	if err := os.WriteFile(cfg, []byte(`{"git": "none"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	h = e.startHost()
	off := "example.com/git-off"
	e.addSecret(testSecret(off))
	resp = h.ok(req("save", "url", "https://example.com/", "name", off, "uri", "otpauth://totp/Example:o?secret="+testSecret(off)))
	e.addCode(resp["code"].(string))
	if w, has := resp["warning"]; has {
		t.Errorf("save with \"git\": \"none\": warning %v", w)
	}
	h.closeOK()
}
