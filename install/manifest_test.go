package install

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(chromiumJSON("/usr/bin/otpfill")))
	f.Add([]byte(firefoxJSON("/usr/bin/otpfill")))
	f.Add([]byte(`{"name": "io.github.otpfill",`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{} {}`))
	f.Add([]byte(`{"allowed_origins": "x"}`))
	isAbs := func(p string) bool { return strings.HasPrefix(p, "/") }
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseManifest(data)
		if err != nil {
			var syntax *json.SyntaxError
			var typ *json.UnmarshalTypeError
			if !errors.As(err, &syntax) && !errors.As(err, &typ) && !errors.Is(err, errTrailingData) &&
				!errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			if isOurs("/x/io.github.otpfill.json", data) {
				t.Fatal("an unparsable manifest counted as ours")
			}
			return
		}
		for _, fl := range []flavor{chromiumFlavor, firefoxFlavor} {
			ps := m.problems(fl, isAbs)
			ok := m.Name == HostName && m.Type == "stdio" && isAbs(m.Path)
			if ok && len(missingFrom(m.AllowedOrigins, chromiumOrigins())) == 0 && fl == chromiumFlavor && len(ps) != 0 {
				t.Fatalf("problems %v in a good manifest", ps)
			}
			if !ok && len(ps) == 0 {
				t.Fatalf("no problem found in %+v", m)
			}
		}
		again, err := parseManifest(m.encode())
		if err != nil || !reflect.DeepEqual(normalize(again), normalize(m)) {
			t.Fatalf("encode/parse round trip: %+v vs %+v (%v)", again, m, err)
		}
	})
}

// normalize treats empty and nil lists alike (omitempty drops both).
func normalize(m manifest) manifest {
	if len(m.AllowedOrigins) == 0 {
		m.AllowedOrigins = nil
	}
	if len(m.AllowedExtensions) == 0 {
		m.AllowedExtensions = nil
	}
	return m
}

func TestLooksLikeOurs(t *testing.T) {
	for _, tc := range []struct {
		m    manifest
		want bool
	}{
		{manifest{Name: HostName, Path: "/usr/local/bin/otpfill"}, true},
		{manifest{Name: HostName, Path: `C:\Program Files\otpfill\otpfill.exe`}, true},
		{manifest{Name: HostName, Path: "/home/u/.var/app/org.mozilla.firefox/data/otpfill/otpfill-flatpak-host"}, true},
		{manifest{Name: HostName, Path: "/usr/bin/keepassxc-proxy"}, false},
		{manifest{Name: "org.keepassxc.keepassxc_browser", Path: "/usr/bin/otpfill"}, false},
	} {
		if got := tc.m.looksLikeOurs(); got != tc.want {
			t.Errorf("%+v: looksLikeOurs = %v", tc.m, got)
		}
	}
}
