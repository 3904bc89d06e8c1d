package load

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/temporalgen/temporalgen/gen/model"
)

func TestLoadOK(t *testing.T) {
	res, err := Load(Config{Patterns: []string{"./testdata/ok"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors)+len(res.TypeErrors) != 0 {
		t.Fatalf("errors: %v %v", res.Errors, res.TypeErrors)
	}
	if len(res.Packages) != 1 {
		t.Fatalf("got %d packages", len(res.Packages))
	}
	p := res.Packages[0]
	if p.Name != "ok" || p.Types == nil || p.TypesInfo == nil || len(p.Syntax) != 1 {
		t.Fatalf("package not fully loaded: %+v", p)
	}
	if p.Types.Scope().Lookup("Hello") == nil {
		t.Error("Hello not in scope")
	}
}

func TestLoadTypeErrorIsPositioned(t *testing.T) {
	res, err := Load(Config{Patterns: []string{"./testdata/broken"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 0 || len(res.TypeErrors) != 1 {
		t.Fatalf("errors: %v, type errors: %v", res.Errors, res.TypeErrors)
	}
	var me *model.Error
	if !errors.As(res.TypeErrors[0], &me) {
		t.Fatalf("error %v is not a *model.Error", res.TypeErrors[0])
	}
	if !strings.HasSuffix(me.Pos.File, "broken.go") || me.Pos.Line != 3 || me.Pos.Col != 23 {
		t.Errorf("pos = %v, want broken.go:3:23", me.Pos)
	}
	if !strings.Contains(me.Msg, "undefinedThing") {
		t.Errorf("msg = %q", me.Msg)
	}
}

func TestLoadTags(t *testing.T) {
	for _, tc := range []struct {
		tags []string
		want bool
	}{{nil, false}, {[]string{"special"}, true}} {
		res, err := Load(Config{Patterns: []string{"./testdata/tagged"}, Tags: tc.tags})
		if err != nil {
			t.Fatal(err)
		}
		got := res.Packages[0].Types.Scope().Lookup("Special") != nil
		if got != tc.want {
			t.Errorf("tags %v: Special defined = %v, want %v", tc.tags, got, tc.want)
		}
	}
}

func TestLoadNoMatch(t *testing.T) {
	res, err := Load(Config{Patterns: []string{"./testdata/nonexistent"}})
	if err != nil {
		return // acceptable: the build system refused the pattern
	}
	if len(res.Errors) == 0 {
		t.Fatal("want an error for a directory without packages")
	}
}

func TestParsePos(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want model.Pos
		ok   bool
	}{
		{"a/b.go:3:4", model.Pos{File: "a/b.go", Line: 3, Col: 4}, true},
		{"a/b.go:3", model.Pos{File: "a/b.go", Line: 3}, true},
		{"C:/x/b.go:3:4", model.Pos{File: "C:/x/b.go", Line: 3, Col: 4}, true},
		{"-", model.Pos{}, false},
		{"", model.Pos{}, false},
		{"nopos", model.Pos{}, false},
	} {
		got, ok := parsePos(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parsePos(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLoadParseError(t *testing.T) {
	// The broken file lives in a temporary module so that gofmt and go vet
	// of this repository stay clean.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module syntax\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "syntax.go"), []byte("package syntax\n\nfunc F( {\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Load(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) == 0 {
		t.Fatal("want a parse error")
	}
	var me *model.Error
	if !errors.As(res.Errors[0], &me) || me.Pos.Line != 3 {
		t.Errorf("got %v, want a positioned error on line 3", res.Errors[0])
	}
}

func TestDropOutput(t *testing.T) {
	for _, drop := range []bool{false, true} {
		res, err := Load(Config{Patterns: []string{"./testdata/output"}, DropOutput: drop})
		if err != nil {
			t.Fatal(err)
		}
		p := res.Packages[0]
		decls := 0
		for _, f := range p.Syntax {
			decls += len(f.Decls)
		}
		if drop && (decls != 1 || len(res.TypeErrors) != 1 || !strings.Contains(res.TypeErrors[0].Error(), "undefined: Generated")) {
			t.Errorf("DropOutput: %d declarations, type errors %v; want 1 and undefined: Generated", decls, res.TypeErrors)
		}
		if !drop && (decls != 2 || len(res.TypeErrors) != 0) {
			t.Errorf("without DropOutput: %d declarations, type errors %v", decls, res.TypeErrors)
		}
	}
}

// TestLoadListErrorIsAbsolute: found by FuzzGenerate (gen). go list
// reports some problems itself (here a byte that is not UTF-8, in a
// comment), positioned relative to the directory it ran in: they come
// out with the absolute file name of every other error, and once, not
// again beside the parser's report of the same problem.
func TestLoadListErrorIsAbsolute(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module utf\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "p"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "p", "p.go")
	if err := os.WriteFile(file, []byte("package p\n\n// caf\xe9\nfunc F() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Load(Config{Dir: dir, Patterns: []string{"./p"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 {
		t.Fatalf("errors %q, want one", res.Errors)
	}
	var me *model.Error
	if !errors.As(res.Errors[0], &me) || me.Pos != (model.Pos{File: file, Line: 3, Col: 7}) || !strings.Contains(me.Msg, "UTF-8") {
		t.Errorf("error %q, want %s:3:7: illegal UTF-8 encoding", res.Errors[0], file)
	}
}

// TestLoadNULIsPositioned: found by FuzzGenerate (gen). go list leaves a
// file with a NUL byte out of its package and reports the problem
// without a position; the file is parsed anyway, so that the parser
// reports it at its line and column.
func TestLoadNULIsPositioned(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module nulbyte\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "nul.go")
	if err := os.WriteFile(file, []byte("package nulbyte\n\n//temporal:activity\x00\nfunc F() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Load(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) == 0 {
		t.Fatal("no errors")
	}
	for _, e := range res.Errors {
		var me *model.Error
		if !errors.As(e, &me) || me.Pos.File != file || me.Pos.Line != 3 || me.Pos.Col != 20 {
			t.Errorf("error %q, want it at %s:3:20", e, file)
		}
	}
}
