package cli

import (
	"context"
	"fmt"
	"runtime"

	"github.com/otpfill/otpfill/host/internal/doctor"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/install"
	"github.com/otpfill/otpfill/internal/config"
	"github.com/otpfill/otpfill/internal/paths"
)

// installCommand runs install, uninstall or doctor.
func (c *command) installCommand(cmd string, args []string) int {
	env := install.Env{Getenv: c.env.Getenv, Executable: c.env.Executable}
	if cmd == "doctor" {
		if err := c.doctorChecks(&env); err != nil {
			fmt.Fprintf(c.env.Stderr, "otpfill doctor: %v\n", err)
			return 1
		}
	}
	return install.Main(cmd, args, env, c.env.Stdout, c.env.Stderr)
}

// doctorChecks gives doctor the host's part: the stores, gpg and engines
// the host would use, set up by the same code from the same config.
func (c *command) doctorChecks(env *install.Env) error {
	cenv := config.Env{Getenv: c.env.Getenv}
	cfg, cfgErr := config.Load(cenv)
	if cfgErr != nil {
		// Reported as a line; the rest is checked with the defaults.
		cfg = &config.Config{}
	}
	st, err := storesOf(cfg, c.env, c.log)
	if err != nil {
		return err
	}
	h := &doctor.Host{
		ConfigFile: config.Path(cenv),
		Config:     cfg,
		ConfigErr:  cfgErr,
		Specs:      st.specs,
		Stores:     map[string]store.Store{},
		GPG:        st.gpg,
		GPGErr:     st.gpgErr,
		Env:        c.env.Environ,
		Paths:      paths.Of(c.env.Getenv),
		GOOS:       runtime.GOOS,
	}
	for _, s := range st.list {
		h.Stores[s.ID()] = s
	}
	env.HostChecks = h.Checks
	env.GitStores = h.PassStores()
	env.BackupSummary = func(ctx context.Context) (bool, string, error) {
		if cfgErr != nil {
			return false, "", cfgErr
		}
		r := c.checkerOf(st).Status(ctx)
		return r.OK(), r.Line(), nil
	}
	return nil
}
