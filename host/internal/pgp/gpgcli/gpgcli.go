// Package gpgcli is the pgp.Engine that runs the gpg binary, so that
// gpg-agent, pinentry and smartcards work exactly as they do for pass.
package gpgcli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/pgp"
	"github.com/otpfill/otpfill/host/internal/pgp/agent"
	"github.com/otpfill/otpfill/internal/paths"
)

// DefaultTimeout bounds one gpg run. Decryption may wait for the user at a
// pinentry prompt, so it is generous.
const DefaultTimeout = 60 * time.Second

// FallbackDirs are searched after PATH: browsers started from a desktop on
// macOS and some Linux sessions run with a minimal PATH that lacks gpg, and
// Gpg4win is rarely in PATH on Windows. `otpfill doctor` looks in the same
// places.
func FallbackDirs(goos string) []string {
	if goos == "windows" {
		return []string{`C:\Program Files (x86)\GnuPG\bin`, `C:\Program Files\GnuPG\bin`, `C:\Program Files (x86)\gnupg\bin`}
	}
	return []string{"/usr/local/bin", "/opt/homebrew/bin", "/usr/bin", "/opt/local/bin"}
}

var fallbackDirs = FallbackDirs(runtime.GOOS)

// Find returns the absolute path of gpg: the configured one if set, else gpg
// or gpg2 from PATH, else from the usual install locations.
func Find(configured string) (string, error) {
	if configured != "" {
		if p, err := exec.LookPath(configured); err == nil {
			return p, nil
		}
		return "", fmt.Errorf("%w: gpg not found at %q (set \"gpg\" in the otpfill config or install gnupg)", pgp.ErrNoEngine, configured)
	}
	for _, name := range []string{"gpg", "gpg2"} {
		if p, err := exec.LookPath(name); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				return abs, nil
			}
			return p, nil
		}
	}
	for _, dir := range fallbackDirs {
		for _, name := range []string{"gpg", "gpg2"} {
			if p, err := exec.LookPath(filepath.Join(dir, name)); err == nil {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%w: gpg not found in PATH or %s (install gnupg)", pgp.ErrNoEngine, strings.Join(fallbackDirs, ", "))
}

// Engine runs gpg. The zero value is not usable; use New.
type Engine struct {
	binary  string
	opts    []string // PASSWORD_STORE_GPG_OPTS, split on whitespace as pass does
	env     []string // nil: inherit
	timeout time.Duration
	log     zerolog.Logger
	// agentEngine is the agent path, tried first (nil: disabled). It is
	// embedded so that its key table is the engine's.
	*agentEngine
}

// Options configure an Engine.
type Options struct {
	Binary  string        // from Find
	Opts    string        // PASSWORD_STORE_GPG_OPTS
	Env     []string      // environment for gpg (GNUPGHOME comes through it); nil inherits
	Timeout time.Duration // 0: DefaultTimeout
	Log     zerolog.Logger
	// CacheDir, when set, lets Decrypt ask a running gpg-agent directly
	// (see agentEngine), keeping a table of public key data there. Empty
	// always runs gpg.
	CacheDir string
}

// New returns an Engine for the given gpg binary.
func New(o Options) *Engine {
	t := o.Timeout
	if t == 0 {
		t = DefaultTimeout
	}
	e := &Engine{binary: o.Binary, opts: strings.Fields(o.Opts), env: o.Env, timeout: t, log: o.Log}
	if agentEnabled(o) {
		e.agentEngine = &agentEngine{gpg: e, cacheDir: o.CacheDir}
	}
	return e
}

// Name implements pgp.Engine.
func (e *Engine) Name() string { return "gpg" }

// Available reports whether gpg can be run at all (ErrNoEngine if not).
func (e *Engine) Available() error {
	if e.binary == "" {
		return fmt.Errorf("%w: gpg not found in PATH or %s (install gnupg)", pgp.ErrNoEngine, strings.Join(fallbackDirs, ", "))
	}
	fi, err := os.Stat(e.binary)
	if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return fmt.Errorf("%w: gpg at %s cannot be run (install gnupg, or fix \"gpg\" in the otpfill config)", pgp.ErrNoEngine, e.binary)
	}
	return nil
}

// Binary is the gpg program this engine runs.
func (e *Engine) Binary() string { return e.binary }

// baseArgs mirrors pass's GPG_OPTS: the user's options first, then quiet,
// non-interactive behaviour that still lets gpg-agent ask for a passphrase.
//
// Decryption leaves out --quiet: with it, gpg keeps back the status lines
// that say why the key could not be used (NO_SECKEY, ERROR pkdecrypt_failed
// with a cancelled prompt or a missing smartcard), and every failure would
// look alike. gpg's extra messages go to the debug log only.
func (e *Engine) baseArgs(quiet bool) []string {
	args := append([]string{}, e.opts...)
	if quiet {
		args = append(args, "--quiet")
	}
	return append(args, "--yes", "--compress-algo=none", "--no-encrypt-to", "--batch", "--use-agent", "--status-fd=2")
}

// Decrypt implements pgp.Engine: through gpg-agent directly when it can
// (agentEngine), else by running gpg.
func (e *Engine) Decrypt(ctx context.Context, ciphertext []byte) ([]byte, error) {
	if e.agentEngine != nil {
		plain, err := e.agentEngine.Decrypt(ctx, ciphertext)
		if !errors.Is(err, agent.ErrUnsupported) {
			return plain, err
		}
		e.log.Debug().Err(err).Msg("running gpg: the direct gpg-agent path cannot decrypt this")
	}
	return e.decryptGPG(ctx, ciphertext)
}

// decryptGPG runs gpg --decrypt. gpg's stderr goes to the debug log only.
func (e *Engine) decryptGPG(ctx context.Context, ciphertext []byte) ([]byte, error) {
	if len(bytes.TrimSpace(ciphertext)) == 0 {
		return nil, fmt.Errorf("%w: the entry file is empty (restore it from the store's git history)", pgp.ErrDecrypt)
	}
	args := append(e.baseArgs(false), "--decrypt")
	out, status, stderr, err := e.run(ctx, args, ciphertext)
	if err != nil {
		if errors.Is(err, pgp.ErrNoEngine) {
			return nil, err
		}
		if errors.Is(err, errOutputTooLarge) {
			return nil, fmt.Errorf("%w: %s", pgp.ErrDecrypt, pgp.TooLargeMessage)
		}
		return nil, fmt.Errorf("%w: %s", pgp.ErrDecrypt, explainDecrypt(status, stderr, err))
	}
	return out, nil
}

// Encrypt implements pgp.Engine.
func (e *Engine) Encrypt(ctx context.Context, plaintext []byte, recipients []string) ([]byte, error) {
	if len(recipients) == 0 {
		return nil, fmt.Errorf("%w: no recipients (is the .gpg-id file empty?)", pgp.ErrEncrypt)
	}
	args := append(e.baseArgs(true), "--encrypt")
	for _, r := range recipients {
		args = append(args, "--recipient", r)
	}
	out, status, _, err := e.run(ctx, args, plaintext)
	if err != nil {
		if errors.Is(err, pgp.ErrNoEngine) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %s", pgp.ErrEncrypt, explainEncrypt(status, err))
	}
	return out, nil
}

// run feeds input to gpg on stdin and returns stdout, the status lines and
// gpg's other messages. Status goes to stderr (--status-fd=2), where its
// "[GNUPG:] " prefix tells it apart; an extra descriptor would not work on
// Windows.
func (e *Engine) run(ctx context.Context, args []string, input []byte) ([]byte, []string, string, error) {
	if e.binary == "" {
		return nil, nil, "", fmt.Errorf("%w: gpg not found (install gnupg)", pgp.ErrNoEngine)
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.binary, args...)
	cmd.Env = e.env
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	stdout := cappedBuffer{max: maxOutput}
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	werr := cmd.Run()
	var status []string
	var messages strings.Builder
	for _, line := range strings.Split(stderr.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "[GNUPG:] "); ok {
			status = append(status, rest)
		} else if line = strings.TrimSpace(line); line != "" {
			messages.WriteString(line)
			messages.WriteByte('\n')
		}
	}
	if messages.Len() > 0 {
		// gpg's messages name keys and files, never plaintext; still, they
		// stay in the debug log and never reach the browser.
		e.log.Debug().Str("gpg_stderr", strings.TrimSpace(messages.String())).Msg("gpg said")
	}
	var execErr *exec.Error
	if errors.As(werr, &execErr) || errors.Is(werr, os.ErrNotExist) {
		return nil, nil, "", fmt.Errorf("%w: cannot run %s: %v", pgp.ErrNoEngine, e.binary, werr)
	}
	if ctx.Err() != nil {
		return nil, status, messages.String(), &timeoutError{e.timeout}
	}
	if stdout.over {
		// gpg was stopped by its closed output, whatever it said.
		return nil, status, messages.String(), errOutputTooLarge
	}
	if werr != nil {
		return nil, status, messages.String(), werr
	}
	return stdout.Bytes(), status, "", nil
}

// maxOutput bounds what gpg may write to stdout: an entry's text (at most
// pgp.MaxPlaintext; pass entries are never near it), or its encryption,
// which adds a few hundred bytes.
const maxOutput = pgp.MaxPlaintext + 64<<10

var errOutputTooLarge = errors.New("gpg's output is over otpfill's limit")

// cappedBuffer keeps gpg's output up to max bytes. A write past it fails, so
// exec stops copying and closes the pipe, and gpg ends on its next write
// instead of inflating a compressed entry into the host's memory. It has
// only Write: a bytes.Buffer's ReadFrom would let io.Copy go around it.
type cappedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.buf.Len()+len(p) > b.max {
		b.over = true
		clear(b.buf.Bytes())
		b.buf.Reset()
		return 0, errOutputTooLarge
	}
	return b.buf.Write(p)
}

func (b *cappedBuffer) Bytes() []byte { return b.buf.Bytes() }

// explainDecrypt says why gpg could not decrypt, from its status lines:
// a damaged or truncated file, data that is not OpenPGP, no secret key, a
// cancelled or impossible passphrase prompt, a missing smartcard. Each
// gets its own words, so that a damaged file is never blamed on the user.
func explainDecrypt(status []string, stderr string, err error) string {
	var encTo, noKeys []string
	failed, sessionKey, noData := false, false, false
	agentErr := -1 // the gpg-error code of ERROR pkdecrypt_failed
	for _, s := range status {
		f := strings.Fields(s)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "ENC_TO":
			if len(f) >= 2 {
				encTo = append(encTo, f[1])
			}
		case "NO_SECKEY":
			if len(f) >= 2 {
				noKeys = append(noKeys, f[1])
			}
		case "ERROR":
			if len(f) >= 3 && f[1] == "pkdecrypt_failed" && agentErr < 0 {
				if n, perr := strconv.ParseUint(f[2], 10, 32); perr == nil {
					agentErr = int(n & 0xFFFF) // the low 16 bits are the code, the rest its source
				}
			}
		case "DECRYPTION_KEY", "DECRYPTION_INFO", "PLAINTEXT":
			// The session key was recovered: what fails after this is the
			// data itself.
			sessionKey = true
		case "DECRYPTION_FAILED":
			failed = true
		case "NODATA":
			noData = true
		}
	}
	var timeout *timeoutError
	if errors.Is(err, pgp.ErrNoEngine) || errors.As(err, &timeout) {
		return err.Error()
	}
	if reason := agentReason(agentErr); reason != "" {
		return reason
	}
	switch {
	case sessionKey && (failed || noData):
		return "the entry file is damaged or truncated: its key opened but its data does not decrypt whole (restore it from the store's git history)"
	case noData:
		return "the entry file is not OpenPGP data: it is damaged, or was not written by pass (restore it from the store's git history)"
	}
	if len(noKeys) == 0 && failed && strings.Contains(stderr, "No secret key") {
		noKeys = encTo
	}
	if len(noKeys) > 0 {
		return "no secret key for this entry (it is encrypted to " + strings.Join(noKeys, ", ") + ")"
	}
	if len(status) == 0 {
		// gpg gave up before finding a single packet it could read.
		return "the entry file is damaged: gpg cannot read it as an OpenPGP message (restore it from the store's git history)"
	}
	return fmt.Sprintf("gpg failed: %v (run with OTPFILL_LOG=debug to see gpg's messages)", err)
}

// timeoutError: gpg was still running when the engine's time was up.
type timeoutError struct{ d time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("gpg did not finish within %s (waiting for a passphrase or a smartcard?)", e.d)
}

// agentReason words the gpg-agent error codes (libgpg-error's numbering)
// gpg reports as "ERROR pkdecrypt_failed CODE"; "" for the others.
func agentReason(code int) string {
	switch code {
	case 99, 198: // GPG_ERR_CANCELED, GPG_ERR_FULLY_CANCELED
		return "the passphrase prompt was cancelled"
	case 11: // GPG_ERR_BAD_PASSPHRASE
		return "wrong passphrase (gpg-agent gave up)"
	case 85, 86, 177: // GPG_ERR_NO_PIN_ENTRY, GPG_ERR_PIN_ENTRY, GPG_ERR_NO_PASSPHRASE
		return "gpg-agent could not ask for the passphrase: no pinentry program could be started (install one, or set pinentry-program in gpg-agent.conf)"
	case 108, 109, 110, 111, 112: // GPG_ERR_CARD, _RESET, _REMOVED, INV_CARD, CARD_NOT_PRESENT
		return "the smartcard that holds the key is missing or was removed: insert it and try again"
	case 119, 120: // GPG_ERR_NO_SCDAEMON, GPG_ERR_SCDAEMON
		return "the key is on a smartcard, and gpg-agent cannot reach the smartcard daemon (scdaemon): is it installed?"
	case 62: // GPG_ERR_TIMEOUT
		return "gpg-agent timed out waiting for the passphrase or the smartcard"
	case 17: // GPG_ERR_NO_SECKEY
		return "no secret key for this entry in gpg-agent"
	}
	return ""
}

func explainEncrypt(status []string, err error) string {
	var bad []string
	for _, s := range status {
		f := strings.Fields(s)
		if len(f) >= 3 && f[0] == "INV_RECP" {
			bad = append(bad, strings.Join(f[2:], " "))
		}
		if len(f) >= 2 && f[0] == "KEY_CONSIDERED" {
			continue
		}
	}
	if len(bad) > 0 {
		return "unusable recipient " + strings.Join(bad, ", ") + " (import the key and trust it, or fix .gpg-id)"
	}
	if errors.Is(err, pgp.ErrNoEngine) {
		return err.Error()
	}
	return fmt.Sprintf("gpg failed: %v (run with OTPFILL_LOG=debug to see gpg's messages)", err)
}

// getenv reads gpg's environment.
func (e *Engine) getenv(name string) string {
	if e.env == nil {
		return os.Getenv(name)
	}
	for i := len(e.env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(e.env[i], name+"="); ok {
			return v
		}
	}
	return ""
}

// gnupgHome is the folder gpg uses, in gpg's environment.
func (e *Engine) gnupgHome() string { return paths.Of(e.getenv).GNUPGHome() }

// output runs a gpg tool (gpg, gpgconf) with gpg's environment and timeout,
// and returns its output; its messages go to the debug log.
func (e *Engine) output(ctx context.Context, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = e.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if stderr.Len() > 0 {
		e.log.Debug().Str("stderr", strings.TrimSpace(stderr.String())).Str("program", filepath.Base(name)).Msg("gpg said")
	}
	return out, err
}
