package cli

import (
	"fmt"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/config"
	"github.com/otpfill/otpfill/host/pgp"
)

// Until the native engine lands, configs naming it get a clear error.
func newNativeEngine(sc config.Store, env Env, log zerolog.Logger) (pgp.Engine, error) {
	return nil, fmt.Errorf("store %s: the native engine is not available in this build", sc.ID)
}
