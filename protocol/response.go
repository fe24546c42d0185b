package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
)

// reservedResultFields are envelope fields a result may not set.
var reservedResultFields = []string{"id", "ok", "error"}

// EncodeResult encodes a successful response: {"id":id,"ok":true,
// "protocol":1} followed by the fields of result, which must encode as a
// JSON object (or be nil, for a response without fields).
//
// A result field named "protocol" must equal Version and is not repeated;
// fields named "id", "ok" or "error" are refused. If the response would be
// larger than MaxResponseSize, EncodeResult returns ErrResponseTooLarge (the
// caller pages its answer, or reports the failure with EncodeError).
func EncodeResult(id string, result any) ([]byte, error) {
	var fields []field
	if result != nil {
		obj, err := json.Marshal(result)
		if err != nil {
			return nil, fmt.Errorf("failed to encode result: %w", err)
		}
		if !bytes.Equal(obj, []byte("null")) {
			if obj[0] != '{' {
				return nil, fmt.Errorf("failed to encode result: %T does not encode as a JSON object", result)
			}
			if fields, err = objectFields(obj); err != nil {
				return nil, fmt.Errorf("failed to encode result: %T: %w", result, err)
			}
		}
	}

	buf := envelope(id, true)
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		if seen[f.name] {
			return nil, fmt.Errorf("failed to encode result: field %q appears twice", f.name)
		}
		seen[f.name] = true
		if slices.Contains(reservedResultFields, f.name) {
			return nil, fmt.Errorf("failed to encode result: field %q is reserved for the response envelope", f.name)
		}
		if f.name == "protocol" {
			if string(f.value) != fmt.Sprint(Version) {
				return nil, fmt.Errorf("failed to encode result: field \"protocol\" is %s, not %d", f.value, Version)
			}
			continue
		}
		buf = append(buf, ',')
		buf = appendString(buf, f.name)
		buf = append(buf, ':')
		buf = append(buf, f.value...)
		if len(buf) >= MaxResponseSize {
			return nil, ErrResponseTooLarge
		}
	}
	buf = append(buf, '}')
	if len(buf) > MaxResponseSize {
		return nil, ErrResponseTooLarge
	}
	return buf, nil
}

// maxMessageLength bounds an error message kept when an error response
// would otherwise be too large.
const maxMessageLength = 1024

// EncodeError encodes an error response: {"id":id,"ok":false,"protocol":1,
// "error":{"code":code,"message":message,...extra}}. Extra fields named
// "code" or "message" are ignored.
//
// EncodeError cannot fail: the host must always be able to answer. If extra
// cannot be encoded, or the response would exceed MaxResponseSize, it drops
// extra, then shortens the message, then drops the id, in that order.
func EncodeError(id string, code Code, message string, extra map[string]any) []byte {
	if b, err := encodeError(id, code, message, extra); err == nil && len(b) <= MaxResponseSize {
		return b
	}
	if b, err := encodeError(id, code, message, nil); err == nil && len(b) <= MaxResponseSize {
		return b
	}
	message = truncateUTF8(message, maxMessageLength)
	if b, err := encodeError(id, code, message, nil); err == nil && len(b) <= MaxResponseSize {
		return b
	}
	b, _ := encodeError("", code, message, nil)
	return b
}

func encodeError(id string, code Code, message string, extra map[string]any) ([]byte, error) {
	buf := envelope(id, false)
	buf = append(buf, `,"error":{"code":`...)
	buf = appendString(buf, string(code))
	buf = append(buf, `,"message":`...)
	buf = appendString(buf, message)
	names := make([]string, 0, len(extra))
	for name := range extra {
		if name != "code" && name != "message" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		value, err := json.Marshal(extra[name])
		if err != nil {
			return nil, err
		}
		buf = append(buf, ',')
		buf = appendString(buf, name)
		buf = append(buf, ':')
		buf = append(buf, value...)
	}
	return append(buf, "}}"...), nil
}

// envelope starts a response object, without its closing brace.
func envelope(id string, ok bool) []byte {
	buf := make([]byte, 0, 128)
	buf = append(buf, `{"id":`...)
	buf = appendString(buf, id)
	buf = fmt.Appendf(buf, `,"ok":%t,"protocol":%d`, ok, Version)
	return buf
}

func appendString(buf []byte, s string) []byte {
	b, _ := json.Marshal(s) // cannot fail for a string
	return append(buf, b...)
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// ErrErrorResponse is wrapped by the error Call returns when the host
// answered with ok:false.
var ErrErrorResponse = errors.New("the host answered with an error")

// ResponseError is returned by Call when the host answered with an error
// response. It wraps ErrErrorResponse.
type ResponseError struct {
	Code    Code
	Message string
	// Response is the whole decoded response, including error extras such
	// as "candidates".
	Response map[string]any
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *ResponseError) Unwrap() error { return ErrErrorResponse }

// Call is the client side of one exchange, for tests and tools that talk to
// a host as a browser would: it writes req (any value that encodes as a
// JSON object) as a frame to w, reads one response frame from r and decodes
// it. An error response is returned as a *ResponseError, alongside the
// decoded response. Numbers in the response decode as float64.
func Call(w io.Writer, r io.Reader, req any) (map[string]any, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("failed to encode request: %w", err)
	}
	if len(body) > MaxRequestSize {
		return nil, fmt.Errorf("request of %d bytes exceeds the limit of %d bytes", len(body), MaxRequestSize)
	}
	if err := WriteFrame(w, body); err != nil {
		return nil, err
	}
	frame, err := ReadFrame(r, MaxResponseSize)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("failed to read response: %w", err)
	}
	var resp map[string]any
	if err := json.Unmarshal(frame, &resp); err != nil {
		return nil, fmt.Errorf("failed to decode response: %w", err)
	}
	if ok, _ := resp["ok"].(bool); !ok {
		e := &ResponseError{Response: resp}
		if obj, isObj := resp["error"].(map[string]any); isObj {
			code, _ := obj["code"].(string)
			e.Code = Code(code)
			e.Message, _ = obj["message"].(string)
		}
		return resp, e
	}
	return resp, nil
}
