package pass

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/otpfill/otpfill/host/internal/lockfile"
)

// Git history, kept whole under concurrency and crashes.
//
// Browsers start a host per request and a user can run `otpfill add` or
// `import` meanwhile, so several otpfill processes write one store at once;
// git takes .git/index.lock for each add and commit and fails (it does not
// wait) when another git holds it. So:
//
//   - Every otpfill write, git add and git commit of a repository runs under
//     one store-wide lock, flock(2) on otpfill.lock inside the repository's
//     git folder (.git/otpfill.lock): it belongs to the repository, whatever
//     state folder or environment each otpfill process runs with, and dies
//     with the process that holds it.
//   - Under that lock no other otpfill process runs git on the repository,
//     but `pass git`, pass-otp or an editor may: git's "Unable to create
//     '….lock': File exists" is retried with backoff for gitLockWait.
//   - A lock file that a killed git left behind is removed only when that is
//     provably safe (see staleLock): git writes no owner into it, so otpfill
//     checks that no process could still be using it.
//   - git add and git commit name exactly the files written
//     (`git commit -- PATHS` commits only those), so changes the user staged
//     are neither committed nor unstaged.
//   - A commit that still fails is returned, and the caller reports it (the
//     "warning" of a response, the CLI's stderr and exit status).
//
// The repository is the one pass commits to: the nearest folder from the
// entry's up to the store's own that holds a .git (the store folder itself,
// or a gopass-style sub-store that is a repository of its own).

// gitLockWait bounds how long a git command waits for a lock another
// program holds; staleAge is how old a lock file must be before otpfill
// even considers it left behind.
var (
	gitLockWait = 8 * time.Second
	staleAge    = time.Second
	storeWait   = 60 * time.Second
)

// repoOf returns the git work tree the file target (inside root, the real
// store folder) is committed in, or "" when there is none.
func repoOf(root, target string) string {
	dir := filepath.Dir(target)
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		if dir == root || len(dir) <= len(root) {
			return ""
		}
		dir = filepath.Dir(dir)
	}
}

// gitDir returns the git folder of the work tree repo: repo/.git, or where
// a .git file (a linked work tree, a submodule) points.
func gitDir(repo string) string {
	p := filepath.Join(repo, ".git")
	fi, err := os.Stat(p)
	if err != nil {
		return ""
	}
	if fi.IsDir() {
		return p
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	d, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir:")
	if !ok {
		return ""
	}
	d = strings.TrimSpace(d)
	if !filepath.IsAbs(d) {
		d = filepath.Join(repo, d)
	}
	return filepath.Clean(d)
}

// lockRepo takes the store-wide lock of the repository at repo. A git
// folder otpfill cannot create its lock in (read-only) is not locked: the
// commit will fail and say so.
func (s *Store) lockRepo(ctx context.Context, repo string) (func(), error) {
	gd := gitDir(repo)
	if gd == "" {
		return func() {}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, storeWait)
	defer cancel()
	unlock, err := lockfile.AcquireFile(ctx, filepath.Join(gd, "otpfill.lock"))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("the password store is busy: another otpfill process has been writing it for %v", storeWait)
		}
		s.log.Warn().Err(err).Msg("cannot take the store's lock; writing without it")
		return func() {}, nil
	}
	return unlock, nil
}

// gitError is a git command that failed.
type gitError struct {
	cmd    string
	output string
	err    error
	held   string // a lock file another program held until otpfill gave up
}

func (e *gitError) Error() string {
	if e.held != "" {
		return fmt.Sprintf("git %s: %s stayed locked by another git program for %v", e.cmd, e.held, gitLockWait)
	}
	out := e.output
	if len(out) > 300 {
		out = out[:300] + "…"
	}
	if out == "" {
		return fmt.Sprintf("git %s: %v", e.cmd, e.err)
	}
	return fmt.Sprintf("git %s: %s", e.cmd, out)
}

// lockMessage is how git says that a lock file exists.
var lockMessage = regexp.MustCompile(`Unable to create '([^']+\.lock)': File exists`)

// commitPaths adds and commits the files rels (relative to repo), and
// nothing else. It runs under the repository's lock.
func (s *Store) commitPaths(ctx context.Context, repo, message string, rels []string) error {
	if s.git == "" {
		return s.gitErr
	}
	ctx, cancel := context.WithTimeout(ctx, 2*storeWait)
	defer cancel()
	if _, err := s.runGit(ctx, repo, append([]string{"add", "--all", "--"}, rels...)...); err != nil {
		return err
	}
	out, err := s.runGit(ctx, repo, append([]string{"commit", "--quiet", "--no-edit", "-m", message, "--"}, rels...)...)
	if err != nil && (strings.Contains(out, "nothing to commit") || strings.Contains(out, "no changes added to commit") || strings.Contains(out, "nothing added to commit")) {
		// The files already hold what is committed (a save of the same
		// content): nothing is lost.
		return nil
	}
	if err != nil && s.unchanged(ctx, repo, rels) {
		// Nothing of rels differs from the last commit: an entry git never
		// recorded, removed again (an undo of its save), makes git refuse
		// the commit ("pathspec did not match"), but nothing is lost.
		return nil
	}
	return err
}

// unchanged reports whether git sees no change in rels, staged or not,
// against the last commit.
func (s *Store) unchanged(ctx context.Context, repo string, rels []string) bool {
	out, err := s.runGit(ctx, repo, append([]string{"status", "--porcelain", "--untracked-files=all", "--"}, rels...)...)
	return err == nil && out == ""
}

// runGit runs git in repo. A lock file held by another program is waited
// for (backoff, up to gitLockWait); one left by a killed git is removed when
// staleLock proves it safe.
func (s *Store) runGit(ctx context.Context, repo string, args ...string) (string, error) {
	deadline := time.Now().Add(gitLockWait)
	delay := 20 * time.Millisecond
	removed := 0
	for {
		cmd := exec.CommandContext(ctx, s.git, append([]string{"-C", repo}, args...)...)
		env := s.env
		if env == nil {
			env = os.Environ()
		}
		// Messages otpfill can recognise, and no prompt.
		cmd.Env = append(env[:len(env):len(env)], "LC_ALL=C", "LANGUAGE=C", "GIT_TERMINAL_PROMPT=0")
		outb, err := cmd.CombinedOutput()
		out := strings.TrimSpace(string(outb))
		if err == nil {
			return out, nil
		}
		m := lockMessage.FindStringSubmatch(out)
		if m == nil || ctx.Err() != nil {
			return out, &gitError{cmd: args[0], output: out, err: err}
		}
		lock := m[1]
		if !filepath.IsAbs(lock) {
			lock = filepath.Join(repo, lock)
		}
		if removed < 3 && staleLock(lock, []string{repo, gitDir(repo)}) {
			if rerr := os.Remove(lock); rerr == nil {
				removed++
				s.log.Warn().Str("lock", lock).Msg("removed a git lock file left by a git that no longer runs")
				continue
			}
		}
		if time.Now().After(deadline) {
			return out, &gitError{cmd: args[0], output: out, err: err, held: lock}
		}
		select {
		case <-ctx.Done():
			return out, &gitError{cmd: args[0], output: out, err: ctx.Err()}
		case <-time.After(delay):
		}
		delay = min(2*delay, 500*time.Millisecond)
	}
}

// staleLock reports whether git's lock file lock was left by a git that no
// longer runs, so that removing it is safe. The caller holds the store's
// lock, so no otpfill process is running git on this repository. What is
// left is another program (pass git, a terminal, an editor's git), which
// git records nowhere, so the rule is conservative:
//   - the file is older than staleAge (git holds index.lock for
//     milliseconds, except while an editor is open for a message — and that
//     git is still running, below);
//   - no process of this user could be using it: none has the file open,
//     and no git process works in the repository (git moves to the top of
//     its work tree before it takes a lock; pass runs `git -C STORE`). On
//     systems without /proc this cannot be shown, and the lock is never
//     removed;
//   - the file is still the same one (same inode and time) after the scan.
//
// Processes of other users are not looked at: they cannot write a store
// that is the user's own (pass makes it 0700).
func staleLock(lock string, dirs []string) bool {
	fi, err := os.Lstat(lock)
	if err != nil || !fi.Mode().IsRegular() || time.Since(fi.ModTime()) < staleAge {
		return false
	}
	var real []string
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if r, err := filepath.EvalSymlinks(d); err == nil {
			real = append(real, r)
		}
	}
	if len(real) == 0 || lockInUse(lock, real) {
		return false
	}
	again, err := os.Lstat(lock)
	return err == nil && os.SameFile(fi, again) && again.ModTime().Equal(fi.ModTime()) && again.Size() == fi.Size()
}

// under reports whether path is dir or below it.
func under(dir, path string) bool {
	return path == dir || strings.HasPrefix(path, dir+string(filepath.Separator))
}
