package pass_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/pgp/gpgcli"
	"github.com/otpfill/otpfill/host/internal/realstore"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/host/internal/store/pass"
)

func newStore(t *testing.T, e *realstore.Env) *pass.Store {
	t.Helper()
	bin, err := gpgcli.Find("")
	if err != nil {
		t.Fatal(err)
	}
	git, _ := exec.LookPath("git")
	return pass.New(pass.Options{
		ID: "pass", Dir: e.StoreDir, Git: git, Env: e.Environ(),
		Engine: gpgcli.New(gpgcli.Options{Binary: bin, Env: e.Environ()}),
		Log:    zerolog.Nop(),
	})
}

const uriA = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"

// TestReadsWhatPassWrote: entries made by pass, pass-otp and `pass insert -m`
// are listed and read, and a nested .gpg-id with two keys is honoured.
func TestReadsWhatPassWrote(t *testing.T) {
	e := realstore.New(t)
	k1 := e.NewKey("One <one@example.invalid>")
	k2 := e.NewKey("Two <two@example.invalid>")
	e.Init("", k1)
	e.Init("team", k1, k2)
	e.InsertOTP("github.com/alice", uriA)
	e.InsertMultiline("gitlab.com/bob", "hunter2\nuser: bob\notpauth://totp/GitLab:bob?secret=GEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=8&period=60\n")
	e.InsertOTP("team/aws.amazon.com/ops", "otpauth://totp/AWS:ops?secret=MFRGGZDFMZTWQ2LK")
	s := newStore(t, e)
	ctx := context.Background()

	names, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"github.com/alice", "gitlab.com/bob", "team/aws.amazon.com/ops"}
	if !slices.Equal(names, want) {
		t.Fatalf("List = %q, want %q", names, want)
	}
	content, err := s.Read(ctx, "gitlab.com/bob")
	if err != nil {
		t.Fatal(err)
	}
	key, err := entry.Parse(content)
	if err != nil {
		t.Fatal(err)
	}
	if key.Digits != 8 || key.Period != 60 || key.Algorithm != "SHA256" {
		t.Fatalf("parameters not honoured: %+v", key)
	}
	got, _, err := key.TOTP(timeAt(1700000000))
	if err != nil {
		t.Fatal(err)
	}
	if want := realstore.Oathtool(t, "GEZDGNBVGY3TQOJQ", "sha256", 8, 60, 1700000000); got != want {
		t.Fatalf("code %s, oathtool says %s", got, want)
	}
	rec, err := s.Recipients("team/aws.amazon.com/new")
	if err != nil {
		t.Fatal(err)
	}
	if len(rec) != 2 {
		t.Fatalf("team recipients = %q, want both keys", rec)
	}
	if rec, _ := s.Recipients("github.com/new"); len(rec) != 1 || rec[0] != k1 {
		t.Fatalf("root recipients = %q", rec)
	}
}

// TestWriteIsReadByPassAndCommitted: what otpfill writes, pass otp reads and
// gives oathtool's code; the second recipient of a team folder can decrypt
// it; git records the commit; nothing is left behind.
func TestWriteIsReadByPassAndCommitted(t *testing.T) {
	e := realstore.New(t)
	k1 := e.NewKey("One <one@example.invalid>")
	k2 := e.NewKey("Two <two@example.invalid>")
	e.Init("", k1)
	e.Init("team", k1, k2)
	e.Run("", "pass", "git", "init")
	s := newStore(t, e)
	ctx := context.Background()

	if err := s.Write(ctx, "team/github.com/alice", []byte(uriA+"\n"), false); err != nil {
		t.Fatal(err)
	}
	if got, want := e.PassOTP("team/github.com/alice"), realstore.Oathtool(t, "JBSWY3DPEHPK3PXP", "sha1", 6, 30, nowUnix()); !near(t, got, want) {
		t.Fatalf("pass otp = %s, oathtool = %s", got, want)
	}
	// Each recipient alone can decrypt: delete k1's secret key and decrypt with k2.
	e.Run("", "gpg", "--batch", "--yes", "--delete-secret-keys", k1)
	if out := e.Run("", "pass", "show", "team/github.com/alice"); !strings.Contains(out, "otpauth://") {
		t.Fatalf("second recipient cannot read the entry: %q", out)
	}
	log := e.Run("", "git", "-C", e.StoreDir, "log", "--format=%s")
	if !strings.Contains(log, "Add OTP secret for team/github.com/alice to store.") {
		t.Fatalf("git log lacks the commit:\n%s", log)
	}
	if status := e.Run("", "git", "-C", e.StoreDir, "status", "--porcelain"); status != "" {
		t.Fatalf("store left dirty:\n%s", status)
	}
	assertNoTempFiles(t, e.StoreDir)
}

func TestWriteRefusesToReplace(t *testing.T) {
	e := realstore.New(t)
	e.Init("", e.NewKey("One <one@example.invalid>"))
	e.InsertOTP("github.com/alice", uriA)
	s := newStore(t, e)
	before, _ := os.ReadFile(filepath.Join(e.StoreDir, "github.com/alice.gpg"))
	err := s.Write(context.Background(), "github.com/alice", []byte("x\n"), false)
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("Write over an entry = %v, want ErrExists", err)
	}
	after, _ := os.ReadFile(filepath.Join(e.StoreDir, "github.com/alice.gpg"))
	if string(before) != string(after) {
		t.Fatal("the entry changed although the write was refused")
	}
}

func TestErrors(t *testing.T) {
	e := realstore.New(t)
	k1 := e.NewKey("One <one@example.invalid>")
	e.Init("", k1)
	e.InsertOTP("github.com/alice", uriA)
	s := newStore(t, e)
	ctx := context.Background()

	// An entry encrypted to a key the user lacks: decrypt_failed, the others still work.
	other := realstore.New(t)
	ko := other.NewKey("Other <other@example.invalid>")
	other.Init("", ko)
	other.InsertOTP("x", uriA)
	foreign, _ := os.ReadFile(filepath.Join(other.StoreDir, "x.gpg"))
	os.WriteFile(filepath.Join(e.StoreDir, "foreign.gpg"), foreign, 0o600)
	if _, err := s.Read(ctx, "foreign"); !errors.Is(err, store.ErrDecrypt) || !strings.Contains(err.Error(), "no secret key") {
		t.Fatalf("foreign entry: %v, want ErrDecrypt naming the missing key", err)
	}
	if _, err := s.Read(ctx, "github.com/alice"); err != nil {
		t.Fatalf("other entries must still work: %v", err)
	}
	for _, name := range []string{"../etc/passwd", "/abs", "a\x00b", ".git/config", strings.Repeat("a", 5000)} {
		if _, err := s.Read(ctx, name); !errors.Is(err, store.ErrInvalidName) {
			t.Errorf("Read(%.20q) = %v, want ErrInvalidName", name, err)
		}
	}
	if _, err := s.Read(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing entry: %v", err)
	}
	// gpg missing: store_unavailable naming gpg.
	broken := pass.New(pass.Options{ID: "pass", Dir: e.StoreDir, Engine: gpgcli.New(gpgcli.Options{Binary: "/nonexistent/gpg"}), Log: zerolog.Nop()})
	if _, err := broken.Read(ctx, "github.com/alice"); !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), "gpg") {
		t.Errorf("gpg missing: %v, want ErrUnavailable naming gpg", err)
	}
	// The store missing.
	gone := pass.New(pass.Options{ID: "pass", Dir: filepath.Join(e.Home, "nostore"), Engine: gpgcli.New(gpgcli.Options{}), Log: zerolog.Nop()})
	if err := gone.Check(ctx); !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing store: %v", err)
	}
	// Missing .gpg-id names the problem.
	os.Remove(filepath.Join(e.StoreDir, ".gpg-id"))
	if err := s.Write(ctx, "new", []byte("x"), false); !errors.Is(err, store.ErrEncrypt) || !strings.Contains(err.Error(), ".gpg-id") {
		t.Errorf("missing .gpg-id: %v", err)
	}
	// An unknown recipient is named.
	os.WriteFile(filepath.Join(e.StoreDir, ".gpg-id"), []byte("nobody@example.invalid\n"), 0o600)
	if err := s.Write(ctx, "new", []byte("x"), false); !errors.Is(err, store.ErrEncrypt) || !strings.Contains(err.Error(), "nobody@example.invalid") {
		t.Errorf("unknown recipient: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.StoreDir, "new.gpg")); err == nil {
		t.Error("a failed write left an entry behind")
	}
	assertNoTempFiles(t, e.StoreDir)
}

func TestRemove(t *testing.T) {
	e := realstore.New(t)
	e.Init("", e.NewKey("One <one@example.invalid>"))
	e.InsertOTP("github.com/alice", uriA)
	s := newStore(t, e)
	if err := s.Remove(context.Background(), "github.com/alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(context.Background(), "github.com/alice"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second Remove = %v", err)
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp") {
			t.Errorf("temp file left behind: %s", p)
		}
		return nil
	})
}
