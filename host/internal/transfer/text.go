package transfer

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/transfer/internal/migration"
)

const (
	otpauthScheme   = "otpauth://"
	migrationScheme = "otpauth-migration://"
)

// significantLines yields the trimmed lines that are neither blank nor #
// comments, with their 1-based line numbers.
func significantLines(data []byte, yield func(n int, line string) bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxFileSize)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if !yield(n, line) {
			return
		}
	}
}

func hasSchemePrefix(line, scheme string) bool {
	return len(line) >= len(scheme) && strings.EqualFold(line[:len(scheme)], scheme)
}

// detectText recognises a text export by its first significant line.
func detectText(data []byte) (Format, bool) {
	f := Unknown
	significantLines(data, func(_ int, line string) bool {
		switch {
		case hasSchemePrefix(line, otpauthScheme):
			f = OtpauthText
		case hasSchemePrefix(line, migrationScheme):
			f = GoogleMigration
		}
		return false
	})
	return f, f != Unknown
}

// batchKey identifies one QR code of a Google Authenticator export.
type batchKey struct{ id, index int32 }

// readText reads otpauth:// and otpauth-migration:// lines; one file may
// mix both. Other lines are skipped and reported by line number only (they
// could hold anything, secrets included).
func readText(c *collector, data []byte) error {
	batches := map[batchKey]bool{}
	batchSizes := map[int32]int32{} // batch id → announced size
	var failed error
	significantLines(data, func(n int, line string) bool {
		where := fmt.Sprintf("line %d", n)
		switch {
		case hasSchemePrefix(line, otpauthScheme):
			readOtpauthLine(c, line, where)
		case hasSchemePrefix(line, migrationScheme):
			p, err := decodeMigration(line, where)
			if err != nil {
				failed = err
				return false
			}
			bk := batchKey{p.GetBatchId(), p.GetBatchIndex()}
			if p.GetBatchSize() > 1 && batches[bk] {
				c.warnings = append(c.warnings, fmt.Sprintf("%s repeats batch %d of %d and was ignored", where, bk.index+1, p.GetBatchSize()))
				return true
			}
			batches[bk] = true
			if p.GetBatchSize() > 1 {
				batchSizes[bk.id] = p.GetBatchSize()
			}
			readMigration(c, p, where)
		default:
			c.skipped = append(c.skipped, Skip{What: where, Reason: "not an otpauth:// or otpauth-migration:// URI"})
		}
		return !c.full()
	})
	if failed != nil {
		return failed
	}
	for _, id := range slices.Sorted(maps.Keys(batchSizes)) {
		size := batchSizes[id]
		got := int32(0)
		for bk := range batches {
			if bk.id == id {
				got++
			}
		}
		if got < size && !c.full() { // when full, the rest was not read, not missing
			c.warnings = append(c.warnings, fmt.Sprintf("the Google Authenticator export has %d QR codes but only %d were given: export again and include every QR code", size, got))
		}
	}
	if len(c.items) == 0 && len(c.skipped) == 0 {
		return formatErr(Unknown, "no accounts in the file")
	}
	return nil
}

// readOtpauthLine checks the URI with the otp package, which says why it
// is refused (never quoting it), and keeps the line as written: it is the
// user's own URI, and pass-otp users expect it unchanged. A Steam key is
// the exception: Aegis's otpauth://steam/ is rewritten to the canonical
// encoder=steam form, which KeePassXC and otpfill read.
func readOtpauthLine(c *collector, line, where string) {
	k, err := otp.ParseURI(line)
	var warning string
	if err == nil {
		warning, err = k.CheckNew()
	}
	if err != nil {
		reason := "not a valid otpauth URI"
		var ue *otp.URIError
		if errors.As(err, &ue) {
			reason = ue.Reason
		}
		c.skipped = append(c.skipped, Skip{What: where, Reason: reason})
		return
	}
	uri := line
	if k.Encoder == otp.Steam {
		uri = k.URI()
	}
	name := c.addURI(OtpauthText.Source(), itemType(k), k.Issuer, k.Account, uri)
	if warning != "" {
		c.warnings = append(c.warnings, name+": "+warning)
	}
}

// decodeMigration decodes one otpauth-migration URI. A line that cannot be
// decoded makes the whole file unreadable: a half-imported Google export
// is worse than a clear error.
func decodeMigration(line, where string) (*migration.MigrationPayload, error) {
	u, err := url.Parse(line)
	if err != nil {
		return nil, formatErr(GoogleMigration, "%s is not a valid URI", where)
	}
	raw := u.Query().Get("data")
	if raw == "" {
		return nil, formatErr(GoogleMigration, "%s has no data parameter", where)
	}
	// An unescaped "+" in the query reads as a space.
	raw = strings.ReplaceAll(raw, " ", "+")
	var payload []byte
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if payload, err = enc.DecodeString(raw); err == nil {
			break
		}
	}
	if err != nil {
		return nil, formatErr(GoogleMigration, "%s: the data parameter is not valid base64 (incomplete copy?)", where)
	}
	p := new(migration.MigrationPayload)
	if err := proto.Unmarshal(payload, p); err != nil {
		return nil, formatErr(GoogleMigration, "%s: the data parameter is not a Google Authenticator payload", where)
	}
	return p, nil
}

func readMigration(c *collector, p *migration.MigrationPayload, where string) {
	for i, op := range p.GetOtpParameters() {
		issuer, account := splitLabel(op.GetIssuer(), op.GetName())
		k := &key{issuer: issuer, account: account, secret: otp.Secret(op.GetSecret()), counter: uint64(max(op.GetCounter(), 0))}
		entry := fmt.Sprintf("%s, account %d", where, i+1)
		if len(k.secret) == 0 {
			c.skip(k, entry, "empty secret")
			continue
		}
		switch op.GetType() {
		case migration.MigrationPayload_OTP_TYPE_TOTP, migration.MigrationPayload_OTP_TYPE_UNSPECIFIED:
			k.typ = "totp" // Google Authenticator's periods are always 30 s
		case migration.MigrationPayload_OTP_TYPE_HOTP:
			k.typ = "hotp"
		default:
			c.skip(k, entry, fmt.Sprintf("unknown OTP type %d", int32(op.GetType())))
			continue
		}
		switch op.GetAlgorithm() {
		case migration.MigrationPayload_ALGORITHM_SHA1, migration.MigrationPayload_ALGORITHM_UNSPECIFIED:
			k.algorithm = "SHA1"
		case migration.MigrationPayload_ALGORITHM_SHA256:
			k.algorithm = "SHA256"
		case migration.MigrationPayload_ALGORITHM_SHA512:
			k.algorithm = "SHA512"
		case migration.MigrationPayload_ALGORITHM_MD5:
			c.skip(k, entry, "MD5 keys cannot be used")
			continue
		default:
			c.skip(k, entry, fmt.Sprintf("unknown algorithm %d", int32(op.GetAlgorithm())))
			continue
		}
		switch op.GetDigits() {
		case migration.MigrationPayload_DIGIT_COUNT_SIX, migration.MigrationPayload_DIGIT_COUNT_UNSPECIFIED:
			k.digits = 6
		case migration.MigrationPayload_DIGIT_COUNT_EIGHT:
			k.digits = 8
		default:
			c.skip(k, entry, fmt.Sprintf("unknown digit count %d", int32(op.GetDigits())))
			continue
		}
		c.add(GoogleMigration.Source(), k, entry)
	}
}
