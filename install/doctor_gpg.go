package install

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/otpfill/otpfill/host/config"
	"github.com/otpfill/otpfill/host/pgp/gpgcli"
	"github.com/otpfill/otpfill/host/store/pass"
)

// checkGPGAndStore checks gpg, gpg-agent and the pass store. gpg problems
// are failures only when there is a pass store to read.
func (v *env) checkGPGAndStore() []check {
	var out []check
	store := v.Getenv("PASSWORD_STORE_DIR")
	if store == "" {
		store = v.join(v.home, ".password-store")
	}
	haveStore := isDir(store)
	serious := statusWarn
	if haveStore {
		serious = statusFail
	}

	// The otpfill config may name gpg, or give a store the native engine:
	// what the host will run is what is checked.
	cfg, cfgErr := config.Load(config.Env{Getenv: v.Getenv})
	if cfgErr != nil {
		out = append(out, check{statusFail, "config", cfgErr.Error(), "fix or delete the file"})
		cfg = &config.Config{}
	}
	dirs := gpgcli.FallbackDirs(v.GOOS)
	var gpg string
	badConfig := false
	if cfg.GPG != "" {
		gpg = v.configuredGPG(cfg.GPG)
		badConfig = gpg == ""
	} else {
		gpg = v.lookPath("gpg", dirs...)
	}
	if badConfig {
		out = append(out, check{serious, "gpg", fmt.Sprintf("the otpfill config (%s) names gpg %q, which cannot be run, so no entry can be decrypted", v.tildify(config.Path(config.Env{Getenv: v.Getenv})), cfg.GPG),
			"fix \"gpg\" in the otpfill config, or install GnuPG there"})
	} else if gpg == "" {
		msg := "gpg not found (looked in PATH and " + strings.Join(dirs, ", ") + ")"
		if !haveStore {
			msg += "; it is needed only for a pass store"
		}
		out = append(out, check{serious, "gpg", msg, installGPGHint(v.GOOS)})
	} else {
		stdout, _, err := v.run(programTimeout, gpg, "--version")
		if err != nil {
			out = append(out, check{serious, "gpg", fmt.Sprintf("%s does not run: %v", gpg, err), "reinstall GnuPG"})
			gpg = ""
		} else {
			out = append(out, check{statusOK, "gpg", fmt.Sprintf("%s (%s)", gpg, firstLine(stdout)), ""})
			out = append(out, v.checkAgent(gpg, serious))
			if v.GOOS != "windows" {
				out = append(out, v.checkPinentry(gpg))
			}
		}
	}

	passNative := false
	for _, sc := range cfg.ResolvedStores(config.Env{Getenv: v.Getenv}) {
		passNative = passNative || (sc.ID == "pass" && sc.Engine == config.EngineNative)
	}
	out = append(out, v.checkStore(store, haveStore, gpg, passNative)...)
	out = append(out, v.checkNativeKeys(cfg)...)
	if haveStore {
		out = append(out, v.checkGit(store)...)
	}
	return out
}

// configuredGPG returns the gpg the config names if it can be run: a path
// to an executable file, or a name found in PATH; else "".
func (v *env) configuredGPG(name string) string {
	if !strings.ContainsAny(name, `/\`) {
		return v.lookPath(name)
	}
	fi, err := os.Stat(name)
	if err != nil || fi.IsDir() || (v.GOOS != "windows" && fi.Mode()&0o111 == 0) {
		return ""
	}
	return name
}

// checkNativeKeys: a store with the native engine needs its exported key
// files readable, or it cannot decrypt anything (the host reports such a
// store as not ok, and so does doctor).
func (v *env) checkNativeKeys(cfg *config.Config) []check {
	var out []check
	for _, sc := range cfg.ResolvedStores(config.Env{Getenv: v.Getenv}) {
		if sc.Kind != config.KindPass || sc.Engine != config.EngineNative {
			continue
		}
		if len(sc.SecretKeys) == 0 {
			out = append(out, check{statusFail, "store " + sc.ID, "the native engine has no \"secret_keys\" file", "export yours with `gpg --export-secret-keys --armor KEYID > FILE` and list FILE in the otpfill config"})
			continue
		}
		for _, f := range append(slices.Clone(sc.SecretKeys), sc.PublicKeys...) {
			fh, err := os.Open(f)
			if err == nil {
				fh.Close()
				continue
			}
			out = append(out, check{statusFail, "store " + sc.ID, fmt.Sprintf("the native engine's key file %s cannot be read (%v), so the store cannot be decrypted", v.tildify(f), unwrapPathErr(err)),
				"export the key again, or fix the path in the otpfill config"})
		}
	}
	return out
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func installGPGHint(goos string) string {
	switch goos {
	case "darwin":
		return "install GnuPG (`brew install gnupg pinentry-mac`)"
	case "windows":
		return "install Gpg4win (https://gpg4win.org)"
	}
	return "install GnuPG (`sudo apt install gnupg`, or your distribution's gnupg package)"
}

// gnupgHome is the folder gpg and gpg-agent use.
func (v *env) gnupgHome() string {
	if d := v.Getenv("GNUPGHOME"); d != "" {
		return d
	}
	if v.GOOS == "windows" {
		if d := v.Getenv("APPDATA"); d != "" {
			return v.join(d, "gnupg")
		}
	}
	return v.join(v.home, ".gnupg")
}

// checkAgent asks gpg-agent to answer, starting it if needed: decrypting
// an entry goes through it.
func (v *env) checkAgent(gpg string, serious status) check {
	if home := v.gnupgHome(); !isDir(home) {
		return check{serious, "gpg-agent", "there is no GnuPG home at " + v.tildify(home) + ", so gpg-agent cannot start and there are no keys",
			"create your key with `gpg --full-generate-key` (or set GNUPGHOME to the folder that has your keys)"}
	}
	dir := filepath.Dir(gpg)
	gpgconf := v.sibling(dir, "gpgconf")
	connect := v.sibling(dir, "gpg-connect-agent")
	if connect == "" {
		return check{serious, "gpg-agent", "gpg-connect-agent not found next to " + gpg, "reinstall GnuPG"}
	}
	socket := ""
	if gpgconf != "" {
		if out, _, err := v.run(programTimeout, gpgconf, "--list-dirs", "agent-socket"); err == nil {
			socket = firstLine(out)
		}
	}
	_, stderr, err := v.run(programTimeout, connect, "/bye")
	if err != nil {
		msg := "gpg-agent does not answer"
		if s := agentComplaint(stderr); s != "" {
			msg += ": " + s
		} else {
			msg += ": " + err.Error()
		}
		return check{serious, "gpg-agent", msg, "run `gpgconf --launch gpg-agent` and read its error (a socket path that is too long, or a full disk, are usual causes)"}
	}
	msg := "answers"
	if socket != "" {
		msg += " on " + v.tildify(socket)
	}
	return check{statusOK, "gpg-agent", msg, ""}
}

// agentComplaint keeps what gpg-connect-agent said about the failure,
// without its progress chatter.
func agentComplaint(stderr string) string {
	var keep []string
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "gpg-connect-agent:"))
		if l == "" || strings.Contains(l, "starting '") || strings.HasPrefix(l, "waiting for") {
			continue
		}
		keep = append(keep, l)
	}
	s := strings.Join(keep, "; ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

// checkPinentry warns when gpg-agent would ask for a passphrase with a
// terminal pinentry: a browser starts otpfill without a terminal, so the
// prompt fails ("Inappropriate ioctl for device") instead of showing.
func (v *env) checkPinentry(gpg string) check {
	program := ""
	if data, err := os.ReadFile(v.join(v.gnupgHome(), "gpg-agent.conf")); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) >= 2 && f[0] == "pinentry-program" {
				program = strings.Join(f[1:], " ")
			}
		}
	}
	if program == "" {
		program = v.sibling(filepath.Dir(gpg), "pinentry")
	}
	if program == "" {
		return check{statusWarn, "pinentry", "no pinentry program found, so gpg cannot ask for your key's passphrase",
			"install a graphical one (pinentry-gnome3, pinentry-qt, or pinentry-mac on macOS)"}
	}
	real := program
	if r, err := filepath.EvalSymlinks(program); err == nil {
		real = r
	}
	base := filepath.Base(real)
	if base == "pinentry-curses" || base == "pinentry-tty" {
		return check{statusWarn, "pinentry", fmt.Sprintf("%s is %s, which needs a terminal; when a browser starts otpfill there is none, so a passphrase prompt will fail", program, base),
			"install a graphical pinentry (pinentry-gnome3, pinentry-qt, pinentry-mac) and set `pinentry-program` to it in " + v.tildify(v.join(v.gnupgHome(), "gpg-agent.conf")) + ", then run `gpgconf --kill gpg-agent`"}
	}
	shown := program
	if real != program {
		shown += " → " + real
	}
	return check{statusOK, "pinentry", shown, ""}
}

// sibling finds a GnuPG tool next to gpg, else in PATH.
func (v *env) sibling(dir, name string) string {
	p := v.join(dir, name)
	if v.GOOS == "windows" {
		p += ".exe"
	}
	if ok, _ := v.isExecutable(p); ok {
		return p
	}
	return v.lookPath(name)
}

func (v *env) checkStore(store string, haveStore bool, gpg string, native bool) []check {
	shown := v.tildify(store)
	if !haveStore {
		return []check{{statusWarn, "pass store", "no pass store at " + shown,
			"create one with `pass init YOUR-GPG-KEY-ID` (or set PASSWORD_STORE_DIR to yours), or keep codes in the keyring (`otpfill add NAME --store keyring`)"}}
	}
	idFile := v.join(store, ".gpg-id")
	data, err := os.ReadFile(idFile)
	if os.IsNotExist(err) {
		return []check{{statusFail, "pass store", shown + " has no .gpg-id, so nothing can be encrypted to it", "run `pass init YOUR-GPG-KEY-ID`"}}
	}
	if err != nil {
		return []check{{statusFail, "pass store", fmt.Sprintf("cannot read %s: %v", v.tildify(idFile), err), "check its permissions"}}
	}
	ids := pass.ParseGPGID(data)
	if len(ids) == 0 {
		return []check{{statusFail, "pass store", v.tildify(idFile) + " names no key", "run `pass init YOUR-GPG-KEY-ID`"}}
	}
	out := []check{{statusOK, "pass store", fmt.Sprintf("%s, encrypted to %d key%s", shown, len(ids), plural(len(ids))), ""}}
	if gpg == "" {
		if !native {
			// The store is there but its engine cannot run: nothing in it
			// can be decrypted, which hello reports too.
			out[0] = check{statusFail, "pass store", fmt.Sprintf("%s, encrypted to %d key%s, but gpg cannot run (see above), so nothing in it can be decrypted", shown, len(ids), plural(len(ids))), "install GnuPG, or fix \"gpg\" in the otpfill config"}
		}
		return out
	}
	// Saving needs every recipient's public key; reading needs the secret
	// key of at least one.
	var noPublic []string
	secret := false
	for _, id := range ids {
		if _, _, err := v.run(programTimeout, gpg, "--batch", "--with-colons", "--list-keys", "--", id); err != nil {
			noPublic = append(noPublic, id)
		}
		if !secret {
			if _, _, err := v.run(programTimeout, gpg, "--batch", "--with-colons", "--list-secret-keys", "--", id); err == nil {
				secret = true
			}
		}
	}
	if len(noPublic) > 0 {
		out = append(out, check{statusWarn, "pass store", fmt.Sprintf("gpg does not know the key%s %s named in %s, so saving new codes will fail", plural(len(noPublic)), strings.Join(noPublic, ", "), v.tildify(idFile)),
			"import the public key (`gpg --import FILE`), or fix .gpg-id with `pass init`"})
	}
	if !secret {
		out = append(out, check{statusFail, "pass store", fmt.Sprintf("none of the keys in %s has its secret key in your GnuPG keyring, so otpfill cannot decrypt the store", v.tildify(idFile)),
			"import your secret key (`gpg --import`), or set GNUPGHOME to the keyring that has it"})
	}
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}

// run runs a program with a timeout and the environment of v (so a
// throwaway HOME or GNUPGHOME applies), and returns its output.
func (v *env) run(timeout time.Duration, name string, args ...string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = v.childEnv()
	cmd.Stdin = nil
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// gpg-connect-agent may start gpg-agent, which could keep our pipes
	// open; do not wait for it beyond the deadline.
	cmd.WaitDelay = timeout
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("no answer within %s", timeout)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && stderr.Len() > 0 {
		err = fmt.Errorf("%s", firstLine(stderr.String()))
	}
	return stdout.String(), stderr.String(), err
}

// childEnv is the process environment with the variables that decide where
// GnuPG and pass look replaced by what Env says.
func (v *env) childEnv() []string {
	override := []string{"HOME", "PATH", "GNUPGHOME", "PASSWORD_STORE_DIR", "XDG_RUNTIME_DIR"}
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		skip := false
		for _, o := range override {
			if k == o {
				skip = true
			}
		}
		if !skip {
			out = append(out, kv)
		}
	}
	for _, k := range override {
		if val := v.Getenv(k); val != "" {
			out = append(out, k+"="+val)
		}
	}
	return out
}
