package protocol

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeRequest(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantID     string
		wantAction string
	}{
		{"minimal", `{"action":"hello"}`, "", "hello"},
		{"with id", `{"id":"42","action":"list"}`, "42", "list"},
		{"params", `{"id":"a","action":"match","url":"https://github.com/login"}`, "a", "match"},
		{"whitespace around", " \r\n\t{\"action\" : \"hello\" , \"id\":\"x\"}\n ", "x", "hello"},
		{"unknown fields", `{"action":"hello","future":{"nested":[1,2]},"id":"1"}`, "1", "hello"},
		{"unknown action passes", `{"action":"teleport"}`, "", "teleport"},
		{"escaped strings", `{"id":"\u00e9\n","action":"h\u0065llo"}`, "é\n", "hello"},
		{"id at max length", `{"action":"hello","id":"` + strings.Repeat("i", MaxIDLength) + `"}`, strings.Repeat("i", MaxIDLength), "hello"},
		{"empty id", `{"action":"hello","id":""}`, "", "hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := DecodeRequest([]byte(tt.body))
			if err != nil {
				t.Fatalf("DecodeRequest: %v", err)
			}
			if req.ID != tt.wantID || req.Action != tt.wantAction {
				t.Errorf("got id %q action %q, want id %q action %q", req.ID, req.Action, tt.wantID, tt.wantAction)
			}
			if strings.TrimSpace(string(req.Raw)) != strings.TrimSpace(tt.body) {
				t.Errorf("Raw = %s, want the whole object", req.Raw)
			}
		})
	}
}

// secret is planted in malformed requests: no error message may quote it.
const secret = "JBSWY3DPEHPK3PXP"

func TestDecodeRequestErrors(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantID  string
		wantMsg string
	}{
		{"empty body", ``, "", "empty"},
		{"whitespace only", " \n\t", "", "empty"},
		{"non-JSON space", "\u00a0", "", "not valid JSON"},
		{"invalid UTF-8", "{\"action\":\"hello\",\"uri\":\"" + secret + "\xff\"}", "", "UTF-8"},
		{"not JSON", secret, "", "not valid JSON"},
		{"unterminated object", `{"action":"hello","uri":"x"`, "", "ends too early"},
		{"truncated JSON", `{"action":"hello","uri":"` + secret, "", "not valid JSON"},
		{"array", `[{"action":"hello"}]`, "", "not a JSON object"},
		{"string", `"` + secret + `"`, "", "not a JSON object"},
		{"null", `null`, "", "not a JSON object"},
		{"number", `42`, "", "not a JSON object"},
		{"trailing object", `{"action":"hello"}{"action":"list"}`, "", "data after"},
		{"trailing garbage", `{"action":"hello"}` + secret, "", "data after"},
		{"trailing NUL", "{\"action\":\"hello\"}\x00", "", "data after"},
		{"id number", `{"id":1,"action":"hello"}`, "", `"id" must be a string`},
		{"id null", `{"id":null,"action":"hello"}`, "", `"id" must be a string`},
		{"id object", `{"id":{"a":"` + secret + `"},"action":"hello"}`, "", `"id" must be a string`},
		{"id too long", `{"id":"` + strings.Repeat("i", MaxIDLength+1) + `","action":"hello"}`, "", `"id" is longer`},
		{"action missing", `{"id":"7"}`, "7", `"action" is missing`},
		{"action empty", `{"id":"7","action":""}`, "7", `"action" is empty`},
		{"action number", `{"id":"7","action":1}`, "7", `"action" must be a string`},
		{"action null", `{"id":"7","action":null}`, "7", `"action" must be a string`},
		{"action array", `{"id":"7","action":["hello"]}`, "7", `"action" must be a string`},
		{"action wrong case", `{"id":"7","Action":"hello"}`, "7", `"action" is missing`},
		{"duplicate action", `{"action":"hello","action":"save"}`, "", `duplicate field "action"`},
		{"duplicate odd field", `{"action":"hello","` + secret + `":1,"` + secret + `":2}`, "", "duplicate field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := DecodeRequest([]byte(tt.body))
			if err == nil {
				t.Fatalf("DecodeRequest accepted %q as %+v", tt.body, req)
			}
			if req != nil {
				t.Errorf("DecodeRequest returned a request with an error")
			}
			var re *RequestError
			if !errors.As(err, &re) {
				t.Fatalf("error %v (%T) is not a *RequestError", err, err)
			}
			if re.Code != CodeBadRequest {
				t.Errorf("code = %q, want %q", re.Code, CodeBadRequest)
			}
			if re.ID != tt.wantID {
				t.Errorf("ID = %q, want %q", re.ID, tt.wantID)
			}
			if !strings.Contains(re.Msg, tt.wantMsg) {
				t.Errorf("message %q does not say %q", re.Msg, tt.wantMsg)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(re.Msg, secret) {
				t.Errorf("error %q quotes the request", err)
			}
		})
	}
}

func TestParams(t *testing.T) {
	tests := []struct {
		name string
		body string
		into any
		want any
	}{
		{"list empty", `{"action":"list"}`, &ListParams{}, &ListParams{}},
		{"list", `{"action":"list","store":"pass","cursor":"abc"}`, &ListParams{}, &ListParams{Store: "pass", Cursor: "abc"}},
		{"match", `{"action":"match","url":"https://github.com/"}`, &MatchParams{}, &MatchParams{URL: "https://github.com/"}},
		{"code by name", `{"action":"code","name":"github.com/alice","store":"pass"}`, &CodeParams{}, &CodeParams{Name: "github.com/alice", Store: "pass"}},
		{"code by url", `{"action":"code","url":"https://gist.github.com/"}`, &CodeParams{}, &CodeParams{URL: "https://gist.github.com/"}},
		{"save", `{"action":"save","url":"https://a.example/","uri":"otpauth://totp/x?secret=AA","name":"a.example/me","store":"both","overwrite":true}`,
			&SaveParams{}, &SaveParams{URL: "https://a.example/", URI: "otpauth://totp/x?secret=AA", Name: "a.example/me", Store: "both", Overwrite: true}},
		{"save_recovery", `{"action":"save_recovery","url":"https://a.example/","codes":["1111","2222"],"name":"n","store":"pass"}`,
			&SaveRecoveryParams{}, &SaveRecoveryParams{URL: "https://a.example/", Codes: []string{"1111", "2222"}, Name: "n", Store: "pass"}},
		{"alias", `{"action":"alias","url":"https://id.atlassian.com/","name":"bitbucket.org/me"}`, &AliasParams{}, &AliasParams{URL: "https://id.atlassian.com/", Name: "bitbucket.org/me"}},
		{"unknown fields ignored", `{"action":"match","url":"u","tab":{"id":3},"extra":[1]}`, &MatchParams{}, &MatchParams{URL: "u"}},
		{"null is absent", `{"action":"code","name":"n","store":null}`, &CodeParams{}, &CodeParams{Name: "n"}},
		{"names match exactly", `{"action":"match","URL":"https://evil.example/","Url":"x"}`, &MatchParams{}, &MatchParams{}},
		{"unicode case folding", `{"action":"list","ſtore":"keyring"}`, &ListParams{}, &ListParams{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := DecodeRequest([]byte(tt.body))
			if err != nil {
				t.Fatalf("DecodeRequest: %v", err)
			}
			if err := req.Params(tt.into); err != nil {
				t.Fatalf("Params: %v", err)
			}
			if !reflect.DeepEqual(tt.into, tt.want) {
				t.Errorf("Params = %#v, want %#v", tt.into, tt.want)
			}
		})
	}
}

func TestParamsErrors(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		into    any
		wantMsg string
	}{
		{"url number", `{"id":"9","action":"match","url":42}`, &MatchParams{}, `"url" must be a string`},
		{"url object", `{"id":"9","action":"match","url":{"href":"x"}}`, &MatchParams{}, `"url" must be a string`},
		{"uri array", `{"id":"9","action":"save","uri":["otpauth://totp/x?secret=` + secret + `"]}`, &SaveParams{}, `"uri" must be a string`},
		{"overwrite string", `{"id":"9","action":"save","overwrite":"true"}`, &SaveParams{}, `"overwrite" must be true or false`},
		{"codes string", `{"id":"9","action":"save_recovery","codes":"` + secret + `"}`, &SaveRecoveryParams{}, `"codes" must be an array of strings`},
		{"codes of numbers", `{"id":"9","action":"save_recovery","codes":[1234]}`, &SaveRecoveryParams{}, `"codes" must be an array of strings`},
		{"cursor bool", `{"id":"9","action":"list","cursor":true}`, &ListParams{}, `"cursor" must be a string`},
		{"store number", `{"id":"9","action":"alias","store":1}`, &AliasParams{}, `"store" must be a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := DecodeRequest([]byte(tt.body))
			if err != nil {
				t.Fatalf("DecodeRequest: %v", err)
			}
			err = req.Params(tt.into)
			var re *RequestError
			if !errors.As(err, &re) {
				t.Fatalf("Params error %v (%T) is not a *RequestError", err, err)
			}
			if re.Code != CodeBadRequest || re.ID != "9" {
				t.Errorf("got code %q id %q, want %q and the request's id", re.Code, re.ID, CodeBadRequest)
			}
			if !strings.Contains(re.Msg, tt.wantMsg) {
				t.Errorf("message %q does not say %q", re.Msg, tt.wantMsg)
			}
			if strings.Contains(re.Msg, secret) {
				t.Errorf("message %q quotes the request", re.Msg)
			}
		})
	}
}

func TestParamsNotAPointer(t *testing.T) {
	req, err := DecodeRequest([]byte(`{"action":"match","url":"u"}`))
	if err != nil {
		t.Fatal(err)
	}
	err = req.Params(MatchParams{})
	if err == nil {
		t.Fatal("Params accepted a non-pointer")
	}
	var re *RequestError
	if errors.As(err, &re) {
		t.Errorf("a programming error was reported as the request's fault: %v", err)
	}
}

// Params also works on a Request built by hand, as tests of the host do.
func TestParamsOnHandBuiltRequest(t *testing.T) {
	req := &Request{ID: "1", Action: ActionMatch, Raw: []byte(`{"url":"https://x.example/"}`)}
	var p MatchParams
	if err := req.Params(&p); err != nil {
		t.Fatal(err)
	}
	if p.URL != "https://x.example/" {
		t.Errorf("URL = %q", p.URL)
	}
	req.Raw = []byte(`[1]`)
	var re *RequestError
	if err := req.Params(&p); !errors.As(err, &re) || re.ID != "1" {
		t.Errorf("Params on a non-object = %v, want a *RequestError with the id", err)
	}
}

// Values that hold secrets must not print them, whatever the verb, so that a
// log line cannot leak one by accident.
func TestSecretsDoNotPrint(t *testing.T) {
	body := `{"id":"1","action":"save","uri":"otpauth://totp/x?secret=` + secret + `","codes":["` + secret + `"]}`
	req, err := DecodeRequest([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var save SaveParams
	var recovery SaveRecoveryParams
	if err := req.Params(&save); err != nil {
		t.Fatal(err)
	}
	if err := req.Params(&recovery); err != nil {
		t.Fatal(err)
	}
	values := []any{req, save, &save, recovery, &recovery,
		CodeResult{Name: "n", Code: secret}, &CodeResult{Code: secret},
		SaveResult{Name: "n", Code: secret}, &SaveResult{Code: secret}}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if s := fmt.Sprintf(verb, v); strings.Contains(s, secret) {
				t.Errorf("%s of %T prints the secret: %s", verb, v, s)
			}
		}
	}
}
