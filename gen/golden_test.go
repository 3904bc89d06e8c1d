package gen

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/temporalgen/temporalgen/gen/model"
)

var update = flag.Bool("update", false, "rewrite the want files of the golden cases")

// testdataDir is the module's testdata directory; its golden cases are
// the subdirectories whose names start with an upper-case letter.
const testdataDir = "../testdata"

func goldenCases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(testdataDir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []string
	for _, e := range entries {
		if e.IsDir() && unicode.IsUpper(rune(e.Name()[0])) {
			cases = append(cases, e.Name())
		}
	}
	return cases
}

// generateAll runs Generate once over every golden case: loading is the
// expensive part, and the cases are independent packages.
var generateAll = sync.OnceValues(func() (*Result, error) {
	entries, err := os.ReadDir(testdataDir)
	if err != nil {
		return nil, err
	}
	var patterns []string
	for _, e := range entries {
		if e.IsDir() && unicode.IsUpper(rune(e.Name()[0])) {
			patterns = append(patterns, "./"+e.Name())
		}
	}
	return Generate(Config{Dir: testdataDir, Patterns: patterns})
})

// TestGolden compares, for each case, the errors with want/errors.txt
// and, for cases without errors, the model with want/model.json. Run
// `go test ./gen -update` to rewrite them.
func TestGolden(t *testing.T) {
	res, err := generateAll()
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(testdataDir)
	if err != nil {
		t.Fatal(err)
	}
	byCase := make(map[string][]string)
	for _, e := range res.Errors {
		var me *model.Error
		if !errors.As(e, &me) {
			t.Errorf("error without a position: %v", e)
			continue
		}
		rel, err := filepath.Rel(abs, me.Pos.File)
		if err != nil || strings.HasPrefix(rel, "..") {
			t.Errorf("error outside the golden cases: %v", e)
			continue
		}
		name, file, _ := strings.Cut(filepath.ToSlash(rel), "/")
		p := me.Pos
		p.File = file
		byCase[name] = append(byCase[name], p.String()+": "+me.Msg)
	}
	models := make(map[string]*model.Package)
	for _, m := range res.Model {
		models[filepath.Base(m.Dir)] = m
	}
	for _, name := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(testdataDir, name)
			got := strings.Join(byCase[name], "\n")
			if got != "" {
				got += "\n"
			}
			compare(t, filepath.Join(dir, "want", "errors.txt"), []byte(got))
			if len(byCase[name]) == 0 {
				if strings.HasPrefix(name, "Err") {
					t.Errorf("error case %s has no errors", name)
				}
				compare(t, filepath.Join(dir, "want", "model.json"), modelJSON(t, models[name], filepath.Join(abs, name)))
			}
		})
	}
}

// modelJSON renders m with file paths relative to dir.
func modelJSON(t *testing.T, m *model.Package, dir string) []byte {
	t.Helper()
	if m == nil {
		return []byte("null\n")
	}
	b, err := json.MarshalIndent(m, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.ReplaceAll(b, []byte(filepath.ToSlash(dir)+"/"), nil)
	b = bytes.ReplaceAll(b, []byte(filepath.ToSlash(dir)), []byte("."))
	return append(b, '\n')
}

func compare(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if len(got) == 0 && !strings.HasSuffix(path, "errors.txt") {
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./gen -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	first, err := generateAll()
	if err != nil {
		t.Fatal(err)
	}
	second, err := Generate(Config{Dir: testdataDir, Patterns: []string{"./Greeter", "./ErrTwoRuns", "./ErrMisplaced"}})
	if err != nil {
		t.Fatal(err)
	}
	want := func(r *Result, cases ...string) []string {
		var out []string
		for _, e := range r.Errors {
			for _, c := range cases {
				if strings.Contains(e.Error(), "/"+c+"/") {
					out = append(out, e.Error())
				}
			}
		}
		return out
	}
	if a, b := want(first, "ErrTwoRuns", "ErrMisplaced"), want(second, "ErrTwoRuns", "ErrMisplaced"); !slices.Equal(a, b) || len(a) == 0 {
		t.Errorf("errors differ between runs:\n%q\n%q", a, b)
	}
}

func TestOutputPath(t *testing.T) {
	for _, tc := range []struct{ pattern, want string }{
		{"", "dir/greeter_temporal.go"},
		{"zz_{pkg}.gen.go", "dir/zz_greeter.gen.go"},
		{"temporal.go", "dir/temporal.go"},
	} {
		if got := filepath.ToSlash(OutputPath(tc.pattern, "dir", "greeter")); got != tc.want {
			t.Errorf("OutputPath(%q) = %q, want %q", tc.pattern, got, tc.want)
		}
	}
}
