package install

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestDoctorBackupLine: doctor's backup line is OK when every key is
// covered, a warning (never a failure) otherwise, and says what to run.
func TestDoctorBackupLine(t *testing.T) {
	for _, c := range []struct {
		covered bool
		line    string
		err     error
		want    string
	}{
		{true, "3 of 3 2FA keys have a second copy", nil, "OK   backup: 3 of 3 2FA keys have a second copy"},
		{false, "2 of 3 2FA keys have a second copy; 1 without a second copy", nil,
			"WARN backup: 2 of 3 2FA keys have a second copy; 1 without a second copy — see `otpfill backup status`; `otpfill backup sync` copies what is missing"},
		{false, "", errors.New("config broken"), "WARN backup: not checked: config broken — run `otpfill backup status`"},
	} {
		got := backupCheck(func(context.Context) (bool, string, error) { return c.covered, c.line, c.err }).String()
		if got != c.want {
			t.Errorf("backup line\n got %q\nwant %q", got, c.want)
		}
	}
	// The check failing (here: out of time) is a warning too.
	got := backupCheck(func(ctx context.Context) (bool, string, error) {
		return true, "done", context.DeadlineExceeded
	}).String()
	if !strings.HasPrefix(got, "WARN backup: not checked") {
		t.Errorf("a check that failed: %q", got)
	}
}
