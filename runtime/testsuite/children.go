package testsuite

import (
	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/types/known/durationpb"
)

// startChild records a child's initiation and, at the same virtual time,
// starts it in the environment.
func (x *execution) startChild(a *commandpb.StartChildWorkflowExecutionCommandAttributes, completed int64) {
	ev := x.add(enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, &historypb.StartChildWorkflowExecutionInitiatedEventAttributes{
		Namespace: x.env.opts.Namespace, WorkflowId: a.WorkflowId, WorkflowType: a.WorkflowType, TaskQueue: a.TaskQueue, Input: a.Input,
		WorkflowExecutionTimeout: a.WorkflowExecutionTimeout, WorkflowRunTimeout: a.WorkflowRunTimeout, WorkflowTaskTimeout: a.WorkflowTaskTimeout,
		ParentClosePolicy: a.ParentClosePolicy, Control: a.Control, WorkflowTaskCompletedEventId: completed,
		WorkflowIdReusePolicy: a.WorkflowIdReusePolicy, RetryPolicy: a.RetryPolicy, CronSchedule: a.CronSchedule,
		Header: a.Header, Memo: a.Memo, SearchAttributes: a.SearchAttributes})
	initiated := ev.EventId
	x.env.clock.after(0, func() {
		if !x.open() {
			return
		}
		if old, ok := x.env.byID[a.WorkflowId]; ok && old.open() {
			x.add(enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED, &historypb.StartChildWorkflowExecutionFailedEventAttributes{
				Namespace: x.env.opts.Namespace, WorkflowId: a.WorkflowId, WorkflowType: a.WorkflowType,
				Cause: enumspb.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS, InitiatedEventId: initiated})
			return
		}
		child := x.env.startExecution(a.WorkflowId, a.WorkflowType.GetName(), &historypb.WorkflowExecutionStartedEventAttributes{
			TaskQueue: a.TaskQueue, Input: a.Input, WorkflowExecutionTimeout: a.WorkflowExecutionTimeout,
			WorkflowRunTimeout: a.WorkflowRunTimeout, WorkflowTaskTimeout: orDefault(a.WorkflowTaskTimeout),
			RetryPolicy: a.RetryPolicy, CronSchedule: a.CronSchedule, Header: a.Header, Memo: a.Memo, SearchAttributes: a.SearchAttributes,
		}, x, initiated)
		x.children[initiated] = child
		x.add(enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED, &historypb.ChildWorkflowExecutionStartedEventAttributes{
			Namespace: x.env.opts.Namespace, InitiatedEventId: initiated, WorkflowExecution: child.execProto(),
			WorkflowType: a.WorkflowType, Header: a.Header})
	})
}

func orDefault(d *durationpb.Duration) *durationpb.Duration {
	if d.AsDuration() <= 0 {
		return nil
	}
	return d
}

// childStarted returns the id of the parent's ChildWorkflowExecutionStarted
// event for the child initiated by initiated.
func (x *execution) childStarted(initiated int64) int64 {
	for _, ev := range x.events {
		if a := ev.GetChildWorkflowExecutionStartedEventAttributes(); a != nil && a.InitiatedEventId == initiated {
			return ev.EventId
		}
	}
	return 0
}

// childClosed records how a child ended in its parent's history. A child
// that continued as new is still running: its last run reports.
func (x *execution) childClosed(c *execution) {
	initiated := c.initiated
	started := x.childStarted(initiated)
	we, wt := &commonpb.WorkflowExecution{WorkflowId: c.id, RunId: c.runID}, &commonpb.WorkflowType{Name: c.wfType}
	ns := x.env.opts.Namespace
	switch a := c.closeEvent; a.EventType {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
		x.add(enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, &historypb.ChildWorkflowExecutionCompletedEventAttributes{
			Namespace: ns, WorkflowExecution: we, WorkflowType: wt, InitiatedEventId: initiated, StartedEventId: started,
			Result: a.GetWorkflowExecutionCompletedEventAttributes().GetResult()})
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
		at := a.GetWorkflowExecutionFailedEventAttributes()
		x.add(enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED, &historypb.ChildWorkflowExecutionFailedEventAttributes{
			Namespace: ns, WorkflowExecution: we, WorkflowType: wt, InitiatedEventId: initiated, StartedEventId: started,
			Failure: at.GetFailure(), RetryState: at.GetRetryState()})
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
		x.add(enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, &historypb.ChildWorkflowExecutionCanceledEventAttributes{
			Namespace: ns, WorkflowExecution: we, WorkflowType: wt, InitiatedEventId: initiated, StartedEventId: started,
			Details: a.GetWorkflowExecutionCanceledEventAttributes().GetDetails()})
	}
}

// continueAsNew closes the run and, unless it is the run under test,
// starts the next one under the same workflow id.
func (x *execution) continueAsNew(a *commandpb.ContinueAsNewWorkflowExecutionCommandAttributes, completed int64) {
	nextRunID := x.env.peekRunID()
	x.closeEvent = x.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, &historypb.WorkflowExecutionContinuedAsNewEventAttributes{
		NewExecutionRunId: nextRunID, WorkflowType: a.WorkflowType, TaskQueue: a.TaskQueue, Input: a.Input,
		WorkflowRunTimeout: a.WorkflowRunTimeout, WorkflowTaskTimeout: a.WorkflowTaskTimeout, WorkflowTaskCompletedEventId: completed,
		Header: a.Header, Memo: a.Memo, SearchAttributes: a.SearchAttributes})
	x.pending = false
	for _, tm := range x.timers {
		x.env.clock.cancel(tm.item)
	}
	x.abandonActivities()
	if x == x.env.root {
		return
	}
	next := x.env.startExecution(x.id, a.WorkflowType.GetName(), &historypb.WorkflowExecutionStartedEventAttributes{
		TaskQueue: a.TaskQueue, Input: a.Input, WorkflowRunTimeout: a.WorkflowRunTimeout, WorkflowTaskTimeout: orDefault(a.WorkflowTaskTimeout),
		ContinuedExecutionRunId: x.runID, Initiator: enumspb.CONTINUE_AS_NEW_INITIATOR_WORKFLOW, Header: a.Header, Memo: a.Memo,
		SearchAttributes: a.SearchAttributes, RetryPolicy: a.RetryPolicy, LastCompletionResult: a.LastCompletionResult,
		FirstExecutionRunId: x.firstRunID(),
	}, x.parent, x.initiated)
	x.next = next
	if x.parent != nil {
		x.parent.children[x.initiated] = next
	}
}

func (x *execution) firstRunID() string {
	return x.events[0].GetWorkflowExecutionStartedEventAttributes().GetFirstExecutionRunId()
}

// signalExternal delivers a signal to another workflow of the environment
// at the same virtual time.
func (x *execution) signalExternal(a *commandpb.SignalExternalWorkflowExecutionCommandAttributes, completed int64) {
	ev := x.add(enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, &historypb.SignalExternalWorkflowExecutionInitiatedEventAttributes{
		Namespace: x.env.opts.Namespace, WorkflowExecution: a.Execution, SignalName: a.SignalName, Input: a.Input, Control: a.Control,
		ChildWorkflowOnly: a.ChildWorkflowOnly, Header: a.Header, WorkflowTaskCompletedEventId: completed})
	x.env.clock.after(0, func() {
		if !x.open() {
			return
		}
		if target := x.env.target(a.Execution); target != nil {
			target.signal(a.SignalName, a.Input, a.Header)
			x.add(enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, &historypb.ExternalWorkflowExecutionSignaledEventAttributes{
				InitiatedEventId: ev.EventId, Namespace: x.env.opts.Namespace, WorkflowExecution: a.Execution, Control: a.Control})
			return
		}
		x.add(enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, &historypb.SignalExternalWorkflowExecutionFailedEventAttributes{
			Cause: enumspb.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND, InitiatedEventId: ev.EventId,
			Namespace: x.env.opts.Namespace, WorkflowExecution: a.Execution, Control: a.Control, WorkflowTaskCompletedEventId: completed})
	})
}

// cancelExternal asks another workflow of the environment to cancel.
func (x *execution) cancelExternal(a *commandpb.RequestCancelExternalWorkflowExecutionCommandAttributes, completed int64) {
	we := &commonpb.WorkflowExecution{WorkflowId: a.WorkflowId, RunId: a.RunId}
	ev := x.add(enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, &historypb.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes{
		Namespace: x.env.opts.Namespace, WorkflowExecution: we, Control: a.Control, ChildWorkflowOnly: a.ChildWorkflowOnly,
		Reason: a.Reason, WorkflowTaskCompletedEventId: completed})
	x.env.clock.after(0, func() {
		if !x.open() {
			return
		}
		if target := x.env.target(we); target != nil {
			target.requestCancel(a.Reason)
			x.add(enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, &historypb.ExternalWorkflowExecutionCancelRequestedEventAttributes{
				InitiatedEventId: ev.EventId, Namespace: x.env.opts.Namespace, WorkflowExecution: we})
			return
		}
		x.add(enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, &historypb.RequestCancelExternalWorkflowExecutionFailedEventAttributes{
			Cause: enumspb.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND, InitiatedEventId: ev.EventId,
			Namespace: x.env.opts.Namespace, WorkflowExecution: we, Control: a.Control, WorkflowTaskCompletedEventId: completed})
	})
}

// target finds the open run a signal or cancellation is for.
func (e *Env) target(we *commonpb.WorkflowExecution) *execution {
	x, ok := e.byID[we.GetWorkflowId()]
	if !ok || !x.open() || (we.GetRunId() != "" && we.GetRunId() != x.runID) {
		return nil
	}
	return x
}
