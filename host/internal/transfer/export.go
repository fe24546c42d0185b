package transfer

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/crypto/scrypt"
	"google.golang.org/protobuf/proto"

	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/transfer/internal/migration"
)

// The writers below are the other direction of Read: each one's output
// reads back through Read to the same keys (Google's format excepted where
// it cannot hold a key, which is then reported, never changed).
//
// Their output holds every secret: the caller writes it only where the
// user asked (a file they named, mode 0600, or stdout).

// ErrEmptyPassword: an encrypted export was asked for with no password.
var ErrEmptyPassword = errors.New("the password is empty")

// URILines is the keys as otpauth URIs, one a line: the format of
// `pass otp`, of Aegis's and most apps' plain-text exports, and of Read.
func URILines(keys []*otp.Key) []byte {
	var b bytes.Buffer
	for _, k := range keys {
		b.WriteString(k.URI())
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Aegis's own parameters for a new password slot (its SCrypt defaults).
const (
	aegisScryptN = 1 << 15
	aegisScryptR = 8
	aegisScryptP = 1
)

// aegisScryptNForTests lets tests make key derivation cheap; the files
// written with it still open in Aegis, which reads n from the slot.
var aegisScryptNForTests = 0

type aegisOutInfo struct {
	Secret  string  `json:"secret"`
	Algo    string  `json:"algo"`
	Digits  int     `json:"digits"`
	Period  *int    `json:"period,omitempty"`
	Counter *uint64 `json:"counter,omitempty"`
}

type aegisOutEntry struct {
	Type     string       `json:"type"`
	UUID     string       `json:"uuid"`
	Name     string       `json:"name"`
	Issuer   string       `json:"issuer"`
	Note     string       `json:"note"`
	Favorite bool         `json:"favorite"`
	Icon     *string      `json:"icon"`
	Info     aegisOutInfo `json:"info"`
	Groups   []string     `json:"groups"`
}

// AegisVault is the keys as an Aegis vault, the file Aegis's "Import from
// file → Aegis" reads (its docs/vault.md, database version 3). With a
// password, the content is encrypted as Aegis does: a random 256-bit master
// key encrypts it with AES-256-GCM, and one password slot holds the master
// key wrapped with AES-256-GCM under scrypt(password, 32-byte salt,
// N=2^15, r=8, p=1). Without one (nil), the content is in the clear.
func AegisVault(keys []*otp.Key, password []byte) ([]byte, error) {
	entries := make([]aegisOutEntry, 0, len(keys))
	for _, k := range keys {
		typ := string(k.Type)
		if k.Encoder == otp.Steam {
			typ = "steam" // Aegis's own Steam Guard type
		}
		e := aegisOutEntry{
			Type: typ, UUID: newUUID(), Name: k.Account, Issuer: k.Issuer,
			Info:   aegisOutInfo{Secret: k.Secret.Base32(), Algo: string(k.Algorithm), Digits: k.Digits},
			Groups: []string{},
		}
		if k.Type == otp.HOTP {
			c := k.Counter
			e.Info.Counter = &c
		} else {
			p := k.Period
			e.Info.Period = &p
		}
		entries = append(entries, e)
	}
	content, err := json.Marshal(map[string]any{"version": 3, "entries": entries, "groups": []any{}})
	if err != nil {
		return nil, err
	}
	if password == nil {
		return json.MarshalIndent(map[string]any{
			"version": 1,
			"header":  map[string]any{"slots": nil, "params": nil},
			"db":      json.RawMessage(content),
		}, "", "    ")
	}
	defer clear(content)
	if len(password) == 0 {
		return nil, ErrEmptyPassword
	}
	n := aegisScryptN
	if aegisScryptNForTests != 0 {
		n = aegisScryptNForTests
	}
	masterKey := randomBytes(32)
	defer clear(masterKey)
	salt := randomBytes(32)
	kek, err := scrypt.Key(password, salt, n, aegisScryptR, aegisScryptP, 32)
	if err != nil {
		return nil, err
	}
	defer clear(kek)
	slotNonce := randomBytes(12)
	wrapped, slotTag, err := gcmSeal(kek, slotNonce, masterKey)
	if err != nil {
		return nil, err
	}
	dbNonce := randomBytes(12)
	ciphertext, dbTag, err := gcmSeal(masterKey, dbNonce, content)
	if err != nil {
		return nil, err
	}
	slot := map[string]any{
		"type":       aegisPasswordSlot,
		"uuid":       newUUID(),
		"key":        hex.EncodeToString(wrapped),
		"key_params": aegisParams{Nonce: hex.EncodeToString(slotNonce), Tag: hex.EncodeToString(slotTag)},
		"n":          n, "r": aegisScryptR, "p": aegisScryptP,
		"salt":      hex.EncodeToString(salt),
		"repaired":  true,
		"is_backup": false,
	}
	return json.MarshalIndent(map[string]any{
		"version": 1,
		"header": map[string]any{
			"slots":  []any{slot},
			"params": aegisParams{Nonce: hex.EncodeToString(dbNonce), Tag: hex.EncodeToString(dbTag)},
		},
		"db": base64.StdEncoding.EncodeToString(ciphertext),
	}, "", "    ")
}

// gcmSeal encrypts with AES-256-GCM and returns the ciphertext and the tag
// apart, as Aegis stores them.
func gcmSeal(key, nonce, plain []byte) (ciphertext, tag []byte, err error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	sealed := aead.Seal(nil, nonce, plain, nil)
	cut := len(sealed) - aead.Overhead()
	return sealed[:cut], sealed[cut:], nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error()) // never returns an error on supported systems
	}
	return b
}

// newUUID is a random (version 4) UUID, which Aegis gives every entry and
// slot.
func newUUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// GoogleBatchSize is how many accounts Google Authenticator puts in one
// "Transfer accounts" QR code.
const GoogleBatchSize = 10

// googleMaxURI keeps one QR code scannable: a batch whose URI would be
// longer is split further (long names make long payloads).
const googleMaxURI = 1400

// GoogleExport is a Google Authenticator "Transfer accounts" export.
type GoogleExport struct {
	// URIs are the otpauth-migration://offline?data=… payloads, one a QR
	// code, in batch order. They hold the secrets.
	URIs []string
	// Included[i] is the index (in the keys given) of every key in URIs[i].
	Included [][]int
	// Skipped are the keys the format cannot hold, by index, with why.
	Skipped []GoogleSkip
}

// GoogleSkip is a key left out of a Google export, and why.
type GoogleSkip struct {
	Index  int
	Reason string
}

// GoogleExportOf writes the keys as Google Authenticator does when it
// transfers accounts: MigrationPayload protobufs (version 1), at most
// GoogleBatchSize accounts each, all sharing one random batch_id, with
// batch_size and a zero-based batch_index, each base64 in an
// otpauth-migration://offline?data= URI. The format has no period (the app
// assumes 30 s) and only 6 or 8 digits: other keys are skipped and listed.
func GoogleExportOf(keys []*otp.Key) *GoogleExport {
	out := &GoogleExport{}
	var params []*migration.MigrationPayload_OtpParameters
	var indexes []int
	for i, k := range keys {
		op, reason := googleParams(k)
		if reason != "" {
			out.Skipped = append(out.Skipped, GoogleSkip{Index: i, Reason: reason})
			continue
		}
		params = append(params, op)
		indexes = append(indexes, i)
	}
	if len(params) == 0 {
		return out
	}
	batchID := int32(binary.BigEndian.Uint32(randomBytes(4)) & 0x7fffffff)
	// Split into batches of at most GoogleBatchSize whose URIs fit one
	// scannable QR code; batch_size is known only once all are cut.
	// Each cut is measured with the largest batch_size, batch_index and
	// batch_id it could get (zero fields are left out of the payload, and a
	// varint grows with its value), so filling them in cannot push a URI
	// over the limit.
	most := int32(len(params))
	var batches [][]int // ranges into params: [start, end)
	for start := 0; start < len(params); {
		end := min(start+GoogleBatchSize, len(params))
		for end > start+1 && len(googleURI(params[start:end], most, most, 0x7fffffff)) > googleMaxURI {
			end--
		}
		batches = append(batches, []int{start, end})
		start = end
	}
	for bi, b := range batches {
		out.URIs = append(out.URIs, googleURI(params[b[0]:b[1]], int32(len(batches)), int32(bi), batchID))
		out.Included = append(out.Included, indexes[b[0]:b[1]])
	}
	return out
}

func googleURI(params []*migration.MigrationPayload_OtpParameters, size, index, id int32) string {
	p := &migration.MigrationPayload{
		OtpParameters: params,
		Version:       1,
		BatchSize:     size,
		BatchIndex:    index,
		BatchId:       id,
	}
	data, err := proto.Marshal(p)
	if err != nil {
		panic("marshalling a migration payload: " + err.Error()) // cannot fail on this message
	}
	return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(data))
}

// googleParams converts one key, or says why the format cannot hold it.
func googleParams(k *otp.Key) (*migration.MigrationPayload_OtpParameters, string) {
	op := &migration.MigrationPayload_OtpParameters{
		Secret: []byte(k.Secret),
		Name:   k.Account,
		Issuer: k.Issuer,
	}
	if k.Encoder == otp.Steam {
		return nil, "Google Authenticator has no Steam Guard codes"
	}
	switch k.Type {
	case otp.TOTP:
		if k.Period != 30 {
			return nil, fmt.Sprintf("Google Authenticator has no period other than 30 s (this key's is %d s)", k.Period)
		}
		op.Type = migration.MigrationPayload_OTP_TYPE_TOTP
	case otp.HOTP:
		if k.Counter > otp.MaxCounter {
			return nil, "counter out of range"
		}
		op.Type = migration.MigrationPayload_OTP_TYPE_HOTP
		op.Counter = int64(k.Counter)
	default:
		return nil, fmt.Sprintf("Google Authenticator has no %s keys", safeWord(string(k.Type)))
	}
	switch k.Algorithm {
	case otp.SHA1:
		op.Algorithm = migration.MigrationPayload_ALGORITHM_SHA1
	case otp.SHA256:
		op.Algorithm = migration.MigrationPayload_ALGORITHM_SHA256
	case otp.SHA512:
		op.Algorithm = migration.MigrationPayload_ALGORITHM_SHA512
	default:
		return nil, fmt.Sprintf("unsupported algorithm %s", safeWord(string(k.Algorithm)))
	}
	switch k.Digits {
	case 6:
		op.Digits = migration.MigrationPayload_DIGIT_COUNT_SIX
	case 8:
		op.Digits = migration.MigrationPayload_DIGIT_COUNT_EIGHT
	default:
		return nil, fmt.Sprintf("Google Authenticator has only 6- or 8-digit codes (this key has %d)", k.Digits)
	}
	return op, ""
}

// GroupSecret writes a base32 secret in groups of four, as sites show it
// and as people copy it by hand.
func GroupSecret(b32 string) string {
	var b strings.Builder
	for i := 0; i < len(b32); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(b32[i:min(i+4, len(b32))])
	}
	return b.String()
}
