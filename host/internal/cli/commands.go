package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/server"
	"github.com/otpfill/otpfill/host/internal/store"
)

func (c *command) server() (*server.Server, error) {
	return newServer(c.env, c.log)
}

// explain turns a host error into the words the CLI prints.
func explain(srv *server.Server, err error) error {
	_, msg := srv.Describe(err)
	return fmt.Errorf("%s", msg)
}

func (c *command) code(args []string) error {
	fs := c.flags("code", "NAME|URL [--store ID]")
	storeID := fs.String("store", "", "read from this store only (e.g. pass, keyring)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageErr("give one entry name or URL")
	}
	srv, err := c.server()
	if err != nil {
		return err
	}
	name, url := pos[0], ""
	if strings.Contains(name, "://") {
		name, url = "", pos[0]
	}
	ctx, warns := store.WithWarnings(c.ctx)
	res, err := srv.Code(ctx, name, *storeID, url)
	if err != nil {
		return explain(srv, err)
	}
	_, err = fmt.Fprintln(c.env.Stdout, res.Code)
	// An HOTP counter written back but not committed: the code is good and
	// used, so it is printed and the exit status stays 0; the warning goes
	// to stderr.
	for _, w := range warns.List() {
		fmt.Fprintf(c.env.Stderr, "otpfill code: warning: %s\n", w)
	}
	return err
}

func (c *command) list(args []string) error {
	fs := c.flags("list", "[--json] [--store ID]")
	asJSON := fs.Bool("json", false, "print JSON objects {name, store}, one a line")
	storeID := fs.String("store", "", "list this store only")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return usageErr("list takes no arguments")
	}
	srv, err := c.server()
	if err != nil {
		return err
	}
	entries, err := srv.List(c.ctx, *storeID)
	if err != nil {
		return explain(srv, err)
	}
	w := bufio.NewWriter(c.env.Stdout)
	enc := json.NewEncoder(w)
	for _, e := range entries {
		if *asJSON {
			enc.Encode(e)
		} else {
			fmt.Fprintln(w, e.Name)
		}
	}
	return w.Flush()
}

// readSecret reads an otpauth URI or a bare base32 secret from stdin, or
// from a prompt without echo when stdin is a terminal. Never from argv,
// where other users could read it.
func (c *command) readSecret(prompt string) (string, error) {
	var line string
	if c.env.IsTerminal != nil && c.env.IsTerminal() && c.env.ReadPassword != nil {
		fmt.Fprint(c.env.Stderr, prompt)
		b, err := c.env.ReadPassword()
		fmt.Fprintln(c.env.Stderr)
		if err != nil {
			return "", fmt.Errorf("cannot read from the terminal: %w", err)
		}
		line = string(b)
	} else {
		b, err := io.ReadAll(io.LimitReader(c.env.Stdin, 64<<10))
		if err != nil {
			return "", fmt.Errorf("cannot read stdin: %w", err)
		}
		line = string(b)
	}
	for _, l := range strings.Split(line, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l, nil
		}
	}
	return "", usageErr("no otpauth URI or secret given on stdin")
}

func (c *command) add(args []string) error {
	fs := c.flags("add", "NAME [--store pass|keyring|both] [--force]  (URI or secret on stdin)")
	target := fs.String("store", "", "where to save: pass (default), keyring, both, or a store id")
	force := fs.Bool("force", false, "replace the OTP secret of an existing entry")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageErr("give one entry name (the secret is read from stdin, never from the command line)")
	}
	secret, err := c.readSecret("otpauth URI or base32 secret: ")
	if err != nil {
		return err
	}
	var key *otp.Key
	if strings.HasPrefix(strings.ToLower(secret), "otpauth") {
		key, err = otp.ParseURI(secret)
	} else {
		var s otp.Secret
		s, err = otp.ParseSecret(secret)
		if err == nil {
			key = otp.NewTOTP(s)
		}
	}
	if err != nil {
		return err
	}
	srv, err := c.server()
	if err != nil {
		return err
	}
	ctx, warns := store.WithWarnings(c.ctx)
	stores, err := srv.SaveKey(ctx, pos[0], key, *target, *force)
	if err != nil {
		return explain(srv, err)
	}
	res, err := srv.Code(ctx, pos[0], stores[0], "")
	if err != nil {
		return explain(srv, err)
	}
	if warning, _ := key.CheckNew(); warning != "" {
		fmt.Fprintf(c.env.Stderr, "warning: %s\n", warning)
	}
	fmt.Fprintf(c.env.Stderr, "saved %s in %s; current code:\n", pos[0], strings.Join(stores, " and "))
	if _, err = fmt.Fprintln(c.env.Stdout, res.Code); err != nil {
		return err
	}
	if ws := warns.List(); len(ws) > 0 {
		// Saved, but git does not have it: a non-zero exit, never only a
		// log line.
		return fmt.Errorf("%s", strings.Join(ws, "; "))
	}
	return nil
}
