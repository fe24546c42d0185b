package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/protocol"
)

// code: the current code of an entry, named or matched by URL.

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) code(ctx context.Context, p protocol.CodeParams) (protocol.CodeResult, error) {
	name, storeID := p.Name, p.Store
	switch {
	case name != "" && p.URL != "":
		return protocol.CodeResult{}, badRequest(`give either "name" or "url", not both`)
	case name == "" && p.URL == "":
		return protocol.CodeResult{}, badRequest(`"name" or "url" is required`)
	case p.URL != "":
		ref, err := s.exactOne(ctx, p.URL)
		if err != nil {
			return protocol.CodeResult{}, err
		}
		name, storeID = ref.Name, ref.Store
	}
	return s.codeFor(ctx, name, storeID, nil)
}

// codeFor answers the code of one entry. An HOTP code advances the counter:
// when saved is the undo step of the save that wrote the entry, its stamp
// then takes in that write too, which is part of the save.
func (s *Server) codeFor(ctx context.Context, name, storeID string, saved *undoStep) (protocol.CodeResult, error) {
	stamps := s.stampsBefore(name, storeID) // for the type index, before reading
	content, st, err := s.readEntry(ctx, name, storeID)
	if err != nil {
		return protocol.CodeResult{}, err
	}
	key, err := entry.Parse(content)
	clear(content)
	if err != nil {
		if errors.Is(err, entry.ErrRecoveryOnly) {
			s.noteType(st.ID(), name, typeRecovery, stamps[st.ID()]) // match says so from now on
		}
		return protocol.CodeResult{}, noKeyError(name, err)
	}
	res := protocol.CodeResult{Name: name, Store: st.ID(), Type: string(key.Type), Digits: key.Digits, Encoder: string(key.Encoder)}
	if key.Type == otp.HOTP {
		code, err := s.nextHOTP(ctx, st, name, saved)
		if err != nil {
			return protocol.CodeResult{}, err
		}
		res.Code = code
		return res, nil
	}
	code, expires, err := key.TOTP(s.now())
	if err != nil {
		return protocol.CodeResult{}, fmt.Errorf("%s: %w", name, err)
	}
	s.noteType(st.ID(), name, key.Type, stamps[st.ID()])
	res.Code, res.Period, res.ExpiresAt = code, key.Period, expires.UnixMilli()
	return res, nil
}
