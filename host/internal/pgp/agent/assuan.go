// Package agent decrypts pass entries by asking a running gpg-agent to unwrap
// the session key (Assuan PKDECRYPT, the same request gpg itself makes) and
// decrypting the rest with Go. It saves starting a gpg process per request,
// which is most of the cost of a code, while the secret key, its passphrase
// cache, pinentry and smartcards stay with gpg-agent exactly as for gpg.
//
// Anything this package cannot handle is reported as ErrUnsupported so the
// caller can run gpg instead; only answers the user gave (a cancelled
// pinentry, a wrong passphrase) are final.
package agent

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

var (
	// ErrUnsupported: this path cannot decrypt the entry (no agent, unknown
	// key, unusual packets); gpg should be run instead.
	ErrUnsupported = errors.New("not decryptable through gpg-agent directly")
	// ErrCancelled: the user cancelled the passphrase prompt or gave a wrong
	// passphrase too often. Running gpg would only ask again.
	ErrCancelled = errors.New("the passphrase prompt was cancelled")
	// ErrBadPassphrase: gpg-agent gave up after wrong passphrases.
	ErrBadPassphrase = errors.New("wrong passphrase")
	// ErrTooLarge: gpg-agent's answer, or the decrypted entry, is over a
	// limit (see maxReadLine, maxData, maxStatus and pgp.MaxPlaintext).
	// It is final: gpg would read the same agent and the same entry.
	ErrTooLarge = errors.New("over otpfill's limit")
)

// maxLine is Assuan's line limit, newline included.
const maxLine = 1000

// Limits on what is read from gpg-agent, so that a broken or hostile peer
// costs bounded memory. A line is at most Assuan's 1000 bytes; libassuan
// (ASSUAN_LINELENGTH) allows 1002 with a CR and the LF, and so do we. Data
// lines are percent-escaped within that length, so 1002 bytes of line are at
// most 1000 of data. The answers this package asks for are small (a session
// key in an S-expression: 600 bytes for RSA-4096), so one answer may hold
// at most maxData bytes of data and maxStatus status lines.
const (
	maxReadLine = maxLine + 2
	maxData     = 64 << 10
	maxStatus   = 256
)

// limitError is an ErrTooLarge that says which limit, in its own words.
type limitError struct{ msg string }

func (e *limitError) Error() string        { return e.msg }
func (e *limitError) Is(target error) bool { return target == ErrTooLarge }

func tooLarge(format string, args ...any) error {
	return &limitError{fmt.Sprintf(format, args...)}
}

// DialError: gpg-agent could not be reached at its socket. It wraps
// ErrUnsupported.
type DialError struct{ Err error }

func (e *DialError) Error() string   { return "cannot reach gpg-agent: " + e.Err.Error() }
func (e *DialError) Unwrap() []error { return []error{ErrUnsupported, e.Err} }

// Error is an ERR line from gpg-agent.
type Error struct {
	Code    uint32 // gpg-error code: source in the top 8 bits
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("gpg-agent: %s (%d)", e.Message, e.Code) }

// gpg-error codes (libgpg-error err-codes.h) this package tells apart.
const (
	errCodeBadPassphrase = 11
	errCodeNoSecretKey   = 17
	errCodeCanceled      = 99
	errCodeFullyCanceled = 198
)

// Conn is one Assuan connection to gpg-agent.
type Conn struct {
	c    net.Conn
	r    *bufio.Reader
	stop func() bool
	// greeted: the server's greeting has been read.
	greeted bool
}

// Dial connects to the agent's socket. The greeting is read with the first
// answer, so commands can be on their way meanwhile. The context's deadline
// bounds every later request too.
func Dial(ctx context.Context, socket string) (*Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		return nil, &DialError{err}
	}
	// Ending ctx interrupts a pending read (a pinentry the user never
	// answers). No deadline is set on the socket itself: its timer could
	// fire before the context's, and the caller would see an I/O error
	// with ctx.Err() still nil. AfterFunc runs only once ctx is done.
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	return &Conn{c: c, r: bufio.NewReaderSize(c, 4096), stop: stop}, nil
}

// greet reads the server's greeting, once.
func (c *Conn) greet() error {
	if c.greeted {
		return nil
	}
	line, err := c.readLine()
	for err == nil && (line == "#" || strings.HasPrefix(line, "# ")) {
		line, err = c.readLine()
	}
	if errors.Is(err, ErrTooLarge) {
		return err
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if !strings.HasPrefix(line, "OK") {
		return fmt.Errorf("%w: unexpected greeting from gpg-agent", ErrUnsupported)
	}
	c.greeted = true
	return nil
}

// Close ends the connection.
func (c *Conn) Close() error {
	c.stop()
	return c.c.Close()
}

// readLine reads one line, without its LF. The reader's buffer (4096
// bytes) is larger than maxReadLine, so a longer line is refused after at
// most that much, never gathered.
func (c *Conn) readLine() (string, error) {
	line, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) || len(line) > maxReadLine {
		return "", tooLarge("gpg-agent sent a line longer than Assuan's %d bytes", maxLine)
	}
	if err != nil {
		return "", err
	}
	return string(line[:len(line)-1]), nil
}

// Transact sends one command and collects the data and status lines of the
// answer. inquire answers INQUIRE requests; nil refuses them.
func (c *Conn) Transact(cmd string, inquire func(keyword string) ([]byte, error)) (data []byte, status []string, err error) {
	if err := c.Send(cmd); err != nil {
		return nil, nil, err
	}
	return c.Receive(inquire)
}

// Send writes commands without waiting for their answers; Receive reads
// them, one call per command, in order. Assuan servers read one line at a
// time, so commands sent ahead wait in the socket.
func (c *Conn) Send(cmds ...string) error {
	var b bytes.Buffer
	for _, cmd := range cmds {
		if len(cmd)+1 > maxLine || strings.ContainsAny(cmd, "\r\n") {
			return fmt.Errorf("%w: command too long", ErrUnsupported)
		}
		b.WriteString(cmd)
		b.WriteByte('\n')
	}
	_, err := c.c.Write(b.Bytes())
	return err
}

// Receive reads the answer to the next command sent.
func (c *Conn) Receive(inquire func(keyword string) ([]byte, error)) (data []byte, status []string, err error) {
	if err := c.greet(); err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	for {
		line, err := c.readLine()
		if err != nil {
			return nil, nil, err
		}
		switch {
		case line == "OK" || strings.HasPrefix(line, "OK "):
			return buf.Bytes(), status, nil
		case strings.HasPrefix(line, "ERR "):
			return nil, status, parseErr(line[4:])
		case strings.HasPrefix(line, "D "):
			if err := unescape(&buf, line[2:]); err != nil {
				return nil, nil, err
			}
			if buf.Len() > maxData {
				return nil, nil, tooLarge("gpg-agent sent more than %d bytes of data in one answer", maxData)
			}
		case strings.HasPrefix(line, "S "):
			if len(status) >= maxStatus {
				return nil, nil, tooLarge("gpg-agent sent more than %d status lines in one answer", maxStatus)
			}
			status = append(status, line[2:])
		case strings.HasPrefix(line, "INQUIRE "):
			kw, _, _ := strings.Cut(line[8:], " ")
			if inquire == nil {
				if _, err := c.c.Write([]byte("CAN\n")); err != nil {
					return nil, nil, err
				}
				continue
			}
			payload, ierr := inquire(kw)
			if ierr != nil {
				if _, err := c.c.Write([]byte("CAN\n")); err != nil {
					return nil, nil, err
				}
				continue
			}
			if err := c.sendData(payload); err != nil {
				return nil, nil, err
			}
		case line == "#" || strings.HasPrefix(line, "# "):
			// a comment
		default:
			return nil, nil, fmt.Errorf("%w: unexpected line from gpg-agent", ErrUnsupported)
		}
	}
}

// sendData answers an INQUIRE with D lines and END.
func (c *Conn) sendData(p []byte) error {
	var out bytes.Buffer
	line := make([]byte, 0, maxLine)
	flush := func() {
		if len(line) > 2 {
			out.Write(line)
			out.WriteByte('\n')
		}
		line = append(line[:0], 'D', ' ')
	}
	flush()
	for _, b := range p {
		// Leave room for an escape and the newline.
		if len(line)+4 > maxLine {
			flush()
		}
		switch b {
		case '%', '\r', '\n':
			line = fmt.Appendf(line, "%%%02X", b)
		default:
			line = append(line, b)
		}
	}
	flush()
	out.WriteString("END\n")
	_, err := c.c.Write(out.Bytes())
	return err
}

func unescape(buf *bytes.Buffer, s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			buf.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return fmt.Errorf("%w: bad escape from gpg-agent", ErrUnsupported)
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return fmt.Errorf("%w: bad escape from gpg-agent", ErrUnsupported)
		}
		buf.WriteByte(byte(v))
		i += 2
	}
	return nil
}

func parseErr(s string) error {
	code, msg, _ := strings.Cut(s, " ")
	n, err := strconv.ParseUint(code, 10, 32)
	if err != nil {
		return &Error{Message: s}
	}
	return &Error{Code: uint32(n), Message: msg}
}

// plusEscape escapes a pinentry description: gpg-agent turns '+' back into
// a space and %XX into a byte.
func plusEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			b.WriteByte('+')
		case c == '+' || c == '%' || c == '"' || c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
