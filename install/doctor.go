package install

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Status is how a Check came out.
type Status string

// Statuses: OK, WARN (works, or may, but look) and FAIL (broken).
const (
	StatusOK   Status = "OK"
	StatusWarn Status = "WARN"
	StatusFail Status = "FAIL"
)

// Check is one line of the doctor's report: what was checked, what was
// found and, when something is wrong, what to do about it.
type Check struct {
	Status  Status `json:"status"`
	Subject string `json:"subject"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

func (c Check) String() string {
	s := fmt.Sprintf("%-4s %s: %s", c.Status, c.Subject, c.Message)
	if c.Fix != "" {
		s += " — " + c.Fix
	}
	return s
}

// hostTimeout bounds the host's checks (stores, gpg) as a whole.
const hostTimeout = 30 * time.Second

// backupTimeout bounds the backup check, which decrypts every entry.
const backupTimeout = 30 * time.Second

// backupCheck is doctor's line about second copies: a warning, not a
// failure, when a key has none (otpfill works; the user is at risk).
func backupCheck(summary func(context.Context) (bool, string, error)) Check {
	ctx, cancel := context.WithTimeout(context.Background(), backupTimeout)
	defer cancel()
	covered, line, err := summary(ctx)
	switch {
	case err != nil:
		return Check{StatusWarn, "backup", fmt.Sprintf("not checked: %v", err), "run `otpfill backup status`"}
	case ctx.Err() != nil:
		return Check{StatusWarn, "backup", fmt.Sprintf("not checked within %v", backupTimeout), "run `otpfill backup status`"}
	case !covered:
		return Check{StatusWarn, "backup", line, "see `otpfill backup status`; `otpfill backup sync` copies what is missing"}
	}
	return Check{StatusOK, "backup", line, ""}
}

// programTimeout bounds each program doctor runs (git, the clock's).
const programTimeout = 5 * time.Second

func runDoctor(v *env, o *options, targets []target, stdout, stderr io.Writer) int {
	var checks []Check
	add := func(c Check) { checks = append(checks, c) }

	exe := v.Executable
	if o.path != "" {
		exe = o.path
	}
	add(v.checkBinary(exe))

	explicit := len(o.browsers) > 0
	anyManifest := false
	seen := map[string]bool{}
	for _, t := range targets {
		// Two targets can share a manifest (firefox and firefox-snap): the
		// second is worth a line only if its browser is there or was named.
		if seen[t.manifest] && !explicit {
			if ok, _ := v.found(t); !ok {
				continue
			}
		}
		seen[t.manifest] = true
		cs, present := v.checkTarget(t, exe, explicit)
		for _, c := range cs {
			add(c)
		}
		anyManifest = anyManifest || present
	}
	if !anyManifest && !explicit {
		add(Check{StatusFail, "browsers", "no browser is set up to start otpfill", "run `otpfill install`"})
	}

	if v.HostChecks != nil {
		ctx, cancel := context.WithTimeout(context.Background(), hostTimeout)
		checks = append(checks, v.HostChecks(ctx)...)
		cancel()
	}
	for _, dir := range v.GitStores {
		checks = append(checks, v.checkGit(dir)...)
	}
	if v.BackupSummary != nil {
		add(backupCheck(v.BackupSummary))
	}
	add(v.checkClock())

	failed := false
	for _, c := range checks {
		failed = failed || c.Status == StatusFail
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(checks); err != nil {
			fmt.Fprintf(stderr, "otpfill doctor: %v\n", err)
			return 1
		}
	} else {
		for _, c := range checks {
			fmt.Fprintln(stdout, c)
		}
	}
	if failed {
		return 1
	}
	return 0
}

func (v *env) checkBinary(exe string) Check {
	c := Check{Subject: "binary"}
	if !v.isAbs(exe) {
		c.Status, c.Message = StatusFail, fmt.Sprintf("%s is not an absolute path", exe)
		c.Fix = "pass the absolute path with --path"
		return c
	}
	ok, err := v.isExecutable(exe)
	switch {
	case os.IsNotExist(err):
		c.Status, c.Message, c.Fix = StatusFail, exe+" does not exist", "build it (make build) and run it from where it will stay"
	case err != nil:
		c.Status, c.Message, c.Fix = StatusFail, fmt.Sprintf("%s: %v", exe, err), "point --path at the otpfill binary"
	case !ok:
		c.Status, c.Message, c.Fix = StatusFail, exe+" is not executable", "run `chmod +x "+exe+"`"
	case looksTemporary(exe):
		c.Status, c.Message = StatusWarn, exe+" is a temporary build (go run) that will be deleted"
		c.Fix = "install a built binary (make install) and run `otpfill install` with it"
	default:
		c.Status, c.Message = StatusOK, exe
	}
	return c
}

// checkTarget checks t's manifest (and registry keys, and sandbox). It
// reports whether a manifest is there at all. A browser that is neither
// found, nor named, nor registered is not mentioned.
func (v *env) checkTarget(t target, exe string, explicit bool) ([]Check, bool) {
	found, _ := v.found(t)
	var out []Check
	installFix := "run `otpfill install --browser " + t.name + "`"

	manifestPath := t.manifest
	if len(t.regKeys) > 0 {
		// On Windows the browser follows the registry; a key pointing at
		// another file is what it will read.
		keyFound := false
		for _, key := range t.regKeys {
			cur, err := v.Registry.GetDefault(key)
			if notExist(err) {
				continue
			}
			if err != nil {
				out = append(out, Check{StatusFail, t.name, err.Error(), installFix})
				return out, false
			}
			keyFound = true
			manifestPath = cur
			break
		}
		if !keyFound {
			if found || explicit {
				out = append(out, Check{StatusWarn, t.name, t.title + " is not set up for otpfill (no registry key HKCU\\" + t.regKeys[0] + ")", installFix})
			}
			return out, false
		}
	}

	shown := v.tildify(manifestPath)
	data, err := os.ReadFile(manifestPath)
	if os.IsNotExist(err) {
		if explicit {
			out = append(out, Check{StatusFail, t.name, "no manifest at " + shown, installFix})
		} else if found {
			out = append(out, Check{StatusWarn, t.name, t.title + " is installed but not set up for otpfill (no " + shown + ")", installFix})
		}
		if found && t.sandbox != noSandbox {
			out = append(out, v.checkSandbox(t))
		}
		return out, false
	}
	if err != nil {
		return append(out, Check{StatusFail, t.name, fmt.Sprintf("cannot read manifest %s: %v", shown, err), "check the file's permissions, then " + installFix}), true
	}
	m, err := parseManifest(data)
	if err != nil {
		return append(out, Check{StatusFail, t.name, fmt.Sprintf("manifest %s is not valid JSON: %v", shown, err), installFix}), true
	}
	if ps := m.problems(t.flavor, v.isAbs); len(ps) > 0 {
		return append(out, Check{StatusFail, t.name, fmt.Sprintf("manifest %s is wrong: %s", shown, strings.Join(ps, "; ")), installFix}), true
	}

	if t.wrapper != "" {
		out = append(out, v.checkWrapper(t, m, shown, exe, installFix))
	} else {
		out = append(out, v.checkHostPath(t, m.Path, shown, exe, installFix))
	}
	if t.sandbox != noSandbox {
		out = append(out, v.checkSandbox(t))
	}
	return out, true
}

// checkHostPath checks the program a manifest starts.
func (v *env) checkHostPath(t target, host, shown, exe, installFix string) Check {
	ok, err := v.isExecutable(host)
	switch {
	case os.IsNotExist(err):
		return Check{StatusFail, t.name, fmt.Sprintf("manifest %s starts %s, which does not exist", shown, host), installFix}
	case err != nil:
		return Check{StatusFail, t.name, fmt.Sprintf("manifest %s starts %s: %v", shown, host, err), installFix}
	case !ok:
		return Check{StatusFail, t.name, fmt.Sprintf("manifest %s starts %s, which is not executable", shown, host), "run `chmod +x " + host + "`, or " + installFix}
	case host != exe:
		return Check{StatusWarn, t.name, fmt.Sprintf("manifest %s starts %s, not this binary %s", shown, host, exe),
			"if " + exe + " is the one you use, " + installFix + " with it"}
	}
	return Check{StatusOK, t.name, fmt.Sprintf("manifest %s starts %s", shown, host), ""}
}

// checkWrapper checks a Flatpak manifest: it must start our wrapper, and
// the wrapper must run this binary.
func (v *env) checkWrapper(t target, m manifest, shown, exe, installFix string) Check {
	if m.Path != t.wrapper {
		return Check{StatusFail, t.name, fmt.Sprintf("manifest %s starts %s; a Flatpak browser can only start it through the wrapper %s", shown, m.Path, v.tildify(t.wrapper)), installFix}
	}
	data, err := os.ReadFile(t.wrapper)
	if err != nil {
		return Check{StatusFail, t.name, fmt.Sprintf("manifest %s starts the wrapper %s, which cannot be read: %v", shown, v.tildify(t.wrapper), err), installFix}
	}
	if !bytes.Equal(data, wrapperScript(exe, t.appID)) {
		return Check{StatusWarn, t.name, fmt.Sprintf("the wrapper %s does not start this binary %s", v.tildify(t.wrapper), exe), installFix}
	}
	if ok, _ := v.isExecutable(t.wrapper); !ok {
		return Check{StatusFail, t.name, fmt.Sprintf("the wrapper %s is not executable", v.tildify(t.wrapper)), installFix}
	}
	return Check{StatusOK, t.name, fmt.Sprintf("manifest %s starts %s through %s", shown, exe, v.tildify(t.wrapper)), ""}
}

// checkSandbox says what a sandboxed browser needs, and whether it has it.
func (v *env) checkSandbox(t target) Check {
	subject := t.name
	switch {
	case t.sandbox == flatpakSandbox:
		if where := v.flatpakTalkGranted(t.appID); where != "" {
			return Check{StatusOK, subject, fmt.Sprintf("%s may run otpfill outside its Flatpak sandbox (org.freedesktop.Flatpak allowed in %s)", t.title, where), ""}
		}
		return Check{StatusWarn, subject,
			t.title + " runs in a Flatpak sandbox and cannot start otpfill until it may ask Flatpak to run programs outside it (this weakens the browser's sandbox)",
			"run `flatpak override --user --talk-name=org.freedesktop.Flatpak " + t.appID + "` and restart the browser, or use the browser from your distribution's packages"}
	case t.flavor == chromiumFlavor:
		return Check{StatusWarn, subject,
			t.title + " cannot start native-messaging hosts: its snap confinement forbids running programs outside the snap, and it does not use the desktop portal",
			"install Chromium from a distribution package (or use Firefox, whose snap works)"}
	default:
		return Check{StatusOK, subject,
			t.title + " starts otpfill through the desktop portal (xdg-desktop-portal), which reads ~/.mozilla/native-messaging-hosts and asks you once; if you answered \"Don't allow\", run `flatpak permission-set webextensions " + HostName + " snap." + t.appID + " yes`", ""}
	}
}

// flatpakTalkGranted returns the override file that lets app talk to
// org.freedesktop.Flatpak (what flatpak-spawn --host needs), or "".
func (v *env) flatpakTalkGranted(app string) string {
	for _, f := range []string{
		v.join(v.dataHome, "flatpak", "overrides", app),
		v.join(v.dataHome, "flatpak", "overrides", "global"),
		v.sys("/var/lib/flatpak/overrides/" + app),
		v.sys("/var/lib/flatpak/overrides/global"),
	} {
		if overrideAllowsFlatpakTalk(f) {
			return v.tildify(f)
		}
	}
	return ""
}

// overrideAllowsFlatpakTalk reads a Flatpak override (a keyfile) for
// "org.freedesktop.Flatpak=talk" (or own) in [Session Bus Policy].
func overrideAllowsFlatpakTalk(file string) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = line
			continue
		}
		if section != "[Session Bus Policy]" {
			continue
		}
		k, val, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(k) == "org.freedesktop.Flatpak" {
			val = strings.TrimSpace(val)
			return val == "talk" || val == "own"
		}
	}
	return false
}
