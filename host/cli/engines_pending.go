package cli

import (
	"fmt"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/config"
	"github.com/otpfill/otpfill/host/pgp"
	"github.com/otpfill/otpfill/host/store"
)

// Until the keyring store and the native engine land, configs naming them
// get a clear error.
func newNativeEngine(sc config.Store, env Env, log zerolog.Logger) (pgp.Engine, error) {
	return nil, fmt.Errorf("store %s: the native engine is not available in this build", sc.ID)
}

func newKeyringStore(sc config.Store, log zerolog.Logger) store.Store { return nil }
