// Package load is temporalgen's first stage: it loads Go packages with
// golang.org/x/tools/go/packages, with syntax trees, types and type
// information, and turns load problems into positioned errors.
//
// Test files are never loaded. Dependencies are type-checked from source
// (so that the determinism analyzer can follow calls into them, and so that
// a dependency with compile errors does not hide the types of the packages
// being generated); only problems of the requested packages are reported.
//
//	res, err := load.Load(load.Config{Dir: ".", Patterns: []string{"./..."}})
//	if err != nil {
//		return err // go list itself failed
//	}
//	for _, e := range res.Errors {
//		fmt.Println(e) // file:line:col: message
//	}
package load

import (
	"errors"
	"fmt"
	"go/token"
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
	// NoDeps loads dependencies from export data instead of source. It is
	// faster, but the determinism analyzer then cannot follow calls into
	// other packages, and a dependency that does not compile breaks loading.
	NoDeps bool
}

// Result is what was loaded.
type Result struct {
	Fset     *token.FileSet
	Packages []*packages.Package // the packages matched by the patterns, sorted by import path
	// Errors are the list and parse errors of Packages, positioned where
	// possible (*model.Error), in package order.
	Errors []error
	// TypeErrors are the type errors of Packages (*model.Error). They are
	// kept apart because a package that uses the code temporalgen is about
	// to generate does not type-check until it has been generated.
	TypeErrors []error
}

// Mode is the go/packages load mode used by Load.
const Mode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedSyntax |
	packages.NeedTypesInfo | packages.NeedTypesSizes | packages.NeedModule

// Load loads the packages of cfg. The error is non-nil only when the build
// system could not run at all; problems in the packages are in Result.Errors.
func Load(cfg Config) (*Result, error) {
	patterns := cfg.Patterns
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	mode := Mode
	if !cfg.NoDeps {
		mode |= packages.NeedDeps
	}
	fset := token.NewFileSet()
	pcfg := &packages.Config{
		Mode:  mode,
		Dir:   cfg.Dir,
		Env:   cfg.Env,
		Fset:  fset,
		Tests: false,
	}
	if len(cfg.Tags) > 0 {
		pcfg.BuildFlags = []string{"-tags=" + strings.Join(cfg.Tags, ",")}
	}
	pkgs, err := packages.Load(pcfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	slices.SortFunc(pkgs, func(a, b *packages.Package) int { return strings.Compare(a.PkgPath, b.PkgPath) })
	res := &Result{Fset: fset, Packages: pkgs}
	if len(pkgs) == 0 {
		res.Errors = append(res.Errors, fmt.Errorf("no packages match %s", strings.Join(patterns, " ")))
	}
	for _, p := range pkgs {
		others := slices.ContainsFunc(p.Errors, func(e packages.Error) bool { return !compilerOutput(e) })
		for _, e := range p.Errors {
			if others && compilerOutput(e) {
				continue // repeated by the parser or type checker, with positions
			}
			if e.Kind == packages.TypeError {
				res.TypeErrors = append(res.TypeErrors, convert(p, e))
				continue
			}
			res.Errors = append(res.Errors, convert(p, e))
		}
	}
	return res, nil
}

// compilerOutput reports whether e is the compiler output that
// `go list -export` relays for a package that does not compile.
func compilerOutput(e packages.Error) bool {
	return e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# ")
}

// convert turns a go/packages error into a *model.Error when it has a
// position.
func convert(p *packages.Package, e packages.Error) error {
	msg := e.Msg
	pos, ok := parsePos(e.Pos)
	if !ok {
		if e.Kind == packages.ListError && p.PkgPath != "" && !strings.Contains(msg, p.PkgPath) {
			msg = p.PkgPath + ": " + msg
		}
		return errors.New(msg)
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
