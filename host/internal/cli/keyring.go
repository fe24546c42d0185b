package cli

import (
	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/host/internal/store/keyring"
	"github.com/otpfill/otpfill/internal/config"
)

// newKeyringStore does not touch the keyring: only requests that need it do.
func newKeyringStore(sc config.Store, log zerolog.Logger) store.Store {
	return keyring.New(keyring.Options{ID: sc.ID})
}
