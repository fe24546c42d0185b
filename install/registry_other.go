//go:build !windows

package install

import (
	"errors"
	"fmt"
)

// systemRegistry exists only on Windows; elsewhere every call fails, so a
// Windows layout can be computed (in tests) but never touch a real registry
// unless one is injected through Env.Registry.
type systemRegistry struct{}

var errNoRegistry = fmt.Errorf("the Windows registry: %w", errors.ErrUnsupported)

func (systemRegistry) SetDefault(key, value string) error    { return errNoRegistry }
func (systemRegistry) GetDefault(key string) (string, error) { return "", errNoRegistry }
func (systemRegistry) DeleteKey(key string) error            { return errNoRegistry }
