package transfer

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"
	"strings"

	"golang.org/x/crypto/scrypt"
)

// Aegis vault layout (docs/vault.md in the Aegis repository):
//
//	{"version": 1,
//	 "header": {"slots": [...] | null, "params": {"nonce": hex, "tag": hex} | null},
//	 "db": {content} | "base64 of AES-256-GCM(master key, content)"}
//
// A password slot (type 1) holds the master key wrapped with AES-256-GCM
// under scrypt(password, salt, n, r, p, 32). Content is
// {"version": N, "entries": [{type, name, issuer, info: {secret (base32),
// algo, digits, period | counter}}]}.

type aegisVault struct {
	Version int             `json:"version"`
	Header  aegisHeader     `json:"header"`
	DB      json.RawMessage `json:"db"`
}

type aegisHeader struct {
	Slots  []aegisSlot  `json:"slots"`
	Params *aegisParams `json:"params"`
}

type aegisParams struct {
	Nonce string `json:"nonce"`
	Tag   string `json:"tag"`
}

type aegisSlot struct {
	Type      int          `json:"type"`
	Key       string       `json:"key"`
	KeyParams *aegisParams `json:"key_params"`
	N         int64        `json:"n"`
	R         int64        `json:"r"`
	P         int64        `json:"p"`
	Salt      string       `json:"salt"`
}

type aegisContent struct {
	Entries *[]aegisEntry `json:"entries"`
}

type aegisEntry struct {
	Type   string `json:"type"`
	Name   string `json:"name"`
	Issuer string `json:"issuer"`
	Info   struct {
		Secret  string `json:"secret"`
		Algo    string `json:"algo"`
		Digits  int    `json:"digits"`
		Period  int    `json:"period"`
		Counter uint64 `json:"counter"`
	} `json:"info"`
}

const aegisPasswordSlot = 1

// Limits on the scrypt parameters a file may ask for: Aegis uses n=2^15,
// r=8, p=1; these allow far more while keeping memory (128·n·r bytes)
// within 256 MiB and the time within seconds.
const (
	aegisMaxR      = 32
	aegisMaxP      = 16
	aegisMaxMemory = 256 << 20
)

// aegisMaxN is a variable so that the fuzz test can make key derivation
// cheap.
var aegisMaxN int64 = 1 << 20

// detectJSONObject tells Aegis and 2FAS files apart by their top-level keys.
func detectJSONObject(data []byte) (Format, bool) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return Unknown, false
	}
	if db, ok := top["db"]; ok {
		if _, ok := top["header"]; ok {
			db = bytes.TrimSpace(db)
			switch {
			case len(db) > 0 && db[0] == '"':
				return AegisEncrypted, true
			case len(db) > 0 && db[0] == '{':
				return Aegis, true
			}
			return Unknown, false
		}
	}
	if enc, ok := top["servicesEncrypted"]; ok {
		var s string
		if json.Unmarshal(enc, &s) == nil && s != "" {
			return TwoFASEncrypted, true
		}
	}
	if _, ok := top["services"]; ok {
		return TwoFAS, true
	}
	return Unknown, false
}

func readAegis(c *collector, data []byte, pw *passwordOnce) error {
	var v aegisVault
	if err := json.Unmarshal(data, &v); err != nil {
		return formatErr(Aegis, "the vault is not valid JSON: %s", jsonReason(err))
	}
	content := []byte(v.DB)
	f := Aegis
	if bytes.HasPrefix(bytes.TrimSpace(v.DB), []byte(`"`)) {
		f = AegisEncrypted
		var err error
		if content, err = decryptAegis(&v, pw); err != nil {
			return err
		}
	}
	var ct aegisContent
	if err := json.Unmarshal(content, &ct); err != nil {
		return formatErr(f, "the vault content is not valid: %s", jsonReason(err))
	}
	if ct.Entries == nil {
		return formatErr(f, "the vault content has no entries list")
	}
	for i, e := range *ct.Entries {
		if c.full() {
			break
		}
		issuer, account := splitLabel(e.Issuer, e.Name)
		k := &key{
			typ:       strings.ToLower(e.Type),
			issuer:    issuer,
			account:   account,
			algorithm: e.Info.Algo,
			digits:    e.Info.Digits,
			period:    e.Info.Period,
			counter:   e.Info.Counter,
		}
		where := fmt.Sprintf("entry %d", i+1)
		if reason := k.setSecretBase32(e.Info.Secret); reason != "" {
			c.skip(k, where, reason)
			continue
		}
		c.add(f.Source(), k, where)
	}
	return nil
}

func decryptAegis(v *aegisVault, pw *passwordOnce) ([]byte, error) {
	const f = AegisEncrypted
	var dbText string
	if err := json.Unmarshal(v.DB, &dbText); err != nil {
		return nil, formatErr(f, "the db field is not a string")
	}
	ciphertext, err := base64.StdEncoding.DecodeString(dbText)
	if err != nil {
		return nil, formatErr(f, "the db field is not valid base64 (truncated?)")
	}
	if v.Header.Params == nil {
		return nil, formatErr(f, "the header has no params")
	}
	nonce, tag, err := v.Header.Params.decode()
	if err != nil {
		return nil, formatErr(f, "header params: %s", err)
	}
	var slots []*aegisSlot
	for i := range v.Header.Slots {
		if v.Header.Slots[i].Type == aegisPasswordSlot {
			slots = append(slots, &v.Header.Slots[i])
		}
	}
	if len(slots) == 0 {
		return nil, formatErr(f, "the vault has no password slot (only biometric unlock?); export it again with a password")
	}
	password, err := pw.get()
	if err != nil {
		return nil, err
	}
	for i, s := range slots {
		masterKey, err := s.unwrap(password)
		if err != nil {
			if _, wrong := err.(*PasswordError); wrong {
				continue
			}
			return nil, formatErr(f, "password slot %d: %s", i+1, err)
		}
		plain, err := gcmOpen(masterKey, nonce, ciphertext, tag)
		if err != nil {
			// The slot opened, so the password is right: the vault is damaged.
			return nil, formatErr(f, "the vault content does not decrypt with its own key (corrupt file)")
		}
		return plain, nil
	}
	return nil, &PasswordError{Format: f}
}

func (p *aegisParams) decode() (nonce, tag []byte, err error) {
	nonce, err = hex.DecodeString(p.Nonce)
	if err != nil || len(nonce) != 12 {
		return nil, nil, fmt.Errorf("the nonce is not 12 bytes of hex")
	}
	tag, err = hex.DecodeString(p.Tag)
	if err != nil || len(tag) != 16 {
		return nil, nil, fmt.Errorf("the tag is not 16 bytes of hex")
	}
	return nonce, tag, nil
}

// unwrap derives the slot key from the password and opens the master key.
// A failed authentication is a *PasswordError; anything else is a format
// problem described in the error.
func (s *aegisSlot) unwrap(password []byte) ([]byte, error) {
	if s.KeyParams == nil {
		return nil, fmt.Errorf("no key_params")
	}
	nonce, tag, err := s.KeyParams.decode()
	if err != nil {
		return nil, err
	}
	wrapped, err := hex.DecodeString(s.Key)
	if err != nil || len(wrapped) != 32 {
		return nil, fmt.Errorf("the wrapped key is not 32 bytes of hex")
	}
	salt, err := hex.DecodeString(s.Salt)
	if err != nil || len(salt) == 0 {
		return nil, fmt.Errorf("the salt is not hex")
	}
	if s.N < 2 || s.N > aegisMaxN || bits.OnesCount64(uint64(s.N)) != 1 ||
		s.R < 1 || s.R > aegisMaxR || s.P < 1 || s.P > aegisMaxP ||
		128*s.N*s.R > aegisMaxMemory {
		return nil, fmt.Errorf("scrypt parameters n=%d r=%d p=%d are out of range", s.N, s.R, s.P)
	}
	kek, err := scrypt.Key(password, salt, int(s.N), int(s.R), int(s.P), 32)
	if err != nil {
		return nil, fmt.Errorf("scrypt: %v", err)
	}
	masterKey, err := gcmOpen(kek, nonce, wrapped, tag)
	if err != nil {
		return nil, &PasswordError{Format: AegisEncrypted}
	}
	return masterKey, nil
}

// gcmOpen decrypts AES-256-GCM with a 12-byte nonce and a 16-byte tag
// stored apart from (tag != nil) or after (tag == nil) the ciphertext.
func gcmOpen(key, nonce, ciphertext, tag []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if len(nonce) != aead.NonceSize() {
		return nil, fmt.Errorf("nonce is %d bytes, want %d", len(nonce), aead.NonceSize())
	}
	sealed := ciphertext
	if tag != nil {
		sealed = make([]byte, 0, len(ciphertext)+len(tag))
		sealed = append(append(sealed, ciphertext...), tag...)
	}
	return aead.Open(nil, nonce, sealed, nil)
}

// jsonReason describes a JSON decoding error without quoting the input:
// the offset of a syntax error, or the field of a type error.
func jsonReason(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("syntax error at byte %d", e.Offset)
	case *json.UnmarshalTypeError:
		if e.Field != "" {
			return fmt.Sprintf("field %s has the wrong type", safeWord(e.Field))
		}
		return "a value has the wrong type"
	}
	if strings.Contains(err.Error(), "unexpected end of JSON input") {
		return "unexpected end (truncated?)"
	}
	return "malformed JSON"
}
