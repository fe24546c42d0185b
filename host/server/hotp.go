package server

import (
	"context"
	"fmt"

	"github.com/otpfill/otpfill/host/entry"
	"github.com/otpfill/otpfill/host/otp"
	"github.com/otpfill/otpfill/host/store"
)

// nextHOTP gives the code for counter+1 and writes the counter back, as
// pass-otp does, under a lock so that concurrent requests never reuse one.
func (s *Server) nextHOTP(ctx context.Context, st store.Store, name string, saved *undoStep) (string, error) {
	w, ok := st.(store.Writer)
	if !ok {
		return "", fmt.Errorf("%w: store %s is read-only, so its HOTP counters cannot advance", errForbidden, st.ID())
	}
	unlock, err := s.lock(st.ID(), name)
	if err != nil {
		return "", err
	}
	defer func() { unlock() }()
	// Read again under the lock: another process may have advanced it.
	content, err := w.Read(ctx, name)
	if err != nil {
		return "", err
	}
	defer clear(content)
	key, err := entry.Parse(content)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if key.Type != otp.HOTP {
		return "", fmt.Errorf("%s: %w: the entry changed while being read", name, otp.ErrInvalidURI)
	}
	next, err := key.NextCounter()
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	key.Counter = next
	code, err := key.HOTP(key.Counter)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	updated := entry.SetURI(content, key.URI())
	defer clear(updated)
	if err := w.Write(ctx, name, updated, true); err != nil {
		return "", fmt.Errorf("cannot advance the HOTP counter of %s: %w", name, err)
	}
	if saved != nil && saved.w.ID() == w.ID() && saved.name == name {
		saved.stamp, saved.stampErr = s.stamp(ctx, w, name)
	}
	unlock()
	unlock = func() {}
	s.advanceBackup(ctx, st.ID(), name, key)
	return code, nil
}
