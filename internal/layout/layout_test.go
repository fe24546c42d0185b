package layout

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/otpfill/otpfill"

type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// root is the module's folder.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod two folders up: %v", err)
	}
	return dir
}

// packages lists the module's packages as goos builds them, with their
// imports (tests' included).
func packages(t *testing.T, dir, goos string) []pkg {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	// The project's own folders: npm can bring stray Go files under
	// extension/node_modules.
	cmd := exec.Command(goTool, "list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports", "./protocol/...", "./internal/...", "./host/...", "./install/...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// rel is a package path inside the module ("host/internal/cli"), or "" for
// a package from elsewhere.
func rel(path string) string {
	if path == module {
		return "."
	}
	r, ok := strings.CutPrefix(path, module+"/")
	if !ok {
		return ""
	}
	return r
}

func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// allowed says whether package from may import package to (both relative
// to the module), and why not.
func allowed(from, to string) (bool, string) {
	switch {
	case under(from, "protocol"):
		return under(to, "protocol"), "protocol is the wire contract, a leaf: it imports nothing else of otpfill"
	case under(from, "internal"):
		return under(to, "internal") || under(to, "protocol"), "internal/ holds leaves shared by host and install: it never imports them"
	case under(from, "install"):
		return under(to, "install") || under(to, "internal") || under(to, "protocol"), "install imports only internal/ and protocol, never host/"
	case under(from, "host"):
		return true, ""
	}
	return false, "no package belongs there"
}

// public lists where a package may live outside an internal/ folder.
var public = []string{"protocol", "install", "host/cmd/otpfill"}

func isPublic(p string) bool {
	if slices.ContainsFunc(public, func(d string) bool { return under(p, d) }) {
		return true
	}
	return p == "internal" || strings.HasPrefix(p, "internal/") || strings.Contains(p, "/internal/") || strings.HasSuffix(p, "/internal")
}

// TestOneDirection: host → install → internal, protocol a leaf; and no
// package is public but protocol, install and the binary.
func TestOneDirection(t *testing.T) {
	dir := root(t)
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for _, p := range packages(t, dir, goos) {
			from := rel(p.ImportPath)
			if goos == "linux" && !isPublic(from) {
				t.Errorf("%s: a package outside protocol/, install/ and host/cmd/otpfill must be under an internal/ folder", from)
			}
			for _, imp := range slices.Concat(p.Imports, p.TestImports, p.XTestImports) {
				to := rel(imp)
				if to == "" {
					continue
				}
				if ok, why := allowed(from, to); !ok {
					t.Errorf("GOOS=%s: %s imports %s: %s", goos, from, to, why)
				}
			}
		}
	}
}

// TestNoOtherGoFolders: Go code lives only in the folders go list above
// looks at (a new top-level package would escape the rules).
func TestNoOtherGoFolders(t *testing.T) {
	dir := root(t)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		r, _ := filepath.Rel(dir, filepath.Dir(p))
		r = filepath.ToSlash(r)
		if !slices.ContainsFunc([]string{"protocol", "internal", "host", "install"}, func(top string) bool { return under(r, top) }) {
			t.Errorf("%s: Go code outside protocol/, internal/, host/ and install/", filepath.ToSlash(strings.TrimPrefix(p, dir+"/")))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
