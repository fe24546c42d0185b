package pass_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/host/internal/realstore"
	"github.com/otpfill/otpfill/host/internal/store"
)

func gitStore(t *testing.T) *realstore.Env {
	t.Helper()
	realstore.Require(t, "git")
	e := realstore.New(t)
	e.Init("", e.NewKey("One <one@example.invalid>"))
	e.Run("", "pass", "git", "init")
	return e
}

// TestCommitsOnlyWhatItWrote: a change the user staged is neither committed
// with otpfill's entry nor unstaged.
func TestCommitsOnlyWhatItWrote(t *testing.T) {
	e := gitStore(t)
	e.InsertOTP("github.com/alice", uriA)
	if err := os.WriteFile(filepath.Join(e.StoreDir, "notes.txt"), []byte("mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.Run("", "git", "-C", e.StoreDir, "add", "notes.txt")
	s := newStore(t, e)
	ctx, warns := store.WithWarnings(context.Background())
	if err := s.Write(ctx, "gitlab.com/bob", []byte(uriA+"\n"), false); err != nil {
		t.Fatal(err)
	}
	if w := warns.List(); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
	files := strings.Fields(e.Run("", "git", "-C", e.StoreDir, "show", "--format=%s", "--name-only", "HEAD"))
	if want := []string{"Add", "OTP", "secret", "for", "gitlab.com/bob", "to", "store.", "gitlab.com/bob.gpg"}; !slices.Equal(files, want) {
		t.Errorf("HEAD is %q, want %q", files, want)
	}
	if staged := strings.TrimSpace(e.Run("", "git", "-C", e.StoreDir, "diff", "--cached", "--name-only")); staged != "notes.txt" {
		t.Errorf("staged after the write: %q, want the user's notes.txt still", staged)
	}
}

// TestCommitsInSubStore: a folder of the store that is a repository of its
// own (gopass-style sub-store; pass commits there too) gets the commit,
// with the path relative to it; a store that is no repository gets none.
func TestCommitsInSubStore(t *testing.T) {
	realstore.Require(t, "git")
	e := realstore.New(t)
	e.Init("", e.NewKey("One <one@example.invalid>"))
	sub := filepath.Join(e.StoreDir, "team")
	os.MkdirAll(sub, 0o700)
	e.Run("", "git", "-C", sub, "init", "-q")
	e.Run("", "git", "-C", sub, "commit", "-q", "--allow-empty", "-m", "start")
	s := newStore(t, e)
	ctx, warns := store.WithWarnings(context.Background())
	if err := s.Write(ctx, "team/aws/ops", []byte(uriA+"\n"), false); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, "top/entry", []byte(uriA+"\n"), false); err != nil {
		t.Fatal(err)
	}
	if w := warns.List(); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
	if got := strings.TrimSpace(e.Run("", "git", "-C", sub, "log", "-1", "--format=%s", "--name-only")); got != "Add OTP secret for team/aws/ops to store.\n\naws/ops.gpg" {
		t.Errorf("the sub-store's last commit is %q", got)
	}
	if st := e.Run("", "git", "-C", sub, "status", "--porcelain"); st != "" {
		t.Errorf("the sub-store is not clean: %s", st)
	}
}

// TestNotCommittedSaysWhatWasDone: the warning of a write git did not
// commit says what the write did to the entry: an entry changed (a save over
// it, an HOTP counter written back, an undo putting the old content back),
// removed, a new entry saved, a batch's entries saved; always with git's
// reason and the way to commit it. A new entry git never recorded, removed
// again (an undo of its save), leaves nothing to commit: no warning.
func TestNotCommittedSaysWhatWasDone(t *testing.T) {
	e := gitStore(t)
	s := newStore(t, e)
	if err := s.Write(context.Background(), "github.com/alice", []byte(uriA+"\n"), false); err != nil {
		t.Fatal(err)
	}
	hook := filepath.Join(e.StoreDir, ".git", "hooks", "pre-commit")
	os.WriteFile(hook, []byte("#!/bin/sh\necho 'no commits today' >&2\nexit 1\n"), 0o755)
	for _, step := range []struct {
		what string
		do   func(ctx context.Context) error
		want string // "" for no warning
	}{
		{"overwrite", func(ctx context.Context) error { return s.Write(ctx, "github.com/alice", []byte(uriA+"\n"), true) }, "github.com/alice was changed"},
		{"remove", func(ctx context.Context) error { return s.Remove(ctx, "github.com/alice") }, "github.com/alice was removed"},
		{"new entry", func(ctx context.Context) error { return s.Write(ctx, "gitlab.com/bob", []byte(uriA+"\n"), false) }, "gitlab.com/bob was saved"},
		{"new entry removed", func(ctx context.Context) error { return s.Remove(ctx, "gitlab.com/bob") }, ""},
		{"batch of two", func(ctx context.Context) error {
			end := s.StartBatch()
			s.Write(ctx, "b/one", []byte(uriA+"\n"), false)
			s.Write(ctx, "b/two", []byte(uriA+"\n"), false)
			end(ctx, "Import.")
			return nil
		}, "2 entries were saved"},
		{"batch of one", func(ctx context.Context) error {
			end := s.StartBatch()
			s.Write(ctx, "c/one", []byte(uriA+"\n"), false)
			end(ctx, "Import.")
			return nil
		}, "c/one was saved"},
	} {
		ctx, warns := store.WithWarnings(context.Background())
		if err := step.do(ctx); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
		w := warns.List()
		switch {
		case step.want == "" && len(w) != 0:
			t.Errorf("%s: warnings %q, want none", step.what, w)
		case step.want != "" && (len(w) != 1 || !strings.HasPrefix(w[0], step.want+" but not committed to git (") ||
			!strings.Contains(w[0], "no commits today") || !strings.Contains(w[0], "pass git commit") || !strings.Contains(w[0], "otpfill doctor")):
			t.Errorf("%s: warnings %q, want one starting %q, with git's reason and how to commit", step.what, w, step.want+" but not committed to git")
		}
	}
	if st := e.Run("", "git", "-C", e.StoreDir, "status", "--porcelain", "--", "gitlab.com"); st != "" {
		t.Errorf("git status after bob's entry came and went: %q", st)
	}
}

// TestCommitFailureWarns: a commit git refuses leaves the entry written and
// says so in ctx's warnings, with git's reason.
func TestCommitFailureWarns(t *testing.T) {
	e := gitStore(t)
	hook := filepath.Join(e.StoreDir, ".git", "hooks", "pre-commit")
	os.WriteFile(hook, []byte("#!/bin/sh\necho 'no commits today' >&2\nexit 1\n"), 0o755)
	s := newStore(t, e)
	ctx, warns := store.WithWarnings(context.Background())
	if err := s.Write(ctx, "github.com/alice", []byte(uriA+"\n"), false); err != nil {
		t.Fatal(err)
	}
	w := warns.List()
	if len(w) != 1 || !strings.Contains(w[0], "github.com/alice") || !strings.Contains(w[0], "not committed") || !strings.Contains(w[0], "no commits today") {
		t.Errorf("warnings = %q, want one naming the entry and git's reason", w)
	}
	if _, err := s.Read(context.Background(), "github.com/alice"); err != nil {
		t.Errorf("the entry is not there: %v", err)
	}
	// A batch says so in its error.
	end := s.StartBatch()
	s.Write(context.Background(), "a/one", []byte(uriA+"\n"), false)
	s.Write(context.Background(), "a/two", []byte(uriA+"\n"), false)
	if err := end(context.Background(), "Import."); err == nil || !strings.Contains(err.Error(), "2 entries not committed") {
		t.Errorf("batch end = %v, want an error for its 2 entries", err)
	}
}
