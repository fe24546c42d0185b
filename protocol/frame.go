package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

const (
	// MaxResponseSize is the largest message body a browser accepts from a
	// native-messaging host (1 MiB). WriteFrame refuses anything larger, so a
	// response is never cut: large answers must be paged instead.
	MaxResponseSize = 1 << 20

	// MaxRequestSize is the host's own limit for a message from the browser.
	// Browsers allow up to 64 MiB; no v1 request comes near 1 MiB.
	MaxRequestSize = 1 << 20
)

// headerSize is the length prefix of a frame: a uint32 in native byte order.
const headerSize = 4

// ErrResponseTooLarge is returned when a response body would exceed
// MaxResponseSize. Nothing has been written when it is returned.
var ErrResponseTooLarge = errors.New("response exceeds the 1 MiB native messaging limit")

// FrameTooLargeError is returned by ReadFrame when a frame declares a body
// longer than the caller's limit. It is shaped like http.MaxBytesError.
//
// After this error the stream cannot be resynchronised (the body was not
// read), so the host answers too_large and stops serving.
type FrameTooLargeError struct {
	// Size is the body length the frame header declared.
	Size int64
	// Limit is the limit that was passed to ReadFrame.
	Limit int
}

func (e *FrameTooLargeError) Error() string {
	return fmt.Sprintf("message of %d bytes exceeds the limit of %d bytes", e.Size, e.Limit)
}

// ReadFrame reads one native-messaging frame from r and returns its body.
//
// It returns io.EOF, unwrapped, if r ends cleanly before a frame starts (the
// browser closed the connection), io.ErrUnexpectedEOF if r ends inside the
// header or the body, and *FrameTooLargeError if the declared length exceeds
// limit. The length is checked before anything is allocated, so a hostile
// header cannot make ReadFrame allocate more than limit bytes. Other errors
// from r are returned wrapped.
//
// A zero-length frame is valid and yields an empty, non-nil body.
func ReadFrame(r io.Reader, limit int) ([]byte, error) {
	var header [headerSize]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, err
		}
		return nil, fmt.Errorf("failed to read message header: %w", err)
	}
	size := int64(binary.NativeEndian.Uint32(header[:]))
	if size > int64(limit) {
		return nil, &FrameTooLargeError{Size: size, Limit: limit}
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			// The header promised a body: any end of stream here is a truncation.
			return nil, io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("failed to read message body: %w", err)
	}
	return body, nil
}

// WriteFrame writes payload to w as one native-messaging frame.
//
// It returns ErrResponseTooLarge, having written nothing, if payload is
// larger than MaxResponseSize. Header and body go to w in a single Write
// call, so a frame is never half-written by WriteFrame itself and writers
// that serialise their Write calls (such as *os.File) never interleave two
// frames. A short write without an error is reported as io.ErrShortWrite.
func WriteFrame(w io.Writer, payload []byte) error {
	if len(payload) > MaxResponseSize {
		return ErrResponseTooLarge
	}
	frame := make([]byte, headerSize+len(payload))
	binary.NativeEndian.PutUint32(frame, uint32(len(payload)))
	copy(frame[headerSize:], payload)
	n, err := w.Write(frame)
	if err != nil {
		return fmt.Errorf("failed to write message: %w", err)
	}
	if n != len(frame) {
		return fmt.Errorf("failed to write message: %w", io.ErrShortWrite)
	}
	return nil
}
