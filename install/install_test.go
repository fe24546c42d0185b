package install

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fixture is a throwaway computer: a home, an empty system root, an otpfill
// binary and an environment that names only what the test sets.
type fixture struct {
	t    *testing.T
	goos string
	home string
	root string
	exe  string
	vars map[string]string

	// clock replaces the kernel's clock status; nil reads the real one.
	clock func() (kernelClock, error)
}

func newFixture(t *testing.T, goos string) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{
		t: t, goos: goos,
		home: filepath.Join(dir, "home"),
		root: filepath.Join(dir, "root"),
		exe:  filepath.Join(dir, "bin", "otpfill"),
	}
	f.vars = map[string]string{"HOME": f.home, "PATH": ""}
	// Folders every real home has, so that "uninstall leaves the home as
	// it found it" is a fair claim.
	switch goos {
	case "darwin":
		f.mkdir("Library/Application Support")
	default:
		f.mkdir(".config")
		f.mkdir(".local/share")
		f.mkdir(".local/state")
	}
	if err := os.MkdirAll(f.root, 0o755); err != nil {
		t.Fatal(err)
	}
	f.writeExe(f.exe)
	return f
}

func (f *fixture) mkdir(rel string) {
	f.t.Helper()
	if err := os.MkdirAll(filepath.Join(f.home, rel), 0o755); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) write(rel, content string) {
	f.t.Helper()
	p := filepath.Join(f.home, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) read(rel string) string {
	f.t.Helper()
	data, err := os.ReadFile(filepath.Join(f.home, rel))
	if err != nil {
		f.t.Fatal(err)
	}
	return string(data)
}

func (f *fixture) writeExe(p string) {
	f.t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) env() Env {
	return Env{Getenv: func(k string) string { return f.vars[k] }, Executable: f.exe, GOOS: f.goos, Root: f.root, clockKernel: f.clock}
}

func (f *fixture) run(command string, args ...string) (int, string, string) {
	f.t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(command, args, f.env(), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func (f *fixture) mustRun(command string, args ...string) string {
	f.t.Helper()
	code, stdout, stderr := f.run(command, args...)
	if code != 0 {
		f.t.Fatalf("otpfill %s %v: exit %d\nstdout:\n%s\nstderr:\n%s", command, args, code, stdout, stderr)
	}
	return stdout
}

// snapshot lists every file (with its content) and folder (with a trailing
// slash) under home, except the install record, which tests look at
// separately.
func (f *fixture) snapshot() map[string]string {
	f.t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(f.home, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(f.home, p)
		rel = filepath.ToSlash(rel)
		if rel == "." || strings.HasSuffix(rel, "otpfill/installed.json") {
			return nil
		}
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(p)
		out[rel] = string(data)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func chromiumJSON(path string) string {
	return `{
  "name": "io.github.otpfill",
  "description": "otpfill: 2FA codes from your pass store or keyring",
  "path": "` + path + `",
  "type": "stdio",
  "allowed_origins": [
    "chrome-extension://jildhmdggadikfdjbdajmpndajodgmmh/"
  ]
}
`
}

func firefoxJSON(path string) string {
	return `{
  "name": "io.github.otpfill",
  "description": "otpfill: 2FA codes from your pass store or keyring",
  "path": "` + path + `",
  "type": "stdio",
  "allowed_extensions": [
    "otpfill@otpfill.github.io"
  ]
}
`
}

// expectation is where a browser's manifest goes, relative to home, and
// which kind it is. Written out by hand from the browsers' documentation,
// not derived from the code under test.
type expectation struct {
	browser  string
	manifest string
	firefox  bool
	flatpak  string // app id: a wrapper is expected too
}

var linuxExpectations = []expectation{
	{"chrome", ".config/google-chrome/NativeMessagingHosts/io.github.otpfill.json", false, ""},
	{"chromium", ".config/chromium/NativeMessagingHosts/io.github.otpfill.json", false, ""},
	{"brave", ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts/io.github.otpfill.json", false, ""},
	{"edge", ".config/microsoft-edge/NativeMessagingHosts/io.github.otpfill.json", false, ""},
	{"vivaldi", ".config/vivaldi/NativeMessagingHosts/io.github.otpfill.json", false, ""},
	{"firefox", ".mozilla/native-messaging-hosts/io.github.otpfill.json", true, ""},
	{"librewolf", ".librewolf/native-messaging-hosts/io.github.otpfill.json", true, ""},
	{"chrome-flatpak", ".var/app/com.google.Chrome/config/google-chrome/NativeMessagingHosts/io.github.otpfill.json", false, "com.google.Chrome"},
	{"chromium-flatpak", ".var/app/org.chromium.Chromium/config/chromium/NativeMessagingHosts/io.github.otpfill.json", false, "org.chromium.Chromium"},
	{"brave-flatpak", ".var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser/NativeMessagingHosts/io.github.otpfill.json", false, "com.brave.Browser"},
	{"edge-flatpak", ".var/app/com.microsoft.Edge/config/microsoft-edge/NativeMessagingHosts/io.github.otpfill.json", false, "com.microsoft.Edge"},
	{"vivaldi-flatpak", ".var/app/com.vivaldi.Vivaldi/config/vivaldi/NativeMessagingHosts/io.github.otpfill.json", false, "com.vivaldi.Vivaldi"},
	{"firefox-flatpak", ".var/app/org.mozilla.firefox/.mozilla/native-messaging-hosts/io.github.otpfill.json", true, "org.mozilla.firefox"},
	{"librewolf-flatpak", ".var/app/io.gitlab.librewolf-community/.librewolf/native-messaging-hosts/io.github.otpfill.json", true, "io.gitlab.librewolf-community"},
	{"chromium-snap", "snap/chromium/common/chromium/NativeMessagingHosts/io.github.otpfill.json", false, ""},
	{"firefox-snap", ".mozilla/native-messaging-hosts/io.github.otpfill.json", true, ""},
}

var darwinExpectations = []expectation{
	{"chrome", "Library/Application Support/Google/Chrome/NativeMessagingHosts/io.github.otpfill.json", false, ""},
	{"chromium", "Library/Application Support/Chromium/NativeMessagingHosts/io.github.otpfill.json", false, ""},
	{"brave", "Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts/io.github.otpfill.json", false, ""},
	{"edge", "Library/Application Support/Microsoft Edge/NativeMessagingHosts/io.github.otpfill.json", false, ""},
	{"vivaldi", "Library/Application Support/Vivaldi/NativeMessagingHosts/io.github.otpfill.json", false, ""},
	{"firefox", "Library/Application Support/Mozilla/NativeMessagingHosts/io.github.otpfill.json", true, ""},
	{"librewolf", "Library/Application Support/LibreWolf/NativeMessagingHosts/io.github.otpfill.json", true, ""},
}

// expectedFiles returns the files (not folders) install must add for e.
func (f *fixture) expectedFiles(e expectation) map[string]string {
	host := f.exe
	files := map[string]string{}
	if e.flatpak != "" {
		wrapper := ".var/app/" + e.flatpak + "/data/otpfill/otpfill-flatpak-host"
		host = filepath.Join(f.home, wrapper)
		files[wrapper] = "#!/bin/sh\n" +
			"# Written by `otpfill install` for the Flatpak browser " + e.flatpak + ".\n" +
			"# A Flatpak browser cannot start programs outside its sandbox; flatpak-spawn\n" +
			"# asks Flatpak to run otpfill on the host. It works only after:\n" +
			"#   flatpak override --user --talk-name=org.freedesktop.Flatpak " + e.flatpak + "\n" +
			"exec flatpak-spawn --host '" + f.exe + "' \"$@\"\n"
	}
	if e.firefox {
		files[e.manifest] = firefoxJSON(host)
	} else {
		files[e.manifest] = chromiumJSON(host)
	}
	return files
}

func onlyFiles(snap map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range snap {
		if !strings.HasSuffix(k, "/") {
			out[k] = v
		}
	}
	return out
}

func TestInstallUninstallEveryBrowser(t *testing.T) {
	for _, tc := range []struct {
		goos string
		exps []expectation
	}{{"linux", linuxExpectations}, {"darwin", darwinExpectations}} {
		for _, e := range tc.exps {
			t.Run(tc.goos+"/"+e.browser, func(t *testing.T) {
				f := newFixture(t, tc.goos)
				// Something another tool keeps next to our manifest.
				foreign := filepath.ToSlash(filepath.Join(filepath.Dir(e.manifest), "com.example.other.json"))
				f.write(foreign, `{"name":"com.example.other","path":"/usr/bin/other"}`)
				before := f.snapshot()

				f.mustRun("install", "--browser", e.browser)
				after := f.snapshot()
				added := onlyFiles(after)
				for k := range onlyFiles(before) {
					delete(added, k)
				}
				want := f.expectedFiles(e)
				if !maps.Equal(added, want) {
					t.Fatalf("install added files:\n%v\nwant:\n%v", keys(added), keys(want))
				}
				for p, content := range want {
					if got := f.read(p); got != content {
						t.Errorf("%s:\n%s\nwant:\n%s", p, got, content)
					}
					fi, err := os.Stat(filepath.Join(f.home, p))
					if err != nil {
						t.Fatal(err)
					}
					wantMode := os.FileMode(0o644)
					if strings.HasSuffix(p, wrapperName) {
						wantMode = 0o755
					}
					if fi.Mode().Perm() != wantMode {
						t.Errorf("%s has mode %v, want %v", p, fi.Mode().Perm(), wantMode)
					}
				}

				// A second install changes nothing.
				out := f.mustRun("install", "--browser", e.browser)
				if !strings.Contains(out, "up to date") || strings.Contains(out, "wrote") {
					t.Errorf("second install output:\n%s", out)
				}
				if again := f.snapshot(); !maps.Equal(again, after) {
					t.Errorf("second install changed the home: %v", keys(again))
				}

				f.mustRun("uninstall", "--browser", e.browser)
				if got := f.snapshot(); !maps.Equal(got, before) {
					t.Errorf("after uninstall the home holds:\n%v\nwant as before install:\n%v", keys(got), keys(before))
				}
				if _, err := os.Stat(filepath.Join(f.home, foreign)); err != nil {
					t.Errorf("uninstall touched another tool's manifest: %v", err)
				}
			})
		}
	}
}

func keys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

func TestInstallCreatesFoldersWith0755AndRemovesOnlyThose(t *testing.T) {
	f := newFixture(t, "linux")
	before := f.snapshot()
	f.mustRun("install", "--browser", "brave")
	for _, d := range []string{".config/BraveSoftware", ".config/BraveSoftware/Brave-Browser", ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts"} {
		fi, err := os.Stat(filepath.Join(f.home, d))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o755 {
			t.Errorf("%s has mode %v, want 0755", d, fi.Mode().Perm())
		}
	}
	// The browser starts and fills the folder install created.
	f.write(".config/BraveSoftware/Brave-Browser/Local State", "{}")
	f.mustRun("uninstall")
	after := f.snapshot()
	if _, ok := after[".config/BraveSoftware/Brave-Browser/NativeMessagingHosts/"]; ok {
		t.Error("uninstall left the empty NativeMessagingHosts folder it created")
	}
	if _, ok := after[".config/BraveSoftware/Brave-Browser/Local State"]; !ok {
		t.Error("uninstall removed the browser's own file")
	}
	delete(after, ".config/BraveSoftware/")
	delete(after, ".config/BraveSoftware/Brave-Browser/")
	delete(after, ".config/BraveSoftware/Brave-Browser/Local State")
	if !maps.Equal(after, before) {
		t.Errorf("after uninstall: %v, want %v", keys(after), keys(before))
	}
}

func TestInstallHonoursXDGConfigHome(t *testing.T) {
	f := newFixture(t, "linux")
	cfg := filepath.Join(f.home, "cfg")
	f.vars["XDG_CONFIG_HOME"] = cfg
	f.mustRun("install", "--browser", "chrome,vivaldi", "--browser", "firefox")
	for _, p := range []string{
		"cfg/google-chrome/NativeMessagingHosts/io.github.otpfill.json",
		"cfg/vivaldi/NativeMessagingHosts/io.github.otpfill.json",
		// Firefox does not follow XDG_CONFIG_HOME for manifests.
		".mozilla/native-messaging-hosts/io.github.otpfill.json",
	} {
		if _, err := os.Stat(filepath.Join(f.home, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(f.home, ".config/google-chrome")); err == nil {
		t.Error("wrote under ~/.config although XDG_CONFIG_HOME points elsewhere")
	}
}

func TestInstallFindsBrowsers(t *testing.T) {
	f := newFixture(t, "linux")
	f.mkdir(".config/chromium/Default")           // a profile
	f.mkdir(".mozilla/firefox/abc.default")       // a profile
	binDir := filepath.Join(f.root, "usr", "bin") // a program in PATH
	f.writeExe(filepath.Join(binDir, "brave-browser"))
	f.vars["PATH"] = binDir
	if err := os.MkdirAll(filepath.Join(f.root, "snap", "chromium"), 0o755); err != nil { // a snap
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(f.root, "var/lib/flatpak/app/org.mozilla.firefox"), 0o755); err != nil { // a system Flatpak
		t.Fatal(err)
	}
	out := f.mustRun("install")
	for _, want := range []string{"found Chromium", "found Firefox (", "found Brave", "found Chromium (Snap)", "found Firefox (Flatpak)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var got []string
	for p := range onlyFiles(f.snapshot()) {
		got = append(got, p)
	}
	slices.Sort(got)
	want := []string{
		".config/BraveSoftware/Brave-Browser/NativeMessagingHosts/io.github.otpfill.json",
		".config/chromium/NativeMessagingHosts/io.github.otpfill.json",
		".mozilla/native-messaging-hosts/io.github.otpfill.json",
		".var/app/org.mozilla.firefox/.mozilla/native-messaging-hosts/io.github.otpfill.json",
		".var/app/org.mozilla.firefox/data/otpfill/otpfill-flatpak-host",
		"snap/chromium/common/chromium/NativeMessagingHosts/io.github.otpfill.json",
	}
	if !slices.Equal(got, want) {
		t.Errorf("install wrote\n%v\nwant\n%v", got, want)
	}
	if !strings.Contains(out, "flatpak override --user --talk-name=org.freedesktop.Flatpak org.mozilla.firefox") {
		t.Errorf("install did not tell how to let the Flatpak browser start otpfill:\n%s", out)
	}

	f.mustRun("uninstall")
	if left := onlyFiles(f.snapshot()); len(left) != 0 {
		t.Errorf("uninstall left %v", keys(left))
	}
}

// TestInstallNothingFound: a machine with no browser yet (`make install`
// before the browser) is not a failure: nothing is written, and the output
// says what to do next.
func TestInstallNothingFound(t *testing.T) {
	f := newFixture(t, "linux")
	before := f.snapshot()
	code, stdout, stderr := f.run("install")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"no supported browser found", "nothing registered yet", "run 'otpfill install' again", "--browser NAME"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the output does not say %q:\n%s", want, stdout)
		}
	}
	if after := f.snapshot(); !maps.Equal(after, before) {
		t.Errorf("install with no browser wrote files: %v", keys(onlyFiles(after)))
	}
}

func TestManifestDir(t *testing.T) {
	f := newFixture(t, "linux")
	profile := filepath.Join(t.TempDir(), "profile")
	dir := filepath.Join(profile, "NativeMessagingHosts")
	before := f.snapshot()

	f.mustRun("install", "--browser", "chromium", "--manifest-dir", dir)
	data, err := os.ReadFile(filepath.Join(dir, "io.github.otpfill.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != chromiumJSON(f.exe) {
		t.Errorf("manifest:\n%s", data)
	}
	f.mustRun("install", "--browser", "firefox", "--manifest-dir", profile)
	data, err = os.ReadFile(filepath.Join(profile, "io.github.otpfill.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != firefoxJSON(f.exe) {
		t.Errorf("manifest:\n%s", data)
	}
	if got := onlyFiles(f.snapshot()); !maps.Equal(got, onlyFiles(before)) {
		t.Errorf("--manifest-dir wrote into home: %v", keys(got))
	}

	f.mustRun("uninstall", "--browser", "chromium", "--manifest-dir", dir)
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("uninstall left the folder install created: %v", err)
	}
	if _, err := os.Stat(filepath.Join(profile, "io.github.otpfill.json")); err != nil {
		t.Errorf("uninstall of chromium's manifest-dir removed firefox's manifest: %v", err)
	}
	f.mustRun("uninstall", "--browser", "firefox", "--manifest-dir", profile)
	if _, err := os.Stat(profile); !os.IsNotExist(err) {
		t.Errorf("uninstall left the profile folder install created: %v", err)
	}
	if _, err := os.Stat(filepath.Join(f.home, ".local/state/otpfill")); !os.IsNotExist(err) {
		t.Errorf("uninstall left the empty record folder: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		command string
		args    []string
		stderr  string
	}{
		{"unknown browser", "install", []string{"--browser", "netscape"}, "unknown browser"},
		{"unknown browser in a list", "uninstall", []string{"--browser", "chrome,netscape"}, "netscape"},
		{"manifest-dir without browser", "install", []string{"--manifest-dir", "/tmp/x"}, "--manifest-dir needs --browser"},
		{"relative path", "install", []string{"--browser", "chrome", "--path", "bin/otpfill"}, "absolute"},
		{"unknown flag", "doctor", []string{"--frobnicate"}, "frobnicate"},
		{"argument", "install", []string{"chrome"}, "unexpected argument"},
		{"unknown command", "reinstall", nil, "unknown command"},
		{"flatpak on macOS", "install", []string{"--browser", "firefox-flatpak"}, "only on Linux"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			goos := "linux"
			if strings.Contains(tc.name, "macOS") {
				goos = "darwin"
			}
			f := newFixture(t, goos)
			before := f.snapshot()
			code, stdout, stderr := f.run(tc.command, tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stdout:\n%s", code, stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			if after := f.snapshot(); !maps.Equal(after, before) {
				t.Errorf("a usage error changed files: %v", keys(after))
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, command := range []string{"install", "uninstall", "doctor"} {
		f := newFixture(t, "linux")
		code, stdout, stderr := f.run(command, "--help")
		if code != 0 || !strings.HasPrefix(stdout, "Usage: otpfill "+command) || stderr != "" {
			t.Errorf("%s --help: exit %d\nstdout:\n%s\nstderr:\n%s", command, code, stdout, stderr)
		}
		if !strings.Contains(stdout, "chromium-flatpak") {
			t.Errorf("%s --help does not list the browser names", command)
		}
	}
}

func TestInstallRejectsMissingBinary(t *testing.T) {
	f := newFixture(t, "linux")
	code, _, stderr := f.run("install", "--browser", "chrome", "--path", "/nonexistent/otpfill")
	if code != 1 || !strings.Contains(stderr, "/nonexistent/otpfill does not exist") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if files := onlyFiles(f.snapshot()); len(files) != 0 {
		t.Errorf("wrote %v", keys(files))
	}
}

func TestInstallPathOverride(t *testing.T) {
	f := newFixture(t, "linux")
	other := filepath.Join(f.root, "usr/local/bin/otpfill")
	f.writeExe(other)
	f.mustRun("install", "--browser", "firefox", "--path", other)
	if got := f.read(".mozilla/native-messaging-hosts/io.github.otpfill.json"); got != firefoxJSON(other) {
		t.Errorf("manifest:\n%s", got)
	}
}

func TestUninstallLeavesChangedManifest(t *testing.T) {
	f := newFixture(t, "linux")
	f.mustRun("install", "--browser", "chromium")
	const p = ".config/chromium/NativeMessagingHosts/io.github.otpfill.json"
	// Someone replaced our manifest with one for a different program.
	mine := `{"name":"io.github.otpfill","path":"/usr/bin/something-else","type":"stdio"}`
	f.write(p, mine)
	out := f.mustRun("uninstall")
	if !strings.Contains(out, "left ~/"+p+" alone") {
		t.Errorf("output:\n%s", out)
	}
	if got := f.read(p); got != mine {
		t.Errorf("uninstall changed a file that is no longer ours: %s", got)
	}
}

func TestUninstallWithoutRecord(t *testing.T) {
	f := newFixture(t, "linux")
	f.mustRun("install", "--browser", "edge")
	if err := os.Remove(filepath.Join(f.home, ".local/state/otpfill/installed.json")); err != nil {
		t.Fatal(err)
	}
	f.write(".config/microsoft-edge/NativeMessagingHosts/com.example.other.json", `{"name":"com.example.other","path":"/usr/bin/otpfill"}`)
	out := f.mustRun("uninstall", "--browser", "edge")
	if !strings.Contains(out, "removed ~/.config/microsoft-edge/NativeMessagingHosts/io.github.otpfill.json") {
		t.Errorf("output:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(f.home, ".config/microsoft-edge/NativeMessagingHosts/com.example.other.json")); err != nil {
		t.Error("removed a manifest with another host name")
	}
}

func TestSharedManifestKeptWhileUsed(t *testing.T) {
	f := newFixture(t, "linux")
	f.mustRun("install", "--browser", "firefox,firefox-snap")
	const p = ".mozilla/native-messaging-hosts/io.github.otpfill.json"
	out := f.mustRun("uninstall", "--browser", "firefox")
	if !strings.Contains(out, "still used by firefox-snap") {
		t.Errorf("output:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(f.home, p)); err != nil {
		t.Fatalf("removed a manifest firefox-snap still uses: %v", err)
	}
	f.mustRun("uninstall", "--browser", "firefox-snap")
	if _, err := os.Stat(filepath.Join(f.home, p)); !os.IsNotExist(err) {
		t.Errorf("manifest still there after both uninstalls: %v", err)
	}
}

func TestRecordFormat(t *testing.T) {
	f := newFixture(t, "linux")
	f.vars["XDG_STATE_HOME"] = filepath.Join(f.home, "state")
	f.mustRun("install", "--browser", "vivaldi")
	data, err := os.ReadFile(filepath.Join(f.home, "state/otpfill/installed.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Version int
		Entries []struct {
			Browser, Manifest, Binary string
			Files, Dirs               []string
		}
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	m := filepath.Join(f.home, ".config/vivaldi/NativeMessagingHosts/io.github.otpfill.json")
	if r.Version != 1 || len(r.Entries) != 1 || r.Entries[0].Browser != "vivaldi" || r.Entries[0].Manifest != m ||
		r.Entries[0].Binary != f.exe || !slices.Equal(r.Entries[0].Files, []string{m}) ||
		!slices.Equal(r.Entries[0].Dirs, []string{filepath.Join(f.home, ".config/vivaldi"), filepath.Join(f.home, ".config/vivaldi/NativeMessagingHosts")}) {
		t.Errorf("record:\n%s", data)
	}
}

func TestManifestDirRefusesMixedFlavors(t *testing.T) {
	f := newFixture(t, "linux")
	code, _, stderr := f.run("install", "--browser", "chromium,firefox", "--manifest-dir", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "need different manifests") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

// LibreWolf users often link its manifest folder to Firefox's: removing
// LibreWolf's manifest must not remove the one Firefox still reads.
func TestSymlinkedFolderSharedFile(t *testing.T) {
	f := newFixture(t, "linux")
	f.mkdir(".mozilla/native-messaging-hosts")
	f.mkdir(".librewolf")
	if err := os.Symlink(filepath.Join(f.home, ".mozilla/native-messaging-hosts"), filepath.Join(f.home, ".librewolf/native-messaging-hosts")); err != nil {
		t.Fatal(err)
	}
	f.mustRun("install", "--browser", "firefox,librewolf")
	out := f.mustRun("uninstall", "--browser", "librewolf")
	if _, err := os.Stat(filepath.Join(f.home, ".mozilla/native-messaging-hosts/io.github.otpfill.json")); err != nil {
		t.Fatalf("uninstalling librewolf removed firefox's manifest through the symlink:\n%s", out)
	}
	f.mustRun("uninstall", "--browser", "firefox")
	if _, err := os.Stat(filepath.Join(f.home, ".mozilla/native-messaging-hosts/io.github.otpfill.json")); !os.IsNotExist(err) {
		t.Errorf("manifest still there: %v", err)
	}
}
