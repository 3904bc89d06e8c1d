// Package gen is temporalgen's library: it turns Go packages annotated
// with //temporal: directives into typed Temporal code. It never writes
// files; cmd/temporalgen does.
//
// [Generate] runs the stages in order:
//
//  1. gen/load loads the packages (syntax and types of the user's packages
//     from source; the standard library, the runtime and the Temporal API
//     from export data);
//  2. gen/directive parses the //temporal: comments;
//  3. gen/check validates them against the types and builds the plain
//     model (gen/model);
//  4. gen/determinism, a go/analysis pass, checks every workflow not
//     marked sandboxed=false (and what it calls) for nondeterminism;
//  5. gen/emit renders the model of each package with jennifer into one
//     Go file, and its typed test helpers (on runtime/testsuite) into a
//     _test.go file beside it unless Config.NoTestHelpers; with
//     Config.Docs, gen/docs also renders a Markdown reference from the
//     templates of package templates.
//
// Every problem of every stage is collected into Result.Errors, sorted by
// position, each formatted file:line:col: message. Nothing is generated
// when there are errors.
//
// Output naming: one file per package, named by [Config.Output] (default
// "{pkg}_temporal.go", where {pkg} is the package name), in the package's
// directory. One file per package keeps a single Register function and
// dispatch table per package, and makes stale output easy to find.
//
// Type errors of the loaded packages are not reported: a package that
// calls code temporalgen generates does not type-check before the first
// generation, or after a signature changed. Declarations whose types are
// broken are reported by the check stage where it matters.
//
//	res, err := gen.Generate(gen.Config{Patterns: []string{"./..."}})
//	if err != nil {
//		log.Fatal(err)
//	}
//	for _, e := range res.Errors {
//		fmt.Fprintln(os.Stderr, e)
//	}
package gen

import (
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/temporalgen/temporalgen/gen/check"
	"github.com/temporalgen/temporalgen/gen/determinism"
	"github.com/temporalgen/temporalgen/gen/directive"
	"github.com/temporalgen/temporalgen/gen/docs"
	"github.com/temporalgen/temporalgen/gen/emit"
	"github.com/temporalgen/temporalgen/gen/load"
	"github.com/temporalgen/temporalgen/gen/model"
)

// DefaultOutput is the default output file name pattern.
const DefaultOutput = "{pkg}_temporal.go"

// Config says what to generate.
type Config struct {
	Dir      string   // directory to run the build system in; "" means the current one
	Patterns []string // package patterns; none means "."
	Tags     []string // build tags
	Env      []string // environment of the build system; nil means the current one
	// Output is the output file name pattern, relative to each package's
	// directory; "{pkg}" is replaced by the package name. Empty means
	// DefaultOutput.
	Output string
	// Docs asks for a Markdown reference of each package next to its
	// code, named like the Go file with .md instead of .go (see DocsPath).
	Docs bool
	// NoTestHelpers turns off the typed test helpers (emit.TestFile), a
	// _test.go file next to the code (see TestPath).
	NoTestHelpers bool
}

// Result is the outcome of Generate.
type Result struct {
	Files  []File           // files to write, by path; empty when there are errors
	Errors []error          // every problem found, sorted by position (mostly *model.Error)
	Model  []*model.Package // the packages that declare workflows, activities or Nexus services
}

// File is one generated file.
type File struct {
	Path    string // absolute, or relative to Config.Dir
	Content []byte
}

// OutputPath returns the output file of a package in dir named pkgName.
func OutputPath(pattern, dir, pkgName string) string {
	if pattern == "" {
		pattern = DefaultOutput
	}
	return filepath.Join(dir, strings.ReplaceAll(pattern, "{pkg}", pkgName))
}

// Generate loads, checks and (eventually) emits the packages of cfg. The
// error is non-nil only if loading could not run at all; problems in the
// packages are in Result.Errors.
func Generate(cfg Config) (*Result, error) {
	lr, err := load.Load(load.Config{Dir: cfg.Dir, Patterns: cfg.Patterns, Tags: cfg.Tags, Env: cfg.Env, DropOutput: true})
	if err != nil {
		return nil, err
	}
	res := &Result{}
	res.Errors = append(res.Errors, lr.Errors...)
	var workflowPkgs []*packages.Package
	var complete []*model.Package // checked without errors: ready to emit
	for _, p := range lr.Packages {
		if p.Types == nil || p.TypesInfo == nil {
			continue
		}
		m, errs := check.Package(lr.Fset, p.Syntax, p.Types, p.TypesInfo)
		res.Errors = append(res.Errors, errs...)
		if hasWorkflowDirective(p) {
			workflowPkgs = append(workflowPkgs, p)
		}
		if len(m.Workflows) == 0 && len(m.Activities) == 0 && len(m.NexusServices) == 0 {
			continue
		}
		res.Model = append(res.Model, m)
		if len(errs) == 0 {
			complete = append(complete, m)
		}
	}
	if len(workflowPkgs) > 0 {
		errs, err := analyze(workflowPkgs)
		if err != nil {
			return nil, err
		}
		res.Errors = append(res.Errors, errs...)
	}
	// Every package that checked cleanly is emitted, so that the errors
	// only emitting finds (generated names that collide) are reported
	// with the rest; the files are dropped below if anything failed.
	for _, m := range complete {
		files, errs, err := render(cfg, m)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, files...)
		res.Errors = append(res.Errors, errs...)
	}
	res.Errors = model.SortErrors(res.Errors)
	if len(res.Errors) > 0 {
		res.Files = nil
	}
	return res, nil
}

// render emits the files of one checked package: its Go code and, with
// cfg.Docs, its Markdown reference. The error is an internal failure.
func render(cfg Config, m *model.Package) ([]File, []error, error) {
	src, errs := emit.File(m)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	goPath := OutputPath(cfg.Output, m.Dir, m.Name)
	files := []File{{Path: goPath, Content: src}}
	if !cfg.NoTestHelpers {
		test, errs := emit.TestFile(m)
		if len(errs) > 0 {
			return nil, errs, nil
		}
		if test != nil {
			files = append(files, File{Path: TestPath(goPath), Content: test})
		}
	}
	if cfg.Docs {
		md, err := docs.Markdown(m)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, File{Path: DocsPath(goPath), Content: md})
	}
	return files, nil, nil
}

// TestPath returns the path of the test helpers that go with the
// generated Go file goPath: the same name with _test.go instead of .go.
func TestPath(goPath string) string {
	return strings.TrimSuffix(goPath, ".go") + "_test.go"
}

// DocsPath returns the path of the Markdown reference that goes with the
// generated Go file goPath: the same name with .md instead of .go.
func DocsPath(goPath string) string {
	return strings.TrimSuffix(goPath, ".go") + ".md"
}

// hasWorkflowDirective reports whether p declares a workflow, checked
// cheaply on the syntax so that packages without workflows skip analysis.
func hasWorkflowDirective(p *packages.Package) bool {
	for _, f := range p.Syntax {
		for _, g := range f.Comments {
			for _, c := range g.List {
				if strings.HasPrefix(c.Text, directive.Prefix+string(directive.Workflow)) {
					return true
				}
			}
		}
	}
	return false
}

// Vet loads the packages of cfg and runs the determinism analyzer on them.
// It returns the problems it found (load errors and findings), sorted.
func Vet(cfg Config) ([]error, error) {
	lr, err := load.Load(load.Config{Dir: cfg.Dir, Patterns: cfg.Patterns, Tags: cfg.Tags, Env: cfg.Env})
	if err != nil {
		return nil, err
	}
	errs := append([]error(nil), lr.Errors...)
	found, err := analyze(lr.Packages)
	if err != nil {
		return nil, err
	}
	return model.SortErrors(append(errs, found...)), nil
}

// analyze runs determinism.Analyzer on pkgs (loaded with their dependencies)
// and converts its diagnostics to positioned errors.
func analyze(pkgs []*packages.Package) ([]error, error) {
	graph, err := checker.Analyze([]*analysis.Analyzer{determinism.Analyzer}, pkgs, nil)
	if err != nil {
		return nil, fmt.Errorf("determinism analysis: %w", err)
	}
	var errs []error
	for _, act := range graph.Roots {
		if act.Err != nil {
			errs = append(errs, fmt.Errorf("%s: determinism analysis: %v", act.Package.PkgPath, act.Err))
			continue
		}
		for _, d := range act.Diagnostics {
			errs = append(errs, &model.Error{Pos: directive.Position(act.Package.Fset, d.Pos), Msg: d.Message})
		}
	}
	return errs, nil
}
