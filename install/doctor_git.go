package install

import (
	"fmt"
	"os"
	"strings"
)

// checkGit lists the entries of the pass store that git does not have: an
// entry saved while git could not commit (its lock held by another program
// too long, a hook refusing) stays uncommitted until the user commits it,
// and doctor is where they learn which. It also names a git lock file left
// in the repository.
func (v *env) checkGit(store string) []check {
	if _, err := os.Lstat(v.join(store, ".git")); err != nil {
		return nil
	}
	git := v.lookPath("git")
	if git == "" {
		return []check{{statusWarn, "git", "the pass store is a git repository but git is not installed, so nothing otpfill saves is committed", "install git"}}
	}
	stdout, _, err := v.run(programTimeout, git, "-C", store, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=no")
	if err != nil {
		return []check{{statusWarn, "git", fmt.Sprintf("cannot read the state of the store's repository: %v", err), "run `pass git status` to see why"}}
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
	var out []check
	if len(names) > 0 {
		shown := names
		if len(shown) > 20 {
			shown = append(shown[:20:20], fmt.Sprintf("and %d more", len(names)-20))
		}
		out = append(out, check{statusWarn, "git", fmt.Sprintf("%d entr%s not committed: %s", len(names), pluralY(len(names)), strings.Join(shown, ", ")),
			"commit them with `pass git add -A && pass git commit -m 'otpfill entries'` (check `pass git status` first)"})
	} else {
		out = append(out, check{statusOK, "git", "every entry of the pass store is committed", ""})
	}
	for _, lock := range []string{"index.lock", "HEAD.lock"} {
		if _, err := os.Lstat(v.join(store, ".git", lock)); err == nil {
			out = append(out, check{statusWarn, "git", "the store's repository has a lock file .git/" + lock + ": a git program is running, or one was killed and left it",
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
