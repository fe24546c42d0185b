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

// TestImportRefusals: an import whose every line is refused exits non-zero
// and says which lines and why, writing nothing; a file with one refused
// line among good ones imports the good ones and still exits non-zero; an
// issuer made of "../" gives a plain name inside the store, never one that
// starts with "-" or holds "..".
func TestImportRefusals(t *testing.T) {
	e := realstore.New(t)
	e.Init("", e.NewKey("T <t@example.invalid>"))
	e.Run("", "pass", "git", "init")
	bad := filepath.Join(e.Home, "bad.txt")
	os.WriteFile(bad, []byte("otpauth://totp/A:a?secret=AE\nnot a uri\notpauth://motp/B:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"), 0o600)
	before := e.Run("", "git", "-C", e.StoreDir, "rev-parse", "HEAD")

	out, stderr, code := run(t, e, "", nil, "import", bad)
	if code == 0 {
		t.Fatalf("an all-invalid import exited 0\nstdout:\n%s\nstderr:\n%s", out, stderr)
	}
	for _, want := range []string{"line 1: secret is 8 bits long, the minimum is 80", "line 2: not an otpauth", "line 3: unknown type", "imported 0 of 3", "3 of 3 entries were not imported"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, _, code := run(t, e, "", nil, "import", "--dry-run", bad); code == 0 {
		t.Error("a dry run of an all-invalid file exited 0")
	}
	if after := e.Run("", "git", "-C", e.StoreDir, "rev-parse", "HEAD"); after != before {
		t.Error("an all-invalid import committed")
	}

	mixed := filepath.Join(e.Home, "mixed.txt")
	os.WriteFile(mixed, []byte("otpauth://totp/x?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=/../../tmp/pwn\n"+
		"otpauth://totp/-rf:..?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"+
		"otpauth://totp/Old:site?secret=JBSWY3DPEHPK3PXP&issuer=Old\n"+
		"otpauth://totp/Weak:one?secret=MFRGG===&issuer=Weak\n"), 0o600)
	out, stderr, code = run(t, e, "", nil, "import", mixed)
	if code == 0 || !strings.Contains(stderr, "line 4: secret is 24 bits long") || !strings.Contains(stderr, "imported 3 of 4") {
		t.Fatalf("mixed import: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "warning: Old/site: the secret is only 80 bits long") {
		t.Errorf("no warning about the 80-bit secret:\n%s", stderr)
	}
	names := strings.Fields(out)
	if strings.Join(names, " ") != "tmp-pwn/x rf Old/site" {
		t.Errorf("imported names %q, want tmp-pwn/x, rf, Old/site", names)
	}
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(e.StoreDir, n+".gpg")); err != nil {
			t.Errorf("%s not in the store: %v", n, err)
		}
	}
	if _, err := os.Stat(filepath.Join(e.StoreDir, "Weak")); err == nil {
		t.Error("the 24-bit secret was written")
	}
}

// TestAddSecretLength: add refuses a secret under 80 bits with the reason
// and writes nothing; an 80-bit secret is saved with a warning on stderr.
func TestAddSecretLength(t *testing.T) {
	e := realstore.New(t)
	e.Init("", e.NewKey("T <t@example.invalid>"))
	_, stderr, code := run(t, e, "AE\n", nil, "add", "tiny")
	if code == 0 || !strings.Contains(stderr, "secret is 8 bits long, the minimum is 80") {
		t.Fatalf("add of a 1-byte secret: exit %d, stderr:\n%s", code, stderr)
	}
	_, stderr, code = run(t, e, "otpauth://totp/T:t?secret=AE&issuer=T\n", nil, "add", "tiny")
	if code == 0 || !strings.Contains(stderr, "minimum is 80") {
		t.Fatalf("add of a 1-byte secret URI: exit %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(e.StoreDir, "tiny.gpg")); err == nil {
		t.Fatal("a refused secret was written")
	}
	_, stderr, code = run(t, e, "otpauth://hotp/T:t?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=9223372036854775807\n", nil, "add", "spent")
	if code == 0 || !strings.Contains(stderr, "counter has reached its maximum") {
		t.Fatalf("add of a counter that cannot advance: exit %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(e.StoreDir, "spent.gpg")); err == nil {
		t.Fatal("a key whose counter cannot advance was written")
	}
	out, stderr, code := run(t, e, "JBSWY3DPEHPK3PXP\n", nil, "add", "old")
	if code != 0 || !strings.Contains(stderr, "warning: the secret is only 80 bits long") || len(strings.TrimSpace(out)) != 6 {
		t.Fatalf("add of an 80-bit secret: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
}
