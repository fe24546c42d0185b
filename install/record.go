package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The record is the list of what install wrote, kept so that uninstall
// removes exactly that. It lives at
//
//	Linux:   $XDG_STATE_HOME/otpfill/installed.json (~/.local/state/otpfill/installed.json)
//	macOS:   $XDG_STATE_HOME/otpfill/installed.json if set, else
//	         ~/Library/Application Support/otpfill/installed.json
//	Windows: %LOCALAPPDATA%\otpfill\installed.json
//
// One entry per target and manifest path (a --manifest-dir install is its
// own entry). Version 1 looks like:
//
//	{"version": 1, "entries": [{
//	  "browser": "chromium",
//	  "manifest": "/home/u/.config/chromium/NativeMessagingHosts/io.github.otpfill.json",
//	  "binary": "/home/u/.local/bin/otpfill",
//	  "files": ["/home/u/.config/chromium/NativeMessagingHosts/io.github.otpfill.json"],
//	  "dirs": ["/home/u/.config/chromium/NativeMessagingHosts"],
//	  "registry": []}]}
//
// "files" are every file written (manifest, Flatpak wrapper), "dirs" the
// folders install created (outermost first), "registry" the HKCU keys set
// (Windows). Two entries may share a file or key (firefox and firefox-snap
// use the same manifest; chrome and vivaldi the same key on Windows); it is
// removed only when no remaining entry lists it.
type record struct {
	Version int     `json:"version"`
	Entries []entry `json:"entries"`
}

type entry struct {
	Browser  string   `json:"browser"`
	Manifest string   `json:"manifest"`
	Binary   string   `json:"binary"`
	Files    []string `json:"files"`
	Dirs     []string `json:"dirs,omitempty"`
	Registry []string `json:"registry,omitempty"`
}

const recordVersion = 1

var errRecordVersion = errors.New("record written by a newer otpfill")

func (v *env) recordPath() string {
	switch v.GOOS {
	case "windows":
		local := v.Getenv("LOCALAPPDATA")
		if local == "" || !v.isAbs(local) {
			local = v.join(v.home, "AppData", "Local")
		}
		return v.join(local, "otpfill", "installed.json")
	case "darwin":
		if d := v.paths.XDG("XDG_STATE_HOME"); d != "" {
			return v.join(d, "otpfill", "installed.json")
		}
		return v.join(v.home, "Library", "Application Support", "otpfill", "installed.json")
	default:
		return v.join(v.stateHome, "otpfill", "installed.json")
	}
}

// loadRecord reads the record; a missing one is empty.
func loadRecord(path string) (*record, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return &record{Version: recordVersion}, nil
	}
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %w", path, err)
	}
	if r.Version > recordVersion {
		return nil, fmt.Errorf("%s: %w (version %d)", path, errRecordVersion, r.Version)
	}
	r.Version = recordVersion
	return &r, nil
}

// save writes the record atomically, or removes it when it is empty.
func (r *record) save(path string) error {
	if len(r.Entries) == 0 {
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return err
		}
		// The record's own folder goes too, unless something else (the
		// host's log) lives there.
		os.Remove(filepath.Dir(path))
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = writeFileAtomic(path, append(data, '\n'), 0o600)
	return err
}

func (r *record) find(browser, manifest string) int {
	return slices.IndexFunc(r.Entries, func(e entry) bool {
		return e.Browser == browser && e.Manifest == manifest
	})
}

// upsert adds e, or merges it into the entry for the same browser and
// manifest. Folders created by an earlier install stay listed: they are
// still ours even though this run found them existing.
func (r *record) upsert(e entry) {
	i := r.find(e.Browser, e.Manifest)
	if i < 0 {
		r.Entries = append(r.Entries, e)
		return
	}
	old := r.Entries[i]
	e.Dirs = mergeUnique(old.Dirs, e.Dirs)
	e.Files = mergeUnique(old.Files, e.Files)
	e.Registry = mergeUnique(old.Registry, e.Registry)
	r.Entries[i] = e
}

func mergeUnique(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// within reports whether e wrote anything inside folder dir.
func (e entry) within(dir string) bool {
	prefix := strings.TrimRight(dir, `/\`) + string(filepath.Separator)
	for _, p := range slices.Concat(e.Files, e.Dirs) {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}
