package cli

import "fmt"

func (c *command) export(args []string) error {
	return fmt.Errorf("export is not built yet")
}

func (c *command) importFile(args []string) error {
	return fmt.Errorf("import is not built yet")
}

