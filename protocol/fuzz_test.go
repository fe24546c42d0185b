package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
)

func FuzzReadFrame(f *testing.F) {
	f.Add(frame(`{"id":"1","action":"hello"}`))
	f.Add(frame(""))
	f.Add(append(frame(`{"action":"list"}`), frame(`{"action":"hello"}`)...))
	f.Add(header(0xFFFFFFFF))
	f.Add([]byte{3, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 64
		r := bytes.NewReader(data)
		for {
			body, err := ReadFrame(r, limit)
			var tooLarge *FrameTooLargeError
			switch {
			case err == io.EOF:
				if r.Len() != 0 {
					t.Fatalf("io.EOF with %d bytes left", r.Len())
				}
				return
			case err == io.ErrUnexpectedEOF:
				return
			case errors.As(err, &tooLarge):
				if tooLarge.Size <= int64(tooLarge.Limit) || tooLarge.Limit != limit {
					t.Fatalf("FrameTooLargeError %+v for a frame within the limit", *tooLarge)
				}
				return
			case err != nil:
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			if len(body) > limit {
				t.Fatalf("body of %d bytes over the limit of %d", len(body), limit)
			}
			// What is read must write back to the same bytes.
			var buf bytes.Buffer
			if err := WriteFrame(&buf, body); err != nil {
				t.Fatalf("WriteFrame: %v", err)
			}
			again, err := ReadFrame(&buf, limit)
			if err != nil || !bytes.Equal(again, body) {
				t.Fatalf("round trip failed: %v", err)
			}
		}
	})
}

func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"id":"1","action":"hello"}`))
	f.Add([]byte(`{"id":"2","action":"save","url":"https://a.example/","uri":"otpauth://totp/a?secret=AA","overwrite":true}`))
	f.Add([]byte(`{"id":"3","action":"save_recovery","codes":["a",1]}`))
	f.Add([]byte(`{"action":"match","url":42}`))
	f.Add([]byte(`[1]`))
	f.Add([]byte(`{"action":"hello"} x`))
	f.Add([]byte("{\"action\":\"\xff\"}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := DecodeRequest(body)
		if err != nil {
			var re *RequestError
			if !errors.As(err, &re) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			if re.Code != CodeBadRequest || re.Msg == "" {
				t.Fatalf("RequestError %+v", *re)
			}
			if len(re.ID) > MaxIDLength {
				t.Fatalf("RequestError with an id of %d bytes", len(re.ID))
			}
			// The host answers with EncodeError: that must always be sendable.
			resp := EncodeError(re.ID, re.Code, re.Msg, nil)
			if !json.Valid(resp) || len(resp) > MaxResponseSize {
				t.Fatalf("EncodeError gave an unsendable response")
			}
			return
		}
		if req.Action == "" || len(req.ID) > MaxIDLength || !json.Valid(req.Raw) {
			t.Fatalf("accepted an invalid request: id %d bytes, action %q", len(req.ID), req.Action)
		}
		for _, p := range []any{&ListParams{}, &MatchParams{}, &CodeParams{}, &SaveParams{}, &SaveRecoveryParams{}, &AliasParams{}} {
			if err := req.Params(p); err != nil {
				var re *RequestError
				if !errors.As(err, &re) {
					t.Fatalf("Params(%T): unexpected error type %T: %v", p, err, err)
				}
				if re.ID != req.ID || re.Code != CodeBadRequest {
					t.Fatalf("Params(%T): RequestError %+v", p, *re)
				}
			}
		}
		if _, err := EncodeResult(req.ID, nil); err != nil {
			t.Fatalf("EncodeResult: %v", err)
		}
	})
}
