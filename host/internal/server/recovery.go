package server

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode"

	"github.com/otpfill/otpfill/host/internal/backup"
	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/match"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/protocol"
)

// save_recovery: a site's recovery codes, kept in its entry.

const (
	maxRecoveryCodes   = 64
	maxRecoveryCodeLen = 64
)

func (s *Server) saveRecovery(ctx context.Context, p protocol.SaveRecoveryParams) (protocol.SaveRecoveryResult, error) {
	if len(p.Codes) == 0 {
		return protocol.SaveRecoveryResult{}, badRequest(`"codes" must list at least one recovery code`)
	}
	if len(p.Codes) > maxRecoveryCodes {
		return protocol.SaveRecoveryResult{}, badRequest(`"codes" lists more than %d codes`, maxRecoveryCodes)
	}
	codes := make([]string, 0, len(p.Codes))
	for i, c := range p.Codes {
		c = strings.TrimSpace(c)
		if c == "" || len(c) > maxRecoveryCodeLen || strings.IndexFunc(c, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) >= 0 {
			return protocol.SaveRecoveryResult{}, badRequest(`recovery code %d is empty, longer than %d characters, or holds control characters`, i+1, maxRecoveryCodeLen)
		}
		codes = append(codes, c)
	}
	if p.URL == "" {
		return protocol.SaveRecoveryResult{}, badRequest(`"url" is missing`)
	}
	site, err := match.ParseSite(p.URL)
	if err != nil {
		return protocol.SaveRecoveryResult{}, err
	}
	name := p.Name
	if name == "" {
		ref, err := s.exactOne(ctx, p.URL)
		if err != nil {
			return protocol.SaveRecoveryResult{}, err
		}
		name = ref.Name
	}
	if err := store.ValidateName(name); err != nil {
		return protocol.SaveRecoveryResult{}, err
	}
	targets, err := s.writers(p.Store)
	if err != nil {
		return protocol.SaveRecoveryResult{}, err
	}
	res := protocol.SaveRecoveryResult{Name: name}
	var steps []undoStep
	for i, w := range targets {
		step, replaced, err := s.saveRecoveryOne(ctx, w, name, codes, site, p.Create && i == 0)
		if err != nil {
			if i == 0 {
				return protocol.SaveRecoveryResult{}, err
			}
			s.Log.Warn().Str("store", w.ID()).Str("entry", name).Err(err).Msg("backup copy of recovery codes not saved")
			continue
		}
		if len(steps) == 0 {
			res.Replaced = replaced
		}
		steps = append(steps, step)
		res.Stores = append(res.Stores, w.ID())
	}
	if p.Store != "both" && len(targets) == 1 && len(steps) == 1 && !p.Create {
		// One store named: its entry's copy in the backup pair gets the
		// codes too, as an HOTP code advances both copies.
		if step, ok := s.recoveryToBackup(ctx, targets[0].ID(), name, codes, steps[0].prev, site); ok {
			steps = append(steps, step)
			res.Stores = append(res.Stores, step.w.ID())
		}
	}
	res.Undo = s.undos.add(name, steps)
	return res, nil
}

// recoveryToBackup puts codes into name's copy in the backup pair of
// storeID (the store it backs up, or its backup store), when that copy was
// in step with the entry before this save: the same key and the same
// recovery codes as prev, what the entry held.
func (s *Server) recoveryToBackup(ctx context.Context, storeID, name string, codes []string, prev []byte, site match.Site) (undoStep, bool) {
	key, err := entry.Parse(prev)
	if err != nil {
		return undoStep{}, false
	}
	return s.toBackupCopy(ctx, storeID, name, &site, "recovery codes", true, func(content []byte) ([]byte, bool) {
		other, err := entry.Parse(content)
		if err != nil || !backup.SameKey(key, other) || !slices.Equal(entry.RecoveryCodes(content), entry.RecoveryCodes(prev)) {
			return nil, false
		}
		return entry.SetRecoveryCodes(content, codes), true
	})
}

// toBackupCopy applies a change made to name in storeID to the entry's copy
// in the backup pair of storeID (the store it backs up, or its backup
// store): edit gets what the copy holds and returns its new content, or
// false when the copy was not in step with the entry before the change
// (left for `otpfill backup status`), or when nothing needs to change. It
// runs under the copy's lock, within backupTimeout; a failure is logged,
// since the change is made in the first store and `otpfill backup sync` can
// finish it. With forUndo, it returns the copy's undo step (stamped under
// the lock) when it wrote.
func (s *Server) toBackupCopy(ctx context.Context, storeID, name string, site *match.Site, what string, forUndo bool, edit func(content []byte) ([]byte, bool)) (undoStep, bool) {
	partnerID, ok := backup.Partner(s.Backup, storeID)
	if !ok {
		return undoStep{}, false
	}
	st, err := s.storeByID(partnerID)
	if err != nil {
		return undoStep{}, false
	}
	w, ok := st.(store.Writer)
	if !ok || (site != nil && s.checkBound(*site, partnerID, name) != nil) {
		return undoStep{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, backupTimeout)
	defer cancel()
	log := s.Log.With().Str("store", partnerID).Str("entry", name).Logger()
	wrote := false
	step, err := s.modify(ctx, w, name, change{
		mustExist: true,
		edit: func(content []byte, _ bool) ([]byte, bool, error) {
			updated, inStep := edit(content)
			if !inStep {
				log.Debug().Msgf("the backup copy needs no change or was not in step (%s): left for `otpfill backup status`", what)
				return nil, false, errNoChange
			}
			return updated, false, nil
		},
		after: func(step *undoStep) {
			wrote = true
			if forUndo {
				s.stampNow(ctx, step)
			}
		},
	})
	switch {
	case err != nil && errors.Is(err, store.ErrNotFound):
		log.Debug().Msgf("no backup copy to update (%s)", what)
	case err != nil:
		log.Warn().Err(err).Msgf("the backup copy was not updated (%s): run `otpfill backup sync`", what)
	}
	if !wrote || !forUndo {
		clear(step.prev)
		return undoStep{}, wrote
	}
	return step, true
}

// saveRecoveryOne puts codes into one store's entry, which must be bound to
// site if it exists. It returns how to undo that, and how many codes the
// entry held before.
//
// With create, the entry must not exist yet (see createOnly).
func (s *Server) saveRecoveryOne(ctx context.Context, w store.Writer, name string, codes []string, site match.Site, create bool) (undoStep, int, error) {
	step, err := s.modify(ctx, w, name, change{
		edit: func(old []byte, found bool) ([]byte, bool, error) {
			if found && create {
				return nil, false, createOnly(w.ID(), name)
			}
			if found {
				if err := s.checkBound(site, w.ID(), name); err != nil {
					return nil, false, err
				}
			}
			return entry.SetRecoveryCodes(old, codes), false, nil
		},
		after: func(step *undoStep) {
			if step.created {
				s.made.add(w.ID(), name, site)
			}
			if step.created && create {
				// Still under the lock: the file is the one this write left.
				s.noteType(w.ID(), name, typeRecovery, s.entryStamp(w.ID(), name))
			}
			s.stampNow(ctx, step)
		},
	})
	if err != nil {
		return undoStep{}, 0, err
	}
	return step, len(entry.RecoveryCodes(step.prev)), nil
}
