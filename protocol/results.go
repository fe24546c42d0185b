package protocol

import (
	"encoding/json"
	"fmt"
)

// Results of the v1 actions, passed to EncodeResult. Their fields are
// flattened into the response object. Lists are encoded as [] when empty,
// never null, so the extension can iterate them without a check.

// StoreStatus describes one store in the hello result.
type StoreStatus struct {
	ID string `json:"id"`
	// Kind is "pass" or "keyring".
	Kind string `json:"kind" schema:"enum=StoreKind"`
	OK   bool   `json:"ok"`
	// Error says, in words a user can act on, why the store is not OK.
	Error string `json:"error,omitempty"`
	// Optional marks a default store the user never configured (the OS
	// keyring, or ~/.password-store): its absence is normal, so the
	// extension mentions it quietly, not as a problem.
	Optional bool `json:"optional,omitempty"`
}

// HelloResult is the result of "hello".
type HelloResult struct {
	// Version is the host's version (e.g. "1.2.0").
	Version string `json:"version"`
	// Protocol is the protocol version; it must be Version (the constant),
	// since it shares the response's "protocol" field.
	Protocol int           `json:"protocol"`
	Stores   []StoreStatus `json:"stores"`
}

func (r HelloResult) MarshalJSON() ([]byte, error) {
	type plain HelloResult
	r.Stores = nonNil(r.Stores)
	return json.Marshal(plain(r))
}

// EntryRef names one entry in one store.
type EntryRef struct {
	Name  string `json:"name"`
	Store string `json:"store"`
	// Backup, in list answers, is false when the entry has no second copy
	// by name (see MatchEntry.Backup); absent otherwise.
	Backup *bool `json:"backup,omitempty"`
	// Type, in list answers, is as in MatchEntry.Type: "totp", "hotp" or
	// "recovery" when the host knows it without decrypting, else absent.
	Type string `json:"type,omitempty" schema:"enum=EntryType"`
}

// ListResult is the result of "list": one page of entries.
type ListResult struct {
	Entries []EntryRef `json:"entries"`
	// Cursor is set when there are more entries: the extension sends it back
	// unchanged to get the next page.
	Cursor string `json:"cursor,omitempty"`
}

func (r ListResult) MarshalJSON() ([]byte, error) {
	type plain ListResult
	r.Entries = nonNil(r.Entries)
	return json.Marshal(plain(r))
}

// MatchEntry is one match for a URL.
type MatchEntry struct {
	Name  string `json:"name"`
	Store string `json:"store"`
	// Strength is "exact" or "weak"; weak matches are never auto-filled.
	Strength string `json:"strength" schema:"enum=Strength"`
	// Backup is false when the entry has no second copy by name: its store
	// has no backup store, or the backup store was listed and lacks the
	// name. Absent when it has one or when that is unknown (the backup
	// store could not be listed). Nothing is decrypted to tell.
	Backup *bool `json:"backup,omitempty"`
	// Type is "totp" or "hotp" when the host knows it without decrypting:
	// it read or wrote the entry before and its file has not changed since
	// (see PROTOCOL.md); "recovery" for an entry of recovery codes only,
	// which has no code. Absent when unknown: never a guess.
	Type string `json:"type,omitempty" schema:"enum=EntryType"`
}

// Match strengths.
const (
	StrengthExact = "exact"
	StrengthWeak  = "weak"
)

// MatchResult is the result of "match", best match first.
type MatchResult struct {
	Entries []MatchEntry `json:"entries"`
}

func (r MatchResult) MarshalJSON() ([]byte, error) {
	type plain MatchResult
	r.Entries = nonNil(r.Entries)
	return json.Marshal(plain(r))
}

// OTP types.
const (
	TypeTOTP = "totp"
	TypeHOTP = "hotp"
)

// Entry types, as list and match entries say them when the host knows: an
// OTP type, or an entry of recovery codes only (no key, no code).
const (
	EntryTypeTOTP     = "totp"
	EntryTypeHOTP     = "hotp"
	EntryTypeRecovery = "recovery"
)

// CodeResult is the result of "code".
type CodeResult struct {
	Name  string `json:"name"`
	Store string `json:"store"`
	// Type is "totp" or "hotp".
	Type   string `json:"type" schema:"enum=OtpType"`
	Code   string `json:"code"`
	Digits int    `json:"digits"`
	// Period is the TOTP period in seconds (absent for HOTP).
	Period int `json:"period,omitempty"`
	// ExpiresAt is when the TOTP code expires, in Unix milliseconds.
	ExpiresAt int64 `json:"expires_at,omitempty"`
	// Warning, when present, says what went wrong although the action
	// succeeded: the entry was written but could not be committed to git.
	Warning string `json:"warning,omitempty"`
	// Encoder is "steam" for a Steam Guard key (type totp, digits 5, the
	// code made of the 26 characters 23456789BCDFGHJKMNPQRTVWXY); absent
	// for decimal codes.
	Encoder string `json:"encoder,omitempty"`
}

// String leaves out the code, so that logging a result cannot leak it.
func (r CodeResult) String() string {
	return fmt.Sprintf("code name=%q store=%q type=%s digits=%d code=REDACTED", r.Name, r.Store, r.Type, r.Digits)
}

// GoString keeps %#v from printing the code.
func (r CodeResult) GoString() string { return r.String() }

// SaveResult is the result of "save": the current code, so the user can
// verify it against the site.
type SaveResult struct {
	Name string `json:"name"`
	// Stores are the ids of the stores the entry was written to.
	Stores    []string `json:"stores"`
	Code      string   `json:"code"`
	ExpiresAt int64    `json:"expires_at,omitempty"`
	// Undo, when present, is a token for the "undo" action: it restores
	// what this save replaced, for as long as this host process runs.
	Undo string `json:"undo,omitempty"`
	// Warning, when present, is for the user: the entry was saved, but
	// something about it deserves attention (a secret shorter than the
	// 128 bits RFC 4226 requires; the entry written but not committed to
	// git). Several are joined with "; ".
	Warning string `json:"warning,omitempty"`
}

func (r SaveResult) MarshalJSON() ([]byte, error) {
	type plain SaveResult
	r.Stores = nonNil(r.Stores)
	return json.Marshal(plain(r))
}

// String leaves out the code.
func (r SaveResult) String() string {
	return fmt.Sprintf("saved name=%q stores=%q code=REDACTED", r.Name, r.Stores)
}

// GoString keeps %#v from printing the code.
func (r SaveResult) GoString() string { return r.String() }

// SaveRecoveryResult is the result of "save_recovery".
type SaveRecoveryResult struct {
	Name   string   `json:"name"`
	Stores []string `json:"stores"`
	// Replaced, when present, is how many recovery codes the entry held
	// before (in its first store): they are gone unless undone.
	Replaced int `json:"replaced,omitempty"`
	// Undo, when present, is a token for the "undo" action, as in
	// SaveResult: it puts back what this write replaced.
	Undo string `json:"undo,omitempty"`
	// Warning, when present, says what went wrong although the action
	// succeeded: the entry was written but could not be committed to git.
	Warning string `json:"warning,omitempty"`
}

func (r SaveRecoveryResult) MarshalJSON() ([]byte, error) {
	type plain SaveRecoveryResult
	r.Stores = nonNil(r.Stores)
	return json.Marshal(plain(r))
}

// AliasResult is the result of "alias".
type AliasResult struct {
	// Site is the site (host name) that now matches the entry exactly.
	Site string `json:"site"`
}

func nonNil[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}

// PreviewResult is the result of "preview". It describes the key without its
// secret. Exists lists the stores where the entry already holds an OTP
// secret (a save there needs overwrite).
type PreviewResult struct {
	Name      string   `json:"name"`
	Type      string   `json:"type" schema:"enum=OtpType"`
	Issuer    string   `json:"issuer"`
	Account   string   `json:"account"`
	Algorithm string   `json:"algorithm"`
	Digits    int      `json:"digits"`
	Period    int      `json:"period,omitempty"`
	Encoder   string   `json:"encoder,omitempty"` // "steam", as in CodeResult
	Stores    []string `json:"stores"`
	Exists    []string `json:"exists"`
}

func (r PreviewResult) MarshalJSON() ([]byte, error) {
	type plain PreviewResult
	r.Stores = nonNil(r.Stores)
	r.Exists = nonNil(r.Exists)
	return json.Marshal(plain(r))
}

// UndoResult is the result of "undo": the entry and the stores put back.
type UndoResult struct {
	Name   string   `json:"name"`
	Stores []string `json:"stores"`
	// Warning, when present, says what went wrong although the action
	// succeeded: the entry was written but could not be committed to git.
	Warning string `json:"warning,omitempty"`
}

func (r UndoResult) MarshalJSON() ([]byte, error) {
	type plain UndoResult
	r.Stores = nonNil(r.Stores)
	return json.Marshal(plain(r))
}
