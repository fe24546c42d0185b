package gpgcli

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// Reading gpg's --with-colons listings, as GnuPG's doc/DETAILS describes
// them: one record a line, fields separated by colons, the first field the
// record type.

// Record types (field 1).
const (
	recSecretKey    = "sec" // a primary key with a secret part (or a stub of one)
	recSecretSubkey = "ssb"
	recFingerprint  = "fpr" // the fingerprint of the key record above it
	recKeygrip      = "grp" // its keygrip (with --with-keygrip)
	recUserID       = "uid"
)

// Field indexes, from 0 (DETAILS numbers them from 1).
const (
	fieldType        = 0
	fieldValidity    = 1 // sec/ssb/uid: "e" expired, "r" revoked, "u" ultimately trusted…
	fieldAlgo        = 3 // sec/ssb: the public key algorithm (RFC 4880, 9.1)
	fieldFingerprint = 9 // fpr
	fieldKeygrip     = 9 // grp
	fieldUserID      = 9 // uid, with \xNN escapes
	fieldToken       = 14
	// minFields: every record this parser reads has field 10.
	minFields = fieldUserID + 1
)

// Values of fieldToken in a sec/ssb record: tokenStub when the secret part
// is not on this computer (the key was exported without it); otherwise
// empty, tokenPresent (with --with-secret) or the serial number of the
// smartcard that holds the key (a card stub, which gpg-agent uses through
// scdaemon).
const (
	tokenStub    = "#"
	tokenPresent = "+"
)

// Validity values this package names.
const (
	validityExpired = "e"
	validityRevoked = "r"
)

// listedKey is one sec or ssb record of a listing, with the fpr and grp
// records that follow it and the primary key's first user id.
type listedKey struct {
	Fingerprint string // upper-case hex
	Keygrip     string // upper-case hex
	Algo        int
	Validity    string
	// Token is fieldToken: tokenStub, tokenPresent, a card serial, or "".
	Token  string
	Subkey bool
	UID    string // the primary key's first user id
}

// stub reports whether the key's secret part is absent here.
func (k listedKey) stub() bool { return k.Token == tokenStub }

// parseSecretKeyList reads `gpg --with-colons --with-keygrip
// --list-secret-keys`: sec/ssb records in listing order, each with its
// fingerprint, keygrip and the first user id of its primary key. Lines
// that are not records it knows, or too short, are skipped.
func parseSecretKeyList(out []byte) []listedKey {
	var keys []listedKey
	primary := -1 // index in keys of the current primary key
	uid := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) < minFields {
			continue
		}
		last := len(keys) - 1
		switch f[fieldType] {
		case recSecretKey, recSecretSubkey:
			k := listedKey{Validity: f[fieldValidity], Subkey: f[fieldType] == recSecretSubkey}
			k.Algo, _ = strconv.Atoi(f[fieldAlgo])
			if len(f) > fieldToken {
				k.Token = f[fieldToken]
			}
			if k.Subkey {
				k.UID = uid
			} else {
				primary, uid = len(keys), ""
			}
			keys = append(keys, k)
		case recFingerprint:
			if last >= 0 && keys[last].Fingerprint == "" {
				keys[last].Fingerprint = strings.ToUpper(f[fieldFingerprint])
			}
		case recKeygrip:
			if last >= 0 && keys[last].Keygrip == "" {
				keys[last].Keygrip = strings.ToUpper(f[fieldKeygrip])
			}
		case recUserID:
			if uid == "" && primary >= 0 {
				// The first user id names the primary key and the subkeys
				// listed so far (gpg lists user ids before subkeys).
				uid = unescapeColon(f[fieldUserID])
				for i := primary; i < len(keys); i++ {
					keys[i].UID = uid
				}
			}
		}
	}
	return keys
}

// unescapeColon undoes gpg's \xNN escapes in colon listings.
func unescapeColon(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
