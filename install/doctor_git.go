package install

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/otpfill/otpfill/internal/run"
)

// checkGit lists the entries of the pass store that git does not have: an
// entry saved while git could not commit (its lock held by another program
// too long, a hook refusing) stays uncommitted until the user commits it,
// and doctor is where they learn which. It also names a git lock file left
// in the repository.
func (v *env) checkGit(store string) []Check {
	if _, err := os.Lstat(v.join(store, ".git")); err != nil {
		return nil
	}
	shownStore := v.tildify(store)
	git := v.lookPath("git")
	if git == "" {
		return []Check{{StatusWarn, "git", "the pass store " + shownStore + " is a git repository but git is not installed, so nothing otpfill saves is committed", "install git"}}
	}
	stdout, _, err := v.run(programTimeout, git, "-C", store, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=no")
	if err != nil {
		return []Check{{StatusWarn, "git", fmt.Sprintf("cannot read the state of the repository of %s: %v", shownStore, err), "run `pass git status` to see why"}}
	}
	var names []string
	records := strings.Split(stdout, "\x00")
	for i := 0; i < len(records); i++ {
		r := records[i]
		if len(r) < 4 {
			continue
		}
		if r[0] == 'R' || r[0] == 'C' {
			i++ // the record after a rename is its old path
		}
		if p := r[3:]; strings.HasSuffix(p, ".gpg") {
			names = append(names, strings.TrimSuffix(p, ".gpg"))
		}
	}
	var out []Check
	if len(names) > 0 {
		shown := names
		if len(shown) > 20 {
			shown = append(shown[:20:20], fmt.Sprintf("and %d more", len(names)-20))
		}
		out = append(out, Check{StatusWarn, "git", fmt.Sprintf("%s: %d entr%s not committed: %s", shownStore, len(names), pluralY(len(names)), strings.Join(shown, ", ")),
			"commit them with `pass git add -A && pass git commit -m 'otpfill entries'` (check `pass git status` first)"})
	} else {
		out = append(out, Check{StatusOK, "git", "every entry of " + shownStore + " is committed", ""})
	}
	for _, lock := range []string{"index.lock", "HEAD.lock"} {
		if _, err := os.Lstat(v.join(store, ".git", lock)); err == nil {
			out = append(out, Check{StatusWarn, "git", "the repository of " + shownStore + " has a lock file .git/" + lock + ": a git program is running, or one was killed and left it",
				"if no git runs on the store, remove it (otpfill removes one it can prove stale on its next save)"})
		}
	}
	return out
}

func pluralY(n int) string {
	if n == 1 {
		return "y is"
	}
	return "ies are"
}

// run runs a program with a timeout and the environment of v (so a
// throwaway HOME or PATH applies), and returns its output.
func (v *env) run(timeout time.Duration, name string, args ...string) (string, string, error) {
	return run.Program(timeout, v.childEnv(), name, args...)
}

// childEnv is the process environment with the variables that decide where
// programs look replaced by what Env says.
func (v *env) childEnv() []string {
	override := []string{"HOME", "PATH", "XDG_RUNTIME_DIR"}
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(override, k) {
			out = append(out, kv)
		}
	}
	for _, k := range override {
		if val := v.Getenv(k); val != "" {
			out = append(out, k+"="+val)
		}
	}
	return out
}
