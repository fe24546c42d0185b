package gpgcli

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/host/internal/pgp/agent"
	"github.com/otpfill/otpfill/host/internal/realstore"
)

// keyring makes a GNUPGHOME with one key of each kind the parser must tell
// apart, all made by real gpg:
//
//   - alice: ed25519 primary, cv25519 subkey moved to a "smartcard" (its key
//     file replaced by the shadowed stub gpg-agent writes for card keys:
//     gpg lists it as ssb> with the card's serial in field 15);
//   - rsa: RSA primary and RSA encryption subkey;
//   - old: expired (made a year ago, valid for a day);
//   - gone: revoked (its own revocation certificate imported);
//   - stub: primary secret part removed (sec#, as after
//     --export-secret-subkeys), a ':' in its user id.
//
// It returns the env and each key's primary fingerprint.
func keyring(t *testing.T) (*realstore.Env, map[string]string) {
	t.Helper()
	e := realstore.New(t)
	gen := func(uid string, args ...string) string {
		e.Run("", "gpg", append([]string{"--batch", "--passphrase", ""}, args...)...)
		return fingerprint(t, e, uid)
	}
	fpr := map[string]string{
		"alice": gen("alice@", "--quick-gen-key", "Alice <alice@example.invalid>", "future-default", "default", "never"),
		"rsa":   gen("rsa@", "--quick-gen-key", "Rsa <rsa@example.invalid>", "rsa1024", "sign", "never"),
		"old":   gen("old@", "--faked-system-time", "20200101T000000", "--quick-gen-key", "Old <old@example.invalid>", "future-default", "default", "1d"),
		"gone":  gen("gone@", "--quick-gen-key", "Gone <gone@example.invalid>", "future-default", "default", "never"),
		"stub":  gen("stub@", "--quick-gen-key", "Stub: colon <stub@example.invalid>", "future-default", "default", "never"),
	}
	e.Run("", "gpg", "--batch", "--passphrase", "", "--quick-add-key", fpr["rsa"], "rsa1024", "encr", "never")

	rev, err := os.ReadFile(filepath.Join(e.GNUPGHOME, "openpgp-revocs.d", fpr["gone"]+".rev"))
	if err != nil {
		t.Fatal(err)
	}
	// gpg writes the certificate with a ':' before its armor line so that
	// it is not imported by accident.
	e.Run(strings.Replace(string(rev), ":-----BEGIN", "-----BEGIN", 1), "gpg", "--batch", "--import")

	keyFile := func(grip string) string { return filepath.Join(e.GNUPGHOME, "private-keys-v1.d", grip+".key") }
	if err := os.Remove(keyFile(keygrips(t, e, "stub@")[0])); err != nil {
		t.Fatal(err)
	}
	// The card stub: the subkey's secret part replaced by a pointer to
	// card serial D276…, as `keytocard` leaves it.
	sub := keyFile(keygrips(t, e, "alice@")[1])
	data, err := os.ReadFile(sub)
	if err != nil {
		t.Fatal(err)
	}
	q := regexp.MustCompile(`\(q\s*(#[0-9A-F]+#)\)`).FindSubmatch(data)
	if q == nil {
		t.Fatalf("no public point in %s", data)
	}
	shadow := "Key: (shadowed-private-key (ecc (curve Curve25519)(flags djb-tweak)(q " + string(q[1]) +
		")(shadowed t1-v1 (#" + cardSerial + "# OPENPGP.2))))\n"
	if err := os.WriteFile(sub, []byte(shadow), 0o600); err != nil {
		t.Fatal(err)
	}
	e.Run("", "gpgconf", "--kill", "gpg-agent")
	return e, fpr
}

const cardSerial = "D2760001240103040006123456780000"

// keygrips are the keygrips of a key and its subkeys, from gpg's
// human-readable listing (not the colon format under test).
func keygrips(t *testing.T, e *realstore.Env, uid string) []string {
	t.Helper()
	var grips []string
	for _, line := range strings.Split(e.Run("", "gpg", "--batch", "--with-keygrip", "--list-options", "show-unusable-subkeys", "--list-secret-keys", uid), "\n") {
		if g, ok := strings.CutPrefix(strings.TrimSpace(line), "Keygrip = "); ok {
			grips = append(grips, g)
		}
	}
	if len(grips) == 0 {
		t.Fatalf("no keygrips for %s", uid)
	}
	return grips
}

// TestParseSecretKeyList reads real `gpg --with-colons --with-keygrip
// --list-secret-keys` output: every sec and ssb record, with its own
// fingerprint and keygrip, its primary's user id, validity and token; and
// usableKeys keeps those the agent path can decrypt with.
func TestParseSecretKeyList(t *testing.T) {
	e, fpr := keyring(t)
	out := e.Run("", "gpg", "--batch", "--with-colons", "--with-keygrip", "--list-secret-keys")
	keys := parseSecretKeyList([]byte(out))

	byUID := map[string][]listedKey{}
	for _, k := range keys {
		byUID[k.UID] = append(byUID[k.UID], k)
	}
	want := []struct {
		name, uid, validity string
		algos               []int
		tokens              []string
	}{
		{"alice", "Alice <alice@example.invalid>", "u", []int{algoEdDSA, agent.AlgoECDH}, []string{tokenPresent, cardSerial}},
		{"rsa", "Rsa <rsa@example.invalid>", "u", []int{agent.AlgoRSA, agent.AlgoRSA}, []string{tokenPresent, tokenPresent}},
		{"old", "Old <old@example.invalid>", validityExpired, []int{algoEdDSA, agent.AlgoECDH}, []string{tokenPresent, tokenPresent}},
		{"gone", "Gone <gone@example.invalid>", validityRevoked, []int{algoEdDSA, agent.AlgoECDH}, []string{tokenPresent, tokenPresent}},
		{"stub", "Stub: colon <stub@example.invalid>", "u", []int{algoEdDSA, agent.AlgoECDH}, []string{tokenStub, tokenPresent}},
	}
	if len(keys) != 2*len(want) {
		t.Fatalf("parsed %d keys, want %d: %+v", len(keys), 2*len(want), keys)
	}
	for _, w := range want {
		got := byUID[w.uid]
		if len(got) != 2 {
			t.Errorf("%s: %d keys with user id %q, want a primary key and a subkey: %+v", w.name, len(got), w.uid, keys)
			continue
		}
		grips := keygrips(t, e, fpr[w.name])
		for i, k := range got {
			if k.Subkey != (i == 1) || k.Algo != w.algos[i] || k.Validity != w.validity || k.Token != w.tokens[i] || k.Keygrip != grips[i] {
				t.Errorf("%s key %d = %+v, want subkey %v, algo %d, validity %q, token %q, keygrip %s", w.name, i, k, i == 1, w.algos[i], w.validity, w.tokens[i], grips[i])
			}
		}
		if got[0].Fingerprint != fpr[w.name] || got[1].Fingerprint == fpr[w.name] || len(got[1].Fingerprint) != hexFingerprintLen {
			t.Errorf("%s: fingerprints %s and %s, want the primary's %s first, then the subkey's own", w.name, got[0].Fingerprint, got[1].Fingerprint, fpr[w.name])
		}
	}

	// The agent path keeps what it can decrypt with: RSA and ECDH keys
	// whose secret part is here or on a card, expired and revoked ones too
	// (old entries were encrypted to them); not EdDSA signing keys, not the
	// stub.
	var usable []string
	for _, k := range usableKeys(keys) {
		usable = append(usable, k.UID+" "+k.Fingerprint)
	}
	var wantUsable []string
	for _, w := range want {
		for _, k := range byUID[w.uid] {
			if k.Algo != algoEdDSA && !k.stub() {
				wantUsable = append(wantUsable, w.uid+" "+k.Fingerprint)
			}
		}
	}
	if len(wantUsable) != 6 || !slices.Equal(usable, wantUsable) {
		t.Errorf("usable keys:\n%s\nwant:\n%s", strings.Join(usable, "\n"), strings.Join(wantUsable, "\n"))
	}
}

// algoEdDSA is gpg's id for EdDSA signing keys (RFC 4880bis), which the
// agent path never decrypts with.
const algoEdDSA = 22

// TestParseSecretKeyListOddLines: lines the parser does not know, records
// too short, and fpr/grp/uid records before any key are skipped; a
// listing without keys gives none.
func TestParseSecretKeyListOddLines(t *testing.T) {
	odd := strings.Join([]string{
		"tru::1:1700000000:0:3:1:5",
		"fpr:::::::::0123456789ABCDEF0123456789ABCDEF01234567:",
		"uid:u::::1::X::Nobody <nobody@example.invalid>::::::::::0:",
		"sec:u:255",
		"gpg: WARNING: unsafe permissions on homedir",
		"",
	}, "\n")
	if keys := parseSecretKeyList([]byte(odd)); len(keys) != 0 {
		t.Fatalf("parsed %+v from a listing without keys", keys)
	}
	line := "sec:u:255:22:AAAAAAAAAAAAAAAA:1::::::::" // no field 15
	keys := parseSecretKeyList([]byte(line + "\nfpr:::::::::aaaa:\ngrp:::::::::bbbb:\nfpr:::::::::cccc:\n"))
	if len(keys) != 1 || keys[0].Token != "" || keys[0].Fingerprint != "AAAA" || keys[0].Keygrip != "BBBB" {
		t.Fatalf("parsed %+v, want one key with its first fpr and grp, upper-cased, and no token", keys)
	}
	if got := unescapeColon(`a\x3ab\x5cx\x`); got != `a:b\x\x` {
		t.Errorf("unescapeColon = %q", got)
	}
}

// TestECDHParams reads the curve and KDF parameters of real gpg exports:
// for every ECDH subkey, by its fingerprint; nothing for other keys.
func TestECDHParams(t *testing.T) {
	e, fpr := keyring(t)
	export := e.Run("", "gpg", "--batch", "--export", fpr["alice"], fpr["rsa"], fpr["old"])
	params := ecdhParams([]byte(export))
	// The subkeys' fingerprints, from the public listing.
	var subs []string
	for _, uid := range []string{"alice@", "old@"} {
		inSub := false
		for _, line := range strings.Split(e.Run("", "gpg", "--batch", "--with-colons", "--list-keys", uid), "\n") {
			f := strings.Split(line, ":")
			if f[0] == "fpr" && inSub {
				subs = append(subs, f[9])
			}
			inSub = f[0] == "sub"
		}
	}
	if len(subs) != 2 || len(params) != 2 {
		t.Fatalf("ECDH subkeys %v, params %+v: want two of each", subs, params)
	}
	for _, s := range subs {
		// cv25519 (OID 1.3.6.1.4.1.3029.1.5.1); gpg's KDF for 256-bit
		// curves: SHA-256 (8) and AES-128 (7), RFC 6637 section 8.
		if p, ok := params[s]; !ok || p.curve != "2b060104019755010501" || p.hash != 8 || p.cipher != 7 {
			t.Errorf("params of %s = %+v (found %v)", s, p, ok)
		}
	}

	// Bodies the peek must refuse, not misread.
	good := []byte{keyVersion4, 0, 0, 0, 0, agent.AlgoECDH, 1, 0x2b, 0, 8, 0xff, kdfParamsSize, kdfVersion, 8, 7}
	if p, ok := ecdhKeyParams(good); !ok || p.curve != "2b" || p.hash != 8 || p.cipher != 7 {
		t.Fatalf("a minimal ECDH body: %+v, %v", p, ok)
	}
	for name, b := range map[string][]byte{
		"empty":         nil,
		"v3":            append([]byte{3}, good[1:]...),
		"RSA":           append(append([]byte{}, good[:offAlgo]...), append([]byte{agent.AlgoRSA}, good[offAlgo+1:]...)...),
		"no OID":        append(append([]byte{}, good[:offOIDLen]...), 0),
		"short point":   good[:10],
		"no KDF fields": good[:len(good)-1],
		"KDF version 2": append(append([]byte{}, good[:len(good)-3]...), 2, 8, 7),
	} {
		if p, ok := ecdhKeyParams(b); ok {
			t.Errorf("%s: read %+v", name, p)
		}
	}
}
