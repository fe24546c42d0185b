//go:build !linux

package install

import (
	"context"
	"errors"
	"fmt"

	"github.com/zalando/go-keyring"
)

// probeKeyring looks up an entry that never exists: "not found" proves the
// OS keyring (macOS Keychain, Windows Credential Manager) answers.
func (v *env) probeKeyring(ctx context.Context) check {
	const subject = "keyring"
	done := make(chan error, 1)
	go func() {
		_, err := keyring.Get("otpfill", "otpfill doctor probe (never stored)")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || errors.Is(err, keyring.ErrNotFound) {
			return check{statusOK, subject, "the system keyring answers", ""}
		}
		return check{statusWarn, subject, fmt.Sprintf("the system keyring answered with an error: %v", err), "or keep codes in the pass store"}
	case <-ctx.Done():
		return check{statusWarn, subject, fmt.Sprintf("the system keyring did not answer within %s (it may be waiting for you to unlock it)", keyringTimeout), "unlock it, or keep codes in the pass store"}
	}
}
