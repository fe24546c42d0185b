// Package entry reads and writes the 2FA part of a pass entry's decrypted
// text, the way pass-otp, gopass and browserpass lay it out, and keeps the
// rest of the entry (password line, other fields) byte for byte.
//
// Reading (Parse) follows pass-otp: the first line anywhere in the text
// that starts with "otpauth://" (leading blanks and CRLF line ends allowed)
// holds the key (lines of a recovery-codes block excepted). Without one, the first "totp: VALUE" or "otp: VALUE" field
// (names case-insensitive, gopass/browserpass habit) is used, VALUE being
// an otpauth URI or a bare base32 secret (TOTP, SHA1, 6 digits, 30 s).
//
// Writing (SetURI) follows `pass otp insert` and `pass otp append`.
//
// Recovery codes are kept in the same entry, readable with `pass show`, as
// one header line followed by one indented code per line:
//
//	recovery-codes:
//	  8f3k-2m9q
//	  x7p4-ld0w
//
// The block ends at the first line that is not indented (or is blank). The
// header is matched case-insensitively; codes are trimmed.
package entry

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/otpfill/otpfill/host/internal/otp"
)

// ErrNoOTP: the entry has neither an otpauth line nor a totp/otp field.
var ErrNoOTP = errors.New("entry holds no otpauth URI or totp field")

// ErrRecoveryOnly: the entry holds a site's recovery codes and no key (a
// site whose 2FA is by SMS, or whose key is kept elsewhere). It wraps
// ErrNoOTP: whatever treats an entry without a key as such still does.
var ErrRecoveryOnly = fmt.Errorf("entry holds recovery codes only, no 2FA key: %w", ErrNoOTP)

// line is one line of an entry: content excludes the terminator ("\n" or
// "\r\n"), which is kept apart so that edits preserve it.
type line struct {
	text []byte
	end  []byte
}

func splitLines(content []byte) []line {
	var lines []line
	for len(content) > 0 {
		i := bytes.IndexByte(content, '\n')
		if i < 0 {
			lines = append(lines, line{text: content})
			break
		}
		l := line{text: content[:i], end: content[i : i+1]}
		if i > 0 && content[i-1] == '\r' {
			l = line{text: content[:i-1], end: content[i-1 : i+1]}
		}
		lines = append(lines, l)
		content = content[i+1:]
	}
	return lines
}

func joinLines(lines []line) []byte {
	var b bytes.Buffer
	for _, l := range lines {
		b.Write(l.text)
		b.Write(l.end)
	}
	return b.Bytes()
}

// newline is the entry's line terminator: CRLF if it already uses one.
func newline(content []byte) []byte {
	if bytes.Contains(content, []byte("\r\n")) {
		return []byte("\r\n")
	}
	return []byte("\n")
}

func isURILine(text []byte) bool {
	t := bytes.TrimLeft(text, " \t")
	const scheme = "otpauth://"
	return len(t) >= len(scheme) && strings.EqualFold(string(t[:len(scheme)]), scheme)
}

// Parse returns the key an entry holds. Errors wrap otp.ErrInvalidURI
// (the key is there but unusable) or ErrNoOTP; they never quote the entry.
func Parse(content []byte) (*otp.Key, error) {
	lines := splitLines(content)
	codes := recoveryLines(lines)
	for i, l := range lines {
		if !codes[i] && isURILine(l.text) {
			return otp.ParseURI(string(l.text))
		}
	}
	for i, l := range lines {
		value, ok := otpField(l.text)
		if !ok || codes[i] {
			continue
		}
		if isURILine([]byte(value)) {
			return otp.ParseURI(value)
		}
		secret, err := otp.ParseSecret(value)
		if err != nil {
			return nil, err
		}
		return otp.NewTOTP(secret), nil
	}
	if start, end, ok := recoveryBlock(lines); ok && end > start+1 {
		return nil, ErrRecoveryOnly
	}
	return nil, ErrNoOTP
}

// otpField returns the value of a "totp:" or "otp:" field, unquoted, if
// the line is one and its value is not empty.
func otpField(text []byte) (string, bool) {
	name, value, ok := strings.Cut(strings.TrimSpace(string(text)), ":")
	if !ok {
		return "", false
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "totp", "otp":
	default:
		return "", false
	}
	value = strings.TrimSpace(value)
	// YAML front matter (gopass) may quote the value.
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		value = strings.TrimSpace(value[1 : len(value)-1])
	}
	return value, value != ""
}

// SetURI returns the entry with uri (one line, e.g. Key.URI()) as its
// otpauth line. An empty entry becomes uri and a newline. Otherwise the
// first otpauth line is replaced in place (keeping its line end), or, if
// there is none, uri is appended on a line of its own; everything else is
// kept byte for byte. A totp:/otp: field is left alone: the otpauth line
// takes precedence over it when reading.
func SetURI(content []byte, uri string) []byte {
	if len(bytes.TrimSpace(content)) == 0 {
		return []byte(uri + "\n")
	}
	lines := splitLines(content)
	codes := recoveryLines(lines)
	for i, l := range lines {
		if !codes[i] && isURILine(l.text) {
			lines[i].text = []byte(uri)
			return joinLines(lines)
		}
	}
	nl := newline(content)
	out := bytes.Clone(content)
	if !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, nl...)
	}
	out = append(out, uri...)
	return append(out, nl...)
}
