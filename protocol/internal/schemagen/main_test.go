package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedFilesAreCurrent: schema.json and the extension's
// protocol.gen.ts are what the generator makes of the Go types now, so a
// change to a protocol type without `make generate` fails here.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	dir := filepath.Join("..", "..")
	schema, ts, err := generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		path string
		want []byte
	}{{schemaFile, schema}, {tsFile, ts}} {
		got, err := os.ReadFile(filepath.Join(dir, f.path))
		if err != nil {
			t.Errorf("%v (run `make generate`)", err)
			continue
		}
		if !bytes.Equal(got, f.want) {
			t.Errorf("%s is not what the Go types in protocol/ give: run `make generate` and commit it", f.path)
		}
	}
}
