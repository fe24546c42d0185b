package protocol

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// PROTOCOL.md is the contract the extension is written against: it must
// document every code and action this package knows, and its examples must
// be messages this package accepts and produces.
func TestProtocolDoc(t *testing.T) {
	doc, err := os.ReadFile("PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	codes := []Code{CodeBadRequest, CodeTooLarge, CodeUnknownAction, CodeNotFound,
		CodeAmbiguous, CodeExists, CodeInvalidURI, CodeInvalidName,
		CodeStoreUnavailable, CodeDecryptFailed, CodeEncryptFailed, CodeForbidden,
		CodeInternal, CodeRecoveryOnly}
	for _, c := range codes {
		if !strings.Contains(text, "| `"+string(c)+"` |") {
			t.Errorf("the error code table has no row for %q", c)
		}
	}
	var actions []string
	for _, a := range Actions {
		actions = append(actions, a.Action)
	}
	for _, a := range actions {
		if !strings.Contains(text, "| `"+a+"` |") {
			t.Errorf("the action table has no row for %q", a)
		}
		if !strings.Contains(text, "### "+a+"\n") {
			t.Errorf("no section for %q", a)
		}
	}

	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllStringSubmatch(text, -1)
	if len(blocks) < 2*len(actions) {
		t.Fatalf("found %d JSON examples, want a request and a response for each action", len(blocks))
	}
	seen := map[string]bool{}
	lastAction := ""
	for _, b := range blocks {
		body := []byte(b[1])
		var obj map[string]any
		if err := json.Unmarshal(body, &obj); err != nil {
			t.Errorf("example is not a JSON object: %v\n%s", err, body)
			continue
		}
		if _, isResponse := obj["ok"]; isResponse {
			if obj["protocol"] != float64(Version) {
				t.Errorf("response example without \"protocol\": %d:\n%s", Version, body)
			}
			if errObj, failed := obj["error"].(map[string]any); failed {
				if code, _ := errObj["code"].(string); !strings.Contains(text, "| `"+code+"` |") {
					t.Errorf("response example uses an undocumented code %q", code)
				}
				continue
			}
			checkResultExample(t, lastAction, body)
			continue
		}
		req, err := DecodeRequest(body)
		if err != nil {
			t.Errorf("request example rejected: %v\n%s", err, body)
			continue
		}
		seen[req.Action] = true
		lastAction = req.Action
	}
	for _, a := range actions {
		if !seen[a] {
			t.Errorf("no request example for %q", a)
		}
	}
}

// checkResultExample checks that a success example is exactly what
// EncodeResult gives for the action's result type: same fields, nothing
// missing, nothing extra.
func checkResultExample(t *testing.T, action string, example []byte) {
	t.Helper()
	i := slices.IndexFunc(Actions, func(a ActionSpec) bool { return a.Action == action })
	if i < 0 {
		t.Errorf("success example after a request for %q", action)
		return
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(example, &fields); err != nil {
		t.Fatal(err)
	}
	var id string
	json.Unmarshal(fields["id"], &id)
	delete(fields, "id")
	delete(fields, "ok")
	if action != ActionHello {
		delete(fields, "protocol")
	}
	obj, _ := json.Marshal(fields)
	result := reflect.New(reflect.TypeOf(Actions[i].Result)).Interface()
	dec := json.NewDecoder(strings.NewReader(string(obj)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(result); err != nil {
		t.Errorf("%s example does not fit %T: %v\n%s", action, result, err, example)
		return
	}
	got, err := EncodeResult(id, result)
	if err != nil {
		t.Errorf("%s example: %v", action, err)
		return
	}
	var gotMap, wantMap any
	json.Unmarshal(got, &gotMap)
	json.Unmarshal(example, &wantMap)
	if !reflect.DeepEqual(gotMap, wantMap) {
		t.Errorf("%s example differs from what EncodeResult gives:\n%s\n%s", action, example, got)
	}
}
