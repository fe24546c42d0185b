package doctor

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/otpfill/otpfill/host/internal/pgp/gpgcli"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/host/internal/store/pass"
	"github.com/otpfill/otpfill/install"
	"github.com/otpfill/otpfill/internal/config"
	"github.com/otpfill/otpfill/internal/run"
)

func ok(subject, msg string) install.Check {
	return install.Check{Status: install.StatusOK, Subject: subject, Message: msg}
}

func bad(status install.Status, subject, msg, fix string) install.Check {
	return install.Check{Status: status, Subject: subject, Message: msg, Fix: fix}
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func (h *Host) run(name string, args ...string) (string, string, error) {
	return run.Program(programTimeout, h.Env, name, args...)
}

// checkGPG checks the gpg the gpg engine runs, and the gpg-agent and
// pinentry it uses. Problems are failures when a store in use needs gpg.
func (h *Host) checkGPG() []install.Check {
	serious := install.StatusWarn
	if h.needsGPG() {
		serious = install.StatusFail
	}
	configured := ""
	if h.Config != nil {
		configured = h.Config.GPG
	}
	switch {
	case h.GPGErr != nil && configured != "":
		return []install.Check{bad(serious, "gpg", fmt.Sprintf("the otpfill config (%s) names gpg %q, which cannot be run, so no entry can be decrypted", h.tildify(h.ConfigFile), configured),
			"fix \"gpg\" in the otpfill config, or install GnuPG there")}
	case h.GPGErr != nil:
		msg := "gpg not found (looked in PATH and " + strings.Join(gpgcli.FallbackDirs(h.GOOS), ", ") + ")"
		if serious != install.StatusFail {
			msg += "; it is needed only for a pass store"
		}
		return []install.Check{bad(serious, "gpg", msg, installGPGHint(h.GOOS))}
	}
	stdout, _, err := h.run(h.GPG, "--version")
	if err != nil {
		return []install.Check{bad(serious, "gpg", fmt.Sprintf("%s does not run: %v", h.GPG, err), "reinstall GnuPG")}
	}
	out := []install.Check{ok("gpg", fmt.Sprintf("%s (%s)", h.GPG, run.FirstLine(stdout))), h.checkAgent(serious)}
	if h.GOOS != "windows" {
		out = append(out, h.checkPinentry(h.GPG))
	}
	return out
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

// checkAgent asks gpg-agent to answer, starting it if needed: decrypting
// an entry goes through it.
func (h *Host) checkAgent(serious install.Status) install.Check {
	if home := h.Paths.GNUPGHome(); !isDir(home) {
		return bad(serious, "gpg-agent", "there is no GnuPG home at "+h.tildify(home)+", so gpg-agent cannot start and there are no keys",
			"create your key with `gpg --full-generate-key` (or set GNUPGHOME to the folder that has your keys)")
	}
	dir := filepath.Dir(h.GPG)
	gpgconf := h.sibling(dir, "gpgconf")
	connect := h.sibling(dir, "gpg-connect-agent")
	if connect == "" {
		return bad(serious, "gpg-agent", "gpg-connect-agent not found next to "+h.GPG, "reinstall GnuPG")
	}
	socket := ""
	if gpgconf != "" {
		if out, _, err := h.run(gpgconf, "--list-dirs", "agent-socket"); err == nil {
			socket = run.FirstLine(out)
		}
	}
	_, stderr, err := h.run(connect, "/bye")
	if err != nil {
		msg := "gpg-agent does not answer"
		if s := agentComplaint(stderr); s != "" {
			msg += ": " + s
		} else {
			msg += ": " + err.Error()
		}
		return bad(serious, "gpg-agent", msg, "run `gpgconf --launch gpg-agent` and read its error (a socket path that is too long, or a full disk, are usual causes)")
	}
	msg := "answers"
	if socket != "" {
		msg += " on " + h.tildify(socket)
	}
	return ok("gpg-agent", msg)
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
func (h *Host) checkPinentry(gpg string) install.Check {
	conf := h.Paths.Join(h.Paths.GNUPGHome(), "gpg-agent.conf")
	program := ""
	if data, err := os.ReadFile(conf); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) >= 2 && f[0] == "pinentry-program" {
				program = strings.Join(f[1:], " ")
			}
		}
	}
	if program == "" {
		program = h.sibling(filepath.Dir(gpg), "pinentry")
	}
	if program == "" {
		return bad(install.StatusWarn, "pinentry", "no pinentry program found, so gpg cannot ask for your key's passphrase",
			"install a graphical one (pinentry-gnome3, pinentry-qt, or pinentry-mac on macOS)")
	}
	real := program
	if r, err := filepath.EvalSymlinks(program); err == nil {
		real = r
	}
	base := filepath.Base(real)
	if base == "pinentry-curses" || base == "pinentry-tty" {
		return bad(install.StatusWarn, "pinentry", fmt.Sprintf("%s is %s, which needs a terminal; when a browser starts otpfill there is none, so a passphrase prompt will fail", program, base),
			"install a graphical pinentry (pinentry-gnome3, pinentry-qt, pinentry-mac) and set `pinentry-program` to it in "+h.tildify(conf)+", then run `gpgconf --kill gpg-agent`")
	}
	shown := program
	if real != program {
		shown += " → " + real
	}
	return ok("pinentry", shown)
}

// sibling finds a GnuPG tool next to gpg, else in PATH.
func (h *Host) sibling(dir, name string) string {
	p := filepath.Join(dir, name)
	if h.GOOS == "windows" {
		p += ".exe"
	}
	if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && (h.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0) {
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return ""
}

// checkPassStore checks a pass store as the host opened it: its Check (the
// folder is there, its engine can run: gpg found, the native engine's key
// files read), then its .gpg-id and, for the gpg engine, that gpg has the
// keys it names.
func (h *Host) checkPassStore(ctx context.Context, sc config.Store, st store.Store) []install.Check {
	subj := subject(sc)
	shown := h.tildify(sc.Path)
	if _, err := os.Stat(sc.Path); errors.Is(err, fs.ErrNotExist) {
		if sc.Optional {
			if h.otherPassStore(sc.ID) {
				return nil // another pass store is in use: the default one is not missed
			}
			return []install.Check{bad(install.StatusWarn, subj, "no pass store at "+shown,
				"create one with `pass init YOUR-GPG-KEY-ID` (or set PASSWORD_STORE_DIR to yours, or configure a store in the otpfill config), or keep codes in the keyring (`otpfill add NAME --store keyring`)")}
		}
		return []install.Check{bad(install.StatusFail, subj, "the otpfill config names the pass store "+shown+", which does not exist",
			"fix its \"path\" in the otpfill config, or create it with `PASSWORD_STORE_DIR="+sc.Path+" pass init YOUR-GPG-KEY-ID`")}
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	if err := st.Check(ctx); err != nil {
		fix := "install GnuPG, or fix \"gpg\" in the otpfill config"
		if sc.Engine == config.EngineNative {
			fix = "export the key again (`gpg --export-secret-keys --armor KEYID > FILE`), or fix the key files in the otpfill config"
		}
		return []install.Check{bad(install.StatusFail, subj, fmt.Sprintf("%s cannot be read: %s", shown, reason(err)), fix)}
	}
	idFile := filepath.Join(sc.Path, ".gpg-id")
	data, err := os.ReadFile(idFile)
	if errors.Is(err, fs.ErrNotExist) {
		return []install.Check{bad(install.StatusFail, subj, shown+" has no .gpg-id, so nothing can be encrypted to it", "run `pass init YOUR-GPG-KEY-ID`")}
	}
	if err != nil {
		return []install.Check{bad(install.StatusFail, subj, fmt.Sprintf("cannot read %s: %v", h.tildify(idFile), err), "check its permissions")}
	}
	ids := pass.ParseGPGID(data)
	if len(ids) == 0 {
		return []install.Check{bad(install.StatusFail, subj, h.tildify(idFile)+" names no key", "run `pass init YOUR-GPG-KEY-ID`")}
	}
	out := []install.Check{ok(subj, fmt.Sprintf("%s, encrypted to %d key%s (%s engine)", shown, len(ids), plural(len(ids)), sc.Engine))}
	if sc.Engine != config.EngineGPG {
		return out
	}
	// Saving needs every recipient's public key; reading needs the secret
	// key of at least one.
	var noPublic []string
	secret := false
	for _, id := range ids {
		if _, _, err := h.run(h.GPG, "--batch", "--with-colons", "--list-keys", "--", id); err != nil {
			noPublic = append(noPublic, id)
		}
		if !secret {
			if _, _, err := h.run(h.GPG, "--batch", "--with-colons", "--list-secret-keys", "--", id); err == nil {
				secret = true
			}
		}
	}
	if len(noPublic) > 0 {
		out = append(out, bad(install.StatusWarn, subj, fmt.Sprintf("gpg does not know the key%s %s named in %s, so saving new codes will fail", plural(len(noPublic)), strings.Join(noPublic, ", "), h.tildify(idFile)),
			"import the public key (`gpg --import FILE`), or fix .gpg-id with `pass init`"))
	}
	if !secret {
		out = append(out, bad(install.StatusFail, subj, fmt.Sprintf("none of the keys in %s has its secret key in your GnuPG keyring, so otpfill cannot decrypt the store", h.tildify(idFile)),
			"import your secret key (`gpg --import`), or set GNUPGHOME to the keyring that has it"))
	}
	return out
}

// otherPassStore reports whether a pass store other than id is in use.
func (h *Host) otherPassStore(id string) bool {
	for _, sc := range h.Specs {
		if sc.ID != id && sc.Kind == config.KindPass {
			return true
		}
	}
	return false
}
