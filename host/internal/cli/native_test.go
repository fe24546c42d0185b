package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/cli"
	"github.com/otpfill/otpfill/host/internal/realstore"
)

// run runs the CLI in-process with the environment of e plus extra.
func run(t *testing.T, e *realstore.Env, stdin string, extra []string, args ...string) (string, string, int) {
	t.Helper()
	environ := e.Environ(extra...)
	env := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main(cli.Env{
		Args:    append([]string{"otpfill"}, args...),
		Getenv:  func(k string) string { return env[k] },
		Environ: environ,
		Stdin:   strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr,
	})
	return stdout.String(), stderr.String(), code
}

// TestNativeEngine: a store configured with the native engine reads what
// pass wrote and writes what pass reads, with no gpg involved on its side.
func TestNativeEngine(t *testing.T) {
	e := realstore.New(t)
	fpr := e.NewKey("T <t@example.invalid>")
	e.Init("", fpr)
	e.Run("", "pass", "git", "init")
	e.InsertOTP("github.com/alice", "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA256&digits=8&period=60")
	keyFile := filepath.Join(e.Home, "secret.asc")
	if err := os.WriteFile(keyFile, []byte(e.Run("", "gpg", "--batch", "--armor", "--export-secret-keys", fpr)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(e.Home, "config.json")
	os.WriteFile(cfg, []byte(`{"gpg":"/nonexistent/gpg","stores":[{"id":"pass","engine":"native","secret_keys":["`+keyFile+`"]}]}`), 0o600)
	// The config points "gpg" nowhere, so only the native engine can work on
	// the host's side; pass and oathtool are the references.
	extra := []string{"OTPFILL_CONFIG=" + cfg}

	now := time.Now().Unix()
	out, stderr, code := run(t, e, "", extra, "code", "github.com/alice")
	if code != 0 {
		t.Fatalf("code: exit %d: %s", code, stderr)
	}
	want := realstore.Oathtool(t, "JBSWY3DPEHPK3PXP", "sha256", 8, 60, now)
	if got := strings.TrimSpace(out); got != want && time.Now().Unix()/60 == now/60 {
		t.Fatalf("native code %s, oathtool %s", got, want)
	}

	// A write by the native engine is read by pass (gpg).
	_, stderr, code = run(t, e, "otpauth://totp/GitLab:bob?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab\n", extra, "add", "gitlab.com/bob")
	if code != 0 {
		t.Fatalf("add: exit %d: %s", code, stderr)
	}
	now = time.Now().Unix()
	got := e.PassOTP("gitlab.com/bob")
	if want := realstore.Oathtool(t, "GEZDGNBVGY3TQOJQ", "sha1", 6, 30, now); got != want && time.Now().Unix()/30 == now/30 {
		t.Fatalf("pass otp on a native-written entry = %s, oathtool %s", got, want)
	}
	if log := e.Run("", "git", "-C", e.StoreDir, "log", "--format=%s"); !strings.Contains(log, "gitlab.com/bob") {
		t.Fatalf("native write not committed:\n%s", log)
	}
}
