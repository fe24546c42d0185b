//go:build unix

package pass

import (
	"fmt"
	"io/fs"
	"syscall"
)

// fileID is the file's device and inode: a file replaced by a rename (as
// every atomic write does) has another.
func fileID(fi fs.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("%d:%d", uint64(st.Dev), uint64(st.Ino))
	}
	return "-"
}
