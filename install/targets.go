package install

import (
	"fmt"
	"sort"
	"strings"
)

// sandbox says how a browser is packaged, which decides whether it can start
// a host that lives outside its package at all.
type sandbox int

const (
	noSandbox sandbox = iota
	flatpakSandbox
	snapSandbox
)

// target is one place where a browser looks for our host: a browser, how it
// is packaged, and where its manifest (and on Windows its registry keys)
// go. Names are what --browser accepts.
type target struct {
	name    string // "chrome", "chromium-flatpak"
	title   string // "Google Chrome (Flatpak)"
	flavor  flavor
	sandbox sandbox
	appID   string // Flatpak app id or snap name

	manifest string   // absolute path of the manifest file
	wrapper  string   // Flatpak only: the script the manifest starts
	regKeys  []string // Windows only: HKCU keys whose default value is manifest

	// Evidence that the browser is installed: any existing folder or file
	// in evidence, or any program in PATH.
	evidence []string
	programs []string
}

// browserNames are the plain browser names, in the order reports list them.
var browserNames = []string{"chrome", "chromium", "brave", "edge", "vivaldi", "firefox", "librewolf"}

const regPrefix = `\NativeMessagingHosts\` + HostName

// layout returns every target for the OS in v, in report order.
func layout(v *env) []target {
	switch v.GOOS {
	case "darwin":
		return darwinLayout(v)
	case "windows":
		return windowsLayout(v)
	default:
		return linuxLayout(v)
	}
}

func linuxLayout(v *env) []target {
	cfg, home := v.configHome, v.home
	chromium := func(name, title, dir string, programs []string, installed ...string) target {
		evidence := []string{v.join(cfg, dir)}
		for _, p := range installed {
			evidence = append(evidence, v.sys(p))
		}
		return target{
			name: name, title: title, flavor: chromiumFlavor,
			manifest: v.join(cfg, dir, "NativeMessagingHosts", manifestFile),
			evidence: evidence, programs: programs,
		}
	}
	mozilla := func(name, title, dir string, profiles []string, programs []string, installed ...string) target {
		var evidence []string
		evidence = append(evidence, profiles...)
		for _, p := range installed {
			evidence = append(evidence, v.sys(p))
		}
		return target{
			name: name, title: title, flavor: firefoxFlavor,
			manifest: v.join(home, dir, "native-messaging-hosts", manifestFile),
			evidence: evidence, programs: programs,
		}
	}
	// A Flatpak browser sees ~/.var/app/<id> at the same path inside its
	// sandbox, with XDG_CONFIG_HOME=~/.var/app/<id>/config and ~/.mozilla
	// (or ~/.librewolf) redirected into it. It cannot run a program outside
	// the sandbox, so its manifest starts a small script in that folder which
	// asks flatpak-spawn to run otpfill on the host.
	flatpak := func(name, title, id string, f flavor, sub ...string) target {
		app := v.join(home, ".var", "app", id)
		return target{
			name: name, title: title, flavor: f, sandbox: flatpakSandbox, appID: id,
			manifest: v.join(append(append([]string{app}, sub...), manifestFile)...),
			wrapper:  v.join(app, "data", "otpfill", wrapperName),
			evidence: []string{
				app,
				v.join(v.dataHome, "flatpak", "app", id),
				v.sys("/var/lib/flatpak/app/" + id),
			},
		}
	}
	snap := func(name, title, snapName string, f flavor, manifest string) target {
		return target{
			name: name, title: title, flavor: f, sandbox: snapSandbox, appID: snapName,
			manifest: manifest,
			evidence: []string{v.sys("/snap/" + snapName), v.join(home, "snap", snapName)},
		}
	}
	return []target{
		chromium("chrome", "Google Chrome", "google-chrome",
			[]string{"google-chrome", "google-chrome-stable"}, "/opt/google/chrome/chrome"),
		chromium("chromium", "Chromium", "chromium",
			[]string{"chromium", "chromium-browser"}, "/usr/lib/chromium/chromium"),
		chromium("brave", "Brave", "BraveSoftware/Brave-Browser",
			[]string{"brave-browser", "brave", "brave-browser-stable"}, "/opt/brave.com/brave/brave"),
		chromium("edge", "Microsoft Edge", "microsoft-edge",
			[]string{"microsoft-edge", "microsoft-edge-stable"}, "/opt/microsoft/msedge/msedge"),
		chromium("vivaldi", "Vivaldi", "vivaldi",
			[]string{"vivaldi", "vivaldi-stable"}, "/opt/vivaldi/vivaldi"),
		// Firefox 147+ may keep profiles under $XDG_CONFIG_HOME/mozilla, but
		// still reads native-messaging manifests from ~/.mozilla only.
		mozilla("firefox", "Firefox", ".mozilla",
			[]string{v.join(home, ".mozilla", "firefox"), v.join(cfg, "mozilla", "firefox")},
			[]string{"firefox", "firefox-esr"},
			"/usr/lib/firefox/firefox", "/usr/lib/firefox-esr/firefox-esr", "/opt/firefox/firefox"),
		mozilla("librewolf", "LibreWolf", ".librewolf",
			[]string{v.join(home, ".librewolf")},
			[]string{"librewolf"},
			"/usr/share/librewolf/librewolf", "/usr/lib/librewolf/librewolf"),

		flatpak("chrome-flatpak", "Google Chrome (Flatpak)", "com.google.Chrome", chromiumFlavor,
			"config", "google-chrome", "NativeMessagingHosts"),
		flatpak("chromium-flatpak", "Chromium (Flatpak)", "org.chromium.Chromium", chromiumFlavor,
			"config", "chromium", "NativeMessagingHosts"),
		flatpak("brave-flatpak", "Brave (Flatpak)", "com.brave.Browser", chromiumFlavor,
			"config", "BraveSoftware", "Brave-Browser", "NativeMessagingHosts"),
		flatpak("edge-flatpak", "Microsoft Edge (Flatpak)", "com.microsoft.Edge", chromiumFlavor,
			"config", "microsoft-edge", "NativeMessagingHosts"),
		flatpak("vivaldi-flatpak", "Vivaldi (Flatpak)", "com.vivaldi.Vivaldi", chromiumFlavor,
			"config", "vivaldi", "NativeMessagingHosts"),
		flatpak("firefox-flatpak", "Firefox (Flatpak)", "org.mozilla.firefox", firefoxFlavor,
			".mozilla", "native-messaging-hosts"),
		flatpak("librewolf-flatpak", "LibreWolf (Flatpak)", "io.gitlab.librewolf-community", firefoxFlavor,
			".librewolf", "native-messaging-hosts"),

		// The Chromium snap keeps its profile (and would read manifests) in
		// ~/snap/chromium/common/chromium, but its confinement does not let
		// it start a host outside the snap; doctor says so.
		snap("chromium-snap", "Chromium (Snap)", "chromium", chromiumFlavor,
			v.join(home, "snap", "chromium", "common", "chromium", "NativeMessagingHosts", manifestFile)),
		// The Firefox snap starts hosts through the xdg-desktop-portal
		// WebExtensions portal, which reads the ordinary ~/.mozilla manifest
		// and runs the host outside the sandbox after asking the user once.
		snap("firefox-snap", "Firefox (Snap)", "firefox", firefoxFlavor,
			v.join(home, ".mozilla", "native-messaging-hosts", manifestFile)),
	}
}

func darwinLayout(v *env) []target {
	support := v.join(v.home, "Library", "Application Support")
	app := func(name, title string, f flavor, manifestDir, profile, bundle string) target {
		return target{
			name: name, title: title, flavor: f,
			manifest: v.join(support, manifestDir, "NativeMessagingHosts", manifestFile),
			evidence: []string{
				v.join(support, profile),
				v.sys("/Applications/" + bundle),
				v.join(v.home, "Applications", bundle),
			},
		}
	}
	return []target{
		app("chrome", "Google Chrome", chromiumFlavor, "Google/Chrome", "Google/Chrome", "Google Chrome.app"),
		app("chromium", "Chromium", chromiumFlavor, "Chromium", "Chromium", "Chromium.app"),
		app("brave", "Brave", chromiumFlavor, "BraveSoftware/Brave-Browser", "BraveSoftware/Brave-Browser", "Brave Browser.app"),
		app("edge", "Microsoft Edge", chromiumFlavor, "Microsoft Edge", "Microsoft Edge", "Microsoft Edge.app"),
		app("vivaldi", "Vivaldi", chromiumFlavor, "Vivaldi", "Vivaldi", "Vivaldi.app"),
		app("firefox", "Firefox", firefoxFlavor, "Mozilla", "Firefox", "Firefox.app"),
		app("librewolf", "LibreWolf", firefoxFlavor, "LibreWolf", "librewolf", "LibreWolf.app"),
	}
}

func windowsLayout(v *env) []target {
	local := v.Getenv("LOCALAPPDATA")
	if local == "" || !v.isAbs(local) {
		local = v.join(v.home, "AppData", "Local")
	}
	roaming := v.Getenv("APPDATA")
	if roaming == "" || !v.isAbs(roaming) {
		roaming = v.join(v.home, "AppData", "Roaming")
	}
	// On Windows the manifest may live anywhere; the registry points at it.
	// One file per flavor, shared by the browsers that read the same kind.
	ours := v.join(local, "otpfill")
	chromiumManifest := v.join(ours, HostName+".chromium.json")
	firefoxManifest := v.join(ours, HostName+".firefox.json")
	pf := []string{`C:\Program Files`, `C:\Program Files (x86)`}
	programs := func(rel string) []string {
		out := []string{v.join(local, rel)}
		for _, p := range pf {
			out = append(out, v.sys(v.join(p, rel)))
		}
		return out
	}
	t := func(name, title string, f flavor, keys []string, profile string, exe string) target {
		m := chromiumManifest
		if f == firefoxFlavor {
			m = firefoxManifest
		}
		for i := range keys {
			keys[i] = `Software\` + keys[i] + regPrefix
		}
		return target{
			name: name, title: title, flavor: f, manifest: m, regKeys: keys,
			evidence: append([]string{profile}, programs(exe)...),
		}
	}
	return []target{
		t("chrome", "Google Chrome", chromiumFlavor, []string{`Google\Chrome`},
			v.join(local, `Google\Chrome\User Data`), `Google\Chrome\Application\chrome.exe`),
		t("chromium", "Chromium", chromiumFlavor, []string{`Chromium`},
			v.join(local, `Chromium\User Data`), `Chromium\Application\chrome.exe`),
		t("brave", "Brave", chromiumFlavor, []string{`BraveSoftware\Brave-Browser`},
			v.join(local, `BraveSoftware\Brave-Browser\User Data`), `BraveSoftware\Brave-Browser\Application\brave.exe`),
		t("edge", "Microsoft Edge", chromiumFlavor, []string{`Microsoft\Edge`},
			v.join(local, `Microsoft\Edge\User Data`), `Microsoft\Edge\Application\msedge.exe`),
		// Vivaldi on Windows reads Chrome's registry key, not one of its own.
		t("vivaldi", "Vivaldi", chromiumFlavor, []string{`Google\Chrome`},
			v.join(local, `Vivaldi\User Data`), `Vivaldi\Application\vivaldi.exe`),
		t("firefox", "Firefox", firefoxFlavor, []string{`Mozilla`},
			v.join(roaming, `Mozilla\Firefox`), `Mozilla Firefox\firefox.exe`),
		// LibreWolf inherits Firefox's hard-coded Software\Mozilla lookup;
		// Software\LibreWolf is written too in case a build reads its own.
		t("librewolf", "LibreWolf", firefoxFlavor, []string{`Mozilla`, `LibreWolf`},
			v.join(roaming, `librewolf`), `LibreWolf\librewolf.exe`),
	}
}

// usageError is a mistake in the command line: Main answers it with exit
// status 2 and the usage text.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// selectTargets resolves --browser names against the layout.
func selectTargets(all []target, names []string, goos string) ([]target, error) {
	byName := map[string]target{}
	var valid []string
	for _, t := range all {
		byName[t.name] = t
		valid = append(valid, t.name)
	}
	var out []target
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" {
			continue
		}
		t, ok := byName[n]
		if !ok {
			if goos != "linux" && (strings.HasSuffix(n, "-flatpak") || strings.HasSuffix(n, "-snap")) {
				return nil, &usageError{fmt.Sprintf("--browser %s: Flatpak and Snap browsers exist only on Linux", n)}
			}
			sort.Strings(valid)
			return nil, &usageError{fmt.Sprintf("--browser %s: unknown browser; known on %s: %s", n, goos, strings.Join(valid, ", "))}
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// found reports whether the browser of t is installed, and the evidence.
func (v *env) found(t target) (bool, string) {
	for _, e := range t.evidence {
		if exists(e) {
			return true, v.tildify(e)
		}
	}
	for _, p := range t.programs {
		if path := v.lookPath(p); path != "" {
			return true, v.tildify(path)
		}
	}
	return false, ""
}
