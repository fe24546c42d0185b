package install

import (
	"bytes"
	"strings"
)

// wrapperName is the script a Flatpak browser's manifest starts. It sits in
// ~/.var/app/<app-id>/data/otpfill/, which the sandbox sees at the same
// path, and hands the work to flatpak-spawn --host, which runs otpfill
// outside the sandbox with the browser's pipes as its stdin and stdout.
// That needs the browser to be allowed to talk to org.freedesktop.Flatpak,
// which the user must grant (doctor explains it): a browser with that
// permission can run any program on the host, so it is the user's choice.
const wrapperName = "otpfill-flatpak-host"

const wrapperMarker = "# Written by `otpfill install`"

func wrapperScript(exe, appID string) []byte {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString(wrapperMarker + " for the Flatpak browser " + appID + ".\n")
	b.WriteString("# A Flatpak browser cannot start programs outside its sandbox; flatpak-spawn\n")
	b.WriteString("# asks Flatpak to run otpfill on the host. It works only after:\n")
	b.WriteString("#   flatpak override --user --talk-name=org.freedesktop.Flatpak " + appID + "\n")
	b.WriteString("exec flatpak-spawn --host " + shellQuote(exe) + " \"$@\"\n")
	return []byte(b.String())
}

// isOurWrapper reports whether data is a script install wrote.
func isOurWrapper(data []byte) bool {
	return bytes.Contains(data, []byte(wrapperMarker))
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
