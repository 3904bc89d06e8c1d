// Package load is temporalgen's first stage: it loads Go packages with
// syntax trees, types and type information, and turns load problems into
// positioned errors.
//
// Test files are never loaded. The requested packages, and every package
// they reach without passing through trusted code, are parsed and
// type-checked from source: the user's own packages and the third-party
// helpers they call, so that the determinism analyzer (gen/determinism) can
// follow calls into them, and so that a dependency with compile errors
// does not hide the types of the packages being generated. Trusted code is
// the standard library, temporalgen's runtime, go.temporal.io/api and the
// protobuf and gRPC modules under it: nothing in it imports user code, the
// analyzer does not look inside it, and type-checking it from source
// would make loading slower than go vet. The packages that the
// source packages import from outside their set are imported from export
// data instead, which one `go list -export` run finds in the build cache
// (compiling them the first time, but never the requested packages). A
// package that trusted code depends on too (golang.org/x/net, say) comes
// from export data even when user code imports it, so that both agree on
// its types.
//
// In Result.Packages, packages from source have Syntax and TypesInfo;
// their Imports lead to the other source packages and to the packages
// from export data that their files import, which have Types but no
// Syntax, TypesInfo or Imports. Only problems of the requested packages
// are reported, plus any package that had to come from export data but
// does not compile.
//
// Files are parsed as listed in GoFiles: cgo is not run (asking go list
// for its output doubles the time of the metadata query), so in a package
// that uses cgo, references to C are not checked.
//
//	res, err := load.Load(load.Config{Dir: ".", Patterns: []string{"./..."}})
//	if err != nil {
//		return err // the go command could not run
//	}
//	for _, e := range res.Errors {
//		fmt.Println(e) // file:line:col: message
//	}
package load

import (
	"errors"
	"fmt"
	"go/token"
	"go/types"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/temporalgen/temporalgen/gen/model"
)

// Config says what to load.
type Config struct {
	Dir      string   // directory to run the build system in; "" means the current one
	Patterns []string // package patterns; none means "."
	Tags     []string // build tags
	Env      []string // environment for the build system; nil means the current one
	// DropOutput parses the files that temporalgen generated (those that
	// start with "// "+model.GeneratedHeader) as empty files, package
	// clause only. Generating then does not depend on the previous output,
	// which is about to be replaced, and skips type-checking it. Code that
	// uses the generated API has type errors then, as before the first
	// generation; they are in Result.TypeErrors.
	DropOutput bool
}

// Result is what was loaded.
type Result struct {
	Fset     *token.FileSet
	Packages []*packages.Package // the packages matched by the patterns, sorted by import path
	// Errors are the list and parse errors of Packages, positioned where
	// possible (*model.Error), in package order, then the packages that
	// could not be imported from export data.
	Errors []error
	// TypeErrors are the type errors of Packages (*model.Error). They are
	// kept apart because a package that uses the code temporalgen is about
	// to generate does not type-check until it has been generated.
	TypeErrors []error
}

// metadataMode is what Load asks go/packages for: the import graph and
// the files, from one `go list` run. Load parses and type-checks itself;
// without NeedCompiledGoFiles and NeedTypesSizes, go list does not need
// to run cgo (see sources.check), which halves its time.
const metadataMode = packages.NeedName | packages.NeedFiles | packages.NeedImports |
	packages.NeedDeps | packages.NeedModule

// Load loads the packages of cfg. The error is non-nil only when the build
// system could not run at all; problems in the packages are in Result.Errors.
func Load(cfg Config) (*Result, error) {
	patterns := cfg.Patterns
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	fset := token.NewFileSet()
	pcfg := &packages.Config{
		Mode:  metadataMode,
		Dir:   cfg.Dir,
		Env:   cfg.Env,
		Tests: false,
	}
	if len(cfg.Tags) > 0 {
		pcfg.BuildFlags = []string{"-tags=" + strings.Join(cfg.Tags, ",")}
	}
	pkgs, err := packages.Load(pcfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	for _, p := range pkgs {
		for _, e := range p.Errors {
			if name, ok := invalidFile(p, e); ok && !slices.Contains(p.GoFiles, name) {
				p.GoFiles = append(p.GoFiles, name) // for the parser to report
			}
		}
	}
	src, exp := split(pkgs)
	s := newSources(fset, cfg.DropOutput, src)
	exp = s.exports(exp)
	x := startExports(cfg, fset, exp)
	s.check(x)
	if err := x.wait(); err != nil {
		return nil, err
	}
	exp = s.prune(exp)
	for _, p := range exp {
		finishExport(p, fset, x)
	}

	slices.SortFunc(pkgs, func(a, b *packages.Package) int { return strings.Compare(a.PkgPath, b.PkgPath) })
	res := &Result{Fset: fset, Packages: pkgs}
	if len(pkgs) == 0 {
		res.Errors = append(res.Errors, fmt.Errorf("no packages match %s", strings.Join(patterns, " ")))
	}
	// go list positions its own errors relative to the directory it ran
	// in; the parser and the type checker use absolute file names.
	listDir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	for _, p := range pkgs {
		others := slices.ContainsFunc(p.Errors, func(e packages.Error) bool { return !compilerOutput(e) })
		seen := make(map[string]bool) // go list and the parser may report the same problem
		for _, e := range p.Errors {
			if others && compilerOutput(e) {
				continue // repeated by the parser or type checker, with positions
			}
			if name, ok := invalidFile(p, e); ok && hasErrorIn(p, name) {
				continue // the parser's errors say where
			}
			err := convert(listDir, p, e)
			if seen[err.Error()] {
				continue
			}
			seen[err.Error()] = true
			if e.Kind == packages.TypeError {
				res.TypeErrors = append(res.TypeErrors, err)
				continue
			}
			res.Errors = append(res.Errors, err)
		}
	}
	res.Errors = append(res.Errors, s.exportErrors(listDir, pkgs, src, exp)...)
	return res, nil
}

// finishExport fills in p, of the export set, once the source set is
// type-checked: its types, or an error if it has no export data. Its
// imports are dropped: nothing needs them.
func finishExport(p *packages.Package, fset *token.FileSet, x *exports) {
	p.Fset = fset
	p.TypesSizes = x.sizes
	p.Imports = nil
	t, err := x.Import(p.PkgPath)
	if err != nil {
		t = types.NewPackage(p.PkgPath, p.Name)
		p.Errors = append(p.Errors, packages.Error{Pos: "-", Msg: fmt.Sprintf("could not import %s (%v)", p.PkgPath, err), Kind: packages.ListError})
		p.IllTyped = true
	}
	p.Types = t
}

// exportErrors returns the errors of the packages of the export set exp
// that could not be imported and that no package of roots imports
// directly (those are in the roots' errors), each at an import of it from
// the source set src. dir is where go list ran.
func (s *sources) exportErrors(dir string, roots, src, exp []*packages.Package) []error {
	reported := make(map[string]bool)
	for _, r := range roots {
		for path := range s.units[r].failed {
			reported[path] = true
		}
	}
	var errs []error
	for _, p := range src {
		u := s.units[p]
		for _, path := range slices.Sorted(maps.Keys(u.failed)) {
			if !reported[path] {
				reported[path] = true
				errs = append(errs, convert(dir, p, u.failed[path]))
			}
		}
	}
	for _, p := range exp {
		if msg, ok := s.exp.failed[p.PkgPath]; ok && !reported[p.PkgPath] {
			errs = append(errs, fmt.Errorf("could not import %s (%s)", p.PkgPath, msg))
		}
	}
	return errs
}

// compilerOutput reports whether e is the compiler output that the go
// command relays for a package that does not compile (cgo, say).
func compilerOutput(e packages.Error) bool {
	return e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# ")
}

// invalidFile returns the file that a go list error without a position
// is about, when go list left the file out of p for it (a NUL byte in it,
// say: "read /dir/x.go: unexpected NUL in input"). Load parses it anyway,
// so that the parser reports the problem at its position.
func invalidFile(p *packages.Package, e packages.Error) (string, bool) {
	if e.Kind != packages.ListError || e.Pos != "" && e.Pos != "-" {
		return "", false
	}
	rest, ok := strings.CutPrefix(e.Msg, "read ")
	if !ok {
		return "", false
	}
	name, _, ok := strings.Cut(rest, ": ")
	if !ok || !strings.HasSuffix(name, ".go") || !filepath.IsAbs(name) || filepath.Dir(name) != filepath.Clean(p.Dir) {
		return "", false
	}
	return name, true
}

// hasErrorIn reports whether p has an error positioned in the file name.
func hasErrorIn(p *packages.Package, name string) bool {
	return slices.ContainsFunc(p.Errors, func(e packages.Error) bool {
		pos, ok := parsePos(e.Pos)
		return ok && pos.File == name
	})
}

// convert turns a go/packages error into a *model.Error when it has a
// position. A relative file name is relative to dir, where go list ran.
func convert(dir string, p *packages.Package, e packages.Error) error {
	msg := e.Msg
	pos, ok := parsePos(e.Pos)
	if !ok {
		if e.Kind == packages.ListError && p.PkgPath != "" && !strings.Contains(msg, p.PkgPath) {
			msg = p.PkgPath + ": " + msg
		}
		return errors.New(msg)
	}
	if !filepath.IsAbs(pos.File) {
		pos.File = filepath.Join(dir, pos.File)
	}
	return &model.Error{Pos: pos, Msg: msg}
}

// parsePos parses "file:line:col" or "file:line" as go/packages writes it.
func parsePos(s string) (model.Pos, bool) {
	if s == "" || s == "-" {
		return model.Pos{}, false
	}
	var nums []int
	rest := s
	for range 2 {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		rest = rest[:i]
	}
	switch len(nums) {
	case 1:
		return model.Pos{File: rest, Line: nums[0]}, true
	case 2:
		return model.Pos{File: rest, Line: nums[0], Col: nums[1]}, true
	}
	return model.Pos{}, false
}
