package main

// Whole-store export, the paper kit and QR image import, through the built
// binary on a copy of the real store: every format goes into an empty
// store through `otpfill import` and comes out with the same keys; the
// paper kit is rendered by Chromium and its QR codes read by zbarimg.

import (
	"bytes"
	"errors"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/otpfill/otpfill/host/internal/realstore"
)

// exportExtra are entries added to the fixture for the export tests: the
// shapes the fixture lacks (a 7-digit 15-second key, an HOTP key with a
// large counter, recovery codes and HTML in names, a bare totp: field).
var exportExtra = []struct{ name, content, secret string }{
	{"fast.example/fifteen", "otpauth://totp/Fast:fifteen?secret=ONSWG4TFOQYTEMZUGU3DOOBZONSWG4TF&issuer=Fast&digits=7&period=15\n", "ONSWG4TFOQYTEMZUGU3DOOBZONSWG4TF"},
	{"token.example/big", "otpauth://hotp/Token:big?secret=KVKFKRCPNZQUYMLXOVYDSQKJKZDTSRLD&issuer=Token&algorithm=SHA512&digits=8&counter=9000000000\n", "KVKFKRCPNZQUYMLXOVYDSQKJKZDTSRLD"},
	{"shop.example/<b>me", "shop-password-1\notpauth://totp/%3Cscript%3E:me%20%26%20you?secret=MNUGC3DMMVXGOZLSMNUGC3DMMVXGOZLS&issuer=%3Cscript%3E\nrecovery-codes:\n  rcv1-aaaa-1111\n  rcv2-bbbb-2222\n", "MNUGC3DMMVXGOZLSMNUGC3DMMVXGOZLS"},
	{"plain/field", "plain-password-2\ntotp: GEZDGNBVGY3TQOJRGEZDGNBVGY3TQOJR\n", "GEZDGNBVGY3TQOJRGEZDGNBVGY3TQOJR"},
}

// exportEnv is the fixture with exportExtra, the undecryptable foreign
// entry removed, and the canonical URI of every OTP entry, by name.
func exportEnv(t *testing.T) (*testEnv, map[string]string) {
	t.Helper()
	e := newTestEnv(t)
	for _, x := range exportExtra {
		e.InsertMultiline(x.name, x.content)
		e.addSecret(x.secret)
	}
	e.addSecret("shop-password-1", "plain-password-2", "rcv1-aaaa-1111")

	// foreign/ is encrypted to a teammate only: --all names it and fails,
	// having written the rest.
	stdout, stderr, code := e.run("", "export", "--all", "--format", "uri")
	if code != 1 || !strings.Contains(stderr, "failed "+foreignName) || !strings.Contains(stderr, "1 of 12 entries were not exported") {
		t.Fatalf("export --all with an undecryptable entry: exit %d, stderr:\n%s", code, stderr)
	}
	if n := len(strings.Fields(stdout)); n != 11 {
		t.Fatalf("export --all wrote %d URIs despite the failure, want 11", n)
	}
	if err := os.RemoveAll(filepath.Join(e.StoreDir, "foreign")); err != nil {
		t.Fatal(err)
	}

	want := map[string]string{}
	names := []string{alice.name, work.name, personal.name, bob.name, ops.name, carol.name, bankName}
	for _, x := range exportExtra {
		names = append(names, x.name)
	}
	for _, n := range names {
		stdout, stderr, code := e.run("", "export", n, "--uri")
		if code != 0 {
			t.Fatalf("export %s --uri: exit %d: %s", n, code, stderr)
		}
		want[n] = strings.TrimSpace(stdout)
	}
	if !strings.Contains(want["plain/field"], "otpauth://totp/plain%2Ffield?") {
		t.Errorf("a key without a label is not exported under its entry name: %.40s", want["plain/field"])
	}
	return e, want
}

func sortedValues(m map[string]string, leave ...string) []string {
	var out []string
	for k, v := range m {
		if !slices.Contains(leave, k) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

func uriLines(s string) []string {
	lines := strings.Fields(s)
	slices.Sort(lines)
	return lines
}

// emptyStore makes a new pass store for the same gpg key.
func (e *testEnv) emptyStore() string {
	e.t.Helper()
	dir := filepath.Join(e.t.TempDir(), "store")
	os.MkdirAll(dir, 0o700)
	id, err := os.ReadFile(filepath.Join(e.StoreDir, ".gpg-id"))
	if err != nil {
		e.t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, ".gpg-id"), id, 0o600)
	return dir
}

// runIn runs otpfill on another store.
func (e *testEnv) runIn(storeDir, stdin string, args ...string) (string, string, int) {
	e.t.Helper()
	saved := e.extra
	e.extra = append(slices.Clone(saved), "PASSWORD_STORE_DIR="+storeDir)
	defer func() { e.extra = saved }()
	return e.run(stdin, args...)
}

func checkSecretFile(t *testing.T, path string) []byte {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	return data
}

// importCompare imports files into an empty store, one by one, and checks
// that the store then holds exactly want.
func (e *testEnv) importCompare(what, stdin string, want []string, files ...string) {
	e.t.Helper()
	dir := e.emptyStore()
	for _, f := range files {
		if _, stderr, code := e.runIn(dir, stdin, "import", f); code != 0 {
			e.t.Fatalf("%s: import %s: exit %d:\n%s", what, filepath.Base(f), code, stderr)
		}
	}
	stdout, stderr, code := e.runIn(dir, "", "export", "--all", "--format", "uri")
	if code != 0 {
		e.t.Fatalf("%s: export of the imported store: exit %d:\n%s", what, code, stderr)
	}
	if got := uriLines(stdout); !slices.Equal(got, want) {
		e.t.Errorf("%s: the imported store holds\n%s\nwant\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCLIExportRoundTrip: each format of `export --all` imports into an
// empty store with every key unchanged (Google's without the keys it
// cannot hold, named on stderr); files are 0600; the encrypted Aegis
// vault takes its password from stdin, never argv.
func TestCLIExportRoundTrip(t *testing.T) {
	e, byName := exportEnv(t)
	all := sortedValues(byName)
	dir := t.TempDir()

	stdout, stderr, code := e.run("", "export", "--all", "--format", "uri")
	if code != 0 || !slices.Equal(uriLines(stdout), all) || !strings.Contains(stderr, "exported 11 of 11 entries") {
		t.Fatalf("export --all --format uri: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	uriFile := filepath.Join(dir, "keys.txt")
	if stdout, stderr, code := e.run("", "export", "--all", "--format", "uri", "--out", uriFile); code != 0 || stdout != "" {
		t.Fatalf("export --format uri --out: exit %d, stdout %q: %s", code, stdout, stderr)
	}
	if got := uriLines(string(checkSecretFile(t, uriFile))); !slices.Equal(got, all) {
		t.Errorf("the uri file holds %q", got)
	}
	e.importCompare("uri", "", all, uriFile)

	aegisFile := filepath.Join(dir, "aegis.json")
	if _, stderr, code := e.run("", "export", "--all", "--format", "aegis", "--out", aegisFile); code != 0 {
		t.Fatalf("export --format aegis: exit %d: %s", code, stderr)
	}
	checkSecretFile(t, aegisFile)
	e.importCompare("aegis", "", all, aegisFile)

	encFile := filepath.Join(dir, "aegis-encrypted.json")
	const password = "vault pass phrase"
	e.addSecret(password)
	if _, stderr, code := e.run(password+"\n", "export", "--all", "--format", "aegis", "--encrypt", "--out", encFile); code != 0 {
		t.Fatalf("export --format aegis --encrypt: exit %d: %s", code, stderr)
	}
	enc := checkSecretFile(t, encFile)
	if bytes.Contains(enc, []byte(alice.secret)) || !bytes.Contains(enc, []byte(`"slots"`)) {
		t.Error("the encrypted vault is not encrypted")
	}
	e.importCompare("aegis encrypted", password+"\n", all, encFile)
	if _, stderr, code := e.runIn(e.emptyStore(), "wrong\n", "import", encFile); code != 1 || !strings.Contains(stderr, "wrong password") {
		t.Errorf("import with a wrong password: exit %d: %s", code, stderr)
	}
	if _, stderr, code := e.run("", "export", "--all", "--format", "aegis", "--encrypt", "--out", encFile+"2"); code != 2 || !strings.Contains(stderr, "no password") {
		t.Errorf("--encrypt without a password: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(encFile + "2"); err == nil {
		t.Error("--encrypt without a password wrote a file")
	}

	// Google: 7 digits and 15 s, and 60 s, do not fit; the rest does.
	googleWant := sortedValues(byName, "fast.example/fifteen", bob.name)
	stdout, stderr, code = e.run("", "export", "--all", "--format", "google")
	if code != 1 || !strings.Contains(stderr, "left out fast.example/fifteen") || !strings.Contains(stderr, "left out "+bob.name) ||
		!strings.Contains(stderr, "exported 9 of 11 entries as 1 Google Authenticator QR code") {
		t.Fatalf("export --format google: exit %d, stderr:\n%s", code, stderr)
	}
	migration := strings.Fields(stdout)
	if len(migration) != 1 || !strings.HasPrefix(migration[0], "otpauth-migration://offline?data=") {
		t.Fatalf("google to stdout: %q", stdout)
	}
	migrationFile := filepath.Join(dir, "migration.txt")
	os.WriteFile(migrationFile, []byte(stdout), 0o600)
	e.importCompare("google text", "", googleWant, migrationFile)

	pngDir := filepath.Join(dir, "google")
	os.Mkdir(pngDir, 0o700)
	stdout, _, code = e.run("", "export", "--all", "--format", "google", "--out", pngDir)
	pngs := strings.Fields(stdout)
	if code != 1 || len(pngs) != 1 || pngs[0] != filepath.Join(pngDir, "google-1.png") {
		t.Fatalf("google PNGs: exit %d, files %q", code, pngs)
	}
	pngData := checkSecretFile(t, pngs[0])
	if got := realstore.Zbarimg(t, pngData); len(got) != 1 || !strings.HasPrefix(got[0], "otpauth-migration://offline?data=") {
		t.Errorf("zbarimg reads the Google PNG as %q", got)
	}
	e.importCompare("google PNG", "", googleWant, pngs...)

	// A picture of one key, drawn by qrencode.
	realstore.Require(t, "qrencode")
	qrFile := filepath.Join(dir, "alice.png")
	if out, err := exec.Command("qrencode", "-s", "5", "-o", qrFile, byName[alice.name]).CombinedOutput(); err != nil {
		t.Fatalf("qrencode: %v: %s", err, out)
	}
	e.importCompare("qrencode PNG", "", []string{byName[alice.name]}, qrFile)
	// The same picture as a JPEG, the way a phone saves a photo.
	f, err := os.Open(qrFile)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var jpg bytes.Buffer
	jpeg.Encode(&jpg, img, &jpeg.Options{Quality: 70})
	jpgFile := filepath.Join(dir, "alice.jpg")
	os.WriteFile(jpgFile, jpg.Bytes(), 0o600)
	e.importCompare("JPEG", "", []string{byName[alice.name]}, jpgFile)
}

// chromium finds the browser the e2e tests use.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/lib/chromium/chromium"); err == nil {
		return "/usr/lib/chromium/chromium"
	}
	realstore.Require(t, "chromium")
	p, _ := exec.LookPath("chromium")
	return p
}

// TestCLIPaperKit: the paper kit of the whole store, rendered by headless
// Chromium, shows a QR code per entry that zbarimg reads back to the
// entry's URI; it loads nothing; printed with #index-cards it makes one
// 5×3-inch page per card. A few named entries make a smaller kit.
func TestCLIPaperKit(t *testing.T) {
	e, byName := exportEnv(t)
	chrome := chromium(t)
	dir := t.TempDir()
	kit := filepath.Join(dir, "kit.html")
	stdout, stderr, code := e.run("", "export", "--all", "--paper", kit)
	if code != 0 || stdout != "" || !strings.Contains(stderr, "paper kit of 11 entries") {
		t.Fatalf("export --all --paper: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	page := string(checkSecretFile(t, kit))
	for _, want := range []string{"shop.example/&lt;b&gt;me", "&lt;script&gt;", "rcv1-aaaa-1111", "rcv2-bbbb-2222",
		"JBSW Y3DP EHPK 3PXP", "Destroy this file", "counter 9000000000"} {
		if !strings.Contains(page, want) {
			t.Errorf("the kit lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?i)https?:|<script|\ssrc=|url\(`).MatchString(page) {
		t.Errorf("the kit refers to something outside itself: %q", regexp.MustCompile(`(?i)https?:\S*|<script|\ssrc=\S*|url\(`).FindString(page))
	}

	// One Chromium run: a screenshot tall enough for every card, at twice
	// the pixel density so that each module is several pixels.
	shot := filepath.Join(dir, "kit.png")
	profile := filepath.Join(dir, "profile")
	cmd := exec.Command(chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir="+profile, "--force-device-scale-factor=2", "--window-size=900,3900",
		"--screenshot="+shot, "file://"+kit)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, out)
	}
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	got := realstore.Zbarimg(t, data)
	slices.Sort(got)
	if want := sortedValues(byName); !slices.Equal(got, want) {
		t.Errorf("zbarimg reads the rendered kit as\n%s\nwant every entry's URI\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Printed on Letter paper (headless Chromium's default; A4 is the
	// same page on another size): every card's QR code is whole on its
	// page and reads back to the entry's URI.
	letter := filepath.Join(dir, "letter.pdf")
	cmd = exec.Command(chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--user-data-dir="+profile, "--no-pdf-header-footer", "--print-to-pdf="+letter, "file://"+kit)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium --print-to-pdf: %v\n%s", err, out)
	}
	if got, want := printedQRCodes(t, letter), sortedValues(byName); !slices.Equal(got, want) {
		t.Errorf("zbarimg reads the kit printed on Letter as\n%s\nwant every entry's URI\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Index cards: one 5×3-inch page (360×216 points) per card.
	pdf := filepath.Join(dir, "cards.pdf")
	cmd = exec.Command(chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--user-data-dir="+profile, "--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+kit+"#index-cards")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium --print-to-pdf: %v\n%s", err, out)
	}
	if got, want := printedQRCodes(t, pdf), sortedValues(byName); !slices.Equal(got, want) {
		t.Errorf("zbarimg reads the kit printed on index cards as\n%s\nwant every entry's URI\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	pdfData, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`).FindAllStringSubmatch(string(pdfData), -1)
	if len(boxes) != 11 {
		t.Errorf("the index-card print has %d pages, want 11", len(boxes))
	}
	for _, b := range boxes {
		w, _ := strconv.ParseFloat(b[1], 64)
		h, _ := strconv.ParseFloat(b[2], 64)
		if w < 359 || w > 361 || h < 215 || h > 217 {
			t.Errorf("an index-card page is %v×%v points, want 360×216", b[1], b[2])
			break
		}
	}

	// A few named entries; a missing one is named and fails the command.
	small := filepath.Join(dir, "small.html")
	if _, stderr, code := e.run("", "export", "--paper", small, alice.name, bankName); code != 0 {
		t.Fatalf("export --paper NAME NAME: exit %d: %s", code, stderr)
	}
	if n := strings.Count(string(checkSecretFile(t, small)), `<svg class="qr"`); n != 2 {
		t.Errorf("a kit of two entries has %d QR codes", n)
	}
	if _, stderr, code := e.run("", "export", "--paper", small, alice.name, "no/such"); code != 1 || !strings.Contains(stderr, "failed no/such") {
		t.Errorf("a kit naming a missing entry: exit %d: %s", code, stderr)
	}
}

// printedQRCodes renders each page of a PDF with Ghostscript, as a printer
// would, and returns the QR codes zbarimg reads on the pages, sorted.
func printedQRCodes(t *testing.T, pdf string) []string {
	t.Helper()
	realstore.Require(t, "gs", "zbarimg")
	out := filepath.Join(t.TempDir(), "page-%03d.png")
	if b, err := exec.Command("gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", "-r200", "-sOutputFile="+out, pdf).CombinedOutput(); err != nil {
		t.Fatalf("gs: %v\n%s", err, b)
	}
	pages, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "page-*.png"))
	if len(pages) == 0 {
		t.Fatalf("gs rendered no page of %s", pdf)
	}
	// zbarimg exits 4 when it finds no code at all: an empty result.
	b, err := exec.Command("zbarimg", append([]string{"--quiet", "--raw"}, pages...)...).Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 4) {
		t.Fatalf("zbarimg: %v", err)
	}
	got := strings.Fields(string(b))
	slices.Sort(got)
	return got
}

// TestCLIExportUsage: options that do not go together are usage errors
// that write nothing.
func TestCLIExportUsage(t *testing.T) {
	e := newTestEnv(t)
	out := filepath.Join(t.TempDir(), "x")
	for _, args := range [][]string{
		{"export", "--all"},
		{"export", "--all", "--format", "csv"},
		{"export", "--format", "uri"},
		{"export", "--all", alice.name, "--format", "uri"},
		{"export", "--all", "--format", "uri", "--encrypt", "--out", out},
		{"export", "--all", "--format", "uri", "--paper", out},
		{"export", "--all", "--paper", out, "--out", out},
		{"export", alice.name, "--uri", "--all"},
	} {
		stdout, stderr, code := e.run("pw\n", args...)
		if code != 2 || stdout != "" || stderr == "" {
			t.Errorf("otpfill %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, stdout, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a usage error wrote a file")
	}
}

// TestCLIExportFileMode: a file export replaces an existing file with a
// new one of mode 0600, even where the old file was world-readable (a
// plain write would have kept its mode and put the secret in it).
func TestCLIExportFileMode(t *testing.T) {
	e := newTestEnv(t)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"export", alice.name, "--qr", "--out", filepath.Join(dir, "alice.png")},
		{"export", "--all", "--format", "uri", "--out", filepath.Join(dir, "keys.txt")},
	} {
		file := args[len(args)-1]
		if err := os.WriteFile(file, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(file, 0o644)
		_, stderr, _ := e.run("", args...)
		if data := checkSecretFile(t, file); string(data) == "old" {
			t.Errorf("otpfill %s did not write the file: %s", strings.Join(args, " "), stderr)
		}
	}
}

// TestCLIExportStoreMissing: export --all says which store it could not
// read: a configured one is a failure (exit 1, the rest still written), a
// default one that is not there (no keyring daemon here) a note.
func TestCLIExportStoreMissing(t *testing.T) {
	e := newTestEnv(t)
	os.RemoveAll(filepath.Join(e.StoreDir, "foreign"))
	cfg := filepath.Join(e.Home, "config.json")
	os.WriteFile(cfg, []byte(`{"stores": [{"id": "work", "kind": "pass", "path": "`+filepath.Join(e.Home, "no-such-store")+`"}]}`), 0o600)
	e.extra = append(e.extra, "OTPFILL_CONFIG="+cfg)
	stdout, stderr, code := e.run("", "export", "--all", "--format", "uri")
	if code != 1 || !strings.Contains(stderr, "failed: the work store cannot be read") || !strings.Contains(stderr, "note: the keyring store was not read") {
		t.Errorf("export --all with a missing store: exit %d, stderr:\n%s", code, stderr)
	}
	if n := len(strings.Fields(stdout)); n != 7 {
		t.Errorf("%d URIs written, want the pass store's 7", n)
	}
}
