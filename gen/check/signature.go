package check

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/temporalgen/temporalgen/gen/directive"
	"github.com/temporalgen/temporalgen/gen/model"
)

// contextRule says what a method's first parameter must be.
type contextRule struct {
	want   string // "workflow.Context", "context.Context" or "" (none allowed)
	holder string // for "" rules: who cannot block, e.g. "query handlers"
}

// needWorkflowContext is the rule of run, init, signal and update methods.
func needWorkflowContext() contextRule { return contextRule{want: "workflow.Context"} }

// needStdContext is the rule of activities.
func needStdContext() contextRule { return contextRule{want: "context.Context"} }

// forbidContext is the rule of queries and validators.
func forbidContext(holder string) contextRule { return contextRule{holder: holder} }

// resultRule says what a method may return.
type resultRule int

const (
	resultErrorOrValue   resultRule = iota // error or (R, error)
	resultNothingOrError                   // nothing or error
	resultValueAndError                    // (R, error)
	resultOnlyError                        // error
)

func (r resultRule) String() string {
	return [...]string{"error or (R, error)", "nothing or error", "(R, error)", "only error"}[r]
}

// method checks fd's context parameter, parameters and results and
// converts its signature. what names it in messages ("run method Run").
func (c *checker) method(fd *ast.FuncDecl, what string, cr contextRule, rr resultRule) model.Method {
	sig := c.signature(fd)
	m := model.Method{GoName: fd.Name.Name, Pos: c.pos(fd.Name.Pos())}
	if fd.Recv != nil && len(fd.Recv.List) > 0 {
		_, m.PointerReceiver = fd.Recv.List[0].Type.(*ast.StarExpr)
	}
	if fd.Type.TypeParams != nil {
		c.errorf(fd.Type.TypeParams.Pos(), "%s is generic: type parameters are not supported", what)
	}
	ps := fields(fd.Type.Params, sig.Params())
	ps, m.HasContext = c.contextParam(fd, ps, what, cr)
	m.Params = c.params(ps, what)
	m.Result, m.ReturnsError = c.results(fd, sig, what, rr)
	return m
}

// contextParam checks and strips the leading context parameter.
func (c *checker) contextParam(fd *ast.FuncDecl, ps []param, what string, cr contextRule) ([]param, bool) {
	var first types.Type
	if len(ps) > 0 {
		first = ps[0].typ
	}
	isWf := first != nil && isWorkflowContext(first)
	isStd := first != nil && isStdContext(first)
	switch cr.want {
	case "":
		if isWf || isStd {
			c.errorf(ps[0].pos, "%s cannot block: remove the %s parameter", cr.holder, typeString(first, c.pkg))
			return ps[1:], false
		}
		return ps, false
	case "workflow.Context":
		if isWf {
			return ps[1:], true
		}
	case "context.Context":
		if isStd {
			return ps[1:], true
		}
	}
	msg := fmt.Sprintf("%s must take a %s as its first parameter", what, cr.want)
	if len(ps) == 0 {
		c.errorf(fd.Type.Params.Closing, "%s", msg)
		return ps, false
	}
	pos := ps[0].pos
	if isWf || isStd {
		msg += ", not " + typeString(first, c.pkg)
		ps = ps[1:]
	}
	c.errorf(pos, "%s", msg)
	return ps, false
}

// params converts and checks parameters (context already removed).
func (c *checker) params(ps []param, what string) []model.Param {
	var out []model.Param
	for i, p := range ps {
		label := fmt.Sprintf("parameter %s of %s", p.name, what)
		if p.name == "" || p.name == "_" {
			label = fmt.Sprintf("parameter %d of %s", i+1, what)
		}
		if p.variadic {
			c.errorf(p.typePos, "%s is variadic: variadic parameters are not supported; use a slice", label)
			continue
		}
		ref, ok := c.encodable(p.typ, p.typePos, label)
		if !ok {
			continue
		}
		out = append(out, model.Param{Name: p.name, Type: ref, Pos: c.pos(p.pos)})
	}
	return out
}

// encodable converts t and reports at pos if it cannot cross Temporal.
func (c *checker) encodable(t types.Type, pos token.Pos, label string) (model.TypeRef, bool) {
	if why := unencodable(t, c.pkg); why != "" {
		c.errorf(pos, "%s has type %s, which cannot be encoded: %s; pass plain data (no channels, functions, or interfaces other than any and proto.Message)", label, typeString(t, c.pkg), why)
		return model.TypeRef{}, false
	}
	ref, problem := typeRef(t, c.pkg)
	if problem != "" {
		c.errorf(pos, "%s: %s", label, problem)
		return ref, false
	}
	return ref, true
}

// results checks the results of fd against rr.
func (c *checker) results(fd *ast.FuncDecl, sig *types.Signature, what string, rr resultRule) (*model.TypeRef, bool) {
	rs := fields(fd.Type.Results, sig.Results())
	pos := fd.Type.Params.Closing + 1
	if fd.Type.Results != nil {
		pos = fd.Type.Results.Pos()
	}
	var value *param
	returnsError := false
	shapeOK := true
	switch len(rs) {
	case 0:
		shapeOK = rr == resultNothingOrError
		pos = fd.Name.Pos()
	case 1:
		if isError(rs[0].typ) {
			returnsError = true
			shapeOK = rr != resultValueAndError
		} else {
			value = &rs[0]
			shapeOK = false
			pos = rs[0].typePos
		}
	case 2:
		returnsError = isError(rs[1].typ)
		value = &rs[0]
		shapeOK = returnsError && (rr == resultErrorOrValue || rr == resultValueAndError)
		if !returnsError {
			pos = rs[1].typePos
		} else if !shapeOK {
			pos = rs[0].typePos
		}
	default:
		shapeOK = false
		pos = rs[2].typePos
	}
	if !shapeOK {
		got := "nothing"
		switch len(rs) {
		case 1:
			got = typeString(rs[0].typ, c.pkg)
		case 2, 3, 4, 5, 6, 7, 8:
			got = c.tupleString(rs)
		}
		c.errorf(pos, "%s must return %s, not %s", what, rr, got)
		return nil, returnsError
	}
	if value == nil {
		return nil, returnsError
	}
	ref, ok := c.encodable(value.typ, value.typePos, "result of "+what)
	if !ok {
		return nil, returnsError
	}
	return &ref, returnsError
}

// activities checks //temporal:activity functions and struct types.
func (c *checker) activities(out *model.Package, decls []directive.Decl) {
	names := make(map[string]string) // registered name -> Go name
	add := func(a model.Activity, namePos token.Pos) {
		if prev, dup := names[a.Name]; dup {
			c.errorf(namePos, "duplicate activity name %q in package %s: %s already uses it; set a different name=", a.Name, c.pkg.Name(), prev)
			return
		}
		names[a.Name] = goName(a)
		out.Activities = append(out.Activities, a)
	}
	for _, d := range decls {
		if d.Func != nil {
			fd := d.Func
			what := "activity " + fd.Name.Name
			m := c.method(fd, what, needStdContext(), resultErrorOrValue)
			a := model.Activity{GoName: fd.Name.Name, Name: fd.Name.Name, HasContext: m.HasContext,
				Params: m.Params, Result: m.Result, ReturnsError: m.ReturnsError, Pos: m.Pos}
			if n := d.Value("name"); n != "" {
				a.Name = n
			}
			add(a, namePos(d.Directive, fd.Name.Pos()))
			continue
		}
		ts := d.Type
		if ts.TypeParams != nil {
			c.errorf(ts.TypeParams.Pos(), "activity struct %s is generic: type parameters are not supported", ts.Name.Name)
			continue
		}
		obj, _ := c.info.Defs[ts.Name].(*types.TypeName)
		if obj == nil {
			continue
		}
		named, _ := obj.Type().(*types.Named)
		if named == nil {
			continue
		}
		prefix := d.Value("prefix")
		valueSet := types.NewMethodSet(named)
		var fns []*types.Func
		for sel := range types.NewMethodSet(types.NewPointer(named)).Methods() {
			fn := sel.Obj().(*types.Func)
			ps := fn.Signature().Params()
			if fn.Exported() && ps.Len() > 0 && isStdContext(ps.At(0).Type()) {
				fns = append(fns, fn)
			}
		}
		slices.SortStableFunc(fns, func(a, b *types.Func) int { return cmp.Compare(a.Pos(), b.Pos()) })
		for _, fn := range fns {
			fd := c.funcs[fn]
			what := fmt.Sprintf("activity method %s.%s", ts.Name.Name, fn.Name())
			a := model.Activity{GoName: fn.Name(), Name: prefix + fn.Name(), Receiver: ts.Name.Name,
				PointerReceiver: valueSet.Lookup(fn.Pkg(), fn.Name()) == nil, Pos: c.pos(ts.Name.Pos())}
			pos := ts.Name.Pos()
			if fd != nil {
				m := c.method(fd, what, needStdContext(), resultErrorOrValue)
				a.HasContext, a.Params, a.Result, a.ReturnsError, a.Pos = m.HasContext, m.Params, m.Result, m.ReturnsError, m.Pos
				pos = fd.Name.Pos()
			} else {
				c.errorf(ts.Name.Pos(), "%s is promoted from an embedded type of another package: declare it on %s", what, ts.Name.Name)
				continue
			}
			add(a, pos)
		}
		if len(fns) == 0 {
			c.errorf(ts.Name.Pos(), "activity struct %s has no exported method with a context.Context first parameter: it declares no activities", ts.Name.Name)
		}
	}
}

func goName(a model.Activity) string {
	if a.Receiver != "" {
		return a.Receiver + "." + a.GoName
	}
	return a.GoName
}
