package agent

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp/aes/keywrap"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/otpfill/otpfill/host/internal/pgp"
)

// ErrUnknownKey: lookup knew none of the keys the entry is encrypted to.
// It wraps ErrUnsupported.
var ErrUnknownKey error = unknownKeyError{}

type unknownKeyError struct{}

func (unknownKeyError) Error() string {
	return ErrUnsupported.Error() + ": no recipient key of this entry is known"
}
func (unknownKeyError) Unwrap() error { return ErrUnsupported }

// OpenPGP public-key algorithm ids (RFC 4880 §9.1) this package handles.
const (
	AlgoRSA        = 1
	AlgoRSAEncrypt = 2
	AlgoECDH       = 18
)

// Key is what decryption needs to know about one secret (sub)key that
// gpg-agent holds: all of it is public.
type Key struct {
	Fingerprint []byte // v4, 20 bytes
	Keygrip     string // 40 hex digits, gpg-agent's name for the key
	Algo        int
	// ECDH only (RFC 6637): the curve OID (without its length octet) and
	// the KDF parameters of the public key.
	CurveOID  []byte
	KDFHash   byte
	KDFCipher byte
	// Description names the key in a passphrase prompt ("Alice <a@x>").
	Description string
}

// KeyID is the 64-bit key id of a v4 key.
func (k *Key) KeyID() uint64 {
	if len(k.Fingerprint) != 20 {
		return 0
	}
	return binary.BigEndian.Uint64(k.Fingerprint[12:])
}

// Options are the per-session settings gpg passes to the agent so that a
// pinentry can appear where the user is: display, tty, and so on.
type Options struct {
	// Getenv reads the environment gpg would run in; only the variables
	// pinentry uses are sent. Nil sends none.
	Getenv func(name string) string
	// Purpose completes the prompt: "to show a 2FA code for github.com/alice".
	Purpose string
}

// pinentryEnv are the variables gpg forwards to gpg-agent for pinentry.
var pinentryEnv = []string{"DISPLAY", "XAUTHORITY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XMODIFIERS", "GTK_IM_MODULE", "QT_IM_MODULE", "PINENTRY_USER_DATA", "INSIDE_EMACS"}

type pkesk struct {
	keyID uint64
	algo  int
	mpi1  []byte // RSA: m^e; ECDH: the ephemeral point
	wrap  []byte // ECDH: the wrapped session key, with its length octet
}

// Decrypt decrypts a binary OpenPGP message: it finds a recipient key that
// lookup knows, has gpg-agent unwrap the session key, and decrypts the data
// packet with it. It returns ErrUnsupported (wrapped) whenever gpg should be
// run instead.
func Decrypt(ctx context.Context, socket string, ciphertext []byte, lookup func(keyID uint64) *Key, o Options) ([]byte, error) {
	esks, data, err := splitMessage(ciphertext)
	if err != nil {
		return nil, err
	}
	var conn *Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	var lastErr error = ErrUnknownKey
	for _, esk := range esks {
		k := lookup(esk.keyID)
		if k == nil || k.Algo != esk.algo && !(isRSA(k.Algo) && isRSA(esk.algo)) {
			continue
		}
		var options []string
		if conn == nil {
			if conn, err = Dial(ctx, socket); err != nil {
				return nil, err
			}
			options = optionCommands(o.Getenv)
		}
		cipherFunc, key, err := sessionKey(conn, options, k, esk, o.Purpose)
		if err != nil {
			if errors.Is(err, ErrCancelled) || errors.Is(err, ErrBadPassphrase) || errors.Is(err, ErrTooLarge) {
				return nil, err
			}
			lastErr = err
			continue
		}
		return decryptData(data, cipherFunc, key)
	}
	return nil, lastErr
}

func isRSA(a int) bool { return a == AlgoRSA || a == AlgoRSAEncrypt }

// splitMessage returns the public-key encrypted session keys and the
// encrypted data packet of a message.
func splitMessage(msg []byte) ([]pkesk, *packet.OpaquePacket, error) {
	r := packet.NewOpaqueReader(bytes.NewReader(msg))
	var esks []pkesk
	for {
		op, err := r.Next()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
		}
		switch op.Tag {
		case 1:
			if esk, ok := parsePKESK(op.Contents); ok {
				esks = append(esks, esk)
			}
		case 3:
			// A passphrase-encrypted session key: leave it to gpg.
		case 18, 20:
			return esks, op, nil
		default:
			return nil, nil, fmt.Errorf("%w: packet type %d before the data", ErrUnsupported, op.Tag)
		}
	}
}

// parsePKESK reads a version 3 public-key encrypted session key packet.
func parsePKESK(b []byte) (pkesk, bool) {
	if len(b) < 10 || b[0] != 3 {
		return pkesk{}, false
	}
	esk := pkesk{keyID: binary.BigEndian.Uint64(b[1:9]), algo: int(b[9])}
	rest := b[10:]
	mpi, rest, ok := readMPI(rest)
	if !ok {
		return pkesk{}, false
	}
	esk.mpi1 = mpi
	switch {
	case isRSA(esk.algo):
	case esk.algo == AlgoECDH:
		if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
			return pkesk{}, false
		}
		esk.wrap = rest[:1+int(rest[0])]
	default:
		return pkesk{}, false
	}
	return esk, true
}

func readMPI(b []byte) (mpi, rest []byte, ok bool) {
	if len(b) < 2 {
		return nil, nil, false
	}
	n := (int(binary.BigEndian.Uint16(b)) + 7) / 8
	if len(b) < 2+n || n == 0 {
		return nil, nil, false
	}
	return b[2 : 2+n], b[2+n:], true
}

// optionCommands are the OPTION lines gpg sends first so that a pinentry
// appears on the user's display or terminal.
func optionCommands(get func(string) string) []string {
	if get == nil {
		return nil
	}
	var cmds []string
	add := func(cmd string) {
		if !strings.ContainsAny(cmd, "\r\n") && len(cmd)+1 <= maxLine {
			cmds = append(cmds, cmd)
		}
	}
	if tty := get("GPG_TTY"); tty != "" {
		add("OPTION ttyname=" + tty)
		if term := get("TERM"); term != "" {
			add("OPTION ttytype=" + term)
		}
	}
	for _, name := range pinentryEnv {
		if v := get(name); v != "" {
			add("OPTION putenv=" + name + "=" + v)
		}
	}
	return cmds
}

// sessionKey has gpg-agent decrypt one session key. The options, SETKEY,
// SETKEYDESC and PKDECRYPT go out in one write: one round trip, not four.
func sessionKey(c *Conn, options []string, k *Key, esk pkesk, purpose string) (packet.CipherFunction, []byte, error) {
	if len(k.Keygrip) != 40 {
		return 0, nil, fmt.Errorf("%w: bad keygrip", ErrUnsupported)
	}
	desc := "otpfill needs the passphrase of your OpenPGP key"
	if k.Description != "" {
		desc += "\n\"" + k.Description + "\""
	}
	desc += fmt.Sprintf("\nID %016X", k.KeyID())
	if purpose != "" {
		desc += "\n" + purpose
	}
	cmds := append(options, "SETKEY "+k.Keygrip)
	if cmd := "SETKEYDESC " + plusEscape(desc); len(cmd) < maxLine {
		cmds = append(cmds, cmd)
	}
	var sexp []byte
	if isRSA(esk.algo) {
		sexp = fmt.Appendf(nil, "(7:enc-val(3:rsa(1:a%s)))", canonical(stdMPI(esk.mpi1)))
	} else {
		sexp = fmt.Appendf(nil, "(7:enc-val(4:ecdh(1:s%s)(1:e%s)))", canonical(esk.wrap), canonical(stdMPI(esk.mpi1)))
	}
	if err := c.Send(append(cmds, "PKDECRYPT")...); err != nil {
		return 0, nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	var setupErr error
	for i := range cmds {
		_, _, err := c.Receive(nil)
		var aerr *Error
		switch {
		case errors.Is(err, ErrTooLarge):
			return 0, nil, err
		case err != nil && !errors.As(err, &aerr):
			return 0, nil, fmt.Errorf("%w: %v", ErrUnsupported, err) // connection lost
		case err != nil && i >= len(options) && setupErr == nil:
			setupErr = err // an unknown OPTION is no reason to give up
		}
	}
	out, status, err := c.Receive(func(kw string) ([]byte, error) {
		if kw != "CIPHERTEXT" {
			return nil, errors.New("unexpected inquiry")
		}
		return sexp, nil
	})
	if setupErr != nil {
		return 0, nil, agentErr(setupErr)
	}
	if err != nil {
		return 0, nil, agentErr(err)
	}
	value, err := parseValue(out)
	if err != nil {
		return 0, nil, err
	}
	var frame []byte
	if isRSA(esk.algo) {
		padded := true
		for _, s := range status {
			if f := strings.Fields(s); len(f) == 2 && f[0] == "PADDING" && f[1] == "0" {
				padded = false
			}
		}
		if frame, err = unpadPKCS1(value, padded); err != nil {
			return 0, nil, err
		}
	} else {
		if frame, err = unwrapECDH(k, value, esk.wrap); err != nil {
			return 0, nil, err
		}
	}
	return parseFrame(frame)
}

func agentErr(err error) error {
	if errors.Is(err, ErrTooLarge) {
		return err
	}
	var aerr *Error
	if errors.As(err, &aerr) {
		switch aerr.Code & 0xffff {
		case errCodeCanceled, errCodeFullyCanceled:
			return ErrCancelled
		case errCodeBadPassphrase:
			return ErrBadPassphrase
		}
	}
	return fmt.Errorf("%w: %v", ErrUnsupported, err)
}

// stdMPI is libgcrypt's signed big-endian form: no leading zeros, and a
// zero octet in front when the top bit is set.
func stdMPI(b []byte) []byte {
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	if len(b) > 0 && b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

func canonical(b []byte) []byte {
	return append([]byte(strconv.Itoa(len(b))+":"), b...)
}

// parseValue reads gpg-agent's answer "(5:value<n>:<bytes>)".
func parseValue(out []byte) ([]byte, error) {
	rest, ok := bytes.CutPrefix(out, []byte("(5:value"))
	if !ok {
		return nil, fmt.Errorf("%w: unexpected PKDECRYPT answer", ErrUnsupported)
	}
	n, rest, ok := bytes.Cut(rest, []byte(":"))
	size, err := strconv.Atoi(string(n))
	if !ok || err != nil || size < 0 || len(rest) < size+1 || rest[size] != ')' {
		return nil, fmt.Errorf("%w: unexpected PKDECRYPT answer", ErrUnsupported)
	}
	return rest[:size], nil
}

// unpadPKCS1 strips EME-PKCS1-v1_5 padding: 00 02 <nonzero random> 00 M.
// libgcrypt returns the block as a number, so the leading zero may be gone.
func unpadPKCS1(b []byte, padded bool) ([]byte, error) {
	if !padded {
		return b, nil
	}
	if len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	if len(b) < 10 || b[0] != 2 {
		return nil, fmt.Errorf("%w: unexpected session key block", ErrUnsupported)
	}
	i := bytes.IndexByte(b[1:], 0)
	if i < 0 {
		return nil, fmt.Errorf("%w: unexpected session key block", ErrUnsupported)
	}
	return b[1+i+1:], nil
}

// unwrapECDH derives the key-encryption key from the shared point gpg-agent
// computed and unwraps the session key (RFC 6637 §7 and §8).
func unwrapECDH(k *Key, point, wrapped []byte) ([]byte, error) {
	// The point is 04||X||Y, or 40||X for the Montgomery curves; X is the
	// shared secret.
	var x []byte
	switch {
	case len(point) > 1 && point[0] == 0x04 && len(point)%2 == 1:
		x = point[1 : 1+(len(point)-1)/2]
	case len(point) > 1 && point[0] == 0x40:
		x = point[1:]
	default:
		return nil, fmt.Errorf("%w: unexpected shared point", ErrUnsupported)
	}
	var h hash.Hash
	switch k.KDFHash {
	case 8:
		h = sha256.New()
	case 9:
		h = sha512.New384()
	case 10:
		h = sha512.New()
	default:
		return nil, fmt.Errorf("%w: KDF hash %d", ErrUnsupported, k.KDFHash)
	}
	var kekLen int
	switch k.KDFCipher {
	case 7:
		kekLen = 16
	case 8:
		kekLen = 24
	case 9:
		kekLen = 32
	default:
		return nil, fmt.Errorf("%w: KEK cipher %d", ErrUnsupported, k.KDFCipher)
	}
	if len(k.CurveOID) == 0 || len(k.CurveOID) > 255 || len(k.Fingerprint) != 20 {
		return nil, fmt.Errorf("%w: incomplete key parameters", ErrUnsupported)
	}
	h.Write([]byte{0, 0, 0, 1})
	h.Write(x)
	h.Write([]byte{byte(len(k.CurveOID))})
	h.Write(k.CurveOID)
	h.Write([]byte{AlgoECDH, 3, 1, k.KDFHash, k.KDFCipher})
	h.Write([]byte("Anonymous Sender    "))
	h.Write(k.Fingerprint)
	kek := h.Sum(nil)[:kekLen]
	if len(wrapped) < 1 {
		return nil, fmt.Errorf("%w: empty wrapped key", ErrUnsupported)
	}
	m, err := keywrap.Unwrap(kek, wrapped[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: unwrapping the session key: %v", ErrUnsupported, err)
	}
	// PKCS#5 padding.
	if len(m) == 0 || int(m[len(m)-1]) > len(m) {
		return nil, fmt.Errorf("%w: bad session key padding", ErrUnsupported)
	}
	return m[:len(m)-int(m[len(m)-1])], nil
}

// parseFrame splits algorithm || key || checksum and checks the checksum.
func parseFrame(f []byte) (packet.CipherFunction, []byte, error) {
	if len(f) < 4 {
		return 0, nil, fmt.Errorf("%w: short session key", ErrUnsupported)
	}
	cf := packet.CipherFunction(f[0])
	key := f[1 : len(f)-2]
	if !cf.IsSupported() || cf.KeySize() != len(key) {
		return 0, nil, fmt.Errorf("%w: session key does not fit cipher %d", ErrUnsupported, f[0])
	}
	var sum uint16
	for _, b := range key {
		sum += uint16(b)
	}
	if sum != binary.BigEndian.Uint16(f[len(f)-2:]) {
		return 0, nil, fmt.Errorf("%w: session key checksum mismatch", ErrUnsupported)
	}
	return cf, key, nil
}

// decryptData decrypts the data packet and returns the literal data. The
// whole stream is read so that its integrity check (MDC or AEAD tag) runs.
func decryptData(op *packet.OpaquePacket, cf packet.CipherFunction, key []byte) ([]byte, error) {
	p, err := op.Parse()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	var rc io.ReadCloser
	switch d := p.(type) {
	case *packet.SymmetricallyEncrypted:
		if !d.IntegrityProtected {
			return nil, fmt.Errorf("%w: no integrity protection", ErrUnsupported)
		}
		rc, err = d.Decrypt(cf, key)
	case *packet.AEADEncrypted:
		rc, err = d.Decrypt(cf, key)
	default:
		return nil, fmt.Errorf("%w: unexpected data packet", ErrUnsupported)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	plain, err := literal(rc, 0)
	if err != nil {
		rc.Close()
		return nil, err
	}
	if _, err := io.Copy(io.Discard, rc); err != nil {
		rc.Close()
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if err := rc.Close(); err != nil {
		return nil, fmt.Errorf("%w: integrity check: %v", ErrUnsupported, err)
	}
	return plain, nil
}

// maxInflated bounds what one compressed packet may inflate to: the
// literal data (pgp.MaxPlaintext at most), its header and file name, and a
// few one-pass signatures before it.
const maxInflated = pgp.MaxPlaintext + 64<<10

// literal reads packets until the literal data, through compression and
// past one-pass signatures (gpg --decrypt does not need the signer's key
// to print the text either). It reads at most pgp.MaxPlaintext bytes of
// text and maxInflated from each compressed packet: past that, ErrTooLarge.
func literal(r io.Reader, depth int) ([]byte, error) {
	if depth > 2 {
		return nil, fmt.Errorf("%w: nested compression", ErrUnsupported)
	}
	for {
		p, err := packet.Read(r)
		if err != nil {
			return nil, readError(err)
		}
		switch d := p.(type) {
		case *packet.LiteralData:
			b, err := io.ReadAll(io.LimitReader(d.Body, pgp.MaxPlaintext+1))
			if err == nil && len(b) > pgp.MaxPlaintext {
				err = pgperrors.ErrMessageTooLarge
			}
			if err != nil {
				clear(b)
				return nil, readError(err)
			}
			return b, nil
		case *packet.Compressed:
			limit := int64(maxInflated)
			return literal(d.LimitedBodyReader(&limit), depth+1)
		case *packet.OnePassSignature:
			continue
		default:
			return nil, fmt.Errorf("%w: unexpected packet inside the message", ErrUnsupported)
		}
	}
}

// readError: over a limit is final (ErrTooLarge); anything else is for gpg.
func readError(err error) error {
	if errors.Is(err, pgperrors.ErrMessageTooLarge) {
		return tooLarge("%s", pgp.TooLargeMessage)
	}
	return fmt.Errorf("%w: %v", ErrUnsupported, err)
}
