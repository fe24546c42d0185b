package logging

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestRotateAtStart: a log found over maxFileSize is moved to .1 (the old
// .1 replaced), and a fresh file is begun; nothing else is lost.
func TestRotateAtStart(t *testing.T) {
	state := t.TempDir()
	dir := filepath.Join(state, "otpfill")
	os.MkdirAll(dir, 0o700)
	p := filepath.Join(dir, "otpfill.log")
	os.WriteFile(p+".1", []byte("oldest\n"), 0o600)
	big := bytes.Repeat([]byte("y"), maxFileSize+1)
	os.WriteFile(p, big, 0o600)

	log, closeLog := New(env(map[string]string{"XDG_STATE_HOME": state}), &bytes.Buffer{}, zerolog.InfoLevel)
	log.Info().Msg("fresh")
	closeLog()
	if data, _ := os.ReadFile(p + ".1"); !bytes.Equal(data, big) {
		t.Errorf("otpfill.log.1 holds %d bytes, want the %d of the full log", len(data), len(big))
	}
	data, _ := os.ReadFile(p)
	if !strings.Contains(string(data), "fresh") || len(data) > 1024 {
		t.Errorf("the new log holds %d bytes: %q", len(data), data)
	}

	// Under the limit, the log is appended to.
	log, closeLog = New(env(map[string]string{"XDG_STATE_HOME": state}), &bytes.Buffer{}, zerolog.InfoLevel)
	log.Info().Msg("second")
	closeLog()
	if data, _ := os.ReadFile(p); !strings.Contains(string(data), "fresh") || !strings.Contains(string(data), "second") {
		t.Errorf("the log was not appended to: %q", data)
	}
}

// TestCappedPerProcess: one process never writes more than maxFileSize to
// the file, whatever it logs; stderr still gets everything.
func TestCappedPerProcess(t *testing.T) {
	state := t.TempDir()
	log, closeLog := New(env(map[string]string{"XDG_STATE_HOME": state}), &bytes.Buffer{}, zerolog.InfoLevel)
	line := strings.Repeat("z", 64<<10)
	for range 100 { // 6.4 MiB
		log.Info().Str("v", line).Msg("big")
	}
	closeLog()
	data, err := os.ReadFile(filepath.Join(state, "otpfill", "otpfill.log"))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > maxFileSize+1024 {
		t.Errorf("one process wrote %d bytes to the log, the cap is %d", len(data), maxFileSize)
	}
	if !strings.Contains(string(data), "log limit reached") {
		t.Error("the log does not say it stopped")
	}
}

// TestUnwritableStateDir: when the log cannot be opened, stderr says where
// and why, and logging to stderr goes on.
func TestUnwritableStateDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	var stderr bytes.Buffer
	log, closeLog := New(env(map[string]string{"XDG_STATE_HOME": file}), &stderr, zerolog.InfoLevel)
	log.Info().Msg("still here")
	closeLog()
	out := stderr.String()
	if !strings.Contains(out, "cannot write the log file in "+filepath.Join(file, "otpfill")) || !strings.Contains(out, "not a directory") || !strings.Contains(out, "still here") {
		t.Errorf("stderr:\n%s", out)
	}
}
