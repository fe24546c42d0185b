package cli

import "fmt"

func (c *command) export(args []string) error {
	return fmt.Errorf("export is not built yet")
}

func (c *command) importFile(args []string) error {
	return fmt.Errorf("import is not built yet")
}

func (c *command) installCommand(cmd string, args []string) int {
	fmt.Fprintf(c.env.Stderr, "otpfill %s: not built yet\n", cmd)
	return 1
}
