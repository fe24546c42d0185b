package install

import (
	"time"

	"golang.org/x/sys/unix"
)

// readKernelClock reads the kernel's clock status with adjtimex(2) in
// read-only mode (modes 0): synchronised when no NTP client has left
// STA_UNSYNC set and the maximum error is under 16 s, the test systemd's
// NTPSynchronized uses.
func readKernelClock() (kernelClock, error) {
	var tx unix.Timex
	if _, err := unix.Adjtimex(&tx); err != nil {
		return kernelClock{}, err
	}
	maxErr := time.Duration(tx.Maxerror) * time.Microsecond
	return kernelClock{
		Synced:   tx.Status&unix.STA_UNSYNC == 0 && maxErr < maxClockError,
		MaxError: maxErr,
	}, nil
}
