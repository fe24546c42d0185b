package realkeyring

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// Password unlocks the test keyring. It is fed to gnome-keyring-daemon on
// stdin, never in argv.
const Password = "otpfill-test-keyring"

// Secret Service names the helpers wait for.
const (
	SecretsName     = "org.freedesktop.secrets"
	SecretsPath     = dbus.ObjectPath("/org/freedesktop/secrets")
	ServiceIface    = "org.freedesktop.Secret.Service"
	LoginCollection = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
)

// Session is one private bus, maybe with a keyring daemon on it.
type Session struct {
	// Dir holds the throwaway HOME and XDG_RUNTIME_DIR.
	Dir string
	// Env is for child processes (secret-tool, the keyring daemon): the
	// caller's environment with a throwaway HOME and XDG folders, no display,
	// and this bus.
	Env []string
	// Address is the bus's DBUS_SESSION_BUS_ADDRESS.
	Address string
	procs   []*exec.Cmd
}

// LookPaths reports the first program that is not installed, in words that
// say how to install it.
func LookPaths(names ...string) error {
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			return fmt.Errorf("%s is not installed (Debian: apt install dbus gnome-keyring libsecret-tools)", n)
		}
	}
	return nil
}

// Start starts a bare dbus-daemon with a throwaway home: a session bus on
// which no Secret Service runs until StartKeyring.
func Start() (*Session, error) {
	if err := LookPaths("dbus-daemon"); err != nil {
		return nil, err
	}
	// Under /tmp with a short name: the bus and keyring sockets live here.
	dir, err := os.MkdirTemp("/tmp", "kr")
	if err != nil {
		return nil, err
	}
	s := &Session{Dir: dir}
	home, run := filepath.Join(dir, "home"), filepath.Join(dir, "run")
	for _, d := range []string{home, run} {
		if err := os.Mkdir(d, 0o700); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.Env = append(os.Environ(),
		"HOME="+home,
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_RUNTIME_DIR="+run,
		"DISPLAY=", "WAYLAND_DISPLAY=", // no prompt can reach a real screen
	)
	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1")
	bus.Env = s.Env
	bus.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := bus.StdoutPipe()
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := bus.Start(); err != nil {
		s.Close()
		return nil, fmt.Errorf("starting dbus-daemon: %w", err)
	}
	s.procs = append(s.procs, bus)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("reading dbus-daemon's address: %w", err)
	}
	s.Address = strings.TrimSpace(line)
	s.Env = append(s.Env, "DBUS_SESSION_BUS_ADDRESS="+s.Address)
	return s, nil
}

// StartKeyring starts gnome-keyring-daemon's Secret Service on the bus,
// feeding Password on stdin when unlock is set, and waits until it owns
// org.freedesktop.secrets and, with unlock, until its login keyring exists
// and is unlocked: before that, a client storing an item could find no
// default keyring.
func (s *Session) StartKeyring(unlock bool) (*exec.Cmd, error) {
	if err := LookPaths("gnome-keyring-daemon"); err != nil {
		return nil, err
	}
	args := []string{"--foreground", "--components=secrets"}
	if unlock {
		args = append(args, "--unlock")
	}
	gk := exec.Command("gnome-keyring-daemon", args...)
	gk.Env = s.Env
	gk.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if unlock {
		gk.Stdin = strings.NewReader(Password)
	}
	if err := gk.Start(); err != nil {
		return nil, fmt.Errorf("starting gnome-keyring-daemon: %w", err)
	}
	s.procs = append(s.procs, gk)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok, _ := s.ready(unlock); ok {
			return gk, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, fmt.Errorf("gnome-keyring-daemon did not get ready on the test bus within 10s")
}

// ready: the daemon owns the name and, if wanted, the login keyring is
// there and unlocked.
func (s *Session) ready(unlocked bool) (bool, error) {
	ok, err := s.HasOwner(SecretsName)
	if !ok || err != nil || !unlocked {
		return ok, err
	}
	c, err := s.Conn()
	if err != nil {
		return false, err
	}
	defer c.Close()
	var colls dbus.Variant
	err = c.Object(SecretsName, SecretsPath).Call("org.freedesktop.DBus.Properties.Get", dbus.FlagNoAutoStart, ServiceIface, "Collections").Store(&colls)
	if err != nil {
		return false, err
	}
	paths, _ := colls.Value().([]dbus.ObjectPath)
	if !slices.Contains(paths, LoginCollection) {
		return false, nil
	}
	var locked dbus.Variant
	err = c.Object(SecretsName, LoginCollection).Call("org.freedesktop.DBus.Properties.Get", dbus.FlagNoAutoStart, "org.freedesktop.Secret.Collection", "Locked").Store(&locked)
	if err != nil {
		return false, err
	}
	l, _ := locked.Value().(bool)
	return !l, nil
}

// Conn opens a connection to this session's bus; the caller closes it.
func (s *Session) Conn() (*dbus.Conn, error) {
	return dbus.Connect(s.Address)
}

// HasOwner asks the bus whether a name is owned, without activating it.
func (s *Session) HasOwner(name string) (bool, error) {
	c, err := s.Conn()
	if err != nil {
		return false, err
	}
	defer c.Close()
	var ok bool
	err = c.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&ok)
	return ok, err
}

// Run runs a command (secret-tool) against this session and returns its
// stdout; the error carries stderr.
func (s *Session) Run(ctx context.Context, stdin string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = s.Env
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// Close kills exactly the processes this session started, by PID, and
// removes its folder.
func (s *Session) Close() {
	for i := len(s.procs) - 1; i >= 0; i-- {
		p := s.procs[i]
		_ = p.Process.Signal(syscall.SIGCONT) // a test may have stopped it
		_ = p.Process.Kill()
		_ = p.Wait()
	}
	s.procs = nil
	_ = os.RemoveAll(s.Dir)
}

// New starts a session for t, with an unlocked gnome-keyring when keyring
// is set, closed when t ends. A missing program skips t, or fails it in CI,
// where everything is installed.
func New(t testing.TB, keyring bool) *Session {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a real D-Bus session; not under -short")
	}
	progs := []string{"dbus-daemon"}
	if keyring {
		progs = append(progs, "gnome-keyring-daemon", "secret-tool")
	}
	if err := LookPaths(progs...); err != nil {
		skipOrFail(t, err)
	}
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if keyring {
		if _, err := s.StartKeyring(true); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("required in CI: %v", err)
	}
	t.Skip(err)
}
