// Package cli is otpfill's command line, and the switch into host mode when a
// browser starts the binary. Main returns an exit code; only package main
// calls os.Exit.
//
// What the CLI prints: results on stdout (a code alone on a line, one name a
// line), everything else — errors, hints, warnings — on stderr. Secrets go to
// stdout only for `export`, which the user asks for by name.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/logging"
)

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3";
// otherwise it comes from the module's build info.
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v := bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 && (v == "" || v == "(devel)") {
				v = "devel-" + s.Value[:12]
			}
		}
		if v != "" {
			return v
		}
	}
	return "devel"
}

// Env is everything the CLI takes from its process, so tests can run it in
// one process.
type Env struct {
	Args   []string // os.Args
	Getenv func(string) string
	// Environ is the environment of the programs otpfill runs (gpg, git);
	// nil means this process's own. Tests set it to match Getenv.
	Environ    []string
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
	Executable string // absolute path of this binary
	// IsTerminal reports whether stdin is a terminal (for prompts).
	IsTerminal func() bool
	// ReadPassword reads a line from the terminal without echo.
	ReadPassword func() ([]byte, error)
}

const usage = `otpfill: 2FA codes from your pass store or OS keyring, in your browser.

Usage:
  otpfill code NAME|URL          print the current code
  otpfill list [--json]          list entries (names only; nothing is decrypted)
  otpfill show NAME              print an entry's recovery codes, and what key it holds
  otpfill add NAME               save a secret (otpauth URI or base32, read from stdin)
  otpfill export NAME --uri|--qr show a secret again, to add it to another app
  otpfill export --all --format uri|aegis|google [--out FILE] [--encrypt]
                                 export every key (otpauth lines, an Aegis vault,
                                 Google Authenticator transfer QR codes)
  otpfill export --all --paper FILE.html
                                 a printable paper kit: a card, QR code and
                                 recovery codes for every key
  otpfill import FILE            import from otpauth lines, Google Authenticator,
                                 Aegis, 2FAS or andOTP exports, or a QR image
                                 (PNG, JPEG)
  otpfill backup status [--json] is every 2FA key in two stores, the same in both?
  otpfill backup sync [--to ID]  copy what is missing into the backup store
  otpfill install                register the browser host for every browser found
  otpfill uninstall              remove what install wrote
  otpfill doctor                 explain what is missing or wrong
  otpfill version                print the version

Run 'otpfill COMMAND --help' for a command's options.
Environment: PASSWORD_STORE_DIR, PASSWORD_STORE_KEY, PASSWORD_STORE_GPG_OPTS,
GNUPGHOME, OTPFILL_CONFIG, OTPFILL_LOG (trace, debug, info, warn, error, off).
`

// Main runs otpfill and returns its exit code.
func Main(env Env) int {
	args := env.Args[1:]
	if isHostMode(args) {
		return runHost(env, args)
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	case "version", "--version":
		fmt.Fprintf(env.Stdout, "otpfill %s (protocol 1)\n", version())
		return 0
	}
	log, closeLog := logging.New(env.Getenv, env.Stderr, zerolog.WarnLevel)
	defer closeLog()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c := &command{env: env, log: log, ctx: ctx}
	var err error
	switch cmd {
	case "code":
		err = c.code(rest)
	case "list":
		err = c.list(rest)
	case "show":
		err = c.show(rest)
	case "add":
		err = c.add(rest)
	case "export":
		err = c.export(rest)
	case "import":
		err = c.importFile(rest)
	case "backup":
		err = c.backup(rest)
	case "install", "uninstall", "doctor":
		return c.installCommand(cmd, rest)
	default:
		fmt.Fprintf(env.Stderr, "otpfill: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errNotCovered):
		return 1
	case errors.Is(err, errFlag):
		return 2
	case errors.Is(err, errUsage):
		fmt.Fprintf(env.Stderr, "otpfill %s: %v\n", cmd, err)
		return 2
	}
	fmt.Fprintf(env.Stderr, "otpfill %s: %v\n", cmd, err)
	return 1
}

var (
	errUsage = errors.New("usage")
	// errFlag: the flag package has already printed the problem and usage.
	errFlag = errors.New("bad flag")
)

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// isHostMode recognises how browsers start a native-messaging host: Chrome
// and its family pass the caller's origin "chrome-extension://ID/" (and on
// Windows "--parent-window=N"); Firefox passes the manifest's path and the
// add-on id.
func isHostMode(args []string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, "chrome-extension://") {
			return true
		}
	}
	if len(args) == 2 && strings.HasSuffix(strings.ToLower(args[0]), ".json") && strings.Contains(args[1], "@") {
		return true
	}
	return false
}

func runHost(env Env, args []string) int {
	log, closeLog := logging.New(env.Getenv, env.Stderr, zerolog.InfoLevel)
	defer closeLog()
	log = log.With().Str("mode", "host").Logger()
	caller := args[0]
	if len(args) == 2 && !strings.HasPrefix(args[0], "chrome-extension://") {
		caller = args[1]
	}
	log.Debug().Str("caller", caller).Msg("started by a browser")
	srv, err := newServer(env, log)
	if err != nil {
		// The browser sees the host exit; the reason is in its log and ours.
		log.Error().Err(err).Msg("cannot start")
		return 1
	}
	if err := srv.Serve(context.Background(), env.Stdin, env.Stdout); err != nil {
		log.Warn().Err(err).Msg("connection ended")
		return 1
	}
	return 0
}

// command holds what every CLI command needs.
type command struct {
	env Env
	log zerolog.Logger
	ctx context.Context
}

func (c *command) flags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("otpfill "+name, flag.ContinueOnError)
	fs.SetOutput(c.env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.env.Stderr, "Usage: otpfill %s %s\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags that may come before or after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errFlag, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
