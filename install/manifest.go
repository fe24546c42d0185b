package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// HostName is the native-messaging host name every manifest registers and
// the extension passes to connectNative.
const HostName = "io.github.otpfill"

const hostDescription = "otpfill: 2FA codes from your pass store or keyring"

// manifestFile is the file name browsers look up on Linux and macOS: the host
// name plus ".json".
const manifestFile = HostName + ".json"

// ChromiumExtensionIDs are the Chromium-family extension ids allowed to start
// the host. The first is the development id pinned by the extension's public
// "key"; a Chrome Web Store id can be appended when there is one.
var ChromiumExtensionIDs = []string{"jildhmdggadikfdjbdajmpndajodgmmh"}

// FirefoxExtensionIDs are the Firefox/LibreWolf add-on ids allowed to start
// the host.
var FirefoxExtensionIDs = []string{"otpfill@otpfill.github.io"}

// flavor is the kind of manifest a browser reads: Chromium-family browsers
// want allowed_origins, Firefox and its forks want allowed_extensions.
type flavor int

const (
	chromiumFlavor flavor = iota
	firefoxFlavor
)

func (f flavor) String() string {
	if f == firefoxFlavor {
		return "firefox"
	}
	return "chromium"
}

// manifest is a native-messaging host manifest, as both browser families
// define it.
type manifest struct {
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	Path              string   `json:"path"`
	Type              string   `json:"type"`
	AllowedOrigins    []string `json:"allowed_origins,omitempty"`
	AllowedExtensions []string `json:"allowed_extensions,omitempty"`
}

func chromiumOrigins() []string {
	origins := make([]string, len(ChromiumExtensionIDs))
	for i, id := range ChromiumExtensionIDs {
		origins[i] = "chrome-extension://" + id + "/"
	}
	return origins
}

// newManifest returns the manifest of flavor f for the host at exe.
func newManifest(f flavor, exe string) manifest {
	m := manifest{Name: HostName, Description: hostDescription, Path: exe, Type: "stdio"}
	if f == firefoxFlavor {
		m.AllowedExtensions = append([]string(nil), FirefoxExtensionIDs...)
	} else {
		m.AllowedOrigins = chromiumOrigins()
	}
	return m
}

// encode returns the manifest as indented JSON with a final newline, so the
// bytes are stable and a re-install can tell that nothing changed.
func (m manifest) encode() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		panic(err) // only strings and string slices: cannot fail
	}
	return buf.Bytes()
}

var errTrailingData = errors.New("unexpected data after the JSON object")

// parseManifest decodes data strictly enough for doctor: it must be one JSON
// object.
func parseManifest(data []byte) (manifest, error) {
	var m manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return manifest{}, err
	}
	if dec.More() {
		return manifest{}, errTrailingData
	}
	return m, nil
}

// problems lists what is wrong with m for a browser of flavor f when the
// host should be at want (after following a Flatpak wrapper, the caller
// compares that separately). isAbs judges paths for the target OS.
func (m manifest) problems(f flavor, isAbs func(string) bool) []string {
	var out []string
	if m.Name != HostName {
		out = append(out, fmt.Sprintf("its name is %q, not %q", m.Name, HostName))
	}
	if m.Type != "stdio" {
		out = append(out, fmt.Sprintf("its type is %q, not \"stdio\"", m.Type))
	}
	switch {
	case m.Path == "":
		out = append(out, "it has no path")
	case !isAbs(m.Path):
		out = append(out, fmt.Sprintf("its path %q is not absolute", m.Path))
	}
	if f == firefoxFlavor {
		if missing := missingFrom(m.AllowedExtensions, FirefoxExtensionIDs); len(missing) > 0 {
			out = append(out, "allowed_extensions lacks "+strings.Join(missing, ", "))
		}
	} else {
		if missing := missingFrom(m.AllowedOrigins, chromiumOrigins()); len(missing) > 0 {
			out = append(out, "allowed_origins lacks "+strings.Join(missing, ", "))
		}
	}
	return out
}

func missingFrom(have, want []string) []string {
	var missing []string
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, w)
		}
	}
	return missing
}

// looksLikeOurs reports whether a manifest at hand was written by otpfill:
// it registers our host name and starts an otpfill binary or our Flatpak
// wrapper. uninstall removes nothing else.
func (m manifest) looksLikeOurs() bool {
	if m.Name != HostName {
		return false
	}
	base := m.Path
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	base = strings.TrimSuffix(strings.ToLower(base), ".exe")
	return base == "otpfill" || base == wrapperName
}
