package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/temporalgen/temporalgen/gen/model"
)

// schedule declares the typed schedule helpers of wf: XScheduleAction,
// the action of a schedule that starts X with a typed input (for
// client.ScheduleOptions.Action and for the schedule an Update callback
// returns), and ScheduleX, which creates such a schedule in one call, as
// StartX starts one workflow.
func (e *emitter) schedule(wf *model.Workflow) {
	actionFn := scheduleActionFunc(wf)
	{
		s := e.scope()
		opts := s.name("opts")
		ps := []jen.Code{jen.Id(opts).Add(clientQual("ScheduleWorkflowAction"))}
		wt := workflowType(wf, s, &ps)
		in := startParams(s, wf)
		e.f.Line()
		what := "with the given input: opts with the workflow type and the input as its WorkflowType and Args"
		if len(in) == 0 {
			what = "(which take no input): opts with the workflow type as its WorkflowType and no Args"
		}
		e.f.Add(comment(fmt.Sprintf("%s returns the action of a schedule that starts %s workflows %s.%s%s Use it as client.ScheduleOptions.Action, or in the schedule a client.ScheduleHandle.Update callback returns.",
			actionFn, wf.GoName, what, taskQueueDoc(wf), dynamicDoc(wf))))
		e.f.Func().Id(actionFn).Params(append(ps, decls(in)...)...).Op("*").Add(clientQual("ScheduleWorkflowAction")).Block(
			defaultTaskQueue(wf, opts),
			jen.Id(opts).Dot("WorkflowType").Op("=").Add(wt),
			jen.Id(opts).Dot("Args").Op("=").Add(anySlice(in)),
			jen.Return(jen.Op("&").Id(opts)),
		)
	}
	{
		s := e.scope()
		ctx, c, opts := s.name("ctx"), s.name("c"), s.name("opts")
		ps := []jen.Code{jen.Id(ctx).Add(ctxType()), jen.Id(c).Op("*").Add(clientQual("Client")), jen.Id(opts).Add(clientQual("ScheduleOptions"))}
		action := s.name("action")
		args := []jen.Code{jen.Id(action)}
		if wf.Dynamic {
			wt := s.name("workflowType")
			ps = append(ps, jen.Id(wt).String())
			args = append(args, jen.Id(wt))
		}
		in := startParams(s, wf)
		fn := scheduleFunc(wf)
		e.f.Line()
		with := " with the given input"
		if len(in) == 0 {
			with = ""
		}
		e.f.Add(comment(fmt.Sprintf("%s creates the schedule opts.ID that starts %s workflows%s, as %s describes them. opts.Action, when set, gives the action's other options (workflow ID, task queue, timeouts, retry policy, memo, search attributes).%s",
			fn, wf.GoName, with, actionFn, dynamicDoc(wf))))
		e.f.Func().Id(fn).Params(append(ps, decls(in)...)...).Params(jen.Op("*").Add(clientQual("ScheduleHandle")), jen.Error()).Block(
			jen.Var().Id(action).Add(clientQual("ScheduleWorkflowAction")),
			jen.If(jen.Id(opts).Dot("Action").Op("!=").Nil()).Block(
				jen.Id(action).Op("=").Op("*").Id(opts).Dot("Action"),
			),
			jen.Id(opts).Dot("Action").Op("=").Id(actionFn).Call(append(args, ids(in)...)...),
			jen.Return(jen.Id(c).Dot("CreateSchedule").Call(jen.Id(ctx), jen.Id(opts))),
		)
	}
}
