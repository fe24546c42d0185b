package install

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

func runUninstall(v *env, o *options, targets []target, stdout, stderr io.Writer) int {
	recPath := v.recordPath()
	rec, err := loadRecord(recPath)
	recordOK := err == nil
	if err != nil {
		fmt.Fprintf(stderr, "warning: cannot read the install record: %v; removing only manifests that are recognisably otpfill's, and no folders\n", err)
		rec = &record{Version: recordVersion}
	}

	// The entries to undo: all of them when no browser is named, else those
	// of the named targets at the named place.
	chosen := map[int]bool{}
	for i, e := range rec.Entries {
		if len(o.browsers) == 0 {
			chosen[i] = true
			continue
		}
		for _, t := range targets {
			if e.Browser == t.name && e.Manifest == t.manifest {
				chosen[i] = true
			}
		}
	}

	u := uninstaller{v: v, rec: rec, chosen: chosen, stdout: stdout, stderr: stderr}
	for i := range rec.Entries {
		if chosen[i] {
			e := rec.Entries[i]
			u.removeFiles(e.Files)
			u.removeKeys(e.Registry, e.Manifest)
		}
	}
	// What install wrote but the record does not know (a lost record, or an
	// older install): the usual places of the targets, removed only if their
	// content is recognisably ours.
	for _, t := range targets {
		u.removeFiles([]string{t.wrapper, t.manifest})
		u.removeKeys(t.regKeys, t.manifest)
	}
	var dirs []string
	for i := range rec.Entries {
		if chosen[i] {
			dirs = append(dirs, rec.Entries[i].Dirs...)
		}
	}
	u.removeDirs(dirs)

	var kept []entry
	for i, e := range rec.Entries {
		if !chosen[i] {
			kept = append(kept, e)
		}
	}
	// A folder install created that is still there because another entry's
	// files live in it becomes that entry's, so the last uninstall removes it.
	for _, d := range dirs {
		if !isDir(d) {
			continue
		}
		for i := range kept {
			if kept[i].within(d) && !slices.Contains(kept[i].Dirs, d) {
				kept[i].Dirs = append([]string{d}, kept[i].Dirs...)
				break
			}
		}
	}
	rec.Entries = kept
	if recordOK {
		if err := rec.save(recPath); err != nil {
			fmt.Fprintf(stderr, "otpfill uninstall: cannot update the install record %s: %v\n", recPath, err)
			u.failed = true
		}
	}
	if u.removedDirs > 0 {
		fmt.Fprintf(u.stdout, "removed %d empty folder%s install had created\n", u.removedDirs, plural(u.removedDirs))
	}
	if u.failed {
		return 1
	}
	if u.removed == 0 {
		fmt.Fprintln(stdout, "nothing to remove: otpfill is not registered there")
	}
	return 0
}

type uninstaller struct {
	v           *env
	rec         *record
	chosen      map[int]bool
	seen        map[string]bool
	removed     int
	removedDirs int
	failed      bool
	stdout      io.Writer
	stderr      io.Writer
}

func (u *uninstaller) once(what string) bool {
	if u.seen == nil {
		u.seen = map[string]bool{}
	}
	if what == "" || u.seen[what] {
		return false
	}
	u.seen[what] = true
	return true
}

// stillUsed names the remaining entry that lists what, if any. A file
// reached through a symlinked folder counts as the same file (LibreWolf
// users often link ~/.librewolf/native-messaging-hosts to Firefox's).
func (u *uninstaller) stillUsed(what string) string {
	fi, statErr := os.Stat(what)
	for i, e := range u.rec.Entries {
		if u.chosen[i] {
			continue
		}
		if slices.Contains(e.Files, what) || slices.Contains(e.Dirs, what) || slices.Contains(e.Registry, what) {
			return e.Browser
		}
		if statErr != nil {
			continue
		}
		for _, f := range slices.Concat(e.Files, e.Dirs) {
			if other, err := os.Stat(f); err == nil && os.SameFile(fi, other) {
				return e.Browser
			}
		}
	}
	return ""
}

func (u *uninstaller) removeFiles(files []string) {
	for _, f := range files {
		if !u.once(f) {
			continue
		}
		if by := u.stillUsed(f); by != "" {
			fmt.Fprintf(u.stdout, "kept %s (still used by %s)\n", u.v.tildify(f), by)
			continue
		}
		data, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			fmt.Fprintf(u.stderr, "otpfill uninstall: cannot read %s: %v\n", u.v.tildify(f), err)
			u.failed = true
			continue
		}
		if !isOurs(f, data) {
			fmt.Fprintf(u.stdout, "left %s alone: it does not look like otpfill's any more\n", u.v.tildify(f))
			continue
		}
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			fmt.Fprintf(u.stderr, "otpfill uninstall: cannot remove %s: %v\n", u.v.tildify(f), err)
			u.failed = true
			continue
		}
		u.removed++
		fmt.Fprintf(u.stdout, "removed %s\n", u.v.tildify(f))
	}
}

// isOurs reports whether a file install might have written is still ours:
// a wrapper script with our marker, or a manifest for our host that starts
// an otpfill binary or wrapper.
func isOurs(path string, data []byte) bool {
	if filepath.Base(path) == wrapperName {
		return isOurWrapper(data)
	}
	m, err := parseManifest(data)
	return err == nil && m.looksLikeOurs()
}

func (u *uninstaller) removeKeys(keys []string, manifestPath string) {
	for _, key := range keys {
		if !u.once("HKCU\\" + key) {
			continue
		}
		if by := u.stillUsed(key); by != "" {
			fmt.Fprintf(u.stdout, "kept HKCU\\%s (still used by %s)\n", key, by)
			continue
		}
		cur, err := u.v.Registry.GetDefault(key)
		if notExist(err) {
			continue
		}
		if err != nil {
			fmt.Fprintf(u.stderr, "otpfill uninstall: %v\n", err)
			u.failed = true
			continue
		}
		if cur != manifestPath {
			fmt.Fprintf(u.stdout, "left HKCU\\%s alone: it points at %s, not at otpfill's manifest\n", key, cur)
			continue
		}
		if err := u.v.Registry.DeleteKey(key); err != nil && !notExist(err) {
			fmt.Fprintf(u.stderr, "otpfill uninstall: %v\n", err)
			u.failed = true
			continue
		}
		u.removed++
		fmt.Fprintf(u.stdout, "removed HKCU\\%s\n", key)
	}
}

// removeDirs removes the folders install created, innermost first, and only
// while they are empty: anything the browser or the user put there since
// keeps them.
func (u *uninstaller) removeDirs(dirs []string) {
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, d := range dirs {
		if !u.once(d) || u.stillUsed(d) != "" {
			continue
		}
		names, err := os.ReadDir(d)
		if os.IsNotExist(err) || (err == nil && len(names) > 0) {
			continue
		}
		if err == nil {
			err = os.Remove(d)
		}
		if err != nil {
			fmt.Fprintf(u.stderr, "otpfill uninstall: cannot remove folder %s: %v\n", u.v.tildify(d), err)
			u.failed = true
			continue
		}
		u.removedDirs++
	}
}
