package install

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Main runs "otpfill install", "otpfill uninstall" or "otpfill doctor":
// command names which, args are the arguments after it. It returns the exit
// status: 0 on success, 1 on failure (the reason is on stderr, in words a
// user can act on), 2 on a usage error. --help prints the usage on stdout
// and returns 0.
func Main(command string, args []string, env Env, stdout, stderr io.Writer) int {
	usage, ok := usageText[command]
	if !ok {
		fmt.Fprintf(stderr, "otpfill: unknown command %q (want install, uninstall or doctor)\n", command)
		return 2
	}
	var o options
	fs := flag.NewFlagSet("otpfill "+command, flag.ContinueOnError)
	fs.SetOutput(stderr) // the flag package prints parse errors there
	fs.Usage = func() {}
	fs.Var(&o.browsers, "browser", "")
	fs.StringVar(&o.manifestDir, "manifest-dir", "", "")
	fs.StringVar(&o.path, "path", "", "")
	if command == "doctor" {
		fs.BoolVar(&o.json, "json", false, "")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "run `otpfill %s --help` for usage\n", command)
		return 2
	}
	if fs.NArg() > 0 {
		return usageErr(stderr, command, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if o.manifestDir != "" && len(o.browsers) == 0 {
		return usageErr(stderr, command, "--manifest-dir needs --browser NAME, which says whether to write a Chromium-family or a Firefox manifest")
	}

	v, err := newEnv(env)
	if err != nil {
		fmt.Fprintf(stderr, "otpfill %s: %v\n", command, err)
		return 1
	}
	if o.path != "" && !v.isAbs(o.path) {
		return usageErr(stderr, command, fmt.Sprintf("--path %s: must be an absolute path (browsers start the host without a working folder)", o.path))
	}
	if o.manifestDir != "" {
		dir, err := filepath.Abs(o.manifestDir)
		if err != nil {
			fmt.Fprintf(stderr, "otpfill %s: --manifest-dir: %v\n", command, err)
			return 1
		}
		o.manifestDir = dir
	}
	targets, err := o.targets(v)
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			return usageErr(stderr, command, ue.msg)
		}
		fmt.Fprintf(stderr, "otpfill %s: %v\n", command, err)
		return 1
	}

	switch command {
	case "install":
		return runInstall(v, &o, targets, stdout, stderr)
	case "uninstall":
		return runUninstall(v, &o, targets, stdout, stderr)
	default:
		return runDoctor(v, &o, targets, stdout, stderr)
	}
}

func usageErr(stderr io.Writer, command, msg string) int {
	fmt.Fprintf(stderr, "otpfill %s: %s\nrun `otpfill %s --help` for usage\n", command, msg, command)
	return 2
}

type options struct {
	browsers    listFlag
	manifestDir string
	path        string
	json        bool
}

// listFlag collects a repeatable, comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

// targets returns what the flags name: the browsers given with --browser
// (each at --manifest-dir if set), or every target of this OS when no
// --browser is given; install narrows the latter to the browsers found.
func (o *options) targets(v *env) ([]target, error) {
	all := layout(v)
	if len(o.browsers) == 0 {
		return all, nil
	}
	chosen, err := selectTargets(all, o.browsers, v.GOOS)
	if err != nil {
		return nil, err
	}
	if o.manifestDir == "" {
		return chosen, nil
	}
	// A manifest in a folder of the caller's choosing: only the flavor
	// matters, not where or how the browser is installed. Two names of the
	// same flavor write the same file, which is fine; two flavors cannot
	// share one file.
	for _, t := range chosen[1:] {
		if t.flavor != chosen[0].flavor {
			return nil, &usageError{fmt.Sprintf("--manifest-dir: %s and %s need different manifests under the same file name; give each its own --manifest-dir", chosen[0].name, t.name)}
		}
	}
	for i, t := range chosen {
		chosen[i] = target{
			name: t.name, title: t.title, flavor: t.flavor,
			manifest: filepath.Join(o.manifestDir, manifestFile),
		}
	}
	return chosen, nil
}

const browserHelp = `Browser names (--browser, repeatable or comma-separated):
  chrome, chromium, brave, edge, vivaldi, firefox, librewolf
  Linux only: chrome-flatpak, chromium-flatpak, brave-flatpak, edge-flatpak,
  vivaldi-flatpak, firefox-flatpak, librewolf-flatpak, chromium-snap,
  firefox-snap
`

var usageText = map[string]string{
	"install": `Usage: otpfill install [--browser NAME]... [--manifest-dir DIR] [--path BIN]

Registers the otpfill native-messaging host with your browsers: writes the
host manifest (` + manifestFile + `) where each browser looks for it, pointing
at the absolute path of this otpfill binary, and on Windows sets the
registry keys under HKEY_CURRENT_USER. Without --browser it does this for
every supported browser found on this computer. Running it again is safe.
What it writes is recorded, so that 'otpfill uninstall' removes exactly that.

Options:
  --browser NAME      only this browser, written even if it is not found
  --manifest-dir DIR  write the manifest into DIR only (for a throwaway
                      browser profile); needs --browser to pick the kind of
                      manifest (Chromium-family or Firefox)
  --path BIN          the absolute path of the otpfill binary browsers should
                      start (default: this binary)

` + browserHelp + `
Flatpak browsers get a manifest that starts a small script running otpfill
outside the sandbox through flatpak-spawn; it works once you allow it
('otpfill doctor' prints the command). Snap Firefox uses the ordinary
~/.mozilla manifest through the desktop portal.
`,
	"uninstall": `Usage: otpfill uninstall [--browser NAME]... [--manifest-dir DIR]

Removes what 'otpfill install' wrote: the manifests, Flatpak wrapper
scripts and registry keys it recorded, and the folders it created if they
are empty. A file that no longer looks like otpfill's is left alone, and so
is anything another program wrote. Without --browser it removes everything
install recorded.

Options:
  --browser NAME      only this browser
  --manifest-dir DIR  the folder given to 'otpfill install --manifest-dir'
                      (needs --browser)
  --path BIN          accepted for symmetry with install; ignored

` + browserHelp,
	"doctor": `Usage: otpfill doctor [--browser NAME]... [--manifest-dir DIR] [--path BIN] [--json]

Checks that browsers can start otpfill and that otpfill can read your codes,
one line per check: OK, WARN (works, or may, but look) or FAIL (broken),
each with what to do. It checks this binary, every host manifest (and
registry key on Windows), sandboxed browsers, the otpfill config, gpg,
gpg-agent and pinentry, every store the host uses (the pass stores of
config.json and the default one, their .gpg-id, engines and git, and the
keyring), backups and the clock. Exits 1 if any check FAILs.

Options:
  --browser NAME      check only this browser's manifest
  --manifest-dir DIR  check the manifest in DIR (needs --browser)
  --path BIN          the binary manifests should point at (default: this one)
  --json              print the checks as a JSON array of
                      {"status","subject","message","fix"}

` + browserHelp,
}
