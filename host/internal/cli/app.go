package cli

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/lockfile"
	"github.com/otpfill/otpfill/host/internal/logging"
	"github.com/otpfill/otpfill/host/internal/match"
	"github.com/otpfill/otpfill/host/internal/pgp"
	"github.com/otpfill/otpfill/host/internal/pgp/gpgcli"
	"github.com/otpfill/otpfill/host/internal/server"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/host/internal/store/pass"
	"github.com/otpfill/otpfill/internal/config"
)

// stores is what the config file and the environment set up: the stores,
// in order, and what the host and `backup` need around them.
type storeSet struct {
	cfg      *config.Config
	list     []store.Store
	optional map[string]bool
	backup   map[string]string // store id → its backup store's id
	git      string            // git binary, "" for none
	specs    []config.Store    // the stores in use, as configured
	gpg      string            // the gpg the gpg engine runs, or
	gpgErr   error             // why there is none
}

// newServer builds the host from the config file and the environment.
func newServer(env Env, log zerolog.Logger) (*server.Server, error) {
	cenv := config.Env{Getenv: env.Getenv}
	st, err := openStores(env, log)
	if err != nil {
		return nil, err
	}
	cfg := st.cfg
	var aliases []match.Alias
	for site, targets := range cfg.Aliases {
		for _, t := range targets {
			a := match.Alias{Site: site, Target: t}
			if err := a.Validate(); err != nil {
				log.Warn().Err(err).Str("site", site).Msg("ignoring an alias in the config")
				continue
			}
			aliases = append(aliases, a)
		}
	}
	return &server.Server{
		Version:   version(),
		Stores:    st.list,
		Aliases:   aliases,
		Optional:  st.optional,
		SaveTo:    cfg.SaveTo,
		Backup:    st.backup,
		AddAlias:  func(site, target string) error { return config.AddAlias(cenv, site, target) },
		Lock:      entryLock(env),
		TypeIndex: filepath.Join(logging.StateDir(env.Getenv), "types.json"),
		Log:       log,
	}, nil
}

// entryLock is the per-entry lock shared by every otpfill process (host
// and CLI), in the state folder.
func entryLock(env Env) func(storeID, name string) (func(), error) {
	lockDir := filepath.Join(logging.StateDir(env.Getenv), "locks")
	return func(storeID, name string) (func(), error) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		return lockfile.Acquire(ctx, lockDir, storeID+"\x00"+name)
	}
}

// openStores sets up the stores from the config file and the environment.
// It touches no store.
func openStores(env Env, log zerolog.Logger) (*storeSet, error) {
	cfg, err := config.Load(config.Env{Getenv: env.Getenv})
	if err != nil {
		return nil, err
	}
	return storesOf(cfg, env, log)
}

// storesOf sets up the stores cfg and the environment describe.
func storesOf(cfg *config.Config, env Env, log zerolog.Logger) (*storeSet, error) {
	cenv := config.Env{Getenv: env.Getenv}
	gpgPath, gpgErr := gpgcli.Find(cfg.GPG)
	if gpgErr != nil {
		log.Debug().Err(gpgErr).Msg("gpg not found")
	}
	// The gpg engine asks gpg-agent directly unless the config says not to.
	cacheDir := ""
	if cfg.GPGAgent != config.GPGAgentGPG {
		cacheDir = config.CacheDir(cenv)
	}
	// git commits pass writes unless the config says "none"; a git that
	// cannot be found leaves writes uncommitted, and each one says so
	// (gitErr), never silently.
	gitPath := ""
	var gitErr error
	if cfg.Git != "none" {
		name := cfg.Git
		if name == "" {
			name = "git"
		}
		if p, err := exec.LookPath(name); err == nil {
			gitPath = p
		} else if cfg.Git == "" {
			gitErr = errors.New(`git is not installed or not in PATH: install git, or name it as "git" in the otpfill config`)
		} else {
			gitErr = fmt.Errorf(`the otpfill config's git, %q, cannot be run: fix "git" there`, cfg.Git)
		}
	}
	var stores []store.Store
	optional := map[string]bool{}
	resolved := cfg.ResolvedStores(cenv)
	for _, sc := range resolved {
		optional[sc.ID] = sc.Optional
		switch sc.Kind {
		case config.KindPass:
			engine, err := newEngine(sc, gpgPath, gpgErr, cacheDir, env, log)
			if err != nil {
				return nil, err
			}
			// PASSWORD_STORE_KEY goes with PASSWORD_STORE_DIR: the default
			// store's. Another pass store (a backup with other recipients)
			// keeps its own .gpg-id.
			var keys []string
			if sc.ID == "pass" {
				keys = strings.Fields(env.Getenv("PASSWORD_STORE_KEY"))
			}
			stores = append(stores, pass.New(pass.Options{
				ID:     sc.ID,
				Dir:    sc.Path,
				Engine: engine,
				Keys:   keys,
				Git:    gitPath,
				GitErr: gitErr,
				Env:    env.Environ,
				Log:    log.With().Str("store", sc.ID).Logger(),
			}))
		case config.KindKeyring:
			if st := newKeyringStore(sc, log); st != nil {
				stores = append(stores, st)
			}
		}
	}
	return &storeSet{cfg: cfg, list: stores, optional: optional, backup: cfg.BackupPairs(resolved), git: gitPath,
		specs: resolved, gpg: gpgPath, gpgErr: gpgErr}, nil
}

func newEngine(sc config.Store, gpgPath string, gpgErr error, cacheDir string, env Env, log zerolog.Logger) (pgp.Engine, error) {
	if sc.Engine == config.EngineNative {
		e, err := newNativeEngine(sc, env, log)
		if err != nil {
			// Key files missing or unreadable: the store is there but
			// cannot decrypt; hello says so and the other stores work.
			if !errors.Is(err, pgp.ErrNoEngine) {
				err = fmt.Errorf("%w: %w", pgp.ErrNoEngine, err)
			}
			return unusableEngine{"native", err}, nil
		}
		return e, nil
	}
	if gpgErr != nil {
		return unusableEngine{"gpg", gpgErr}, nil
	}
	return gpgcli.New(gpgcli.Options{
		Binary:   gpgPath,
		Opts:     env.Getenv("PASSWORD_STORE_GPG_OPTS"),
		Env:      env.Environ,
		Log:      log.With().Str("engine", "gpg").Logger(),
		CacheDir: cacheDir,
	}), nil
}

// unusableEngine stands in for an engine that cannot run (gpgcli.Find
// failed, the native engine's key files cannot be read), so that hello and
// doctor report the store as not ok and every decryption answers the
// reason (which names a configured path that does not exist) rather than a
// generic "install gnupg".
type unusableEngine struct {
	name string
	err  error
}

func (m unusableEngine) Name() string { return m.name }

// Available is what the pass store's Check asks: never nil.
func (m unusableEngine) Available() error { return m.err }

func (m unusableEngine) Decrypt(context.Context, []byte) ([]byte, error) { return nil, m.err }

func (m unusableEngine) Encrypt(context.Context, []byte, []string) ([]byte, error) { return nil, m.err }
