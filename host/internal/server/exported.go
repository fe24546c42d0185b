package server

import (
	"context"
	"fmt"

	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/protocol"
)

// The CLI uses the same code paths as the protocol, so both behave alike.

// Code answers like the `code` action: by name (and optional store) or URL.
func (s *Server) Code(ctx context.Context, name, storeID, url string) (protocol.CodeResult, error) {
	return s.code(ctx, protocol.CodeParams{Name: name, Store: storeID, URL: url})
}

// List returns every entry of one store, or of all.
func (s *Server) List(ctx context.Context, storeID string) ([]protocol.EntryRef, error) {
	stores, err := s.storesFor(storeID)
	if err != nil {
		return nil, err
	}
	return s.entries(ctx, stores)
}

// ReadKey decrypts an entry and returns its key, for export.
func (s *Server) ReadKey(ctx context.Context, name, storeID string) (*otp.Key, error) {
	content, _, err := s.readEntry(ctx, name, storeID)
	if err != nil {
		return nil, err
	}
	defer clear(content)
	key, err := entry.Parse(content)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return key, nil
}

// Describe gives the protocol code and message an error is answered with.
func (s *Server) Describe(err error) (protocol.Code, string) {
	code, msg, _ := s.describe(err)
	return code, msg
}
