package server

import (
	"context"
	"errors"
	"time"

	"github.com/otpfill/otpfill/host/internal/backup"
	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
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
	partnerID, ok := backup.Partner(s.Backup, storeID)
	if !ok {
		return
	}
	st, err := s.storeByID(partnerID)
	if err != nil {
		return
	}
	w, ok := st.(store.Writer)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, backupTimeout)
	defer cancel()
	log := s.Log.With().Str("store", partnerID).Str("entry", name).Logger()
	read := false
	step, err := s.modify(ctx, w, name, change{
		mustExist: true,
		edit: func(content []byte, _ bool) ([]byte, bool, error) {
			read = true
			other, err := entry.Parse(content)
			if err != nil || !backup.SameKey(key, other) {
				log.Debug().Msg("the backup copy holds another key: left for `otpfill backup status`")
				return nil, false, errNoChange
			}
			if other.Counter >= key.Counter {
				return nil, false, errNoChange
			}
			other.Counter = key.Counter
			return entry.SetURI(content, other.URI()), false, nil
		},
	})
	clear(step.prev)
	var lockErr *lockError
	switch {
	case err == nil:
	case errors.As(err, &lockErr):
		log.Warn().Err(err).Msg("the backup copy's HOTP counter was not advanced")
	case !read:
		log.Debug().Err(err).Msg("no backup copy to advance")
	default:
		log.Warn().Err(err).Msg("the backup copy's HOTP counter was not advanced (run `otpfill backup sync`)")
	}
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
