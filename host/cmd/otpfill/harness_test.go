package main

// The harness for the end-to-end tests: the built binary, a pass store made
// once by gpg and pass themselves and copied for each test, and a host
// process spoken to through framed stdin/stdout as a browser does.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otpfill/otpfill/host/internal/realstore"
	"github.com/otpfill/otpfill/protocol"
)

// otpfillBin is the otpfill binary built once by TestMain.
var otpfillBin string

func TestMain(m *testing.M) {
	// Every test here runs the real binary against real programs: that is
	// `make test`; `make check` (-short) leaves them out.
	flag.Parse()
	if testing.Short() {
		fmt.Println("skipped: the real-binary tests do not run under -short")
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "otpfill-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	otpfillBin = filepath.Join(dir, "otpfill")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	build := exec.Command(goTool, "build", "-o", otpfillBin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building otpfill: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	if shared.env != nil {
		shared.env.Close()
	}
	if shared.teammate != nil {
		shared.teammate.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// An otpEntry is a TOTP entry of the fixture store and what oathtool needs
// to compute its code.
type otpEntry struct {
	name   string
	uri    string
	secret string
	alg    string
	digits int
	period int
}

// The fixture store. Every secret here is listed in fixtureSecrets, which
// must never show up in a response, on stderr or in the log.
var (
	alice = otpEntry{name: "github.com/alice", uri: "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
		secret: "JBSWY3DPEHPK3PXP", alg: "sha1", digits: 6, period: 30}
	work = otpEntry{name: "2fa/github.com/work", uri: "otpauth://totp/GitHub:work?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub&algorithm=SHA512&digits=8",
		secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", alg: "sha512", digits: 8, period: 30}
	personal = otpEntry{name: "GitHub/personal", uri: "otpauth://totp/GitHub:personal?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=GitHub",
		secret: "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U", alg: "sha1", digits: 6, period: 30}
	// bob is written with `pass insert -m`: a password first, the URI later.
	bob = otpEntry{name: "gitlab.com/bob", uri: "otpauth://totp/GitLab:bob?secret=GEZDGNBVGY3TQOJRGEZDGNBVGY3TQOJR&algorithm=SHA256&digits=8&period=60",
		secret: "GEZDGNBVGY3TQOJRGEZDGNBVGY3TQOJR", alg: "sha256", digits: 8, period: 60}
	// ops lives in team/, whose .gpg-id lists the user's second key and a
	// teammate's key.
	ops = otpEntry{name: "team/aws.amazon.com/ops", uri: "otpauth://totp/AWS:ops?secret=MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK",
		secret: "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK", alg: "sha1", digits: 6, period: 30}
	carol = otpEntry{name: "bitbucket.org/carol", uri: "otpauth://totp/Bitbucket:carol?secret=KRUGKIDROVUWG2ZAMJZG653OEBTG66BA&issuer=Bitbucket",
		secret: "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA", alg: "sha1", digits: 6, period: 30}

	bobContent = "hunter2-bob-password\nuser: bob\n" + bob.uri + "\n"

	// bank is an HOTP entry at counter 5.
	bankName    = "bank.example.com/me"
	bankSecret  = "ONSWG4TFOQYTEMZUGU3DOOBZONSWG4TF"
	bankURI     = "otpauth://hotp/Bank:me?secret=" + bankSecret + "&issuer=Bank&counter=5"
	bankCounter = uint64(5)

	// foreignName is encrypted to the teammate's key only.
	foreignName   = "foreign/example.org"
	foreignSecret = "NBSWY3DPO5XXE3DENBSWY3DPO5XXE3DE"
	// notesName holds a password and no OTP data.
	notesName = "notes/wifi"

	totpEntries = []otpEntry{alice, work, personal, bob, ops, carol}
	// fixtureNames is every entry of the fixture store, sorted.
	fixtureNames = sorted(alice.name, work.name, personal.name, bob.name, ops.name, carol.name, bankName, foreignName, notesName)

	fixtureSecrets = []string{alice.secret, work.secret, personal.secret, bob.secret, ops.secret, carol.secret,
		bankSecret, foreignSecret, "hunter2-bob-password", "wifi-password-secret"}
)

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

// shared is the fixture, built by the first test that needs it.
var shared struct {
	once     sync.Once
	ok       bool
	env      *realstore.Env // the user: keys One and Two, the store
	teammate *realstore.Env // a teammate: key Mate, not the user's
	mateKey  string
}

// fixture returns the fixture store, building it on first use.
func fixture(t *testing.T) *realstore.Env {
	t.Helper()
	realstore.Require(t, "git")
	shared.once.Do(func() {
		mate := realstore.NewShared(t)
		shared.teammate = mate
		shared.mateKey = mate.NewKey("Mate <mate@example.invalid>")
		matePub := mate.Run("", "gpg", "--batch", "--armor", "--export", shared.mateKey)

		e := realstore.NewShared(t)
		shared.env = e
		k1 := e.NewKey("One <one@example.invalid>")
		k2 := e.NewKey("Two <two@example.invalid>")
		e.Run(matePub, "gpg", "--batch", "--import")
		e.Run(shared.mateKey+":6:\n", "gpg", "--batch", "--import-ownertrust")

		e.Init("", k1)
		e.Run("", "pass", "git", "init")
		e.Init("team", k2, shared.mateKey)
		e.Init("foreign", shared.mateKey)
		for _, o := range []otpEntry{alice, work, personal, ops, carol} {
			e.InsertOTP(o.name, o.uri)
		}
		e.InsertMultiline(bob.name, bobContent)
		e.InsertOTP(bankName, bankURI)
		e.InsertMultiline(foreignName, "otpauth://totp/Example:x?secret="+foreignSecret+"\n")
		e.InsertMultiline(notesName, "wifi-password-secret\nnote: no OTP here\n")
		shared.ok = true
	})
	if !shared.ok {
		t.Fatal("the shared fixture store could not be built (see the first test that failed)")
	}
	return shared.env
}

// testEnv is one test's copy of the fixture, with everything that must
// never leak collected for the checks at the end of the test.
type testEnv struct {
	*realstore.Env
	t     *testing.T
	extra []string // more environment for otpfill
	// wrap, when set, is a command otpfill runs under: wrap's words, then
	// otpfill's path and arguments (it must exec otpfill in its own process).
	wrap []string

	mu      sync.Mutex
	secrets []string // substrings that must not leak
	codes   []string // codes the host gave out
	stderrs []string // stderr of every otpfill process
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	e := &testEnv{Env: fixture(t).Clone(t), t: t, secrets: slices.Clone(fixtureSecrets)}
	t.Cleanup(e.checkNoLeaks)
	return e
}

// environ is what otpfill runs with: temp HOME, GNUPGHOME, store and XDG
// dirs, no D-Bus session (so no keyring), and the most verbose log level so
// that the leak checks see everything the host can log.
func (e *testEnv) environ() []string {
	return e.Environ(append([]string{"OTPFILL_LOG=trace"}, e.extra...)...)
}

func (e *testEnv) addSecret(s ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.secrets = append(e.secrets, s...)
}

func (e *testEnv) addCode(c string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.codes = append(e.codes, c)
}

func (e *testEnv) addStderr(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stderrs = append(e.stderrs, s)
}

func (e *testEnv) logFile() string {
	return filepath.Join(e.Home, ".state", "otpfill", "otpfill.log")
}

// checkNoLeaks: no secret and no code in any stderr or in the log file.
func (e *testEnv) checkNoLeaks() {
	t := e.t
	logData, err := os.ReadFile(e.logFile())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("reading the log: %v", err)
	}
	texts := map[string]string{"the log file": string(logData)}
	for i, s := range e.stderrs {
		texts[fmt.Sprintf("stderr of otpfill run %d", i+1)] = s
	}
	for where, text := range texts {
		for _, s := range e.secrets {
			if strings.Contains(text, s) || strings.Contains(text, strings.ToLower(s)) {
				t.Errorf("%s contains the secret %.12s…:\n%s", where, s, text)
			}
		}
		for _, c := range e.codes {
			if containsCode(text, c) {
				t.Errorf("%s contains the code %s:\n%s", where, c, text)
			}
		}
	}
}

// containsCode finds a code as a whole token: not inside a longer number, a
// decimal (log durations) or a hex key id.
func containsCode(text, code string) bool {
	re := regexp.MustCompile(`(^|[^0-9A-Za-z.])` + regexp.QuoteMeta(code) + `($|[^0-9A-Za-z.])`)
	return re.MatchString(text)
}

// treeHash hashes every path, mode and content under dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%v\x00", p, info.Mode())
		if d.Type().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func fileHash(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Arguments browsers start the host with.
var (
	chromeArgs  = []string{"chrome-extension://jildhmdggadikfdjbdajmpndajodgmmh/"}
	firefoxArgs = []string{"/path/to/io.github.otpfill.json", "otpfill@otpfill.github.io"}
)

// host is a running otpfill process in host mode.
type host struct {
	t     *testing.T
	env   *testEnv
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   io.Reader    // stdout, teed into raw
	raw   bytes.Buffer // every byte the host wrote to stdout
	err   lockedBuffer
	done  bool
	// answers counts the frames read, which must be all of stdout.
	answers  int
	watchdog *time.Timer
}

func (e *testEnv) startHost(args ...string) *host {
	e.t.Helper()
	if len(args) == 0 {
		args = chromeArgs
	}
	h := &host{t: e.t, env: e}
	h.cmd = e.command(args...)
	h.cmd.Env = e.environ()
	h.cmd.Dir = e.Home
	h.cmd.Stderr = &h.err
	var err error
	if h.stdin, err = h.cmd.StdinPipe(); err != nil {
		e.t.Fatal(err)
	}
	stdout, err := h.cmd.StdoutPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	h.out = bufio.NewReader(io.TeeReader(stdout, &h.raw))
	if err := h.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	// A host that hangs fails the test instead of blocking it forever.
	h.watchdog = time.AfterFunc(2*time.Minute, func() { h.cmd.Process.Kill() })
	e.t.Cleanup(func() {
		if !h.done {
			h.cmd.Process.Kill()
			h.cmd.Wait()
		}
	})
	return h
}

// sendRaw writes one frame with body and reads the answer.
func (h *host) sendRaw(body []byte) map[string]any {
	h.t.Helper()
	if err := protocol.WriteFrame(h.stdin, body); err != nil {
		h.t.Fatalf("writing a request: %v", err)
	}
	return h.read()
}

// read reads one response frame and checks what every response must be.
func (h *host) read() map[string]any {
	h.t.Helper()
	// Read with a larger limit than the browsers', to see an oversized frame
	// rather than a confusing read error.
	frame, err := protocol.ReadFrame(h.out, 64<<20)
	if err != nil {
		h.t.Fatalf("reading a response: %v (stderr: %s)", err, h.err.String())
	}
	h.answers++
	if len(frame) > protocol.MaxResponseSize {
		h.t.Fatalf("a response of %d bytes exceeds the 1 MiB browser limit", len(frame))
	}
	resp := checkEnvelope(h.t, frame)
	h.env.mu.Lock()
	secrets := slices.Clone(h.env.secrets)
	h.env.mu.Unlock()
	for _, s := range secrets {
		if bytes.Contains(frame, []byte(s)) || bytes.Contains(frame, []byte(strings.ToLower(s))) {
			h.t.Errorf("a response carries the secret %.12s…: %s", s, frame)
		}
	}
	if c, ok := resp["code"].(string); ok {
		h.env.addCode(c)
	}
	return resp
}

// checkEnvelope decodes a response and checks its envelope.
func checkEnvelope(t *testing.T, frame []byte) map[string]any {
	t.Helper()
	var resp map[string]any
	if err := json.Unmarshal(frame, &resp); err != nil {
		t.Fatalf("a response is not a JSON object: %v: %q", err, frame)
	}
	if _, ok := resp["id"].(string); !ok {
		t.Errorf("response without a string id: %s", frame)
	}
	if p, _ := resp["protocol"].(float64); p != 1 {
		t.Errorf("response without protocol 1: %s", frame)
	}
	ok, isBool := resp["ok"].(bool)
	if !isBool {
		t.Errorf("response without a boolean ok: %s", frame)
	}
	if !ok {
		e, _ := resp["error"].(map[string]any)
		code, _ := e["code"].(string)
		msg, _ := e["message"].(string)
		if code == "" || strings.TrimSpace(msg) == "" {
			t.Errorf("error response without a code and a message: %s", frame)
		}
	}
	return resp
}

// call sends a request and returns the response.
func (h *host) call(req map[string]any) map[string]any {
	h.t.Helper()
	body, err := json.Marshal(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp := h.sendRaw(body)
	if id, ok := req["id"].(string); ok && resp["id"] != id {
		h.t.Errorf("response id %q, want %q", resp["id"], id)
	}
	return resp
}

// ok sends a request that must succeed.
func (h *host) ok(req map[string]any) map[string]any {
	h.t.Helper()
	resp := h.call(req)
	if resp["ok"] != true {
		h.t.Fatalf("%v: %v", req["action"], resp["error"])
	}
	return resp
}

// fail sends a request that must fail with code, and returns the error object.
func (h *host) fail(req map[string]any, code protocol.Code) map[string]any {
	h.t.Helper()
	return expectError(h.t, h.call(req), code)
}

func expectError(t *testing.T, resp map[string]any, code protocol.Code) map[string]any {
	t.Helper()
	e, _ := resp["error"].(map[string]any)
	if resp["ok"] != false || e["code"] != string(code) {
		t.Fatalf("got %v, want error %s", resp, code)
	}
	return e
}

// close ends the input, as the browser does, and returns the exit status
// after checking that stdout held nothing but whole frames.
func (h *host) close() int {
	h.t.Helper()
	h.stdin.Close()
	return h.wait()
}

// wait waits for the host to exit on its own (stdin stays open).
func (h *host) wait() int {
	h.t.Helper()
	rest, _ := io.ReadAll(h.out)
	err := h.cmd.Wait()
	h.done = true
	h.watchdog.Stop()
	h.env.addStderr(h.err.String())
	// The whole of stdout, from the start, must be frames and nothing else.
	r := bytes.NewReader(h.raw.Bytes())
	n := 0
	for {
		frame, err := protocol.ReadFrame(r, 64<<20)
		if err == io.EOF {
			break
		}
		if err != nil {
			h.t.Fatalf("stdout is not a sequence of frames after %d frames: %v", n, err)
		}
		checkEnvelope(h.t, frame)
		n++
	}
	if len(rest) != 0 {
		h.t.Errorf("the host wrote %d bytes (%d frames) after the last answer read", len(rest), countFrames(rest))
	} else if n != h.answers {
		h.t.Errorf("stdout held %d frames, %d were read", n, h.answers)
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.Exited():
		return exit.ExitCode()
	}
	h.t.Fatalf("otpfill did not exit normally: %v (stderr: %s)", err, h.err.String())
	return -1
}

// lockedBuffer is a bytes.Buffer that the process's stderr copier and the
// test can use at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// countFrames counts the whole frames in b (answers not read by the test).
func countFrames(b []byte) int {
	r := bytes.NewReader(b)
	n := 0
	for {
		if _, err := protocol.ReadFrame(r, 64<<20); err != nil {
			return n
		}
		n++
	}
}

// closeOK closes the connection and requires exit status 0.
func (h *host) closeOK() {
	h.t.Helper()
	if code := h.close(); code != 0 {
		h.t.Errorf("otpfill exited with %d after EOF, want 0; stderr:\n%s", code, h.err.String())
	}
}

// run runs the CLI and returns stdout, stderr and the exit status.
// command is otpfill with args, under e.wrap if set.
func (e *testEnv) command(args ...string) *exec.Cmd {
	if len(e.wrap) == 0 {
		return exec.Command(otpfillBin, args...)
	}
	words := append(slices.Clone(e.wrap[1:]), otpfillBin)
	return exec.Command(e.wrap[0], append(words, args...)...)
}

func (e *testEnv) run(stdin string, args ...string) (string, string, int) {
	e.t.Helper()
	cmd := e.command(args...)
	cmd.Env = e.environ()
	cmd.Dir = e.Home
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	e.addStderr(stderr.String())
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), stderr.String(), 0
	case errors.As(err, &exit) && exit.Exited():
		return stdout.String(), stderr.String(), exit.ExitCode()
	}
	e.t.Fatalf("otpfill %s: %v", strings.Join(args, " "), err)
	return "", "", -1
}

// oathtoolAt is oathtool's code for o at a unix time.
func oathtoolAt(t *testing.T, o otpEntry, unix int64) string {
	return realstore.Oathtool(t, o.secret, o.alg, o.digits, o.period, unix)
}

// checkTOTP checks a code response for o: its fields, and the code.
func checkTOTP(t *testing.T, resp map[string]any, o otpEntry, before, after time.Time) {
	t.Helper()
	if resp["name"] != o.name || resp["store"] != "pass" || resp["type"] != "totp" {
		t.Errorf("code for %s: name/store/type = %v/%v/%v", o.name, resp["name"], resp["store"], resp["type"])
	}
	if resp["digits"] != float64(o.digits) || resp["period"] != float64(o.period) {
		t.Errorf("code for %s: digits %v period %v, want %d and %d", o.name, resp["digits"], resp["period"], o.digits, o.period)
	}
	checkCode(t, resp, o, before, after)
}

// checkCode checks that the response's code is oathtool's for the time
// step the host says it used (expires_at ends it), and that this step holds
// a moment between before and after, when the request was in flight.
func checkCode(t *testing.T, resp map[string]any, o otpEntry, before, after time.Time) {
	t.Helper()
	code, _ := resp["code"].(string)
	exp, _ := resp["expires_at"].(float64)
	ms := int64(exp)
	periodMS := int64(o.period) * 1000
	if ms%periodMS != 0 || ms <= before.UnixMilli() || ms-periodMS > after.UnixMilli() {
		t.Fatalf("code for %s: expires_at %d is not the end of the step in use between %d and %d", o.name, ms, before.UnixMilli(), after.UnixMilli())
	}
	if want := oathtoolAt(t, o, ms/1000-int64(o.period)); code != want {
		t.Errorf("code for %s = %q, oathtool says %q", o.name, code, want)
	}
}

// oneOf reports whether code is oathtool's for o at before or after (the
// two may be in neighbouring steps).
func oneOf(t *testing.T, code string, o otpEntry, before, after time.Time) bool {
	t.Helper()
	return code == oathtoolAt(t, o, before.Unix()) || code == oathtoolAt(t, o, after.Unix())
}

// passOTP runs `pass otp NAME` and checks it against oathtool.
func (e *testEnv) passOTP(o otpEntry) (code string, before, after time.Time) {
	e.t.Helper()
	before = time.Now()
	code = e.PassOTP(o.name)
	after = time.Now()
	if !oneOf(e.t, code, o, before, after) {
		e.t.Errorf("pass otp %s = %s, which is not oathtool's", o.name, code)
	}
	return code, before, after
}
