package load

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"

	"github.com/temporalgen/temporalgen/gen/model"
)

// sources parses and type-checks the packages of the source set.
type sources struct {
	fset       *token.FileSet
	dropOutput bool // see Config.DropOutput
	units      map[*packages.Package]*unit
	exp        *exports      // set by check
	cpu        chan struct{} // one token per parse or type check under way
}

// unit is one package of the source set.
type unit struct {
	pkg  *packages.Package
	deps map[*packages.Package]bool // the source packages it waits for
	// imported are the packages of the export set that pkg's files import.
	imported map[*packages.Package]bool
	done     chan struct{} // closed when pkg is type-checked
	// failed are the errors of pkg's imports whose export data is
	// missing, by import path, the first of each.
	failed map[string]packages.Error
}

// newSources returns the loader of the source set src. It orders the
// packages: each is type-checked after the source packages it imports; an
// import cycle (reported by go list) is broken where it is first found,
// and the cyclic import fails.
func newSources(fset *token.FileSet, dropOutput bool, src []*packages.Package) *sources {
	s := &sources{
		fset:       fset,
		dropOutput: dropOutput,
		units:      make(map[*packages.Package]*unit, len(src)),
		cpu:        make(chan struct{}, runtime.GOMAXPROCS(0)),
	}
	for _, p := range src {
		s.units[p] = &unit{
			pkg:      p,
			deps:     make(map[*packages.Package]bool),
			imported: make(map[*packages.Package]bool),
			done:     make(chan struct{}),
			failed:   make(map[string]packages.Error),
		}
	}
	const (
		visiting = 1
		visited  = 2
	)
	state := make(map[*packages.Package]int)
	var order func(p *packages.Package)
	order = func(p *packages.Package) {
		state[p] = visiting
		for _, q := range p.Imports {
			if s.units[q] == nil || state[q] == visiting {
				continue
			}
			s.units[p].deps[q] = true
			if state[q] == 0 {
				order(q)
			}
		}
		state[p] = visited
	}
	for _, p := range src {
		if state[p] == 0 {
			order(p)
		}
	}
	return s
}

// exports returns the packages of exp that the files of the source set
// import, in order, reading their import declarations only. The metadata
// also lists the imports of files that DropOutput drops: they need no
// export data.
func (s *sources) exports(exp []*packages.Package) []*packages.Package {
	used := make(map[*packages.Package]bool)
	for _, u := range s.units {
		for _, name := range u.pkg.GoFiles {
			f, _ := s.parseFile(token.NewFileSet(), name, parser.ImportsOnly|parser.SkipObjectResolution)
			if f == nil {
				continue // check reports why
			}
			for _, spec := range f.Imports {
				path, _ := strconv.Unquote(spec.Path.Value)
				if q := u.pkg.Imports[path]; q != nil && s.units[q] == nil {
					used[q] = true
				}
			}
		}
	}
	return slices.DeleteFunc(slices.Clone(exp), func(p *packages.Package) bool { return !used[p] })
}

// check parses and type-checks the source set, with the export set in
// exp, filling in the packages' Fset, Syntax, Types, TypesInfo, Errors,
// TypeErrors and IllTyped. Packages are parsed in parallel at once, and
// type-checked in parallel in order once the export data run is over.
//
// The files are GoFiles: cgo's output (CompiledGoFiles) would need go
// list -compiled, which doubles the time of the metadata query. A package
// that uses cgo is type-checked with FakeImportC then: references to C are
// not checked. CompiledGoFiles is set to GoFiles.
func (s *sources) check(exp *exports) {
	s.exp = exp
	var wg sync.WaitGroup
	for _, u := range s.units {
		wg.Go(func() { s.load(u) })
	}
	wg.Wait()
}

// load parses and type-checks the package of u.
func (s *sources) load(u *unit) {
	defer close(u.done)
	p := u.pkg
	p.Fset = s.fset
	p.Types = types.NewPackage(p.PkgPath, p.Name)
	p.CompiledGoFiles = p.GoFiles

	s.cpu <- struct{}{}
	for _, name := range p.CompiledGoFiles {
		f, err := s.parseFile(s.fset, name, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
		if f != nil {
			p.Syntax = append(p.Syntax, f)
		}
		p.Errors = append(p.Errors, parseErrors(name, err)...)
	}
	<-s.cpu

	for q := range u.deps {
		<-s.units[q].done
	}
	if s.exp.wait() != nil {
		return // Load fails
	}
	p.TypesSizes = s.exp.sizes

	s.cpu <- struct{}{}
	defer func() { <-s.cpu }()
	p.TypesInfo = &types.Info{
		Types:        make(map[ast.Expr]types.TypeAndValue),
		Defs:         make(map[*ast.Ident]types.Object),
		Uses:         make(map[*ast.Ident]types.Object),
		Implicits:    make(map[ast.Node]types.Object),
		Instances:    make(map[*ast.Ident]types.Instance),
		Scopes:       make(map[ast.Node]*types.Scope),
		Selections:   make(map[*ast.SelectorExpr]*types.Selection),
		FileVersions: make(map[*ast.File]string),
	}
	failedSpecs := s.failedImports(p)
	conf := &types.Config{
		Importer:    importerFunc(func(path string) (*types.Package, error) { return s.importFor(u, path) }),
		Sizes:       p.TypesSizes,
		FakeImportC: true, // see check
		Error: func(err error) {
			te, ok := err.(types.Error)
			if !ok {
				p.Errors = append(p.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.UnknownError})
				return
			}
			p.TypeErrors = append(p.TypeErrors, te)
			e := packages.Error{Pos: s.fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError}
			if path, ok := failedSpecs[te.Pos]; ok {
				e.Kind = packages.ListError // a load problem, not a type error of p
				if _, seen := u.failed[path]; !seen {
					u.failed[path] = e
				}
			}
			p.Errors = append(p.Errors, e)
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	n := len(p.Errors)
	err := types.NewChecker(conf, s.fset, p.Types, p.TypesInfo).Files(p.Syntax)
	if err != nil && len(p.Errors) == n {
		// Not reported through conf.Error (a version too new, say).
		p.Errors = append(p.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.TypeError})
	}
	p.IllTyped = len(p.Errors) > 0
	for _, q := range p.Imports {
		p.IllTyped = p.IllTyped || (s.units[q] == nil || u.deps[q]) && q.IllTyped
	}
}

// prune removes from the Imports of the source set the packages of the
// export set that their files do not import (those of files that
// DropOutput dropped, say), and returns the others, in the order of exp.
// Nothing then needs to read export data that type-checking did not.
func (s *sources) prune(exp []*packages.Package) []*packages.Package {
	used := make(map[*packages.Package]bool)
	for _, u := range s.units {
		for path, q := range u.pkg.Imports {
			switch {
			case s.units[q] != nil:
			case u.imported[q]:
				used[q] = true
			default:
				delete(u.pkg.Imports, path)
			}
		}
	}
	return slices.DeleteFunc(slices.Clone(exp), func(p *packages.Package) bool { return !used[p] })
}

// parseFile reads and parses the file name in mode, or, with DropOutput
// and a file that temporalgen generated, up to its package clause only.
func (s *sources) parseFile(fset *token.FileSet, name string, mode parser.Mode) (*ast.File, error) {
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if s.dropOutput && bytes.HasPrefix(src, []byte(generatedPrefix)) {
		mode = parser.PackageClauseOnly | parser.ParseComments
	}
	return parser.ParseFile(fset, name, src, mode)
}

// generatedPrefix starts every file temporalgen generates.
const generatedPrefix = "// " + model.GeneratedHeader + "\n"

// parseErrors converts the error of parsing the file name.
func parseErrors(name string, err error) []packages.Error {
	var list scanner.ErrorList
	var pathErr *os.PathError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &list):
		var out []packages.Error
		for _, e := range list {
			out = append(out, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: packages.ParseError})
		}
		return out
	case errors.As(err, &pathErr):
		return []packages.Error{{Pos: name + ":1", Msg: pathErr.Err.Error(), Kind: packages.ParseError}}
	}
	return []packages.Error{{Pos: name + ":1", Msg: err.Error(), Kind: packages.ParseError}}
}

// failedImports returns the import paths of p's imports of packages
// whose export data is missing, by the position where the type checker
// reports them.
func (s *sources) failedImports(p *packages.Package) map[token.Pos]string {
	specs := make(map[token.Pos]string)
	for _, f := range p.Syntax {
		for _, spec := range f.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				continue
			}
			if q := p.Imports[path]; q != nil && s.units[q] == nil {
				if _, ok := s.exp.failed[q.PkgPath]; ok {
					specs[spec.Path.Pos()] = q.PkgPath
				}
			}
		}
	}
	return specs
}

// importFor imports path for the package of u: a package of the source
// set, type-checked before, or one of the export set.
func (s *sources) importFor(u *unit, path string) (*types.Package, error) {
	q := u.pkg.Imports[path]
	switch {
	case q == nil && path == "unsafe":
		return types.Unsafe, nil
	case q == nil:
		return nil, fmt.Errorf("no metadata for %s", path)
	case s.units[q] == nil:
		u.imported[q] = true
		return s.exp.Import(q.PkgPath)
	case !u.deps[q]:
		return nil, fmt.Errorf("import cycle through %s", q.PkgPath)
	case len(q.CompiledGoFiles) == 0 && len(q.Errors) > 0:
		var msgs []string
		for _, e := range q.Errors {
			msgs = append(msgs, oneLine(e.Msg))
		}
		return nil, errors.New(strings.Join(msgs, "; "))
	}
	return q.Types, nil
}

// importerFunc is a types.Importer.
type importerFunc func(path string) (*types.Package, error)

// Import imports path.
func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// oneLine joins the lines of msg, collapsing white space.
func oneLine(msg string) string { return strings.Join(strings.Fields(msg), " ") }
