// Package doctor is the host's part of `otpfill doctor`: it checks what the
// host itself would use, built by the CLI from the same config loading the
// host does (config.json's stores and their paths, a configured gpg, the
// native engine's key files, the keyring), with the host's own code: each
// store is asked Check as hello asks it, gpg is the one gpgcli.Find returns.
// install runs these checks next to its own (browsers, manifests, clock,
// git) and prints the report.
package doctor

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/install"
	"github.com/otpfill/otpfill/internal/config"
	"github.com/otpfill/otpfill/internal/paths"
)

// storeTimeout bounds each store's Check: a locked or wedged keyring must
// not hang doctor.
const storeTimeout = 2 * time.Second

// programTimeout bounds each gpg call.
const programTimeout = 5 * time.Second

// Host is what the host would run with, as the CLI sets it up.
type Host struct {
	// ConfigFile is where the config was read from, for messages.
	ConfigFile string
	// Config is the loaded config; ConfigErr why it could not be loaded (the
	// checks then go on with the defaults).
	Config    *config.Config
	ConfigErr error
	// Specs are the stores in use (config.ResolvedStores), Stores the same
	// stores opened as the host opens them, by id.
	Specs  []config.Store
	Stores map[string]store.Store
	// GPG is the gpg the gpg engine runs (gpgcli.Find), or GPGErr why there
	// is none.
	GPG    string
	GPGErr error
	// Env is the environment gpg runs with; Paths resolves GnuPG's home.
	Env   []string
	Paths paths.Env
	// GOOS is the OS the messages and checks are for.
	GOOS string
}

// Checks returns doctor's lines about the config, gpg, gpg-agent,
// pinentry and every store in use.
func (h *Host) Checks(ctx context.Context) []install.Check {
	var out []install.Check
	if h.ConfigErr != nil {
		out = append(out, install.Check{Status: install.StatusFail, Subject: "config", Message: h.ConfigErr.Error(), Fix: "fix or delete the file"})
	}
	out = append(out, h.checkGPG()...)
	for _, sc := range h.Specs {
		st := h.Stores[sc.ID]
		if st == nil {
			continue
		}
		switch sc.Kind {
		case config.KindPass:
			out = append(out, h.checkPassStore(ctx, sc, st)...)
		default:
			out = append(out, h.checkOther(ctx, sc, st))
		}
	}
	return out
}

// PassStores returns the folders of the pass stores in use that exist.
func (h *Host) PassStores() []string {
	var dirs []string
	for _, sc := range h.Specs {
		if sc.Kind == config.KindPass && isDir(sc.Path) {
			dirs = append(dirs, sc.Path)
		}
	}
	return dirs
}

// needsGPG reports whether a store in use runs gpg: a configured one, or a
// default one whose folder is there. A gpg problem is then a failure, not
// a warning.
func (h *Host) needsGPG() bool {
	for _, sc := range h.Specs {
		if sc.Kind == config.KindPass && sc.Engine == config.EngineGPG && (!sc.Optional || isDir(sc.Path)) {
			return true
		}
	}
	return false
}

func subject(sc config.Store) string { return "store " + sc.ID }

// checkOther checks a store that is not a pass store (the keyring) with
// its own Check.
func (h *Host) checkOther(ctx context.Context, sc config.Store, st store.Store) install.Check {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	err := st.Check(ctx)
	if err == nil {
		return install.Check{Status: install.StatusOK, Subject: subject(sc), Message: "the " + sc.Kind + " answers and is unlocked"}
	}
	status, fix := install.StatusFail, "fix it, or remove the store from the otpfill config"
	if sc.Optional {
		// Not configured: a default that is not there is normal, and codes
		// can live in the pass store.
		status, fix = install.StatusWarn, "only needed to keep codes there; otherwise keep codes in the pass store"
	}
	if ctx.Err() != nil {
		return install.Check{Status: status, Subject: subject(sc), Message: fmt.Sprintf("did not answer within %s (it may be waiting for you to unlock it)", storeTimeout), Fix: fix}
	}
	return install.Check{Status: status, Subject: subject(sc), Message: reason(err), Fix: fix}
}

// reason is a store error without the generic "store unavailable: ".
func reason(err error) string {
	return strings.TrimPrefix(err.Error(), store.ErrUnavailable.Error()+": ")
}

func (h *Host) tildify(p string) string {
	home := h.Paths.Home()
	if h.GOOS == "windows" || home == "" {
		return p
	}
	if p == home {
		return "~"
	}
	if strings.HasPrefix(p, home+"/") {
		return "~" + p[len(home):]
	}
	return p
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
