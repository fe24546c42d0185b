// Package pass is the store.Writer for a pass(1) password store: a folder of
// GPG files, recipients in .gpg-id files, optionally a git repository.
// It reads and writes entries exactly as pass and pass-otp do, so both tools
// can be used on the same store.
package pass

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/pgp"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/internal/atomicfile"
)

// Store is a pass store rooted at a folder.
type Store struct {
	id     string
	dir    string
	engine pgp.Engine
	keys   []string // PASSWORD_STORE_KEY: overrides .gpg-id when set
	git    string   // git binary; "" disables commits
	gitErr error    // why git cannot run, when commits are wanted (git is "")
	env    []string // environment for git; nil inherits
	log    zerolog.Logger

	mu    sync.Mutex
	batch map[string][]string // repository → files written while a batch is open; nil: commit each write
}

// Options configure a Store.
type Options struct {
	ID     string // store id in protocol answers, e.g. "pass"
	Dir    string // absolute path of the store
	Engine pgp.Engine
	// Keys, when not empty, are the recipients for every write (as pass's
	// PASSWORD_STORE_KEY).
	Keys []string
	Git  string // path of git, "" to never commit
	// GitErr, with Git "", says why git cannot run although commits are
	// wanted: every write to a repository is then reported not committed.
	GitErr error
	Env    []string
	Log    zerolog.Logger
}

// New returns a Store. It does not touch the disk.
func New(o Options) *Store {
	return &Store{id: o.ID, dir: filepath.Clean(o.Dir), engine: o.Engine, keys: o.Keys, git: o.Git, gitErr: o.GitErr, env: o.Env, log: o.Log}
}

func (s *Store) ID() string   { return s.id }
func (s *Store) Kind() string { return store.KindPass }
func (s *Store) Dir() string  { return s.dir }

// Check reports whether the store folder exists and its engine can run.
func (s *Store) Check(ctx context.Context) error {
	if err := s.checkDir(); err != nil {
		return err
	}
	// An engine that can tell it cannot run (gpg missing) makes the store
	// unusable, and hello should say so.
	if a, ok := s.engine.(interface{ Available() error }); ok {
		if err := a.Available(); err != nil {
			return fmt.Errorf("%w: %v", store.ErrUnavailable, err)
		}
	}
	return nil
}

// checkDir reports whether the store folder exists: listing needs no more.
func (s *Store) checkDir() error {
	fi, err := os.Stat(s.dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: password store %s does not exist (create it with `pass init KEYID`, or set PASSWORD_STORE_DIR)", store.ErrUnavailable, s.dir)
	case err != nil:
		return fmt.Errorf("%w: cannot read password store %s: %v", store.ErrUnavailable, s.dir, unwrapPath(err))
	case !fi.IsDir():
		return fmt.Errorf("%w: password store %s is not a folder", store.ErrUnavailable, s.dir)
	}
	return nil
}

// List returns every entry name (files ending in .gpg), sorted, skipping
// hidden folders such as .git and names otpfill would refuse. It stops, with
// an error wrapping store.ErrUnavailable and ctx.Err(), when ctx ends.
func (s *Store) List(ctx context.Context) ([]string, error) {
	return s.list(ctx, func(ctx context.Context) ([]string, error) { return s.walk(ctx, nil) })
}

// ListMatching is List keeping only the names keep accepts, for matching a
// site: names it refuses never become strings, which is most of what
// listing a large store costs. keep must not retain its argument.
func (s *Store) ListMatching(ctx context.Context, keep func(name []byte) bool) ([]string, error) {
	return s.list(ctx, func(ctx context.Context) ([]string, error) { return s.walk(ctx, keep) })
}

func (s *Store) list(ctx context.Context, walk func(context.Context) ([]string, error)) ([]string, error) {
	if err := s.checkDir(); err != nil {
		return nil, err
	}
	names, err := walk(ctx)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) {
			return nil, fmt.Errorf("%w: listing %s stopped: %w", store.ErrUnavailable, s.dir, err)
		}
		return nil, fmt.Errorf("%w: cannot list %s: %v", store.ErrUnavailable, s.dir, unwrapPath(err))
	}
	return names, nil
}

func (s *Store) path(name string) (string, error) {
	if err := store.ValidateName(name); err != nil {
		return "", err
	}
	return filepath.Join(s.dir, filepath.FromSlash(name)+".gpg"), nil
}

// Read decrypts an entry.
func (s *Store) Read(ctx context.Context, name string) ([]byte, error) {
	p, err := s.path(name)
	if err != nil {
		return nil, err
	}
	ciphertext, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		if cerr := s.checkDir(); cerr != nil {
			return nil, cerr
		}
		return nil, fmt.Errorf("%w: %s is not in the password store", store.ErrNotFound, name)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: cannot read %s: %v", store.ErrUnavailable, name, unwrapPath(err))
	}
	plain, err := s.engine.Decrypt(ctx, ciphertext)
	if err != nil {
		if errors.Is(err, pgp.ErrNoEngine) {
			return nil, fmt.Errorf("%w: %v", store.ErrUnavailable, err)
		}
		// The engine's message starts with pgp.ErrDecrypt's own words, which
		// store.ErrDecrypt says already: once is enough for the user.
		return nil, fmt.Errorf("%w: %s: %s", store.ErrDecrypt, name, strings.TrimPrefix(err.Error(), pgp.ErrDecrypt.Error()+": "))
	}
	return plain, nil
}

// Recipients returns the recipients an entry is encrypted to: the
// PASSWORD_STORE_KEY override, else the nearest .gpg-id above the entry.
func (s *Store) Recipients(name string) ([]string, error) {
	if len(s.keys) > 0 {
		return s.keys, nil
	}
	p, err := s.path(name)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(p)
	for {
		data, err := os.ReadFile(filepath.Join(dir, ".gpg-id"))
		if err == nil {
			ids := ParseGPGID(data)
			if len(ids) == 0 {
				return nil, fmt.Errorf("%w: %s lists no key", store.ErrEncrypt, filepath.Join(dir, ".gpg-id"))
			}
			return ids, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: cannot read %s: %v", store.ErrEncrypt, filepath.Join(dir, ".gpg-id"), unwrapPath(err))
		}
		if dir == s.dir || len(dir) <= len(s.dir) {
			break
		}
		dir = filepath.Dir(dir)
	}
	return nil, fmt.Errorf("%w: no .gpg-id in %s (run `pass init KEYID` first)", store.ErrEncrypt, s.dir)
}

// ParseGPGID reads a .gpg-id file as pass does: one key a line, '#' starts a
// comment, blank lines ignored.
func ParseGPGID(data []byte) []string {
	var ids []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			ids = append(ids, line)
		}
	}
	return ids
}

// Write encrypts content to the entry's recipients and replaces the entry
// atomically: temp file next to the file, fsync, rename (or link, when an
// existing entry must not be replaced). A link whose target is inside the
// store is written through, as pass does; one that leads outside is
// store.ErrForbidden. When the entry is in a git repository, the write and
// its commit run under the store's lock (see git.go); a commit that cannot
// be made does not undo the write: it is logged and added to ctx's
// store.Warnings, and uncommitted entries show in `otpfill doctor`.
func (s *Store) Write(ctx context.Context, name string, content []byte, overwrite bool) error {
	p, err := s.path(name)
	if err != nil {
		return err
	}
	if err := s.Check(ctx); err != nil {
		return err
	}
	r, err := s.resolve(name, p, true)
	if err != nil {
		return err
	}
	existed := fileExists(p)
	if existed && !overwrite {
		return fmt.Errorf("%w: %s is already in the password store", store.ErrExists, name)
	}
	recipients, err := s.Recipients(name)
	if err != nil {
		return err
	}
	ciphertext, err := s.engine.Encrypt(ctx, content, recipients)
	if err != nil {
		if errors.Is(err, pgp.ErrNoEngine) {
			return fmt.Errorf("%w: %v", store.ErrUnavailable, err)
		}
		return fmt.Errorf("%w: %s: %v", store.ErrEncrypt, name, err)
	}
	repo, unlock, err := s.lockFor(ctx, r)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", store.ErrUnavailable, name, err)
	}
	defer unlock()
	if err := writeAtomic(r.target, ciphertext, overwrite); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%w: %s is already in the password store", store.ErrExists, name)
		}
		return fmt.Errorf("%w: cannot write %s: %v", store.ErrEncrypt, name, unwrapPath(err))
	}
	verb, done := "Add", "saved"
	if existed {
		verb, done = "Update", "changed"
	}
	s.commit(ctx, name, done, fmt.Sprintf("%s OTP secret for %s to store.", verb, name), repo, r.target)
	return nil
}

// Remove deletes an entry (and commits the removal). An entry that is a
// link is removed itself, as `pass rm` does, not what it points to.
func (s *Store) Remove(ctx context.Context, name string) error {
	p, err := s.path(name)
	if err != nil {
		return err
	}
	r, err := s.resolve(name, p, false)
	if err != nil {
		return err
	}
	repo, unlock, err := s.lockFor(ctx, r)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", store.ErrUnavailable, name, err)
	}
	defer unlock()
	if err := os.Remove(r.target); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %s is not in the password store", store.ErrNotFound, name)
		}
		return fmt.Errorf("%w: cannot remove %s: %v", store.ErrEncrypt, name, unwrapPath(err))
	}
	atomicfile.SyncDir(filepath.Dir(r.target))
	s.commit(ctx, name, "removed", fmt.Sprintf("Remove %s from store.", name), repo, r.target)
	return nil
}

// lockFor finds the repository a write to r is committed in ("" for none,
// or when commits are off) and takes its store-wide lock. With git missing
// (s.gitErr) the repository is still found, so that the write is reported
// not committed.
func (s *Store) lockFor(ctx context.Context, r resolved) (repo string, unlock func(), err error) {
	if s.git == "" && s.gitErr == nil {
		return "", func() {}, nil
	}
	repo = repoOf(r.root, r.target)
	if repo == "" {
		return "", func() {}, nil
	}
	unlock, err = s.lockRepo(ctx, repo)
	return repo, unlock, err
}

// writeAtomic writes data next to path and moves it into place. Without
// overwrite it uses link(2), which fails if path appeared meanwhile. A
// failure leaves the store as it was: the temp file and the folders made for
// the entry are removed. Only a process killed between creating the temp
// file and renaming it leaves that file behind: a hidden ".NAME.gpg.tmp-N",
// which pass, pass-otp and otpfill never take for an entry (they read
// "*.gpg" and skip dot files).
func writeAtomic(path string, data []byte, overwrite bool) (err error) {
	dir := filepath.Dir(path)
	created := missingDirs(dir)
	defer func() {
		if err != nil {
			// Deepest first; Remove keeps a folder something else filled.
			for _, d := range created {
				os.Remove(d)
			}
		}
	}()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := atomicfile.WriteTemp(path, data, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if overwrite {
		if err = os.Rename(tmp, path); err != nil {
			return err
		}
	} else {
		if err = os.Link(tmp, path); err != nil {
			return err
		}
		os.Remove(tmp)
	}
	atomicfile.SyncDir(dir)
	return nil
}

// missingDirs returns dir and its parents that do not exist yet, deepest
// first.
func missingDirs(dir string) []string {
	var out []string
	for {
		if _, err := os.Lstat(dir); err == nil {
			return out
		}
		out = append(out, dir)
		parent := filepath.Dir(dir)
		if parent == dir {
			return out
		}
		dir = parent
	}
}

func fileExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// commit records a change in git the way pass does, when the entry is in a
// repository; inside a batch it only remembers the file. It runs under the
// repository's lock. A failure is logged and added to ctx's warnings, which
// say what was done to the entry: done is "saved" (a new entry), "changed"
// (an entry replaced: a save over it, an HOTP counter, an undo) or
// "removed".
func (s *Store) commit(ctx context.Context, name, done, message, repo, path string) {
	if repo == "" {
		return
	}
	rel, err := filepath.Rel(repo, path)
	if err != nil {
		return
	}
	s.mu.Lock()
	if s.batch != nil {
		s.batch[repo] = append(s.batch[repo], rel)
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	if err := s.commitPaths(ctx, repo, message, []string{rel}); err != nil {
		s.notCommitted(ctx, name+" was "+done, err)
	}
}

// notCommitted reports a write that git did not record; what names the
// entries and what was done to them ("github.com/alice was changed").
func (s *Store) notCommitted(ctx context.Context, what string, err error) {
	s.log.Warn().Err(err).Msg("git failed; the entry is written but not committed")
	store.Warn(ctx, fmt.Sprintf("%s but not committed to git (%v); commit it with `pass git add -A && pass git commit`, `otpfill doctor` lists uncommitted entries", what, err))
}

// StartBatch defers git commits until the returned func runs, which commits
// every entry written meanwhile at once with message (an import of 1,000
// entries is one commit, not 1,000), and returns the error of a commit that
// could not be made (also added to ctx's warnings).
func (s *Store) StartBatch() (end func(ctx context.Context, message string) error) {
	s.mu.Lock()
	s.batch = map[string][]string{}
	s.mu.Unlock()
	return func(ctx context.Context, message string) error {
		s.mu.Lock()
		batch := s.batch
		s.batch = nil
		s.mu.Unlock()
		var errs []error
		for repo, rels := range batch {
			err := func() error {
				unlock, err := s.lockRepo(ctx, repo)
				if err != nil {
					return err
				}
				defer unlock()
				return s.commitPaths(ctx, repo, message, rels)
			}()
			if err != nil {
				what := fmt.Sprintf("%d entries", len(rels))
				done := what + " were saved"
				if len(rels) == 1 {
					what = strings.TrimSuffix(filepath.ToSlash(rels[0]), ".gpg")
					done = what + " was saved"
				}
				s.notCommitted(ctx, done, err)
				errs = append(errs, fmt.Errorf("%s not committed to git: %w", what, err))
			}
		}
		return errors.Join(errs...)
	}
}

// unwrapPath drops the path from *fs.PathError, which the caller names itself.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
