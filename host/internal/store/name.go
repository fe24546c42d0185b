package store

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on entry names. A pass entry becomes a file NAME.gpg whose last
// segment must fit in a 255-byte file name on every common filesystem, so a
// segment is capped well below that; the total keeps names readable in the
// popup and in keyring attributes.
const (
	MaxNameLen    = 400 // bytes, the whole name
	MaxSegmentLen = 200 // bytes, one slash-separated segment
)

// ValidateName reports whether name is a safe entry name: a relative,
// slash-separated path that cannot leave the store's root, reach hidden
// files (.git, .gpg-id), or display misleadingly. The error wraps
// ErrInvalidName and says what to change; it never repeats the name, which
// may be huge or contain terminal control characters.
//
// Rules: non-empty; valid UTF-8; at most MaxNameLen bytes and MaxSegmentLen
// bytes per segment; no control characters (C0, DEL, C1), no Unicode line or
// paragraph separator and no bidirectional override or isolate (they make a
// name display as something else); no backslash; no leading slash, no empty
// segment (a//b, a trailing slash); no segment that starts with a dot
// (which also excludes . and ..); no segment that starts or ends with
// white space. Ports and at-signs are fine: "localhost:8443",
// "github.com/alice@example.com".
func ValidateName(name string) error {
	if name == "" {
		return invalidName("name is empty")
	}
	if len(name) > MaxNameLen {
		return invalidName(fmt.Sprintf("name is %d bytes long, the limit is %d", len(name), MaxNameLen))
	}
	if !utf8.ValidString(name) {
		return invalidName("name is not valid UTF-8")
	}
	if name[0] == '/' {
		return invalidName("name must be relative: remove the leading slash")
	}
	for i, r := range name {
		if reason := forbiddenRune(r); reason != "" {
			msg := fmt.Sprintf("name contains a %s (%U) at byte %d", reason, r, i)
			if r == '\\' {
				msg += "; use / between folders"
			}
			return invalidName(msg)
		}
	}
	n := 0
	for seg := range strings.SplitSeq(name, "/") {
		n++
		if err := validateSegment(seg, n); err != nil {
			return err
		}
	}
	return nil
}

func validateSegment(seg string, n int) error {
	switch {
	case seg == "":
		return invalidName(fmt.Sprintf("segment %d is empty: remove the doubled or trailing slash", n))
	case len(seg) > MaxSegmentLen:
		return invalidName(fmt.Sprintf("segment %d is %d bytes long, the limit is %d", n, len(seg), MaxSegmentLen))
	case seg[0] == '.':
		// Also rejects "." and "..", and keeps .git and .gpg-id out of reach.
		return invalidName(fmt.Sprintf("segment %d starts with a dot", n))
	}
	first, _ := utf8.DecodeRuneInString(seg)
	last, _ := utf8.DecodeLastRuneInString(seg)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return invalidName(fmt.Sprintf("segment %d starts or ends with white space", n))
	}
	return nil
}

// forbiddenRune says why r may not appear in a name, or "" if it may.
func forbiddenRune(r rune) string {
	switch {
	case r == 0:
		return "NUL"
	case unicode.IsControl(r): // C0, DEL and C1
		return "control character"
	case r == '\u2028' || r == '\u2029':
		return "line or paragraph separator"
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return "bidirectional control character"
	case r == '\\':
		return "backslash"
	}
	return ""
}

func invalidName(reason string) error {
	return fmt.Errorf("%w: %s", ErrInvalidName, reason)
}
