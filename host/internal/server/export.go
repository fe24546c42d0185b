package server

import (
	"context"
	"fmt"

	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/otp"
)

// ReadEntry decrypts an entry, for export and the paper kit: its key, its
// recovery codes, and the store it was read from (the first that has it,
// when storeID is empty). An entry without OTP data wraps entry.ErrNoOTP.
func (s *Server) ReadEntry(ctx context.Context, name, storeID string) (*otp.Key, []string, string, error) {
	content, st, err := s.readEntry(ctx, name, storeID)
	if err != nil {
		return nil, nil, "", err
	}
	defer clear(content)
	key, err := entry.Parse(content)
	if err != nil {
		return nil, nil, "", fmt.Errorf("%s: %w", name, err)
	}
	return key, entry.RecoveryCodes(content), st.ID(), nil
}
