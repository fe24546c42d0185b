// Command schemagen writes the protocol's one machine-readable description,
// from the Go types of package protocol: protocol/schema.json (JSON Schema)
// and the extension's src/shared/protocol.gen.ts (TypeScript). Run it with
// `go generate ./protocol/` or `make generate`; its test fails when the
// files in the tree are not what it makes.
//
// Structure comes from reflection over protocol.Actions (json tags, and the
// schema tags described in protocol/spec.go); enum values and descriptions
// come from the package's source (its constants and doc comments).
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/otpfill/otpfill/protocol"
)

// Paths, relative to the protocol package's folder.
const (
	schemaFile = "schema.json"
	tsFile     = "../extension/src/shared/protocol.gen.ts"
)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	schema, ts, err := generate(dir)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, schemaFile), schema, 0o644)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, tsFile), ts, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

// source is what the generator reads from the package's Go files.
type source struct {
	// enums: enum name → values, in source order.
	enums map[string][]string
	// docs: "Type" and "Type.Field" → doc comment.
	docs map[string]string
}

func readSource(dir string) (*source, error) {
	fset := token.NewFileSet()
	src := &source{enums: map[string][]string{}, docs: map[string]string{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	consts := map[string]string{} // const name → string value
	var order []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch sp := spec.(type) {
				case *ast.ValueSpec:
					if gd.Tok != token.CONST {
						continue
					}
					for i, n := range sp.Names {
						if i >= len(sp.Values) {
							continue
						}
						lit, ok := sp.Values[i].(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							continue
						}
						v, err := strconv.Unquote(lit.Value)
						if err != nil {
							return nil, err
						}
						consts[n.Name] = v
						order = append(order, n.Name)
					}
				case *ast.TypeSpec:
					doc := sp.Doc
					if doc == nil && len(gd.Specs) == 1 {
						doc = gd.Doc
					}
					src.docs[sp.Name.Name] = doc.Text()
					st, ok := sp.Type.(*ast.StructType)
					if !ok {
						continue
					}
					for _, fld := range st.Fields.List {
						text := fld.Doc.Text()
						if text == "" {
							text = fld.Comment.Text()
						}
						for _, n := range fld.Names {
							src.docs[sp.Name.Name+"."+n.Name] = text
						}
					}
				}
			}
		}
	}
	for enum, prefix := range protocol.EnumPrefixes {
		for _, n := range order {
			if strings.HasPrefix(n, prefix) && len(n) > len(prefix) && n[len(prefix)] >= 'A' && n[len(prefix)] <= 'Z' {
				src.enums[enum] = append(src.enums[enum], consts[n])
			}
		}
		if len(src.enums[enum]) == 0 {
			return nil, fmt.Errorf("enum %s: no constants named %s…", enum, prefix)
		}
	}
	return src, nil
}

// field is one property of an object, in the order of its Go struct.
type field struct {
	name     string
	typ      typ
	required bool
	doc      string
}

// typ is a property's type: one of its fields is set.
type typ struct {
	scalar string // "string", "boolean", "integer", "number"
	enum   string // an enum's name
	ref    string // a struct's name
	items  *typ   // an array's elements
}

type object struct {
	name   string
	doc    string
	fields []field
}

// model is the protocol as the generator sees it.
type model struct {
	src     *source
	objects []*object // in order of first use
	byName  map[string]*object
}

func (m *model) object(t reflect.Type, params bool) (string, error) {
	name := t.Name()
	if _, done := m.byName[name]; done {
		return name, nil
	}
	o := &object{name: name, doc: m.src.docs[name]}
	m.byName[name] = o
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" || tag == "" {
			return "", fmt.Errorf("%s.%s: every field needs a json name", name, f.Name)
		}
		schemaTag := f.Tag.Get("schema")
		ft, err := m.typeOf(f.Type, schemaTag, params)
		if err != nil {
			return "", fmt.Errorf("%s.%s: %w", name, f.Name, err)
		}
		required := !slices.Contains(strings.Split(opts, ","), "omitempty") && f.Type.Kind() != reflect.Pointer
		if params {
			// Every parameter is optional on the wire unless tagged.
			required = slices.Contains(strings.Split(schemaTag, ","), "required")
		}
		o.fields = append(o.fields, field{name: tag, typ: ft, required: required, doc: m.src.docs[name+"."+f.Name]})
	}
	m.objects = append(m.objects, o)
	return name, nil
}

func (m *model) typeOf(t reflect.Type, schemaTag string, params bool) (typ, error) {
	for part := range strings.SplitSeq(schemaTag, ",") {
		if enum, ok := strings.CutPrefix(part, "enum="); ok {
			if _, known := m.src.enums[enum]; !known || t.Kind() != reflect.String {
				return typ{}, fmt.Errorf("enum %q is not a known enum of strings", enum)
			}
			return typ{enum: enum}, nil
		}
	}
	switch t.Kind() {
	case reflect.String:
		return typ{scalar: "string"}, nil
	case reflect.Bool:
		return typ{scalar: "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return typ{scalar: "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return typ{scalar: "number"}, nil
	case reflect.Pointer:
		return m.typeOf(t.Elem(), schemaTag, params)
	case reflect.Slice:
		items, err := m.typeOf(t.Elem(), "", params)
		return typ{items: &items}, err
	case reflect.Struct:
		name, err := m.object(t, params)
		return typ{ref: name}, err
	}
	return typ{}, fmt.Errorf("type %s has no JSON Schema here", t)
}

func build(dir string) (*model, error) {
	src, err := readSource(dir)
	if err != nil {
		return nil, err
	}
	m := &model{src: src, byName: map[string]*object{}}
	for _, a := range protocol.Actions {
		if _, err := m.object(reflect.TypeOf(a.Params), true); err != nil {
			return nil, err
		}
		if _, err := m.object(reflect.TypeOf(a.Result), false); err != nil {
			return nil, err
		}
	}
	if _, err := m.object(reflect.TypeFor[protocol.ErrorBody](), false); err != nil {
		return nil, err
	}
	return m, nil
}

func generate(dir string) (schema, ts []byte, err error) {
	m, err := build(dir)
	if err != nil {
		return nil, nil, err
	}
	return m.schema(), m.typescript(), nil
}

func oneLine(doc string) string {
	return strings.Join(strings.Fields(doc), " ")
}

// ---- JSON Schema ----

func (t typ) schema() map[string]any {
	switch {
	case t.enum != "":
		return map[string]any{"$ref": "#/$defs/" + t.enum}
	case t.ref != "":
		return map[string]any{"$ref": "#/$defs/" + t.ref}
	case t.items != nil:
		return map[string]any{"type": "array", "items": t.items.schema()}
	}
	return map[string]any{"type": t.scalar}
}

func (m *model) schema() []byte {
	defs := map[string]any{}
	for name, values := range m.src.enums {
		defs[name] = map[string]any{"type": "string", "enum": values}
	}
	for _, o := range m.objects {
		props := map[string]any{}
		required := []string{}
		for _, f := range o.fields {
			p := f.typ.schema()
			if d := oneLine(f.doc); d != "" {
				p["description"] = d
			}
			props[f.name] = p
			if f.required {
				required = append(required, f.name)
			}
		}
		def := map[string]any{"type": "object", "properties": props, "required": required}
		if d := oneLine(o.doc); d != "" {
			def["description"] = d
		}
		defs[o.name] = def
	}
	actions := map[string]any{}
	for _, a := range protocol.Actions {
		actions[a.Action] = map[string]any{
			"params": map[string]any{"$ref": "#/$defs/" + reflect.TypeOf(a.Params).Name()},
			"result": map[string]any{"$ref": "#/$defs/" + reflect.TypeOf(a.Result).Name()},
		}
	}
	doc := map[string]any{
		"$schema":  "https://json-schema.org/draft/2020-12/schema",
		"$id":      "https://github.com/otpfill/otpfill/protocol/schema.json",
		"$comment": "Generated by protocol/internal/schemagen from the Go types of package protocol: do not edit; run `make generate`.",
		"title":    fmt.Sprintf("otpfill native-messaging protocol, version %d", protocol.Version),
		"description": "A request is {id?, action, ...params}; a response is {id, ok: true, protocol, ...result} or {id, ok: false, protocol, error: ErrorBody}. " +
			"x-actions gives each action's params and result. Unknown fields are ignored by both sides (the protocol grows by new optional fields). See PROTOCOL.md.",
		"x-protocol": protocol.Version,
		"x-actions":  actions,
		"$defs":      defs,
		"oneOf": []any{
			map[string]any{"$ref": "#/$defs/Request"},
			map[string]any{"$ref": "#/$defs/Response"},
		},
	}
	defs["Request"] = map[string]any{
		"type":        "object",
		"description": "The request envelope; the action's params are fields beside these.",
		"properties": map[string]any{
			"id":     map[string]any{"type": "string", "maxLength": protocol.MaxIDLength},
			"action": map[string]any{"$ref": "#/$defs/Action"},
		},
		"required": []string{"action"},
	}
	defs["Response"] = map[string]any{
		"type":        "object",
		"description": "The response envelope; a success's result fields are beside these.",
		"properties": map[string]any{
			"id":       map[string]any{"type": "string"},
			"ok":       map[string]any{"type": "boolean"},
			"protocol": map[string]any{"const": protocol.Version},
			"error":    map[string]any{"$ref": "#/$defs/ErrorBody"},
		},
		"required": []string{"id", "ok", "protocol"},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		panic(err) // maps of strings, numbers and slices always encode
	}
	return buf.Bytes()
}

// ---- TypeScript ----

func (t typ) ts() string {
	switch {
	case t.enum != "":
		return t.enum
	case t.ref != "":
		return t.ref
	case t.items != nil:
		return t.items.ts() + "[]"
	case t.scalar == "string":
		return "string"
	case t.scalar == "boolean":
		return "boolean"
	}
	return "number"
}

func tsDoc(b *strings.Builder, indent, doc string) {
	doc = strings.TrimSpace(strings.ReplaceAll(doc, "*/", "*\\/"))
	if doc == "" {
		return
	}
	lines := strings.Split(doc, "\n")
	if len(lines) == 1 {
		fmt.Fprintf(b, "%s/** %s */\n", indent, lines[0])
		return
	}
	fmt.Fprintf(b, "%s/**\n", indent)
	for _, l := range lines {
		fmt.Fprintf(b, "%s * %s\n", indent, l)
	}
	fmt.Fprintf(b, "%s */\n", indent)
}

func (m *model) typescript() []byte {
	var b strings.Builder
	b.WriteString("// Code generated by protocol/internal/schemagen from the Go types of package\n")
	b.WriteString("// protocol (protocol/*.go); DO NOT EDIT: change the Go types, then `make generate`.\n")
	b.WriteString("// The same description as protocol/schema.json. See protocol/PROTOCOL.md.\n\n")
	fmt.Fprintf(&b, "/** The protocol version these types describe. */\nexport const PROTOCOL_VERSION = %d;\n", protocol.Version)
	enums := make([]string, 0, len(m.src.enums))
	for name := range m.src.enums {
		enums = append(enums, name)
	}
	slices.Sort(enums)
	for _, name := range enums {
		quoted := make([]string, len(m.src.enums[name]))
		for i, v := range m.src.enums[name] {
			quoted[i] = strconv.Quote(v)
		}
		fmt.Fprintf(&b, "\nexport type %s = %s;\n", name, strings.Join(quoted, " | "))
	}
	for _, o := range m.objects {
		b.WriteString("\n")
		tsDoc(&b, "", o.doc)
		if len(o.fields) == 0 {
			fmt.Fprintf(&b, "export type %s = Record<string, never>;\n", o.name)
			continue
		}
		fmt.Fprintf(&b, "export interface %s {\n", o.name)
		for _, f := range o.fields {
			tsDoc(&b, "  ", f.doc)
			opt := "?"
			if f.required {
				opt = ""
			}
			fmt.Fprintf(&b, "  %s%s: %s;\n", f.name, opt, f.typ.ts())
		}
		b.WriteString("}\n")
	}
	for _, kind := range []string{"Params", "Results"} {
		fmt.Fprintf(&b, "\n/** Each action's %s. */\nexport interface Action%s {\n", strings.ToLower(kind), kind)
		for _, a := range protocol.Actions {
			v := a.Params
			if kind == "Results" {
				v = a.Result
			}
			fmt.Fprintf(&b, "  %s: %s;\n", a.Action, reflect.TypeOf(v).Name())
		}
		b.WriteString("}\n")
	}
	return []byte(b.String())
}
