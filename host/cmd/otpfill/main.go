// Command otpfill is the otpfill CLI and, when a browser starts it, the
// native-messaging host.
package main

import (
	"os"
	"path/filepath"

	"golang.org/x/term"

	"github.com/otpfill/otpfill/host/internal/cli"
)

func main() {
	exe, err := os.Executable()
	if err == nil {
		if p, err := filepath.EvalSymlinks(exe); err == nil {
			exe = p
		}
	}
	os.Exit(cli.Main(cli.Env{
		Args:         os.Args,
		Getenv:       os.Getenv,
		Stdin:        os.Stdin,
		Stdout:       os.Stdout,
		Stderr:       os.Stderr,
		Executable:   exe,
		IsTerminal:   func() bool { return term.IsTerminal(int(os.Stdin.Fd())) },
		ReadPassword: func() ([]byte, error) { return term.ReadPassword(int(os.Stdin.Fd())) },
	}))
}
