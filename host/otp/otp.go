// Package otp parses otpauth:// key URIs (the format of Google
// Authenticator's QR codes, pass-otp and most 2FA apps), writes them back in
// a canonical form, and computes HOTP (RFC 4226) and TOTP (RFC 6238) codes.
//
// Parsing is lenient where a deviation cannot change the code and strict
// where it could: ParseURI accepts what real sites and apps emit (see its
// doc) and rejects, with an error wrapping ErrInvalidURI, anything that
// cannot yield a correct code.
//
// The key bytes are held in a Secret, whose every printed, logged or
// marshalled form is "REDACTED"; no error of this package contains a secret
// or the URI it came from.
package otp

import (
	"github.com/rs/zerolog"
)

// Type is the kind of one-time password: time-based or counter-based.
type Type string

const (
	TOTP Type = "totp" // RFC 6238, time-based
	HOTP Type = "hotp" // RFC 4226, counter-based
)

// Algorithm is the HMAC hash function, spelled as in otpauth URIs.
type Algorithm string

const (
	SHA1   Algorithm = "SHA1"
	SHA256 Algorithm = "SHA256"
	SHA512 Algorithm = "SHA512"
)

// Bounds and defaults. Digits above 9 are refused because the RFC 4226
// truncation yields a 31-bit number (at most 10 decimal digits, the first of
// which is 0, 1 or 2), so a tenth digit would not be a real digit. Periods are
// refused outside one second to one day: anything else is a typo, and a zero
// or negative period cannot give a code at all.
const (
	DefaultDigits = 6
	MinDigits     = 6
	MaxDigits     = 9
	DefaultPeriod = 30
	MinPeriod     = 1
	MaxPeriod     = 86400
)

// Key is everything needed to compute codes for one account.
//
// Period is used only by TOTP keys and Counter only by HOTP keys; ParseURI
// leaves the other one zero.
type Key struct {
	Type      Type
	Issuer    string
	Account   string
	Secret    Secret
	Algorithm Algorithm
	Digits    int
	Period    int    // seconds, TOTP only
	Counter   uint64 // HOTP only: the last counter used (pass-otp's meaning)
}

// NewTOTP returns the key a bare base32 secret stands for in every app:
// TOTP, SHA1, 6 digits, 30 seconds.
func NewTOTP(secret Secret) *Key {
	return &Key{
		Type:      TOTP,
		Secret:    secret,
		Algorithm: SHA1,
		Digits:    DefaultDigits,
		Period:    DefaultPeriod,
	}
}

// Validate reports, as a *URIError, the first field that would make the key
// unable to give a correct code.
func (k *Key) Validate() error {
	switch k.Type {
	case TOTP:
		if k.Period < MinPeriod || k.Period > MaxPeriod {
			return &URIError{Reason: "period must be 1 to 86400 seconds"}
		}
	case HOTP:
	default:
		return &URIError{Reason: "unknown type (want totp or hotp)"}
	}
	if len(k.Secret) == 0 {
		return &URIError{Reason: "empty secret"}
	}
	switch k.Algorithm {
	case SHA1, SHA256, SHA512:
	default:
		return &URIError{Reason: "unknown algorithm " + quoteShort(string(k.Algorithm))}
	}
	if k.Digits < MinDigits || k.Digits > MaxDigits {
		return &URIError{Reason: "digits must be 6 to 9"}
	}
	return nil
}

// MarshalZerologObject logs the key's description, never its secret.
func (k *Key) MarshalZerologObject(e *zerolog.Event) {
	e.Str("type", string(k.Type)).
		Str("issuer", k.Issuer).
		Str("account", k.Account).
		Str("algorithm", string(k.Algorithm)).
		Int("digits", k.Digits)
	if k.Type == HOTP {
		e.Uint64("counter", k.Counter)
	} else {
		e.Int("period", k.Period)
	}
}
