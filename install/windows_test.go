package install

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeRegistry is HKEY_CURRENT_USER in a map.
type fakeRegistry map[string]string

func (r fakeRegistry) SetDefault(key, value string) error { r[key] = value; return nil }

func (r fakeRegistry) GetDefault(key string) (string, error) {
	v, ok := r[key]
	if !ok {
		return "", fmt.Errorf("registry key HKCU\\%s: %w", key, fs.ErrNotExist)
	}
	return v, nil
}

func (r fakeRegistry) DeleteKey(key string) error {
	if _, ok := r[key]; !ok {
		return fmt.Errorf("registry key HKCU\\%s: %w", key, fs.ErrNotExist)
	}
	delete(r, key)
	return nil
}

func TestWindowsLayout(t *testing.T) {
	vars := map[string]string{
		"USERPROFILE":  `C:\Users\u`,
		"LOCALAPPDATA": `C:\Users\u\AppData\Local`,
		"APPDATA":      `C:\Users\u\AppData\Roaming`,
	}
	v, err := newEnv(Env{Getenv: func(k string) string { return vars[k] }, Executable: `C:\otpfill\otpfill.exe`, GOOS: "windows", Registry: fakeRegistry{}})
	if err != nil {
		t.Fatal(err)
	}
	const chromiumM = `C:\Users\u\AppData\Local\otpfill\io.github.otpfill.chromium.json`
	const firefoxM = `C:\Users\u\AppData\Local\otpfill\io.github.otpfill.firefox.json`
	const suffix = `\NativeMessagingHosts\io.github.otpfill`
	want := map[string]struct {
		manifest string
		keys     []string
	}{
		"chrome":    {chromiumM, []string{`Software\Google\Chrome` + suffix}},
		"chromium":  {chromiumM, []string{`Software\Chromium` + suffix}},
		"brave":     {chromiumM, []string{`Software\BraveSoftware\Brave-Browser` + suffix}},
		"edge":      {chromiumM, []string{`Software\Microsoft\Edge` + suffix}},
		"vivaldi":   {chromiumM, []string{`Software\Google\Chrome` + suffix}},
		"firefox":   {firefoxM, []string{`Software\Mozilla` + suffix}},
		"librewolf": {firefoxM, []string{`Software\Mozilla` + suffix, `Software\LibreWolf` + suffix}},
	}
	got := layout(v)
	if len(got) != len(want) {
		t.Errorf("%d targets, want %d", len(got), len(want))
	}
	for _, tg := range got {
		w, ok := want[tg.name]
		if !ok {
			t.Errorf("unexpected target %s", tg.name)
			continue
		}
		if tg.manifest != w.manifest || !slices.Equal(tg.regKeys, w.keys) {
			t.Errorf("%s: manifest %s keys %v, want %s %v", tg.name, tg.manifest, tg.regKeys, w.manifest, w.keys)
		}
	}
	if p := v.recordPath(); p != `C:\Users\u\AppData\Local\otpfill\installed.json` {
		t.Errorf("record at %s", p)
	}
	if !v.isAbs(`C:\x`) || v.isAbs(`x\y`) || v.isAbs("/x") {
		t.Error("isAbs does not follow Windows rules")
	}
}

// TestRegistryInstallUninstall runs the registry half of install and
// uninstall with Windows-like targets whose files live in a temporary
// folder, and a fake registry.
func TestRegistryInstallUninstall(t *testing.T) {
	f := newFixture(t, "linux")
	reg := fakeRegistry{}
	e := f.env()
	e.Registry = reg
	v, err := newEnv(e)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(f.home, "AppData", "otpfill")
	shared := `Software\Google\Chrome\NativeMessagingHosts\io.github.otpfill`
	chrome := target{name: "chrome", flavor: chromiumFlavor, manifest: filepath.Join(dir, "c.json"), regKeys: []string{shared}}
	vivaldi := target{name: "vivaldi", flavor: chromiumFlavor, manifest: filepath.Join(dir, "c.json"), regKeys: []string{shared}}
	edge := target{name: "edge", flavor: chromiumFlavor, manifest: filepath.Join(dir, "c.json"), regKeys: []string{`Software\Microsoft\Edge\NativeMessagingHosts\io.github.otpfill`}}

	var out bytes.Buffer
	if code := runInstall(v, &options{browsers: listFlag{"x"}}, []target{chrome, vivaldi, edge}, &out, &out); code != 0 {
		t.Fatalf("install: %d\n%s", code, &out)
	}
	if len(reg) != 2 || reg[shared] != chrome.manifest || reg[edge.regKeys[0]] != edge.manifest {
		t.Fatalf("registry after install: %v", reg)
	}

	// Uninstalling chrome keeps the key vivaldi reads.
	out.Reset()
	if code := runUninstall(v, &options{browsers: listFlag{"chrome"}}, []target{chrome}, &out, &out); code != 0 {
		t.Fatalf("uninstall: %d\n%s", code, &out)
	}
	if _, ok := reg[shared]; !ok || !strings.Contains(out.String(), "still used by vivaldi") {
		t.Errorf("removed a key vivaldi still uses: %v\n%s", reg, &out)
	}

	// Another program took over edge's key: it is left alone.
	reg[edge.regKeys[0]] = `C:\Other\manifest.json`
	out.Reset()
	if code := runUninstall(v, &options{}, []target{vivaldi, edge}, &out, &out); code != 0 {
		t.Fatalf("uninstall: %d\n%s", code, &out)
	}
	if _, ok := reg[shared]; ok {
		t.Errorf("key left after the last browser using it was uninstalled: %v", reg)
	}
	if reg[edge.regKeys[0]] != `C:\Other\manifest.json` || !strings.Contains(out.String(), "left HKCU\\"+edge.regKeys[0]+" alone") {
		t.Errorf("touched another program's key: %v\n%s", reg, &out)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("left the folder install created: %v", err)
	}
}
