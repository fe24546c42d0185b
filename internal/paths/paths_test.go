package paths

import "testing"

func TestResolve(t *testing.T) {
	vars := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name string
		env  Env
		got  func(Env) string
		want string
	}{
		{"config default", Env{Getenv: vars("HOME", "/h"), GOOS: "linux"}, Env.ConfigFile, "/h/.config/otpfill/config.json"},
		{"config XDG", Env{Getenv: vars("HOME", "/h", "XDG_CONFIG_HOME", "/x"), GOOS: "linux"}, Env.ConfigFile, "/x/otpfill/config.json"},
		{"config relative XDG ignored", Env{Getenv: vars("HOME", "/h", "XDG_CONFIG_HOME", "x"), GOOS: "linux"}, Env.ConfigFile, "/h/.config/otpfill/config.json"},
		{"config OTPFILL_CONFIG", Env{Getenv: vars("HOME", "/h", "OTPFILL_CONFIG", "/c.json"), GOOS: "linux"}, Env.ConfigFile, "/c.json"},
		{"state", Env{Getenv: vars("HOME", "/h"), GOOS: "linux"}, Env.StateDir, "/h/.local/state/otpfill"},
		{"state XDG", Env{Getenv: vars("HOME", "/h", "XDG_STATE_HOME", "/s"), GOOS: "linux"}, Env.StateDir, "/s/otpfill"},
		{"cache", Env{Getenv: vars("HOME", "/h"), GOOS: "linux"}, Env.CacheDir, "/h/.cache/otpfill"},
		{"cache XDG", Env{Getenv: vars("HOME", "/h", "XDG_CACHE_HOME", "/c"), GOOS: "linux"}, Env.CacheDir, "/c/otpfill"},
		{"data", Env{Getenv: vars("HOME", "/h"), GOOS: "linux"}, Env.DataHome, "/h/.local/share"},
		{"gnupg", Env{Getenv: vars("HOME", "/h"), GOOS: "linux"}, Env.GNUPGHome, "/h/.gnupg"},
		{"gnupg GNUPGHOME", Env{Getenv: vars("HOME", "/h", "GNUPGHOME", "/g"), GOOS: "linux"}, Env.GNUPGHome, "/g"},
		{"gnupg windows", Env{Getenv: vars("USERPROFILE", `C:\Users\u`, "APPDATA", `C:\Users\u\AppData\Roaming`), GOOS: "windows"}, Env.GNUPGHome, `C:\Users\u\AppData\Roaming\gnupg`},
		{"pass store", Env{Getenv: vars("HOME", "/h"), GOOS: "linux"}, Env.PasswordStoreDir, "/h/.password-store"},
		{"pass store env", Env{Getenv: vars("HOME", "/h", "PASSWORD_STORE_DIR", "/p"), GOOS: "linux"}, Env.PasswordStoreDir, "/p"},
		{"home windows", Env{Getenv: vars("USERPROFILE", `C:\Users\u`, "HOME", "/h"), GOOS: "windows"}, Env.Home, `C:\Users\u`},
		{"config windows", Env{Getenv: vars("USERPROFILE", `C:\Users\u`), GOOS: "windows"}, Env.ConfigDir, `C:\Users\u\.config\otpfill`},
		{"tilde", Env{Getenv: vars("HOME", "/h"), GOOS: "linux"}, func(e Env) string { return e.ExpandHome("~/a/b") }, "/h/a/b"},
	}
	for _, tt := range tests {
		if got := tt.got(tt.env); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
