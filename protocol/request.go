package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// MaxIDLength is the longest request id DecodeRequest accepts, in bytes. Ids
// are echoed in responses, so a bound keeps every error response small.
const MaxIDLength = 256

// Request is a decoded request envelope. The action's parameters are read
// with Params.
type Request struct {
	// ID is the request's "id", echoed in the response ("" if absent).
	ID string
	// Action is the request's "action", never empty.
	Action string
	// Raw is the whole request object. It may hold a secret (the otpauth URI
	// of a save request): never log it.
	Raw json.RawMessage
}

// String describes the request without its parameters, which may be secret.
func (r *Request) String() string {
	return fmt.Sprintf("request id=%q action=%q (%d bytes)", r.ID, r.Action, len(r.Raw))
}

// GoString keeps %#v from printing Raw.
func (r *Request) GoString() string { return r.String() }

// RequestError is returned by DecodeRequest and Request.Params for a request
// the host must answer with an error response. Msg never quotes the
// request's content, which may hold a secret.
type RequestError struct {
	Code Code
	Msg  string
	// ID is the request's id if it could be read, to echo in the response.
	ID string
}

func (e *RequestError) Error() string {
	return "invalid request: " + e.Msg
}

func badRequest(id, format string, args ...any) *RequestError {
	return &RequestError{Code: CodeBadRequest, Msg: fmt.Sprintf(format, args...), ID: id}
}

// DecodeRequest decodes a frame body into a Request.
//
// The body must be UTF-8 holding exactly one JSON object (whitespace around
// it is allowed), without duplicate field names, whose "id", if present, is
// a string of at most MaxIDLength bytes and whose "action" is a non-empty
// string. Every error is a *RequestError with CodeBadRequest.
func DecodeRequest(body []byte) (*Request, error) {
	fields, raw, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	req := &Request{Raw: raw}
	if v, ok := fields["id"]; ok {
		if err := decodeStringField(v, &req.ID); err != nil {
			return nil, badRequest("", `"id" must be a string`)
		}
		if len(req.ID) > MaxIDLength {
			req.ID = ""
			return nil, badRequest("", `"id" is longer than %d bytes`, MaxIDLength)
		}
	}
	v, ok := fields["action"]
	switch {
	case !ok:
		return nil, badRequest(req.ID, `"action" is missing`)
	case decodeStringField(v, &req.Action) != nil:
		return nil, badRequest(req.ID, `"action" must be a string`)
	case req.Action == "":
		return nil, badRequest(req.ID, `"action" is empty`)
	}
	return req, nil
}

var errNotString = errors.New("not a JSON string")

// decodeStringField decodes a JSON string, refusing null (which
// json.Unmarshal would silently accept as "no change").
func decodeStringField(v json.RawMessage, s *string) error {
	if len(v) == 0 || v[0] != '"' {
		return errNotString
	}
	return json.Unmarshal(v, s)
}

// jsonSpace is the whitespace JSON allows between values.
const jsonSpace = " \t\r\n"

// decodeObject checks that body is one JSON object with distinct field
// names and returns its fields by exact name, and the object itself.
func decodeObject(body []byte) (map[string]json.RawMessage, json.RawMessage, error) {
	if len(bytes.TrimLeft(body, jsonSpace)) == 0 {
		return nil, nil, badRequest("", "the request is empty")
	}
	if !utf8.Valid(body) {
		return nil, nil, badRequest("", "the request is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		// The decoder's message can quote request bytes: give the offset only.
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, nil, badRequest("", "the request is not valid JSON (error at byte %d)", syntax.Offset)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, nil, badRequest("", "the request is not valid JSON (it ends too early)")
		}
		return nil, nil, badRequest("", "the request is not valid JSON")
	}
	if len(bytes.TrimLeft(body[dec.InputOffset():], jsonSpace)) != 0 {
		return nil, nil, badRequest("", "the request has data after the JSON object")
	}
	if raw[0] != '{' {
		return nil, nil, badRequest("", "the request is not a JSON object")
	}
	fields, err := objectFields(raw)
	if err != nil {
		return nil, nil, err
	}
	m := make(map[string]json.RawMessage, len(fields))
	for _, f := range fields {
		if _, dup := m[f.name]; dup {
			return nil, nil, badRequest("", "the request has a duplicate field%s", fieldLabel(f.name))
		}
		m[f.name] = f.value
	}
	return m, raw, nil
}

type field struct {
	name  string
	value json.RawMessage
}

// objectFields lists the fields of a valid JSON object, in order.
func objectFields(obj []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, badRequest("", "the request is not a JSON object")
	}
	var fields []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, badRequest("", "the request is not valid JSON")
		}
		name, ok := tok.(string)
		if !ok {
			return nil, badRequest("", "the request is not valid JSON")
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, badRequest("", "the request is not valid JSON")
		}
		fields = append(fields, field{name, value})
	}
	return fields, nil
}

// fieldLabel names a field in a message only if the name looks like a
// protocol field: anything else might be request content.
func fieldLabel(name string) string {
	if len(name) == 0 || len(name) > 32 {
		return ""
	}
	for _, c := range []byte(name) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return ""
		}
	}
	return fmt.Sprintf(" %q", name)
}

// Params decodes the request's parameters into v, a pointer to one of the
// *Params structs (or any struct with json tags).
//
// Types are strict: a field of the wrong type is a *RequestError with
// CodeBadRequest naming the field. A null field is treated as absent.
// Unknown fields are ignored, since the protocol may grow; field names match
// exactly (encoding/json alone would also accept "URL" for "url").
func (r *Request) Params(v any) error {
	fields, _, err := decodeObject(r.Raw)
	if err != nil {
		var re *RequestError
		if errors.As(err, &re) {
			re.ID = r.ID
		}
		return err
	}
	// Keep only names that can be protocol fields, so that encoding/json's
	// case-insensitive matching can only ever match the exact name.
	exact := make(map[string]json.RawMessage, len(fields))
	for name, value := range fields {
		if fieldLabel(name) != "" {
			exact[name] = value
		}
	}
	obj, err := json.Marshal(exact)
	if err != nil {
		return fmt.Errorf("failed to re-encode request parameters: %w", err)
	}
	if err := json.Unmarshal(obj, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return badRequest(r.ID, "%s must be %s", typeErrField(typeErr), describeType(paramType(v, typeErr)))
		}
		// Not the request's fault: v is not a pointer, or similar.
		return fmt.Errorf("failed to decode request parameters: %w", err)
	}
	return nil
}

func typeErrField(e *json.UnmarshalTypeError) string {
	if e.Field == "" {
		return "the request"
	}
	return fmt.Sprintf("%q", e.Field)
}

// paramType is the type of the parameter a type error is about. For an
// element of a list, encoding/json reports the element's type under the
// list's name: the list's own type makes the better message.
func paramType(v any, e *json.UnmarshalTypeError) reflect.Type {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct || strings.Contains(e.Field, ".") {
		return e.Type
	}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == e.Field && f.IsExported() {
			return f.Type
		}
	}
	return e.Type
}

func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer in range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array of " + plural(t.Elem())
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return describeType(t.Elem())
	}
	return "of another type"
}

func plural(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "strings"
	case reflect.Bool:
		return "booleans"
	case reflect.Struct, reflect.Map:
		return "objects"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "numbers"
	}
	return "values of another type"
}
