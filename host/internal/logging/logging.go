// Package logging sets up otpfill's zerolog logger: a file in the XDG state
// folder plus stderr (browsers forward a host's stderr to their own logs).
// stdout is never touched: in host mode it is the protocol channel.
//
// Policy: log actions, entry names, store ids and error reasons; never a
// secret, an otpauth URI, a code or decrypted content. Secret-bearing types
// (otp.Secret) render as REDACTED so an accident cannot leak one.
package logging

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/internal/paths"
)

// EnvLevel names the variable that sets the level: trace, debug, info, warn,
// error or off. trace also logs each protocol request's action and id.
const EnvLevel = "OTPFILL_LOG"

// maxFileSize bounds the log: a file found larger than this when a process
// starts is moved to otpfill.log.1 (replacing the previous one) and a new
// one begun, and one process never writes more than this to it. So the log
// takes at most about twice maxFileSize per running process.
const maxFileSize = 4 << 20

// StateDir returns $XDG_STATE_HOME/otpfill, or ~/.local/state/otpfill.
func StateDir(getenv func(string) string) string { return paths.Of(getenv).StateDir() }

// New returns a logger writing to stderr and, if it can be opened, to
// StateDir/otpfill.log, plus a func to close the file. defaultLevel applies
// when OTPFILL_LOG is unset.
func New(getenv func(string) string, stderr io.Writer, defaultLevel zerolog.Level) (zerolog.Logger, func()) {
	level := defaultLevel
	if v := strings.TrimSpace(getenv(EnvLevel)); v != "" {
		if v == "off" {
			level = zerolog.Disabled
		} else if l, err := zerolog.ParseLevel(strings.ToLower(v)); err == nil {
			level = l
		}
	}
	writers := []io.Writer{zerolog.ConsoleWriter{Out: stderr, NoColor: true, TimeFormat: "15:04:05"}}
	closer := func() {}
	dir := StateDir(getenv)
	if f, err := openLog(dir); err == nil {
		writers = append(writers, &capped{w: f, left: maxFileSize})
		closer = func() { f.Close() }
	} else if level != zerolog.Disabled {
		// The log usually says where to look; here it cannot, so say why.
		fmt.Fprintf(stderr, "otpfill: cannot write the log file in %s (%v); logging to stderr only. Fix the folder or set XDG_STATE_HOME.\n", dir, err)
	}
	log := zerolog.New(zerolog.MultiLevelWriter(writers...)).Level(level).With().Timestamp().Int("pid", os.Getpid()).Logger()
	return log, closer
}

// openLog opens DIR/otpfill.log for appending, first moving it to
// otpfill.log.1 if it has grown past maxFileSize.
func openLog(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, "otpfill.log")
	if fi, err := os.Stat(p); err == nil && fi.Size() > maxFileSize {
		// Another process may rotate at the same time: either rename wins
		// and both then append to a fresh file.
		_ = os.Rename(p, p+".1")
	}
	return os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
}

// capped passes writes on until left bytes have been written, then drops
// them, after one line saying so: a long-lived host cannot fill a disk.
type capped struct {
	mu   sync.Mutex // goroutines log at once (hello checks stores in parallel)
	w    io.Writer
	left int
	done bool
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return len(p), nil
	}
	if len(p) > c.left {
		c.done = true
		_, _ = io.WriteString(c.w, `{"level":"warn","message":"log limit reached: this process writes no more to this file"}`+"\n")
		return len(p), nil
	}
	c.left -= len(p)
	return c.w.Write(p)
}
