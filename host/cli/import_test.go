package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/realstore"
)

// TestImportIsOneCommit: an import writes entries pass otp reads, in one
// git commit; a second import keeps what exists unless told to overwrite;
// --dry-run writes nothing.
func TestImportIsOneCommit(t *testing.T) {
	e := realstore.New(t)
	e.Init("", e.NewKey("T <t@example.invalid>"))
	e.Run("", "pass", "git", "init")
	file := filepath.Join(e.Home, "export.txt")
	os.WriteFile(file, []byte("# exported\notpauth://totp/Alpha:ann?secret=JBSWY3DPEHPK3PXP&issuer=Alpha\n\notpauth://totp/Beta:ben?secret=GEZDGNBVGY3TQOJQ&issuer=Beta&digits=8\n"), 0o600)
	commits := func() int {
		return len(strings.Fields(e.Run("", "git", "-C", e.StoreDir, "rev-list", "HEAD")))
	}
	before := commits()

	out, stderr, code := run(t, e, "", nil, "import", "--dry-run", file)
	if code != 0 || !strings.Contains(out, "Alpha/ann") || !strings.Contains(out, "Beta/ben") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, stderr)
	}
	if n := commits(); n != before {
		t.Fatalf("dry run committed %d times", n-before)
	}
	if _, err := os.Stat(filepath.Join(e.StoreDir, "2fa")); err == nil {
		t.Fatal("dry run wrote entries")
	}

	out, stderr, code = run(t, e, "", nil, "import", "--prefix", "2fa", file)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	if n := commits(); n != before+1 {
		t.Fatalf("import made %d commits, want 1", n-before)
	}
	now := time.Now().Unix()
	if got, want := e.PassOTP("2fa/Beta/ben"), realstore.Oathtool(t, "GEZDGNBVGY3TQOJQ", "sha1", 8, 30, now); got != want && time.Now().Unix()/30 == now/30 {
		t.Fatalf("pass otp on an imported entry = %s, oathtool %s", got, want)
	}

	// Again: nothing is overwritten silently.
	_, stderr, code = run(t, e, "", nil, "import", "--prefix", "2fa", file)
	if code == 0 || !strings.Contains(stderr, "already holds an OTP secret") {
		t.Fatalf("re-import: exit %d, stderr:\n%s", code, stderr)
	}
	if n := commits(); n != before+1 {
		t.Fatalf("a re-import that wrote nothing committed")
	}
}
