package keyring

// The tests run against a private D-Bus session with a real
// gnome-keyring-daemon (host/internal/realkeyring), so that the user's own
// keyring is never touched.

import (
	"os"
	"testing"

	"github.com/otpfill/otpfill/host/internal/realkeyring"
)

type session = realkeyring.Session

func lookPaths(names ...string) error { return realkeyring.LookPaths(names...) }

// mainSession is the unlocked keyring most tests use; nil when dbus-daemon
// or gnome-keyring-daemon is missing (mainSkip says why).
var (
	mainSession *session
	mainSkip    string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	s, err := realkeyring.Start()
	if err == nil {
		_, err = s.StartKeyring(true)
		if err != nil {
			s.Close()
		}
	}
	if err != nil {
		mainSkip = err.Error()
	} else {
		mainSession = s
		defer s.Close()
		// go-keyring and this package reach the bus through the environment,
		// like the host does inside a desktop session.
		os.Setenv("DBUS_SESSION_BUS_ADDRESS", s.Address)
	}
	return m.Run()
}

func needKeyring(t testing.TB) *session {
	t.Helper()
	if mainSession == nil {
		t.Skip("no private gnome-keyring: " + mainSkip)
	}
	if err := lookPaths("secret-tool"); err != nil {
		t.Skip(err)
	}
	return mainSession
}
