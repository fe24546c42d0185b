// Package logging sets up otpfill's zerolog logger: a file in the XDG state
// folder plus stderr (browsers forward a host's stderr to their own logs).
// stdout is never touched: in host mode it is the protocol channel.
//
// Policy: log actions, entry names, store ids and error reasons; never a
// secret, an otpauth URI, a code or decrypted content. Secret-bearing types
// (otp.Secret) render as REDACTED so an accident cannot leak one.
package logging

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rs/zerolog"
)

// EnvLevel names the variable that sets the level: trace, debug, info, warn,
// error or off. trace also logs each protocol request's action and id.
const EnvLevel = "OTPFILL_LOG"

// maxFileSize: the log file is started afresh when it grows past this, so it
// never fills a disk.
const maxFileSize = 4 << 20

// StateDir returns $XDG_STATE_HOME/otpfill, or ~/.local/state/otpfill.
func StateDir(getenv func(string) string) string {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "otpfill")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".local", "state", "otpfill")
}

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
	if err := os.MkdirAll(dir, 0o700); err == nil {
		p := filepath.Join(dir, "otpfill.log")
		flags := os.O_CREATE | os.O_WRONLY | os.O_APPEND
		if fi, err := os.Stat(p); err == nil && fi.Size() > maxFileSize {
			flags |= os.O_TRUNC
		}
		if f, err := os.OpenFile(p, flags, 0o600); err == nil {
			writers = append(writers, f)
			closer = func() { f.Close() }
		}
	}
	log := zerolog.New(zerolog.MultiLevelWriter(writers...)).Level(level).With().Timestamp().Int("pid", os.Getpid()).Logger()
	return log, closer
}
