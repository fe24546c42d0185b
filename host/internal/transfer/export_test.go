package transfer

import (
	"bytes"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/host/internal/realstore"
	"time"

	"github.com/otpfill/otpfill/host/internal/otp"
)

// exportKeys covers what the formats must carry: TOTP with each algorithm,
// 6, 7 and 8 digits, periods other than 30 s, HOTP with small and large
// counters, and names with spaces, colons, non-ASCII and HTML.
func exportKeys(t testing.TB) []*otp.Key {
	t.Helper()
	sec := func(s string) otp.Secret {
		b, err := otp.ParseSecret(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return []*otp.Key{
		{Type: otp.TOTP, Issuer: "GitHub", Account: "alice@example.com", Secret: sec("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"), Algorithm: otp.SHA1, Digits: 6, Period: 30},
		{Type: otp.TOTP, Issuer: "Bank & Co", Account: "me", Secret: sec("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), Algorithm: otp.SHA512, Digits: 8, Period: 30},
		{Type: otp.TOTP, Issuer: "Müller GmbH", Account: "jörg müller", Secret: sec("MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"), Algorithm: otp.SHA256, Digits: 6, Period: 30},
		{Type: otp.TOTP, Issuer: "Slow", Account: "sixty", Secret: sec("KRUGKIDROVUWG2ZAMJZG653OEBTG66BA"), Algorithm: otp.SHA256, Digits: 8, Period: 60},
		{Type: otp.TOTP, Issuer: "Fast", Account: "fifteen", Secret: sec("ONSWG4TFOQYTEMZUGU3DOOBZONSWG4TF"), Algorithm: otp.SHA1, Digits: 7, Period: 15},
		{Type: otp.HOTP, Issuer: "Token", Account: "hotp-5", Secret: sec("NBSWY3DPO5XXE3DENBSWY3DPO5XXE3DE"), Algorithm: otp.SHA1, Digits: 6, Counter: 5},
		{Type: otp.HOTP, Issuer: "Token", Account: "hotp-big", Secret: sec("KVKFKRCPNZQUYMLXOVYDSQKJKZDTSRLD"), Algorithm: otp.SHA512, Digits: 8, Counter: 9_000_000_000},
		{Type: otp.TOTP, Issuer: "<b>Evil</b>", Account: "x\"y'z&w", Secret: sec("MNUGC3DMMVXGOZLSMNUGC3DMMVXGOZLS"), Algorithm: otp.SHA1, Digits: 6, Period: 30},
		{Type: otp.TOTP, Account: "no issuer", Secret: sec("GEZDGNBVGY3TQOJRGEZDGNBVGY3TQOJR"), Algorithm: otp.SHA1, Digits: 6, Period: 30},
		{Type: otp.TOTP, Encoder: otp.Steam, Issuer: "Steam", Account: "gaben", Secret: sec("63BEDWCQZKTQWPESARIERL5DTTQFCJTK"), Algorithm: otp.SHA1, Digits: 5, Period: 30},
	}
}

// googleCannot is which of exportKeys Google's format cannot hold.
var googleCannot = []int{3, 4, 9} // period 60; 7 digits and period 15; Steam Guard

// sameKeys compares keys field by field, in any order, by canonical URI.
func sameKeys(t *testing.T, what string, got, want []*otp.Key) {
	t.Helper()
	uris := func(keys []*otp.Key) []string {
		var out []string
		for _, k := range keys {
			out = append(out, k.URI())
		}
		slices.Sort(out)
		return out
	}
	g, w := uris(got), uris(want)
	if !slices.Equal(g, w) {
		t.Errorf("%s: the keys read back differ:\n got  %q\n want %q", what, g, w)
	}
}

func readBack(t *testing.T, what string, data []byte, password string) *Result {
	t.Helper()
	res, err := Read(data, staticPassword(password))
	if err != nil {
		t.Fatalf("%s: Read: %v", what, err)
	}
	if len(res.Skipped) != 0 || len(res.Warnings) != 0 {
		t.Errorf("%s: skipped %v, warnings %v", what, res.Skipped, res.Warnings)
	}
	return res
}

func itemKeys(t *testing.T, res *Result) []*otp.Key {
	t.Helper()
	var keys []*otp.Key
	for _, it := range res.Items {
		k, err := otp.ParseURI(it.URI)
		if err != nil {
			t.Fatalf("item %s: %v", it.Name, err)
		}
		keys = append(keys, k)
	}
	return keys
}

// TestExportRoundTrip: every format reads back through Read to the same
// keys; Google's leaves out exactly the keys it cannot hold, and says why.
func TestExportRoundTrip(t *testing.T) {
	keys := exportKeys(t)
	aegisScryptNForTests = 1 << 10
	t.Cleanup(func() { aegisScryptNForTests = 0 })

	res := readBack(t, "uri", URILines(keys), "")
	if res.Format != OtpauthText {
		t.Errorf("uri: read as %v", res.Format)
	}
	sameKeys(t, "uri", itemKeys(t, res), keys)

	plain, err := AegisVault(keys, nil)
	if err != nil {
		t.Fatal(err)
	}
	res = readBack(t, "aegis", plain, "")
	if res.Format != Aegis {
		t.Errorf("aegis: read as %v", res.Format)
	}
	sameKeys(t, "aegis", itemKeys(t, res), keys)

	enc, err := AegisVault(keys, []byte("pa55 wörd"))
	if err != nil {
		t.Fatal(err)
	}
	res = readBack(t, "aegis encrypted", enc, "pa55 wörd")
	if res.Format != AegisEncrypted {
		t.Errorf("aegis encrypted: read as %v", res.Format)
	}
	sameKeys(t, "aegis encrypted", itemKeys(t, res), keys)
	if _, err := Read(enc, staticPassword("pa55 word")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("aegis encrypted with a wrong password: %v", err)
	}
	for _, k := range keys {
		if bytes.Contains(enc, []byte(k.Secret.Base32())) || len(k.Account) > 6 && bytes.Contains(enc, []byte(k.Account)) {
			t.Fatal("the encrypted vault holds a secret or a name in the clear")
		}
	}
	if _, err := AegisVault(keys, []byte{}); !errors.Is(err, ErrEmptyPassword) {
		t.Errorf("an empty password: %v", err)
	}

	ge := GoogleExportOf(keys)
	var skipped []int
	for _, s := range ge.Skipped {
		skipped = append(skipped, s.Index)
		if s.Reason == "" {
			t.Errorf("key %d skipped without a reason", s.Index)
		}
	}
	if !slices.Equal(skipped, googleCannot) {
		t.Errorf("google skipped %v, want %v", skipped, googleCannot)
	}
	var want []*otp.Key
	for i, k := range keys {
		if !slices.Contains(googleCannot, i) {
			want = append(want, k)
		}
	}
	res = readBack(t, "google", []byte(strings.Join(ge.URIs, "\n")), "")
	if res.Format != GoogleMigration {
		t.Errorf("google: read as %v", res.Format)
	}
	sameKeys(t, "google", itemKeys(t, res), want)
}

// TestGoogleExportBatches: more accounts than one QR code holds are split as the
// app does: ten a code, one batch id, batch_size and a zero-based index;
// a missing code is noticed by Read.
func TestGoogleExportBatches(t *testing.T) {
	base := exportKeys(t)[0]
	var keys []*otp.Key
	for i := range 23 {
		k := *base
		k.Account = fmt.Sprintf("user%02d", i)
		keys = append(keys, &k)
	}
	ge := GoogleExportOf(keys)
	if len(ge.URIs) != 3 || len(ge.Included[0]) != 10 || len(ge.Included[1]) != 10 || len(ge.Included[2]) != 3 {
		t.Fatalf("23 accounts gave %d codes %v, want 10+10+3", len(ge.URIs), ge.Included)
	}
	var id int32
	for i, u := range ge.URIs {
		p, err := decodeMigration(u, "test")
		if err != nil {
			t.Fatal(err)
		}
		if p.GetVersion() != 1 || p.GetBatchSize() != 3 || p.GetBatchIndex() != int32(i) || p.GetBatchId() == 0 {
			t.Errorf("code %d: version %d size %d index %d id %d", i, p.GetVersion(), p.GetBatchSize(), p.GetBatchIndex(), p.GetBatchId())
		}
		if i > 0 && p.GetBatchId() != id {
			t.Errorf("code %d has batch id %d, the first %d", i, p.GetBatchId(), id)
		}
		id = p.GetBatchId()
	}
	res := readBack(t, "google batches", []byte(strings.Join(ge.URIs, "\n")), "")
	sameKeys(t, "google batches", itemKeys(t, res), keys)
	res, err := Read([]byte(ge.URIs[0]+"\n"+ge.URIs[2]), nil)
	if err != nil || len(res.Items) != 13 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "3 QR codes but only 2") {
		t.Errorf("a batch missing: %v, %d items, warnings %q", err, len(res.Items), res.Warnings)
	}
	// Long names make long payloads: a batch is cut so that its QR code
	// stays scannable.
	for _, k := range keys {
		k.Issuer = strings.Repeat("Long issuer name ", 6)
	}
	ge = GoogleExportOf(keys)
	for i, u := range ge.URIs {
		if len(u) > googleMaxURI {
			t.Errorf("code %d is %d bytes, over %d", i, len(u), googleMaxURI)
		}
	}
	res = readBack(t, "google long names", []byte(strings.Join(ge.URIs, "\n")), "")
	if len(res.Items) != len(keys) {
		t.Errorf("long names: %d accounts read back, want %d", len(res.Items), len(keys))
	}
}

// python finds a Python 3 that has the given modules (Debian's
// python3-protobuf and python3-cryptography), or skips (fails in CI).
func python(t *testing.T, modules ...string) string {
	t.Helper()
	check := "import " + strings.Join(modules, ", ")
	for _, bin := range []string{"python3", "/usr/bin/python3"} {
		if p, err := exec.LookPath(bin); err == nil {
			if exec.Command(p, "-c", check).Run() == nil {
				return p
			}
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("no python3 with %s: CI installs them (scripts/install-deps.sh)", strings.Join(modules, ", "))
	}
	t.Skipf("no python3 with %s", strings.Join(modules, ", "))
	return ""
}

func runPython(t *testing.T, py, script, stdin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	return out
}

// aegisDecryptPy opens an Aegis vault as Aegis documents it, with
// python3-cryptography's Scrypt and AESGCM: the independent decoder.
const aegisDecryptPy = `
import sys, json, base64
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
v = json.load(open(sys.argv[1]))
pw = sys.stdin.buffer.read()
assert v["version"] == 1
p = v["header"]["params"]
for s in v["header"]["slots"]:
    if s["type"] != 1:
        continue
    kek = Scrypt(salt=bytes.fromhex(s["salt"]), length=32, n=s["n"], r=s["r"], p=s["p"]).derive(pw)
    kp = s["key_params"]
    master = AESGCM(kek).decrypt(bytes.fromhex(kp["nonce"]), bytes.fromhex(s["key"]) + bytes.fromhex(kp["tag"]), None)
    db = AESGCM(master).decrypt(bytes.fromhex(p["nonce"]), base64.b64decode(v["db"]) + bytes.fromhex(p["tag"]), None)
    sys.stdout.write(db.decode("utf-8"))
    break
else:
    sys.exit("no password slot")
`

// checkAegisContent compares an Aegis database (the vault's "db") with
// the keys, field by field, as Aegis's VaultEntry reads them.
func checkAegisContent(t *testing.T, db []byte, keys []*otp.Key) {
	t.Helper()
	var content struct {
		Version int `json:"version"`
		Entries []struct {
			Type, UUID, Name, Issuer string
			Info                     struct {
				Secret  string
				Algo    string
				Digits  int
				Period  *int
				Counter *uint64
			}
		}
	}
	if err := json.Unmarshal(db, &content); err != nil {
		t.Fatalf("the Aegis database is not JSON: %v", err)
	}
	if content.Version != 3 || len(content.Entries) != len(keys) {
		t.Fatalf("database version %d with %d entries, want 3 and %d", content.Version, len(content.Entries), len(keys))
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for i, e := range content.Entries {
		k := keys[i]
		wantType := string(k.Type)
		if k.Encoder == otp.Steam {
			wantType = "steam" // Aegis's type for Steam Guard
		}
		if e.Type != wantType || e.Name != k.Account || e.Issuer != k.Issuer || !uuid.MatchString(e.UUID) {
			t.Errorf("entry %d: type %q name %q issuer %q uuid %q", i, e.Type, e.Name, e.Issuer, e.UUID)
		}
		secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Info.Secret)
		if err != nil || !bytes.Equal(secret, k.Secret) {
			t.Errorf("entry %d: the secret differs", i)
		}
		if e.Info.Algo != string(k.Algorithm) || e.Info.Digits != k.Digits {
			t.Errorf("entry %d: algo %q digits %d", i, e.Info.Algo, e.Info.Digits)
		}
		switch {
		case k.Type == otp.TOTP && (e.Info.Period == nil || *e.Info.Period != k.Period || e.Info.Counter != nil):
			t.Errorf("entry %d: period %v counter %v, want period %d", i, e.Info.Period, e.Info.Counter, k.Period)
		case k.Type == otp.HOTP && (e.Info.Counter == nil || *e.Info.Counter != k.Counter || e.Info.Period != nil):
			t.Errorf("entry %d: counter %v period %v, want counter %d", i, e.Info.Counter, e.Info.Period, k.Counter)
		}
	}
}

// TestAegisIndependent: the encrypted vault opens with another
// implementation of scrypt and AES-GCM (Python's cryptography), at Aegis's
// real cost (N=2^15, r=8, p=1), and holds every key.
func TestAegisIndependent(t *testing.T) {
	py := python(t, "cryptography")
	keys := exportKeys(t)
	const password = "correct horse battery staple ü"
	enc, err := AegisVault(keys, []byte(password))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Header struct {
			Slots []struct {
				N, R, P  int
				Repaired bool
			}
		}
	}
	json.Unmarshal(enc, &v)
	if len(v.Header.Slots) != 1 || v.Header.Slots[0].N != 1<<15 || v.Header.Slots[0].R != 8 || v.Header.Slots[0].P != 1 || !v.Header.Slots[0].Repaired {
		t.Errorf("slots %+v: want one password slot with Aegis's scrypt parameters", v.Header.Slots)
	}
	file := filepath.Join(t.TempDir(), "aegis.json")
	os.WriteFile(file, enc, 0o600)
	db := runPython(t, py, aegisDecryptPy, password, file)
	checkAegisContent(t, db, keys)

	plain, _ := AegisVault(keys, nil)
	var pv struct {
		Header struct{ Slots, Params any }
		DB     json.RawMessage
	}
	if err := json.Unmarshal(plain, &pv); err != nil || pv.Header.Slots != nil || pv.Header.Params != nil {
		t.Fatalf("plain vault: %v, header %+v", err, pv.Header)
	}
	checkAegisContent(t, pv.DB, keys)
}

// googleDecodePy decodes otpauth-migration URIs (one a line on stdin) with
// Python's protobuf library, the message built at run time from the
// layout Google Authenticator writes: the independent decoder.
const googleDecodePy = `
import sys, json, base64, urllib.parse
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
F = descriptor_pb2.FieldDescriptorProto
f = descriptor_pb2.FileDescriptorProto(name="ga.proto", package="ga", syntax="proto3")
m = f.message_type.add(name="MigrationPayload")
o = m.nested_type.add(name="OtpParameters")
for name, num, typ in [("secret", 1, F.TYPE_BYTES), ("name", 2, F.TYPE_STRING), ("issuer", 3, F.TYPE_STRING),
                       ("algorithm", 4, F.TYPE_INT32), ("digits", 5, F.TYPE_INT32), ("type", 6, F.TYPE_INT32),
                       ("counter", 7, F.TYPE_INT64)]:
    o.field.add(name=name, number=num, type=typ, label=F.LABEL_OPTIONAL)
m.field.add(name="otp_parameters", number=1, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED,
            type_name=".ga.MigrationPayload.OtpParameters")
for name, num in [("version", 2), ("batch_size", 3), ("batch_index", 4), ("batch_id", 5)]:
    m.field.add(name=name, number=num, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
pool = descriptor_pool.DescriptorPool()
pool.Add(f)
desc = pool.FindMessageTypeByName("ga.MigrationPayload")
try:
    cls = message_factory.GetMessageClass(desc)
except AttributeError:
    cls = message_factory.MessageFactory(pool).GetPrototype(desc)
out = []
for line in sys.stdin.read().split():
    u = urllib.parse.urlparse(line)
    assert u.scheme == "otpauth-migration" and u.netloc == "offline", line[:30]
    data = base64.b64decode(urllib.parse.parse_qs(u.query)["data"][0], validate=True)
    p = cls()
    p.ParseFromString(data)
    out.append({"version": p.version, "batch_size": p.batch_size, "batch_index": p.batch_index, "batch_id": p.batch_id,
                "accounts": [{"secret": base64.b32encode(a.secret).decode().rstrip("="), "name": a.name, "issuer": a.issuer,
                              "algorithm": a.algorithm, "digits": a.digits, "type": a.type, "counter": a.counter}
                             for a in p.otp_parameters]})
json.dump(out, sys.stdout)
`

// decodeGooglePy runs googleDecodePy and returns each payload.
func decodeGooglePy(t *testing.T, py string, uris []string) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(runPython(t, py, googleDecodePy, strings.Join(uris, "\n")), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkGooglePayloads compares decoded payloads with the keys Google's
// format holds, using the numbers Google Authenticator writes (algorithm
// 1 SHA1, 2 SHA256, 3 SHA512; digits 1 six, 2 eight; type 1 HOTP, 2 TOTP).
func checkGooglePayloads(t *testing.T, payloads []map[string]any, want []*otp.Key) {
	t.Helper()
	algos := map[otp.Algorithm]float64{otp.SHA1: 1, otp.SHA256: 2, otp.SHA512: 3}
	digits := map[int]float64{6: 1, 8: 2}
	types := map[otp.Type]float64{otp.HOTP: 1, otp.TOTP: 2}
	i := 0
	for bi, p := range payloads {
		if p["version"] != 1.0 || p["batch_size"] != float64(len(payloads)) || p["batch_index"] != float64(bi) || p["batch_id"] == 0.0 || p["batch_id"] != payloads[0]["batch_id"] {
			t.Errorf("payload %d: version %v size %v index %v id %v", bi, p["version"], p["batch_size"], p["batch_index"], p["batch_id"])
		}
		for _, a := range p["accounts"].([]any) {
			acc := a.(map[string]any)
			if i >= len(want) {
				t.Fatalf("more accounts than the %d exported", len(want))
			}
			k := want[i]
			i++
			if acc["secret"] != k.Secret.Base32() || acc["name"] != k.Account || acc["issuer"] != k.Issuer ||
				acc["algorithm"] != algos[k.Algorithm] || acc["digits"] != digits[k.Digits] || acc["type"] != types[k.Type] ||
				acc["counter"] != float64(k.Counter) {
				t.Errorf("account %d (%s) decodes to name %v issuer %v algorithm %v digits %v type %v counter %v",
					i, k.Account, acc["name"], acc["issuer"], acc["algorithm"], acc["digits"], acc["type"], acc["counter"])
			}
		}
	}
	if i != len(want) {
		t.Errorf("%d accounts decoded, want %d", i, len(want))
	}
}

// TestGoogleIndependent: Python's protobuf reads the payloads back to the
// keys, with Google's numbering; zbarimg reads the PNGs back to the exact
// payload URIs.
func TestGoogleIndependent(t *testing.T) {
	py := python(t, "google.protobuf.descriptor_pb2")
	keys := exportKeys(t)
	for range 2 { // 18 keys, of which 14 fit Google's format: two codes
		keys = append(keys, exportKeys(t)...)
	}
	ge := GoogleExportOf(keys)
	var want []*otp.Key
	for _, idx := range ge.Included {
		for _, i := range idx {
			want = append(want, keys[i])
		}
	}
	if len(ge.URIs) != 3 || len(want) != 21 {
		t.Fatalf("%d keys gave %d codes with %d accounts, want 3 and 21", len(keys), len(ge.URIs), len(want))
	}
	checkGooglePayloads(t, decodeGooglePy(t, py, ge.URIs), want)

	for i, u := range ge.URIs {
		pngData, err := QRPNG(u, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := realstore.Zbarimg(t, pngData); len(got) != 1 || got[0] != u {
			t.Errorf("zbarimg reads code %d as %q, want the payload", i, got)
		}
	}
}

// TestPaperKitEscapes: everything from an entry is HTML-escaped, the page
// loads nothing from the network, and the secret and recovery codes are
// on it as the user will copy them.
func TestPaperKitEscapes(t *testing.T) {
	keys := exportKeys(t)
	codes := []string{"<img src=x onerror=alert(1)>", "abcd-efgh"}
	for i := range 43 {
		codes = append(codes, fmt.Sprintf("code-%02d", i))
	}
	page, err := PaperKit([]PaperEntry{
		{Name: "evil/<script>alert(1)</script>", Store: "pass", Key: keys[7], RecoveryCodes: codes},
		{Name: "github.com/alice", Store: "keyring", Key: keys[0]},
	}, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, bad := range []string{"<script>", "<b>Evil", "<img src=x", `x"y'z`} {
		if strings.Contains(s, bad) {
			t.Errorf("the page holds %q unescaped", bad)
		}
	}
	for _, good := range []string{"evil/&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;Evil&lt;/b&gt;", "&lt;img src=x onerror=alert(1)&gt;",
		"MNUG C3DM MVXG OZLS MNUG C3DM MVXG OZLS", "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP", "code-42", "card 3 of 3", "@page", "size: 5in 3in"} {
		if !strings.Contains(s, good) {
			t.Errorf("the page lacks %q", good)
		}
	}
	checkSelfContained(t, s)
	if n := strings.Count(s, `<svg class="qr"`); n != 2 {
		t.Errorf("%d QR codes on the page, want 2", n)
	}
	if GroupSecret("ABCDEFGHIJ") != "ABCD EFGH IJ" {
		t.Errorf("GroupSecret = %q", GroupSecret("ABCDEFGHIJ"))
	}
}

// checkSelfContained: no URL anywhere in the page, and no tag attribute
// that could load anything (src, href other than a #fragment, srcset,
// data, action), no CSS import or url().
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	if m := regexp.MustCompile(`(?i)(https?|ftp|file|data):|@import|url\(`).FindString(page); m != "" {
		t.Errorf("the page refers to something outside itself: %q", m)
	}
	attr := regexp.MustCompile(`(?i)\s(src|srcset|href|data|action|xlink:href)\s*=\s*["']?([^"'\s>]*)`)
	for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(page, -1) {
		for _, m := range attr.FindAllStringSubmatch(tag, -1) {
			if strings.ToLower(m[1]) != "href" || !strings.HasPrefix(m[2], "#") {
				t.Errorf("the tag %.60q loads %q", tag, m[2])
			}
		}
	}
}

// qrencode draws text as a PNG with the qrencode tool.
func qrencode(t *testing.T, text string, args ...string) []byte {
	t.Helper()
	realstore.Require(t, "qrencode")
	out, err := exec.Command("qrencode", append([]string{"-o", "-", "-t", "PNG"}, append(args, text)...)...).Output()
	if err != nil {
		t.Fatalf("qrencode: %v", err)
	}
	return out
}

func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestReadQRImage: a picture of an otpauth QR code (qrencode's PNG, the
// same as a JPEG, a Google export PNG of otpfill's own, two codes in one
// screenshot on a grey background) imports like the text would.
func TestReadQRImage(t *testing.T) {
	keys := exportKeys(t)
	uri := keys[2].URI()

	res, err := Read(qrencode(t, uri, "-s", "6"), nil)
	if err != nil || res.Format != QRImage || res.QRCodes != 1 {
		t.Fatalf("qrencode PNG: %v, %+v", err, res)
	}
	sameKeys(t, "qrencode PNG", itemKeys(t, res), keys[2:3])
	if res.Items[0].Source != "otpauth" {
		t.Errorf("source %q", res.Items[0].Source)
	}

	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, decodePNG(t, qrencode(t, uri, "-s", "5")), &jpeg.Options{Quality: 60}); err != nil {
		t.Fatal(err)
	}
	res, err = Read(jpg.Bytes(), nil)
	if err != nil {
		t.Fatalf("JPEG: %v", err)
	}
	sameKeys(t, "JPEG", itemKeys(t, res), keys[2:3])

	ge := GoogleExportOf(keys[:3])
	gpng, err := QRPNG(ge.URIs[0], 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err = Read(gpng, nil)
	if err != nil || res.QRCodes != 1 {
		t.Fatalf("Google PNG: %v", err)
	}
	sameKeys(t, "Google PNG", itemKeys(t, res), keys[:3])

	// Two codes side by side on a grey screenshot.
	a, b := decodePNG(t, qrencode(t, keys[0].URI(), "-s", "4")), decodePNG(t, qrencode(t, keys[5].URI(), "-s", "4"))
	shot := image.NewRGBA(image.Rect(0, 0, a.Bounds().Dx()+b.Bounds().Dx()+120, max(a.Bounds().Dy(), b.Bounds().Dy())+80))
	draw.Draw(shot, shot.Bounds(), &image.Uniform{color.RGBA{200, 200, 200, 255}}, image.Point{}, draw.Src)
	draw.Draw(shot, a.Bounds().Add(image.Pt(40, 40)), a, image.Point{}, draw.Src)
	draw.Draw(shot, b.Bounds().Add(image.Pt(80+a.Bounds().Dx(), 40)), b, image.Point{}, draw.Src)
	var two bytes.Buffer
	png.Encode(&two, shot)
	res, err = Read(two.Bytes(), nil)
	if err != nil || res.QRCodes != 2 {
		t.Fatalf("two codes in one image: %v, %+v", err, res)
	}
	sameKeys(t, "two codes", itemKeys(t, res), []*otp.Key{keys[0], keys[5]})

	// Not a QR code, not an otpauth code, a damaged image: clear errors.
	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	var blankPNG bytes.Buffer
	png.Encode(&blankPNG, blank)
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"blank":     {blankPNG.Bytes(), "no QR code found in the PNG image"},
		"not otp":   {qrencode(t, "https://example.com/"), "none is an otpauth"},
		"truncated": {gpng[:len(gpng)/2], "PNG image cannot be"},
		"huge":      {hugePNGHeader(), "too large"},
	} {
		res, err := Read(c.data, nil)
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) || res != nil {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

// hugePNGHeader claims a 100000×100000 image in a few bytes.
func hugePNGHeader() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	data := b.Bytes()
	// IHDR width and height at bytes 16..23; fix the CRC after them.
	copy(data[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	crc := crc32.ChecksumIEEE(data[12:29])
	copy(data[29:33], []byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)})
	return data
}

// A Steam Guard card says so: typed into another app as plain TOTP, its
// secret would give six wrong digits.
func TestPaperKitSteam(t *testing.T) {
	keys := exportKeys(t)
	steam := keys[len(keys)-1]
	if steam.Encoder != otp.Steam {
		t.Fatal("the last export key is not the Steam one")
	}
	page, err := PaperKit([]PaperEntry{{Name: "Steam/gaben", Store: "pass", Key: steam}}, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if s := string(page); !strings.Contains(s, "Steam Guard (TOTP, encoder steam) · SHA1 · 5 characters · every 30 s") || strings.Contains(s, "5 digits") {
		t.Errorf("the Steam card does not say it is Steam Guard")
	}
}
