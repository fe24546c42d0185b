package server

import (
	"context"
	"time"

	"github.com/otpfill/otpfill/host/internal/backup"
	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/otp"
)

// backupTimeout bounds the update of a backup copy after an HOTP code: the
// code is already safe in the first store, and `otpfill backup sync`
// reconciles a counter left behind.
const backupTimeout = 2 * time.Second

// advanceBackup raises the HOTP counter of name's copy in the backup
// store of storeID (or the store it backs up) to key's, when that copy
// holds the same key with a lower counter. Failures are logged: the code
// was given and its counter saved in the first store.
func (s *Server) advanceBackup(ctx context.Context, storeID, name string, key *otp.Key) {
	s.toBackupCopy(ctx, storeID, name, nil, "HOTP counter", false, func(content []byte) ([]byte, bool) {
		other, err := entry.Parse(content)
		if err != nil || !backup.SameKey(key, other) || other.Counter >= key.Counter {
			return nil, false
		}
		other.Counter = key.Counter
		return entry.SetURI(content, other.URI()), true
	})
}

// noBackup says, for entries listed from stores, which have no second copy
// by name: false for an entry whose store has no backup store, or whose
// backup store was listed and lacks the name; nil (unknown) when the backup
// store was not listed. listed holds the names of every store listed, by id.
// Nothing is decrypted.
func (s *Server) noBackup(listed map[string]map[string]bool) func(storeID, name string) *bool {
	no := false
	return func(storeID, name string) *bool {
		partner, ok := backup.Partner(s.Backup, storeID)
		if !ok {
			return &no
		}
		names, ok := listed[partner]
		if !ok {
			return nil
		}
		if names[name] {
			return nil
		}
		return &no
	}
}

// restamp takes the fingerprint of what step's entry holds now, under its
// lock, for undo.
func (s *Server) restamp(ctx context.Context, step *undoStep) {
	unlock, err := s.lock(step.w.ID(), step.name)
	if err != nil {
		step.stampErr = err
		return
	}
	defer unlock()
	s.stampNow(ctx, step)
}
