package install

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/otpfill/otpfill/internal/paths"
)

// Env is everything the commands learn from the machine. The CLI fills it
// from the process; tests point it at a throwaway folder.
type Env struct {
	// Getenv reads an environment variable (HOME, XDG_CONFIG_HOME,
	// XDG_DATA_HOME, XDG_STATE_HOME, PATH, LOCALAPPDATA, APPDATA,
	// ...). Folders come from internal/paths.
	// Nil means os.Getenv.
	Getenv func(string) string
	// Executable is the absolute path of the running otpfill binary: what
	// manifests point at unless --path says otherwise. Empty means
	// os.Executable().
	Executable string
	// GOOS selects the layout: "linux", "darwin" or "windows" (others are
	// treated as linux). Empty means runtime.GOOS.
	GOOS string
	// Root is prefixed to system-wide locations (/opt, /usr, /snap,
	// /var/lib/flatpak, /Applications, Program Files, and the usual gpg
	// folders) when looking for installed programs. Empty means the real
	// root; tests use an empty folder so the machine's own browsers do not
	// leak in.
	Root string
	// Registry stands in for HKEY_CURRENT_USER on Windows. Nil means the
	// real registry (on Windows) or none (elsewhere).
	Registry Registry

	// HostChecks, when set, is the host's part of doctor: the config, gpg,
	// gpg-agent, pinentry and every store in use with its engine, checked
	// by the host's own code from the config the host loads. The CLI builds
	// it; install never opens a store or runs gpg itself.
	HostChecks func(ctx context.Context) []Check
	// GitStores are the folders of the pass stores in use: doctor lists
	// the entries each one's git repository has not committed.
	GitStores []string
	// BackupSummary, when set, checks the backup copies of every 2FA key
	// (`otpfill backup status`) and returns whether every key is covered
	// and the one-line summary. Nil leaves the line out.
	BackupSummary func(ctx context.Context) (covered bool, line string, err error)

	// clockKernel replaces the kernel's clock status (adjtimex) in tests.
	clockKernel func() (kernelClock, error)
}

// env is Env with defaults applied and the derived folders computed once.
type env struct {
	Env
	paths      paths.Env
	home       string
	configHome string // $XDG_CONFIG_HOME or ~/.config (Linux)
	dataHome   string // $XDG_DATA_HOME or ~/.local/share (Linux)
	stateHome  string // $XDG_STATE_HOME or ~/.local/state (Linux)
}

var errNoHome = errors.New("cannot tell the home folder: HOME is not set")

func newEnv(e Env) (*env, error) {
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	if e.GOOS == "" {
		e.GOOS = runtime.GOOS
	}
	if e.GOOS != "darwin" && e.GOOS != "windows" {
		e.GOOS = "linux"
	}
	if e.Executable == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		e.Executable = exe
	}
	if e.Registry == nil && e.GOOS == "windows" {
		e.Registry = systemRegistry{}
	}
	v := &env{Env: e, paths: paths.Env{Getenv: e.Getenv, GOOS: e.GOOS}}
	v.home = v.paths.Home()
	if v.home == "" || !v.isAbs(v.home) {
		return nil, errNoHome
	}
	v.configHome = v.paths.ConfigHome()
	v.dataHome = v.paths.DataHome()
	v.stateHome = v.paths.StateHome()
	return v, nil
}

// join joins path elements with the target OS's separator, so a Windows
// layout computed on Linux (in tests) still reads as Windows paths.
func (v *env) join(elem ...string) string { return v.paths.Join(elem...) }

func (v *env) isAbs(p string) bool { return v.paths.IsAbs(p) }

// sys returns a system-wide location under Root.
func (v *env) sys(p string) string {
	if v.Root == "" {
		return p
	}
	if v.GOOS == "windows" && len(p) >= 2 && p[1] == ':' {
		p = p[2:]
	}
	return v.join(v.Root, p)
}

// exists reports whether p exists (following symlinks).
func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// isExecutable reports whether p is a regular file the user may run.
func (v *env) isExecutable(p string) (bool, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() {
		return false, errors.New("not a regular file")
	}
	if v.GOOS == "windows" {
		return strings.EqualFold(filepath.Ext(p), ".exe") || strings.EqualFold(filepath.Ext(p), ".bat") || strings.EqualFold(filepath.Ext(p), ".cmd"), nil
	}
	return fi.Mode().Perm()&0o111 != 0, nil
}

// lookPath finds a program in PATH (as Env reports it) and then in the
// extra folders given, the way a shell would.
func (v *env) lookPath(name string, extra ...string) string {
	sep := ":"
	if v.GOOS == "windows" {
		sep = ";"
	}
	dirs := strings.Split(v.Getenv("PATH"), sep)
	for _, d := range extra {
		dirs = append(dirs, v.sys(d))
	}
	names := []string{name}
	if v.GOOS == "windows" && filepath.Ext(name) == "" {
		names = []string{name + ".exe", name + ".bat", name + ".cmd"}
	}
	for _, d := range dirs {
		if d == "" || !v.isAbs(d) {
			continue // an empty or relative PATH entry means the current folder: never trust it here
		}
		for _, n := range names {
			p := v.join(d, n)
			if ok, _ := v.isExecutable(p); ok {
				return p
			}
		}
	}
	return ""
}

// tildify shortens a path under home for messages people read.
func (v *env) tildify(p string) string {
	if v.GOOS == "windows" {
		return p
	}
	if p == v.home {
		return "~"
	}
	if strings.HasPrefix(p, v.home+"/") {
		return "~" + p[len(v.home):]
	}
	return p
}

// notExist reports whether err says a file or key is absent.
func notExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
