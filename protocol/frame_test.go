package protocol

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

func frame(body string) []byte {
	b := binary.NativeEndian.AppendUint32(nil, uint32(len(body)))
	return append(b, body...)
}

func header(size uint32) []byte {
	return binary.NativeEndian.AppendUint32(nil, size)
}

func TestReadFrame(t *testing.T) {
	readers := map[string]func(io.Reader) io.Reader{
		"plain":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"data+err": iotest.DataErrReader,
	}
	tests := []struct {
		name    string
		input   []byte
		limit   int
		want    string
		wantErr error
	}{
		{name: "object", input: frame(`{"id":"1","action":"hello"}`), limit: MaxRequestSize, want: `{"id":"1","action":"hello"}`},
		{name: "empty body", input: frame(""), limit: MaxRequestSize, want: ""},
		{name: "at limit", input: frame("12345"), limit: 5, want: "12345"},
		{name: "over limit", input: frame("123456"), limit: 5, wantErr: &FrameTooLargeError{Size: 6, Limit: 5}},
		{name: "zero limit", input: frame("x"), limit: 0, wantErr: &FrameTooLargeError{Size: 1, Limit: 0}},
		{name: "no input", input: nil, limit: MaxRequestSize, wantErr: io.EOF},
		{name: "truncated header", input: []byte{1, 0}, limit: MaxRequestSize, wantErr: io.ErrUnexpectedEOF},
		{name: "header only", input: header(3), limit: MaxRequestSize, wantErr: io.ErrUnexpectedEOF},
		{name: "truncated body", input: frame("hello")[:7], limit: MaxRequestSize, wantErr: io.ErrUnexpectedEOF},
		{name: "4 GiB", input: header(0xFFFFFFFF), limit: MaxRequestSize, wantErr: &FrameTooLargeError{Size: 1<<32 - 1, Limit: MaxRequestSize}},
	}
	for _, tt := range tests {
		for rname, wrap := range readers {
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				got, err := ReadFrame(wrap(bytes.NewReader(tt.input)), tt.limit)
				if tt.wantErr != nil {
					assertSameError(t, err, tt.wantErr)
					if got != nil {
						t.Errorf("ReadFrame returned %d bytes with an error", len(got))
					}
					return
				}
				if err != nil {
					t.Fatalf("ReadFrame: %v", err)
				}
				if got == nil || string(got) != tt.want {
					t.Errorf("ReadFrame = %q, want %q", got, tt.want)
				}
			})
		}
	}
}

func assertSameError(t *testing.T, got, want error) {
	t.Helper()
	var wantSize *FrameTooLargeError
	if errors.As(want, &wantSize) {
		var gotSize *FrameTooLargeError
		if !errors.As(got, &gotSize) {
			t.Fatalf("error = %v, want *FrameTooLargeError", got)
		}
		if *gotSize != *wantSize {
			t.Fatalf("error = %+v, want %+v", *gotSize, *wantSize)
		}
		return
	}
	// io.EOF is compared with == by most callers: it must not be wrapped.
	if got != want {
		t.Fatalf("error = %v, want exactly %v", got, want)
	}
}

func TestReadFrameSequence(t *testing.T) {
	var stream bytes.Buffer
	bodies := []string{`{"action":"hello"}`, "", `{"action":"list","id":"2"}`}
	for _, b := range bodies {
		stream.Write(frame(b))
	}
	r := iotest.OneByteReader(&stream)
	for i, want := range bodies {
		got, err := ReadFrame(r, MaxRequestSize)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if string(got) != want {
			t.Fatalf("frame %d = %q, want %q", i, got, want)
		}
	}
	if _, err := ReadFrame(r, MaxRequestSize); err != io.EOF {
		t.Fatalf("after the last frame: error = %v, want io.EOF", err)
	}
}

// allocatedBy reports how many bytes f allocates on the heap.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// leastAllocatedBy is allocatedBy's smallest figure over a few runs:
// TotalAlloc is process-wide, so another goroutine (the test runner's, the
// runtime's) can add to one run, never take away from it.
func leastAllocatedBy(f func()) uint64 {
	least := allocatedBy(f)
	for range 4 {
		least = min(least, allocatedBy(f))
	}
	return least
}

// A hostile header declaring 4 GiB must be refused from the header alone:
// no allocation of the declared size. (A wait for the body would show as an
// error other than FrameTooLargeError: the reader holds only the header.)
func TestReadFrameHugeLengthDoesNotAllocate(t *testing.T) {
	input := header(0xFFFFFFFF)
	var err error
	allocated := leastAllocatedBy(func() {
		_, err = ReadFrame(bytes.NewReader(input), MaxRequestSize)
	})
	var tooLarge *FrameTooLargeError
	if !errors.As(err, &tooLarge) {
		t.Fatalf("error = %v, want *FrameTooLargeError", err)
	}
	if allocated > 4096 {
		t.Errorf("ReadFrame allocated %d bytes to refuse a frame", allocated)
	}
}

// A body that is declared but never arrives must not make ReadFrame
// allocate more than the limit either.
func TestReadFrameAllocationBoundedByLimit(t *testing.T) {
	input := header(MaxRequestSize) // the body never comes
	var err error
	allocated := allocatedBy(func() {
		_, err = ReadFrame(bytes.NewReader(input), MaxRequestSize)
	})
	if err != io.ErrUnexpectedEOF {
		t.Fatalf("error = %v, want io.ErrUnexpectedEOF", err)
	}
	if allocated > MaxRequestSize+4096 {
		t.Errorf("ReadFrame allocated %d bytes, more than the %d byte limit", allocated, MaxRequestSize)
	}
}

func TestFrameTooLargeErrorMessage(t *testing.T) {
	err := &FrameTooLargeError{Size: 2_000_000, Limit: MaxRequestSize}
	got := err.Error()
	if !strings.Contains(got, "2000000") || !strings.Contains(got, "1048576") {
		t.Errorf("Error() = %q, want the size and the limit", got)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestReadFrameReaderError(t *testing.T) {
	boom := errors.New("boom")
	_, err := ReadFrame(errReader{boom}, MaxRequestSize)
	if !errors.Is(err, boom) {
		t.Fatalf("header: error = %v, want it to wrap the reader's error", err)
	}
	r := io.MultiReader(bytes.NewReader(header(10)), errReader{boom})
	_, err = ReadFrame(r, MaxRequestSize)
	if !errors.Is(err, boom) {
		t.Fatalf("body: error = %v, want it to wrap the reader's error", err)
	}
}

type countingWriter struct {
	calls int
	buf   bytes.Buffer
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.calls++
	return w.buf.Write(p)
}

func TestWriteFrame(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		wantErr error
	}{
		{"empty", 0, nil},
		{"small", 27, nil},
		{"at limit", MaxResponseSize, nil},
		{"over limit", MaxResponseSize + 1, ErrResponseTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := bytes.Repeat([]byte("a"), tt.size)
			w := &countingWriter{}
			err := WriteFrame(w, payload)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				if w.calls != 0 || w.buf.Len() != 0 {
					t.Fatalf("WriteFrame wrote %d bytes in %d calls before refusing", w.buf.Len(), w.calls)
				}
				return
			}
			if err != nil {
				t.Fatalf("WriteFrame: %v", err)
			}
			if w.calls != 1 {
				t.Errorf("WriteFrame made %d Write calls, want 1", w.calls)
			}
			got, err := ReadFrame(iotest.HalfReader(&w.buf), MaxResponseSize)
			if err != nil {
				t.Fatalf("reading back: %v", err)
			}
			if !bytes.Equal(got, payload) {
				t.Errorf("round trip changed the payload (%d bytes, want %d)", len(got), len(payload))
			}
			if w.buf.Len() != 0 {
				t.Errorf("%d bytes left after the frame", w.buf.Len())
			}
		})
	}
}

func TestWriteFrameNativeEndian(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFrame(&buf, []byte("abc")); err != nil {
		t.Fatal(err)
	}
	want := binary.NativeEndian.AppendUint32(nil, 3)
	if got := buf.Bytes()[:4]; !bytes.Equal(got, want) {
		t.Errorf("header = % x, want % x", got, want)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) / 2, nil }

func TestWriteFrameErrors(t *testing.T) {
	if err := WriteFrame(shortWriter{}, []byte("abcdef")); !errors.Is(err, io.ErrShortWrite) {
		t.Errorf("short write: error = %v, want io.ErrShortWrite", err)
	}
	boom := errors.New("broken pipe")
	if err := WriteFrame(failingWriter{boom}, []byte("x")); !errors.Is(err, boom) {
		t.Errorf("failing writer: error = %v, want it to wrap %v", err, boom)
	}
}
