package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/temporalgen/temporalgen/gen/model"
)

// constants declares the registered names of everything in the package.
func (e *emitter) constants() {
	var defs []jen.Code
	for i := range e.p.Workflows {
		wf := &e.p.Workflows[i]
		if !wf.Dynamic {
			defs = append(defs, comment(fmt.Sprintf("%s is the workflow type of %s.", workflowNameConst(wf), wf.GoName)),
				jen.Id(workflowNameConst(wf)).Op("=").Lit(wf.Name))
		}
		if wf.TaskQueue != "" {
			defs = append(defs, comment(fmt.Sprintf("%s is the default task queue of %s workflows (task_queue=).", taskQueueConst(wf), wf.GoName)),
				jen.Id(taskQueueConst(wf)).Op("=").Lit(wf.TaskQueue))
		}
		for _, h := range handlers(wf) {
			if h.Dynamic {
				continue
			}
			defs = append(defs, comment(fmt.Sprintf("%s is the name of %s %s of %s.", handlerNameConst(wf, h), h.Kind, h.GoName, wf.GoName)),
				jen.Id(handlerNameConst(wf, h)).Op("=").Lit(h.Name))
		}
	}
	for i := range e.p.Activities {
		a := &e.p.Activities[i]
		defs = append(defs, comment(fmt.Sprintf("%s is the activity type of %s.", activityNameConst(a), activityGoName(a))),
			jen.Id(activityNameConst(a)).Op("=").Lit(a.Name))
	}
	defs = append(defs, e.nexusConstants()...)
	if len(defs) == 0 {
		return
	}
	e.f.Comment(fmt.Sprintf("Registered names of package %s.", e.p.Name))
	e.f.Const().Defs(defs...)
}

func activityGoName(a *model.Activity) string {
	if a.Receiver != "" {
		return "(*" + a.Receiver + ")." + a.GoName
	}
	return a.GoName
}

// workflowType returns the expression naming wf's workflow type in
// generated code: its constant, or for a dynamic workflow a parameter
// (added to ps).
func workflowType(wf *model.Workflow, s *scope, ps *[]jen.Code) jen.Code {
	if !wf.Dynamic {
		return jen.Id(workflowNameConst(wf))
	}
	n := s.name("workflowType")
	*ps = append(*ps, jen.Id(n).String())
	return jen.Id(n)
}

// defaultTaskQueue sets opts.TaskQueue to wf's task_queue= when empty.
func defaultTaskQueue(wf *model.Workflow, opts string) jen.Code {
	if wf.TaskQueue == "" {
		return jen.Null()
	}
	return jen.If(jen.Id(opts).Dot("TaskQueue").Op("==").Lit("")).Block(
		jen.Id(opts).Dot("TaskQueue").Op("=").Id(taskQueueConst(wf)),
	)
}

func taskQueueDoc(wf *model.Workflow) string {
	if wf.TaskQueue == "" {
		return ""
	}
	return fmt.Sprintf(" An empty opts.TaskQueue means %s.", taskQueueConst(wf))
}

func dynamicDoc(wf *model.Workflow) string {
	if !wf.Dynamic {
		return ""
	}
	return fmt.Sprintf(" %s is dynamic: workflowType is the workflow type to use.", wf.GoName)
}

// client declares the client side of wf: handle types, start, get,
// execute, signal-with-start and update-with-start.
func (e *emitter) client(wf *model.Workflow) {
	handle := handleType(wf)
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s is a typed handle to a %s workflow execution, for clients. Untyped gives the underlying handle.", handle, wf.GoName)))
	e.f.Type().Id(handle).Struct(jen.Id("h").Op("*").Add(clientQual("WorkflowHandle")))

	// StartX
	{
		s := e.scope()
		ctx, c, opts := s.name("ctx"), s.name("c"), s.name("opts")
		ps := []jen.Code{jen.Id(ctx).Add(ctxType()), jen.Id(c).Op("*").Add(clientQual("Client")), jen.Id(opts).Add(clientQual("StartWorkflowOptions"))}
		wt := workflowType(wf, s, &ps)
		in := startParams(s, wf)
		h, err := s.name("h"), s.name("err")
		e.f.Line()
		e.f.Add(comment(fmt.Sprintf("%s starts a %s workflow.%s%s", startFunc(wf), wf.GoName, taskQueueDoc(wf), dynamicDoc(wf))))
		e.f.Func().Id(startFunc(wf)).Params(append(ps, decls(in)...)...).Params(jen.Op("*").Id(handle), jen.Error()).Block(
			defaultTaskQueue(wf, opts),
			jen.List(jen.Id(h), jen.Id(err)).Op(":=").Id(c).Dot("StartWorkflow").Call(append([]jen.Code{jen.Id(ctx), jen.Id(opts), wt}, ids(in)...)...),
			jen.If(jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id(err))),
			jen.Return(jen.Op("&").Id(handle).Values(jen.Dict{jen.Id("h"): jen.Id(h)}), jen.Nil()),
		)
	}
	// GetX
	{
		s := e.scope()
		c, id, run := s.name("c"), s.name("workflowID"), s.name("runID")
		e.f.Line()
		e.f.Add(comment(fmt.Sprintf("%s returns a handle to the %s workflow workflowID; an empty runID means its latest run. It makes no request.", getFunc(wf), wf.GoName)))
		e.f.Func().Id(getFunc(wf)).Params(jen.Id(c).Op("*").Add(clientQual("Client")), jen.List(jen.Id(id), jen.Id(run)).String()).Op("*").Id(handle).Block(
			jen.Return(jen.Op("&").Id(handle).Values(jen.Dict{jen.Id("h"): jen.Id(c).Dot("GetWorkflow").Call(jen.Id(id), jen.Id(run))})),
		)
	}
	// ExecuteX
	{
		s := e.scope()
		ctx, c, opts := s.name("ctx"), s.name("c"), s.name("opts")
		ps := []jen.Code{jen.Id(ctx).Add(ctxType()), jen.Id(c).Op("*").Add(clientQual("Client")), jen.Id(opts).Add(clientQual("StartWorkflowOptions"))}
		args := []jen.Code{jen.Id(ctx), jen.Id(c), jen.Id(opts)}
		if wf.Dynamic {
			wt := s.name("workflowType")
			ps = append(ps, jen.Id(wt).String())
			args = append(args, jen.Id(wt))
		}
		in := startParams(s, wf)
		h, err := s.name("h"), s.name("err")
		start := jen.List(jen.Id(h), jen.Id(err)).Op(":=").Id(startFunc(wf)).Call(append(args, ids(in)...)...)
		e.f.Line()
		e.f.Add(comment(fmt.Sprintf("%s starts a %s workflow, like %s, and waits for its result.", executeFunc(wf), wf.GoName, startFunc(wf))))
		if wf.Run.Result == nil {
			e.f.Func().Id(executeFunc(wf)).Params(append(ps, decls(in)...)...).Error().Block(
				start,
				jen.If(jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Id(err))),
				jen.Return(jen.Id(h).Dot("Result").Call(jen.Id(ctx))),
			)
		} else {
			zero := s.name("zero")
			e.f.Func().Id(executeFunc(wf)).Params(append(ps, decls(in)...)...).Params(typ(*wf.Run.Result), jen.Error()).Block(
				start,
				jen.If(jen.Id(err).Op("!=").Nil()).Block(
					jen.Var().Id(zero).Add(typ(*wf.Run.Result)),
					jen.Return(jen.Id(zero), jen.Id(err)),
				),
				jen.Return(jen.Id(h).Dot("Result").Call(jen.Id(ctx))),
			)
		}
	}
	e.schedule(wf)
	for _, h := range wf.Signals {
		if !h.Dynamic {
			e.signalWithStart(wf, &h)
		}
	}
	for _, h := range wf.Updates {
		if !h.Dynamic {
			e.updateWithStart(wf, &h)
		}
	}
	e.handleMethods(wf)
	for _, h := range wf.Updates {
		if !h.Dynamic {
			e.updateHandle(wf, &h)
		}
	}
}

// signalWithStart declares SignalWithStartXS.
func (e *emitter) signalWithStart(wf *model.Workflow, h *model.Handler) {
	s := e.scope()
	ctx, c, opts := s.name("ctx"), s.name("c"), s.name("opts")
	ps := []jen.Code{jen.Id(ctx).Add(ctxType()), jen.Id(c).Op("*").Add(clientQual("Client")), jen.Id(opts).Add(clientQual("StartWorkflowOptions"))}
	wt := workflowType(wf, s, &ps)
	in := asSlice(startParams(s, wf))
	sig := params(s, h.Params)
	wh, err := s.name("h"), s.name("err")
	fn := signalWithStartFunc(wf, h)
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s sends signal %s to the %s workflow opts.ID, starting it first if it is not running. The workflow's input comes first, then the signal's.%s%s",
		fn, h.GoName, wf.GoName, taskQueueDoc(wf), dynamicDoc(wf))))
	e.f.Func().Id(fn).Params(append(append(ps, decls(in)...), decls(sig)...)...).Params(jen.Op("*").Id(handleType(wf)), jen.Error()).Block(
		defaultTaskQueue(wf, opts),
		jen.List(jen.Id(wh), jen.Id(err)).Op(":=").Id(c).Dot("SignalWithStartWorkflow").Call(append([]jen.Code{
			jen.Id(ctx), jen.Id(opts), jen.Id(handlerNameConst(wf, h)), anySlice(sig), wt}, ids(in)...)...),
		jen.If(jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id(err))),
		jen.Return(jen.Op("&").Id(handleType(wf)).Values(jen.Dict{jen.Id("h"): jen.Id(wh)}), jen.Nil()),
	)
}

// updateWithStart declares UpdateWithStartXU.
func (e *emitter) updateWithStart(wf *model.Workflow, h *model.Handler) {
	s := e.scope()
	ctx, c, opts, stage := s.name("ctx"), s.name("c"), s.name("opts"), s.name("stage")
	ps := []jen.Code{jen.Id(ctx).Add(ctxType()), jen.Id(c).Op("*").Add(clientQual("Client")), jen.Id(opts).Add(clientQual("StartWorkflowOptions")),
		jen.Id(stage).Add(clientQual("UpdateStage"))}
	wt := workflowType(wf, s, &ps)
	in := asSlice(startParams(s, wf))
	up := params(s, h.Params)
	uh, err := s.name("uh"), s.name("err")
	fn := updateWithStartFunc(wf, h)
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s sends update %s to the %s workflow opts.ID, starting it first if it is not running, and waits until the update reaches stage (client.UpdateStageCompleted when unspecified). opts.WorkflowIDConflictPolicy is required. The workflow's input comes first, then the update's.%s%s",
		fn, h.GoName, wf.GoName, taskQueueDoc(wf), dynamicDoc(wf))))
	e.f.Func().Id(fn).Params(append(append(ps, decls(in)...), decls(up)...)...).Params(jen.Op("*").Id(updateHandleType(wf, h)), jen.Error()).Block(
		defaultTaskQueue(wf, opts),
		jen.List(jen.Id(uh), jen.Id(err)).Op(":=").Id(c).Dot("UpdateWithStartWorkflow").Call(append([]jen.Code{
			jen.Id(ctx), jen.Id(opts), clientQual("UpdateOptions").Values(jen.Dict{jen.Id("WaitForStage"): jen.Id(stage)}),
			jen.Id(handlerNameConst(wf, h)), anySlice(up), wt}, ids(in)...)...),
		jen.If(jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id(err))),
		jen.Return(jen.Op("&").Id(updateHandleType(wf, h)).Values(jen.Dict{jen.Id("h"): jen.Id(uh)}), jen.Nil()),
	)
}

// anySlice renders []any{ps...}, or nil.
func anySlice(ps []param) jen.Code {
	if len(ps) == 0 {
		return jen.Nil()
	}
	if len(ps) == 1 && (ps[0].variadic || ps[0].slice) {
		return jen.Id(ps[0].name)
	}
	return jen.Index().Any().Values(ids(ps)...)
}

// method starts a method declaration on the type recvType named with the
// receiver name from s.
func method(recv, recvType string) *jen.Statement {
	return jen.Func().Params(jen.Id(recv).Op("*").Id(recvType))
}

// handleMethods declares the methods of XHandle.
func (e *emitter) handleMethods(wf *model.Workflow) {
	names := e.scope()
	rv, rctx := names.name("h"), names.name("ctx")
	reason, details := names.name("reason"), names.name("details")
	handle := handleType(wf)
	simple := func(doc string, name string, ps []jen.Code, results jen.Code, body jen.Code) {
		e.f.Line()
		e.f.Add(comment(doc))
		e.f.Func().Params(jen.Id(rv).Op("*").Id(handle)).Id(name).Params(ps...).Add(results).Block(body)
	}
	simple("ID returns the workflow ID.", "ID", nil, jen.String(), jen.Return(jen.Id(rv).Dot("h").Dot("ID").Call()))
	simple("RunID returns the run ID the handle refers to; empty means the latest run.", "RunID", nil, jen.String(),
		jen.Return(jen.Id(rv).Dot("h").Dot("RunID").Call()))
	simple("Untyped returns the underlying handle, for dynamic handlers and everything else client.WorkflowHandle offers.", "Untyped", nil,
		jen.Op("*").Add(clientQual("WorkflowHandle")), jen.Return(jen.Id(rv).Dot("h")))
	if wf.Run.Result == nil {
		simple("Result waits for the workflow to complete.", "Result", []jen.Code{jen.Id(rctx).Add(ctxType())}, jen.Error(),
			jen.Return(jen.Id(rv).Dot("h").Dot("Get").Call(jen.Id(rctx), jen.Nil())))
	} else {
		simple("Result waits for the workflow to complete and returns its result.", "Result", []jen.Code{jen.Id(rctx).Add(ctxType())},
			jen.Params(typ(*wf.Run.Result), jen.Error()),
			jen.Return(clientQual("Result").Types(typ(*wf.Run.Result)).Call(jen.Id(rctx), jen.Id(rv).Dot("h"))))
	}
	simple("Cancel requests cancellation of the workflow.", "Cancel", []jen.Code{jen.Id(rctx).Add(ctxType())}, jen.Error(),
		jen.Return(jen.Id(rv).Dot("h").Dot("Cancel").Call(jen.Id(rctx))))
	simple("Terminate terminates the workflow.", "Terminate",
		[]jen.Code{jen.Id(rctx).Add(ctxType()), jen.Id(reason).String(), jen.Id(details).Op("...").Any()}, jen.Error(),
		jen.Return(jen.Id(rv).Dot("h").Dot("Terminate").Call(jen.Id(rctx), jen.Id(reason), jen.Id(details).Op("..."))))
	simple("Describe returns the state of the workflow.", "Describe", []jen.Code{jen.Id(rctx).Add(ctxType())},
		jen.Params(jen.Op("*").Add(clientQual("WorkflowDescription")), jen.Error()),
		jen.Return(jen.Id(rv).Dot("h").Dot("Describe").Call(jen.Id(rctx))))

	for _, h := range handlers(wf) {
		if h.Dynamic {
			continue
		}
		s := e.scope()
		recv, ctx := s.name("h"), s.name("ctx")
		ps := params(s, h.Params)
		name := jen.Id(handlerNameConst(wf, h))
		raw := jen.Id(recv).Dot("h")
		args := append([]jen.Code{jen.Id(ctx)}, append([]jen.Code{raw, name}, ids(ps)...)...)
		decl := append([]jen.Code{jen.Id(ctx).Add(ctxType())}, decls(ps)...)
		e.f.Line()
		switch h.Kind {
		case model.SignalHandler:
			e.f.Add(comment(fmt.Sprintf("%s sends signal %s to the workflow.%s", h.GoName, h.Name, descDoc(h))))
			e.f.Add(method(recv, handle)).Id(h.GoName).Params(decl...).Error().Block(
				jen.Return(jen.Id(recv).Dot("h").Dot("Signal").Call(append([]jen.Code{jen.Id(ctx), name}, ids(ps)...)...)))
		case model.QueryHandler:
			e.f.Add(comment(fmt.Sprintf("%s queries %s.%s", h.GoName, h.Name, descDoc(h))))
			e.f.Add(method(recv, handle)).Id(h.GoName).Params(decl...).Params(resultType(h.Result), jen.Error()).Block(
				jen.Return(clientQual("Query").Types(resultType(h.Result)).Call(args...)))
		case model.UpdateHandler:
			e.f.Add(comment(fmt.Sprintf("%s runs update %s and waits for its outcome.%s", h.GoName, h.Name, descDoc(h))))
			if h.Result == nil {
				err := s.name("err")
				e.f.Add(method(recv, handle)).Id(h.GoName).Params(decl...).Error().Block(
					jen.List(jen.Id("_"), jen.Id(err)).Op(":=").Id(recv).Dot("h").Dot("ExecuteUpdate").Call(append([]jen.Code{jen.Id(ctx), name}, ids(ps)...)...),
					jen.Return(jen.Id(err)))
			} else {
				e.f.Add(method(recv, handle)).Id(h.GoName).Params(decl...).Params(typ(*h.Result), jen.Error()).Block(
					jen.Return(clientQual("ExecuteUpdate").Types(typ(*h.Result)).Call(args...)))
			}
			stage, uh, err := s.name("stage"), s.name("uh"), s.name("err")
			uht := updateHandleType(wf, h)
			e.f.Line()
			e.f.Add(comment(fmt.Sprintf("Start%s sends update %s and waits until it reaches stage (client.UpdateStageAccepted, or client.UpdateStageCompleted, the default); the handle's Get waits for its outcome.", h.GoName, h.Name)))
			e.f.Add(method(recv, handle)).Id("Start"+h.GoName).Params(append(decl, jen.Id(stage).Add(clientQual("UpdateStage")))...).
				Params(jen.Op("*").Id(uht), jen.Error()).Block(
				jen.List(jen.Id(uh), jen.Id(err)).Op(":=").Id(recv).Dot("h").Dot("StartUpdate").Call(append([]jen.Code{jen.Id(ctx),
					clientQual("UpdateOptions").Values(jen.Dict{jen.Id("WaitForStage"): jen.Id(stage)}), name}, ids(ps)...)...),
				jen.If(jen.Id(err).Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id(err))),
				jen.Return(jen.Op("&").Id(uht).Values(jen.Dict{jen.Id("h"): jen.Id(uh)}), jen.Nil()),
			)
			e.f.Line()
			e.f.Add(comment(fmt.Sprintf("Get%s returns a handle to the %s update updateID of the workflow. It makes no request.", h.GoName, h.Name)))
			e.f.Func().Params(jen.Id(rv).Op("*").Id(handle)).Id("Get" + h.GoName).Params(jen.Id("updateID").String()).Op("*").Id(uht).Block(
				jen.Return(jen.Op("&").Id(uht).Values(jen.Dict{jen.Id("h"): jen.Id(rv).Dot("h").Dot("GetUpdateHandle").Call(jen.Id("updateID"))})))
		}
	}
}

func descDoc(h *model.Handler) string {
	if h.Description == "" {
		return ""
	}
	return " Description: " + quote(h.Description) + "."
}

// updateHandle declares the typed handle of update h.
func (e *emitter) updateHandle(wf *model.Workflow, h *model.Handler) {
	names := e.scope()
	rv, rctx := names.name("u"), names.name("ctx")
	t := updateHandleType(wf, h)
	u := jen.Id(rv).Dot("h")
	simple := func(doc, name string, ps []jen.Code, results jen.Code, body jen.Code) {
		e.f.Line()
		e.f.Add(comment(doc))
		e.f.Func().Params(jen.Id(rv).Op("*").Id(t)).Id(name).Params(ps...).Add(results).Block(body)
	}
	e.f.Line()
	e.f.Add(comment(fmt.Sprintf("%s is a typed handle to one %s update of a %s workflow.", t, h.Name, wf.GoName)))
	e.f.Type().Id(t).Struct(jen.Id("h").Op("*").Add(clientQual("UpdateHandle")))
	simple("ID returns the update ID.", "ID", nil, jen.String(), jen.Return(u.Clone().Dot("ID").Call()))
	simple("Untyped returns the underlying update handle.", "Untyped", nil, jen.Op("*").Add(clientQual("UpdateHandle")), jen.Return(u.Clone()))
	simple("Workflow returns a handle to the workflow run the update went to.", "Workflow", nil, jen.Op("*").Id(handleType(wf)),
		jen.Return(jen.Op("&").Id(handleType(wf)).Values(jen.Dict{jen.Id("h"): u.Clone().Dot("Workflow").Call()})))
	if h.Result == nil {
		simple("Get waits for the outcome of the update.", "Get", []jen.Code{jen.Id(rctx).Add(ctxType())}, jen.Error(),
			jen.Return(u.Clone().Dot("Get").Call(jen.Id(rctx), jen.Nil())))
	} else {
		simple("Get waits for the outcome of the update and returns its result.", "Get", []jen.Code{jen.Id(rctx).Add(ctxType())},
			jen.Params(typ(*h.Result), jen.Error()),
			jen.Return(clientQual("UpdateResult").Types(typ(*h.Result)).Call(jen.Id(rctx), u.Clone())))
	}
}
