// Package lockfile takes an exclusive lock shared by every otpfill process
// of a user, so that read-modify-write cycles (HOTP counters) never
// interleave: browsers start a fresh host per sendNativeMessage request.
package lockfile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Acquire locks key (any string) under dir, waiting until ctx ends. The lock
// file is named by a hash of key, so no entry name appears on disk outside
// the store. The lock dies with the process, so a killed host never leaves
// a stale one behind.
func Acquire(ctx context.Context, dir, key string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &DirError{Dir: dir, Err: err}
	}
	sum := sha256.Sum256([]byte(key))
	f, err := os.OpenFile(filepath.Join(dir, hex.EncodeToString(sum[:12])+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, &DirError{Dir: dir, Err: err}
	}
	return wait(ctx, f)
}

// AcquireFile locks the file at path (created if missing, never removed),
// waiting until ctx ends. Like Acquire's, the lock dies with the process.
func AcquireFile(ctx context.Context, path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open lock file: %w", err)
	}
	return wait(ctx, f)
}

func wait(ctx context.Context, f *os.File) (unlock func(), err error) {
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot lock: %w", err)
		}
		if ok {
			return func() { release(f); f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("timed out waiting for another otpfill process: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// ErrUnusable is wrapped by a DirError.
var ErrUnusable = errors.New("otpfill's state folder cannot be used")

// DirError: the lock folder cannot be created or written. Its message says
// which folder and why, for the user: it is the folder the log lives in,
// so "see the log" would not help.
type DirError struct {
	Dir string
	Err error
}

func (e *DirError) Error() string {
	reason := e.Err
	var pe *os.PathError
	if errors.As(e.Err, &pe) {
		reason = fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return fmt.Sprintf("%v: %s (%v); make it a writable folder, or set XDG_STATE_HOME to one", ErrUnusable, e.Dir, reason)
}

func (e *DirError) Unwrap() []error { return []error{ErrUnusable, e.Err} }
