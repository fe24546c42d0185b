package pass

import (
	"context"
	"encoding/binary"
	"errors"

	"golang.org/x/sys/unix"
)

// walk reads folders with getdents64 into one reused buffer and takes each
// child's type from d_type: no DirEntry, no stat and no path per file.
func (s *Store) walk(ctx context.Context, keep func([]byte) bool) ([]string, error) {
	r := direntReader{buf: make([]byte, 8<<10)}
	return s.walkWith(ctx, r.read, keep)
}

type direntReader struct{ buf []byte }

// unknownTypes makes the reader treat every d_type as DT_UNKNOWN, as some
// file systems (older XFS, some FUSE and network ones) report it: tests set
// it to cover the Lstat fallback.
var unknownTypes = false

// Offsets in struct linux_dirent64, the record getdents64 returns.
const (
	direntReclen = 16 // uint16 d_reclen
	direntType   = 18 // uint8 d_type
	direntName   = 19 // NUL-terminated d_name
)

// read reads the folder at path into f. As os.ReadDir, it keeps the
// children read before an error.
func (r *direntReader) read(path string, f *folder) error {
	fd, err := openFolder(path)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	for {
		n, err := unix.Getdents(fd, r.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return err
		}
		for rec := r.buf[:n]; len(rec) > direntName; {
			reclen := int(binary.NativeEndian.Uint16(rec[direntReclen:]))
			if reclen <= direntName || reclen > len(rec) {
				return nil // a malformed record: os stops there too, silently
			}
			typ := rec[direntType]
			name := rec[direntName:reclen]
			rec = rec[reclen:]
			for i, b := range name {
				if b == 0 {
					name = name[:i]
					break
				}
			}
			if string(name) == "." || string(name) == ".." {
				continue
			}
			if typ == unix.DT_UNKNOWN || unknownTypes {
				// Before the hidden-name test, as in os.ReadDir: a failing
				// Lstat fails the folder even for a name skipped below.
				var st unix.Stat_t
				err := unix.Fstatat(fd, string(name), &st, unix.AT_SYMLINK_NOFOLLOW)
				if errors.Is(err, unix.ENOENT) {
					continue // removed since getdents
				}
				if err != nil {
					return err
				}
				typ = unix.DT_REG
				if st.Mode&unix.S_IFMT == unix.S_IFDIR {
					typ = unix.DT_DIR
				}
			}
			switch {
			case len(name) == 0 || name[0] == '.':
			case typ == unix.DT_DIR:
				addFolder(f, name)
			default:
				addFile(f, name)
			}
		}
	}
}

func openFolder(path string) (int, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}
