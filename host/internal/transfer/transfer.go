// Package transfer reads the export files of other authenticator apps and
// draws otpauth URIs as QR codes, so that secrets can move into otpfill and
// out of it again.
//
// Read understands, plain and encrypted where the app encrypts:
//
//   - text with one otpauth:// URI a line (blank lines and # comments
//     ignored), as pass-otp, Aegis and most apps export;
//   - Google Authenticator "Transfer accounts" QR payloads,
//     otpauth-migration://offline?data=…, one line per QR code (batches are
//     joined);
//   - Aegis JSON vaults (scrypt + AES-256-GCM key slots);
//   - 2FAS .2fas backups (PBKDF2-HMAC-SHA256 + AES-256-GCM);
//   - andOTP JSON backups (new format: PBKDF2-HMAC-SHA1 + AES-256-GCM; old
//     format: SHA-256 of the password + AES-256-GCM);
//   - PNG, JPEG and GIF images (screenshots, photos) of otpauth:// or
//     Google Authenticator QR codes, several to an image.
//
// The other direction: URILines, AegisVault, GoogleExportOf and PaperKit
// write keys out (export.go, paper.go).
//
// Its output is otpauth URI strings, never written anywhere by this
// package: the caller validates them (otp.ParseURI) and stores them. A URI
// holds a secret, so Item redacts it whenever it is printed.
package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sentinel errors. Every error Read returns wraps one of them, except an
// error returned by the caller's password function, which is wrapped as is.
var (
	// ErrFormat: the data is not an export otpfill can read, or it is
	// corrupt or truncated.
	ErrFormat = errors.New("unrecognised or corrupt export file")
	// ErrWrongPassword: the file is encrypted and the password does not
	// open it.
	ErrWrongPassword = errors.New("wrong password")
	// ErrNoPassword: the file is encrypted and Read was given no password
	// function.
	ErrNoPassword = errors.New("the file is encrypted and no password was given")
)

// FormatError says why data could not be read. Reason never contains
// secret material: it names fields, counts and offsets, never values.
type FormatError struct {
	Format Format // Unknown if the format could not be told
	Reason string
}

func (e *FormatError) Error() string {
	if e.Format == Unknown {
		return fmt.Sprintf("%v: %s", ErrFormat, e.Reason)
	}
	return fmt.Sprintf("%v (%s): %s", ErrFormat, e.Format.Description(), e.Reason)
}

func (e *FormatError) Unwrap() error { return ErrFormat }

// PasswordError is returned when the password does not open the file.
type PasswordError struct {
	Format Format
	// Hint is for the user, e.g. that andOTP files cannot tell a wrong
	// password from a file that is not an andOTP backup at all.
	Hint string
}

func (e *PasswordError) Error() string {
	msg := fmt.Sprintf("%v for this %s", ErrWrongPassword, e.Format.Description())
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

func (e *PasswordError) Unwrap() error { return ErrWrongPassword }

func formatErr(f Format, format string, args ...any) error {
	return &FormatError{Format: f, Reason: fmt.Sprintf(format, args...)}
}

// Format is a kind of export file.
type Format int

const (
	Unknown Format = iota
	OtpauthText
	GoogleMigration
	Aegis
	AegisEncrypted
	TwoFAS
	TwoFASEncrypted
	AndOTP
	AndOTPEncrypted
	QRImage
)

var formatNames = [...]struct{ id, source, desc string }{
	Unknown:         {"unknown", "", "unknown format"},
	OtpauthText:     {"otpauth", "otpauth", "list of otpauth URIs"},
	GoogleMigration: {"google-migration", "google", "Google Authenticator export"},
	Aegis:           {"aegis", "aegis", "Aegis export"},
	AegisEncrypted:  {"aegis-encrypted", "aegis", "encrypted Aegis export"},
	TwoFAS:          {"2fas", "2fas", "2FAS backup"},
	TwoFASEncrypted: {"2fas-encrypted", "2fas", "encrypted 2FAS backup"},
	AndOTP:          {"andotp", "andotp", "andOTP backup"},
	AndOTPEncrypted: {"andotp-encrypted", "andotp", "encrypted andOTP backup"},
	QRImage:         {"qr-image", "image", "QR code image"},
}

func (f Format) valid() bool { return f >= 0 && int(f) < len(formatNames) }

// String is a short, stable identifier: "aegis-encrypted", "2fas", …
func (f Format) String() string {
	if !f.valid() {
		return fmt.Sprintf("Format(%d)", int(f))
	}
	return formatNames[f].id
}

// Source names the app the format comes from, as Item.Source does:
// "otpauth", "google", "aegis", "2fas", "andotp"; "" for Unknown.
func (f Format) Source() string {
	if !f.valid() {
		return ""
	}
	return formatNames[f].source
}

// Description is the format in words, for messages to the user.
func (f Format) Description() string {
	if !f.valid() {
		return "unknown format"
	}
	return formatNames[f].desc
}

// Encrypted reports whether reading the format needs a password.
func (f Format) Encrypted() bool {
	return f == AegisEncrypted || f == TwoFASEncrypted || f == AndOTPEncrypted
}

// Item is one account read from an export.
type Item struct {
	// Name is the suggested entry name, "Issuer/Account" (see EntryName),
	// unique within one Result.
	Name string
	// URI is a complete otpauth URI. It holds the secret: never log it.
	URI string
	// Source is the app the item came from ("aegis", "2fas", …).
	Source string
	// Type is "totp", "hotp" or "steam" (a TOTP key with Steam's
	// 5-character codes, stored with encoder=steam); Issuer and Account are as the export had
	// them (unsanitised; they are not secret).
	Type    string
	Issuer  string
	Account string
}

// String describes the item without its URI.
func (it Item) String() string {
	return fmt.Sprintf("%s (%s from %s, uri REDACTED)", it.Name, it.Type, it.Source)
}

// Format makes every fmt verb (%v, %+v, %#v, %s, %q) print String, so the
// URI cannot leak through a debug print of the struct.
func (it Item) Format(f fmt.State, verb rune) {
	s := it.String()
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	_, _ = f.Write([]byte(s))
}

// MarshalJSON writes the item without its URI, for --dry-run listings.
// Use the URI field itself where the secret is really wanted.
func (it Item) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Name    string `json:"name"`
		Source  string `json:"source"`
		Type    string `json:"type"`
		Issuer  string `json:"issuer,omitempty"`
		Account string `json:"account,omitempty"`
	}{it.Name, it.Source, it.Type, it.Issuer, it.Account})
}

// Skip is an account the export holds that otpfill cannot use (a
// Yandex token, an MD5 key, a damaged secret). Nothing secret is in it.
type Skip struct {
	// What identifies the account for the user: "Issuer/Account" (not
	// deduplicated), or "entry 3" / "line 7" when the export gives no name.
	What   string
	Reason string
}

func (s Skip) String() string { return s.What + ": " + s.Reason }

// Result is what Read found.
type Result struct {
	Format  Format
	Items   []Item
	Skipped []Skip
	// QRCodes is how many otpauth QR codes an image held (QRImage only).
	QRCodes int
	// Warnings concern the file as a whole, e.g. a Google Authenticator
	// export with a batch missing, or one item ("NAME: …"), e.g. a secret
	// shorter than RFC 4226's 128 bits but accepted.
	Warnings []string
}

// Limits on what Read accepts, so that a hostile file cannot make it
// allocate or compute without bound.
const MaxFileSize = 64 << 20

// maxItems caps the accounts read from one file (a variable for tests).
var maxItems = 100_000

// Detect tells which format data is in, without decrypting anything. It
// returns ErrFormat (as a *FormatError) when it cannot tell.
func Detect(data []byte) (Format, error) {
	if len(data) > MaxFileSize {
		return Unknown, formatErr(Unknown, "the file is larger than %d MiB", MaxFileSize>>20)
	}
	if imageKind(data) != "" {
		return QRImage, nil
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 {
		return Unknown, formatErr(Unknown, "the file is empty")
	}
	switch trimmed[0] {
	case '{':
		if f, ok := detectJSONObject(trimmed); ok {
			return f, nil
		}
	case '[':
		if json.Valid(trimmed) {
			return AndOTP, nil
		}
	}
	if f, ok := detectText(trimmed); ok {
		return f, nil
	}
	if kind := knownBinary(data); kind != "" {
		return Unknown, formatErr(Unknown, "this is %s, not an authenticator export", kind)
	}
	if looksBinary(data) && len(data) >= andOTPMinSize {
		// andOTP's encrypted backups carry no magic number: any binary file
		// long enough could be one, and only the password can tell.
		return AndOTPEncrypted, nil
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		if !json.Valid(trimmed) {
			return Unknown, formatErr(Unknown, "the file looks like JSON but is not valid JSON (truncated?)")
		}
		return Unknown, formatErr(Unknown, "JSON that is neither an Aegis, a 2FAS nor an andOTP export")
	}
	return Unknown, formatErr(Unknown, "no otpauth:// or otpauth-migration:// line, and not an Aegis, 2FAS or andOTP export")
}

// Read decodes an export. password is called at most once, and only if
// the file is encrypted; its error is returned wrapped. Other errors wrap
// ErrFormat or ErrWrongPassword (or ErrNoPassword when password is nil),
// and then no items are returned: a file is read whole or not at all.
// Accounts that cannot be used are listed in Result.Skipped.
func Read(data []byte, password func() ([]byte, error)) (*Result, error) {
	f, err := Detect(data)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	pw := &passwordOnce{fn: password}
	var c collector
	qrCodes := 0
	switch f {
	case QRImage:
		qrCodes, err = readImage(&c, data)
	case OtpauthText, GoogleMigration:
		err = readText(&c, data)
	case Aegis, AegisEncrypted:
		err = readAegis(&c, data, pw)
	case TwoFAS, TwoFASEncrypted:
		err = readTwoFAS(&c, data, pw)
	case AndOTP:
		err = readAndOTPPlain(&c, data)
	case AndOTPEncrypted:
		err = readAndOTPEncrypted(&c, data, pw)
	default:
		err = formatErr(f, "unsupported format")
	}
	if err != nil {
		return nil, err
	}
	if c.full() {
		c.warnings = append(c.warnings, fmt.Sprintf("the file holds %d accounts or more; only the first %d were read", maxItems, maxItems))
	}
	return &Result{Format: f, Items: c.items, Skipped: c.skipped, Warnings: c.warnings, QRCodes: qrCodes}, nil
}

// passwordOnce asks the caller for the password the first time it is
// needed and remembers it, so formats that try several keys (andOTP's two
// formats, Aegis's several slots) prompt once.
type passwordOnce struct {
	fn    func() ([]byte, error)
	pw    []byte
	asked bool
}

func (p *passwordOnce) get() ([]byte, error) {
	if p.asked {
		return p.pw, nil
	}
	if p.fn == nil {
		return nil, ErrNoPassword
	}
	pw, err := p.fn()
	if err != nil {
		return nil, fmt.Errorf("reading the export password: %w", err)
	}
	p.pw, p.asked = pw, true
	return pw, nil
}

// collector gathers the accounts of one file and names them uniquely.
type collector struct {
	items    []Item
	skipped  []Skip
	warnings []string
	names    map[string]bool // lower-cased names taken
}

func (c *collector) full() bool { return len(c.items)+len(c.skipped) >= maxItems }

// add validates k and appends it as an item, or records why it is skipped.
func (c *collector) add(source string, k *key, where string) {
	if c.full() {
		return
	}
	o, reason := k.toOTP()
	if reason != "" {
		c.skip(k, where, reason)
		return
	}
	name := c.addURI(source, itemType(o), k.issuer, k.account, o.URI())
	if k.warning != "" {
		c.warnings = append(c.warnings, name+": "+k.warning)
	}
}

// addURI appends an item and returns the name it was given.
func (c *collector) addURI(source, typ, issuer, account, uri string) string {
	if c.names == nil {
		c.names = make(map[string]bool)
	}
	name := uniqueName(EntryName(issuer, account), c.names)
	c.items = append(c.items, Item{Name: name, URI: uri, Source: source, Type: typ, Issuer: issuer, Account: account})
	return name
}

func (c *collector) skip(k *key, where, reason string) {
	what := where
	if k != nil && (k.issuer != "" || k.account != "") {
		what = EntryName(k.issuer, k.account)
	}
	c.skipped = append(c.skipped, Skip{What: what, Reason: reason})
}

// looksBinary reports whether data cannot be a text file: invalid UTF-8 or
// control characters other than tab, CR, LF.
func looksBinary(data []byte) bool {
	if !utf8.Valid(data) {
		return true
	}
	for _, b := range data {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
			return true
		}
	}
	return false
}

// knownBinary names common files a user might pick by mistake.
func knownBinary(data []byte) string {
	magics := []struct{ magic, kind string }{
		{"\x89PNG\r\n\x1a\n", "a PNG image"},
		{"\xff\xd8\xff", "a JPEG image"},
		{"GIF8", "a GIF image"},
		{"%PDF", "a PDF document"},
		{"PK\x03\x04", "a ZIP archive"},
		{"\x1f\x8b", "a gzip archive"},
		{"SQLite format 3\x00", "an SQLite database"},
		{"-----BEGIN PGP", "an OpenPGP file"},
	}
	for _, m := range magics {
		if strings.HasPrefix(string(data[:min(len(data), 32)]), m.magic) {
			return m.kind
		}
	}
	return ""
}
