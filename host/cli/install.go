package cli

import (
	"github.com/otpfill/otpfill/install"
)

// installCommand runs install, uninstall or doctor.
func (c *command) installCommand(cmd string, args []string) int {
	return install.Main(cmd, args, install.Env{Getenv: c.env.Getenv, Executable: c.env.Executable}, c.env.Stdout, c.env.Stderr)
}
