package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/otpfill/otpfill/protocol"
)

// TestDecompressionBomb: an entry that gpg compressed from 64 MiB of zeros
// to some 64 KiB answers decrypt_failed, saying it is over the 1 MiB limit,
// and the host process's peak memory stays far below what inflating it
// would take. Through the direct gpg-agent path, and through gpg itself
// (PASSWORD_STORE_GPG_OPTS turns the direct path off).
func TestDecompressionBomb(t *testing.T) {
	for _, c := range []struct {
		name  string
		extra []string
	}{
		{"gpg-agent directly", nil},
		{"gpg", []string{"PASSWORD_STORE_GPG_OPTS=--no-tty"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.extra = append(e.extra, c.extra...)
			id, err := os.ReadFile(filepath.Join(e.StoreDir, ".gpg-id"))
			if err != nil {
				t.Fatal(err)
			}
			name := "bomb.example/x"
			out := filepath.Join(e.StoreDir, name+".gpg")
			os.MkdirAll(filepath.Dir(out), 0o700)
			e.Run("", "sh", "-c", fmt.Sprintf(`head -c %d /dev/zero | gpg --batch --yes --compress-algo zlib -z 9 -r %s -o %s --encrypt`,
				64<<20, strings.TrimSpace(string(id)), out))
			if info, err := os.Stat(out); err != nil || info.Size() > 1<<20 {
				t.Fatalf("the bomb: %v, %v bytes", err, info)
			}
			h := e.startHost()
			msg := h.fail(req("code", "name", name), protocol.CodeDecryptFailed)["message"].(string)
			t.Logf("message: %s", msg)
			if !strings.Contains(msg, "more than 1 MiB") {
				t.Errorf("the message does not say why: %q", msg)
			}
			if want := "decryption failed: " + name + ": the entry decrypts to more than 1 MiB"; !strings.HasPrefix(msg, want) {
				t.Errorf("the message is not what a user should read:\n got %q\nwant %q…", msg, want)
			}
			// The host still serves.
			h.ok(req("code", "name", alice.name))
			h.closeOK()
			ru, ok := h.cmd.ProcessState.SysUsage().(*syscall.Rusage)
			if !ok {
				t.Fatal("no rusage")
			}
			if peak := ru.Maxrss * 1024; peak > 40<<20 {
				t.Errorf("the host's peak memory was %d MiB: it inflated the entry", peak>>20)
			} else {
				t.Logf("peak memory %d MiB", peak>>20)
			}
		})
	}
}
