package server

import (
	"context"
	"errors"

	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/protocol"
)

// preview: what a save would write, shown before the user confirms it.

func (s *Server) preview(ctx context.Context, p protocol.PreviewParams) (protocol.PreviewResult, error) {
	if p.URI == "" || p.URL == "" {
		return protocol.PreviewResult{}, badRequest(`"url" and "uri" are required`)
	}
	_, key, name, err := newEntry(p.URL, p.URI, p.Name)
	if err != nil {
		return protocol.PreviewResult{}, err
	}
	targets, err := s.writers(p.Store)
	if err != nil {
		return protocol.PreviewResult{}, err
	}
	res := protocol.PreviewResult{
		Name: name, Type: string(key.Type), Issuer: key.Issuer, Account: key.Account,
		Algorithm: string(key.Algorithm), Digits: key.Digits, Encoder: string(key.Encoder),
	}
	if key.Type == otp.TOTP {
		res.Period = key.Period
	}
	for _, w := range targets {
		res.Stores = append(res.Stores, w.ID())
		content, err := w.Read(ctx, name)
		switch {
		case err == nil:
			if _, perr := entry.Parse(content); !errors.Is(perr, entry.ErrNoOTP) {
				res.Exists = append(res.Exists, w.ID())
			}
			clear(content)
		case errors.Is(err, store.ErrNotFound):
		default:
			return protocol.PreviewResult{}, err
		}
	}
	return res, nil
}
