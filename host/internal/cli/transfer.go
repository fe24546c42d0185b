package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/otpfill/otpfill/host/internal/backup"
	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/server"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/host/internal/transfer"
	"github.com/otpfill/otpfill/internal/atomicfile"
)

func (c *command) export(args []string) error {
	fs := c.flags("export", "NAME --uri|--qr [--out FILE.png] [--store ID]\n"+
		"       otpfill export --all|NAME... --format uri|aegis|google [--out FILE] [--encrypt] [--store ID]\n"+
		"       otpfill export --all|NAME... --paper FILE.html [--store ID]")
	asURI := fs.Bool("uri", false, "print the otpauth URI (it holds the secret)")
	asQR := fs.Bool("qr", false, "show a QR code in the terminal, or write a PNG with --out")
	outFile := fs.String("out", "", "write to this file instead of stdout (with --qr: a PNG; with --format google: a file-name prefix or a folder for the PNGs)")
	storeID := fs.String("store", "", "read from this store only")
	all := fs.Bool("all", false, "export every entry that holds an OTP key")
	format := fs.String("format", "", "uri (otpauth lines), aegis (Aegis vault JSON) or google (Google Authenticator transfer QR codes)")
	encrypt := fs.Bool("encrypt", false, "with --format aegis: encrypt the vault with a password (asked without echo, or read from stdin)")
	paper := fs.String("paper", "", "write a printable paper kit (HTML) to this file")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *asURI || *asQR {
		if len(pos) != 1 || *asURI == *asQR || *all || *format != "" || *paper != "" || *encrypt {
			fs.Usage()
			return usageErr("give one entry name and exactly one of --uri or --qr (or use --format / --paper)")
		}
		return c.exportOne(pos[0], *storeID, *asURI, *outFile)
	}
	switch {
	case *format == "" && *paper == "":
		fs.Usage()
		return usageErr("say what to export: --uri or --qr for one entry, --format or --paper for several")
	case *format != "" && *paper != "":
		return usageErr("give either --format or --paper, not both")
	case *all == (len(pos) > 0):
		return usageErr("give --all or entry names, not both or neither")
	case *paper != "" && *outFile != "":
		return usageErr("--paper names its own file: drop --out")
	case *encrypt && *format != "aegis":
		return usageErr("--encrypt is for --format aegis (the other formats have no encryption)")
	}
	switch *format {
	case "", "uri", "aegis", "google":
	default:
		return usageErr("unknown --format %q: want uri, aegis or google", *format)
	}
	var password []byte
	if *encrypt {
		// Asked before anything is decrypted, so a typo costs no gpg prompt.
		if password, err = c.newPassword(); err != nil {
			return err
		}
		defer clear(password)
	}
	srv, err := c.server()
	if err != nil {
		return err
	}
	picked, failed, conflicts, err := c.gather(srv, *all, pos, *storeID, *paper != "")
	if err != nil {
		return explain(srv, err)
	}
	total := len(picked) + failed
	if len(picked) == 0 {
		if failed > 0 {
			return fmt.Errorf("nothing was exported: %d entries could not be read (see above)", failed)
		}
		return fmt.Errorf("nothing to export: no entry holds an OTP key")
	}
	keys := make([]*otp.Key, len(picked))
	for i, p := range picked {
		keys[i] = p.key
	}
	left := failed
	switch {
	case *paper != "":
		entries := make([]transfer.PaperEntry, len(picked))
		for i, p := range picked {
			entries[i] = transfer.PaperEntry{Name: p.name, Store: p.store, Key: p.key, RecoveryCodes: p.codes}
		}
		page, err := transfer.PaperKit(entries, time.Now())
		if err != nil {
			return err
		}
		if err := writeSecretFile(*paper, page); err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stderr, "wrote a paper kit of %d entries to %s: print it, keep the cards offline, then delete the file\n", len(picked), *paper)
	case *format == "google":
		ge := transfer.GoogleExportOf(keys)
		for _, s := range ge.Skipped {
			fmt.Fprintf(c.env.Stderr, "left out %s: %s\n", picked[s.Index].name, s.Reason)
		}
		left += len(ge.Skipped)
		if len(ge.URIs) == 0 {
			return fmt.Errorf("nothing was exported: Google Authenticator cannot hold any of the %d entries", total)
		}
		if err := c.writeGoogle(ge.URIs, *outFile); err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stderr, "exported %d of %d entries as %d Google Authenticator QR code(s)\n", total-left, total, len(ge.URIs))
	default:
		var data []byte
		if *format == "aegis" {
			if data, err = transfer.AegisVault(keys, password); err != nil {
				return err
			}
		} else {
			data = transfer.URILines(keys)
		}
		defer clear(data)
		if *outFile == "" {
			if _, err := c.env.Stdout.Write(data); err != nil {
				return err
			}
		} else if err := writeSecretFile(*outFile, data); err != nil {
			return err
		}
		fmt.Fprintf(c.env.Stderr, "exported %d of %d entries\n", total-left, total)
	}
	switch {
	case left > 0 && conflicts > 0:
		return fmt.Errorf("%d of %d entries were not exported, and %d held different keys in two stores (see above)", left, total, conflicts)
	case left > 0:
		return fmt.Errorf("%d of %d entries were not exported (see above)", left, total)
	case conflicts > 0:
		return fmt.Errorf("%d of %d entries hold different keys in two stores: only one key of each was exported (see above)", conflicts, total)
	}
	return nil
}

// exportOne is `export NAME --uri|--qr`.
func (c *command) exportOne(name, storeID string, asURI bool, outFile string) error {
	srv, err := c.server()
	if err != nil {
		return err
	}
	key, err := srv.ReadKey(c.ctx, name, storeID)
	if err != nil {
		return explain(srv, err)
	}
	labelled(key, name)
	uri := key.URI()
	switch {
	case asURI:
		_, err = fmt.Fprintln(c.env.Stdout, uri)
		return err
	case outFile != "":
		png, err := transfer.QRPNG(uri, 0)
		if err != nil {
			return err
		}
		return writeSecretFile(outFile, png)
	}
	return transfer.QRTerminal(uri, c.env.Stdout)
}

// labelled gives a key with neither issuer nor account (a bare "totp:"
// secret) its entry name as the account, so that the app it goes to can
// tell it from the others.
func labelled(key *otp.Key, name string) {
	if key.Issuer == "" && key.Account == "" {
		key.Account = name
	}
}

// pickedEntry is one entry read for a bulk export.
type pickedEntry struct {
	name, store string
	key         *otp.Key
	codes       []string
}

// gather reads the entries to export: every entry of every store (or of
// storeID) that holds an OTP key, a name found in several stores being
// read from the first; or the named entries. An entry that cannot be read
// is named on stderr and counted in failed; with --all, entries without an
// OTP key (plain passwords) are passed over silently, and a configured
// store that cannot be listed is a failure (a default one, a note).
//
// An entry of recovery codes only is picked for the paper kit (withCodesOnly),
// whose card prints its codes; the other formats hold keys only, so it is
// left out with a note (with --all) or as a failure (named).
//
// A key read from one store is compared (never printed) with the copies of
// its name in the other stores (without storeID): one that holds a different
// key is named on stderr with both stores and counted in conflicts, since
// only the first store's key is exported.
func (c *command) gather(srv *server.Server, all bool, names []string, storeID string, withCodesOnly bool) (picked []pickedEntry, failed, conflicts int, err error) {
	type ref struct{ name, store string }
	var refs []ref
	// holders: the stores whose list has a name (with --all), for the comparison.
	holders := map[string][]string{}
	if all {
		ids := []string{storeID}
		if storeID == "" {
			ids = nil
			for _, st := range srv.Stores {
				ids = append(ids, st.ID())
			}
		}
		seen := map[string]bool{}
		for _, id := range ids {
			list, err := srv.List(c.ctx, id)
			switch {
			case err != nil && storeID != "":
				return nil, 0, 0, err
			case err != nil && srv.Optional[id]:
				// A default store that is not there (no keyring daemon):
				// said, so that nobody takes the export for everything.
				fmt.Fprintf(c.env.Stderr, "note: the %s store was not read: %v\n", id, explain(srv, err))
				continue
			case err != nil:
				fmt.Fprintf(c.env.Stderr, "failed: the %s store cannot be read: %v\n", id, explain(srv, err))
				failed++
				continue
			}
			for _, e := range list {
				holders[e.Name] = append(holders[e.Name], e.Store)
				if !seen[e.Name] {
					seen[e.Name] = true
					refs = append(refs, ref{e.Name, e.Store})
				}
			}
		}
	} else {
		for _, n := range names {
			refs = append(refs, ref{n, storeID})
		}
	}
	for _, r := range refs {
		key, codes, st, err := c.readFirstKey(srv, r.name, r.store, holders[r.name])
		if err != nil {
			if all && errors.Is(err, entry.ErrNoOTP) {
				continue
			}
			fmt.Fprintf(c.env.Stderr, "failed %s: %v\n", r.name, explain(srv, err))
			failed++
			continue
		}
		if key == nil {
			switch {
			case withCodesOnly:
				picked = append(picked, pickedEntry{name: r.name, store: st, codes: codes})
			case all:
				fmt.Fprintf(c.env.Stderr, "left out %s: it keeps recovery codes only, no 2FA key (`otpfill show %s` prints them; --paper puts them on a card)\n", r.name, r.name)
			default:
				fmt.Fprintf(c.env.Stderr, "failed %s: it keeps recovery codes only, no 2FA key to export (`otpfill show %s` prints them; --paper puts them on a card)\n", r.name, r.name)
				failed++
			}
			continue
		}
		labelled(key, r.name)
		picked = append(picked, pickedEntry{name: r.name, store: st, key: key, codes: codes})
		if storeID == "" && c.otherKeyDiffers(srv, r.name, st, key, holders[r.name], all) {
			conflicts++
		}
	}
	return picked, failed, conflicts, nil
}

// readFirstKey reads name from store; with --all (holders: the stores
// whose list has name, in store order) a copy without a 2FA key (a plain
// password, recovery codes only) gives way to a later store's copy that
// has one, so that no key is passed over because its name is also a
// password elsewhere.
func (c *command) readFirstKey(srv *server.Server, name, from string, holders []string) (*otp.Key, []string, string, error) {
	key, codes, st, err := srv.ReadRecovery(c.ctx, name, from)
	if key != nil || (err != nil && !errors.Is(err, entry.ErrNoOTP)) {
		return key, codes, st, err
	}
	for _, id := range holders {
		if id == from {
			continue
		}
		if k, cs, s, e := srv.ReadRecovery(c.ctx, name, id); e == nil && k != nil {
			return k, cs, s, nil
		}
	}
	return key, codes, st, err
}

// otherKeyDiffers compares the key exported for name, read from store
// from, with the copies of name in the other stores (with --all, those
// whose list has it: in; else every other store), and says on stderr when
// one holds a different key. Copies without a key, and stores without the
// name or that cannot be reached, are passed over; a copy that cannot be
// read is a note (the export has its key either way).
func (c *command) otherKeyDiffers(srv *server.Server, name, from string, key *otp.Key, in []string, all bool) bool {
	differs := false
	for _, st := range srv.Stores {
		id := st.ID()
		if id == from || (all && !slices.Contains(in, id)) {
			continue
		}
		other, _, _, err := srv.ReadRecovery(c.ctx, name, id)
		switch {
		case errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrUnavailable) || errors.Is(err, entry.ErrNoOTP):
			continue
		case err != nil:
			fmt.Fprintf(c.env.Stderr, "note: %s in %s could not be read to compare it with the exported copy from %s: %v\n", name, id, from, explain(srv, err))
			continue
		case other == nil:
			continue
		}
		same := backup.SameKey(key, other)
		clear(other.Secret)
		if same {
			continue
		}
		differs = true
		hint := "`otpfill backup status` shows the conflict"
		if p, ok := backup.Partner(srv.Backup, from); !ok || p != id {
			hint = fmt.Sprintf("they are not a backup pair: `otpfill code %s --store %s` and `--store %s` give their codes", name, from, id)
		}
		fmt.Fprintf(c.env.Stderr, "conflict %s: its copies in %s and %s hold different keys; the one in %s was exported, not the one in %s (%s)\n", name, from, id, from, id, hint)
	}
	return differs
}

// writeGoogle prints the migration URIs, one a line, or writes each as a
// QR PNG: out is a file-name prefix (PREFIX-1.png, PREFIX-2.png, …; a
// trailing .png is dropped) or an existing folder (FOLDER/google-1.png, …).
// The file names go to stdout.
func (c *command) writeGoogle(uris []string, out string) error {
	if out == "" {
		for _, u := range uris {
			if _, err := fmt.Fprintln(c.env.Stdout, u); err != nil {
				return err
			}
		}
		return nil
	}
	prefix := strings.TrimSuffix(out, ".png")
	if fi, err := os.Stat(out); (err == nil && fi.IsDir()) || strings.HasSuffix(out, string(os.PathSeparator)) {
		prefix = filepath.Join(out, "google")
	}
	for i, u := range uris {
		png, err := transfer.QRPNG(u, 0)
		if err != nil {
			return err
		}
		path := fmt.Sprintf("%s-%d.png", prefix, i+1)
		if err := writeSecretFile(path, png); err != nil {
			return err
		}
		fmt.Fprintln(c.env.Stdout, path)
	}
	return nil
}

// writeSecretFile writes data, which holds secrets, to a file the user
// named: mode 0600, atomically (the old file stays whole on failure).
func writeSecretFile(path string, data []byte) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a folder: give a file name", path)
	}
	return atomicfile.WriteFile(path, data, 0o600)
}

// newPassword reads the password of an encrypted export: typed twice
// without echo in a terminal, or the first line of stdin. Never argv.
func (c *command) newPassword() ([]byte, error) {
	if c.env.IsTerminal != nil && c.env.IsTerminal() && c.env.ReadPassword != nil {
		fmt.Fprint(c.env.Stderr, "Password for the export: ")
		pw, err := c.env.ReadPassword()
		fmt.Fprintln(c.env.Stderr)
		if err != nil {
			return nil, fmt.Errorf("cannot read from the terminal: %w", err)
		}
		if len(pw) == 0 {
			return nil, usageErr("the password is empty")
		}
		fmt.Fprint(c.env.Stderr, "The same password again: ")
		again, err := c.env.ReadPassword()
		fmt.Fprintln(c.env.Stderr)
		defer clear(again)
		if err != nil {
			return nil, fmt.Errorf("cannot read from the terminal: %w", err)
		}
		if !bytes.Equal(pw, again) {
			clear(pw)
			return nil, usageErr("the two passwords differ")
		}
		return pw, nil
	}
	return firstLine(c.env.Stdin, "no password on stdin (the first line is the export's password)")
}

// firstLine reads a password from the first line of r (a pipe or file,
// not a terminal); missing is the error when the line is empty.
func firstLine(r io.Reader, missing string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("cannot read stdin: %w", err)
	}
	defer clear(b)
	line, _, _ := bytes.Cut(b, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return nil, usageErr("%s", missing)
	}
	return bytes.Clone(line), nil
}

func (c *command) importFile(args []string) error {
	fs := c.flags("import", "FILE [--dry-run] [--prefix P] [--store pass|keyring|both] [--overwrite]")
	dryRun := fs.Bool("dry-run", false, "list what would be written; write nothing")
	prefix := fs.String("prefix", "", "put every entry under this folder (e.g. 2fa)")
	target := fs.String("store", "", "where to save: pass (default), keyring, both, or a store id")
	overwrite := fs.Bool("overwrite", false, "replace the OTP secret of entries that already have one")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageErr("give one file to import ('-' for stdin)")
	}
	var data []byte
	if pos[0] == "-" {
		data, err = io.ReadAll(io.LimitReader(c.env.Stdin, transfer.MaxFileSize+1))
	} else {
		data, err = readFileLimited(pos[0], transfer.MaxFileSize)
	}
	if err != nil {
		return err
	}
	password := func() ([]byte, error) {
		if c.env.IsTerminal == nil || !c.env.IsTerminal() || c.env.ReadPassword == nil {
			if pos[0] != "-" {
				// A script restoring an encrypted backup: the password is
				// the first line of stdin, never an argument.
				return firstLine(c.env.Stdin, "no password on stdin (the file is encrypted: give its password as the first line of stdin, or run otpfill import in a terminal)")
			}
			return nil, fmt.Errorf("the file is encrypted: run otpfill import FILE in a terminal to type its password")
		}
		fmt.Fprint(c.env.Stderr, "Password of the export file: ")
		pw, err := c.env.ReadPassword()
		fmt.Fprintln(c.env.Stderr)
		return pw, err
	}
	res, err := transfer.Read(data, password)
	clear(data)
	if err != nil {
		return err
	}
	if res.Format == transfer.QRImage {
		fmt.Fprintf(c.env.Stderr, "read %d QR code(s) from the image\n", res.QRCodes)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(c.env.Stderr, "skipped %s: %s\n", s.What, s.Reason)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(c.env.Stderr, "warning: %s\n", w)
	}
	srv, err := c.server()
	if err != nil {
		return err
	}
	out := bufio.NewWriter(c.env.Stdout)
	defer out.Flush()
	// One git commit for the whole import, as one `pass git` change.
	var ends []func(context.Context, string) error
	if !*dryRun {
		for _, st := range srv.Stores {
			if b, ok := st.(interface {
				StartBatch() func(context.Context, string) error
			}); ok {
				ends = append(ends, b.StartBatch())
			}
		}
	}
	commit := func() error {
		var errs []error
		for _, end := range ends {
			errs = append(errs, end(c.ctx, fmt.Sprintf("Import OTP secrets from %s.", res.Format.Description())))
		}
		ends = nil
		return errors.Join(errs...)
	}
	defer commit()
	written, failed := 0, 0
	for _, it := range res.Items {
		name := it.Name
		if p := strings.Trim(*prefix, "/"); p != "" {
			name = p + "/" + name
		}
		if err := store.ValidateName(name); err != nil {
			fmt.Fprintf(c.env.Stderr, "skipped %s: %v\n", name, err)
			failed++
			continue
		}
		if *dryRun {
			fmt.Fprintf(out, "%s\t%s\t%s\n", name, it.Type, it.Source)
			continue
		}
		key, err := otp.ParseURI(it.URI)
		if err == nil {
			_, err = srv.SaveKey(c.ctx, name, key, *target, *overwrite)
		}
		if err != nil {
			if errors.Is(err, store.ErrExists) {
				fmt.Fprintf(c.env.Stderr, "kept %s: it already holds an OTP secret (use --overwrite to replace it)\n", name)
			} else {
				fmt.Fprintf(c.env.Stderr, "failed %s: %v\n", name, explain(srv, err))
			}
			failed++
			continue
		}
		fmt.Fprintln(out, name)
		written++
	}
	// Accounts the file holds but that were refused count as failures: an
	// import that leaves any of them behind, or imports nothing, exits
	// non-zero so that a script notices.
	refused := len(res.Skipped)
	total := len(res.Items) + refused
	if *dryRun {
		fmt.Fprintf(c.env.Stderr, "%d of %d entries would be written (%s); nothing was written\n", len(res.Items)-failed, total, res.Format.Description())
	} else {
		fmt.Fprintf(c.env.Stderr, "imported %d of %d entries from %s\n", written, total, res.Format.Description())
	}
	// The entries are written; if git does not have them, the exit status
	// says so too, never only a log line.
	commitErr := commit()
	if commitErr != nil {
		fmt.Fprintf(c.env.Stderr, "not committed: %v\n", commitErr)
	}
	switch {
	case commitErr != nil:
		return fmt.Errorf("the imported entries are saved but not committed to git; commit them with `pass git add -A && pass git commit` (`otpfill doctor` lists them)")
	case failed+refused > 0 && *dryRun:
		return fmt.Errorf("%d of %d entries would not be imported (see above)", failed+refused, total)
	case failed+refused > 0:
		return fmt.Errorf("%d of %d entries were not imported (see above)", failed+refused, total)
	case !*dryRun && written == 0:
		return fmt.Errorf("nothing was imported")
	}
	return nil
}

func readFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MiB: not an authenticator export", path, limit>>20)
	}
	return data, nil
}
