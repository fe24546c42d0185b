//go:build linux

package doctor

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/otpfill/otpfill/host/internal/realkeyring"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/host/internal/store/keyring"
	"github.com/otpfill/otpfill/install"
	"github.com/otpfill/otpfill/internal/config"
)

// TestKeyringRealSecretService checks the keyring store, opened as the host
// opens it, on a private session bus: first with no Secret Service on it,
// then with a real gnome-keyring, unlocked and then locked. The default
// keyring's problems are warnings; a configured keyring's are failures.
func TestKeyringRealSecretService(t *testing.T) {
	s := realkeyring.New(t, false)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", s.Address)
	spec := config.Store{ID: "keyring", Kind: config.KindKeyring, Optional: true}
	h := &Host{
		Specs:  []config.Store{spec},
		Stores: map[string]store.Store{"keyring": keyring.New(keyring.Options{ID: "keyring"})},
		GPGErr: errors.New("no gpg in this test"),
	}
	line := func() install.Check {
		t.Helper()
		for _, c := range h.Checks(context.Background()) {
			if c.Subject == "store keyring" {
				return c
			}
		}
		t.Fatal("no store keyring line")
		return install.Check{}
	}
	if c := line(); c.Status != install.StatusWarn || !strings.Contains(c.Message, "no Secret Service") {
		t.Fatalf("without a keyring: %+v", c)
	}
	h.Specs[0].Optional = false
	if c := line(); c.Status != install.StatusFail {
		t.Errorf("a configured keyring without a Secret Service: %+v", c)
	}
	h.Specs[0].Optional = true

	if _, err := s.StartKeyring(true); err != nil {
		t.Fatal(err)
	}
	if c := line(); c.Status != install.StatusOK || !strings.Contains(c.Message, "unlocked") {
		t.Fatalf("with an unlocked keyring: %+v", c)
	}

	conn, err := s.Conn()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var locked []dbus.ObjectPath
	call := conn.Object(realkeyring.SecretsName, realkeyring.SecretsPath).Call(realkeyring.ServiceIface+".Lock", 0, []dbus.ObjectPath{realkeyring.LoginCollection})
	if err := call.Store(&locked, new(dbus.ObjectPath)); err != nil {
		t.Fatalf("locking the keyring: %v", err)
	}
	if c := line(); c.Status != install.StatusWarn || !strings.Contains(c.Message, "locked") {
		t.Errorf("with a locked keyring: %+v", c)
	}
}
