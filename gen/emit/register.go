package emit

import (
	"fmt"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/temporalgen/temporalgen/gen/model"
)

// argumentDecodeError is the ApplicationError type of undecodable
// workflow and activity inputs, as the runtime's reflection path uses.
const argumentDecodeError = "ArgumentDecodeError"

// registration declares the Registrar interfaces and the Register
// functions, with the dispatch code of every workflow and activity.
func (e *emitter) registration() {
	hasWf, hasAct := len(e.p.Workflows) > 0, len(e.p.Activities) > 0
	if hasWf {
		e.f.Line()
		e.f.Add(comment(fmt.Sprintf("%s registers workflow types: *worker.Worker and *worker.Replayer implement it.", workflowRegistrar)))
		e.f.Type().Id(workflowRegistrar).Interface(
			jen.Id("RegisterWorkflowFuncWithOptions").Params(jen.Id("name").String(), jen.Id("fn").Qual(workerPkg, "WorkflowFunc"),
				jen.Id("opts").Qual(workerPkg, "RegisterOptions")).Error(),
		)
	}
	if hasAct {
		e.f.Line()
		e.f.Add(comment(fmt.Sprintf("%s registers activity types: *worker.Worker implements it.", activityRegistrar)))
		e.f.Type().Id(activityRegistrar).Interface(
			jen.Id("RegisterActivityFunc").Params(jen.Id("name").String(), jen.Id("fn").Qual(workerPkg, "ActivityFunc")).Error(),
		)
	}
	if hasWf && hasAct {
		e.f.Line()
		e.f.Add(comment(fmt.Sprintf("%s registers workflow and activity types: *worker.Worker implements it.", registrar)))
		e.f.Type().Id(registrar).Interface(jen.Id(workflowRegistrar), jen.Id(activityRegistrar))
	}
	for i := range e.p.Workflows {
		e.registerWorkflow(&e.p.Workflows[i])
	}
	if hasWf {
		s := e.scope()
		w, err := s.name("w"), s.name("err")
		var body []jen.Code
		for i := range e.p.Workflows {
			body = append(body, jen.If(jen.Id(err).Op(":=").Id(registerFunc(&e.p.Workflows[i])).Call(jen.Id(w)), jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Id(err))))
		}
		e.f.Line()
		e.f.Add(comment(fmt.Sprintf("%s registers every workflow of package %s with w.", registerWorkflows, e.p.Name)))
		e.f.Func().Id(registerWorkflows).Params(jen.Id(w).Id(workflowRegistrar)).Error().Block(append(body, jen.Return(jen.Nil()))...)
	}
	impls := e.implParams()
	if hasAct {
		e.registerActivities(impls)
	}
	if !hasWf && !hasAct {
		return // only Nexus services: nexusRegistration
	}

	s := e.scope()
	w := s.name("w")
	var implNames []jen.Code
	var implDecls []jen.Code
	for _, im := range impls {
		n := s.name(im.name)
		implNames = append(implNames, jen.Id(n))
		implDecls = append(implDecls, jen.Id(n).Op("*").Id(im.typ))
	}
	wType, doc := registrar, "every workflow and activity"
	var body []jen.Code
	switch {
	case hasWf && hasAct:
		err := s.name("err")
		body = append(body, jen.If(jen.Id(err).Op(":=").Id(registerWorkflows).Call(jen.Id(w)), jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Id(err))),
			jen.Return(jen.Id(registerActivities).Call(append([]jen.Code{jen.Id(w)}, implNames...)...)))
	case hasWf:
		wType, doc = workflowRegistrar, "every workflow"
		body = append(body, jen.Return(jen.Id(registerWorkflows).Call(jen.Id(w))))
	default:
		wType, doc = activityRegistrar, "every activity"
		body = append(body, jen.Return(jen.Id(registerActivities).Call(append([]jen.Code{jen.Id(w)}, implNames...)...)))
	}
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s registers %s of package %s with w.%s", registerAll, doc, e.p.Name, implDoc(impls))))
	e.f.Func().Id(registerAll).Params(append([]jen.Code{jen.Id(w).Id(wType)}, implDecls...)...).Error().Block(body...)
}

// impl is a struct whose methods are activities: Register functions take
// an instance of it.
type impl struct {
	typ  string // struct type name
	name string // parameter name
}

// implParams lists the activity structs of the package in order.
func (e *emitter) implParams() []impl {
	var out []impl
	seen := make(map[string]bool)
	for _, a := range e.p.Activities {
		if a.Receiver != "" && !seen[a.Receiver] {
			seen[a.Receiver] = true
			out = append(out, impl{typ: a.Receiver, name: lowerFirst(a.Receiver)})
		}
	}
	return out
}

func implDoc(impls []impl) string {
	if len(impls) == 0 {
		return ""
	}
	var parts string
	for i, im := range impls {
		if i > 0 {
			parts += ", "
		}
		parts += fmt.Sprintf("*%s", im.typ)
	}
	return fmt.Sprintf(" The activity methods run on the given instances (%s), which must not be nil.", parts)
}

// registerWorkflow declares RegisterX with wf's dispatch function.
func (e *emitter) registerWorkflow(wf *model.Workflow) {
	s := e.scope()
	w, run, opts := s.name("w"), s.name("run"), s.name("opts")
	fn := registerFunc(wf)
	body := []jen.Code{
		jen.Id(run).Op(":=").Add(e.dispatch(wf)),
		jen.Id(opts).Op(":=").Qual(workerPkg, "RegisterOptions").Values(e.registerOptions(wf)),
	}
	e.f.Line()
	if wf.Dynamic {
		d, ok := s.name("d"), s.name("ok")
		e.f.Add(comment(fmt.Sprintf("%s registers %s as the dynamic workflow of w, which runs workflow types nothing else is registered for. w must implement RegisterDynamicWorkflowFuncWithOptions.", fn, wf.GoName)))
		body = append(body,
			jen.List(jen.Id(d), jen.Id(ok)).Op(":=").Id(w).Assert(jen.Interface(
				jen.Id("RegisterDynamicWorkflowFuncWithOptions").Params(jen.Id("fn").Qual(workerPkg, "WorkflowFunc"), jen.Id("opts").Qual(workerPkg, "RegisterOptions")).Error(),
			)),
			jen.If(jen.Op("!").Id(ok)).Block(jen.Return(jen.Qual("fmt", "Errorf").Call(
				jen.Lit(fmt.Sprintf("%s.%s: %%T cannot register dynamic workflows", e.p.Name, fn)), jen.Id(w)))),
			jen.Return(jen.Id(d).Dot("RegisterDynamicWorkflowFuncWithOptions").Call(jen.Id(run), jen.Id(opts))),
		)
	} else {
		e.f.Add(comment(fmt.Sprintf("%s registers the %s workflow with w as %s.", fn, wf.GoName, workflowNameConst(wf))))
		body = append(body, jen.Return(jen.Id(w).Dot("RegisterWorkflowFuncWithOptions").Call(jen.Id(workflowNameConst(wf)), jen.Id(run), jen.Id(opts))))
	}
	e.f.Func().Id(fn).Params(jen.Id(w).Id(workflowRegistrar)).Error().Block(body...)
}

// registerOptions renders the fields of wf's worker.RegisterOptions.
func (e *emitter) registerOptions(wf *model.Workflow) jen.Dict {
	d := jen.Dict{}
	if len(wf.FailureErrors) > 0 {
		s := e.scope()
		v, err, ok := s.name("v"), s.name("err"), s.name("ok")
		body := []jen.Code{
			jen.List(jen.Id(err), jen.Id(ok)).Op(":=").Id(v).Assert(jen.Error()),
			jen.If(jen.Op("!").Id(ok)).Block(jen.Return(jen.False())),
		}
		var tests []jen.Code
		for i, t := range wf.FailureErrors {
			target := s.name("target" + strconv.Itoa(i+1))
			body = append(body, jen.Var().Id(target).Add(typ(t)))
			test := jen.Qual("errors", "As").Call(jen.Id(err), jen.Op("&").Id(target))
			if i > 0 {
				test = jen.Op("||").Add(test)
			}
			tests = append(tests, test)
		}
		body = append(body, jen.Return(jen.Add(tests...)))
		d[jen.Id("FailWorkflowOn")] = jen.Func().Params(jen.Id(v).Any()).Bool().Block(body...)
	}
	switch wf.Versioning {
	case model.VersioningPinned:
		d[jen.Id("VersioningBehavior")] = workflowQual("VersioningBehaviorPinned")
	case model.VersioningAutoUpgrade:
		d[jen.Id("VersioningBehavior")] = workflowQual("VersioningBehaviorAutoUpgrade")
	}
	return d
}

// decodeParams decodes the parameters ps from the converter.Values named
// args; onErr renders what to do when one fails, with the error in the
// variable err. With lenient, missing values leave their parameter zero.
func decodeParams(args string, ps []param, lenient bool, err string, onErr func(p param) []jen.Code) []jen.Code {
	var out []jen.Code
	for i, p := range ps {
		out = append(out, jen.Var().Id(p.name).Add(typ(p.typ)))
		dec := jen.If(jen.Id(err).Op(":=").Id(args).Dot("Get").Call(jen.Lit(i), jen.Op("&").Id(p.name)), jen.Id(err).Op("!=").Nil()).Block(onErr(p)...)
		if lenient {
			dec = jen.If(jen.Id(args).Dot("Len").Call().Op(">").Lit(i)).Block(dec)
		}
		out = append(out, dec)
	}
	return out
}

// dispatch renders the worker.WorkflowFunc of wf.
func (e *emitter) dispatch(wf *model.Workflow) jen.Code {
	s := e.scope()
	ctx, input := s.name("ctx"), s.name("input")
	dc, args, inst, err := s.name("dc"), s.name("args"), s.name(lowerFirst(wf.GoName)), s.name("err")
	in := params(s, wf.Run.Params)
	var body []jen.Code
	if len(in) > 0 || wf.Run.Result != nil {
		body = append(body, jen.Id(dc).Op(":=").Add(workflowQual("PayloadConverter")).Call(jen.Id(ctx)))
	}
	switch {
	case wf.Dynamic:
		// Every payload goes to the run undecoded (the check stage made
		// its one parameter converter.Values).
		in = []param{{name: args}}
		body = append(body, jen.Id(args).Op(":=").Qual(converterPkg, "NewValues").Call(jen.Id(input), jen.Id(dc)))
	case len(in) > 0:
		body = append(body, jen.Id(args).Op(":=").Qual(converterPkg, "NewValues").Call(jen.Id(input), jen.Id(dc)))
		body = append(body, decodeParams(args, in, true, err, func(p param) []jen.Code {
			return []jen.Code{jen.Return(jen.Nil(), jen.Qual(temporalPkg, "NewNonRetryableApplicationError").Call(
				jen.Lit(fmt.Sprintf("workflow %s: ", wf.GoName)).Op("+").Id(err).Dot("Error").Call(), jen.Lit(argumentDecodeError), jen.Id(err)))}
		})...)
	}
	body = append(body,
		jen.Id(inst).Op(":=").New(jen.Id(wf.GoName)),
		workflowQual("SetInstance").Call(jen.Id(ctx), jen.Id(inst)),
	)
	if wf.Init != nil {
		call := jen.Id(inst).Dot(wf.Init.GoName).Call(append([]jen.Code{jen.Id(ctx)}, ids(in)...)...)
		if wf.Init.ReturnsError {
			body = append(body, jen.If(jen.Id(err).Op(":=").Add(call), jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id(err))))
		} else {
			body = append(body, call)
		}
	}
	for _, h := range handlers(wf) {
		set := e.setHandler(wf, h, ctx, inst)
		body = append(body, jen.If(jen.Id(err).Op(":=").Add(set), jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id(err))))
	}
	body = append(body, workflowQual("Yield").Call(jen.Id(ctx)))
	call := jen.Id(inst).Dot(wf.Run.GoName).Call(append([]jen.Code{jen.Id(ctx)}, ids(in)...)...)
	if wf.Run.Result == nil {
		body = append(body, jen.Return(jen.Nil(), call))
	} else {
		out := s.name("out")
		body = append(body,
			jen.List(jen.Id(out), jen.Id(err)).Op(":=").Add(call),
			jen.If(jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id(err))),
			jen.Return(jen.Id(dc).Dot("ToPayloads").Call(jen.Id(out))),
		)
	}
	return jen.Func().Params(jen.Id(ctx).Add(wfCtxType()), jen.Id(input).Op("*").Qual(commonPkg, "Payloads")).
		Params(jen.Op("*").Qual(commonPkg, "Payloads"), jen.Error()).Block(body...)
}

// unfinished renders the HandlerUnfinishedPolicy of h, or nil for the
// default.
func unfinished(h *model.Handler) jen.Code {
	if h.Unfinished == model.UnfinishedAbandon {
		return workflowQual("HandlerUnfinishedPolicyAbandon")
	}
	return nil
}

// handlerFunc is the parameter list of a handler function literal and the
// arguments that pass them on to the Go method.
type handlerFunc struct {
	ctx, name, args, err string
	params               []jen.Code
	ps                   []param // decoded parameters (not dynamic)
}

// newHandlerFunc names the parameters of a handler (or validator) of h in
// a scope of its own that keeps inst, the workflow instance it calls.
func (e *emitter) newHandlerFunc(h *model.Handler, params_ []model.Param, inst string) *handlerFunc {
	s := e.scope()
	s.take(inst)
	f := &handlerFunc{ctx: s.name("ctx")}
	f.params = []jen.Code{jen.Id(f.ctx).Add(wfCtxType())}
	if h.Dynamic {
		f.name = s.name("name")
		f.params = append(f.params, jen.Id(f.name).String())
	}
	f.args = s.name("args")
	f.params = append(f.params, jen.Id(f.args).Qual(converterPkg, "Values"))
	if !h.Dynamic {
		f.ps = params(s, params_)
	}
	f.err = s.name("err")
	return f
}

// call renders inst.method(...) with the handler function's values.
func (f *handlerFunc) call(inst, method string, withCtx bool) *jen.Statement {
	var args []jen.Code
	if withCtx {
		args = append(args, jen.Id(f.ctx))
	}
	if f.name != "" {
		args = append(args, jen.Id(f.name), jen.Id(f.args))
	} else {
		args = append(args, ids(f.ps)...)
	}
	return jen.Id(inst).Dot(method).Call(args...)
}

// setHandler renders the call that sets the handler h of the workflow
// instance inst; it returns an error.
func (e *emitter) setHandler(wf *model.Workflow, h *model.Handler, ctx, inst string) *jen.Statement {
	f := e.newHandlerFunc(h, h.Params, inst)
	call := f.call(inst, h.GoName, h.HasContext)
	opts := jen.Dict{}
	if h.Description != "" {
		opts[jen.Id("Description")] = jen.Lit(h.Description)
	}
	if u := unfinished(h); u != nil {
		opts[jen.Id("UnfinishedPolicy")] = u
	}
	var body []jen.Code
	var fn *jen.Statement
	var setter string
	var optsType *jen.Statement
	switch h.Kind {
	case model.SignalHandler:
		body = decodeParams(f.args, f.ps, false, f.err, func(p param) []jen.Code {
			return []jen.Code{
				workflowQual("GetLogger").Call(jen.Id(f.ctx)).Dot("Warn").Call(jen.Lit("dropping a signal whose arguments cannot be decoded"),
					jen.Lit("workflow"), jen.Lit(wf.GoName), jen.Lit("signal"), jen.Lit(h.Name), jen.Lit("parameter"), jen.Lit(p.name),
					jen.Lit("type"), jen.Lit(typeString(p.typ)), jen.Lit("error"), jen.Id(f.err)),
				jen.Return(jen.Nil()),
			}
		})
		if h.ReturnsError {
			body = append(body, jen.Return(call))
		} else {
			body = append(body, call, jen.Return(jen.Nil()))
		}
		fn = jen.Func().Params(f.params...).Error().Block(body...)
		setter, optsType = "SignalHandler", workflowQual("SignalOptions")
	case model.QueryHandler, model.UpdateHandler:
		body = decodeParams(f.args, f.ps, false, f.err, func(p param) []jen.Code {
			return []jen.Code{jen.Return(jen.Nil(), jen.Id(f.err))}
		})
		if h.Result != nil {
			body = append(body, jen.Return(call))
		} else {
			body = append(body, jen.Return(jen.Nil(), call))
		}
		fn = jen.Func().Params(f.params...).Params(jen.Any(), jen.Error()).Block(body...)
		setter, optsType = "QueryHandler", workflowQual("QueryOptions")
		if h.Kind == model.UpdateHandler {
			setter, optsType = "UpdateHandler", workflowQual("UpdateOptions")
			if h.Dynamic {
				optsType = workflowQual("DynamicUpdateOptions")
			}
			if h.Validator != nil {
				opts[jen.Id("Validator")] = e.validator(h, inst)
			}
		}
	}
	if h.Dynamic {
		return workflowQual("SetDynamic"+setter).Call(jen.Id(ctx), fn, optsType.Values(opts))
	}
	return workflowQual("Set"+setter).Call(jen.Id(ctx), jen.Id(handlerNameConst(wf, h)), fn, optsType.Values(opts))
}

// validator renders the validator function of update h, which calls the
// validator method on inst.
func (e *emitter) validator(h *model.Handler, inst string) jen.Code {
	f := e.newHandlerFunc(h, h.Validator.Params, inst)
	body := decodeParams(f.args, f.ps, false, f.err, func(p param) []jen.Code {
		return []jen.Code{jen.Return(jen.Id(f.err))}
	})
	body = append(body, jen.Return(f.call(inst, h.Validator.GoName, h.Validator.HasContext)))
	return jen.Func().Params(f.params...).Error().Block(body...)
}
