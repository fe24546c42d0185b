package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEncodeResult(t *testing.T) {
	tests := []struct {
		name   string
		id     string
		result any
		want   string
	}{
		{"nil", "1", nil, `{"id":"1","ok":true,"protocol":1}`},
		{"nil pointer", "1", (*CodeResult)(nil), `{"id":"1","ok":true,"protocol":1}`},
		{"empty struct", "1", struct{}{}, `{"id":"1","ok":true,"protocol":1}`},
		{"hello", "h", HelloResult{Version: "1.0.0", Protocol: Version, Stores: []StoreStatus{
			{ID: "pass", Kind: "pass", OK: true},
			{ID: "keyring", Kind: "keyring", OK: false, Error: "no keyring"},
		}}, `{"id":"h","ok":true,"protocol":1,"version":"1.0.0","stores":[{"id":"pass","kind":"pass","ok":true},{"id":"keyring","kind":"keyring","ok":false,"error":"no keyring"}]}`},
		{"hello without stores", "h", HelloResult{Version: "dev", Protocol: 1}, `{"id":"h","ok":true,"protocol":1,"version":"dev","stores":[]}`},
		{"list empty", "2", ListResult{}, `{"id":"2","ok":true,"protocol":1,"entries":[]}`},
		{"list empty pointer", "2", &ListResult{}, `{"id":"2","ok":true,"protocol":1,"entries":[]}`},
		{"list page", "2", ListResult{Entries: []EntryRef{{Name: "github.com/alice", Store: "pass"}}, Cursor: "c1"},
			`{"id":"2","ok":true,"protocol":1,"entries":[{"name":"github.com/alice","store":"pass"}],"cursor":"c1"}`},
		{"match empty", "3", MatchResult{}, `{"id":"3","ok":true,"protocol":1,"entries":[]}`},
		{"match without a second copy", "3", MatchResult{Entries: []MatchEntry{{Name: "a.example/me", Store: "pass", Strength: StrengthExact, Backup: new(bool)}}},
			`{"id":"3","ok":true,"protocol":1,"entries":[{"name":"a.example/me","store":"pass","strength":"exact","backup":false}]}`},
		{"list without a second copy", "2", ListResult{Entries: []EntryRef{{Name: "a.example/me", Store: "keyring", Backup: new(bool)}}},
			`{"id":"2","ok":true,"protocol":1,"entries":[{"name":"a.example/me","store":"keyring","backup":false}]}`},
		{"match", "3", MatchResult{Entries: []MatchEntry{{Name: "github.com/alice", Store: "pass", Strength: StrengthExact}, {Name: "GitHub/bob", Store: "keyring", Strength: StrengthWeak}}},
			`{"id":"3","ok":true,"protocol":1,"entries":[{"name":"github.com/alice","store":"pass","strength":"exact"},{"name":"GitHub/bob","store":"keyring","strength":"weak"}]}`},
		{"totp code", "4", CodeResult{Name: "n", Store: "pass", Type: TypeTOTP, Code: "123456", Digits: 6, Period: 30, ExpiresAt: 1700000010000},
			`{"id":"4","ok":true,"protocol":1,"name":"n","store":"pass","type":"totp","code":"123456","digits":6,"period":30,"expires_at":1700000010000}`},
		{"hotp code", "4", CodeResult{Name: "n", Store: "pass", Type: TypeHOTP, Code: "12345678", Digits: 8},
			`{"id":"4","ok":true,"protocol":1,"name":"n","store":"pass","type":"hotp","code":"12345678","digits":8}`},
		{"save", "5", SaveResult{Name: "a.example/me", Stores: []string{"pass", "keyring"}, Code: "000111", ExpiresAt: 5},
			`{"id":"5","ok":true,"protocol":1,"name":"a.example/me","stores":["pass","keyring"],"code":"000111","expires_at":5}`},
		{"save no stores", "5", SaveResult{Name: "n", Code: "1"}, `{"id":"5","ok":true,"protocol":1,"name":"n","stores":[],"code":"1"}`},
		{"save_recovery", "6", SaveRecoveryResult{Name: "n"}, `{"id":"6","ok":true,"protocol":1,"name":"n","stores":[]}`},
		{"alias", "7", AliasResult{Site: "id.atlassian.com"}, `{"id":"7","ok":true,"protocol":1,"site":"id.atlassian.com"}`},
		{"map", "8", map[string]any{"b": 2, "a": "x"}, `{"id":"8","ok":true,"protocol":1,"a":"x","b":2}`},
		{"id escaped", "a\"b\n<", nil, `{"id":"a\"b\n\u003c","ok":true,"protocol":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeResult(tt.id, tt.result)
			if err != nil {
				t.Fatalf("EncodeResult: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("EncodeResult =\n%s\nwant\n%s", got, tt.want)
			}
			if !json.Valid(got) {
				t.Errorf("EncodeResult produced invalid JSON")
			}
		})
	}
}

func TestEncodeResultErrors(t *testing.T) {
	tests := []struct {
		name    string
		result  any
		wantErr error
	}{
		{"not an object", []string{"a"}, nil},
		{"a string", "ok", nil},
		{"sets id", map[string]string{"id": "other"}, nil},
		{"sets ok", map[string]bool{"ok": false}, nil},
		{"sets error", map[string]string{"error": "x"}, nil},
		{"wrong protocol", HelloResult{Version: "1", Protocol: 2}, nil},
		{"forgotten protocol", HelloResult{Version: "1"}, nil},
		{"unencodable", map[string]any{"f": func() {}}, nil},
		{"too large", ListResult{Entries: manyEntries(MaxResponseSize / 20)}, ErrResponseTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeResult("1", tt.result)
			if err == nil {
				t.Fatalf("EncodeResult accepted it: %.200s", got)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if got != nil {
				t.Errorf("EncodeResult returned %d bytes with an error", len(got))
			}
		})
	}
}

func manyEntries(n int) []EntryRef {
	entries := make([]EntryRef, n)
	for i := range entries {
		entries[i] = EntryRef{Name: "example.com/someone", Store: "pass"}
	}
	return entries
}

// A result just under the limit is sent; EncodeResult and WriteFrame agree
// on the limit.
func TestEncodeResultAtLimit(t *testing.T) {
	empty, err := EncodeResult("1", AliasResult{})
	if err != nil {
		t.Fatal(err)
	}
	site := strings.Repeat("s", MaxResponseSize-len(empty))
	got, err := EncodeResult("1", AliasResult{Site: site})
	if err != nil {
		t.Fatalf("EncodeResult at exactly the limit: %v", err)
	}
	if len(got) != MaxResponseSize {
		t.Fatalf("len = %d, want %d", len(got), MaxResponseSize)
	}
	if err := WriteFrame(io.Discard, got); err != nil {
		t.Errorf("WriteFrame refused what EncodeResult produced: %v", err)
	}
	if _, err := EncodeResult("1", AliasResult{Site: site + "s"}); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("one byte over: error = %v, want ErrResponseTooLarge", err)
	}
}

func TestEncodeError(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		code    Code
		message string
		extra   map[string]any
		want    string
	}{
		{"plain", "1", CodeNotFound, "no entry matches github.com", nil,
			`{"id":"1","ok":false,"protocol":1,"error":{"code":"not_found","message":"no entry matches github.com"}}`},
		{"no id", "", CodeTooLarge, "too large", nil,
			`{"id":"","ok":false,"protocol":1,"error":{"code":"too_large","message":"too large"}}`},
		{"candidates", "2", CodeAmbiguous, "2 entries match", map[string]any{
			"candidates": []EntryRef{{Name: "github.com/alice", Store: "pass"}, {Name: "github.com/bob", Store: "pass"}}},
			`{"id":"2","ok":false,"protocol":1,"error":{"code":"ambiguous","message":"2 entries match","candidates":[{"name":"github.com/alice","store":"pass"},{"name":"github.com/bob","store":"pass"}]}}`},
		{"extras sorted, code and message kept", "3", CodeInternal, "m", map[string]any{"z": 1, "a": true, "code": "x", "message": "y"},
			`{"id":"3","ok":false,"protocol":1,"error":{"code":"internal","message":"m","a":true,"z":1}}`},
		{"unencodable extra dropped", "4", CodeInternal, "m", map[string]any{"f": func() {}},
			`{"id":"4","ok":false,"protocol":1,"error":{"code":"internal","message":"m"}}`},
		{"huge extra dropped", "5", CodeAmbiguous, "m", map[string]any{"candidates": manyEntries(MaxResponseSize / 20)},
			`{"id":"5","ok":false,"protocol":1,"error":{"code":"ambiguous","message":"m"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EncodeError(tt.id, tt.code, tt.message, tt.extra)
			if string(got) != tt.want {
				t.Errorf("EncodeError =\n%.300s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// EncodeError must always give something WriteFrame will send, however
// large or odd its inputs are.
func TestEncodeErrorNeverTooLarge(t *testing.T) {
	// 768 KiB that escape to 2 MiB of JSON: \u0001 for each control byte.
	huge := strings.Repeat("\x01é", MaxResponseSize/4)
	tests := []struct {
		name, id, message string
		wantID            bool
	}{
		{"huge message", "1", huge, true},
		{"huge id", huge, "m", false},
		{"both", huge, huge, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EncodeError(tt.id, CodeInternal, tt.message, map[string]any{"x": huge})
			if len(got) > MaxResponseSize {
				t.Fatalf("EncodeError produced %d bytes", len(got))
			}
			if !json.Valid(got) || !utf8.Valid(got) {
				t.Fatalf("EncodeError produced invalid JSON")
			}
			var resp struct {
				ID    string `json:"id"`
				Error struct {
					Code    Code   `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if err := json.Unmarshal(got, &resp); err != nil {
				t.Fatal(err)
			}
			if resp.Error.Code != CodeInternal || resp.Error.Message == "" {
				t.Errorf("lost the code or the message: %+v", resp.Error)
			}
			if tt.wantID && resp.ID != tt.id {
				t.Errorf("dropped an id it had room for")
			}
			if err := WriteFrame(io.Discard, got); err != nil {
				t.Errorf("WriteFrame: %v", err)
			}
		})
	}
}

// The error codes are a contract with installed extensions: values never
// change and the list only grows at its end.
func TestCodeValues(t *testing.T) {
	codes := []Code{CodeBadRequest, CodeTooLarge, CodeUnknownAction, CodeNotFound,
		CodeAmbiguous, CodeExists, CodeInvalidURI, CodeInvalidName,
		CodeStoreUnavailable, CodeDecryptFailed, CodeEncryptFailed, CodeForbidden,
		CodeInternal}
	want := []string{"bad_request", "too_large", "unknown_action", "not_found",
		"ambiguous", "exists", "invalid_uri", "invalid_name", "store_unavailable",
		"decrypt_failed", "encrypt_failed", "forbidden", "internal"}
	for i, c := range codes {
		if string(c) != want[i] {
			t.Errorf("code %d = %q, want %q", i, c, want[i])
		}
	}
}

// hostStub answers requests the way the host does, to exercise Call.
func hostStub(t *testing.T, in io.Reader, out io.Writer) {
	t.Helper()
	for {
		body, err := ReadFrame(in, MaxRequestSize)
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Errorf("host: %v", err)
			return
		}
		var resp []byte
		req, err := DecodeRequest(body)
		var re *RequestError
		switch {
		case errors.As(err, &re):
			resp = EncodeError(re.ID, re.Code, re.Msg, nil)
		case err != nil:
			t.Errorf("host: %v", err)
			return
		case req.Action == ActionMatch:
			var p MatchParams
			if err := req.Params(&p); errors.As(err, &re) {
				resp = EncodeError(re.ID, re.Code, re.Msg, nil)
				break
			}
			resp = EncodeError(req.ID, CodeAmbiguous, "several entries match",
				map[string]any{"candidates": []EntryRef{{Name: "a", Store: "pass"}, {Name: "b", Store: "pass"}}})
		default:
			if resp, err = EncodeResult(req.ID, HelloResult{Version: "test", Protocol: Version}); err != nil {
				t.Errorf("host: %v", err)
				return
			}
		}
		if err := WriteFrame(out, resp); err != nil {
			t.Errorf("host: %v", err)
			return
		}
	}
}

func TestCall(t *testing.T) {
	toHost, fromBrowser := io.Pipe()
	toBrowser, fromHost := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer fromHost.Close()
		hostStub(t, toHost, fromHost)
	}()

	resp, err := Call(fromBrowser, toBrowser, map[string]any{"id": "1", "action": ActionHello})
	if err != nil {
		t.Fatalf("hello: %v", err)
	}
	if resp["id"] != "1" || resp["ok"] != true || resp["protocol"] != float64(Version) || resp["version"] != "test" {
		t.Errorf("hello response = %v", resp)
	}

	resp, err = Call(fromBrowser, toBrowser, map[string]any{"id": "2", "action": ActionMatch, "url": "https://a.example/"})
	var respErr *ResponseError
	if !errors.As(err, &respErr) || !errors.Is(err, ErrErrorResponse) {
		t.Fatalf("ambiguous: error = %v, want a *ResponseError", err)
	}
	if respErr.Code != CodeAmbiguous || respErr.Message == "" || resp["id"] != "2" {
		t.Errorf("ambiguous: got %+v", respErr)
	}
	errObj, _ := resp["error"].(map[string]any)
	if candidates, _ := errObj["candidates"].([]any); len(candidates) != 2 {
		t.Errorf("candidates = %v, want 2", errObj["candidates"])
	}

	_, err = Call(fromBrowser, toBrowser, map[string]any{"id": "3", "action": ActionMatch, "url": 5})
	if !errors.As(err, &respErr) || respErr.Code != CodeBadRequest || !strings.Contains(respErr.Message, `"url"`) {
		t.Errorf("bad url: error = %v, want bad_request naming url", err)
	}

	fromBrowser.Close()
	<-done
	if _, err := Call(io.Discard, bytes.NewReader(nil), map[string]string{"action": "hello"}); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("host gone: error = %v, want io.ErrUnexpectedEOF", err)
	}
}
