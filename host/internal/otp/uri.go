package otp

import (
	"net/url"
	"strconv"
	"strings"
)

// ParseURI parses an otpauth:// key URI,
//
//	otpauth://TYPE/[ISSUER:]ACCOUNT?secret=BASE32[&issuer=..][&algorithm=..][&digits=..][&period=..][&counter=..]
//
// leniently, as Google Authenticator and pass-otp do:
//
//   - the scheme, the type, parameter names and algorithm values are
//     case-insensitive ("OTPAUTH://TOTP/…?Secret=…&algorithm=sha256");
//   - the secret may be lower case, spaced, padded, or padded with %3D;
//   - the label is percent-decoded; it is split into issuer and account at
//     its first colon, literal or %3A (a literal one is preferred, so that
//     URI can escape colons inside the names); spaces around both are
//     dropped; a label without a colon is the account alone;
//   - the issuer parameter, when present and not empty, wins over the label
//     prefix (Google's Key URI Format calls the parameter the preferred
//     form and Google Authenticator displays it);
//   - encoder=steam (KeePassXC's convention) or the type steam (Aegis's)
//     make a Steam Guard key: TOTP with five-character codes (digits
//     absent or 5);
//   - digits 6 to 10 (default 6), period 1 to 86400 seconds (default 30,
//     TOTP only), algorithm SHA1, SHA256 or SHA512, "SHA-256" spelling
//     included (default SHA1);
//   - counter is required for hotp and ignored for totp; pass-otp's
//     corrupted write-back "counter=41counter=42" (bash 5.2, pass-otp
//     issue #171) reads as 42; parameters may come in any order, unknown
//     ones (image, …) are ignored.
//
// It refuses, with a *URIError wrapping ErrInvalidURI, whatever cannot
// yield a correct code: another scheme, a type other than totp/hotp, a
// missing, empty or non-base32 secret, an unknown algorithm, digits or
// period out of range or not numbers, an hotp URI without a valid counter
// (a whole number up to MaxCounter),
// an encoder other than steam, and a parameter given twice with different
// values.
func ParseURI(s string) (*Key, error) {
	s = strings.TrimSpace(s)
	const scheme = "otpauth://"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return nil, &URIError{Reason: "not an otpauth:// URI"}
	}
	rest := s[len(scheme):]
	// A fragment is never part of a key; '#' inside names is written %23.
	rest, _, _ = strings.Cut(rest, "#")
	rest, rawQuery, _ := strings.Cut(rest, "?")
	typ, rawLabel, _ := strings.Cut(rest, "/")

	k := &Key{Algorithm: SHA1, Digits: DefaultDigits}
	switch strings.ToLower(typ) {
	case "totp":
		k.Type, k.Period = TOTP, DefaultPeriod
	case "steam":
		// Aegis writes Steam Guard keys as otpauth://steam/….
		k.Type, k.Period, k.Encoder = TOTP, DefaultPeriod, Steam
	case "hotp":
		k.Type = HOTP
	default:
		return nil, &URIError{Reason: "unknown type " + quoteShort(typ) + " (want totp, hotp or steam)"}
	}

	params, err := parseQuery(rawQuery)
	if err != nil {
		return nil, err
	}

	labelIssuer, account := splitLabel(rawLabel)
	k.Account = account
	k.Issuer = labelIssuer
	if v, ok := params["issuer"]; ok && strings.TrimSpace(v) != "" {
		k.Issuer = strings.TrimSpace(v)
	}

	secret, ok := params["secret"]
	if !ok {
		return nil, &URIError{Reason: "missing secret"}
	}
	if k.Secret, err = ParseSecret(secret); err != nil {
		return nil, err
	}

	if v, ok := params["algorithm"]; ok {
		switch strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(v)), "-", "") {
		case "SHA1":
			k.Algorithm = SHA1
		case "SHA256":
			k.Algorithm = SHA256
		case "SHA512":
			k.Algorithm = SHA512
		default:
			return nil, &URIError{Reason: "unknown algorithm " + quoteShort(v)}
		}
	}
	if v, ok := params["encoder"]; ok && strings.TrimSpace(v) != "" {
		if !strings.EqualFold(strings.TrimSpace(v), string(Steam)) {
			return nil, &URIError{Reason: "unsupported encoder " + quoteShort(v) + " (want steam or none)"}
		}
		if k.Type != TOTP {
			return nil, &URIError{Reason: "encoder=steam needs a totp URI"}
		}
		k.Encoder = Steam
	}
	if k.Encoder == Steam {
		k.Digits = SteamDigits
		if v, ok := params["digits"]; ok && strings.TrimSpace(v) != strconv.Itoa(SteamDigits) {
			return nil, &URIError{Reason: steamDigits}
		}
	} else if v, ok := params["digits"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < MinDigits || n > MaxDigits {
			return nil, &URIError{Reason: digitsRange}
		}
		k.Digits = n
	}

	switch k.Type {
	case TOTP:
		if v, ok := params["period"]; ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < MinPeriod || n > MaxPeriod {
				return nil, &URIError{Reason: "period must be 1 to 86400 seconds"}
			}
			k.Period = n
		}
	case HOTP:
		v, ok := params["counter"]
		if !ok {
			return nil, &URIError{Reason: "hotp URI without counter"}
		}
		n, ok := parseCounter(v)
		if !ok {
			return nil, &URIError{Reason: "counter must be a whole number"}
		}
		if n > MaxCounter {
			return nil, &URIError{Reason: counterRange}
		}
		k.Counter = n
	}

	if err := k.Validate(); err != nil {
		return nil, err
	}
	return k, nil
}

// parseQuery decodes the query by hand rather than with url.ParseQuery,
// whose errors quote the raw text (which holds the secret) and which refuses
// ';'. Names are lower-cased; a name given twice must have the same value.
func parseQuery(raw string) (map[string]string, error) {
	params := make(map[string]string)
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(part, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			// An undecodable name cannot be one we use.
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			if isKnownParam(name) {
				return nil, &URIError{Reason: "bad percent-encoding in " + name}
			}
			continue
		}
		if prev, dup := params[name]; dup && prev != value && isKnownParam(name) {
			return nil, &URIError{Reason: "conflicting values for " + name}
		}
		if _, dup := params[name]; !dup {
			params[name] = value
		}
	}
	return params, nil
}

// parseCounter reads an HOTP counter. Besides a plain number it accepts
// "41counter=42", which pass-otp writes back under bash 5.2 and later (its
// replacement "&counter=N" has '&' expanded to the matched text, pass-otp
// issue #171): the last number is the counter pass-otp last used, the same
// meaning as a plain counter.
func parseCounter(v string) (uint64, bool) {
	parts := strings.Split(strings.TrimSpace(v), "counter=")
	var n uint64
	for _, p := range parts {
		if p == "" || strings.TrimLeft(p, "0123456789") != "" {
			return 0, false
		}
		var err error
		if n, err = strconv.ParseUint(p, 10, 64); err != nil {
			return 0, false
		}
	}
	return n, true
}

func isKnownParam(name string) bool {
	switch name {
	case "secret", "issuer", "algorithm", "digits", "period", "counter", "encoder":
		return true
	}
	return false
}

// splitLabel splits the path into issuer prefix and account, at the first
// literal colon, else at the first %3A. A label that does not decode is
// taken as it is: it only names the key and cannot change the code.
func splitLabel(raw string) (issuer, account string) {
	if i := strings.IndexByte(raw, ':'); i >= 0 {
		return unescapeLabel(raw[:i]), unescapeLabel(raw[i+1:])
	}
	// Not strings.ToUpper(raw): upper-casing can change the length of
	// non-ASCII text, and the index would then not be raw's.
	i := strings.Index(raw, "%3A")
	if j := strings.Index(raw, "%3a"); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i >= 0 {
		return unescapeLabel(raw[:i]), unescapeLabel(raw[i+3:])
	}
	return "", unescapeLabel(raw)
}

func unescapeLabel(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	return strings.TrimSpace(s)
}

// URI returns the canonical otpauth URI of the key, which ParseURI reads
// back to an equal Key and which pass-otp, oathtool (through pass-otp) and
// authenticator apps read: label "Issuer:Account" with each part
// percent-encoded (colons included, so that the only literal colon is the
// separator), then secret (upper case, unpadded base32), issuer, algorithm,
// digits, and period or counter, all explicit; a Steam key ends with
// encoder=steam (KeePassXC's form; pass-otp and oathtool ignore it and
// would give six wrong digits).
//
// A key without issuer and with a colon in its account gets an empty
// prefix (":acc%3Aount") so that the account is not read as an issuer.
// pass-otp refuses labels without an account; give keys one.
func (k *Key) URI() string {
	var b strings.Builder
	b.WriteString("otpauth://")
	b.WriteString(string(k.Type))
	b.WriteByte('/')
	if k.Issuer != "" || strings.Contains(k.Account, ":") {
		b.WriteString(escape(k.Issuer))
		b.WriteByte(':')
	}
	b.WriteString(escape(k.Account))
	b.WriteString("?secret=")
	b.WriteString(k.Secret.Base32())
	if k.Issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(escape(k.Issuer))
	}
	b.WriteString("&algorithm=")
	b.WriteString(escape(string(k.Algorithm)))
	b.WriteString("&digits=")
	b.WriteString(strconv.Itoa(k.Digits))
	if k.Type == HOTP {
		b.WriteString("&counter=")
		b.WriteString(strconv.FormatUint(k.Counter, 10))
	} else {
		b.WriteString("&period=")
		b.WriteString(strconv.Itoa(k.Period))
	}
	if k.Encoder != "" {
		b.WriteString("&encoder=")
		b.WriteString(escape(string(k.Encoder)))
	}
	return b.String()
}

// escape percent-encodes every byte except unreserved characters and '@'
// (left readable in e-mail accounts; it is legal in both path and query).
// Spaces become %20, never '+', which a path would keep literally.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '@' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
