package install

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeProgram writes a program named name into the fixture's bin folder,
// on PATH, that prints out and exits with code, logging its arguments.
func (f *fixture) fakeProgram(name, out string, code int) {
	f.t.Helper()
	bin := filepath.Join(filepath.Dir(f.home), "fakebin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		f.t.Fatal(err)
	}
	// Built-ins only: PATH holds nothing but this folder.
	script := "#!/bin/sh\necho \"$*\" >> '" + filepath.Join(bin, "args.log") + "'\nprintf '%s' '" + strings.ReplaceAll(out, "'", `'\''`) + "'\nexit " + string(rune('0'+code)) + "\n"
	if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
		f.t.Fatal(err)
	}
	f.vars["PATH"] = bin
}

func (f *fixture) fakeArgs() string {
	data, _ := os.ReadFile(filepath.Join(filepath.Dir(f.home), "fakebin", "args.log"))
	return string(data)
}

func kernelSays(synced bool, maxErr time.Duration) func() (kernelClock, error) {
	return func() (kernelClock, error) { return kernelClock{Synced: synced, MaxError: maxErr}, nil }
}

func clockLine(t *testing.T, f *fixture) string {
	t.Helper()
	_, out, _ := f.run("doctor")
	return line(t, out, "clock")
}

func TestDoctorClockLinux(t *testing.T) {
	unsynced := kernelSays(false, 16*time.Second)
	tests := []struct {
		name    string
		kernel  func() (kernelClock, error)
		fakes   map[string]string // name -> output; a "!" prefix exits 1
		want    string            // prefix of the line
		contain string
	}{
		{"kernel synchronised", kernelSays(true, 150*time.Millisecond),
			map[string]string{"timedatectl": "NTP=no\nNTPSynchronized=no\n"},
			"OK   clock: synchronised (the kernel's maximum error is 150ms)", ""},
		{"timesyncd off", unsynced, map[string]string{"timedatectl": "NTP=no\nNTPSynchronized=no\n"},
			"WARN clock: not synchronised: network time is turned off", "sudo timedatectl set-ntp true"},
		{"timesyncd on, no server yet", unsynced, map[string]string{"timedatectl": "NTP=yes\nNTPSynchronized=no\n"},
			"WARN clock: not synchronised yet", "timedatectl timesync-status"},
		{"timedatectl says synchronised", unsynced, map[string]string{"timedatectl": "NTP=yes\nNTPSynchronized=yes\n"},
			"OK   clock: synchronised (timedatectl)", ""},
		{"no systemd, chrony synchronised", unsynced, map[string]string{
			"timedatectl": "!System has not been booted with systemd as init system (PID 1). Can't operate.\n",
			"chronyc":     "Reference ID    : C0A80101 (192.168.1.1)\nStratum         : 3\nSystem time     : 0.000012 seconds fast of NTP time\nLeap status     : Normal\n"},
			"OK   clock: synchronised (chronyc tracking)", ""},
		{"chrony without a server", unsynced, map[string]string{
			"chronyc": "Reference ID    : 00000000 ()\nStratum         : 0\nLeap status     : Not synchronised\n"},
			"WARN clock: not synchronised: chrony's leap status is \"Not synchronised\"", "chronyc sources"},
		{"chronyd not running, ntpd synchronised", unsynced, map[string]string{
			"chronyc": "!506 Cannot talk to daemon\n",
			"ntpstat": "synchronised to NTP server (10.0.0.1) at stratum 2\n"},
			"OK   clock: synchronised (ntpstat)", ""},
		{"ntpd not synchronised", unsynced, map[string]string{"ntpstat": "!unsynchronised\n"},
			"WARN clock: not synchronised (ntpstat)", "ntpq -p"},
		{"no time service", unsynced, nil,
			"WARN clock: not synchronised (the kernel says so) and no time service", "timedatectl set-ntp true"},
		{"adjtimex refused, no service", func() (kernelClock, error) { return kernelClock{}, errors.New("operation not permitted") }, nil,
			"WARN clock: cannot tell whether the clock is synchronised (adjtimex: operation not permitted)", "chrony"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "linux")
			f.clock = tt.kernel
			for name, out := range tt.fakes {
				code := 0
				if strings.HasPrefix(out, "!") {
					out, code = out[1:], 1
				}
				f.fakeProgram(name, out, code)
			}
			l := clockLine(t, f)
			if !strings.HasPrefix(l, tt.want) || !strings.Contains(l, tt.contain) {
				t.Errorf("clock line:\n%s\nwant it to start with\n%s\nand contain %q", l, tt.want, tt.contain)
			}
			if strings.HasPrefix(l, "FAIL") {
				t.Error("an unsynchronised clock is a warning, not a failure")
			}
		})
	}
}

// The daemons are asked read-only, with the arguments documented.
func TestDoctorClockDaemonArgs(t *testing.T) {
	f := newFixture(t, "linux")
	f.clock = kernelSays(false, 16*time.Second)
	f.fakeProgram("timedatectl", "", 1)
	f.fakeProgram("chronyc", "", 1)
	f.fakeProgram("ntpstat", "", 2)
	clockLine(t, f)
	want := "show -p NTP -p NTPSynchronized\n-n tracking\n\n"
	if got := f.fakeArgs(); got != want {
		t.Errorf("programs ran with\n%q\nwant\n%q", got, want)
	}
}

func TestDoctorClockWindows(t *testing.T) {
	synced := "Leap Indicator: 0(no warning)\nStratum: 4 (secondary reference - syncd by (S)NTP)\nLast Successful Sync Time: 12/1/2026 9:12:03 AM\nSource: time.windows.com,0x9\nPoll Interval: 10 (1024s)\n"
	cmos := "Leap Indicator: 3(not synchronized)\nStratum: 0 (unspecified)\nLast Successful Sync Time: unspecified\nSource: Local CMOS Clock\n"
	for _, tt := range []struct {
		name, out string
		code      int
		want      string
	}{
		{"synchronised", synced, 0, "OK   clock: synchronised from time.windows.com,0x9 (w32tm)"},
		{"CMOS clock", cmos, 0, "WARN clock: not synchronised: the time source is \"Local CMOS Clock\" — run `w32tm /resync`"},
		{"service stopped", "The following error occurred: The service has not been started. (0x80070426)\n", 1, "WARN clock: the Windows Time service does not answer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The Windows layout's PATH holds only C:\ paths, which a
			// Linux test cannot run: the fake w32tm is run directly.
			f := newFixture(t, "linux")
			f.fakeProgram("w32tm.exe", tt.out, tt.code)
			v, err := newEnv(f.env())
			if err != nil {
				t.Fatal(err)
			}
			v.GOOS = "windows"
			if l := v.w32tmStatus(filepath.Join(f.vars["PATH"], "w32tm.exe")).String(); !strings.HasPrefix(l, tt.want) {
				t.Errorf("clock line:\n%s\nwant\n%s", l, tt.want)
			}
		})
	}
}

func TestDoctorClockDarwin(t *testing.T) {
	for _, tt := range []struct{ out, want string }{
		{"Network Time: On\n", "OK   clock: set automatically from network time"},
		{"Network Time: Off\n", "WARN clock: not synchronised: network time is turned off"},
		{"You need administrator access to run this tool... exiting!\n", "WARN clock: cannot tell"},
	} {
		f := newFixture(t, "darwin")
		f.fakeProgram("systemsetup", tt.out, 0)
		if l := clockLine(t, f); !strings.HasPrefix(l, tt.want) {
			t.Errorf("for %q the clock line is\n%s\nwant\n%s", tt.out, l, tt.want)
		}
	}
}
