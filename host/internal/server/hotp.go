package server

import (
	"context"
	"fmt"

	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
)

// nextHOTP gives the code for counter+1 and writes the counter back, as
// pass-otp does, under a lock so that concurrent requests never reuse one.
func (s *Server) nextHOTP(ctx context.Context, st store.Store, name string, saved *undoStep) (string, error) {
	w, ok := st.(store.Writer)
	if !ok {
		return "", fmt.Errorf("%w: store %s is read-only, so its HOTP counters cannot advance", errForbidden, st.ID())
	}
	var code string
	var key *otp.Key
	// Read again under the lock: another process may have advanced it.
	step, err := s.modify(ctx, w, name, change{
		mustExist: true,
		edit: func(content []byte, _ bool) ([]byte, bool, error) {
			var err error
			key, err = entry.Parse(content)
			if err != nil {
				return nil, false, fmt.Errorf("%s: %w", name, err)
			}
			if key.Type != otp.HOTP {
				return nil, false, fmt.Errorf("%s: %w: the entry changed while being read", name, otp.ErrInvalidURI)
			}
			next, err := key.NextCounter()
			if err != nil {
				return nil, false, fmt.Errorf("%s: %w", name, err)
			}
			key.Counter = next
			if code, err = key.HOTP(key.Counter); err != nil {
				return nil, false, fmt.Errorf("%s: %w", name, err)
			}
			return entry.SetURI(content, key.URI()), false, nil
		},
		after: func(*undoStep) {
			if saved != nil && saved.w.ID() == w.ID() && saved.name == name {
				s.stampNow(ctx, saved)
			}
			// Still under the lock: the file is the one this write left.
			s.noteType(w.ID(), name, otp.HOTP, s.entryStamp(w.ID(), name))
		},
	})
	clear(step.prev)
	if err != nil {
		if code != "" {
			// The edit was made: its write failed.
			return "", fmt.Errorf("cannot advance the HOTP counter of %s: %w", name, err)
		}
		return "", err
	}
	s.advanceBackup(ctx, st.ID(), name, key)
	return code, nil
}
