//go:build windows

package install

import (
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/sys/windows/registry"
)

// systemRegistry is HKEY_CURRENT_USER of the running user.
type systemRegistry struct{}

func (systemRegistry) SetDefault(key, value string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, key, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("cannot create registry key HKCU\\%s: %w", key, err)
	}
	defer k.Close()
	if err := k.SetStringValue("", value); err != nil {
		return fmt.Errorf("cannot set registry key HKCU\\%s: %w", key, err)
	}
	return nil
}

func (systemRegistry) GetDefault(key string) (string, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, key, registry.QUERY_VALUE)
	if err != nil {
		return "", wrapRegistryErr(key, err)
	}
	defer k.Close()
	v, _, err := k.GetStringValue("")
	if err != nil {
		return "", wrapRegistryErr(key, err)
	}
	return v, nil
}

func (systemRegistry) DeleteKey(key string) error {
	if err := registry.DeleteKey(registry.CURRENT_USER, key); err != nil {
		return wrapRegistryErr(key, err)
	}
	return nil
}

func wrapRegistryErr(key string, err error) error {
	if errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("registry key HKCU\\%s: %w", key, fs.ErrNotExist)
	}
	return fmt.Errorf("registry key HKCU\\%s: %w", key, err)
}
