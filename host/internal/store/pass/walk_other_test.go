//go:build !linux

package pass_test

import (
	"context"
	"testing"

	"github.com/otpfill/otpfill/host/internal/store/pass"
)

func addPlatformListers(map[string]func(*pass.Store, context.Context) ([]string, error)) {}

func addPlatformOddities(*testing.T, string) {}
