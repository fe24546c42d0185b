// Package realkeyring starts the real thing for keyring tests: a private
// D-Bus session bus, with or without a real gnome-keyring-daemon on it, in a
// throwaway HOME and XDG folders, so that tests never touch the user's own
// keyring. Only the processes it started are ever killed, by PID.
//
// It exists on Linux only (the Secret Service); tests that use it are
// _linux_test.go files.
package realkeyring
