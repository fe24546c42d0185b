package install

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestReadKernelClockReal reads this machine's real kernel clock status.
// adjtimex's own return value (TIME_ERROR when the kernel considers the
// clock unsynchronised) is the independent check of how the status bits
// and maximum error are read; the doctor's line must agree with it.
func TestReadKernelClockReal(t *testing.T) {
	kc, err := readKernelClock()
	if err != nil {
		t.Fatalf("adjtimex: %v", err)
	}
	var tx unix.Timex
	state, err := unix.Adjtimex(&tx)
	if err != nil {
		t.Fatal(err)
	}
	if kc.Synced != (state != unix.TIME_ERROR) {
		t.Errorf("read as synced=%v (max error %s), but adjtimex returned state %d", kc.Synced, kc.MaxError, state)
	}
	if now := time.Unix(tx.Time.Sec, tx.Time.Usec*1000); time.Since(now).Abs() > 5*time.Second {
		t.Errorf("adjtimex's time %v is not now: the structure is misread", now)
	}
	f := newFixture(t, "linux") // the real kernel, no daemons on PATH
	l := clockLine(t, f)
	if kc.Synced != strings.HasPrefix(l, "OK") {
		t.Errorf("kernel synced=%v, doctor says %s", kc.Synced, l)
	}
	t.Logf("this machine: %s", l)
}
