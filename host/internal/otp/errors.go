package otp

import (
	"errors"
	"strconv"
)

// ErrInvalidURI is wrapped by every error about a URI, secret or key that
// cannot yield a correct code.
var ErrInvalidURI = errors.New("invalid otpauth URI")

// URIError says why a URI, secret or key was refused. Reason names the
// offending part but never contains the secret or the URI.
type URIError struct {
	Reason string
}

func (e *URIError) Error() string { return "invalid otpauth URI: " + e.Reason }

// Unwrap returns ErrInvalidURI.
func (e *URIError) Unwrap() error { return ErrInvalidURI }

// quoteShort quotes a parameter value for an error message only when it is
// short and plainly a word (an algorithm or type name), so that a secret
// pasted in the wrong place is never echoed back.
func quoteShort(s string) string {
	if s == "" {
		return `""`
	}
	if len(s) > 8 {
		return "(value not shown)"
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return "(value not shown)"
		}
	}
	return strconv.Quote(s)
}
