package determinism

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/build"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/temporalgen/temporalgen/gen/directive"
)

//go:embed doc.go
var docSource string

// Analyzer is the determinism analyzer; doc.go is its manual, and the
// "# Analyzer" section there is its Doc.
var Analyzer = &analysis.Analyzer{
	Name:             "temporaldeterminism",
	Doc:              analyzerDoc(docSource, "temporaldeterminism"),
	URL:              "https://pkg.go.dev/github.com/temporalgen/temporalgen/gen/determinism",
	Run:              runAnalyzer,
	RunDespiteErrors: true,
	FactTypes:        []analysis.Fact{new(NondeterministicFact)},
}

// NondeterministicFact is exported for a function whose body, or a function
// it calls, is nondeterministic.
type NondeterministicFact struct {
	Findings []Finding
}

// Finding is one nondeterministic operation reachable from a function.
type Finding struct {
	What     string   // "call to time.Now", "go statement", ...
	Category string   // time, rand, io, go, chan, select, map, sync, global
	Fix      string   // suggestion
	Chain    []string // qualified functions from the fact's function to the operation's
	Pos      string   // file:line:col of the operation
}

// AFact marks NondeterministicFact as an analysis fact.
func (*NondeterministicFact) AFact() {}

func (f *NondeterministicFact) String() string {
	var parts []string
	for _, x := range f.Findings {
		parts = append(parts, x.What+" via "+strings.Join(x.Chain, " → "))
	}
	return "nondeterministic(" + strings.Join(parts, "; ") + ")"
}

// maxFindings bounds the findings kept per function fact.
const maxFindings = 8

// runtimePrefix is the import path prefix of our runtime packages.
const runtimePrefix = "github.com/temporalgen/temporalgen/runtime/"

// trusted reports whether the package of pass is not analyzed: a package
// loaded from export data (it has no files to analyze), the standard
// library (judged by the deny lists instead) and our own runtime.
func trusted(pass *analysis.Pass) bool {
	if len(pass.Files) == 0 || strings.HasPrefix(pass.Pkg.Path(), runtimePrefix) {
		return true
	}
	goroot := filepath.Join(build.Default.GOROOT, "src") + string(filepath.Separator)
	for _, f := range pass.Files {
		name := pass.Fset.File(f.Package).Name()
		return build.Default.GOROOT != "" && strings.HasPrefix(name, goroot)
	}
	return false
}

// op is a nondeterministic operation in a function body.
type op struct {
	pos      token.Pos
	what     string
	category string
	fix      string
}

// edge is a reference to a function of a body.
type edge struct {
	pos token.Pos
	fn  *types.Func
}

// body is what a function's body does, directly.
type body struct {
	fn    *types.Func
	ops   []op
	calls []edge
}

type analysisState struct {
	pass     *analysis.Pass
	bodies   map[*types.Func]*body
	order    []*types.Func // declaration order
	silenced map[string]map[int]bool
	memo     map[*types.Func][]Finding
	visiting map[*types.Func]bool
}

func runAnalyzer(pass *analysis.Pass) (any, error) {
	if trusted(pass) {
		return nil, nil
	}
	st := &analysisState{
		pass:     pass,
		bodies:   make(map[*types.Func]*body),
		silenced: make(map[string]map[int]bool),
		memo:     make(map[*types.Func][]Finding),
		visiting: make(map[*types.Func]bool),
	}
	var dfs []*directive.File
	for _, f := range pass.Files {
		df, _ := directive.ParseFile(pass.Fset, f)
		dfs = append(dfs, df)
		st.escapes(f, df.Escapes)
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			st.bodies[fn] = st.scan(fn, fd.Body)
			st.order = append(st.order, fn)
		}
	}
	// Only exported functions and methods can be called from other
	// packages: facts on the rest would never be read.
	for _, fn := range st.order {
		if !fn.Exported() {
			continue
		}
		if fs := st.findings(fn); len(fs) > 0 {
			pass.ExportObjectFact(fn, &NondeterministicFact{Findings: fs})
		}
	}
	st.report(st.roots(dfs))
	return nil, nil
}

// escapes records the lines silenced by //temporal:nondeterministic-ok and
// reports escapes without a reason.
func (st *analysisState) escapes(f *ast.File, escapes []*directive.Directive) {
	if len(escapes) == 0 {
		return
	}
	// The first column of code on each line tells trailing comments (which
	// silence their own line) from comments alone on a line (which silence
	// the next one).
	firstCol := make(map[int]int)
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		switch n.(type) {
		case *ast.Comment, *ast.CommentGroup:
			return false
		}
		p := st.pass.Fset.Position(n.Pos())
		if c, ok := firstCol[p.Line]; !ok || p.Column < c {
			firstCol[p.Line] = p.Column
		}
		return true
	})
	for _, d := range escapes {
		p := st.pass.Fset.Position(d.Pos)
		if d.Reason == "" {
			st.pass.Reportf(d.KindPos, "//temporal:nondeterministic-ok needs a reason: write //temporal:nondeterministic-ok <why this is safe>")
		}
		lines := st.silenced[p.Filename]
		if lines == nil {
			lines = make(map[int]bool)
			st.silenced[p.Filename] = lines
		}
		if c, ok := firstCol[p.Line]; ok && c < p.Column {
			lines[p.Line] = true
		} else {
			lines[p.Line+1] = true
		}
	}
}

func (st *analysisState) isSilenced(pos token.Pos) bool {
	p := st.pass.Fset.Position(pos)
	return st.silenced[p.Filename][p.Line]
}

// scan collects the operations and function references of a body.
func (st *analysisState) scan(fn *types.Func, block *ast.BlockStmt) *body {
	info := st.pass.TypesInfo
	b := &body{fn: fn}
	addOp := func(pos token.Pos, what, category, fix string) {
		if !st.isSilenced(pos) {
			b.ops = append(b.ops, op{pos: pos, what: what, category: category, fix: fix})
		}
	}
	handled := make(map[*ast.Ident]bool)
	ref := func(id *ast.Ident, pos token.Pos) {
		switch obj := info.Uses[id].(type) {
		case *types.Func:
			if isInterfaceMethod(obj) {
				return
			}
			obj = obj.Origin()
			if cat, fix, ok := deniedFunc(obj); ok {
				addOp(pos, "call to "+pathName(obj), cat, fix)
				return
			}
			if obj.Pkg() != nil && !strings.HasPrefix(obj.Pkg().Path(), runtimePrefix) && !st.isSilenced(pos) {
				b.calls = append(b.calls, edge{pos: pos, fn: obj})
			}
		case *types.Var:
			if cat, fix, ok := deniedVar(obj); ok {
				addOp(pos, "use of "+obj.Pkg().Path()+"."+obj.Name(), cat, fix)
			}
		}
	}
	ast.Inspect(block, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			handled[n.Sel] = true
			ref(n.Sel, n.Pos())
		case *ast.Ident:
			if !handled[n] {
				ref(n, n.Pos())
			}
		case *ast.GoStmt:
			addOp(n.Pos(), "go statement", catGo, fixGo)
		case *ast.SendStmt:
			addOp(n.Pos(), "channel send", catChan, fixChan)
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				addOp(n.Pos(), "channel receive", catChan, fixChan)
			}
		case *ast.SelectStmt:
			addOp(n.Pos(), "select statement", catSelect, fixChan)
		case *ast.RangeStmt:
			st.rangeOp(n, addOp)
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, lhs := range n.Lhs {
					st.globalWrite(lhs, addOp)
				}
			}
		case *ast.IncDecStmt:
			st.globalWrite(n.X, addOp)
		}
		return true
	})
	return b
}

func (st *analysisState) rangeOp(n *ast.RangeStmt, addOp func(token.Pos, string, string, string)) {
	t := st.pass.TypesInfo.TypeOf(n.X)
	if t == nil {
		return
	}
	switch t.Underlying().(type) {
	case *types.Map:
		addOp(n.Pos(), "range over map", catMap, fixMap)
	case *types.Chan:
		addOp(n.Pos(), "range over channel", catChan, fixChan)
	}
	if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok {
		if fn, ok := typeFunc(st.pass.TypesInfo, call.Fun); ok && fn.Pkg() != nil && fn.Pkg().Path() == "maps" && oneOf(fn.Name(), "Keys", "Values", "All") {
			addOp(n.Pos(), "range over maps."+fn.Name(), catMap, fixMap)
		}
	}
}

func typeFunc(info *types.Info, e ast.Expr) (*types.Func, bool) {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		fn, ok := info.Uses[e].(*types.Func)
		return fn, ok
	case *ast.SelectorExpr:
		fn, ok := info.Uses[e.Sel].(*types.Func)
		return fn, ok
	case *ast.IndexExpr:
		return typeFunc(info, e.X)
	case *ast.IndexListExpr:
		return typeFunc(info, e.X)
	}
	return nil, false
}

// globalWrite reports an assignment whose target is (part of) a
// package-level variable.
func (st *analysisState) globalWrite(lhs ast.Expr, addOp func(token.Pos, string, string, string)) {
	e := lhs
	for {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
			continue
		case *ast.IndexExpr:
			e = x.X
			continue
		case *ast.StarExpr:
			e = x.X
			continue
		case *ast.SelectorExpr:
			if v, ok := st.pass.TypesInfo.Uses[x.Sel].(*types.Var); ok && isPackageVar(v) {
				addOp(lhs.Pos(), "write to package variable "+v.Pkg().Name()+"."+v.Name(), catGlobal, fixGlobal)
				return
			}
			e = x.X
			continue
		case *ast.Ident:
			if v, ok := st.pass.TypesInfo.Uses[x].(*types.Var); ok && isPackageVar(v) {
				name := v.Name()
				if v.Pkg() != st.pass.Pkg {
					name = v.Pkg().Name() + "." + name
				}
				addOp(lhs.Pos(), "write to package variable "+name, catGlobal, fixGlobal)
			}
		}
		return
	}
}

func isPackageVar(v *types.Var) bool {
	return v.Pkg() != nil && !v.IsField() && v.Parent() == v.Pkg().Scope()
}

func isInterfaceMethod(fn *types.Func) bool {
	r := fn.Signature().Recv()
	return r != nil && types.IsInterface(r.Type())
}

// findings computes the transitive findings of fn, declared in this
// package, with chains starting at fn. Recursion is cut at the first
// repeated function.
func (st *analysisState) findings(fn *types.Func) []Finding {
	if fs, ok := st.memo[fn]; ok {
		return fs
	}
	b := st.bodies[fn]
	if b == nil || st.visiting[fn] {
		return nil
	}
	st.visiting[fn] = true
	defer delete(st.visiting, fn)
	name := funcName(fn, nil)
	var out []Finding
	for _, o := range b.ops {
		out = append(out, Finding{What: o.what, Category: o.category, Fix: o.fix, Chain: []string{name}, Pos: shortPos(st.pass.Fset.Position(o.pos))})
	}
	for _, c := range b.calls {
		for _, f := range st.calleeFindings(c.fn) {
			f.Chain = append([]string{name}, f.Chain...)
			out = append(out, f)
		}
	}
	out = dedupe(out)
	st.memo[fn] = out
	return out
}

// calleeFindings returns the findings of fn, from this package or a fact.
func (st *analysisState) calleeFindings(fn *types.Func) []Finding {
	if fn.Pkg() == st.pass.Pkg {
		return st.findings(fn)
	}
	var fact NondeterministicFact
	if st.pass.ImportObjectFact(fn, &fact) {
		return fact.Findings
	}
	return nil
}

// shortPos formats p with the file's base name: facts cross packages and
// end up in messages.
func shortPos(p token.Position) string {
	p.Filename = filepath.Base(p.Filename)
	return p.String()
}

// dedupe keeps the shortest chain per operation, in order, at most
// maxFindings of them.
func dedupe(fs []Finding) []Finding {
	best := make(map[string]int)
	var out []Finding
	for _, f := range fs {
		key := f.Pos + "|" + f.What + "|" + f.Chain[len(f.Chain)-1]
		if i, ok := best[key]; ok {
			if len(f.Chain) < len(out[i].Chain) {
				out[i] = f
			}
			continue
		}
		best[key] = len(out)
		out = append(out, f)
	}
	if len(out) > maxFindings {
		out = out[:maxFindings]
	}
	return out
}

// root is a workflow method the analysis starts from.
type root struct {
	fn       *types.Func
	workflow string
}

// roots returns the run, init, handler and validator methods of the
// sandboxed workflows of the package, in source order.
func (st *analysisState) roots(dfs []*directive.File) []root {
	sandboxed := make(map[string]bool)
	for _, df := range dfs {
		for _, d := range df.Decls {
			if d.Kind == directive.Workflow && d.Value("sandboxed") != "false" {
				sandboxed[d.Name()] = true
			}
		}
	}
	var out []root
	for _, df := range dfs {
		for _, d := range df.Decls {
			if d.Func == nil || d.Kind == directive.Activity || d.Kind == directive.Operation || !sandboxed[directive.ReceiverName(d.Func)] {
				continue
			}
			wf := directive.ReceiverName(d.Func)
			fn, ok := st.pass.TypesInfo.Defs[d.Func.Name].(*types.Func)
			if !ok {
				continue
			}
			out = append(out, root{fn: fn, workflow: wf})
			if v := d.Value("validator"); v != "" {
				if vf := st.method(fn, v); vf != nil {
					out = append(out, root{fn: vf, workflow: wf})
				}
			}
		}
	}
	return out
}

// report walks from every root and reports what it reaches.
func (st *analysisState) report(roots []root) {
	reported := make(map[string]bool)
	for _, r := range roots {
		st.walk(r, reported)
	}
}

// method finds the method named name of the receiver type of m.
func (st *analysisState) method(m *types.Func, name string) *types.Func {
	recv := m.Signature().Recv().Type()
	if p, ok := recv.(*types.Pointer); ok {
		recv = p.Elem()
	}
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(recv), true, st.pass.Pkg, name)
	fn, _ := obj.(*types.Func)
	return fn
}

// walk visits the same-package functions reachable from r breadth-first
// (so chains are shortest) and reports their operations and their calls
// into nondeterministic functions of other packages.
func (st *analysisState) walk(r root, reported map[string]bool) {
	chains := map[*types.Func][]string{r.fn: {funcName(r.fn, st.pass.Pkg)}}
	queue := []*types.Func{r.fn}
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		b := st.bodies[fn]
		if b == nil {
			continue
		}
		chain := chains[fn]
		for _, o := range b.ops {
			key := fmt.Sprint(o.pos, o.what)
			if reported[key] {
				continue
			}
			reported[key] = true
			st.pass.Report(analysis.Diagnostic{
				Pos:      o.pos,
				Category: o.category,
				Message:  fmt.Sprintf("nondeterministic %s in workflow %s (via %s): %s", o.what, r.workflow, strings.Join(chain, " → "), o.fix),
			})
		}
		for _, c := range b.calls {
			if c.fn.Pkg() == st.pass.Pkg {
				if _, seen := chains[c.fn]; !seen && st.bodies[c.fn] != nil {
					chains[c.fn] = append(slices.Clip(chain), funcName(c.fn, st.pass.Pkg))
					queue = append(queue, c.fn)
				}
				continue
			}
			fs := st.calleeFindings(c.fn)
			if len(fs) == 0 {
				continue
			}
			key := fmt.Sprint(c.pos, "call")
			if reported[key] {
				continue
			}
			reported[key] = true
			f := fs[0]
			full := append(slices.Clip(chain), f.Chain...)
			more := ""
			if len(fs) > 1 {
				more = fmt.Sprintf(" (and %d more)", len(fs)-1)
			}
			st.pass.Report(analysis.Diagnostic{
				Pos:      c.pos,
				Category: f.Category,
				Message:  fmt.Sprintf("nondeterministic %s in workflow %s (via %s, at %s)%s: %s", f.What, r.workflow, strings.Join(full, " → "), f.Pos, more, f.Fix),
			})
		}
	}
}

// analyzerDoc returns the "# Analyzer name" section of a package doc
// comment in src (a doc.go file), without its heading and comment marks:
// the first line is the analyzer's title, as go/analysis wants.
func analyzerDoc(src, name string) string {
	var out []string
	in := false
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(line, "package ") {
			break
		}
		text := strings.TrimPrefix(strings.TrimPrefix(line, "//"), " ")
		if strings.HasPrefix(text, "# ") {
			in = text == "# Analyzer "+name
			continue
		}
		if in {
			out = append(out, text)
		}
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
