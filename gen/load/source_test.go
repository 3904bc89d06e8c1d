package load

import (
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/temporalgen/temporalgen/gen/model"
)

func TestLoadSourceAndExport(t *testing.T) {
	const (
		self    = "github.com/temporalgen/temporalgen/gen/load/testdata/"
		runtime = "github.com/temporalgen/temporalgen/runtime/"
	)
	// A module with the path of temporalgen's, so that its runtime
	// packages are trusted: one does not compile, one depends on a build
	// tag; three packages import them, one only from a file that
	// temporalgen generated. Two more import each other.
	module := writeModule(t, map[string]string{
		"go.mod":                      "module github.com/temporalgen/temporalgen\n\ngo 1.26\n",
		"runtime/bad/bad.go":          "package bad\n\nfunc F() int { return undefinedThing }\n",
		"runtime/tagged/a.go":         "//go:build special\n\npackage tagged\n\nconst Special = 1\n",
		"runtime/tagged/b.go":         "package tagged\n\nconst Always = 1\n",
		"usesbad/usesbad.go":          "package usesbad\n\nimport \"github.com/temporalgen/temporalgen/runtime/bad\"\n\nvar X = bad.F()\n\nvar Y = 1\n",
		"usestagged/usestagged.go":    "package usestagged\n\nimport \"github.com/temporalgen/temporalgen/runtime/tagged\"\n\nvar X = tagged.Special\n\nvar Y = tagged.Always\n",
		"dropped/dropped.go":          "package dropped\n\nvar Y = 1\n",
		"dropped/dropped_temporal.go": "// " + model.GeneratedHeader + "\n\npackage dropped\n\nimport \"github.com/temporalgen/temporalgen/runtime/bad\"\n\nvar X = bad.F()\n",
		"cycle/a/a.go":                "package a\n\nimport \"github.com/temporalgen/temporalgen/cycle/b\"\n\nvar A = b.B\n",
		"cycle/b/b.go":                "package b\n\nimport \"github.com/temporalgen/temporalgen/cycle/a\"\n\nvar B = a.A\n",
	})
	for _, tc := range []struct {
		name       string
		module     bool // load from the module above, not from this directory
		pattern    string
		tags       []string
		dropOutput bool
		source     []string // packages that must come from source
		export     []string // packages that must come from export data
		absent     []string // packages that must not be loaded
		illTyped   []string // packages that must be ill-typed
		typed      []string // objects of the root whose type must be valid
		errors     []string // Result.Errors, prefixes, paths relative to the directory
		typeErrors []string // Result.TypeErrors, likewise
	}{{
		name:    "sibling from source, standard library and runtime from export data",
		pattern: "./testdata/sibling",
		source:  []string{self + "sibling", self + "sibling/helper"},
		export:  []string{"fmt", "strings", "time", runtime + "workflow"},
		typed:   []string{"Greet"},
	}, {
		name:     "broken sibling does not hide the root's types",
		pattern:  "./testdata/usesbroken",
		source:   []string{self + "usesbroken", self + "broken"},
		illTyped: []string{self + "usesbroken", self + "broken"},
		typed:    []string{"Twice"},
	}, {
		name:       "missing import",
		pattern:    "./testdata/missing",
		illTyped:   []string{self + "missing", "example.com/nothere/pkg"},
		typeErrors: []string{"testdata/missing/missing.go:5:2: could not import example.com/nothere/pkg (no required module provides package"},
	}, {
		name:     "runtime package that does not compile",
		module:   true,
		pattern:  "./usesbad",
		export:   []string{runtime + "bad"},
		illTyped: []string{runtime + "bad", "github.com/temporalgen/temporalgen/usesbad"},
		typed:    []string{"Y"},
		errors:   []string{"usesbad/usesbad.go:3:8: could not import github.com/temporalgen/temporalgen/runtime/bad (does not compile: runtime/bad/bad.go:3:23: undefined: undefinedThing)"},
	}, {
		name:    "build tags reach the export data",
		module:  true,
		pattern: "./usestagged",
		tags:    []string{"special"},
		export:  []string{runtime + "tagged"},
		typed:   []string{"X", "Y"},
	}, {
		name:       "without the build tag",
		module:     true,
		pattern:    "./usestagged",
		export:     []string{runtime + "tagged"},
		illTyped:   []string{"github.com/temporalgen/temporalgen/usestagged"},
		typed:      []string{"Y"},
		typeErrors: []string{"usestagged/usestagged.go:5:16: undefined: tagged.Special"},
	}, {
		name:       "imports of dropped output need no export data",
		module:     true,
		pattern:    "./dropped",
		dropOutput: true,
		absent:     []string{runtime + "bad"},
		typed:      []string{"Y"},
	}, {
		name:     "imports of output that is not dropped do",
		module:   true,
		pattern:  "./dropped",
		export:   []string{runtime + "bad"},
		illTyped: []string{runtime + "bad", "github.com/temporalgen/temporalgen/dropped"},
		typed:    []string{"Y"},
		errors:   []string{"dropped/dropped_temporal.go:5:8: could not import github.com/temporalgen/temporalgen/runtime/bad (does not compile"},
	}, {
		name:     "import cycle",
		module:   true,
		pattern:  "./cycle/a",
		illTyped: []string{"github.com/temporalgen/temporalgen/cycle/a", "github.com/temporalgen/temporalgen/cycle/b"},
		errors:   []string{"import cycle not allowed"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			dir, err := filepath.Abs(".")
			if err != nil {
				t.Fatal(err)
			}
			if tc.module {
				dir = module
			}
			res, err := Load(Config{Dir: dir, Patterns: []string{tc.pattern}, Tags: tc.tags, DropOutput: tc.dropOutput})
			if err != nil {
				t.Fatal(err)
			}
			checkErrors(t, "errors", dir, res.Errors, tc.errors)
			checkErrors(t, "type errors", dir, res.TypeErrors, tc.typeErrors)
			if len(res.Packages) != 1 {
				t.Fatalf("got %d packages, want 1", len(res.Packages))
			}
			root := res.Packages[0]
			all := make(map[string]*packages.Package)
			packages.Visit(res.Packages, nil, func(p *packages.Package) { all[p.PkgPath] = p })
			for _, path := range tc.source {
				p := all[path]
				if p == nil || len(p.Syntax) == 0 || p.TypesInfo == nil || p.Types == nil {
					t.Errorf("%s is not loaded from source: %+v", path, p)
				}
			}
			for _, path := range tc.export {
				p := all[path]
				if p == nil || len(p.Syntax) != 0 || p.Types == nil || p.Fset == nil || p.TypesSizes == nil {
					t.Errorf("%s is not loaded from export data: %+v", path, p)
				}
			}
			for _, path := range tc.absent {
				if p := all[path]; p != nil {
					t.Errorf("%s is loaded: %+v", path, p)
				}
			}
			for path, p := range all {
				if want := slices.Contains(tc.illTyped, path); p.IllTyped != want {
					t.Errorf("%s: IllTyped = %v, want %v (errors %v)", path, p.IllTyped, want, p.Errors)
				}
			}
			for _, name := range tc.typed {
				obj := root.Types.Scope().Lookup(name)
				if obj == nil || obj.Type() == types.Typ[types.Invalid] {
					t.Errorf("%s: %v has no valid type", name, obj)
				}
			}
		})
	}
}

// checkErrors compares errs with the prefixes want, their file names made
// relative to dir.
func checkErrors(t *testing.T, what, dir string, errs []error, want []string) {
	t.Helper()
	var got []string
	for _, e := range errs {
		got = append(got, strings.ReplaceAll(e.Error(), dir+string(filepath.Separator), ""))
	}
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = strings.HasPrefix(got[i], want[i])
	}
	if !ok {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// writeModule writes files into a temporary directory and returns it.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
