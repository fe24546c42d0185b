package keyring

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/otpfill/otpfill/host/internal/realkeyring"
	"github.com/otpfill/otpfill/host/internal/store"
)

const testURI = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"

func TestWriteIsReadBySecretTool(t *testing.T) {
	sess := needKeyring(t)
	ctx := t.Context()
	s := New(Options{})
	name := "github.com/alice"
	text := testURI + "\nrecovery codes:\nabcd-efgh\nijkl-mnop"
	t.Cleanup(func() { s.Remove(context.Background(), name) })

	if err := s.Write(ctx, name, []byte(text), false); err != nil {
		t.Fatalf("Write: %v", err)
	}
	got, err := sess.Run(ctx, "", "secret-tool", "lookup", "service", "otpfill", "username", name)
	if err != nil {
		t.Fatal(err)
	}
	if got != text {
		t.Errorf("secret-tool lookup returned %q, want %q", got, text)
	}
	read, err := s.Read(ctx, name)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if string(read) != text {
		t.Errorf("Read returned %q, want %q", read, text)
	}
	names, err := s.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if !slices.Contains(names, name) {
		t.Errorf("List = %q, missing %q", names, name)
	}
}

func TestListFindsItemsOtherClientsStored(t *testing.T) {
	sess := needKeyring(t)
	ctx := t.Context()
	s := New(Options{})
	// Neither another service nor an account that is not a safe name may
	// show up. These go first: secret-tool store replaces an item whose
	// attributes include the new item's, so an item with service=otpfill
	// alone, stored later, would replace one of the entries.
	for _, attrs := range [][]string{
		{"service", "not-otpfill", "username", "example.org/eve"},
		{"service", "otpfill", "username", "../escape"},
		{"service", "otpfill"},
	} {
		args := append([]string{"store", "--label=test"}, attrs...)
		if _, err := sess.Run(ctx, "x", "secret-tool", args...); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sess.Run(context.Background(), "", "secret-tool", append([]string{"clear"}, attrs...)...) })
	}

	stored := map[string]string{
		"example.org/bob":    "otpauth://totp/bob?secret=GEZDGNBVGY3TQOJQ",
		"2fa/gitlab.com/bob": "otpauth://totp/carol?secret=MFRGGZDFMZTWQ2LK",
	}
	for name, secret := range stored {
		if _, err := sess.Run(ctx, secret, "secret-tool", "store", "--label=test", "service", "otpfill", "username", name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sess.Run(context.Background(), "", "secret-tool", "clear", "service", "otpfill", "username", name)
		})
	}
	names, err := s.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	want := []string{"2fa/gitlab.com/bob", "example.org/bob"}
	if !slices.Equal(names, want) {
		t.Errorf("List = %q, want %q", names, want)
	}
	for name, secret := range stored {
		got, err := s.Read(ctx, name)
		if err != nil {
			t.Fatalf("Read(%q): %v", name, err)
		}
		if string(got) != secret {
			t.Errorf("Read(%q) = %q, want %q", name, got, secret)
		}
	}
}

func TestWriteExistingAndOverwrite(t *testing.T) {
	sess := needKeyring(t)
	ctx := t.Context()
	s := New(Options{})
	name := "gitlab.com/dave"
	t.Cleanup(func() { s.Remove(context.Background(), name) })

	if err := s.Write(ctx, name, []byte("first"), false); err != nil {
		t.Fatalf("Write: %v", err)
	}
	err := s.Write(ctx, name, []byte("second"), false)
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("Write over an existing item without overwrite: err = %v, want ErrExists", err)
	}
	if got, _ := s.Read(ctx, name); string(got) != "first" {
		t.Errorf("after refused write, Read = %q, want %q", got, "first")
	}
	if err := s.Write(ctx, name, []byte("third"), true); err != nil {
		t.Fatalf("Write with overwrite: %v", err)
	}
	if got, _ := s.Read(ctx, name); string(got) != "third" {
		t.Errorf("after overwrite, Read = %q, want %q", got, "third")
	}
	out, err := sess.Run(ctx, "", "secret-tool", "search", "--all", "service", "otpfill", "username", name)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "secret = "); n != 1 {
		t.Errorf("the keyring holds %d items for %q after overwrite, want 1:\n%s", n, name, out)
	}
}

func TestOverwriteItemOtherClientStored(t *testing.T) {
	sess := needKeyring(t)
	ctx := t.Context()
	s := New(Options{})
	name := "example.net/erin"
	t.Cleanup(func() { s.Remove(context.Background(), name) })
	if _, err := sess.Run(ctx, "old", "secret-tool", "store", "--label=test", "service", "otpfill", "username", name); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, name, []byte("new"), false); !errors.Is(err, store.ErrExists) {
		t.Fatalf("Write without overwrite: err = %v, want ErrExists", err)
	}
	if err := s.Write(ctx, name, []byte("new"), true); err != nil {
		t.Fatalf("Write with overwrite: %v", err)
	}
	got, err := sess.Run(ctx, "", "secret-tool", "lookup", "service", "otpfill", "username", name)
	if err != nil {
		t.Fatal(err)
	}
	if got != "new" {
		t.Errorf("secret-tool lookup after overwrite = %q, want %q", got, "new")
	}
	if got, _ := s.Read(ctx, name); string(got) != "new" {
		t.Errorf("Read after overwrite = %q, want %q", got, "new")
	}
}

func TestRemove(t *testing.T) {
	sess := needKeyring(t)
	ctx := t.Context()
	s := New(Options{})
	name := "bitbucket.org/frank"
	if err := s.Write(ctx, name, []byte(testURI), false); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := s.Remove(ctx, name); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if out, err := sess.Run(ctx, "", "secret-tool", "lookup", "service", "otpfill", "username", name); err == nil {
		t.Errorf("secret-tool still finds the removed item: %q", out)
	}
	if _, err := s.Read(ctx, name); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read after Remove: err = %v, want ErrNotFound", err)
	}
	if err := s.Remove(ctx, name); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second Remove: err = %v, want ErrNotFound", err)
	}
	names, err := s.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if slices.Contains(names, name) {
		t.Errorf("List still has %q after Remove", name)
	}
}

func TestCheckUnlockedKeyring(t *testing.T) {
	needKeyring(t)
	if err := New(Options{}).Check(t.Context()); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

// TestUnavailable: every way the Secret Service can be missing gives
// ErrUnavailable with words a person can act on, within a second, from every
// method, and starts nothing.
func TestUnavailable(t *testing.T) {
	if err := lookPaths("dbus-daemon"); err != nil {
		t.Skip(err)
	}
	tests := []struct {
		name  string
		setup func(t *testing.T) // sets DBUS_SESSION_BUS_ADDRESS for the test
		want  string             // in the error message
	}{
		{"bus without a Secret Service", func(t *testing.T) {
			sess := mustSession(t)
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", sess.Address)
			t.Cleanup(func() {
				// NameHasOwner, not activation: nothing may have started
				// the keyring daemon this bus could activate.
				if ok, err := sess.HasOwner(secretsName); err != nil || ok {
					t.Errorf("after the calls, %s has an owner (%v, %v): something activated a keyring", secretsName, ok, err)
				}
			})
		}, "no Secret Service on the session bus: start gnome-keyring"},
		{"bus address pointing nowhere", func(t *testing.T) {
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
		}, "cannot reach the D-Bus session bus"},
		{"no bus address", func(t *testing.T) {
			if _, err := os.Stat(filepath.Join("/run/user", strconvUID(), "bus")); err == nil {
				t.Skip("this machine has a systemd user bus, which godbus finds without an address")
			}
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
			os.Unsetenv("DBUS_SESSION_BUS_ADDRESS")
			// A dbus-launch that leaves a mark: godbus's autolaunch would
			// run it and start a stray bus.
			bin := t.TempDir()
			mark := filepath.Join(bin, "ran")
			script := "#!/bin/sh\ntouch " + mark + "\nexit 1\n"
			if err := os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			t.Cleanup(func() {
				if _, err := os.Stat(mark); err == nil {
					t.Error("dbus-launch was run: the store autolaunched a D-Bus daemon")
				}
			})
		}, "no D-Bus session bus"},
		{"autolaunch address", func(t *testing.T) {
			if _, err := os.Stat(filepath.Join("/run/user", strconvUID(), "bus")); err == nil {
				t.Skip("this machine has a systemd user bus, which godbus finds without an address")
			}
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", "autolaunch:")
		}, "no D-Bus session bus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup(t)
			s := New(Options{})
			ctx := t.Context()

			start := time.Now()
			err := s.Check(ctx)
			elapsed := time.Since(start)
			if !errors.Is(err, store.ErrUnavailable) {
				t.Fatalf("Check: err = %v, want ErrUnavailable", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check: %q does not say %q", err, tt.want)
			}
			if elapsed >= time.Second {
				t.Errorf("Check took %v, want < 1s", elapsed)
			}
			assertAllUnavailable(t, s)
		})
	}
}

// TestHungSecretService: a keyring daemon that owns the name but never
// answers (stopped) cannot hold Check past its timeout.
func TestHungSecretService(t *testing.T) {
	sess := mustSession(t)
	gk, err := sess.StartKeyring(true)
	if err != nil {
		t.Skip(err)
	}
	if err := gk.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", sess.Address)
	s := New(Options{CallTimeout: 500 * time.Millisecond})

	start := time.Now()
	err = s.Check(t.Context())
	elapsed := time.Since(start)
	if !errors.Is(err, store.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Check: err = %v, want ErrUnavailable and DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "did not answer in time") {
		t.Errorf("Check: %q does not say the keyring did not answer", err)
	}
	if elapsed >= time.Second {
		t.Errorf("Check took %v, want < 1s", elapsed)
	}
	start = time.Now()
	if _, err := s.Read(t.Context(), "example.com/x"); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Read: err = %v, want ErrUnavailable", err)
	}
	if elapsed := time.Since(start); elapsed >= time.Second {
		t.Errorf("Read took %v with a 500ms call timeout", elapsed)
	}
}

func TestLockedKeyring(t *testing.T) {
	sess := mustSession(t)
	if _, err := sess.StartKeyring(true); err != nil {
		t.Skip(err)
	}
	// Lock the login collection the way a screen locker or "secret-tool
	// lock" does: Service.Lock needs no prompt.
	c, err := sess.Conn()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err = c.Object(secretsName, secretsPath).Call(serviceIface+".Lock", 0, []dbus.ObjectPath{loginCollection}).Store(&locked, &prompt)
	if err != nil || !slices.Contains(locked, loginCollection) {
		t.Fatalf("locking the test keyring: locked %v, prompt %v, err %v", locked, prompt, err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", sess.Address)
	s := New(Options{})
	err = s.Check(t.Context())
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Check: err = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "keyring is locked: unlock it") {
		t.Errorf("Check: %q does not say the keyring is locked", err)
	}
	assertAllUnavailable(t, s)
}

// TestNoLoginKeyring: gnome-keyring started without --unlock on a fresh home
// has no login collection and no default alias; writing would need a prompt
// to create one.
func TestNoLoginKeyring(t *testing.T) {
	sess := mustSession(t)
	if _, err := sess.StartKeyring(false); err != nil {
		t.Skip(err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", sess.Address)
	s := New(Options{})
	err := s.Check(t.Context())
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Check: err = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "has no default keyring: create one") {
		t.Errorf("Check: %q does not say there is no keyring", err)
	}
	assertAllUnavailable(t, s)
}

// assertAllUnavailable checks that every method fails with ErrUnavailable
// without reaching go-keyring: had it, go-keyring's shared connection to the
// main test keyring would have answered.
func assertAllUnavailable(t *testing.T, s *Store) {
	t.Helper()
	ctx := t.Context()
	name := "example.com/unavailable"
	if _, err := s.List(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("List: err = %v, want ErrUnavailable", err)
	}
	if _, err := s.Read(ctx, name); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Read: err = %v, want ErrUnavailable", err)
	}
	if err := s.Write(ctx, name, []byte(testURI), true); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Write: err = %v, want ErrUnavailable", err)
	}
	if err := s.Remove(ctx, name); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Remove: err = %v, want ErrUnavailable", err)
	}
}

func mustSession(t *testing.T) *session {
	t.Helper()
	sess, err := realkeyring.Start()
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(sess.Close)
	return sess
}

func strconvUID() string { return strconv.Itoa(os.Getuid()) }

// Figures for the integrator: the cost of a keyring read (a D-Bus check plus
// go-keyring's search, session and GetSecret) and of Check alone.
func BenchmarkRead(b *testing.B) {
	needKeyring(b)
	s := New(Options{})
	name := "bench.example/read"
	if err := s.Write(b.Context(), name, []byte(testURI), true); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Remove(context.Background(), name) })
	for b.Loop() {
		if _, err := s.Read(b.Context(), name); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	needKeyring(b)
	s := New(Options{})
	for b.Loop() {
		if err := s.Check(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}
