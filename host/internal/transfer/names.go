package transfer

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxPartLen caps each part of a suggested name, in bytes; well inside the
// store's 200-byte segment limit even with a "-NNN" suffix.
const maxPartLen = 100

// EntryName is the entry name suggested for an account: "Issuer/Account",
// just "Account" or "Issuer" when the other is empty, and "imported" when
// both are. Each part is made safe for a pass store and the keyring, so
// the result is always a valid entry name:
//
//   - a slash or backslash inside a part becomes "-" (one account, one
//     entry, never a surprise folder);
//   - control, bidirectional-override and line-separator characters are
//     dropped, runs of white space become one space, and the part is
//     trimmed;
//   - runs of dots become one dot, and leading dots and dashes are
//     dropped (no "..", no hidden ".git", nothing that reads as an option:
//     an issuer "/../../tmp/pwn" gives "tmp-pwn");
//   - invalid UTF-8 becomes U+FFFD and a part is cut to 100 bytes.
//
// Case and spelling are kept: "GitHub/alice" stays as pass-otp users name
// it, and an issuer that is a domain ("github.com/alice") gives the exact
// site match. A caller's --prefix goes in front, joined with "/".
func EntryName(issuer, account string) string {
	i, a := sanitizePart(issuer), sanitizePart(account)
	switch {
	case i != "" && a != "":
		return i + "/" + a
	case i != "":
		return i
	case a != "":
		return a
	}
	return "imported"
}

func sanitizePart(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == '/' || r == '\\':
			r = '-'
		case unicode.IsSpace(r) || r == '\u2028' || r == '\u2029':
			space = true
			continue
		case unicode.IsControl(r),
			r >= '\u202a' && r <= '\u202e',
			r >= '\u2066' && r <= '\u2069',
			r == '\u200e' || r == '\u200f' || r == '\u061c':
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	out := b.String()
	for strings.Contains(out, "..") {
		out = strings.ReplaceAll(out, "..", ".")
	}
	// A leading "-" would read as an option to pass and other tools.
	out = strings.TrimLeft(out, ".- ")
	if len(out) > maxPartLen {
		cut := maxPartLen
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = out[:cut]
	}
	return strings.TrimLeft(strings.TrimSpace(out), ".- ")
}

// uniqueName returns name, or name with "-2", "-3", … appended to its last
// part, whichever is not yet in taken (compared case-insensitively, since
// the store may live on a case-insensitive file system), and records it.
func uniqueName(name string, taken map[string]bool) string {
	candidate := name
	for n := 2; taken[strings.ToLower(candidate)]; n++ {
		candidate = name + "-" + strconv.Itoa(n)
	}
	taken[strings.ToLower(candidate)] = true
	return candidate
}
