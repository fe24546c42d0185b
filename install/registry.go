package install

// Registry is the part of the Windows registry that install uses, under
// HKEY_CURRENT_USER. Browsers on Windows find a host manifest through a key
// named after the host whose default value is the manifest's path.
//
// Keys are relative to HKEY_CURRENT_USER, with backslashes
// ("Software\Google\Chrome\NativeMessagingHosts\io.github.otpfill").
// GetDefault and DeleteKey return an error wrapping fs.ErrNotExist when the
// key or its default value is absent. Outside Windows the real registry
// returns errors wrapping errors.ErrUnsupported.
type Registry interface {
	// SetDefault creates key if needed and sets its default value.
	SetDefault(key, value string) error
	// GetDefault returns the default value of key.
	GetDefault(key string) (string, error)
	// DeleteKey removes key, which must have no subkeys.
	DeleteKey(key string) error
}
