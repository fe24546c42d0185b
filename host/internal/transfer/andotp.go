package transfer

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
)

// andOTP backup layout. Plain: a JSON array of entries {"secret" (base32,
// maybe padded), "issuer", "label", "digits", "type": "TOTP"|"HOTP"|
// "STEAM", "algorithm", "period" | "counter", ...}. Files from before
// andOTP 0.6 have no "issuer" and a label "Issuer - account".
//
// Encrypted (.json.aes), new format:
//
//	iterations (4 bytes, big-endian) ‖ salt (12) ‖ IV (12) ‖ ciphertext ‖ tag (16)
//
// with the key PBKDF2-HMAC-SHA1(password, salt, iterations, 32 bytes)
// (andOTP picks 140,000 to 160,000 iterations). Old format:
//
//	IV (12) ‖ ciphertext ‖ tag (16)
//
// with the key SHA-256(password). The files carry no marker of either, so
// both are tried.

const (
	andOTPSaltSize  = 12
	andOTPIVSize    = 12
	andOTPTagSize   = 16
	andOTPMinSize   = andOTPIVSize + andOTPTagSize
	andOTPNewHeader = 4 + andOTPSaltSize
)

// andOTPMaxIterations: a larger count is not an andOTP file; refuse rather
// than spend minutes deriving a key (Aegis draws the line at the same
// place). A variable so that the fuzz test can make derivation cheap.
var andOTPMaxIterations uint32 = 10_000_000

type andOTPEntry struct {
	Secret    string `json:"secret"`
	Issuer    string `json:"issuer"`
	Label     string `json:"label"`
	Digits    int    `json:"digits"`
	Type      string `json:"type"`
	Algorithm string `json:"algorithm"`
	Period    int    `json:"period"`
	Counter   uint64 `json:"counter"`
}

func readAndOTPPlain(c *collector, data []byte) error {
	return readAndOTPEntries(c, data, AndOTP)
}

func readAndOTPEntries(c *collector, data []byte, f Format) error {
	var entries []json.RawMessage
	if err := json.Unmarshal(data, &entries); err != nil {
		return formatErr(f, "the backup is not a JSON array: %s", jsonReason(err))
	}
	for i, raw := range entries {
		if c.full() {
			break
		}
		where := fmt.Sprintf("entry %d", i+1)
		var e andOTPEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return formatErr(f, "%s is not an andOTP entry: %s", where, jsonReason(err))
		}
		issuer, account := e.Issuer, e.Label
		if issuer == "" {
			if is, acc, ok := strings.Cut(e.Label, " - "); ok {
				issuer, account = is, acc
			}
		}
		issuer, account = splitLabel(issuer, account)
		k := &key{
			typ:       strings.ToLower(e.Type),
			issuer:    issuer,
			account:   account,
			algorithm: e.Algorithm,
			digits:    e.Digits,
			period:    e.Period,
			counter:   e.Counter,
		}
		if k.typ == "" && e.Secret == "" {
			return formatErr(f, "%s has neither a type nor a secret: this is not an andOTP backup", where)
		}
		if reason := k.setSecretBase32(e.Secret); reason != "" {
			c.skip(k, where, reason)
			continue
		}
		c.add(f.Source(), k, where)
	}
	return nil
}

func readAndOTPEncrypted(c *collector, data []byte, pw *passwordOnce) error {
	const f = AndOTPEncrypted
	if len(data) < andOTPMinSize {
		return formatErr(f, "the file is too short")
	}
	password, err := pw.get()
	if err != nil {
		return err
	}
	var plain []byte
	opened := false
	iterations := binary.BigEndian.Uint32(data)
	if iterations >= 1 && iterations <= andOTPMaxIterations && len(data) >= andOTPNewHeader+andOTPMinSize {
		salt := data[4:andOTPNewHeader]
		key, err := pbkdf2.Key(sha1.New, string(password), salt, int(iterations), 32)
		if err != nil {
			return formatErr(f, "deriving the key: %v", err)
		}
		plain, err = openAndOTP(key, data[andOTPNewHeader:])
		opened = err == nil
	}
	if !opened {
		key := sha256.Sum256(password)
		plain, err = openAndOTP(key[:], data)
		opened = err == nil
	}
	if !opened {
		return &PasswordError{Format: f, Hint: "or the file is not an andOTP backup, or it is damaged: andOTP files cannot tell these apart"}
	}
	return readAndOTPEntries(c, plain, f)
}

// openAndOTP decrypts IV ‖ ciphertext ‖ tag.
func openAndOTP(key, data []byte) ([]byte, error) {
	if len(data) < andOTPMinSize {
		return nil, fmt.Errorf("too short")
	}
	return gcmOpen(key, data[:andOTPIVSize], data[andOTPIVSize:], nil)
}
