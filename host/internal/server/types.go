package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/internal/atomicfile"
)

// The entry-type index: what the host learnt of each entry's OTP type
// (totp, hotp) when it last decrypted or wrote it, so that `match` can say it
// without decrypting anything. A record counts only while the entry's file
// still has the stamp (size, mtime, inode) it had when the type was read:
// any other write to the entry — `pass edit`, `pass otp insert -f`, a git
// pull — makes it unknown, never wrong. The file (Server.TypeIndex, in the
// state folder) holds names and types, no secret; it is a cache: a missing,
// unreadable or corrupt one is ignored and written anew.

// fileStamper is a store whose entries can be stamped without reading them
// (pass: a stat of the file).
type fileStamper interface {
	FileStamp(name string) (string, error)
}

const typeIndexVersion = 1

type typeRecord struct {
	Type  string `json:"type"`
	Stamp string `json:"stamp"`
}

type typeIndexFile struct {
	Version int `json:"version"`
	// Stores maps a store id to its entries' records, by name.
	Stores map[string]map[string]typeRecord `json:"stores"`
}

// typeIndexMu serialises this process's read-modify-write cycles of the
// index. Two host processes may still race: the last write wins, and a
// record lost so is only unknown (a stale one never matches its stamp).
var typeIndexMu sync.Mutex

// loadTypes reads the index; anything unusable reads as empty.
func (s *Server) loadTypes() typeIndexFile {
	idx := typeIndexFile{Version: typeIndexVersion, Stores: map[string]map[string]typeRecord{}}
	if s.TypeIndex == "" {
		return idx
	}
	data, err := os.ReadFile(s.TypeIndex)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.Log.Debug().Err(err).Msg("entry-type index unreadable: ignored")
		}
		return idx
	}
	var got typeIndexFile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&got); err != nil || got.Version != typeIndexVersion || got.Stores == nil {
		s.Log.Debug().Msg("entry-type index corrupt or of another version: ignored, it is written anew")
		return idx
	}
	return got
}

// storeStamper is the store with this id, if its entries can be stamped.
func (s *Server) storeStamper(id string) fileStamper {
	for _, st := range s.Stores {
		if st.ID() == id {
			fs, _ := st.(fileStamper)
			return fs
		}
	}
	return nil
}

// entryStamp is the current stamp of name in store id, "" when none can be
// had (no such store or entry, a store that cannot stamp, no index kept).
func (s *Server) entryStamp(id, name string) string {
	if s.TypeIndex == "" {
		return ""
	}
	fs := s.storeStamper(id)
	if fs == nil {
		return ""
	}
	stamp, err := fs.FileStamp(name)
	if err != nil {
		return ""
	}
	return stamp
}

// noteType records that name in store id held a key of type t when its
// file had the stamp before, taken before the entry was read. If the file
// has changed since, nothing is recorded: what was read may be either
// version.
func (s *Server) noteType(id, name string, t otp.Type, before string) {
	if before == "" || s.entryStamp(id, name) != before {
		return
	}
	typeIndexMu.Lock()
	defer typeIndexMu.Unlock()
	idx := s.loadTypes()
	if rec, ok := idx.Stores[id][name]; ok && rec == (typeRecord{string(t), before}) {
		return // already known: no write on a page load's code
	}
	if idx.Stores[id] == nil {
		idx.Stores[id] = map[string]typeRecord{}
	}
	idx.Stores[id][name] = typeRecord{Type: string(t), Stamp: before}
	// Records that no longer hold (the entry changed or went) are dropped,
	// so the index does not grow with entries long gone.
	for sid, recs := range idx.Stores {
		for n, rec := range recs {
			if s.entryStamp(sid, n) != rec.Stamp {
				delete(recs, n)
			}
		}
		if len(recs) == 0 {
			delete(idx.Stores, sid)
		}
	}
	data, err := json.Marshal(idx)
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(s.TypeIndex), 0o700); err == nil {
			err = atomicfile.WriteFile(s.TypeIndex, append(data, '\n'), 0o600)
		}
	}
	if err != nil {
		// A cache: the answer does not depend on it.
		s.Log.Debug().Err(err).Msg("entry-type index not written")
	}
}

// typeLookup reads the index once and answers, per entry, the type it knows
// ("" when unknown): a stat per entry the index has a record for.
func (s *Server) typeLookup() func(storeID, name string) string {
	if s.TypeIndex == "" {
		return func(string, string) string { return "" }
	}
	idx := s.loadTypes()
	return func(storeID, name string) string {
		rec, ok := idx.Stores[storeID][name]
		if ok && (rec.Type == string(otp.TOTP) || rec.Type == string(otp.HOTP) || rec.Type == string(typeRecovery)) && s.entryStamp(storeID, name) == rec.Stamp {
			return rec.Type
		}
		return ""
	}
}

// stampsBefore stamps name in every store a read of it may use, by store id.
func (s *Server) stampsBefore(name, storeID string) map[string]string {
	if s.TypeIndex == "" {
		return nil
	}
	stores, err := s.storesFor(storeID)
	if err != nil {
		return nil
	}
	stamps := make(map[string]string, len(stores))
	for _, st := range stores {
		stamps[st.ID()] = s.entryStamp(st.ID(), name)
	}
	return stamps
}
