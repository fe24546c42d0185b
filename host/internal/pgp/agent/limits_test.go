package agent

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/otpfill/otpfill/host/internal/pgp"
)

// peer is a gpg-agent that says what r holds, and counts what was read.
type peer struct {
	r    io.Reader
	read int
}

func (p *peer) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += n
	return n, err
}
func (p *peer) Write(b []byte) (int, error)      { return len(b), nil }
func (p *peer) Close() error                     { return nil }
func (p *peer) LocalAddr() net.Addr              { return nil }
func (p *peer) RemoteAddr() net.Addr             { return nil }
func (p *peer) SetDeadline(time.Time) error      { return nil }
func (p *peer) SetReadDeadline(time.Time) error  { return nil }
func (p *peer) SetWriteDeadline(time.Time) error { return nil }

// newPeer is a Conn to a peer that sends what r holds.
func newPeer(r io.Reader) (*peer, *Conn) {
	p := &peer{r: r}
	return p, &Conn{c: p, r: bufio.NewReaderSize(p, 4096), stop: func() bool { return true }}
}

// answer is a greeting, then lines.
func answer(lines ...string) io.Reader {
	return strings.NewReader("OK hi\n" + strings.Join(lines, "\n") + "\n")
}

func dataLine(n int) string { return "D " + strings.Repeat("x", n) }

// forever is prefix, then line again and again.
func forever(prefix, line string) io.Reader {
	return io.MultiReader(strings.NewReader(prefix), &lines{line: line})
}

// TestAgentLimits: a line longer than Assuan's limit, an answer with too
// much data or too many status lines, and a peer that never ends a line are
// refused with ErrTooLarge (final: not ErrUnsupported, which would run gpg
// against the same agent) after reading a bounded amount.
func TestAgentLimits(t *testing.T) {
	// The longest line Assuan allows is read: 1000 bytes, then CR LF.
	_, c := newPeer(answer(dataLine(maxLine-2)+"\r", "OK"))
	data, _, err := c.Receive(nil)
	if err != nil || len(data) != maxLine-1 { // the CR is data
		t.Fatalf("a line of Assuan's maximum length: %d bytes, %v", len(data), err)
	}
	for _, c := range []struct {
		name string
		in   io.Reader
		max  int // at most this much may be read from the peer
	}{
		{"a data line over 1002 bytes", answer(dataLine(maxLine+1), "OK"), 4096 + 16},
		{"a status line over 1002 bytes", answer("S "+strings.Repeat("y", 5000), "OK"), 4096 + 16},
		{"a greeting with no end", forever("OK ", "z"), 4096},
		// Lines of 998 escaped bytes, 332 of data each.
		{"endless data lines", forever("OK hi\n", "D "+strings.Repeat("%25", 332)+"\n"), maxData*3 + 2*4096},
		{"endless status lines", forever("OK hi\n", "S PROGRESS x\n"), 13*maxStatus + 2*4096},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, conn := newPeer(c.in)
			_, _, err := conn.Receive(nil)
			if !errors.Is(err, ErrTooLarge) || errors.Is(err, ErrUnsupported) {
				t.Fatalf("got %v, want ErrTooLarge", err)
			}
			if p.read > c.max {
				t.Errorf("read %d bytes from the peer before refusing, want at most %d", p.read, c.max)
			}
		})
	}
}

// lines repeats one line forever.
type lines struct {
	line string
	off  int
}

func (l *lines) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], l.line[l.off:])
		n += c
		l.off = (l.off + c) % len(l.line)
	}
	return n, nil
}

// FuzzReceive: whatever gpg-agent sends, Receive never panics, never
// returns more than its limits, and fails with ErrTooLarge on a line over
// Assuan's length.
func FuzzReceive(f *testing.F) {
	f.Add([]byte("OK hello\nS PADDING 0\nD (5:value3:a%0Ab)\nOK\n"))
	f.Add([]byte("# c\nOK\nINQUIRE CIPHERTEXT\nERR 83886179 Operation cancelled <Pinentry>\n"))
	f.Add([]byte("OK\nD " + strings.Repeat("a", 1100) + "\nOK\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		_, c := newPeer(bytes.NewReader(in))
		for range 4 {
			data, status, err := c.Receive(func(string) ([]byte, error) { return []byte("x"), nil })
			if len(data) > maxData || len(status) > maxStatus {
				t.Fatalf("%d bytes of data, %d status lines", len(data), len(status))
			}
			for _, s := range status {
				if len(s) > maxReadLine {
					t.Fatalf("a status line of %d bytes", len(s))
				}
			}
			if err != nil {
				var aerr *Error
				if !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrUnsupported) && !errors.As(err, &aerr) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
		}
	})
}

// compressed is a packet stream as a decrypted entry holds it: a
// compressed packet holding a literal packet of size zero bytes.
func compressed(t testing.TB, size int, algo packet.CompressionAlgo) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := packet.SerializeCompressed(nopCloser{&out}, algo, &packet.CompressionConfig{Level: 9})
	if err != nil {
		t.Fatal(err)
	}
	writeLiteral(t, w, size)
	return out.Bytes()
}

func writeLiteral(t testing.TB, w io.WriteCloser, size int) {
	t.Helper()
	lw, err := packet.SerializeLiteral(w, true, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for size > 0 {
		n := min(size, len(zeros))
		if _, err := lw.Write(zeros[:n]); err != nil {
			t.Fatal(err)
		}
		size -= n
	}
	if err := lw.Close(); err != nil {
		t.Fatal(err)
	}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// TestCompressionBomb: 64 MiB of zeros compressed to some 64 KiB is refused
// with ErrTooLarge after inflating no more than the limit: the reader
// consumed only the start of the compressed data, and the memory allocated
// is a small multiple of the limit, not of the 64 MiB.
func TestCompressionBomb(t *testing.T) {
	const bomb = 64 << 20
	for _, algo := range []packet.CompressionAlgo{packet.CompressionZLIB, packet.CompressionZIP} {
		msg := compressed(t, bomb, algo)
		src := &peer{r: bytes.NewReader(msg)}
		alloc := allocated(func() {
			_, err := literal(src, 0)
			if !errors.Is(err, ErrTooLarge) || errors.Is(err, ErrUnsupported) {
				t.Fatalf("algo %d: got %v, want ErrTooLarge", algo, err)
			}
			if !strings.Contains(err.Error(), "1 MiB") {
				t.Errorf("the message does not say the limit: %v", err)
			}
		})
		if src.read > len(msg)/4 {
			t.Errorf("algo %d: read %d of %d compressed bytes: it inflated past the limit", algo, src.read, len(msg))
		}
		if alloc > 8*pgp.MaxPlaintext {
			t.Errorf("algo %d: allocated %d bytes for a %d byte limit", algo, alloc, pgp.MaxPlaintext)
		}
	}
	// Just under the limit is read in full.
	text, err := literal(bytes.NewReader(compressed(t, pgp.MaxPlaintext, packet.CompressionZLIB)), 0)
	if err != nil || len(text) != pgp.MaxPlaintext {
		t.Fatalf("an entry of exactly the limit: %d bytes, %v", len(text), err)
	}
	// An uncompressed literal over the limit is refused too.
	var plain bytes.Buffer
	writeLiteral(t, nopCloser{&plain}, pgp.MaxPlaintext+1)
	if _, err := literal(&plain, 0); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("an uncompressed entry over the limit: %v", err)
	}
}

// TestDecryptDataBomb: the same through the encrypted data packet, as
// Decrypt reads it once gpg-agent has given the session key.
func TestDecryptDataBomb(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	var msg bytes.Buffer
	w, err := packet.SerializeSymmetricallyEncrypted(&msg, packet.CipherAES256, false, packet.CipherSuite{}, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	cw, err := packet.SerializeCompressed(w, packet.CompressionZLIB, &packet.CompressionConfig{Level: 9})
	if err != nil {
		t.Fatal(err)
	}
	writeLiteral(t, cw, 64<<20)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	op, err := packet.NewOpaqueReader(bytes.NewReader(msg.Bytes())).Next()
	if err != nil {
		t.Fatal(err)
	}
	alloc := allocated(func() {
		if _, err := decryptData(op, packet.CipherAES256, key); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("got %v, want ErrTooLarge", err)
		}
	})
	if alloc > 8*pgp.MaxPlaintext {
		t.Errorf("allocated %d bytes for a %d byte limit", alloc, pgp.MaxPlaintext)
	}
}

// allocated is how many bytes f allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// FuzzLiteral: whatever a decrypted entry holds, literal never panics,
// never returns more than pgp.MaxPlaintext, and fails with ErrUnsupported
// or ErrTooLarge. The corpus holds small bombs (testdata/fuzz/FuzzLiteral).
func FuzzLiteral(f *testing.F) {
	f.Add(compressed(f, 100, packet.CompressionZLIB))
	f.Add(compressed(f, 2<<20, packet.CompressionZIP))
	f.Fuzz(func(t *testing.T, in []byte) {
		text, err := literal(bytes.NewReader(in), 0)
		if len(text) > pgp.MaxPlaintext {
			t.Fatalf("%d bytes of text", len(text))
		}
		if err != nil && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// TestDecryptOverlongAnswer: Decrypt against an agent whose PKDECRYPT
// answer is one endless line gives ErrTooLarge, which is final, rather than
// ErrUnsupported (gpg would ask the same agent).
func TestDecryptOverlongAnswer(t *testing.T) {
	dir := t.TempDir()
	if len(dir) > 80 {
		dir, _ = os.MkdirTemp("/tmp", "a")
		defer os.RemoveAll(dir)
	}
	sock := filepath.Join(dir, "S")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Write([]byte("OK hello\n"))
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if strings.HasPrefix(line, "PKDECRYPT") {
				// One line that never ends, until the client hangs up.
				chunk := bytes.Repeat([]byte("x"), 4096)
				c.Write([]byte("D "))
				for {
					if _, err := c.Write(chunk); err != nil {
						return
					}
				}
			}
			c.Write([]byte("OK\n"))
		}
	}()
	// An RSA session key for key id 0102030405060708, then a data packet.
	msg := []byte{0xc1, 13, 3, 1, 2, 3, 4, 5, 6, 7, 8, AlgoRSA, 0x00, 0x08, 0x40, 0xd2, 0x01, 0x01}
	key := &Key{Fingerprint: make([]byte, 20), Keygrip: strings.Repeat("A", 40), Algo: AlgoRSA}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = Decrypt(ctx, sock, msg, func(uint64) *Key { return key }, Options{})
	if !errors.Is(err, ErrTooLarge) || errors.Is(err, ErrUnsupported) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
}
