package pass

import (
	"bytes"
	"cmp"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/otpfill/otpfill/host/internal/store"
)

// List walks the store as it did with filepath.WalkDir, and keeps its
// results exactly (walk_test.go keeps that code as the oracle): the root is
// read even when hidden; below it, names starting with '.' are skipped,
// folders and files alike; a symbolic link is never followed, so a link
// named x.gpg is an entry whatever it points to, and a root that is a link
// lists nothing; an unreadable folder below the root is skipped (and
// logged), an unreadable root is an error. What changed is the cost: a
// match request lists the whole store in a fresh process, and WalkDir spent
// most of it sorting each folder, allocating a DirEntry and a joined path
// per file, then sorting everything again.

// folder holds one folder's children as a reader reports them: their keys
// back to back in buf, a file's name without ".gpg", a subfolder's name
// followed by '/'.
type folder struct {
	buf  []byte
	keys []span
	ends []int // where each child's full name ends in the string visit builds
}

// span locates a key in folder.buf; head holds its first 8 bytes, so that
// most comparisons while sorting need not read buf.
type span struct {
	start, end int32
	head       uint64
}

func (f *folder) key(k span) []byte { return f.buf[k.start:k.end] }

// push records the key that was just appended to f.buf at start.
func (f *folder) push(start int) {
	var head uint64
	for i := range 8 {
		head <<= 8
		if start+i < len(f.buf) {
			head |= uint64(f.buf[start+i])
		}
	}
	f.keys = append(f.keys, span{int32(start), int32(len(f.buf)), head})
}

// compare orders keys as bytes.Compare. Heads padded with zeros compare as
// the keys' first 8 bytes do, as no file name holds a NUL byte.
func (f *folder) compare(a, b span) int {
	if a.head != b.head {
		return cmp.Compare(a.head, b.head)
	}
	return bytes.Compare(f.key(a), f.key(b))
}

// addFile records name if it names an entry file. Hidden names are
// skipped by the readers already.
func addFile[T string | []byte](f *folder, name T) {
	n := len(name) - len(".gpg")
	if n <= 0 || string(name[n:]) != ".gpg" {
		return
	}
	start := len(f.buf)
	f.buf = append(f.buf, name[:n]...)
	f.push(start)
}

func addFolder[T string | []byte](f *folder, name T) {
	start := len(f.buf)
	f.buf = append(f.buf, name...)
	f.buf = append(f.buf, '/')
	f.push(start)
}

// lister walks a store depth first and collects its entry names.
//
// Sorting each folder's keys, and visiting them in that order, yields the
// names already sorted as a whole: every name below a child starts with
// rel+key, no key is a prefix of a sibling's key except a file "n" of a
// folder "n/", and the file's only name "rel/n" sorts before "rel/n/...".
// Many small sorts of short keys cost a third of one sort of all names.
//
// Memory is what a listing in a fresh process pays for most (each new page
// faults), so each folder's names are built in one string, and the result
// is allocated once, at its final size.
type lister struct {
	ctx  context.Context
	s    *Store
	read func(path string, f *folder) error // fills f; on an error, with what it read before it
	keep func(name []byte) bool             // nil keeps every entry
	// levels[d] is the folder being visited at depth d, reused across
	// folders so that a walk allocates a few buffers, not one per folder.
	levels  []*folder
	scratch []byte
	runs    []string // names in order, each followed by NUL (never in a file name)
	count   int      // names in runs
}

func (s *Store) walkWith(ctx context.Context, read func(string, *folder) error, keep func([]byte) bool) ([]string, error) {
	// The store folder may be a symlink (~/.password-store pointing into
	// a synced folder), and pass follows it; links below it are not
	// followed, as with pass's find.
	fi, err := os.Stat(s.dir)
	if err != nil || !fi.IsDir() {
		return nil, err
	}
	l := lister{ctx: ctx, s: s, read: read, keep: keep}
	if err := l.visit("", 0); err != nil {
		return nil, err
	}
	if l.count == 0 {
		return nil, nil // as WalkDir's append left it
	}
	names := make([]string, 0, l.count)
	for _, run := range l.runs {
		for run != "" {
			i := strings.IndexByte(run, 0)
			names = append(names, run[:i])
			run = run[i+1:]
		}
	}
	return names, nil
}

// visit lists the folder rel ("" for the root, else ending in '/').
func (l *lister) visit(rel string, depth int) error {
	if err := l.ctx.Err(); err != nil {
		return err
	}
	if depth == len(l.levels) {
		l.levels = append(l.levels, new(folder))
	}
	f := l.levels[depth] // deeper visits use other levels: f stays put
	f.buf, f.keys, f.ends = f.buf[:0], f.keys[:0], f.ends[:0]
	path := filepath.Join(l.s.dir, filepath.FromSlash(rel))
	if err := l.read(path, f); err != nil {
		if depth == 0 {
			return err
		}
		l.s.log.Debug().Str("path", path).Err(err).Msg("skipping unreadable path")
	}
	slices.SortFunc(f.keys, f.compare)

	// Every child's full name in one string: a subfolder's to visit it, an
	// entry's (when safe) followed by NUL. The fast path checks rel once.
	relPlain := rel == "" || plainName(rel[:len(rel)-1])
	b := l.scratch[:0]
	for _, k := range f.keys {
		start := len(b)
		b = append(b, rel...)
		b = append(b, f.key(k)...)
		if b[len(b)-1] != '/' {
			name := b[start:]
			if relPlain && len(name) <= store.MaxNameLen && plainSegment(f.key(k)) || store.ValidateName(string(name)) == nil {
				if l.keep == nil || l.keep(name) {
					b = append(b, 0)
				} else {
					b = b[:start]
				}
			} else {
				l.s.log.Debug().Bytes("entry", name).Msg("skipping entry with an unsafe name")
				b = b[:start]
			}
		}
		f.ends = append(f.ends, len(b))
	}
	l.scratch = b
	all := string(b)

	// Entries between subfolders form runs; a subfolder's names come
	// between the runs before and after it.
	run, pos := 0, 0
	for _, end := range f.ends {
		if end > pos && all[end-1] == '/' {
			l.addRun(all[run:pos])
			if err := l.visit(all[pos:end], depth+1); err != nil {
				return err
			}
			run = end
		} else if end > pos {
			l.count++
		}
		pos = end
	}
	l.addRun(all[run:pos])
	return nil
}

func (l *lister) addRun(run string) {
	if run != "" {
		l.runs = append(l.runs, run)
	}
}

// plainName is a fast path for store.ValidateName: it reports true only for
// names ValidateName accepts, made of plain segments within MaxNameLen. Any
// other name, even a valid one, gets false and must go through
// ValidateName, which alone decides (and explains).
func plainName(name string) bool {
	if len(name) > store.MaxNameLen {
		return false
	}
	for seg := range strings.SplitSeq(name, "/") {
		if !plainSegment(seg) {
			return false
		}
	}
	return true
}

// plainSegment reports whether seg is a plain segment: 1 to MaxSegmentLen
// bytes of printable ASCII other than '/' and backslash, starting with neither
// '.' nor ' ', not ending with ' '.
func plainSegment[T string | []byte](seg T) bool {
	if len(seg) == 0 || len(seg) > store.MaxSegmentLen || seg[0] == '.' || seg[0] == ' ' || seg[len(seg)-1] == ' ' {
		return false
	}
	for i := 0; i < len(seg); i++ {
		if c := seg[i]; c < ' ' || c > '~' || c == '/' || c == '\\' {
			return false
		}
	}
	return true
}

// walkPortable lists the store with readPortable.
func (s *Store) walkPortable(ctx context.Context) ([]string, error) {
	return s.walkWith(ctx, readPortable, nil)
}

// readPortable reads a folder with the os package alone: the reader for
// systems without a faster one, and tested on Linux too. Like os.ReadDir,
// which WalkDir used, it keeps the children read before an error.
func readPortable(path string, f *folder) error {
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	ents, err := d.ReadDir(-1)
	d.Close()
	for _, e := range ents {
		name := e.Name()
		switch {
		case name == "" || name[0] == '.':
		case e.IsDir():
			addFolder(f, name)
		default:
			addFile(f, name)
		}
	}
	return err
}
