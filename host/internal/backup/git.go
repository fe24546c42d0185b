package backup

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// dirStore is a store kept in a folder (the pass store).
type dirStore interface {
	Dir() string
}

// uncommitted returns, for each pass store that is a git repository, the
// entries whose file git reports as changed or untracked.
func (k *Checker) uncommitted(ctx context.Context) (map[string]map[string]bool, []string) {
	out := map[string]map[string]bool{}
	if k.Git == "" {
		return out, nil
	}
	var problems []string
	for _, st := range k.Stores {
		ds, ok := st.(dirStore)
		if !ok {
			continue
		}
		names, err := k.gitChanged(ctx, ds.Dir())
		if err != nil {
			problems = append(problems, fmt.Sprintf("cannot ask git about store %s: %v", st.ID(), err))
			continue
		}
		out[st.ID()] = names
	}
	return out, problems
}

// gitChanged runs `git status --porcelain` in dir; nil when dir is not the
// top of a git repository (pass stores are, when `pass git init` was run).
func (k *Checker) gitChanged(ctx context.Context, dir string) (map[string]bool, error) {
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.Git, "-C", dir, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--ignored=no", "--", ".")
	cmd.Env = k.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	names := map[string]bool{}
	// Each record: XY, a space, the path (relative to the top of the
	// repository, which is dir), then NUL.
	for _, rec := range bytes.Split(out, []byte{0}) {
		if len(rec) < 4 {
			continue
		}
		p := string(rec[3:])
		if name, ok := strings.CutSuffix(p, ".gpg"); ok && !strings.HasPrefix(path.Base(p), ".") {
			names[name] = true
		}
	}
	return names, nil
}
