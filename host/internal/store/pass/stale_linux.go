package pass

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockInUse reports whether a process of this user may be using the git
// lock file lock: it has the file open, or it is git (or one of git's
// helpers) working in one of dirs. Anything that cannot be checked counts
// as in use.
func lockInUse(lock string, dirs []string) bool {
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	uid := uint32(os.Getuid())
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		base := filepath.Join("/proc", p.Name())
		fi, err := os.Stat(base)
		if err != nil {
			continue // gone
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); !ok || st.Uid != uid {
			continue
		}
		comm, err := os.ReadFile(filepath.Join(base, "comm"))
		if err != nil {
			continue
		}
		if c := strings.TrimSpace(string(comm)); c == "git" || strings.HasPrefix(c, "git-") {
			cwd, err := os.Readlink(filepath.Join(base, "cwd"))
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return true
			}
			for _, d := range dirs {
				if under(d, cwd) {
					return true
				}
			}
		}
		fds, err := os.ReadDir(filepath.Join(base, "fd"))
		if err != nil {
			// Gone, or not dumpable (an agent): not a git.
			continue
		}
		for _, fd := range fds {
			if target, err := os.Readlink(filepath.Join(base, "fd", fd.Name())); err == nil && target == lock {
				return true
			}
		}
	}
	return false
}
