package keyring_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/host/internal/store/keyring"
)

func Example() {
	ctx := context.Background()
	s := keyring.New(keyring.Options{}) // service "otpfill"; nothing is touched yet
	if err := s.Check(ctx); err != nil {
		// For example: "store unavailable: keyring is locked: unlock it
		// (e.g. log in to your desktop session) and retry".
		fmt.Println(err)
		return
	}
	err := s.Write(ctx, "github.com/alice", []byte("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP\n"), false)
	if errors.Is(err, store.ErrExists) {
		fmt.Println("already saved; pass overwrite to replace it")
	}
}
