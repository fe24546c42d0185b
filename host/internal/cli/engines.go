package cli

import (
	"bytes"
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/pgp"
	"github.com/otpfill/otpfill/host/internal/pgp/native"
	"github.com/otpfill/otpfill/host/internal/store/keyring"
	"github.com/otpfill/otpfill/internal/config"
)

// PassphraseService is the keyring service holding the passphrases of the
// native engine's secret keys, one item per key fingerprint. It is separate
// from "otpfill" so that passphrases never show up as entries.
const PassphraseService = "otpfill-pgp"

// newNativeEngine builds the Go OpenPGP engine from exported key files.
func newNativeEngine(sc config.Store, env Env, log zerolog.Logger) (pgp.Engine, error) {
	if len(sc.SecretKeys) == 0 {
		return nil, fmt.Errorf("store %s: the native engine needs \"secret_keys\" (export yours with `gpg --export-secret-keys --armor KEYID > FILE`)", sc.ID)
	}
	opts := native.Options{SecretKeyFiles: sc.SecretKeys, PublicKeyring: sc.PublicKeys}
	if sc.PassphraseFromKeyring {
		kr := keyring.New(keyring.Options{ID: "pgp-passphrases", Service: PassphraseService})
		opts.Passphrase = func(ctx context.Context, fingerprint string) ([]byte, error) {
			pw, err := kr.Read(ctx, fingerprint)
			if err != nil {
				return nil, fmt.Errorf("no passphrase for key %s in the keyring (store it with `secret-tool store --label=otpfill service %s username %s`): %w", fingerprint, PassphraseService, fingerprint, err)
			}
			return bytes.TrimRight(pw, "\r\n"), nil
		}
	}
	e, err := native.New(opts)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", sc.ID, err)
	}
	return e, nil
}
