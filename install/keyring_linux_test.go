//go:build linux

package install

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// TestProbeKeyringRealSecretService runs the keyring check against a
// private session bus: first with no Secret Service on it, then with a
// real gnome-keyring, unlocked and then locked.
func TestProbeKeyringRealSecretService(t *testing.T) {
	for _, p := range []string{"dbus-daemon", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("%s is not installed", p)
		}
	}
	dir, err := os.MkdirTemp("/tmp", "k")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	home := filepath.Join(dir, "home")
	runtime := filepath.Join(dir, "run")
	for _, d := range []string{home, runtime} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// No service folders: nothing is started on demand, so "no Secret
	// Service" can be observed before gnome-keyring is started by hand.
	busAddr := "unix:path=" + filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>`+busAddr+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600); err != nil {
		t.Fatal(err)
	}
	bus := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile")
	if err := bus.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Process.Kill(); bus.Wait() })

	vars := map[string]string{"HOME": home, "DBUS_SESSION_BUS_ADDRESS": busAddr, "XDG_RUNTIME_DIR": runtime}
	v, err := newEnv(Env{Getenv: func(k string) string { return vars[k] }, Executable: "/bin/sh", GOOS: "linux"})
	if err != nil {
		t.Fatal(err)
	}
	probe := func() check {
		ctx, cancel := context.WithTimeout(context.Background(), keyringTimeout)
		defer cancel()
		return v.probeKeyring(ctx)
	}
	// Wait for the bus to listen.
	var c check
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c = probe(); !strings.Contains(c.Message, "cannot connect") {
			break
		}
	}
	if c.Status != statusWarn || !strings.Contains(c.Message, "no Secret Service keyring is running") {
		t.Fatalf("without a keyring: %v", c)
	}

	keyring := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	keyring.Env = append(os.Environ(), "HOME="+home, "DBUS_SESSION_BUS_ADDRESS="+busAddr, "XDG_RUNTIME_DIR="+runtime)
	keyring.Stdin = strings.NewReader("throwaway password")
	if err := keyring.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keyring.Process.Kill(); keyring.Wait() })
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if c = probe(); c.Status == statusOK {
			break
		}
	}
	if c.Status != statusOK || !strings.Contains(c.Message, "unlocked") {
		t.Fatalf("with an unlocked keyring: %v", c)
	}

	conn, err := dbus.Connect(busAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var locked []dbus.ObjectPath
	call := conn.Object(secretsName, secretsPath).Call(secretsInterface+".Lock", 0, []dbus.ObjectPath{loginCollection})
	if err := call.Store(&locked, new(dbus.ObjectPath)); err != nil {
		t.Fatalf("locking the keyring: %v", err)
	}
	if c = probe(); c.Status != statusWarn || !strings.Contains(c.Message, "locked") {
		t.Errorf("with a locked keyring: %v", c)
	}
}
