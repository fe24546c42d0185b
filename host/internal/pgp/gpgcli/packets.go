package gpgcli

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/otpfill/otpfill/host/internal/pgp/agent"
)

// Peeking into exported OpenPGP public keys (RFC 4880; RFC 6637 for ECDH)
// for what gpg's colon listing does not show: an ECDH key's curve and KDF
// parameters, which the agent path needs to unwrap a session key.

// Packet tags (RFC 4880, 4.3).
const (
	tagPublicKey    = 6
	tagPublicSubkey = 14
)

// A v4 public key packet body (RFC 4880, 5.5.2): version, creation time,
// algorithm, then the algorithm's fields; for ECDH (RFC 6637, 9): the
// curve's OID with its length first, the public point as an MPI, and the
// KDF parameters.
const (
	keyVersion4    = 4
	offVersion     = 0
	offAlgo        = 5 // after the version and the 4-byte creation time
	offOIDLen      = 6
	offOID         = 7
	mpiLengthSize  = 2 // an MPI starts with its length in bits
	kdfParamsSize  = 3 // the KDF fields' own length: always 3
	kdfVersion     = 1
	kdfFieldsBytes = 4 // size, version, hash id, cipher id
)

// v4FingerprintPrefix starts the data a v4 fingerprint hashes: 0x99, then
// the body's length in two bytes (RFC 4880, 12.2).
const v4FingerprintPrefix = 0x99

type kdfParams struct {
	curve        string // hex OID
	hash, cipher int
}

// ecdhParams reads v4 ECDH (sub)key packets from an export and returns
// their curve and KDF parameters by fingerprint (upper-case hex). Other
// keys, other versions and packets it cannot read are left out.
func ecdhParams(export []byte) map[string]kdfParams {
	params := map[string]kdfParams{}
	r := packet.NewOpaqueReader(bytes.NewReader(export))
	for {
		op, err := r.Next()
		if err != nil {
			break
		}
		if op.Tag != tagPublicKey && op.Tag != tagPublicSubkey {
			continue
		}
		if p, ok := ecdhKeyParams(op.Contents); ok {
			params[v4Fingerprint(op.Contents)] = p
		}
	}
	return params
}

// ecdhKeyParams reads the curve and KDF parameters of a v4 ECDH public key
// packet body.
func ecdhKeyParams(b []byte) (kdfParams, bool) {
	if len(b) <= offOID || b[offVersion] != keyVersion4 || b[offAlgo] != agent.AlgoECDH {
		return kdfParams{}, false
	}
	n := int(b[offOIDLen])
	rest := b[offOID:]
	if n == 0 || len(rest) < n+mpiLengthSize {
		return kdfParams{}, false
	}
	oid := rest[:n]
	rest = rest[n:]
	bits := int(binary.BigEndian.Uint16(rest))
	rest = rest[mpiLengthSize:]
	if len(rest) < (bits+7)/8+kdfFieldsBytes {
		return kdfParams{}, false
	}
	rest = rest[(bits+7)/8:]
	if rest[0] != kdfParamsSize || rest[1] != kdfVersion {
		return kdfParams{}, false
	}
	return kdfParams{curve: hex.EncodeToString(oid), hash: int(rest[2]), cipher: int(rest[3])}, true
}

// v4Fingerprint is the fingerprint of a v4 key packet body, in upper-case
// hex as gpg lists it.
func v4Fingerprint(body []byte) string {
	h := sha1.New()
	var hdr [3]byte
	hdr[0] = v4FingerprintPrefix
	binary.BigEndian.PutUint16(hdr[1:], uint16(len(body)))
	h.Write(hdr[:])
	h.Write(body)
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil)))
}
