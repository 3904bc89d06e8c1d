package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/temporalgen/temporalgen/gen/model"
)

// registerActivities declares RegisterActivities with the dispatch
// function of every activity.
func (e *emitter) registerActivities(impls []impl) {
	s := e.scope()
	w, err := s.name("w"), s.name("err")
	implVar := make(map[string]string)
	var decl []jen.Code
	var body []jen.Code
	for _, im := range impls {
		n := s.name(im.name)
		implVar[im.typ] = n
		decl = append(decl, jen.Id(n).Op("*").Id(im.typ))
		body = append(body, jen.If(jen.Id(n).Op("==").Nil()).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("%s.%s: %s is nil", e.p.Name, registerActivities, n))))))
	}
	for i := range e.p.Activities {
		a := &e.p.Activities[i]
		recv := ""
		if a.Receiver != "" {
			recv = implVar[a.Receiver]
		}
		body = append(body, jen.If(
			jen.Id(err).Op(":=").Id(w).Dot("RegisterActivityFunc").Call(jen.Id(activityNameConst(a)), e.activityDispatch(a, recv)),
			jen.Id(err).Op("!=").Nil(),
		).Block(jen.Return(jen.Id(err))))
	}
	body = append(body, jen.Return(jen.Nil()))
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s registers every activity of package %s with w.%s", registerActivities, e.p.Name, implDoc(impls))))
	e.f.Func().Id(registerActivities).Params(append([]jen.Code{jen.Id(w).Id(activityRegistrar)}, decl...)...).Error().Block(body...)
}

// activityDispatch renders the worker.ActivityFunc of a; recv is the
// variable holding its struct instance, for methods.
func (e *emitter) activityDispatch(a *model.Activity, recv string) jen.Code {
	s := e.scope()
	if recv != "" {
		s.take(recv)
	}
	ctx, dc, input, args, err := s.name("ctx"), s.name("dc"), s.name("input"), s.name("args"), s.name("err")
	in := params(s, a.Params)
	decodeErr := func(msg jen.Code, cause jen.Code) jen.Code {
		return jen.Return(jen.Nil(), jen.Qual(temporalPkg, "NewNonRetryableApplicationError").Call(msg, jen.Lit(argumentDecodeError), cause))
	}
	body := []jen.Code{
		jen.Id(args).Op(":=").Qual(converterPkg, "NewValues").Call(jen.Id(input), jen.Id(dc)),
		jen.If(jen.Id(args).Dot("Len").Call().Op("!=").Lit(len(in))).Block(decodeErr(
			jen.Qual("fmt", "Sprintf").Call(jen.Lit(fmt.Sprintf("activity %%s takes %d argument(s), got %%d", len(in))), jen.Id(activityNameConst(a)), jen.Id(args).Dot("Len").Call()),
			jen.Nil())),
	}
	body = append(body, decodeParams(args, in, false, err, func(p param) []jen.Code {
		return []jen.Code{decodeErr(jen.Lit("activity ").Op("+").Id(activityNameConst(a)).Op("+").Lit(": ").Op("+").Id(err).Dot("Error").Call(), jen.Id(err))}
	})...)
	var fn *jen.Statement
	if recv != "" {
		fn = jen.Id(recv).Dot(a.GoName)
	} else {
		fn = jen.Id(a.GoName)
	}
	call := fn.Call(append([]jen.Code{jen.Id(ctx)}, ids(in)...)...)
	if a.Result == nil {
		body = append(body, jen.Return(jen.Nil(), call))
	} else {
		out := s.name("out")
		body = append(body,
			jen.List(jen.Id(out), jen.Id(err)).Op(":=").Add(call),
			jen.If(jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id(err))),
			jen.Return(jen.Id(dc).Dot("ToPayloads").Call(jen.Id(out))),
		)
	}
	return jen.Func().Params(jen.Id(ctx).Add(ctxType()), jen.Id(dc).Qual(converterPkg, "DataConverter"), jen.Id(input).Op("*").Qual(commonPkg, "Payloads")).
		Params(jen.Op("*").Qual(commonPkg, "Payloads"), jen.Error()).Block(body...)
}

// guards declares func _() with one assignment per annotated method and
// function, so that stale generated code fails to build with an error
// pointing here when a signature changes.
func (e *emitter) guards() {
	s := e.scope()
	var body []jen.Code
	guard := func(recv string, m string, hasCtx bool, ctxT jen.Code, ps []model.Param, result *model.TypeRef, returnsError bool) {
		var pt []jen.Code
		if hasCtx {
			pt = append(pt, ctxT)
		}
		for _, p := range ps {
			pt = append(pt, typ(p.Type))
		}
		var rt []jen.Code
		if result != nil {
			rt = append(rt, typ(*result))
		}
		if returnsError {
			rt = append(rt, jen.Error())
		}
		f := jen.Func().Params(pt...)
		switch len(rt) {
		case 0:
		case 1:
			f = f.Add(rt[0])
		default:
			f = f.Params(rt...)
		}
		target := jen.Id(m)
		if recv != "" {
			target = jen.Id(recv).Dot(m)
		}
		body = append(body, jen.Var().Id("_").Add(f).Op("=").Add(target))
	}
	for i := range e.p.Workflows {
		wf := &e.p.Workflows[i]
		v := s.name(lowerFirst(wf.GoName))
		body = append(body, jen.Var().Id(v).Op("*").Id(wf.GoName))
		if wf.Init != nil {
			guard(v, wf.Init.GoName, true, wfCtxType(), wf.Init.Params, wf.Init.Result, wf.Init.ReturnsError)
		}
		guard(v, wf.Run.GoName, true, wfCtxType(), wf.Run.Params, wf.Run.Result, wf.Run.ReturnsError)
		for _, h := range handlers(wf) {
			guard(v, h.GoName, h.HasContext, wfCtxType(), h.Params, h.Result, h.ReturnsError)
			if h.Validator != nil {
				m := h.Validator
				guard(v, m.GoName, m.HasContext, wfCtxType(), m.Params, m.Result, m.ReturnsError)
			}
		}
	}
	recvVar := make(map[string]string)
	for i := range e.p.Activities {
		a := &e.p.Activities[i]
		v := ""
		if a.Receiver != "" {
			var ok bool
			if v, ok = recvVar[a.Receiver]; !ok {
				v = s.name(lowerFirst(a.Receiver))
				recvVar[a.Receiver] = v
				body = append(body, jen.Var().Id(v).Op("*").Id(a.Receiver))
			}
		}
		guard(v, a.GoName, a.HasContext, ctxType(), a.Params, a.Result, a.ReturnsError)
	}
	for i := range e.p.NexusServices {
		svc := &e.p.NexusServices[i]
		v := s.name(lowerFirst(svc.GoName))
		body = append(body, jen.Var().Id(v).Add(implType(svc)))
		for j := range svc.Operations {
			op := &svc.Operations[j]
			guard(v, op.GoName, true, ctxType(), []model.Param{op.Input}, op.Result, true)
		}
	}
	if len(body) == 0 {
		return
	}
	e.f.Line()
	e.f.Comment("Compile-time guards: the code above was generated for these signatures.")
	e.f.Comment("If this does not compile, a signature changed: run go generate again.")
	e.f.Func().Id("_").Params().Block(body...)
}
