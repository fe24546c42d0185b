package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/protocol"
)

// Recovery-codes-only entries: a site whose 2FA is by SMS (or whose key is
// kept elsewhere) still shows recovery codes. save_recovery with "create"
// keeps them in a new entry of their own, in the recovery-codes block every
// entry uses and with no otpauth line; `code` on such an entry is
// recovery_only (there is no code to give, never a guess), and a later
// `save` of the site's key adds its otpauth line to the entry, keeping the
// codes (saveOne: an entry without a key is appended to, not `exists`).

// typeRecovery is the entry-type index's (and match's) type of an entry of
// recovery codes only: match says it, and a client never asks its code.
const typeRecovery = otp.Type(protocol.EntryTypeRecovery)

// noKeyError says why an entry gives no code: recovery codes only (its own
// protocol code, recovery_only), or no OTP data at all (not_found).
func noKeyError(name string, err error) error {
	if errors.Is(err, entry.ErrRecoveryOnly) {
		return &recoveryOnlyError{name}
	}
	return fmt.Errorf("%s: %w", name, err)
}

// recoveryOnlyError is entry.ErrRecoveryOnly (so recovery_only), in words
// that say what to do.
type recoveryOnlyError struct{ name string }

func (e *recoveryOnlyError) Error() string {
	return fmt.Sprintf("%s keeps recovery codes only, no 2FA key: there is no code to fill "+
		"(`otpfill show %s` prints the recovery codes; saving the site's 2FA key adds it to this entry)", e.name, e.name)
}

func (e *recoveryOnlyError) Unwrap() error { return entry.ErrRecoveryOnly }

// createOnly refuses save_recovery's "create" for a name that exists: the
// user meant a new entry, and the codes of the one there must not be
// replaced without the confirmation that replacing asks for.
func createOnly(storeID, name string) error {
	return fmt.Errorf("%w: %s already exists in %s: choose another name for these recovery codes", store.ErrExists, name, storeID)
}

// ReadRecovery decrypts an entry for `otpfill show` and the exports: its key
// (nil for an entry of recovery codes only), its recovery codes, and the
// store it was read from. An entry with neither wraps entry.ErrNoOTP.
func (s *Server) ReadRecovery(ctx context.Context, name, storeID string) (*otp.Key, []string, string, error) {
	content, st, err := s.readEntry(ctx, name, storeID)
	if err != nil {
		return nil, nil, "", err
	}
	defer clear(content)
	key, err := entry.Parse(content)
	switch {
	case errors.Is(err, entry.ErrRecoveryOnly):
		return nil, entry.RecoveryCodes(content), st.ID(), nil
	case err != nil:
		return nil, nil, "", fmt.Errorf("%s: %w", name, err)
	}
	return key, entry.RecoveryCodes(content), st.ID(), nil
}
