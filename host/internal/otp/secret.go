package otp

import (
	"encoding/base32"
	"fmt"
	"strings"

	"github.com/rs/zerolog"
)

// Secret is the decoded key shared with the site. Its printed (every fmt
// verb), text, JSON and zerolog forms are all "REDACTED"; use Base32 for the
// one place the secret must be written out on purpose (URI, export).
type Secret []byte

const redacted = "REDACTED"

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Base32 returns the canonical encoding of the secret: upper case, unpadded
// (what oathtool, pass-otp and Google Authenticator all read).
func (s Secret) Base32() string { return b32.EncodeToString(s) }

func (s Secret) String() string   { return redacted }
func (s Secret) GoString() string { return redacted }

// Format makes every fmt verb (%x and %d included) print REDACTED.
func (s Secret) Format(f fmt.State, verb rune) { f.Write([]byte(redacted)) }

func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalZerologObject makes log.Object("secret", s) log {"secret":"REDACTED"}.
func (s Secret) MarshalZerologObject(e *zerolog.Event) { e.Str("secret", redacted) }

// ParseSecret decodes a bare base32 secret as sites display it: upper or
// lower case, with spaces or tabs between groups, with or without trailing
// "=" padding (also percent-encoded as %3D). Anything else, or an empty
// secret, is an error wrapping ErrInvalidURI.
func ParseSecret(s string) (Secret, error) {
	var b strings.Builder
	b.Grow(len(s))
	for _, c := range s {
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		case c >= 'a' && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
		default:
			b.WriteRune(c)
		}
	}
	t := b.String()
	for strings.HasSuffix(t, "%3D") {
		t = strings.TrimSuffix(t, "%3D")
	}
	t = strings.TrimRight(t, "=")
	if t == "" {
		return nil, &URIError{Reason: "empty secret"}
	}
	// Go's unpadded decoder silently drops a trailing group of 1, 3 or 6
	// characters, which no encoder produces: a mistyped secret that would
	// give wrong codes. oathtool refuses it too.
	switch len(t) % 8 {
	case 1, 3, 6:
		return nil, &URIError{Reason: "bad base32 in secret (impossible length)"}
	}
	key, err := b32.DecodeString(t)
	if err != nil {
		return nil, &URIError{Reason: "bad base32 in secret"}
	}
	if len(key) == 0 {
		return nil, &URIError{Reason: "empty secret"}
	}
	return Secret(key), nil
}
