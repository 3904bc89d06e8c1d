package gen

// FuzzGenerate runs the whole generator on golden inputs with one
// directive changed. Its seed corpus under testdata/fuzz holds some clean
// golden cases (seedCases) with their first directive as it is; rewrite
// it with
//
//	go test ./gen/ -run TestSeedCorpus -seeds
//
// Each input costs a Generate (a go list run): expect a few executions a
// second. Fuzz for longer with
//
//	go test ./gen/ -run '^$' -fuzz '^FuzzGenerate$' -fuzztime 5m

import (
	"errors"
	"flag"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/temporalgen/temporalgen/gen/directive"
	"github.com/temporalgen/temporalgen/gen/model"
	"github.com/temporalgen/temporalgen/internal/fuzzseed"
)

var writeSeeds = flag.Bool("seeds", false, "rewrite the seed corpus under testdata/fuzz from the golden inputs")

// fuzzCase is a golden input: its source and where the text after
// "//temporal:" of each of its directives is.
type fuzzCase struct {
	name       string
	src        string
	directives [][2]int // byte offsets [start, end) of each directive's text
}

// seedCases are the golden cases whose first directive seeds
// FuzzGenerate: one of each kind of package.
func seedCases() []string {
	return []string{"ActivitiesOnly", "ActivityStruct", "DynamicHandlers", "DynamicWorkflow", "Greeter",
		"ImportedTypes", "MultiWorkflow", "NexusService", "Options"}
}

// fuzzCases returns the golden cases that have directives, by name.
func fuzzCases(t testing.TB) map[string]fuzzCase {
	cases := make(map[string]fuzzCase)
	for _, name := range goldenCases(t) {
		src, err := os.ReadFile(filepath.Join(testdataDir, name, "input.go"))
		if err != nil {
			t.Fatal(err)
		}
		c := fuzzCase{name: name, src: string(src)}
		off := 0
		for line := range strings.Lines(c.src) {
			if i := strings.Index(line, directive.Prefix); i >= 0 {
				start := off + i + len(directive.Prefix)
				c.directives = append(c.directives, [2]int{start, off + len(strings.TrimRight(line, "\r\n"))})
			}
			off += len(line)
		}
		if len(c.directives) > 0 {
			cases[name] = c
		}
	}
	return cases
}

// TestSeedCorpus keeps the committed seeds in step with the golden inputs
// (-seeds rewrites them).
func TestSeedCorpus(t *testing.T) {
	cases := fuzzCases(t)
	var seeds []fuzzseed.Seed
	for _, name := range seedCases() {
		c, ok := cases[name]
		if !ok {
			t.Fatalf("no golden case %s with directives", name)
		}
		d := c.directives[0]
		seeds = append(seeds, fuzzseed.Seed{Name: name, Args: []any{name, uint(0), c.src[d[0]:d[1]]}})
	}
	fuzzseed.Check(t, "FuzzGenerate", seeds, *writeSeeds)
}

// FuzzGenerate replaces the text of directive number line of the golden
// case named name (inputs naming no case are skipped) with text (cut at
// its first newline: a directive is one line), generates (with docs) in a
// copy of the case inside the module, and requires success or only
// positioned errors (*model.Error, file:line:col: message, in the copied
// file), never a panic; on success every generated Go file parses.
func FuzzGenerate(f *testing.F) {
	cases := fuzzCases(f)
	// Every Generate takes a go list run: few seeds, so that the plain
	// test run stays short.
	f.Add("Greeter", uint(0), "workflow name=")
	f.Add("Greeter", uint(3), `signal description="x`)
	f.Add("Greeter", uint(4), "activity prefix=P")
	f.Add("Greeter", uint(5), "nondeterministic-ok why")
	f.Fuzz(func(t *testing.T, name string, line uint, text string) {
		c, ok := cases[name]
		if !ok {
			return
		}
		d := c.directives[line%uint(len(c.directives))]
		text, _, _ = strings.Cut(text, "\n")
		src := c.src[:d[0]] + text + c.src[d[1]:]

		// A copy inside the module, so that its imports resolve; the go
		// tool leaves directories starting with "_" out of ./...
		tmp, err := os.MkdirTemp("..", "_fuzzgen-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		dir := filepath.Join(tmp, c.name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		input := filepath.Join(dir, "input.go")
		if err := os.WriteFile(input, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		abs, err := filepath.Abs(input)
		if err != nil {
			t.Fatal(err)
		}

		res, err := Generate(Config{Dir: tmp, Patterns: []string{"./" + c.name}, Docs: true})
		if err != nil {
			t.Fatalf("Generate: %v", err)
		}
		for _, e := range res.Errors {
			var me *model.Error
			if !errors.As(e, &me) {
				t.Fatalf("error without a position: %v", e)
			}
			if p := me.Pos; p.File != abs || p.Line < 1 || p.Col < 1 {
				t.Fatalf("error at %s, not at a line and column of %s: %v", p, abs, e)
			}
			if me.Msg == "" || strings.Contains(me.Msg, "\n") || e.Error() != me.Pos.String()+": "+me.Msg {
				t.Fatalf("error %q is not one file:line:col: message line", e)
			}
		}
		if len(res.Errors) > 0 {
			if len(res.Files) > 0 {
				t.Fatalf("%d files generated with %d errors", len(res.Files), len(res.Errors))
			}
			return
		}
		for _, file := range res.Files {
			if !strings.HasSuffix(file.Path, ".go") {
				continue
			}
			if _, err := parser.ParseFile(token.NewFileSet(), file.Path, file.Content, parser.AllErrors); err != nil {
				t.Fatalf("generated %s does not parse: %v\n%s", file.Path, err, file.Content)
			}
		}
	})
}
