// Package check is temporalgen's validation stage and home of its
// determinism analyzer.
//
// [Package] reads the //temporal: directives of a type-checked package,
// checks every rule that generated code relies on, and builds the plain
// [model.Package] that code emission consumes. All problems of a package
// are collected, sorted by position, each pointing at the deepest relevant
// token (the parameter, the option, the method name). The rules:
//
//   - a workflow has exactly one //temporal:run method, and at most one
//     //temporal:init method with exactly the same parameters;
//   - run, init, signal and update methods take a workflow.Context first;
//     query handlers and update validators take no context (they cannot
//     block);
//   - run and update methods return error or (R, error); signals and init
//     return nothing or error; queries return (R, error); validators take
//     the update's parameters (after its context) and return only error;
//   - dynamic and name= are exclusive; a dynamic signal or update takes
//     (workflow.Context, string, converter.Values), a dynamic query
//     (string, converter.Values); at most one dynamic handler per kind;
//   - registered names are unique per workflow and kind, and across the
//     activities of a package;
//   - activities take a context.Context first and return error or
//     (R, error); on a struct type every exported method with a
//     context.Context first parameter is an activity;
//   - parameters and results must be encodable: no channels, functions,
//     unsafe pointers, complex numbers or interfaces other than any and
//     proto.Message, looking through pointers, slices, arrays, maps and
//     exported struct fields;
//   - a //temporal:nexus type is a struct or an interface; its operations
//     are the exported methods with a context.Context first parameter of
//     a struct (and any method marked //temporal:operation), every method
//     of an interface (which embeds nothing); each takes a
//     context.Context and exactly one input and returns error or
//     (O, error); operation names are unique per service, service names
//     per package; //temporal:operation only goes on such methods;
//   - failure_errors names types that implement error — of the package
//     (T), or of a package the file imports (pkg.T) — and
//     validator= names a method of the workflow type.
//
// The determinism checker is not here: it is gen/determinism, a
// golang.org/x/tools/go/analysis pass that gen.Generate runs after this
// stage.
package check

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"github.com/temporalgen/temporalgen/gen/directive"
	"github.com/temporalgen/temporalgen/gen/model"
)

// Package checks the directives of one type-checked package and returns
// its model together with every problem found, sorted by position. The
// model is complete only when there are no errors. Generated files (with a
// "Code generated ... DO NOT EDIT." header) are ignored.
func Package(fset *token.FileSet, files []*ast.File, pkg *types.Package, info *types.Info) (*model.Package, []error) {
	c := &checker{fset: fset, pkg: pkg, info: info, funcs: make(map[*types.Func]*ast.FuncDecl), files: files}
	out := &model.Package{Path: pkg.Path(), Name: pkg.Name()}
	if len(files) > 0 {
		out.Pos = c.pos(files[0].Package)
		out.Dir = filepath.Dir(out.Pos.File)
	}

	var workflows, activities, services []directive.Decl
	methods := make(map[string][]directive.Decl)    // by receiver type name
	operations := make(map[string][]directive.Decl) // //temporal:operation, by receiver type name
	for _, f := range files {
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok {
				if fn, ok := info.Defs[fd.Name].(*types.Func); ok {
					c.funcs[fn] = fd
				}
			}
		}
		if ast.IsGenerated(f) {
			continue
		}
		df, errs := directive.ParseFile(fset, f)
		c.errs = append(c.errs, errs...)
		for _, d := range df.Decls {
			switch d.Kind {
			case directive.Workflow:
				workflows = append(workflows, d)
			case directive.Activity:
				activities = append(activities, d)
			case directive.Nexus:
				services = append(services, d)
			case directive.Operation:
				operations[d.Receiver()] = append(operations[d.Receiver()], d)
			default:
				recv := d.Receiver()
				methods[recv] = append(methods[recv], d)
			}
		}
	}

	isWorkflow := make(map[string]bool)
	for _, d := range workflows {
		isWorkflow[d.Name()] = true
	}
	for recv, ms := range methods {
		if isWorkflow[recv] {
			continue
		}
		for _, d := range ms {
			c.errorf(d.Func.Name.Pos(), "//temporal:%s method %s is declared on %s, which is not a workflow: add //temporal:workflow above type %s", d.Kind, d.Func.Name.Name, recv, recv)
		}
	}
	wfNames := workflowNames{names: make(map[string]string)}
	for _, d := range workflows {
		if wf, ok := c.workflow(d, methods[d.Name()]); ok {
			if c.uniqueWorkflowName(&wfNames, wf, namePos(d.Directive, d.Type.Name.Pos())) {
				out.Workflows = append(out.Workflows, wf)
			}
		}
	}
	c.activities(out, activities)
	c.nexusServices(out, services, operations)
	out.Imports = imports(out)
	out.Declared = c.declared(files)
	return out, model.SortErrors(c.errs)
}

type checker struct {
	fset  *token.FileSet
	pkg   *types.Package
	info  *types.Info
	funcs map[*types.Func]*ast.FuncDecl
	files []*ast.File
	errs  []error
}

func (c *checker) pos(p token.Pos) model.Pos { return directive.Position(c.fset, p) }

func (c *checker) errorf(p token.Pos, format string, args ...any) {
	c.errs = append(c.errs, model.Errorf(c.pos(p), format, args...))
}

// namePos is where errors about a registered name go: its name= value, or
// the declaration's name.
func namePos(d *directive.Directive, fallback token.Pos) token.Pos {
	if a, ok := d.Lookup("name"); ok {
		return a.ValuePos
	}
	return fallback
}

// checkDynamicName reports dynamic together with name=.
func (c *checker) checkDynamicName(d *directive.Directive) bool {
	a, ok := d.Lookup("name")
	if ok && d.Flag("dynamic") {
		c.errorf(a.KeyPos, "options dynamic and name= are exclusive: a dynamic %s receives every name; remove name=", d.Kind)
		return false
	}
	return true
}

func (c *checker) workflow(d directive.Decl, methods []directive.Decl) (model.Workflow, bool) {
	ts := d.Type
	wf := model.Workflow{
		GoName:    ts.Name.Name,
		Name:      ts.Name.Name,
		Dynamic:   d.Flag("dynamic"),
		Sandboxed: d.Value("sandboxed") != "false",
		TaskQueue: d.Value("task_queue"),
		Pos:       c.pos(ts.Name.Pos()),
	}
	ok := c.checkDynamicName(d.Directive)
	if n := d.Value("name"); n != "" {
		wf.Name = n
	}
	if wf.Dynamic {
		wf.Name = ""
	}
	switch d.Value("versioning") {
	case "pinned":
		wf.Versioning = model.VersioningPinned
	case "auto_upgrade":
		wf.Versioning = model.VersioningAutoUpgrade
	}
	if ts.TypeParams != nil {
		c.errorf(ts.TypeParams.Pos(), "workflow %s is generic: workflow types cannot have type parameters", wf.GoName)
		return wf, false
	}
	obj, _ := c.info.Defs[ts.Name].(*types.TypeName)
	if obj == nil {
		return wf, false
	}
	named, _ := obj.Type().(*types.Named)
	if named == nil {
		return wf, false
	}
	if a, has := d.Lookup("failure_errors"); has {
		n := len(c.errs)
		wf.FailureErrors = c.failureErrors(a)
		ok = ok && len(c.errs) == n
	}

	var run *model.Method
	var runDecl *ast.FuncDecl
	hs := handlerSet{names: make(map[model.HandlerKind]map[string]string), dynamic: make(map[model.HandlerKind]string)}
	var initDecls []*ast.FuncDecl
	for _, m := range methods {
		what := fmt.Sprintf("%s method %s", m.Kind, m.Func.Name.Name)
		switch m.Kind {
		case directive.Run:
			if run != nil {
				c.errorf(m.Func.Name.Pos(), "second //temporal:run method %s in workflow %s: a workflow has exactly one run method, and %s is already it", m.Func.Name.Name, wf.GoName, run.GoName)
				ok = false
				continue
			}
			mm := c.method(m.Func, what, needWorkflowContext(), resultErrorOrValue)
			run, runDecl = &mm, m.Func
		case directive.Init:
			if len(initDecls) > 0 {
				c.errorf(m.Func.Name.Pos(), "second //temporal:init method %s in workflow %s: a workflow has at most one init method", m.Func.Name.Name, wf.GoName)
				ok = false
				continue
			}
			initDecls = append(initDecls, m.Func)
			mm := c.method(m.Func, what, needWorkflowContext(), resultNothingOrError)
			wf.Init = &mm
		default:
			h, hok := c.handler(named, m, &hs)
			ok = ok && hok
			switch h.Kind {
			case model.SignalHandler:
				wf.Signals = append(wf.Signals, h)
			case model.QueryHandler:
				wf.Queries = append(wf.Queries, h)
			case model.UpdateHandler:
				wf.Updates = append(wf.Updates, h)
			}
		}
	}
	if run == nil {
		c.errorf(ts.Name.Pos(), "workflow %s has no //temporal:run method: add one, as in //temporal:run above func (w *%s) Run(ctx workflow.Context, in Input) (Output, error)", wf.GoName, wf.GoName)
		return wf, false
	}
	wf.Run = *run
	if wf.Dynamic && !c.dynamicRunShape(runDecl, wf.GoName) {
		ok = false
	}
	if len(initDecls) == 1 {
		c.sameParams(initDecls[0], runDecl, "init method "+initDecls[0].Name.Name, "run method "+runDecl.Name.Name, "init must have exactly the parameters of run", false)
	}
	return wf, ok
}

// failureErrors resolves failure_errors=T1,T2.
func (c *checker) failureErrors(a directive.Arg) []model.TypeRef {
	var out []model.TypeRef
	errIface := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	offset := 0
	if a.Quoted {
		offset = 1
	}
	for item := range strings.SplitSeq(a.Value, ",") {
		name := strings.TrimSpace(item)
		pos := a.ValuePos + token.Pos(offset+strings.Index(item, name))
		offset += len(item) + 1
		if name == "" {
			c.errorf(pos, "failure_errors has an empty item: write failure_errors=ErrA,ErrB")
			continue
		}
		obj, msg := c.lookupType(name, pos)
		if obj == nil {
			c.errorf(pos, "failure_errors: %s", msg)
			continue
		}
		t := obj.Type()
		if !types.Implements(t, errIface) {
			if !types.Implements(types.NewPointer(t), errIface) {
				c.errorf(pos, "failure_errors: %s does not implement error: give it an Error() string method", name)
				continue
			}
			t = types.NewPointer(t)
		}
		ref, _ := typeRef(t, c.pkg)
		out = append(out, ref)
	}
	return out
}

// lookupType resolves a type name of a directive at pos: T, declared in
// the package, or pkg.T, through the imports of the file at pos. The
// message says why it does not resolve.
func (c *checker) lookupType(name string, pos token.Pos) (*types.TypeName, string) {
	qual, typ, dotted := strings.Cut(name, ".")
	if !dotted {
		if obj, _ := c.pkg.Scope().Lookup(name).(*types.TypeName); obj != nil {
			return obj, ""
		}
		msg := fmt.Sprintf("%s is not a type declared in package %s", name, c.pkg.Name())
		if s := directive.Suggest(name, c.scopeTypeNames()); s != "" {
			msg += fmt.Sprintf(": did you mean %s?", s)
		}
		return nil, msg
	}
	imported := c.importedAs(qual, pos)
	if imported == nil {
		return nil, fmt.Sprintf("%s: %s is not a package imported by this file: import it, or name a type of this package", name, qual)
	}
	obj, _ := imported.Scope().Lookup(typ).(*types.TypeName)
	if obj == nil || !obj.Exported() {
		msg := fmt.Sprintf("%s is not an exported type of package %s", name, imported.Path())
		var names []string
		for _, n := range imported.Scope().Names() {
			if o, ok := imported.Scope().Lookup(n).(*types.TypeName); ok && o.Exported() {
				names = append(names, n)
			}
		}
		if s := directive.Suggest(typ, names); s != "" {
			msg += fmt.Sprintf(": did you mean %s.%s?", qual, s)
		}
		return nil, msg
	}
	return obj, ""
}

// importedAs returns the package the file at pos imports under name.
func (c *checker) importedAs(name string, pos token.Pos) *types.Package {
	for _, f := range c.files {
		if pos < f.FileStart || pos > f.FileEnd {
			continue
		}
		for _, spec := range f.Imports {
			if pn := c.info.PkgNameOf(spec); pn != nil && pn.Name() == name {
				return pn.Imported()
			}
		}
	}
	return nil
}

func (c *checker) scopeTypeNames() []string {
	var out []string
	for _, n := range c.pkg.Scope().Names() {
		if _, ok := c.pkg.Scope().Lookup(n).(*types.TypeName); ok {
			out = append(out, n)
		}
	}
	return out
}

// handlerSet tracks registered names per workflow and handler kind.
type handlerSet struct {
	names   map[model.HandlerKind]map[string]string // name -> Go method
	dynamic map[model.HandlerKind]string            // kind -> Go method
}

func (c *checker) handler(wfType *types.Named, d directive.Decl, hs *handlerSet) (model.Handler, bool) {
	fd := d.Func
	h := model.Handler{
		Kind:        model.HandlerKind(d.Kind),
		GoName:      fd.Name.Name,
		Name:        fd.Name.Name,
		Dynamic:     d.Flag("dynamic"),
		Description: d.Value("description"),
		Unfinished:  model.Unfinished(d.Value("unfinished")),
		Pos:         c.pos(fd.Name.Pos()),
	}
	ok := c.checkDynamicName(d.Directive)
	if n := d.Value("name"); n != "" {
		h.Name = n
	}
	what := fmt.Sprintf("%s handler %s", d.Kind, fd.Name.Name)
	var m model.Method
	switch h.Kind {
	case model.SignalHandler:
		m = c.method(fd, what, needWorkflowContext(), resultNothingOrError)
	case model.QueryHandler:
		m = c.method(fd, what, forbidContext("query handlers"), resultValueAndError)
	case model.UpdateHandler:
		m = c.method(fd, what, needWorkflowContext(), resultErrorOrValue)
	}
	h.HasContext, h.Params, h.Result, h.ReturnsError = m.HasContext, m.Params, m.Result, m.ReturnsError

	if h.Dynamic {
		h.Name = ""
		ok = c.dynamicShape(fd, h) && ok
		if prev, dup := hs.dynamic[h.Kind]; dup {
			c.errorf(fd.Name.Pos(), "second dynamic %s handler %s: %s is already the dynamic %s handler of this workflow", h.Kind, h.GoName, prev, h.Kind)
			ok = false
		}
		hs.dynamic[h.Kind] = h.GoName
	} else {
		names := hs.names[h.Kind]
		if names == nil {
			names = make(map[string]string)
			hs.names[h.Kind] = names
		}
		if prev, dup := names[h.Name]; dup {
			c.errorf(namePos(d.Directive, fd.Name.Pos()), "duplicate %s name %q in workflow %s: %s already uses it; set a different name=", h.Kind, h.Name, wfType.Obj().Name(), prev)
			ok = false
		} else {
			names[h.Name] = h.GoName
		}
	}

	if a, has := d.Lookup("validator"); has {
		v, vok := c.validator(wfType, fd, a)
		h.Validator, ok = v, ok && vok
	}
	return h, ok
}

// dynamicRunShape checks that the run method of a dynamic workflow takes
// its arguments as they come: (ctx workflow.Context, args
// converter.Values), whatever types and number they have.
func (c *checker) dynamicRunShape(fd *ast.FuncDecl, wf string) bool {
	ps := fields(fd.Type.Params, c.signature(fd).Params())
	if len(ps) > 0 && isWorkflowContext(ps[0].typ) {
		ps = ps[1:]
	}
	bad := fd.Type.Params.Closing
	switch {
	case len(ps) == 1 && isValues(ps[0].typ):
		return true
	case len(ps) > 1 && isValues(ps[0].typ):
		bad = ps[1].pos
	case len(ps) > 0:
		bad = ps[0].pos
	}
	c.errorf(bad, "run method %s of dynamic workflow %s must have the parameters (ctx workflow.Context, args converter.Values): a dynamic workflow receives its arguments undecoded, whatever their number and types", fd.Name.Name, wf)
	return false
}

// dynamicShape checks the parameters of a dynamic handler.
func (c *checker) dynamicShape(fd *ast.FuncDecl, h model.Handler) bool {
	ps := fields(fd.Type.Params, c.signature(fd).Params())
	shape := "(ctx workflow.Context, name string, args converter.Values)"
	if h.Kind == model.QueryHandler {
		shape = "(name string, args converter.Values)"
	}
	if len(ps) > 0 && isWorkflowContext(ps[0].typ) {
		ps = ps[1:]
	}
	bad := fd.Type.Params.Closing
	switch {
	case len(ps) > 0 && !isString(ps[0].typ):
		bad = ps[0].pos
	case len(ps) > 1 && !isValues(ps[1].typ):
		bad = ps[1].pos
	case len(ps) > 2:
		bad = ps[2].pos
	case len(ps) == 2:
		return true
	}
	c.errorf(bad, "dynamic %s handler %s must have the parameters %s", h.Kind, h.GoName, shape)
	return false
}

// validator resolves and checks validator=Method of the update fd.
func (c *checker) validator(wfType *types.Named, update *ast.FuncDecl, a directive.Arg) (*model.Method, bool) {
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(wfType), true, c.pkg, a.Value)
	fn, _ := obj.(*types.Func)
	if fn == nil {
		msg := fmt.Sprintf("validator %s is not a method of %s", a.Value, wfType.Obj().Name())
		var names []string
		mset := types.NewMethodSet(types.NewPointer(wfType))
		for sel := range mset.Methods() {
			names = append(names, sel.Obj().Name())
		}
		if s := directive.Suggest(a.Value, names); s != "" {
			msg += fmt.Sprintf(": did you mean %s?", s)
		} else {
			msg += fmt.Sprintf(": declare func (w *%s) %s(...) error", wfType.Obj().Name(), a.Value)
		}
		c.errorf(a.ValuePos, "%s", msg)
		return nil, false
	}
	fd := c.funcs[fn]
	if fd == nil {
		c.errorf(a.ValuePos, "validator %s must be declared in package %s", a.Value, c.pkg.Name())
		return nil, false
	}
	n := len(c.errs)
	what := fmt.Sprintf("validator %s of update %s", fd.Name.Name, update.Name.Name)
	m := c.method(fd, what, forbidContext("update validators"), resultOnlyError)
	c.sameParams(fd, update, what, "update "+update.Name.Name, "a validator takes the update's parameters after its workflow.Context", true)
	return &m, len(c.errs) == n
}

// sameParams checks that got has the parameters of want. With skipCtx,
// leading context parameters of both are ignored.
func (c *checker) sameParams(got, want *ast.FuncDecl, gotWhat, wantWhat, rule string, skipCtx bool) {
	gp := fields(got.Type.Params, c.signature(got).Params())
	wp := fields(want.Type.Params, c.signature(want).Params())
	if skipCtx {
		gp, wp = dropContext(gp), dropContext(wp)
	}
	for i := 0; i < min(len(gp), len(wp)); i++ {
		if !types.Identical(gp[i].typ, wp[i].typ) {
			c.errorf(gp[i].pos, "parameter %d of %s has type %s, but %s has %s there: %s", i+1, gotWhat,
				typeString(gp[i].typ, c.pkg), wantWhat, typeString(wp[i].typ, c.pkg), rule)
			return
		}
	}
	if len(gp) != len(wp) {
		pos := got.Type.Params.Closing
		if len(gp) > len(wp) {
			pos = gp[len(wp)].pos
		}
		c.errorf(pos, "%s has parameters %s, but %s has %s: %s", gotWhat, c.tupleString(gp), wantWhat, c.tupleString(wp), rule)
	}
}

func dropContext(ps []param) []param {
	if len(ps) > 0 && (isWorkflowContext(ps[0].typ) || isStdContext(ps[0].typ)) {
		return ps[1:]
	}
	return ps
}

func (c *checker) tupleString(ps []param) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, typeString(p.typ, c.pkg))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (c *checker) signature(fd *ast.FuncDecl) *types.Signature {
	if fn, ok := c.info.Defs[fd.Name].(*types.Func); ok {
		return fn.Signature()
	}
	return types.NewSignatureType(nil, nil, nil, nil, nil, false)
}

// imports collects the packages referenced by the model's types.
func imports(p *model.Package) []model.Import {
	seen := make(map[string]string)
	add := func(t *model.TypeRef) {
		t.Walk(func(t *model.TypeRef) {
			if t.Kind == model.Named && t.ImportPath != p.Path {
				seen[t.ImportPath] = t.PkgName
			}
		})
	}
	method := func(m *model.Method) {
		if m == nil {
			return
		}
		for i := range m.Params {
			add(&m.Params[i].Type)
		}
		add(m.Result)
	}
	for _, wf := range p.Workflows {
		for i := range wf.FailureErrors {
			add(&wf.FailureErrors[i])
		}
		method(wf.Init)
		method(&wf.Run)
		for _, hs := range [][]model.Handler{wf.Signals, wf.Queries, wf.Updates} {
			for _, h := range hs {
				for i := range h.Params {
					add(&h.Params[i].Type)
				}
				add(h.Result)
				method(h.Validator)
			}
		}
	}
	for _, a := range p.Activities {
		for i := range a.Params {
			add(&a.Params[i].Type)
		}
		add(a.Result)
	}
	for _, s := range p.NexusServices {
		for _, op := range s.Operations {
			add(&op.Input.Type)
			add(op.Result)
		}
	}
	var out []model.Import
	for path, name := range seen {
		out = append(out, model.Import{Path: path, Name: name})
	}
	slices.SortFunc(out, func(a, b model.Import) int { return strings.Compare(a.Path, b.Path) })
	return out
}
