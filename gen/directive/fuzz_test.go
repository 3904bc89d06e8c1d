package directive

// FuzzParseFile's seed corpus under testdata/fuzz holds every directive
// of some of the generator's golden inputs (seedCases, under testdata at
// the module root); rewrite it with
//
//	go test ./gen/directive/ -run TestSeedCorpus -seeds

import (
	"errors"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/temporalgen/temporalgen/gen/model"
	"github.com/temporalgen/temporalgen/internal/fuzzseed"
)

var writeSeeds = flag.Bool("seeds", false, "rewrite the seed corpus under testdata/fuzz from the golden inputs")

// fuzzSource places one directive (%[1]s) everywhere a directive may or
// may not go: above a struct type, a method and a function, at the end
// of a statement and alone on a line in a function body.
const fuzzSource = `package p

%[1]s
type W struct{}

%[1]s
func (w *W) M() {}

%[1]s
func F() {
	x := 1 %[1]s
	%[1]s
	_ = x
}
`

// seedCases are the golden cases whose directives seed FuzzParseFile:
// every kind and option, and the mistakes the error cases make.
func seedCases() []string {
	return []string{"Greeter", "DynamicHandlers", "Options", "NexusService", "ActivityStruct", "ErrUnknownKey",
		"ErrMisplaced", "ErrDynamicShape", "ErrNondeterministic", "ErrSignatures"}
}

// goldenDirectives returns the text after "//temporal:" of every
// directive of the seed cases, by a name like "Greeter-3".
func goldenDirectives(t testing.TB) []fuzzseed.Seed {
	var seeds []fuzzseed.Seed
	for _, name := range seedCases() {
		f := filepath.Join("..", "..", "testdata", name, "input.go")
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for line := range strings.Lines(string(src)) {
			i := strings.Index(line, Prefix)
			if i < 0 {
				continue
			}
			n++
			seeds = append(seeds, fuzzseed.Seed{
				Name: fmt.Sprintf("%s-%d", filepath.Base(filepath.Dir(f)), n),
				Args: []any{strings.TrimRight(line[i+len(Prefix):], "\r\n")},
			})
		}
	}
	return seeds
}

// TestSeedCorpus keeps the committed seeds in step with the golden inputs
// (-seeds rewrites them).
func TestSeedCorpus(t *testing.T) {
	fuzzseed.Check(t, "FuzzParseFile", goldenDirectives(t), *writeSeeds)
}

// FuzzParseFile parses a file holding one directive, //temporal:<text>,
// in every placement: every error is a *model.Error positioned on a
// directive's line, within it, with a one-line message; every directive
// returned has a known kind and only valid options.
func FuzzParseFile(f *testing.F) {
	for _, s := range []string{"", " ", "workflow", "signal name=", `update description="a \"b\"" validator=V`,
		`query name="x`, `signal name="a"b`, "run x=1=2", "nondeterministic-ok", "nondeterministic-ok  why", "workflow\tdynamic\tdynamic"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		text, _, _ = strings.Cut(text, "\n") // a directive is one line
		comment := Prefix + text
		src := fmt.Sprintf(fuzzSource, comment)
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "fuzz.go", src, parser.ParseComments)
		if err != nil {
			return // not Go source (e.g. a NUL byte in the comment)
		}
		lines := strings.Split(src, "\n")
		got, errs := ParseFile(fset, file)
		var errLines []int
		for _, err := range errs {
			var me *model.Error
			if !errors.As(err, &me) {
				t.Fatalf("error without a position: %v", err)
			}
			p := me.Pos
			if p.File != "fuzz.go" || p.Line < 1 || p.Line > len(lines) {
				t.Fatalf("error at %s, outside the file: %v", p, err)
			}
			line := lines[p.Line-1]
			start := strings.Index(line, Prefix)
			if start < 0 || p.Col < start+1 || p.Col > len(line)+1 {
				t.Fatalf("error at %s, not within a directive (line %q): %v", p, line, err)
			}
			if me.Msg == "" || strings.ContainsAny(me.Msg, "\n") || err.Error() != p.String()+": "+me.Msg {
				t.Fatalf("error %q is not one file:line:col: message line", err)
			}
			errLines = append(errLines, p.Line)
		}
		if got == nil {
			t.Fatal("ParseFile returned no File")
		}
		for _, d := range got.Decls {
			if !slices.Contains(Kinds(), d.Kind) || d.Kind == NondeterministicOK {
				t.Fatalf("declaration directive of kind %q", d.Kind)
			}
			specs := keysOf(d.Kind)
			var seen []string
			for _, a := range d.Args {
				i := slices.IndexFunc(specs, func(s keySpec) bool { return s.name == a.Key })
				switch {
				case i < 0:
					t.Fatalf("//temporal:%s kept unknown option %q", d.Kind, a.Key)
				case slices.Contains(seen, a.Key):
					t.Fatalf("//temporal:%s kept option %q twice", d.Kind, a.Key)
				case specs[i].flag == a.HasValue:
					t.Fatalf("//temporal:%s kept option %q with HasValue %v", d.Kind, a.Key, a.HasValue)
				case specs[i].values != nil && !slices.Contains(specs[i].values, a.Value):
					t.Fatalf("//temporal:%s kept option %s=%q", d.Kind, a.Key, a.Value)
				}
				seen = append(seen, a.Key)
			}
		}
		for _, e := range got.Escapes {
			// One without a reason is kept, so that the analyzer does not
			// report the statement too, but it is an error.
			line := fset.Position(e.Pos).Line
			if e.Kind != NondeterministicOK || e.Reason == "" && !slices.Contains(errLines, line) {
				t.Fatalf("escape %+v on line %d, errors on lines %v", e, line, errLines)
			}
		}
	})
}
