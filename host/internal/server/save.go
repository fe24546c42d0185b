package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/otpfill/otpfill/host/internal/backup"
	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/match"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/protocol"
)

// save: a new OTP secret from a setup page, into the default store, a
// named one, or a store and its backup.

// writers returns the stores a save goes to: a store id, "both" (the
// default store and its backup store: pass and keyring unless configured
// otherwise), or the configured default.
func (s *Server) writers(target string) ([]store.Writer, error) {
	if target == "" {
		target = s.SaveTo
	}
	if target == "" {
		target = store.KindPass
	}
	var ids []string
	if target == "both" {
		// The default store and its backup (by default pass and keyring).
		primary := s.SaveTo
		if primary == "" || primary == "both" {
			primary = store.KindPass
		}
		partner, ok := backup.Partner(s.Backup, primary)
		switch {
		case !ok:
			return nil, fmt.Errorf("%w: \"both\" saves to store %s and its backup, and %s has none (set \"backup\" in the otpfill config)", errForbidden, primary, primary)
		case s.Backup[primary] == partner:
			ids = []string{primary, partner}
		default:
			// The default store is itself a backup (save_to keyring): the
			// pair is written in its order, the store it backs up first.
			ids = []string{partner, primary}
		}
	} else {
		ids = []string{target}
	}
	var out []store.Writer
	for _, id := range ids {
		st, err := s.storeByID(id)
		if err != nil {
			return nil, err
		}
		w, ok := st.(store.Writer)
		if !ok {
			return nil, fmt.Errorf("%w: store %s cannot be written", errForbidden, id)
		}
		out = append(out, w)
	}
	return out, nil
}

func (s *Server) save(ctx context.Context, p protocol.SaveParams) (protocol.SaveResult, error) {
	if p.URI == "" {
		return protocol.SaveResult{}, badRequest(`"uri" is missing`)
	}
	if p.URL == "" {
		return protocol.SaveResult{}, badRequest(`"url" is missing`)
	}
	site, key, name, err := newEntry(p.URL, p.URI, p.Name)
	if err != nil {
		return protocol.SaveResult{}, err
	}
	stores, steps, err := s.saveKey(ctx, name, key, p.Store, p.Overwrite, &site)
	if err != nil {
		return protocol.SaveResult{}, err
	}
	res := protocol.SaveResult{Name: name, Stores: stores}
	// A secret of 80 to 127 bits is saved, and the user told it is weak.
	res.Warning, _ = key.CheckNew()
	code, err := s.codeFor(ctx, name, res.Stores[0], &steps[0])
	if err != nil {
		return protocol.SaveResult{}, err
	}
	if key.Type == otp.HOTP {
		// The code advanced the backup copy's counter too (advanceBackup):
		// part of this save, so undo compares the copy with that.
		for i := 1; i < len(steps); i++ {
			s.restamp(ctx, &steps[i])
		}
	}
	res.Undo = s.undos.add(name, steps)
	res.Code, res.ExpiresAt = code.Code, code.ExpiresAt
	return res, nil
}

// SaveKey writes key into the target stores (a store id, "both", or "" for
// the configured default) and returns the ids of the stores that hold it now.
// The first store must succeed; later ones are backups whose failure is
// logged.
func (s *Server) SaveKey(ctx context.Context, name string, key *otp.Key, target string, overwrite bool) ([]string, error) {
	stores, steps, err := s.saveKey(ctx, name, key, target, overwrite, nil)
	for _, st := range steps {
		clear(st.prev)
	}
	return stores, err
}

// saveKey writes key as SaveKey does. With a site (a request from a web
// page), an existing entry is changed only if it is bound to that site.
func (s *Server) saveKey(ctx context.Context, name string, key *otp.Key, target string, overwrite bool, site *match.Site) ([]string, []undoStep, error) {
	if err := store.ValidateName(name); err != nil {
		return nil, nil, err
	}
	// Secrets under 80 bits, counters that cannot advance: refused.
	if _, err := key.CheckNew(); err != nil {
		return nil, nil, err
	}
	if key.Account == "" && key.Issuer == "" {
		// A bare secret has no label, and pass-otp refuses an otpauth URI
		// without one ("missing accountname"): name the account after the
		// entry, so that `pass otp` reads what otpfill writes.
		labelled := *key
		labelled.Account = name
		key = &labelled
	}
	targets, err := s.writers(target)
	if err != nil {
		return nil, nil, err
	}
	uri := key.URI()
	var saved []string
	var steps []undoStep
	for i, w := range targets {
		step, err := s.saveOne(ctx, w, name, uri, overwrite, site)
		if err != nil {
			if i == 0 {
				return nil, nil, err
			}
			s.Log.Warn().Str("store", w.ID()).Str("entry", name).Err(err).Msg("backup copy not saved")
			continue
		}
		saved = append(saved, w.ID())
		steps = append(steps, step)
	}
	if target != "both" && len(targets) == 1 && len(steps) == 1 && overwrite {
		// A key replaced in one store: the entry's copy in the backup pair
		// gets the new key too when it held the replaced one, so that the
		// two stay in step rather than turn into a conflict.
		if old, err := entry.Parse(steps[0].prev); err == nil {
			step, ok := s.toBackupCopy(ctx, targets[0].ID(), name, site, "key", true, func(content []byte) ([]byte, bool) {
				other, err := entry.Parse(content)
				if err != nil || !backup.SameKey(old, other) {
					return nil, false
				}
				return entry.SetURI(content, uri), true
			})
			if ok {
				saved = append(saved, step.w.ID())
				steps = append(steps, step)
			}
		}
	}
	return saved, steps, nil
}

// saveOne writes uri into one store: a new entry holds the URI; an existing
// entry keeps its password and fields and has its otpauth line replaced (only
// with overwrite) or appended (when it held no OTP secret yet).
//
// With a site, an existing entry must be bound to it (see bound).
//
// It returns how to undo the write: the entry's previous content (none if it
// did not exist) and the stamp of what was written.
func (s *Server) saveOne(ctx context.Context, w store.Writer, name, uri string, overwrite bool, site *match.Site) (undoStep, error) {
	return s.modify(ctx, w, name, change{
		edit: func(old []byte, found bool) ([]byte, bool, error) {
			if !found {
				return []byte(uri + "\n"), false, nil
			}
			if site != nil {
				if err := s.checkBound(*site, w.ID(), name); err != nil {
					return nil, false, err
				}
			}
			if _, perr := entry.Parse(old); !errors.Is(perr, entry.ErrNoOTP) && !overwrite {
				return nil, false, fmt.Errorf("%w: %s already holds an OTP secret (confirm to replace it)", store.ErrExists, name)
			}
			return entry.SetURI(old, uri), false, nil
		},
		after: func(step *undoStep) {
			if step.created && site != nil {
				s.made.add(w.ID(), name, *site)
			}
			s.stampNow(ctx, step)
		},
	})
}
