package cli

import (
	"bufio"
	"fmt"
	"strings"
)

// show is `otpfill show NAME`: the entry's recovery codes on stdout, one a
// line (they are secrets: the user asked for them at a terminal), and on
// stderr what the entry holds — its key's type, issuer and account (never
// the secret: `export NAME --uri` is for that), or that it keeps recovery
// codes only.
func (c *command) show(args []string) error {
	fs := c.flags("show", "NAME [--store ID]")
	storeID := fs.String("store", "", "read from this store only")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageErr("give one entry name")
	}
	srv, err := c.server()
	if err != nil {
		return err
	}
	name := pos[0]
	key, codes, st, err := srv.ReadRecovery(c.ctx, name, *storeID)
	if err != nil {
		return explain(srv, err)
	}
	what := "recovery codes only, no 2FA key"
	if key != nil {
		parts := []string{strings.ToUpper(string(key.Type)) + " key"}
		for _, p := range []string{key.Issuer, key.Account} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		what = strings.Join(parts, " · ") + " (`otpfill code " + name + "` for its code)"
	}
	fmt.Fprintf(c.env.Stderr, "%s in %s: %s; %d recovery codes\n", name, st, what, len(codes))
	if len(codes) == 0 {
		return fmt.Errorf("%s holds no recovery codes", name)
	}
	w := bufio.NewWriter(c.env.Stdout)
	for _, code := range codes {
		fmt.Fprintln(w, code)
	}
	return w.Flush()
}
