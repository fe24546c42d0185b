package protocol_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/otpfill/otpfill/protocol"
)

// A host's serving loop: read a frame, decode it, answer, until the browser
// closes the connection.
func Example() {
	// What a browser would send: two requests on one connection.
	var fromBrowser bytes.Buffer
	protocol.WriteFrame(&fromBrowser, []byte(`{"id":"1","action":"match","url":"https://github.com/login"}`))
	protocol.WriteFrame(&fromBrowser, []byte(`{"id":"2","action":"match","url":7}`))

	var toBrowser bytes.Buffer
	for {
		body, err := protocol.ReadFrame(&fromBrowser, protocol.MaxRequestSize)
		if err == io.EOF {
			break // the browser is done
		}
		var tooLarge *protocol.FrameTooLargeError
		if errors.As(err, &tooLarge) {
			protocol.WriteFrame(&toBrowser, protocol.EncodeError("", protocol.CodeTooLarge, err.Error(), nil))
			break // the stream cannot be resynchronised
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			break
		}
		resp := serve(body)
		if err := protocol.WriteFrame(&toBrowser, resp); err != nil {
			fmt.Fprintln(os.Stderr, err)
			break
		}
	}

	for {
		resp, err := protocol.ReadFrame(&toBrowser, protocol.MaxResponseSize)
		if err != nil {
			break
		}
		fmt.Println(string(resp))
	}
	// Output:
	// {"id":"1","ok":true,"protocol":1,"entries":[{"name":"github.com/alice","store":"pass","strength":"exact"}]}
	// {"id":"2","ok":false,"protocol":1,"error":{"code":"bad_request","message":"\"url\" must be a string"}}
}

func serve(body []byte) []byte {
	req, err := protocol.DecodeRequest(body)
	if err != nil {
		return errorResponse(err)
	}
	switch req.Action {
	case protocol.ActionMatch:
		var p protocol.MatchParams
		if err := req.Params(&p); err != nil {
			return errorResponse(err)
		}
		resp, err := protocol.EncodeResult(req.ID, protocol.MatchResult{Entries: []protocol.MatchEntry{
			{Name: "github.com/alice", Store: "pass", Strength: protocol.StrengthExact},
		}})
		if err != nil {
			return protocol.EncodeError(req.ID, protocol.CodeInternal, "the answer is too large", nil)
		}
		return resp
	}
	return protocol.EncodeError(req.ID, protocol.CodeUnknownAction, "this host does not know that action", nil)
}

func errorResponse(err error) []byte {
	var re *protocol.RequestError
	if errors.As(err, &re) {
		return protocol.EncodeError(re.ID, re.Code, re.Msg, nil)
	}
	return protocol.EncodeError("", protocol.CodeInternal, "internal error", nil)
}
