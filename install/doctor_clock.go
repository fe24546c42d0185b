package install

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// kernelClock is the kernel's own view of the system clock (adjtimex(2) on
// Linux): whether a time service keeps it synchronised, and the kernel's
// bound on its error. It needs no daemon and no privilege to read.
type kernelClock struct {
	Synced   bool
	MaxError time.Duration
}

// maxClockError is where the kernel, and systemd's NTPSynchronized, stop
// calling the clock synchronised (NTP's 16 s phase limit).
const maxClockError = 16 * time.Second

// clockFix is the advice when nothing else is known.
func clockFix(goos string) string {
	switch goos {
	case "darwin":
		return "turn on System Settings › General › Date & Time › \"Set time and date automatically\""
	case "windows":
		return "run `w32tm /resync` as administrator, or Settings › Time & language › Date & time › \"Sync now\""
	}
	return "enable a time service: `sudo timedatectl set-ntp true` (systemd-timesyncd), or install chrony (`sudo apt install chrony`)"
}

// checkClock reports whether the system clock is kept synchronised: a TOTP
// code is only as good as the clock. An unsynchronised clock is a warning,
// not a failure: it may still be right, and nothing is broken yet.
//
// On Linux the kernel's view (adjtimex) comes first: it is what every NTP
// client (systemd-timesyncd, chrony, ntpd) updates and what timedatectl
// reports, and it answers in a container without any daemon. When it says
// unsynchronised, the daemons are asked in turn so that the fix names the
// one in use; one that says it is synchronised wins.
func (v *env) checkClock() Check {
	const subject = "clock"
	switch v.GOOS {
	case "darwin":
		return v.clockDarwin()
	case "windows":
		return v.clockWindows()
	}
	read := v.clockKernel
	if read == nil {
		read = readKernelClock
	}
	kc, kerr := read()
	if kerr == nil && kc.Synced {
		return Check{StatusOK, subject, fmt.Sprintf("synchronised (the kernel's maximum error is %s)", kc.MaxError.Round(time.Millisecond)), ""}
	}
	if c, ok := v.clockDaemons(); ok {
		return c
	}
	if kerr != nil {
		return Check{StatusWarn, subject, fmt.Sprintf("cannot tell whether the clock is synchronised (adjtimex: %v) and no time service answered", kerr), clockFix(v.GOOS)}
	}
	return Check{StatusWarn, subject, "not synchronised (the kernel says so) and no time service (systemd-timesyncd, chrony, ntpd) answered: TOTP codes go wrong as the clock drifts", clockFix(v.GOOS)}
}

// clockDaemons asks systemd-timesyncd (timedatectl), chrony (chronyc) and
// ntpd (ntpstat) in that order; ok is false when none of them answers.
func (v *env) clockDaemons() (Check, bool) {
	const subject = "clock"
	if p := v.lookPath("timedatectl"); p != "" {
		out, _, err := v.run(programTimeout, p, "show", "-p", "NTP", "-p", "NTPSynchronized")
		if err == nil {
			props := keyValues(out, "=")
			switch {
			case props["NTPSynchronized"] == "yes":
				return Check{StatusOK, subject, "synchronised (timedatectl)", ""}, true
			case props["NTP"] == "no":
				return Check{StatusWarn, subject, "not synchronised: network time is turned off (timedatectl NTP=no)", "run `sudo timedatectl set-ntp true`"}, true
			case props["NTP"] == "yes":
				return Check{StatusWarn, subject, "not synchronised yet: network time is on but no server has answered (timedatectl)",
					"check `timedatectl timesync-status` and that an NTP server is reachable; `sudo systemctl restart systemd-timesyncd`"}, true
			}
		}
	}
	if p := v.lookPath("chronyc"); p != "" {
		out, _, err := v.run(programTimeout, p, "-n", "tracking")
		if err == nil {
			leap := keyValues(out, ":")["Leap status"]
			switch {
			case leap == "Normal" || strings.HasPrefix(leap, "Insert") || strings.HasPrefix(leap, "Delete"):
				return Check{StatusOK, subject, "synchronised (chronyc tracking)", ""}, true
			case leap != "":
				return Check{StatusWarn, subject, "not synchronised: chrony's leap status is \"" + leap + "\"",
					"check `chronyc sources` (no reachable server?) and `sudo chronyc makestep`"}, true
			}
		}
	}
	if p := v.lookPath("ntpstat"); p != "" {
		_, _, err := v.run(programTimeout, p)
		switch exitCode(err) {
		case 0:
			return Check{StatusOK, subject, "synchronised (ntpstat)", ""}, true
		case 1:
			return Check{StatusWarn, subject, "not synchronised (ntpstat): ntpd has no usable server yet", "check `ntpq -p` for reachable servers"}, true
		}
	}
	return Check{}, false
}

// clockDarwin asks whether network time is on (systemsetup needs admin
// rights on recent macOS; without them the answer is a warning).
func (v *env) clockDarwin() Check {
	const subject = "clock"
	p := v.lookPath("systemsetup", "/usr/sbin")
	if p == "" {
		return Check{StatusWarn, subject, "cannot tell whether the clock is synchronised (no systemsetup)", clockFix("darwin")}
	}
	out, _, err := v.run(programTimeout, p, "-getusingnetworktime")
	val := strings.TrimSpace(keyValues(out, ":")["Network Time"])
	switch {
	case err == nil && strings.EqualFold(val, "On"):
		return Check{StatusOK, subject, "set automatically from network time (systemsetup)", ""}
	case err == nil && strings.EqualFold(val, "Off"):
		return Check{StatusWarn, subject, "not synchronised: network time is turned off", clockFix("darwin") + ", or run `sudo systemsetup -setusingnetworktime on`"}
	}
	return Check{StatusWarn, subject, "cannot tell whether the clock is synchronised (`systemsetup -getusingnetworktime` needs administrator rights)", clockFix("darwin")}
}

// clockWindows reads `w32tm /query /status`: a clock whose source is the
// local CMOS clock or free-running is not synchronised.
func (v *env) clockWindows() Check {
	const subject = "clock"
	p := v.lookPath("w32tm", `C:\Windows\System32`)
	if p == "" {
		return Check{StatusWarn, subject, "cannot tell whether the clock is synchronised (no w32tm)", clockFix("windows")}
	}
	return v.w32tmStatus(p)
}

// w32tmStatus runs the w32tm at p.
func (v *env) w32tmStatus(p string) Check {
	const subject = "clock"
	out, _, err := v.run(programTimeout, p, "/query", "/status")
	if err != nil {
		return Check{StatusWarn, subject, "the Windows Time service does not answer (" + err.Error() + ")", "run `net start w32time` as administrator, then `w32tm /resync`"}
	}
	source := strings.TrimSpace(keyValues(out, ":")["Source"])
	switch {
	case source == "":
		return Check{StatusWarn, subject, "cannot tell whether the clock is synchronised (w32tm gave no source)", clockFix("windows")}
	case strings.Contains(source, "Local CMOS Clock") || strings.Contains(source, "Free-running"):
		return Check{StatusWarn, subject, "not synchronised: the time source is \"" + source + "\"", clockFix("windows")}
	}
	return Check{StatusOK, subject, "synchronised from " + source + " (w32tm)", ""}
}

// keyValues reads "Key<sep> value" lines, keys and values trimmed; the
// first separator splits (values may hold it).
func keyValues(out, sep string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		k, val, ok := strings.Cut(l, sep)
		if ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
	}
	return m
}

// exitCode is a program's exit status: 0 for success, -1 when it did not
// run or was stopped.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}
