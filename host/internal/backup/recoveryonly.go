package backup

import (
	"context"
	"fmt"
	"slices"

	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/store"
)

// RecoveryOnly is the Type of an entry that keeps a site's recovery codes
// and no key (a site whose 2FA is by SMS, or whose key is kept elsewhere).
// Losing those codes can lock the user out as surely as losing a key, so
// such an entry needs its second copy too: it is checked and synced as a
// key is, its recovery codes standing for the key.
const RecoveryOnly = "recovery"

// evaluateRecoveryOnly sets e's state when no copy holds a key: covered when
// both copies hold the same recovery codes, missing when one has none, a
// conflict when they differ. It reports false when no copy holds codes
// either (a password entry: not 2FA).
func evaluateRecoveryOnly(e *Entry, u unit, a, b copyState) bool {
	type cp struct {
		id string
		c  copyState
	}
	copies := []cp{{u.a.ID(), a}}
	if u.b != nil {
		copies = append(copies, cp{u.b.ID(), b})
	}
	for _, c := range copies {
		if len(c.c.recovery) > 0 {
			e.Copies = append(e.Copies, c.id)
			e.RecoveryCodes = append(e.RecoveryCodes, c.id)
		}
	}
	if len(e.Copies) == 0 {
		return false
	}
	e.Type = RecoveryOnly
	pairState(e, u, "of the recovery codes ", func() bool { return slices.Equal(a.recovery, b.recovery) }, "recovery codes")
	return true
}

// syncRecoveryOnly copies the recovery codes of an entry that holds no key
// into the store that has none: a new entry of the codes alone, or, where
// the name holds something else without a key (a password), the codes
// added to it.
func syncRecoveryOnly(ctx context.Context, name string, src copyState, dst store.Store, dstCopy copyState, leave func(state, msg string) *Left) ([]Change, *Left) {
	content := entry.SetRecoveryCodes(dstCopy.content, src.recovery)
	defer clear(content)
	if err := write(ctx, dst, name, content, dstCopy.present); err != nil {
		return nil, leave(Error, fmt.Sprintf("cannot copy the recovery codes of %s into %s: %v", name, dst.ID(), err))
	}
	return []Change{{Name: name, Store: dst.ID(), What: "recovery_codes"}}, nil
}
