package install

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// errBadBinary: the host binary cannot be what browsers start.
var errBadBinary = errors.New("unusable otpfill binary")

// hostBinary returns the binary manifests should start: --path, or this
// binary. It must exist and be executable, or every browser would fail later
// with a much vaguer error.
func (v *env) hostBinary(override string) (string, error) {
	exe := v.Executable
	if override != "" {
		exe = override
	}
	if !v.isAbs(exe) {
		return "", fmt.Errorf("%w: %s is not an absolute path", errBadBinary, exe)
	}
	if v.GOOS != "windows" {
		exe = filepath.Clean(exe)
	}
	ok, err := v.isExecutable(exe)
	switch {
	case os.IsNotExist(err):
		return "", fmt.Errorf("%w: %s does not exist; build it first (make build) or name it with --path", errBadBinary, exe)
	case err != nil:
		return "", fmt.Errorf("%w: %s: %v", errBadBinary, exe, err)
	case !ok:
		return "", fmt.Errorf("%w: %s is not executable; run chmod +x on it", errBadBinary, exe)
	}
	return exe, nil
}

// looksTemporary reports whether exe is a build that will vanish (go run,
// go test), which a manifest must not point at.
func looksTemporary(exe string) bool {
	return strings.Contains(exe, string(filepath.Separator)+"go-build") ||
		strings.HasPrefix(exe, filepath.Clean(os.TempDir())+string(filepath.Separator)+"go-build")
}

func runInstall(v *env, o *options, targets []target, stdout, stderr io.Writer) int {
	exe, err := v.hostBinary(o.path)
	if err != nil {
		fmt.Fprintf(stderr, "otpfill install: %v\n", err)
		return 1
	}
	if looksTemporary(exe) {
		fmt.Fprintf(stderr, "warning: %s looks like a temporary build (go run); browsers will fail once it is deleted: install a built binary instead (make install)\n", exe)
	}

	if len(o.browsers) == 0 {
		var found []target
		for _, t := range targets {
			if ok, why := v.found(t); ok {
				fmt.Fprintf(stdout, "found %s (%s)\n", t.title, why)
				found = append(found, t)
			}
		}
		if len(found) == 0 {
			// Not a failure: otpfill is in place, no browser is yet (a new
			// machine, `make install` before the browser). Say what is next.
			fmt.Fprintf(stdout, "no supported browser found (looked for %s in their usual folders and in PATH): nothing registered yet.\n"+
				"Next: install a browser and run 'otpfill install' again, or run 'otpfill install --browser NAME' to write its manifest now.\n",
				strings.Join(browserNames, ", "))
			return 0
		}
		targets = found
	} else if o.manifestDir == "" {
		for _, t := range targets {
			if ok, _ := v.found(t); !ok {
				fmt.Fprintf(stdout, "%s was not found on this computer; writing its manifest anyway\n", t.title)
			}
		}
	}

	recPath := v.recordPath()
	rec, err := loadRecord(recPath)
	if err != nil {
		fmt.Fprintf(stderr, "warning: cannot read the install record: %v; starting a new one (uninstall still recognises otpfill's manifests by their content)\n", err)
		rec = &record{Version: recordVersion}
	}

	failed := false
	done := 0
	for _, t := range targets {
		e, err := v.installTarget(t, exe, stdout)
		if len(e.Files) > 0 || len(e.Registry) > 0 || len(e.Dirs) > 0 {
			rec.upsert(e) // even a partial install, so uninstall can clean it up
		}
		if err != nil {
			fmt.Fprintf(stderr, "otpfill install: %s: %v\n", t.name, err)
			failed = true
			continue
		}
		done++
	}
	if err := rec.save(recPath); err != nil {
		fmt.Fprintf(stderr, "otpfill install: cannot save the install record %s: %v; 'otpfill uninstall' will fall back to recognising manifests by their content\n", recPath, err)
		failed = true
	}

	for _, t := range targets {
		if note := sandboxNote(t); note != "" && o.manifestDir == "" {
			fmt.Fprintf(stdout, "note: %s\n", note)
		}
	}
	if failed {
		return 1
	}
	fmt.Fprintf(stdout, "otpfill is registered with %d browser%s; run 'otpfill doctor' to check the whole setup\n", done, plural(done))
	return 0
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// installTarget writes what t needs and returns the record entry for what
// it wrote, also when it fails half-way.
func (v *env) installTarget(t target, exe string, stdout io.Writer) (entry, error) {
	e := entry{Browser: t.name, Manifest: t.manifest, Binary: exe}
	report := func(changed bool, path string) {
		verb := "up to date"
		if changed {
			verb = "wrote"
		}
		fmt.Fprintf(stdout, "%s %s (%s)\n", verb, v.tildify(path), t.name)
	}

	hostPath := exe
	if t.wrapper != "" {
		created, err := mkdirAll(filepath.Dir(t.wrapper))
		e.Dirs = append(e.Dirs, created...)
		if err != nil {
			return e, fmt.Errorf("cannot create the folder for %s: %w", v.tildify(t.wrapper), err)
		}
		changed, err := writeFileAtomic(t.wrapper, wrapperScript(exe, t.appID), scriptMode)
		if err != nil {
			return e, fmt.Errorf("cannot write %s: %w", v.tildify(t.wrapper), err)
		}
		e.Files = append(e.Files, t.wrapper)
		report(changed, t.wrapper)
		hostPath = t.wrapper
	}

	created, err := mkdirAll(filepath.Dir(t.manifest))
	e.Dirs = append(e.Dirs, created...)
	if err != nil {
		return e, fmt.Errorf("cannot create the folder for %s: %w", v.tildify(t.manifest), err)
	}
	changed, err := writeFileAtomic(t.manifest, newManifest(t.flavor, hostPath).encode(), fileMode)
	if err != nil {
		return e, fmt.Errorf("cannot write %s: %w", v.tildify(t.manifest), err)
	}
	e.Files = append(e.Files, t.manifest)
	report(changed, t.manifest)

	for _, key := range t.regKeys {
		if cur, err := v.Registry.GetDefault(key); err == nil && cur == t.manifest {
			fmt.Fprintf(stdout, "up to date HKCU\\%s (%s)\n", key, t.name)
			e.Registry = append(e.Registry, key)
			continue
		}
		if err := v.Registry.SetDefault(key, t.manifest); err != nil {
			return e, err
		}
		e.Registry = append(e.Registry, key)
		fmt.Fprintf(stdout, "set HKCU\\%s = %s (%s)\n", key, t.manifest, t.name)
	}
	return e, nil
}

// sandboxNote is what a user of a sandboxed browser must know right after
// install; doctor repeats it with the current state.
func sandboxNote(t target) string {
	switch {
	case t.sandbox == flatpakSandbox:
		return fmt.Sprintf("%s runs in a Flatpak sandbox and can start otpfill only once you allow it to run programs outside the sandbox: flatpak override --user --talk-name=org.freedesktop.Flatpak %s (this weakens the browser's sandbox; a browser from your distribution's packages needs nothing)", t.title, t.appID)
	case t.sandbox == snapSandbox && t.flavor == chromiumFlavor:
		return fmt.Sprintf("%s cannot start native-messaging hosts: its snap confinement forbids running programs outside the snap; use Chromium from a distribution package, or Firefox", t.title)
	case t.sandbox == snapSandbox:
		return fmt.Sprintf("%s starts otpfill through the desktop portal and asks you once; answer Allow", t.title)
	}
	return ""
}
