package keyring

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/store"
)

// Invalid names are refused before the keyring is touched, on every OS.
func TestInvalidName(t *testing.T) {
	s := New(Options{})
	ctx := t.Context()
	for _, name := range []string{"", "/etc/passwd", "../x", "a//b", ".otpfill-index", "a\x00b", "a\\b", "x/.git"} {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Read(ctx, name); !errors.Is(err, store.ErrInvalidName) {
				t.Errorf("Read: err = %v, want ErrInvalidName", err)
			}
			if err := s.Write(ctx, name, []byte("x"), true); !errors.Is(err, store.ErrInvalidName) {
				t.Errorf("Write: err = %v, want ErrInvalidName", err)
			}
			if err := s.Remove(ctx, name); !errors.Is(err, store.ErrInvalidName) {
				t.Errorf("Remove: err = %v, want ErrInvalidName", err)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	s := New(Options{})
	if s.ID() != "keyring" || s.Kind() != store.KindKeyring || s.service != "otpfill" {
		t.Errorf("New(Options{}) = id %q, kind %q, service %q; want keyring, keyring, otpfill", s.ID(), s.Kind(), s.service)
	}
	if s.checkTimeout >= time.Second {
		t.Errorf("default Check timeout %v: hello must report an absent keyring within 1s", s.checkTimeout)
	}
}

// call returns when its context ends even if the keyring call never does.
func TestCallTimeout(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := call(ctx, func() (string, error) { <-block; return "late", nil })
	if !errors.Is(err, errTimeout) || !errors.Is(err, store.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrUnavailable, errTimeout and DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "unlock") {
		t.Errorf("%q does not tell the user what to do", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("call returned after %v, its context ended after 20ms", d)
	}
}
