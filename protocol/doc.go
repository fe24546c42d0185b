// Package protocol is the wire format between the otpfill WebExtension and
// its native-messaging host: the frames, the request envelope, the
// parameters and results of each action, and the stable error codes.
//
// A frame is a 4-byte length in native byte order followed by that many
// bytes of UTF-8 JSON. ReadFrame and WriteFrame move frames; DecodeRequest
// checks a frame body and reads its envelope ("id", "action"), and
// Request.Params reads the action's parameters with strict types.
// EncodeResult and EncodeError build the responses, never larger than the
// browsers' 1 MiB limit.
//
// The package does no I/O of its own and holds no state, so the host can
// serve one request per frame in a loop:
//
//	for {
//		body, err := protocol.ReadFrame(os.Stdin, protocol.MaxRequestSize)
//		// io.EOF: the browser is done. *FrameTooLargeError: answer
//		// too_large and exit. Otherwise decode, dispatch, answer.
//	}
//
// The extension never receives a stored secret: results carry codes and
// their expiry, never an otpauth URI. The only secret that crosses the
// boundary goes inward, in a save request, and types that hold one
// (Request, SaveParams, SaveRecoveryParams, CodeResult, SaveResult) print
// without it.
//
// PROTOCOL.md, beside this file, documents every action with examples and
// tabulates the error codes. schema.json and the extension's TypeScript types
// are generated from this package's types (see Actions, and `make generate`).
package protocol
