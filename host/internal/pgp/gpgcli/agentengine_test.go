package gpgcli

import (
	"runtime"
	"testing"
)

// TestAgentEngineEnabled: New sets up the agent path only with a cache
// folder, a gpg program and no PASSWORD_STORE_GPG_OPTS (which gpg must see),
// and never on Windows; without it Decrypt only runs gpg.
func TestAgentEngineEnabled(t *testing.T) {
	for _, c := range []struct {
		name string
		o    Options
		want bool
	}{
		{"cache folder", Options{Binary: "/usr/bin/gpg", CacheDir: "/tmp/c"}, runtime.GOOS != "windows"},
		{"no cache folder", Options{Binary: "/usr/bin/gpg"}, false},
		{"gpg options", Options{Binary: "/usr/bin/gpg", CacheDir: "/tmp/c", Opts: "--trust-model always"}, false},
		{"blank gpg options", Options{Binary: "/usr/bin/gpg", CacheDir: "/tmp/c", Opts: "  "}, runtime.GOOS != "windows"},
		{"no gpg", Options{CacheDir: "/tmp/c"}, false},
	} {
		e := New(c.o)
		if got := e.agentEngine != nil; got != c.want {
			t.Errorf("%s: agent path %v, want %v", c.name, got, c.want)
		}
		if e.agentEngine != nil && (e.agentEngine.gpg != e || e.agentEngine.cacheDir != c.o.CacheDir) {
			t.Errorf("%s: the agent path does not use this engine's gpg and cache folder", c.name)
		}
	}
}
