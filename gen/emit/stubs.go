package emit

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/temporalgen/temporalgen/gen/model"
)

// workflowSide declares the stubs workflow code uses to call wf: a typed
// child workflow, a typed external workflow and continue-as-new.
func (e *emitter) workflowSide(wf *model.Workflow) {
	e.child(wf)
	e.external(wf)
	e.continueAsNew(wf)
}

// child declares XChild and StartXChild.
func (e *emitter) child(wf *model.Workflow) {
	names := e.scope()
	rv, rctx, rerr := names.name("c"), names.name("ctx"), names.name("err")
	t := childType(wf)
	res := resultType(wf.Run.Result)
	raw := func() *jen.Statement { return workflowQual("ChildWorkflowHandle").Types(res) }
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s is a typed handle to a %s child workflow, for workflow code.", t, wf.GoName)))
	e.f.Type().Id(t).Struct(jen.Id("h").Add(raw()))

	s := e.scope()
	ctx, opts := s.name("ctx"), s.name("opts")
	ps := []jen.Code{jen.Id(ctx).Add(wfCtxType()), jen.Id(opts).Add(workflowQual("ChildWorkflowOptions"))}
	wt := workflowType(wf, s, &ps)
	in := startParams(s, wf)
	h, err := s.name("h"), s.name("err")
	fn := startChildFunc(wf)
	e.f.Line()
	tq := ""
	if wf.TaskQueue != "" {
		tq = fmt.Sprintf(" An empty opts.TaskQueue means %s.", taskQueueConst(wf))
	}
	e.f.Add(comment(fmt.Sprintf("%s starts a %s child workflow. Cancelling ctx cancels it according to opts.CancellationType.%s%s", fn, wf.GoName, tq, dynamicDoc(wf))))
	e.f.Func().Id(fn).Params(append(ps, decls(in)...)...).Params(jen.Op("*").Id(t), jen.Error()).Block(
		defaultTaskQueue(wf, opts),
		jen.List(jen.Id(h), jen.Id(err)).Op(":=").Add(workflowQual("StartChildWorkflow")).Types(res).Call(append([]jen.Code{jen.Id(ctx), jen.Id(opts), wt}, ids(in)...)...),
		jen.If(jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id(err))),
		jen.Return(jen.Op("&").Id(t).Values(jen.Dict{jen.Id("h"): jen.Id(h)}), jen.Nil()),
	)

	c := func() *jen.Statement { return jen.Id(rv).Dot("h") }
	simple := func(doc, name string, ps []jen.Code, results jen.Code, body ...jen.Code) {
		e.f.Line()
		e.f.Add(comment(doc))
		e.f.Func().Params(jen.Id(rv).Op("*").Id(t)).Id(name).Params(ps...).Add(results).Block(body...)
	}
	simple("ID returns the child's workflow ID.", "ID", nil, jen.String(), jen.Return(c().Dot("ID").Call()))
	simple("FirstExecutionRunID returns the child's first run ID, once it started.", "FirstExecutionRunID", nil, jen.String(),
		jen.Return(c().Dot("FirstExecutionRunID").Call()))
	simple("Started returns a future that is ready with the child's run ID once it started, or with a *temporal.ChildWorkflowStartError.", "Started", nil,
		workflowQual("Future").Types(jen.String()), jen.Return(c().Dot("Started").Call()))
	simple("Result returns a future for the child's result.", "Result", nil, workflowQual("Future").Types(res), jen.Return(c().Dot("Result").Call()))
	if wf.Run.Result == nil {
		simple("Get waits for the child to complete.", "Get", []jen.Code{jen.Id(rctx).Add(wfCtxType())}, jen.Error(),
			jen.List(jen.Id("_"), jen.Id(rerr)).Op(":=").Add(c()).Dot("Get").Call(jen.Id(rctx)),
			jen.Return(jen.Id(rerr)))
	} else {
		simple("Get waits for the child's result.", "Get", []jen.Code{jen.Id(rctx).Add(wfCtxType())}, jen.Params(typ(*wf.Run.Result), jen.Error()),
			jen.Return(c().Dot("Get").Call(jen.Id(rctx))))
	}
	simple("Cancel cancels the child according to its cancellation type.", "Cancel", nil, jen.Null(), c().Dot("Cancel").Call())
	simple("Untyped returns the underlying child workflow handle.", "Untyped", nil, raw(), jen.Return(c()))
	e.signalMethods(wf, jen.Op("*").Id(t), "c", "child")
}

// signalMethods declares one method per signal of wf on recvType, whose
// field h has a Signal(ctx, name, args...) Future[struct{}] method.
func (e *emitter) signalMethods(wf *model.Workflow, recvType *jen.Statement, recvName, what string) {
	for _, h := range wf.Signals {
		if h.Dynamic {
			continue
		}
		s := e.scope()
		recv, ctx := s.name(recvName), s.name("ctx")
		ps := params(s, h.Params)
		e.f.Line()
		e.f.Add(comment(fmt.Sprintf("%s sends signal %s to the %s workflow; the future is ready once the signal was delivered.%s", h.GoName, h.Name, what, descDoc(&h))))
		e.f.Func().Params(jen.Id(recv).Add(recvType.Clone())).Id(h.GoName).Params(append([]jen.Code{jen.Id(ctx).Add(wfCtxType())}, decls(ps)...)...).
			Add(workflowQual("Future").Types(jen.Struct())).Block(
			jen.Return(jen.Id(recv).Dot("h").Dot("Signal").Call(append([]jen.Code{jen.Id(ctx), jen.Id(handlerNameConst(wf, &h))}, ids(ps)...)...)),
		)
	}
}

// external declares XExternal and GetXExternal.
func (e *emitter) external(wf *model.Workflow) {
	names := e.scope()
	rv, rctx := names.name("x"), names.name("ctx")
	t := externalType(wf)
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s is a typed handle to another %s workflow, for workflow code: it can signal and cancel it.", t, wf.GoName)))
	e.f.Type().Id(t).Struct(jen.Id("h").Add(workflowQual("ExternalWorkflowHandle")))

	s := e.scope()
	ctx, id, run := s.name("ctx"), s.name("workflowID"), s.name("runID")
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s returns a handle to the %s workflow workflowID; an empty runID means its current run.", getExternalFunc(wf), wf.GoName)))
	e.f.Func().Id(getExternalFunc(wf)).Params(jen.Id(ctx).Add(wfCtxType()), jen.List(jen.Id(id), jen.Id(run)).String()).Id(t).Block(
		jen.Return(jen.Id(t).Values(jen.Dict{jen.Id("h"): workflowQual("GetExternalWorkflowHandle").Call(jen.Id(ctx), jen.Id(id), jen.Id(run))})),
	)
	x := func() *jen.Statement { return jen.Id(rv).Dot("h") }
	simple := func(doc, name string, ps []jen.Code, results jen.Code, body ...jen.Code) {
		e.f.Line()
		e.f.Add(comment(doc))
		e.f.Func().Params(jen.Id(rv).Id(t)).Id(name).Params(ps...).Add(results).Block(body...)
	}
	simple("ID returns the workflow ID.", "ID", nil, jen.String(), jen.Return(x().Dot("ID").Call()))
	simple("RunID returns the run ID; empty means the current run.", "RunID", nil, jen.String(), jen.Return(x().Dot("RunID").Call()))
	simple("Cancel requests cancellation of the workflow; the future is ready once the request was delivered.", "Cancel",
		[]jen.Code{jen.Id(rctx).Add(wfCtxType())}, workflowQual("Future").Types(jen.Struct()), jen.Return(x().Dot("Cancel").Call(jen.Id(rctx))))
	simple("Untyped returns the underlying external workflow handle.", "Untyped", nil, workflowQual("ExternalWorkflowHandle"), jen.Return(x()))
	e.signalMethods(wf, jen.Id(t), "x", "external")
}

// continueAsNew declares ContinueAsNewX.
func (e *emitter) continueAsNew(wf *model.Workflow) {
	s := e.scope()
	ctx, opts := s.name("ctx"), s.name("opts")
	in := startParams(s, wf)
	fn := continueAsNewFunc(wf)
	e.f.Line()
	body := []jen.Code{}
	if wf.Dynamic {
		e.f.Add(comment(fmt.Sprintf("%s returns the error that, returned from a run method, continues the workflow as a new run of opts.WorkflowType (empty: the current type) with this input.", fn)))
	} else {
		e.f.Add(comment(fmt.Sprintf("%s returns the error that, returned from a run method, continues the workflow as a new %s run with this input. An empty opts.WorkflowType means %s.", fn, wf.GoName, workflowNameConst(wf))))
		body = append(body, jen.If(jen.Id(opts).Dot("WorkflowType").Op("==").Lit("")).Block(
			jen.Id(opts).Dot("WorkflowType").Op("=").Id(workflowNameConst(wf))))
	}
	body = append(body, jen.Return(workflowQual("NewContinueAsNewError").Call(append([]jen.Code{jen.Id(ctx), jen.Id(opts)}, ids(in)...)...)))
	e.f.Func().Id(fn).Params(append([]jen.Code{jen.Id(ctx).Add(wfCtxType()), jen.Id(opts).Add(workflowQual("ContinueAsNewOptions"))}, decls(in)...)...).Error().Block(body...)
}

// activityStubs declares AActivity and ALocalActivity, which return the
// future of the result, and StartAActivity and StartALocalActivity, which
// return a handle (ID, Cancel, IsDone, IsCancelled, Get).
func (e *emitter) activityStubs(a *model.Activity) {
	res := resultType(a.Result)
	for _, local := range []bool{false, true} {
		for _, handle := range []bool{false, true} {
			s := e.scope()
			ctx, opts := s.name("ctx"), s.name("opts")
			in := params(s, a.Params)
			fn, call, optsType, how := activityFunc(a), "ExecuteActivity", "ActivityOptions", "activity"
			ret, what := workflowQual("Future").Types(res), "the future of its result"
			if local {
				fn, call, optsType, how = localActivityFunc(a), "ExecuteLocalActivity", "LocalActivityOptions", "local activity"
			}
			if handle {
				fn, call, what = "Start"+fn, "Start"+strings.TrimPrefix(call, "Execute"), "a handle to it"
				ret = workflowQual("ActivityHandle").Types(res)
				if local {
					ret = workflowQual("LocalActivityHandle").Types(res)
				}
			}
			e.f.Line()
			e.f.Add(comment(fmt.Sprintf("%s runs %s as a %s (type %s) with opts and returns %s.", fn, activityGoName(a), how, quote(a.Name), what)))
			e.f.Func().Id(fn).Params(append([]jen.Code{jen.Id(ctx).Add(wfCtxType()), jen.Id(opts).Add(workflowQual(optsType))}, decls(in)...)...).
				Add(ret).Block(
				jen.Return(workflowQual(call).Types(res).Call(append([]jen.Code{jen.Id(ctx), jen.Id(opts), jen.Id(activityNameConst(a))}, ids(in)...)...)),
			)
		}
	}
}
