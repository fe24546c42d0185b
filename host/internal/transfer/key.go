package transfer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/otpfill/otpfill/host/internal/otp"
)

// key is one account as an export describes it, before it becomes an
// otp.Key and from that a URI.
type key struct {
	typ       string // as the export spells it: "totp", "HOTP", "steam", …
	issuer    string
	account   string
	secret    otp.Secret
	algorithm string // as the export spells it; "" means SHA1
	digits    int    // 0: the default, 6
	period    int    // 0: the default, 30 (TOTP)
	counter   uint64 // HOTP
	warning   string // set by toOTP: a weak but accepted secret
}

// setSecretBase32 decodes s into k.secret and returns a reason if it cannot.
func (k *key) setSecretBase32(s string) string {
	if strings.TrimSpace(s) == "" {
		return "empty secret"
	}
	secret, err := otp.ParseSecret(s)
	if err != nil {
		return "the secret is not valid base32"
	}
	k.secret = secret
	return ""
}

// normalizeAlgorithm maps the spellings apps use ("SHA1", "sha-256",
// "HmacSHA512") to the otpauth one, or "" if unsupported.
func normalizeAlgorithm(a string) otp.Algorithm {
	a = strings.ToUpper(strings.TrimSpace(a))
	a = strings.TrimPrefix(a, "HMAC")
	a = strings.ReplaceAll(a, "-", "")
	switch a {
	case "", "SHA1":
		return otp.SHA1
	case "SHA256":
		return otp.SHA256
	case "SHA512":
		return otp.SHA512
	}
	return ""
}

// toOTP turns the export's fields into a valid otp.Key, or returns why the
// account cannot be used. The bounds are otp's (Key.CheckNew, a secret of
// 80 bits at least), so every item Read returns can be saved; a warning
// for the user comes in k.warning.
func (k *key) toOTP() (*otp.Key, string) {
	o := &otp.Key{
		Issuer:  k.issuer,
		Account: k.account,
		Secret:  k.secret,
		Digits:  k.digits,
	}
	switch strings.ToLower(k.typ) {
	case "totp":
		o.Type, o.Period = otp.TOTP, k.period
		if o.Period == 0 {
			o.Period = otp.DefaultPeriod
		}
	case "hotp":
		o.Type, o.Counter = otp.HOTP, k.counter
	case "steam":
		// Aegis "steam", andOTP and 2FAS "STEAM": Steam Guard, kept as a
		// TOTP key with KeePassXC's encoder=steam.
		o.Type, o.Period, o.Encoder = otp.TOTP, k.period, otp.Steam
		if o.Period == 0 {
			o.Period = otp.DefaultPeriod
		}
		if o.Digits == 0 {
			o.Digits = otp.SteamDigits
		}
	case "":
		return nil, "no OTP type"
	default:
		return nil, fmt.Sprintf("%s tokens are not standard TOTP/HOTP and cannot be used", safeWord(strings.ToLower(k.typ)))
	}
	if len(k.secret) == 0 {
		return nil, "empty secret"
	}
	if o.Algorithm = normalizeAlgorithm(k.algorithm); o.Algorithm == "" {
		return nil, fmt.Sprintf("unsupported algorithm %s", safeWord(k.algorithm))
	}
	if o.Digits == 0 {
		o.Digits = otp.DefaultDigits
	}
	warning, err := o.CheckNew()
	k.warning = warning
	if err != nil {
		var ue *otp.URIError
		if errors.As(err, &ue) {
			return nil, ue.Reason
		}
		return nil, "invalid key"
	}
	return o, ""
}

// splitLabel turns an export's (issuer, label) pair into issuer and
// account: a label "Issuer:account" gives its prefix as the issuer when the
// export has none, and loses the prefix when it repeats the issuer.
func splitLabel(issuer, label string) (string, string) {
	issuer = strings.TrimSpace(issuer)
	label = strings.TrimSpace(label)
	if prefix, rest, ok := strings.Cut(label, ":"); ok {
		prefix = strings.TrimSpace(prefix)
		if issuer == "" {
			return prefix, strings.TrimSpace(rest)
		}
		if strings.EqualFold(prefix, issuer) {
			return issuer, strings.TrimSpace(rest)
		}
	}
	return issuer, label
}

// safeWord quotes a short, printable rendering of an export's field value
// for a message (a type or algorithm name, never a secret).
func safeWord(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
	if len(s) > 20 {
		s = s[:20] + "…"
	}
	return strconv.Quote(s)
}

// itemType is Item.Type for k.
func itemType(k *otp.Key) string {
	if k.Encoder == otp.Steam {
		return string(otp.Steam)
	}
	return string(k.Type)
}
