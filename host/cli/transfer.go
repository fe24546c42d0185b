package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/otpfill/otpfill/host/otp"
	"github.com/otpfill/otpfill/host/store"
	"github.com/otpfill/otpfill/host/transfer"
)

func (c *command) export(args []string) error {
	fs := c.flags("export", "NAME --uri|--qr [--out FILE.png] [--store ID]")
	asURI := fs.Bool("uri", false, "print the otpauth URI (it holds the secret)")
	asQR := fs.Bool("qr", false, "show a QR code in the terminal, or write a PNG with --out")
	outFile := fs.String("out", "", "with --qr: write a PNG to this file instead")
	storeID := fs.String("store", "", "read from this store only")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *asURI == *asQR {
		fs.Usage()
		return usageErr("give one entry name and exactly one of --uri or --qr")
	}
	srv, err := c.server()
	if err != nil {
		return err
	}
	key, err := srv.ReadKey(c.ctx, pos[0], *storeID)
	if err != nil {
		return explain(srv, err)
	}
	uri := key.URI()
	switch {
	case *asURI:
		_, err = fmt.Fprintln(c.env.Stdout, uri)
		return err
	case *outFile != "":
		png, err := transfer.QRPNG(uri, 0)
		if err != nil {
			return err
		}
		return os.WriteFile(*outFile, png, 0o600)
	}
	return transfer.QRTerminal(uri, c.env.Stdout)
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
			return nil, fmt.Errorf("the file is encrypted: run otpfill import in a terminal to type its password")
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
