package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"

	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/protocol"
)

// list: every entry, in pages under the response size limit.

// pageBudget leaves room under MaxResponseSize for the envelope and cursor.
const pageBudget = protocol.MaxResponseSize - 16<<10

func (s *Server) list(ctx context.Context, p protocol.ListParams) (protocol.ListResult, error) {
	stores, err := s.storesFor(p.Store)
	if err != nil {
		return protocol.ListResult{}, err
	}
	var all []protocol.EntryRef
	listed := map[string]map[string]bool{}
	err = s.eachStoreList(ctx, stores, nil, func(st store.Store, names []string) {
		all = slices.Grow(all, len(names))
		set := make(map[string]bool, len(names))
		for _, n := range names {
			all = append(all, protocol.EntryRef{Name: n, Store: st.ID()})
			set[n] = true
		}
		listed[st.ID()] = set
	})
	if err != nil {
		return protocol.ListResult{}, err
	}
	noBackup := s.noBackup(listed)
	typeOf := s.typeLookup()
	start := 0
	if p.Cursor != "" {
		after, err := decodeCursor(p.Cursor)
		if err != nil {
			return protocol.ListResult{}, err
		}
		// Entries are in store order, then name order: resume after the last
		// one sent, even if entries were added or removed meanwhile.
		start = len(all)
		for i, e := range all {
			if storeIndex(stores, e.Store) > storeIndex(stores, after.Store) ||
				(e.Store == after.Store && e.Name > after.Name) {
				start = i
				break
			}
		}
	}
	res := protocol.ListResult{Entries: []protocol.EntryRef{}}
	size := 0
	for i := start; i < len(all); i++ {
		// Room for `,"backup":false` and the type, which are added below.
		enc, err := json.Marshal(all[i])
		if err != nil {
			return protocol.ListResult{}, err
		}
		cost := len(enc) + 1 + len(`,"backup":false,"type":"totp"`) // and a comma
		if size+cost > pageBudget && len(res.Entries) > 0 {
			res.Cursor = encodeCursor(res.Entries[len(res.Entries)-1])
			break
		}
		size += cost
		e := all[i]
		e.Backup = noBackup(e.Store, e.Name)
		e.Type = typeOf(e.Store, e.Name)
		res.Entries = append(res.Entries, e)
	}
	return res, nil
}

func storeIndex(stores []store.Store, id string) int {
	for i, st := range stores {
		if st.ID() == id {
			return i
		}
	}
	return -1
}

func encodeCursor(e protocol.EntryRef) string {
	return base64.RawURLEncoding.EncodeToString([]byte(e.Store + "\x00" + e.Name))
}

func decodeCursor(c string) (protocol.EntryRef, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	st, name, ok := strings.Cut(string(b), "\x00")
	if err != nil || !ok {
		return protocol.EntryRef{}, badRequest(`"cursor" is not a cursor this host gave out`)
	}
	return protocol.EntryRef{Store: st, Name: name}, nil
}
