package cli

import (
	"context"

	"github.com/otpfill/otpfill/install"
)

// installCommand runs install, uninstall or doctor.
func (c *command) installCommand(cmd string, args []string) int {
	env := install.Env{Getenv: c.env.Getenv, Executable: c.env.Executable}
	if cmd == "doctor" {
		env.BackupSummary = func(ctx context.Context) (bool, string, error) {
			k, err := c.checker()
			if err != nil {
				return false, "", err
			}
			r := k.Status(ctx)
			return r.OK(), r.Line(), nil
		}
	}
	return install.Main(cmd, args, env, c.env.Stdout, c.env.Stderr)
}
