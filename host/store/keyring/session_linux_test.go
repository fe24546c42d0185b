package keyring

// A private D-Bus session with a real gnome-keyring-daemon, started by the
// tests so that the user's own keyring is never touched: throwaway HOME,
// XDG_DATA_HOME and XDG_RUNTIME_DIR, and only the PIDs started here are
// killed.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

const testKeyringPassword = "otpfill-test-keyring"

// session is one private bus, maybe with a keyring daemon on it.
type session struct {
	dir     string
	env     []string // for child processes: throwaway HOME and XDG dirs, the bus
	address string
	procs   []*exec.Cmd
}

func lookPaths(names ...string) error {
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			return fmt.Errorf("%s is not installed (Debian: apt install dbus gnome-keyring libsecret-tools)", n)
		}
	}
	return nil
}

// newSession starts a bare dbus-daemon with a throwaway home.
func newSession() (*session, error) {
	if err := lookPaths("dbus-daemon"); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("/tmp", "kr")
	if err != nil {
		return nil, err
	}
	s := &session{dir: dir}
	home, run := filepath.Join(dir, "home"), filepath.Join(dir, "run")
	for _, d := range []string{home, run} {
		if err := os.Mkdir(d, 0o700); err != nil {
			s.close()
			return nil, err
		}
	}
	s.env = append(os.Environ(),
		"HOME="+home,
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_RUNTIME_DIR="+run,
		"DISPLAY=", "WAYLAND_DISPLAY=", // no prompt can reach a real screen
	)
	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1")
	bus.Env = s.env
	bus.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := bus.StdoutPipe()
	if err != nil {
		s.close()
		return nil, err
	}
	if err := bus.Start(); err != nil {
		s.close()
		return nil, fmt.Errorf("starting dbus-daemon: %w", err)
	}
	s.procs = append(s.procs, bus)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		s.close()
		return nil, fmt.Errorf("reading dbus-daemon's address: %w", err)
	}
	s.address = strings.TrimSpace(line)
	s.env = append(s.env, "DBUS_SESSION_BUS_ADDRESS="+s.address)
	return s, nil
}

// startKeyring starts gnome-keyring-daemon's Secret Service on the bus,
// feeding the login password on stdin when unlock is set (never in argv),
// and waits until it owns org.freedesktop.secrets.
func (s *session) startKeyring(unlock bool) (*exec.Cmd, error) {
	if err := lookPaths("gnome-keyring-daemon"); err != nil {
		return nil, err
	}
	args := []string{"--foreground", "--components=secrets"}
	if unlock {
		args = append(args, "--unlock")
	}
	gk := exec.Command("gnome-keyring-daemon", args...)
	gk.Env = s.env
	gk.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if unlock {
		gk.Stdin = strings.NewReader(testKeyringPassword)
	}
	if err := gk.Start(); err != nil {
		return nil, fmt.Errorf("starting gnome-keyring-daemon: %w", err)
	}
	s.procs = append(s.procs, gk)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok, _ := s.hasOwner(secretsName); ok {
			return gk, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, fmt.Errorf("gnome-keyring-daemon did not take %s within 10s", secretsName)
}

// conn opens a test connection to this session's bus.
func (s *session) conn() (*dbus.Conn, error) {
	return dbus.Connect(s.address)
}

func (s *session) hasOwner(name string) (bool, error) {
	c, err := s.conn()
	if err != nil {
		return false, err
	}
	defer c.Close()
	var ok bool
	err = c.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&ok)
	return ok, err
}

// run runs a command (secret-tool) against this session.
func (s *session) run(ctx context.Context, stdin string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = s.env
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// close kills exactly the processes this session started and removes its
// directory.
func (s *session) close() {
	for i := len(s.procs) - 1; i >= 0; i-- {
		p := s.procs[i]
		_ = p.Process.Signal(syscall.SIGCONT) // a test may have stopped it
		_ = p.Process.Kill()
		_ = p.Wait()
	}
	s.procs = nil
	_ = os.RemoveAll(s.dir)
}

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
	s, err := newSession()
	if err == nil {
		_, err = s.startKeyring(true)
		if err != nil {
			s.close()
		}
	}
	if err != nil {
		mainSkip = err.Error()
	} else {
		mainSession = s
		defer s.close()
		// go-keyring and this package reach the bus through the environment,
		// like the host does inside a desktop session.
		os.Setenv("DBUS_SESSION_BUS_ADDRESS", s.address)
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
