package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/protocol"
)

// TestStateFolderReadOnly: the state folder exists, with its log and the
// locks of earlier requests, but can no longer be written (a read-only
// mount, or a folder whose write permission was taken away). An HOTP code
// and a save used to answer "internal error in the otpfill host; see its
// log", a log in that very folder. Now they answer store_unavailable naming
// the folder and the reason, stderr says the log cannot be written, nothing
// is written to the store, and a TOTP code, which needs no lock, still
// works.
//
// Run as root (CI), where permissions do not stop writes, the folder is
// made read-only by a read-only bind mount in a mount namespace of otpfill's
// own; otherwise by taking away its write permission.
func TestStateFolderReadOnly(t *testing.T) {
	e := newTestEnv(t)
	state := filepath.Join(e.Home, ".state", "otpfill")
	// One HOTP code while the folder is writable: the log, the locks folder
	// and this entry's lock file exist from then on.
	h := e.startHost()
	e.addCode(h.ok(req("code", "name", bankName))["code"].(string))
	h.closeOK()
	if _, err := os.Stat(filepath.Join(state, "locks")); err != nil {
		t.Fatalf("the first code made no locks folder: %v", err)
	}

	reason := "read-only file system"
	if os.Geteuid() == 0 {
		for _, tool := range []string{"unshare", "mount"} {
			if _, err := exec.LookPath(tool); err != nil {
				t.Fatalf("%s is needed to mount the state folder read-only: %v", tool, err)
			}
		}
		e.wrap = []string{"unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
			`mount --bind -o ro "$0" "$0" && exec "$@"`, state}
	} else {
		reason = "permission denied"
		filepath.Walk(state, func(p string, fi os.FileInfo, err error) error {
			if err == nil {
				os.Chmod(p, fi.Mode().Perm()&^0o222)
			}
			return nil
		})
		t.Cleanup(func() {
			filepath.Walk(state, func(p string, fi os.FileInfo, err error) error {
				if err == nil {
					os.Chmod(p, fi.Mode().Perm()|0o200)
				}
				return nil
			})
		})
	}

	const secret = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF"
	e.addSecret(secret)
	bank := fileHash(t, filepath.Join(e.StoreDir, bankName+".gpg"))
	storeBefore := treeHash(t, e.StoreDir)
	logBefore := fileHash(t, e.logFile())
	h = e.startHost()
	for _, r := range []map[string]any{
		req("code", "name", bankName),
		req("save", "url", "https://example.com/", "uri", "otpauth://totp/Example:me?secret="+secret+"&issuer=Example"),
	} {
		em := h.fail(r, protocol.CodeStoreUnavailable)
		msg, _ := em["message"].(string)
		if !strings.Contains(msg, filepath.Join(state, "locks")) || !strings.Contains(msg, reason) {
			t.Errorf("%s: message %q does not name the state folder and say %q", r["action"], msg, reason)
		}
	}
	resp := h.ok(req("code", "name", alice.name))
	e.addCode(resp["code"].(string))
	h.closeOK()
	stderr := h.err.String()
	if !strings.Contains(stderr, "cannot write the log file in "+state) || !strings.Contains(stderr, reason) {
		t.Errorf("stderr does not say the log cannot be written, and why:\n%s", stderr)
	}
	if fileHash(t, filepath.Join(e.StoreDir, bankName+".gpg")) != bank {
		t.Error("the HOTP entry changed")
	}
	if treeHash(t, e.StoreDir) != storeBefore {
		t.Error("the store changed")
	}
	if fileHash(t, e.logFile()) != logBefore {
		t.Error("the read-only log changed")
	}
	// The CLI says the same on stderr, exit 1.
	_, cliErr, code := e.run("", "code", bankName)
	if code != 1 || !strings.Contains(cliErr, filepath.Join(state, "locks")) || !strings.Contains(cliErr, reason) {
		t.Errorf("CLI code: exit %d, stderr:\n%s", code, cliErr)
	}
}
