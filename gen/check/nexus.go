package check

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/types"
	"maps"
	"slices"

	"github.com/temporalgen/temporalgen/gen/directive"
	"github.com/temporalgen/temporalgen/gen/model"
)

// nexusShape is the signature of an operation, for messages.
const nexusShape = "Op(ctx context.Context, in Input) (Output, error)"

// nexusServices checks the //temporal:nexus types and their operations;
// ops are the //temporal:operation directives by receiver type name.
func (c *checker) nexusServices(out *model.Package, decls []directive.Decl, ops map[string][]directive.Decl) {
	isService := make(map[string]bool)
	for _, d := range decls {
		isService[d.Name()] = true
	}
	for _, recv := range slices.Sorted(maps.Keys(ops)) {
		if isService[recv] {
			continue
		}
		for _, d := range ops[recv] {
			c.errorf(d.NamePos(), "//temporal:operation method %s is declared on %s, which is not a Nexus service: add //temporal:nexus above type %s", d.Name(), recv, recv)
		}
	}
	names := make(map[string]string) // service name -> Go type
	for _, d := range decls {
		s, ok := c.nexusService(d, ops[d.Name()])
		if !ok {
			continue
		}
		pos := namePos(d.Directive, d.Type.Name.Pos())
		if prev, dup := names[s.Name]; dup {
			c.errorf(pos, "duplicate Nexus service name %q in package %s: %s already uses it; set a different name=", s.Name, c.pkg.Name(), prev)
			continue
		}
		names[s.Name] = s.GoName
		out.NexusServices = append(out.NexusServices, s)
	}
}

// nexusMethod is one method of a service to check as an operation.
type nexusMethod struct {
	fd  *ast.FuncDecl // for interface methods, made up of the field's name and type
	dir *directive.Directive
}

// nexusService checks one //temporal:nexus type with the operation
// directives of its methods.
func (c *checker) nexusService(d directive.Decl, ops []directive.Decl) (model.NexusService, bool) {
	ts := d.Type
	s := model.NexusService{GoName: ts.Name.Name, Name: ts.Name.Name, Pos: c.pos(ts.Name.Pos())}
	if n := d.Value("name"); n != "" {
		s.Name = n
	}
	if ts.TypeParams != nil {
		c.errorf(ts.TypeParams.Pos(), "Nexus service %s is generic: type parameters are not supported", s.GoName)
		return s, false
	}
	obj, _ := c.info.Defs[ts.Name].(*types.TypeName)
	if obj == nil {
		return s, false
	}
	named, _ := obj.Type().(*types.Named)
	if named == nil {
		return s, false
	}
	n := len(c.errs)
	var methods []nexusMethod
	if it, ok := ts.Type.(*ast.InterfaceType); ok {
		s.Interface = true
		methods = c.interfaceOperations(s.GoName, it, ops)
	} else {
		methods = c.structOperations(s.GoName, named, ops)
	}
	if len(methods) == 0 && len(c.errs) == n {
		what := "exported method with a context.Context first parameter"
		if s.Interface {
			what = "method"
		}
		c.errorf(ts.Name.Pos(), "Nexus service %s has no %s: it declares no operations; add one, as in %s", s.GoName, what, nexusShape)
	}
	opNames := make(map[string]string) // operation name -> Go method
	for _, m := range methods {
		op, ok := c.nexusOperation(s.GoName, m)
		if !ok {
			continue
		}
		pos := m.fd.Name.Pos()
		if m.dir != nil {
			pos = namePos(m.dir, pos)
		}
		if prev, dup := opNames[op.Name]; dup {
			c.errorf(pos, "duplicate operation name %q in Nexus service %s: %s already uses it; set a different name= with //temporal:operation", op.Name, s.GoName, prev)
			continue
		}
		opNames[op.Name] = op.GoName
		s.Operations = append(s.Operations, op)
	}
	return s, len(c.errs) == n
}

// interfaceOperations returns every method of the interface it: each
// must be an operation.
func (c *checker) interfaceOperations(service string, it *ast.InterfaceType, ops []directive.Decl) []nexusMethod {
	dirs := make(map[*ast.Field]*directive.Directive)
	for _, d := range ops {
		if d.Field != nil {
			dirs[d.Field] = d.Directive
		}
	}
	var out []nexusMethod
	for _, f := range it.Methods.List {
		ft, isFunc := f.Type.(*ast.FuncType)
		if !isFunc || len(f.Names) != 1 {
			c.errorf(f.Type.Pos(), "Nexus service %s embeds %s: list its operations in %s itself", service, types.ExprString(f.Type), service)
			continue
		}
		name := f.Names[0]
		if !name.IsExported() {
			c.errorf(name.Pos(), "method %s of Nexus service %s is unexported: operations are exported methods", name.Name, service)
			continue
		}
		out = append(out, nexusMethod{fd: &ast.FuncDecl{Name: name, Type: ft}, dir: dirs[f]})
	}
	return out
}

// structOperations returns the methods of the struct type named that are
// operations: the exported ones with a context.Context first parameter,
// and those marked //temporal:operation.
func (c *checker) structOperations(service string, named *types.Named, ops []directive.Decl) []nexusMethod {
	dirs := make(map[*ast.FuncDecl]*directive.Directive)
	for _, d := range ops {
		if d.Func != nil {
			dirs[d.Func] = d.Directive
			if !d.Func.Name.IsExported() {
				c.errorf(d.Func.Name.Pos(), "//temporal:operation method %s of Nexus service %s is unexported: operations are exported methods", d.Func.Name.Name, service)
			}
		}
	}
	var fns []*types.Func
	for sel := range types.NewMethodSet(types.NewPointer(named)).Methods() {
		fn := sel.Obj().(*types.Func)
		if !fn.Exported() {
			continue
		}
		ps := fn.Signature().Params()
		if ps.Len() > 0 && isStdContext(ps.At(0).Type()) || dirs[c.funcs[fn]] != nil {
			fns = append(fns, fn)
		}
	}
	slices.SortStableFunc(fns, func(a, b *types.Func) int { return cmp.Compare(a.Pos(), b.Pos()) })
	var out []nexusMethod
	for _, fn := range fns {
		fd := c.funcs[fn]
		if fd == nil {
			c.errorf(named.Obj().Pos(), "operation %s.%s is promoted from an embedded type of another package: declare it on %s", service, fn.Name(), service)
			continue
		}
		out = append(out, nexusMethod{fd: fd, dir: dirs[fd]})
	}
	return out
}

// nexusOperation checks the signature of one operation method.
func (c *checker) nexusOperation(service string, m nexusMethod) (model.NexusOperation, bool) {
	fd := m.fd
	what := fmt.Sprintf("Nexus operation %s.%s", service, fd.Name.Name)
	n := len(c.errs)
	mm := c.method(fd, what, needStdContext(), resultErrorOrValue)
	op := model.NexusOperation{GoName: fd.Name.Name, Name: fd.Name.Name, Result: mm.Result, Pos: mm.Pos}
	if m.dir != nil {
		if v := m.dir.Value("name"); v != "" {
			op.Name = v
		}
	}
	if mm.HasContext {
		ps := fields(fd.Type.Params, c.signature(fd).Params())[1:]
		switch {
		case len(ps) == 0:
			c.errorf(fd.Type.Params.Closing, "%s takes no input: an operation takes exactly one after its context.Context, as in %s", what, nexusShape)
		case len(ps) > 1:
			c.errorf(ps[1].pos, "%s takes %d inputs: an operation takes exactly one after its context.Context (use a struct), as in %s", what, len(ps), nexusShape)
		case len(mm.Params) == 1:
			op.Input = mm.Params[0]
		}
	}
	return op, len(c.errs) == n
}
