//go:build !linux

package pass

// lockInUse cannot tell without /proc which processes use a file: a git lock
// file is never taken for stale, and a commit that meets one waits, then
// warns.
func lockInUse(lock string, dirs []string) bool { return true }
