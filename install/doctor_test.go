package install

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// line returns the report line for subject, failing the test if there is
// not exactly one.
func line(t *testing.T, report, subject string) string {
	t.Helper()
	var found []string
	for _, l := range strings.Split(report, "\n") {
		if len(l) > 5 && strings.HasPrefix(l[5:], subject+": ") {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %q line, got %d in:\n%s", subject, len(found), report)
	}
	return found[0]
}

func TestDoctorAllFineForManifests(t *testing.T) {
	for _, goos := range []string{"linux", "darwin"} {
		t.Run(goos, func(t *testing.T) {
			f := newFixture(t, goos)
			f.mustRun("install", "--browser", "chromium,firefox")
			code, out, _ := f.run("doctor")
			if code != 0 {
				t.Errorf("exit %d:\n%s", code, out)
			}
			if l := line(t, out, "binary"); !strings.HasPrefix(l, "OK   binary: "+f.exe) {
				t.Errorf("binary line: %s", l)
			}
			for _, b := range []string{"chromium", "firefox"} {
				if l := line(t, out, b); !strings.HasPrefix(l, "OK   "+b+": manifest ~/") || !strings.HasSuffix(l, "starts "+f.exe) {
					t.Errorf("%s line: %s", b, l)
				}
			}
			if strings.Contains(out, "FAIL") {
				t.Errorf("a FAIL although nothing is broken:\n%s", out)
			}
		})
	}
}

func TestDoctorBrokenManifest(t *testing.T) {
	const rel = ".config/chromium/NativeMessagingHosts/io.github.otpfill.json"
	for _, tc := range []struct {
		name     string
		manifest func(exe string) string
		want     string
	}{
		{"invalid JSON", func(exe string) string { return `{"name": "io.github.otpfill",` }, "is not valid JSON"},
		{"wrong path", func(exe string) string { return chromiumJSON("/nonexistent/otpfill") }, "starts /nonexistent/otpfill, which does not exist"},
		{"relative path", func(exe string) string { return chromiumJSON("bin/otpfill") }, `its path "bin/otpfill" is not absolute`},
		{"missing id", func(exe string) string {
			return strings.Replace(chromiumJSON(exe), "jildhmdggadikfdjbdajmpndajodgmmh", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1)
		}, "allowed_origins lacks chrome-extension://jildhmdggadikfdjbdajmpndajodgmmh/"},
		{"firefox ids in a chromium manifest", func(exe string) string { return firefoxJSON(exe) }, "allowed_origins lacks"},
		{"wrong name", func(exe string) string {
			return strings.Replace(chromiumJSON(exe), `"io.github.otpfill"`, `"io.github.other"`, 1)
		}, `its name is "io.github.other"`},
		{"wrong type", func(exe string) string { return strings.Replace(chromiumJSON(exe), `"stdio"`, `"pipe"`, 1) }, `its type is "pipe"`},
		{"two JSON values", func(exe string) string { return chromiumJSON(exe) + "{}" }, "is not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "linux")
			f.write(rel, tc.manifest(f.exe))
			code, out, _ := f.run("doctor")
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			l := line(t, out, "chromium")
			if !strings.HasPrefix(l, "FAIL chromium: ") || !strings.Contains(l, "~/"+rel) || !strings.Contains(l, tc.want) ||
				!strings.HasSuffix(l, "run `otpfill install --browser chromium`") {
				t.Errorf("chromium line:\n%s\nwant FAIL naming ~/%s, saying %q and how to fix it", l, rel, tc.want)
			}
		})
	}
}

func TestDoctorManifestDir(t *testing.T) {
	f := newFixture(t, "linux")
	dir := t.TempDir()
	f.mustRun("install", "--browser", "firefox", "--manifest-dir", dir)
	code, out, _ := f.run("doctor", "--browser", "firefox", "--manifest-dir", dir)
	if code != 0 || !strings.HasPrefix(line(t, out, "firefox"), "OK") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if err := os.WriteFile(filepath.Join(dir, manifestFile), []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = f.run("doctor", "--browser", "firefox", "--manifest-dir", dir)
	if l := line(t, out, "firefox"); code != 1 || !strings.Contains(l, filepath.Join(dir, manifestFile)+" is not valid JSON") {
		t.Errorf("exit %d, line: %s", code, l)
	}
	// Asked about a browser with no manifest there: a failure.
	code, out, _ = f.run("doctor", "--browser", "chrome", "--manifest-dir", t.TempDir())
	if l := line(t, out, "chrome"); code != 1 || !strings.HasPrefix(l, "FAIL chrome: no manifest at") {
		t.Errorf("exit %d, line: %s", code, l)
	}
}

func TestDoctorNothingInstalled(t *testing.T) {
	f := newFixture(t, "linux")
	code, out, _ := f.run("doctor")
	if l := line(t, out, "browsers"); code != 1 || !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, "`otpfill install`") {
		t.Errorf("exit %d, line: %s", code, l)
	}
}

func TestDoctorFoundButNotInstalled(t *testing.T) {
	f := newFixture(t, "linux")
	f.mkdir(".config/google-chrome/Default")
	f.mustRun("install", "--browser", "firefox")
	_, out, _ := f.run("doctor")
	if l := line(t, out, "chrome"); !strings.HasPrefix(l, "WARN chrome: Google Chrome is installed but not set up") || !strings.HasSuffix(l, "run `otpfill install --browser chrome`") {
		t.Errorf("chrome line: %s", l)
	}
}

func TestDoctorOtherBinaryAndBrokenBinary(t *testing.T) {
	f := newFixture(t, "linux")
	other := filepath.Join(f.root, "usr/local/bin/otpfill")
	f.writeExe(other)
	f.mustRun("install", "--browser", "edge", "--path", other)
	code, out, _ := f.run("doctor")
	if l := line(t, out, "edge"); code != 0 || !strings.HasPrefix(l, "WARN edge:") || !strings.Contains(l, "not this binary "+f.exe) {
		t.Errorf("exit %d, line: %s", code, l)
	}
	if err := os.Chmod(other, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = f.run("doctor", "--path", other)
	if l := line(t, out, "binary"); code != 1 || !strings.HasPrefix(l, "FAIL binary: "+other+" is not executable") {
		t.Errorf("exit %d, line: %s", code, l)
	}
	if l := line(t, out, "edge"); !strings.HasPrefix(l, "FAIL edge:") || !strings.Contains(l, "which is not executable") {
		t.Errorf("line: %s", l)
	}
}

func TestDoctorFlatpak(t *testing.T) {
	f := newFixture(t, "linux")
	f.mustRun("install", "--browser", "firefox-flatpak")
	_, out, _ := f.run("doctor")
	lines := []string{}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, " firefox-flatpak: ") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "OK") || !strings.Contains(lines[0], "through ~/.var/app/org.mozilla.firefox/data/otpfill/otpfill-flatpak-host") ||
		!strings.HasPrefix(lines[1], "WARN") || !strings.Contains(lines[1], "flatpak override --user --talk-name=org.freedesktop.Flatpak org.mozilla.firefox") {
		t.Errorf("firefox-flatpak lines:\n%s", strings.Join(lines, "\n"))
	}

	f.write(".local/share/flatpak/overrides/org.mozilla.firefox", "[Context]\nfilesystems=home\n\n[Session Bus Policy]\norg.freedesktop.Flatpak=talk\n")
	_, out, _ = f.run("doctor")
	if !strings.Contains(out, "OK   firefox-flatpak: Firefox (Flatpak) may run otpfill outside its Flatpak sandbox") {
		t.Errorf("granted override not seen:\n%s", out)
	}

	// A wrapper that starts some other binary.
	f.write(".var/app/org.mozilla.firefox/data/otpfill/otpfill-flatpak-host", string(wrapperScript("/elsewhere/otpfill", "org.mozilla.firefox")))
	_, out, _ = f.run("doctor")
	if !strings.Contains(out, "does not start this binary") {
		t.Errorf("stale wrapper not reported:\n%s", out)
	}
}

func TestDoctorSnaps(t *testing.T) {
	f := newFixture(t, "linux")
	for _, s := range []string{"chromium", "firefox"} {
		if err := os.MkdirAll(filepath.Join(f.root, "snap", s), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f.mustRun("install", "--browser", "chromium-snap,firefox-snap")
	_, out, _ := f.run("doctor")
	if !strings.Contains(out, "WARN chromium-snap: Chromium (Snap) cannot start native-messaging hosts") {
		t.Errorf("no honest word about the Chromium snap:\n%s", out)
	}
	if !strings.Contains(out, "snap.firefox yes") {
		t.Errorf("no word about the Firefox snap's portal permission:\n%s", out)
	}
}

// TestDoctorHostChecks: the host's checks (stores, gpg) are the CLI's to
// make; doctor prints them with its own and fails when one fails.
func TestDoctorHostChecks(t *testing.T) {
	f := newFixture(t, "linux")
	f.mustRun("install", "--browser", "chrome")
	env := f.env()
	asked := 0
	env.HostChecks = func(ctx context.Context) []Check {
		asked++
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the host's checks run without a deadline")
		}
		return []Check{{StatusOK, "gpg", "/usr/bin/gpg", ""}, {StatusFail, "store work", "~/work cannot be read", "fix it"}}
	}
	var stdout, stderr bytes.Buffer
	code := Main("doctor", nil, env, &stdout, &stderr)
	out := stdout.String()
	if code != 1 || asked != 1 {
		t.Errorf("exit %d, host checks asked %d times:\n%s", code, asked, out)
	}
	if l := line(t, out, "store work"); l != "FAIL store work: ~/work cannot be read — fix it" {
		t.Errorf("line: %s", l)
	}
	if l := line(t, out, "gpg"); l != "OK   gpg: /usr/bin/gpg" {
		t.Errorf("line: %s", l)
	}
}

func TestDoctorJSON(t *testing.T) {
	f := newFixture(t, "linux")
	f.write(".mozilla/native-messaging-hosts/io.github.otpfill.json", "[]")
	code, out, _ := f.run("doctor", "--json")
	var checks []Check
	if err := json.Unmarshal([]byte(out), &checks); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	var saw bool
	for _, c := range checks {
		if c.Subject == "firefox" {
			saw = c.Status == StatusFail && strings.Contains(c.Message, "not valid JSON") && strings.Contains(c.Fix, "--browser firefox")
		}
	}
	if !saw {
		t.Errorf("no FAIL for firefox in %s", out)
	}
}
