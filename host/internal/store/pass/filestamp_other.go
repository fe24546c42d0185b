//go:build !unix

package pass

import "io/fs"

// fileID: no inode here; size and modification time stamp the file.
func fileID(fs.FileInfo) string { return "-" }
