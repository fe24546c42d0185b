// Package install registers the otpfill native-messaging host with browsers
// and explains what is missing when it does not work.
//
// It implements three commands, reached through [Main]:
//
//   - install writes a host manifest for every supported browser found
//     (Chrome, Chromium, Brave, Edge, Vivaldi, Firefox, LibreWolf; their
//     Flatpak and Snap variants on Linux; registry keys on Windows), pointing
//     at the absolute path of the otpfill binary, and keeps a record of what
//     it wrote.
//   - uninstall removes exactly what install wrote, using that record, and
//     never a file that no longer looks like ours.
//   - doctor checks the binary, every manifest, sandboxed browsers, the git
//     repositories of the pass stores and the clock, one line per check,
//     each with what to do about it. The host's part (the config, gpg, every
//     store as the host opens it) comes in as [Env.HostChecks], built by the
//     CLI with the host's own code: install never imports the host.
//
// Everything that depends on the machine (environment, home, the OS, the
// Windows registry, system folders) comes in through [Env], so tests can
// run every layout in a throwaway folder. Folders are resolved by
// internal/paths, the one place that reads HOME, XDG_*_HOME and GNUPGHOME.
package install
