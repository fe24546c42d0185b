package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/otpfill/otpfill/host/internal/backup"
)

// errNotCovered: backup status or sync found something not in step; the
// details are already printed. Main exits 1 without another message.
var errNotCovered = fmt.Errorf("not covered")

func (c *command) backup(args []string) error {
	if len(args) == 0 || (args[0] != "status" && args[0] != "sync" && args[0] != "--help" && args[0] != "-h") {
		fmt.Fprint(c.env.Stderr, backupUsage)
		return usageErr("give status or sync")
	}
	switch args[0] {
	case "status":
		return c.backupStatus(args[1:])
	case "sync":
		return c.backupSync(args[1:])
	}
	fmt.Fprint(c.env.Stdout, backupUsage)
	return nil
}

const backupUsage = `Usage:
  otpfill backup status [--json]      is every 2FA key in two stores, the same in both?
  otpfill backup sync [--to STORE]    copy what is missing into the backup store

The backup store of each store is set by "backup" in the otpfill config
({"pass": "keyring"} by default when both exist). Exit status: 0 when every
key is covered (status) or everything is in step (sync), 1 otherwise.
`

// checker sets up the backup checker from the config and the environment.
func (c *command) checker() (*backup.Checker, error) {
	st, err := openStores(c.env, c.log)
	if err != nil {
		return nil, err
	}
	return c.checkerOf(st), nil
}

// checkerOf is the backup checker of the stores st.
func (c *command) checkerOf(st *storeSet) *backup.Checker {
	return &backup.Checker{Stores: st.list, Pairs: st.backup, Git: st.git, Env: c.env.Environ, Optional: st.optional, Lock: entryLock(c.env)}
}

func (c *command) backupStatus(args []string) error {
	fs := c.flags("backup status", "[--json]")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return usageErr("backup status takes no arguments")
	}
	k, err := c.checker()
	if err != nil {
		return err
	}
	r := k.Status(c.ctx)
	if err := c.ctx.Err(); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		w := bufio.NewWriter(c.env.Stdout)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "STATE\tENTRY\tCOPIES\tNOTES")
		for _, e := range r.Entries {
			copies := strings.Join(e.Copies, ", ")
			if copies == "" {
				copies = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.State, e.Name, copies, strings.Join(notes(e), "; "))
		}
		tw.Flush()
		for _, p := range r.Problems {
			fmt.Fprintf(w, "problem: %s\n", p)
		}
		fmt.Fprintln(w, r.Line())
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if !r.OK() {
		return errNotCovered
	}
	return nil
}

// notes are the table's words for what is not right with an entry.
func notes(e backup.Entry) []string {
	var out []string
	if e.State != backup.Covered && e.Message != "" {
		out = append(out, e.Message)
	}
	if e.Counters != nil {
		var parts []string
		for _, id := range e.Stores {
			parts = append(parts, fmt.Sprintf("%s %d", id, e.Counters[id]))
		}
		out = append(out, "HOTP counters differ ("+strings.Join(parts, ", ")+")")
	}
	switch {
	case e.State == backup.Error:
	case len(e.RecoveryCodes) == 0:
		out = append(out, "no recovery codes")
	case len(e.Copies) > 1 && len(e.RecoveryCodes) == 1:
		out = append(out, "recovery codes only in "+e.RecoveryCodes[0])
	}
	if len(e.Uncommitted) > 0 {
		out = append(out, "not committed to git in "+strings.Join(e.Uncommitted, ", "))
	}
	return out
}

func (c *command) backupSync(args []string) error {
	fs := c.flags("backup sync", "[--to STORE]")
	to := fs.String("to", "", "write only into this store")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return usageErr("backup sync takes no arguments")
	}
	k, err := c.checker()
	if err != nil {
		return err
	}
	res, err := k.Sync(c.ctx, *to)
	if res == nil {
		return err
	}
	w := bufio.NewWriter(c.env.Stdout)
	for _, ch := range res.Changes {
		switch ch.What {
		case "copied":
			fmt.Fprintf(w, "copied %s into %s\n", ch.Name, ch.Store)
		case "counter":
			fmt.Fprintf(w, "raised the HOTP counter of %s in %s to %d\n", ch.Name, ch.Store, ch.Counter)
		case "recovery_codes":
			fmt.Fprintf(w, "copied the recovery codes of %s into %s\n", ch.Name, ch.Store)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, l := range res.Left {
		what := l.State
		if what == backup.Covered {
			what = "not in step"
		}
		fmt.Fprintf(c.env.Stderr, "%s: %s (%s): %s\n", what, l.Name, strings.Join(l.Stores, ", "), l.Message)
	}
	for _, p := range res.Problems {
		fmt.Fprintf(c.env.Stderr, "problem: %s\n", p)
	}
	if err != nil {
		return err
	}
	if !res.OK() {
		fmt.Fprintf(c.env.Stderr, "%d change(s) made; %d entr%s left out of step\n", len(res.Changes), len(res.Left), plural(len(res.Left), "y", "ies"))
		return errNotCovered
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
