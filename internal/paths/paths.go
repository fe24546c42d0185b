// Package paths is the one place that decides where otpfill's files and the
// programs it works with live, from the environment: the home folder, the
// XDG base directories, otpfill's own config, state and cache folders,
// GnuPG's home and the default pass store. Nothing else reads HOME,
// XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME, XDG_DATA_HOME, GNUPGHOME,
// PASSWORD_STORE_DIR or OTPFILL_CONFIG to build a path.
package paths

import (
	"os"
	"path"
	"runtime"
	"strings"
)

// Env is the environment paths are resolved from.
type Env struct {
	// Getenv reads a variable; nil means os.Getenv.
	Getenv func(string) string
	// GOOS picks the separators and the Windows defaults; "" means
	// runtime.GOOS. install's tests lay out a Windows machine on Linux.
	GOOS string
}

// Of is the Env of getenv on this OS.
func Of(getenv func(string) string) Env { return Env{Getenv: getenv} }

func (e Env) getenv(k string) string {
	if e.Getenv == nil {
		return os.Getenv(k)
	}
	return e.Getenv(k)
}

func (e Env) windows() bool {
	if e.GOOS == "" {
		return runtime.GOOS == "windows"
	}
	return e.GOOS == "windows"
}

// Home is the user's home folder: HOME (on Windows USERPROFILE, then
// HOME). "" when unset: callers that need it say so.
func (e Env) Home() string {
	if e.windows() {
		if h := e.getenv("USERPROFILE"); h != "" {
			return h
		}
	}
	return e.getenv("HOME")
}

// IsAbs reports whether p is absolute on the target OS (C:\... or
// \\server\share on Windows).
func (e Env) IsAbs(p string) bool {
	if e.windows() {
		return (len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')) || strings.HasPrefix(p, `\\`)
	}
	return strings.HasPrefix(p, "/")
}

// Join joins path elements with the target OS's separator, so that a
// Windows layout computed on Linux still reads as Windows paths.
func (e Env) Join(elem ...string) string {
	if !e.windows() {
		return path.Join(elem...)
	}
	out := make([]string, 0, len(elem))
	for i, s := range elem {
		if s == "" {
			continue
		}
		if i > 0 {
			s = strings.TrimLeft(s, `\/`)
		}
		out = append(out, strings.TrimRight(s, `\/`))
	}
	return strings.Join(out, `\`)
}

// XDG returns the XDG base directory variable name if it is set to an
// absolute path (the specification says to ignore relative ones), else "".
func (e Env) XDG(name string) string {
	if d := e.getenv(name); d != "" && e.IsAbs(d) {
		return d
	}
	return ""
}

func (e Env) xdgOr(name string, def ...string) string {
	if d := e.XDG(name); d != "" {
		return d
	}
	return e.Join(append([]string{e.Home()}, def...)...)
}

// ConfigHome is $XDG_CONFIG_HOME, or ~/.config.
func (e Env) ConfigHome() string { return e.xdgOr("XDG_CONFIG_HOME", ".config") }

// DataHome is $XDG_DATA_HOME, or ~/.local/share.
func (e Env) DataHome() string { return e.xdgOr("XDG_DATA_HOME", ".local", "share") }

// StateHome is $XDG_STATE_HOME, or ~/.local/state.
func (e Env) StateHome() string { return e.xdgOr("XDG_STATE_HOME", ".local", "state") }

// CacheHome is $XDG_CACHE_HOME, or ~/.cache.
func (e Env) CacheHome() string { return e.xdgOr("XDG_CACHE_HOME", ".cache") }

// App is otpfill's folder name under the base directories.
const App = "otpfill"

// ConfigDir is otpfill's config folder: $XDG_CONFIG_HOME/otpfill.
func (e Env) ConfigDir() string { return e.Join(e.ConfigHome(), App) }

// ConfigFile is the config file: $OTPFILL_CONFIG, or ConfigDir/config.json.
func (e Env) ConfigFile() string {
	if p := e.getenv("OTPFILL_CONFIG"); p != "" {
		return p
	}
	return e.Join(e.ConfigDir(), "config.json")
}

// StateDir is otpfill's state folder (log, locks, install record):
// $XDG_STATE_HOME/otpfill.
func (e Env) StateDir() string { return e.Join(e.StateHome(), App) }

// CacheDir is otpfill's cache folder: $XDG_CACHE_HOME/otpfill. It holds
// only public data (which gpg keys exist).
func (e Env) CacheDir() string { return e.Join(e.CacheHome(), App) }

// GNUPGHome is the folder gpg and gpg-agent use: $GNUPGHOME, else
// %APPDATA%\gnupg on Windows, else ~/.gnupg.
func (e Env) GNUPGHome() string {
	if d := e.getenv("GNUPGHOME"); d != "" {
		return d
	}
	if e.windows() {
		if d := e.getenv("APPDATA"); d != "" {
			return e.Join(d, "gnupg")
		}
	}
	return e.Join(e.Home(), ".gnupg")
}

// PasswordStoreDir is the default pass store: $PASSWORD_STORE_DIR, or
// ~/.password-store (as pass has it; an empty value is unset).
func (e Env) PasswordStoreDir() string {
	if d := e.getenv("PASSWORD_STORE_DIR"); d != "" {
		return d
	}
	return e.Join(e.Home(), ".password-store")
}

// ExpandHome replaces a leading ~ or ~/ with the home folder.
func (e Env) ExpandHome(p string) string {
	if p == "~" {
		return e.Home()
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		return e.Join(e.Home(), rest)
	}
	return p
}
