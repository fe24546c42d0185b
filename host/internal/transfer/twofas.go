package transfer

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// 2FAS backup layout (.2fas, JSON):
//
//	{"services": [service...], "schemaVersion": N, ...,
//	 "servicesEncrypted": "B64(ciphertext‖tag):B64(salt):B64(iv)"}
//
// When encrypted, "services" is empty and the JSON array of services is
// AES-256-GCM encrypted under PBKDF2-HMAC-SHA256(password, salt, 10000
// iterations, 32 bytes) with a 12-byte IV; the 16-byte tag is appended to
// the ciphertext. A service is {"name", "secret" (base32), "otp": {"label",
// "account", "issuer", "digits", "period", "algorithm", "counter",
// "tokenType": "TOTP"|"HOTP"|"STEAM", "link"}}.

const twoFASIterations = 10_000

type twoFASFile struct {
	Services          *[]twoFASService `json:"services"`
	ServicesEncrypted string           `json:"servicesEncrypted"`
}

type twoFASService struct {
	Name   string `json:"name"`
	Secret string `json:"secret"`
	OTP    struct {
		Label     string `json:"label"`
		Account   string `json:"account"`
		Issuer    string `json:"issuer"`
		Digits    int    `json:"digits"`
		Period    int    `json:"period"`
		Algorithm string `json:"algorithm"`
		Counter   uint64 `json:"counter"`
		TokenType string `json:"tokenType"`
	} `json:"otp"`
}

func readTwoFAS(c *collector, data []byte, pw *passwordOnce) error {
	var file twoFASFile
	if err := json.Unmarshal(data, &file); err != nil {
		return formatErr(TwoFAS, "the backup is not valid: %s", jsonReason(err))
	}
	f := TwoFAS
	var services []twoFASService
	if file.ServicesEncrypted != "" {
		f = TwoFASEncrypted
		plain, err := decryptTwoFAS(file.ServicesEncrypted, pw)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(plain, &services); err != nil {
			return formatErr(f, "the decrypted services are not valid: %s", jsonReason(err))
		}
	} else {
		if file.Services == nil {
			return formatErr(f, "the backup has no services list")
		}
		services = *file.Services
	}
	for i, s := range services {
		if c.full() {
			break
		}
		// The service name is what the user sees in 2FAS (and may have
		// edited); the issuer from the original URI is the fallback.
		issuer := s.Name
		if strings.TrimSpace(issuer) == "" {
			issuer = s.OTP.Issuer
		}
		account := s.OTP.Account
		if account == "" {
			account = s.OTP.Label
		}
		issuer, account = splitLabel(issuer, account)
		typ := strings.ToLower(s.OTP.TokenType)
		if typ == "" {
			typ = "totp" // schema versions before 3 had TOTP only
		}
		k := &key{
			typ:       typ,
			issuer:    issuer,
			account:   account,
			algorithm: s.OTP.Algorithm,
			digits:    s.OTP.Digits,
			period:    s.OTP.Period,
			counter:   s.OTP.Counter,
		}
		where := fmt.Sprintf("service %d", i+1)
		if reason := k.setSecretBase32(s.Secret); reason != "" {
			c.skip(k, where, reason)
			continue
		}
		c.add(f.Source(), k, where)
	}
	return nil
}

func decryptTwoFAS(enc string, pw *passwordOnce) ([]byte, error) {
	const f = TwoFASEncrypted
	parts := strings.Split(enc, ":")
	if len(parts) < 3 {
		return nil, formatErr(f, "servicesEncrypted has %d parts, want 3 (ciphertext:salt:iv)", len(parts))
	}
	var dec [3][]byte
	for i, name := range []string{"ciphertext", "salt", "iv"} {
		b, err := base64.StdEncoding.DecodeString(parts[i])
		if err != nil {
			return nil, formatErr(f, "the %s in servicesEncrypted is not valid base64 (truncated?)", name)
		}
		dec[i] = b
	}
	ciphertext, salt, iv := dec[0], dec[1], dec[2]
	if len(iv) != 12 {
		return nil, formatErr(f, "the IV is %d bytes, want 12", len(iv))
	}
	if len(ciphertext) < 16 {
		return nil, formatErr(f, "the ciphertext is too short (truncated?)")
	}
	password, err := pw.get()
	if err != nil {
		return nil, err
	}
	key, err := pbkdf2.Key(sha256.New, string(password), salt, twoFASIterations, 32)
	if err != nil {
		return nil, formatErr(f, "deriving the key: %v", err)
	}
	plain, err := gcmOpen(key, iv, ciphertext, nil)
	if err != nil {
		return nil, &PasswordError{Format: f}
	}
	return plain, nil
}
