package otp

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"hash"
	"time"

	potp "github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// errBeforeEpoch: TOTP counts periods from 1970; an earlier clock is broken.
var errBeforeEpoch = errors.New("clock is before 1970, cannot compute a TOTP code")

// TOTP returns the code at time t and the instant it stops being valid (the
// end of its period). Algorithm, digits and period are the key's.
func (k *Key) TOTP(t time.Time) (code string, expiresAt time.Time, err error) {
	if err := k.Validate(); err != nil {
		return "", time.Time{}, err
	}
	if k.Type != TOTP {
		return "", time.Time{}, &URIError{Reason: "not a totp key"}
	}
	sec := t.Unix()
	if sec < 0 {
		return "", time.Time{}, errBeforeEpoch
	}
	// Integer division: pquerna's totp.GenerateCodeCustom goes through a
	// float64, exact today but not for every int64.
	period := int64(k.Period)
	counter := uint64(sec / period)
	code, err = k.code(counter)
	if err != nil {
		return "", time.Time{}, err
	}
	return code, time.Unix((sec/period+1)*period, 0), nil
}

// HOTP returns the code for counter. It does not change k.Counter. As in
// pass-otp, Key.Counter is the last counter used: the host asks for
// HOTP(k.Counter+1) and stores k.Counter+1 (with URI) before showing it.
func (k *Key) HOTP(counter uint64) (string, error) {
	if err := k.Validate(); err != nil {
		return "", err
	}
	if k.Type != HOTP {
		return "", &URIError{Reason: "not an hotp key"}
	}
	return k.code(counter)
}

// NextCounter returns the counter of the next HOTP code, Counter+1, or an
// error wrapping ErrInvalidURI when the counter has reached MaxCounter: a
// wrapped counter would issue old codes again.
func (k *Key) NextCounter() (uint64, error) {
	if k.Counter >= MaxCounter {
		return 0, &URIError{Reason: "counter has reached its maximum, 9223372036854775807: no new code can be issued; set up the key again"}
	}
	return k.Counter + 1, nil
}

// code is RFC 4226 HOTP with the key's algorithm and digits. pquerna/otp
// truncates to a 31-bit value and takes it modulo 10^digits, so 7 and 9
// digits are right too (tested against RFC 4226's own decimal values).
func (k *Key) code(counter uint64) (string, error) {
	if k.Encoder == Steam {
		return k.steamCode(counter), nil
	}
	var alg potp.Algorithm
	switch k.Algorithm {
	case SHA1:
		alg = potp.AlgorithmSHA1
	case SHA256:
		alg = potp.AlgorithmSHA256
	case SHA512:
		alg = potp.AlgorithmSHA512
	}
	code, err := hotp.GenerateCodeCustom(k.Secret.Base32(), counter, hotp.ValidateOpts{
		Digits:    potp.Digits(k.Digits),
		Algorithm: alg,
	})
	if err != nil {
		// Only a bad base32 string fails, and Base32 cannot produce one.
		return "", &URIError{Reason: "secret rejected by the code generator"}
	}
	return code, nil
}

// steamCode is Steam Guard's code: RFC 4226's HMAC and dynamic truncation
// to a 31-bit number, written as SteamDigits characters of SteamAlphabet,
// least significant first. Checked against codes of the Steam app itself
// (TestSteamCodes).
func (k *Key) steamCode(counter uint64) string {
	var h func() hash.Hash
	switch k.Algorithm {
	case SHA256:
		h = sha256.New
	case SHA512:
		h = sha512.New
	default:
		h = sha1.New
	}
	mac := hmac.New(h, k.Secret)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := int(sum[len(sum)-1] & 0x0f)
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	out := make([]byte, SteamDigits)
	for i := range out {
		out[i] = SteamAlphabet[n%uint32(len(SteamAlphabet))]
		n /= uint32(len(SteamAlphabet))
	}
	return string(out)
}
