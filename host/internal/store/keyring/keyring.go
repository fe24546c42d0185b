// Package keyring is the OS keyring store: each entry is one keyring item
// (service "otpfill", account = entry name, secret = the entry text), kept by
// the Secret Service on Linux, the Keychain on macOS and the Credential
// Manager on Windows, through github.com/zalando/go-keyring.
//
// The keyring is touched only when a method is called, never by New, and
// every call is bounded by a timeout: go-keyring blocks (on D-Bus, on
// /usr/bin/security, on an unlock prompt), so each call runs in its own
// goroutine and the method returns when its context ends. A call abandoned
// that way keeps running in the background until the keyring answers; in
// particular a Write that timed out may still land later.
//
// On Linux every method first checks the Secret Service itself over a private
// D-Bus connection (bus present, org.freedesktop.secrets owned, default
// collection unlocked), so that an absent or locked keyring is reported at
// once, in words a person can act on, and so that nothing ever starts a
// daemon: no dbus-launch autolaunch and no D-Bus activation of a keyring.
//
// Listing differs per OS. Linux searches the Secret Service for items with
// the attribute service=otpfill, so items other clients wrote (secret-tool,
// Python keyring) show up too. Windows enumerates the credentials named
// "otpfill:*". macOS cannot enumerate without a password prompt, so the store
// keeps an index item (account ".otpfill-index", never a valid entry name)
// updated on Write and Remove; there, items written by other programs are
// readable by name but not listed.
package keyring

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/otpfill/otpfill/host/internal/store"
)

// DefaultService is the keyring service every entry is stored under.
const DefaultService = "otpfill"

// Default timeouts. Check answers the host's hello, which must report an
// absent keyring within a second; reads and writes may wait a little longer
// for a busy keyring daemon.
const (
	DefaultCheckTimeout = 900 * time.Millisecond
	DefaultCallTimeout  = 5 * time.Second
)

// Options configure a Store. The zero value is usable.
type Options struct {
	// ID names the store in protocol responses; default "keyring".
	ID string
	// Service is the keyring service; default DefaultService. Only tests
	// should need another one.
	Service string
	// CheckTimeout bounds Check; CallTimeout bounds List, Read, Write and
	// Remove. Zero means the default. The caller's context can shorten them.
	CheckTimeout time.Duration
	CallTimeout  time.Duration
}

// Store is the OS keyring store. It implements store.Writer.
type Store struct {
	id           string
	service      string
	checkTimeout time.Duration
	callTimeout  time.Duration
}

var _ store.Writer = (*Store)(nil)

// New returns a Store. It does not touch the keyring.
func New(opts Options) *Store {
	s := &Store{
		id:           opts.ID,
		service:      opts.Service,
		checkTimeout: opts.CheckTimeout,
		callTimeout:  opts.CallTimeout,
	}
	if s.id == "" {
		s.id = store.KindKeyring
	}
	if s.service == "" {
		s.service = DefaultService
	}
	if s.checkTimeout <= 0 {
		s.checkTimeout = DefaultCheckTimeout
	}
	if s.callTimeout <= 0 {
		s.callTimeout = DefaultCallTimeout
	}
	return s
}

func (s *Store) ID() string   { return s.id }
func (s *Store) Kind() string { return store.KindKeyring }

// Check reports whether the keyring can be used now. The error wraps
// store.ErrUnavailable and says what to do (start a Secret Service, unlock
// the keyring).
func (s *Store) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.checkTimeout)
	defer cancel()
	return s.check(ctx)
}

// List returns the names of every entry under the service, sorted. Items
// whose account is not a valid entry name are skipped.
func (s *Store) List(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	names, err := s.list(ctx)
	if err != nil {
		return nil, err
	}
	valid := names[:0]
	for _, n := range names {
		if store.ValidateName(n) == nil {
			valid = append(valid, n)
		}
	}
	slices.Sort(valid)
	return slices.Compact(valid), nil
}

// Read returns the stored text of an entry.
func (s *Store) Read(ctx context.Context, name string) ([]byte, error) {
	if err := store.ValidateName(name); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	secret, err := s.get(ctx, name)
	if err != nil {
		return nil, err
	}
	return []byte(secret), nil
}

// Write stores content as the entry's secret. Without overwrite an existing
// item yields store.ErrExists. The existence check and the write are two
// keyring calls, so two writers racing on one new name can both succeed;
// the keyring then keeps the last.
func (s *Store) Write(ctx context.Context, name string, content []byte, overwrite bool) error {
	if err := store.ValidateName(name); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		return err
	}
	if !overwrite {
		_, err := s.get(ctx, name)
		switch {
		case err == nil:
			return fmt.Errorf("keyring item %s/%s: %w", s.service, name, store.ErrExists)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	err := call0(ctx, func() error { return gokeyring.Set(s.service, name, string(content)) })
	if err != nil {
		switch {
		case errors.Is(err, store.ErrUnavailable):
			return err
		case errors.Is(err, gokeyring.ErrSetDataTooBig):
			return fmt.Errorf("%w: the entry is %d bytes, too large for this keyring", store.ErrEncrypt, len(content))
		}
		return fmt.Errorf("%w: the keyring refused to store the entry: %v", store.ErrEncrypt, err)
	}
	if err := s.written(ctx, name); err != nil {
		return fmt.Errorf("%w: the entry was stored but the keyring's index could not be updated: %v", store.ErrEncrypt, err)
	}
	return nil
}

// Remove deletes an entry. If several items match (another client stored a
// second one under the same service and account), all of them go.
func (s *Store) Remove(ctx context.Context, name string) error {
	if err := store.ValidateName(name); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		return err
	}
	removed := false
	// Bounded: go-keyring deletes one matching item per call.
	for range 16 {
		err := call0(ctx, func() error { return gokeyring.Delete(s.service, name) })
		if errors.Is(err, gokeyring.ErrNotFound) {
			break
		}
		if err != nil {
			return keyringError(err)
		}
		removed = true
	}
	// Even if nothing was found, a stale index line (macOS) must go.
	if err := s.removed(ctx, name); err != nil {
		return keyringError(err)
	}
	if !removed {
		return fmt.Errorf("keyring item %s/%s: %w", s.service, name, store.ErrNotFound)
	}
	return nil
}

// get reads one item through go-keyring, bounded by ctx.
func (s *Store) get(ctx context.Context, name string) (string, error) {
	secret, err := call(ctx, func() (string, error) { return gokeyring.Get(s.service, name) })
	if errors.Is(err, gokeyring.ErrNotFound) {
		return "", fmt.Errorf("keyring item %s/%s: %w", s.service, name, store.ErrNotFound)
	}
	if err != nil {
		return "", keyringError(err)
	}
	return secret, nil
}

// errTimeout marks a keyring call abandoned because its context ended.
var errTimeout = errors.New("the keyring did not answer in time")

// call runs f in a goroutine and returns its result, or an error wrapping
// store.ErrUnavailable, errTimeout and the context's error as soon as ctx
// ends. go-keyring has no context of its
// own; an abandoned f finishes in the background and its result is dropped.
func call[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned f must not block forever
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("%w: %w (%w): it may be waiting for an unlock prompt; unlock the keyring and retry",
			store.ErrUnavailable, errTimeout, ctx.Err())
	}
}

func call0(ctx context.Context, f func() error) error {
	_, err := call(ctx, func() (struct{}, error) { return struct{}{}, f() })
	return err
}

// keyringError turns an error from go-keyring or the OS into one wrapping
// store.ErrUnavailable. Neither carries secret material: go-keyring's errors
// are D-Bus error names, exit statuses or Windows error codes.
func keyringError(err error) error {
	if errors.Is(err, store.ErrUnavailable) || errors.Is(err, store.ErrNotFound) {
		return err
	}
	return unavailable(err)
}

func unavailable(err error) error {
	return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
}
