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
	"fmt"
	"math"

	"github.com/rs/zerolog"
)

// Type is the kind of one-time password: time-based or counter-based.
type Type string

const (
	TOTP Type = "totp" // RFC 6238, time-based
	HOTP Type = "hotp" // RFC 4226, counter-based
)

// Encoder is how the truncated HMAC becomes the code shown: "" for decimal
// digits (RFC 4226), Steam for Steam Guard's five characters.
type Encoder string

// Steam is KeePassXC's encoder=steam: the 31-bit truncated HMAC written as
// five characters of SteamAlphabet, least significant first. Steam Guard
// keys are TOTP keys (SHA1, 30 s) with this encoder.
const Steam Encoder = "steam"

// SteamAlphabet is Steam Guard's 26 code characters (no vowels, no 0/1/A/E/I/L/O/S/U/Z).
const SteamAlphabet = "23456789BCDFGHJKMNPQRTVWXY"

// SteamDigits is the length of a Steam Guard code.
const SteamDigits = 5

// Algorithm is the HMAC hash function, spelled as in otpauth URIs.
type Algorithm string

const (
	SHA1   Algorithm = "SHA1"
	SHA256 Algorithm = "SHA256"
	SHA512 Algorithm = "SHA512"
)

// Bounds and defaults, every one of them documented in docs/DECISIONS.md
// and protocol/PROTOCOL.md.
//
// Digits: RFC 4226 truncates the HMAC to a 31-bit number, at most ten
// decimal digits; fewer than six are refused (RFC 4226 §5.3 requires at
// least six). A 10-digit code is that number zero-padded.
//
// Periods outside one second to one day are refused: anything else is a
// typo, and a zero or negative period cannot give a code at all.
//
// Secrets: RFC 4226 §4 requires at least 128 bits (16 bytes) and recommends
// 160. Keys being saved (add, save, import) are refused below MinSecretBytes
// (80 bits) and accepted with a warning from 80 to 127 bits, because many
// real sites issued 80-bit keys (16 base32 characters, once Google's
// default) and refusing them would lock their users out. Keys already in a
// store are read whatever their length: refusing them now would lose them.
//
// Counters: an HOTP counter is at most MaxCounter, 2^63-1: pass-otp counts
// in bash, whose integers are signed 64-bit, so a larger counter would make
// pass-otp wrap. A key whose counter has reached MaxCounter cannot give a
// new code; it is refused rather than wrapped back to codes already issued.
const (
	DefaultDigits = 6
	MinDigits     = 6
	MaxDigits     = 10
	DefaultPeriod = 30
	MinPeriod     = 1
	MaxPeriod     = 86400

	MinSecretBytes  = 10 // 80 bits: shorter secrets are refused when saved
	WeakSecretBytes = 16 // 128 bits, RFC 4226's minimum: shorter ones warn
	MaxCounter      = math.MaxInt64
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
	Digits    int // code length: 6 to 10 digits, or SteamDigits for Steam
	Encoder   Encoder
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
		if k.Counter > MaxCounter {
			return &URIError{Reason: counterRange}
		}
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
	switch k.Encoder {
	case "":
		if k.Digits < MinDigits || k.Digits > MaxDigits {
			return &URIError{Reason: digitsRange}
		}
	case Steam:
		if k.Type != TOTP {
			return &URIError{Reason: "a Steam key must be totp"}
		}
		if k.Digits != SteamDigits {
			return &URIError{Reason: steamDigits}
		}
	default:
		return &URIError{Reason: "unsupported encoder " + quoteShort(string(k.Encoder)) + " (want steam or none)"}
	}
	return nil
}

const (
	steamDigits  = "a Steam key has 5 characters (digits=5)"
	digitsRange  = "digits must be 6 to 10"
	counterRange = "counter must be at most 9223372036854775807"
)

// CheckNew is Validate for a key about to be written to a store (add, save,
// import): it also refuses a secret under MinSecretBytes and an HOTP counter
// that cannot advance (MaxCounter), and returns a
// warning, for the user and never holding the secret, when the secret is
// under the 128 bits RFC 4226 requires but still long enough to accept.
func (k *Key) CheckNew() (warning string, err error) {
	if err := k.Validate(); err != nil {
		return "", err
	}
	if k.Type == HOTP {
		if _, err := k.NextCounter(); err != nil {
			return "", err
		}
	}
	bits := 8 * len(k.Secret)
	if len(k.Secret) < MinSecretBytes {
		return "", &URIError{Reason: fmt.Sprintf("secret is %d bits long, the minimum is 80 (RFC 4226 requires 128)", bits)}
	}
	if len(k.Secret) < WeakSecretBytes {
		return fmt.Sprintf("the secret is only %d bits long; RFC 4226 requires at least 128: accepted because some sites still issue such keys", bits), nil
	}
	return "", nil
}

// MarshalZerologObject logs the key's description, never its secret.
func (k *Key) MarshalZerologObject(e *zerolog.Event) {
	e.Str("type", string(k.Type)).
		Str("issuer", k.Issuer).
		Str("account", k.Account).
		Str("algorithm", string(k.Algorithm)).
		Int("digits", k.Digits)
	if k.Encoder != "" {
		e.Str("encoder", string(k.Encoder))
	}
	if k.Type == HOTP {
		e.Uint64("counter", k.Counter)
	} else {
		e.Int("period", k.Period)
	}
}
