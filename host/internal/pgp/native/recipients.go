package native

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/otpfill/otpfill/host/internal/pgp"
)

// resolve maps .gpg-id recipients to the keys to encrypt to, once each.
func (e *Engine) resolve(recipients []string) ([]*openpgp.Entity, error) {
	now := e.now()
	var to []*openpgp.Entity
	seen := map[string]bool{}
	for _, r := range recipients {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		ent, err := e.find(r, now)
		if err != nil {
			return nil, err
		}
		if fpr := fingerprint(ent); !seen[fpr] {
			seen[fpr] = true
			to = append(to, ent)
		}
	}
	if len(to) == 0 {
		return nil, fmt.Errorf("%w: no recipients (is the .gpg-id file empty?)", pgp.ErrEncrypt)
	}
	return to, nil
}

// find returns the one usable key a recipient names. Encrypting to the wrong
// person is worse than failing, so a recipient matching several usable keys
// is an error, where gpg would take the first.
func (e *Engine) find(r string, now time.Time) (*openpgp.Entity, error) {
	match, err := matcher(r)
	if err != nil {
		return nil, fmt.Errorf("%w: recipient %q: %v", pgp.ErrEncrypt, r, err)
	}
	var found, usable []*openpgp.Entity
	for _, ent := range e.public {
		if !match(ent) {
			continue
		}
		found = append(found, ent)
		if _, ok := ent.EncryptionKey(now); ok {
			usable = append(usable, ent)
		}
	}
	switch {
	case len(found) == 0:
		return nil, fmt.Errorf("%w: recipient %q: no such key in the configured key files "+
			"(export it with gpg --export and add the file to the public keyring)", pgp.ErrEncrypt, r)
	case len(usable) == 0:
		return nil, fmt.Errorf("%w: recipient %q: key %s cannot encrypt (expired, revoked, or no encryption subkey)",
			pgp.ErrEncrypt, r, fingerprint(found[0]))
	case len(usable) > 1:
		fprs := make([]string, len(usable))
		for i, ent := range usable {
			fprs[i] = fingerprint(ent)
		}
		return nil, fmt.Errorf("%w: recipient %q matches several keys (%s): write the fingerprint in .gpg-id",
			pgp.ErrEncrypt, r, strings.Join(fprs, ", "))
	}
	return usable[0], nil
}

// matcher parses a recipient the way gpg reads a user id specification
// (gpg(1), "HOW TO SPECIFY A USER ID"), except that a bare e-mail address
// must match a key's address exactly instead of as a substring: with
// substrings, "t@example.org" would pick the key of "pat@example.org".
func matcher(r string) (func(*openpgp.Entity) bool, error) {
	if strings.HasSuffix(r, "!") {
		return nil, fmt.Errorf("forcing a subkey with '!' is not supported by the native engine; use the gpg engine")
	}
	compact := strings.ReplaceAll(r, " ", "")
	hexPart := compact
	if s, ok := strings.CutPrefix(strings.ToLower(hexPart), "0x"); ok {
		hexPart = s
	}
	if isHex(hexPart) {
		switch len(hexPart) {
		case 40, 64:
			want := strings.ToLower(hexPart)
			return func(ent *openpgp.Entity) bool {
				return anyKey(ent, func(pk keyIDs) bool { return pk.fpr == want })
			}, nil
		case 16, 8:
			id, _ := strconv.ParseUint(hexPart, 16, 64)
			short := len(hexPart) == 8
			return func(ent *openpgp.Entity) bool {
				return anyKey(ent, func(pk keyIDs) bool {
					if short {
						return pk.id&0xFFFFFFFF == id
					}
					return pk.id == id
				})
			}, nil
		}
	}
	switch {
	case strings.HasPrefix(r, "="):
		want := r[1:]
		return userIDMatcher(func(uid, _ string) bool { return uid == want }), nil
	case strings.HasPrefix(r, "<") && strings.HasSuffix(r, ">"):
		want := r[1 : len(r)-1]
		return userIDMatcher(func(_, email string) bool { return strings.EqualFold(email, want) }), nil
	case strings.HasPrefix(r, "@"):
		want := strings.ToLower(r[1:])
		return userIDMatcher(func(_, email string) bool { return strings.Contains(strings.ToLower(email), want) }), nil
	case isBareAddress(r):
		return userIDMatcher(func(_, email string) bool { return strings.EqualFold(email, r) }), nil
	}
	want := strings.ToLower(r)
	return userIDMatcher(func(uid, _ string) bool { return strings.Contains(strings.ToLower(uid), want) }), nil
}

// keyIDs is what identifies one key (primary or subkey).
type keyIDs struct {
	fpr string // lower-case hex
	id  uint64
}

func anyKey(ent *openpgp.Entity, f func(keyIDs) bool) bool {
	if f(keyIDs{hex.EncodeToString(ent.PrimaryKey.Fingerprint), ent.PrimaryKey.KeyId}) {
		return true
	}
	for _, s := range ent.Subkeys {
		if f(keyIDs{hex.EncodeToString(s.PublicKey.Fingerprint), s.PublicKey.KeyId}) {
			return true
		}
	}
	return false
}

func userIDMatcher(f func(uid, email string) bool) func(*openpgp.Entity) bool {
	return func(ent *openpgp.Entity) bool {
		for _, id := range ent.Identities {
			email := ""
			if id.UserId != nil {
				email = id.UserId.Email
			}
			if f(id.Name, email) {
				return true
			}
		}
		return false
	}
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// isBareAddress reports whether r is an e-mail address alone: one @, no
// spaces or angle brackets.
func isBareAddress(r string) bool {
	local, domain, ok := strings.Cut(r, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(r, " \t<>") && !strings.Contains(domain, "@")
}
