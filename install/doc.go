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
//   - doctor checks the binary, every manifest, gpg and its agent, the pass
//     store, the keyring and sandboxed browsers, one line per check, each
//     with what to do about it.
//
// Everything that depends on the machine (environment, home, the OS, the
// Windows registry, system folders) comes in through [Env], so tests can
// run every layout in a throwaway folder.
package install
