package gen

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/temporalgen/temporalgen/gen/docs"
	"github.com/temporalgen/temporalgen/gen/emit"
	"github.com/temporalgen/temporalgen/gen/model"
)

var update = flag.Bool("update", false, "rewrite the want files of the golden cases")

// testdataDir is the module's testdata directory; its golden cases are
// the subdirectories whose names start with an upper-case letter.
const testdataDir = "../testdata"

func goldenCases(t testing.TB) []string {
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
// and, for cases without errors, the model with want/model.json, the
// generated code with want/<pkg>_temporal.go and the Markdown reference
// with want/<pkg>_temporal.md. Run `go test ./gen -update` to rewrite
// them; TestGoldenBuild checks that the generated code compiles.
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
				m := models[name]
				compare(t, filepath.Join(dir, "want", "model.json"), modelJSON(t, m, filepath.Join(abs, name)))
				if m == nil {
					return
				}
				src, errs := emit.File(m)
				if len(errs) > 0 {
					t.Fatalf("emit: %v", errs)
				}
				base := strings.TrimSuffix(filepath.Base(OutputPath("", m.Dir, m.Name)), ".go")
				compare(t, filepath.Join(dir, "want", base+".go"), src)
				test, errs := emit.TestFile(m)
				if len(errs) > 0 {
					t.Fatalf("emit test helpers: %v", errs)
				}
				compare(t, filepath.Join(dir, "want", base+"_test.go"), test)
				md, err := docs.Markdown(m)
				if err != nil {
					t.Fatal(err)
				}
				compare(t, filepath.Join(dir, "want", base+".md"), md)
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

// TestGoldenBuild copies every case that has generated code, input and
// output together, into a directory inside the module (so that imports of
// the module resolve) and runs go vet on them, which type-checks them:
// the goldens compile against the real runtime.
func TestGoldenBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(root, "_goldenbuild-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(tmp) })
	var pkgs []string
	for _, name := range goldenCases(t) {
		dir := filepath.Join(testdataDir, name)
		out, _ := filepath.Glob(filepath.Join(dir, "want", "*.go"))
		if len(out) == 0 {
			continue
		}
		in, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		dst := filepath.Join(tmp, name)
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range append(in, out...) {
			if strings.HasSuffix(f, "_test.go") && filepath.Base(filepath.Dir(f)) != "want" {
				continue // the case's own tests; the generated helpers are vetted
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		pkgs = append(pkgs, "./"+filepath.Base(tmp)+"/"+name)
	}
	if len(pkgs) == 0 {
		t.Fatal("no golden case has generated code")
	}
	cmd := exec.Command("go", append([]string{"vet"}, pkgs...)...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet %s: %v\n%s", strings.Join(pkgs, " "), err, out)
	}
}

// TestGenerateTwiceIdentical runs Generate twice on the clean cases, with
// docs: both runs must give the same files, byte for byte, and the same
// as the goldens.
func TestGenerateTwiceIdentical(t *testing.T) {
	var patterns []string
	for _, name := range goldenCases(t) {
		if _, err := os.Stat(filepath.Join(testdataDir, name, "want", "errors.txt")); err == nil {
			if b, _ := os.ReadFile(filepath.Join(testdataDir, name, "want", "errors.txt")); len(b) == 0 {
				patterns = append(patterns, "./"+name)
			}
		}
	}
	run := func() []File {
		res, err := Generate(Config{Dir: testdataDir, Patterns: patterns, Docs: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) > 0 {
			t.Fatalf("errors: %v", res.Errors)
		}
		return res.Files
	}
	first, second := run(), run()
	if len(first) != 3*len(patterns) {
		t.Errorf("%d files for %d packages, want a .go, a _test.go and a .md each", len(first), len(patterns))
	}
	if len(first) != len(second) {
		t.Fatalf("%d files, then %d", len(first), len(second))
	}
	for i := range first {
		if first[i].Path != second[i].Path || !bytes.Equal(first[i].Content, second[i].Content) {
			t.Errorf("%s differs between runs", first[i].Path)
		}
		if !strings.HasSuffix(first[i].Path, ".go") {
			continue
		}
		want, err := os.ReadFile(filepath.Join(filepath.Dir(first[i].Path), "want", filepath.Base(first[i].Path)))
		if err != nil || !bytes.Equal(want, first[i].Content) {
			t.Errorf("%s differs from its golden (%v)", first[i].Path, err)
		}
	}
}
