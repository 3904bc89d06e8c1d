package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
)

// ChildCancellationType says what cancelling a child workflow waits for.
type ChildCancellationType int

const (
	// ChildAbandon resolves as cancelled at once and leaves the child
	// running.
	ChildAbandon ChildCancellationType = iota
	// ChildTryCancel requests the child's cancellation and resolves at once.
	ChildTryCancel
	// ChildWaitCancellationCompleted requests cancellation and resolves
	// when the child closes.
	ChildWaitCancellationCompleted
	// ChildWaitCancellationRequested requests cancellation and resolves
	// when the server has delivered the request to the child.
	ChildWaitCancellationRequested
)

// ChildStart is how a child workflow's start ended: the run id, or the
// cause of a start failure.
type ChildStart struct {
	RunID       string
	FailedCause enumspb.StartChildWorkflowExecutionFailedCause
	Canceled    bool
}

// childState is the state of a Child. The cancel states come in two
// kinds, Pending and Started, because the onStart callback is still owed
// in the first and has been made in the second.
type childState int

const (
	childCreated           childState = iota // StartChildWorkflowExecution issued, not sent
	childSent                                // sent, waiting for StartChildWorkflowExecutionInitiated
	childInitiated                           // initiated, not started
	childStarted                             // ChildWorkflowExecutionStarted recorded
	childCancelWaitPending                   // cancel requested, waiting; not started
	childCancelWaitStarted                   // cancel requested, waiting; started
	childCanceledPending                     // resolved as cancelled; history still open; not started
	childCanceledStarted                     // resolved as cancelled; history still open; started
	childDone                                // resolved, and history closed it (or it was dropped)
)

func (s childState) String() string {
	return name(int(s), "created", "sent", "initiated", "started", "cancel wait (pending)", "cancel wait (started)",
		"canceled (pending)", "canceled (started)", "done")
}

func (s childState) resolved() bool {
	return s == childCanceledPending || s == childCanceledStarted || s == childDone
}

func (s childState) startReported() bool {
	return s == childStarted || s == childCancelWaitStarted || s == childCanceledStarted
}

var (
	evChildInitiated = on(enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
	evChildStarted   = on(enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
	// childEnding are the events that end a child's history:
	// StartChildWorkflowExecutionFailed and the five closing events.
	childEnding = ons(enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
		enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
		enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT,
		enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED)
	allCancels     = []trigger{callAbandon, callCancelTry, callCancelWait, callCancelWaitRequested}
	earlyCancels   = []trigger{callAbandon, callCancelTry}
	waitingCancels = []trigger{callCancelWait, callCancelWaitRequested}
)

// childTable is the lifecycle of a child workflow. Until the command is
// sent a Cancel drops it; after that, Abandon and TryCancel resolve at once
// and the others wait (WaitCancellationRequested until the cancel request
// is delivered). Every state after Initiated takes Started and every
// ending event: a cancelled child still reports its start, and a child
// that closes without a Started event resolves without one.
var childTable = newTable("child workflow", "a child workflow event",
	one(childCreated, callSent, childSent),
	moves([]childState{childCreated}, allCancels, childDone),
	one(childSent, evChildInitiated, childInitiated),
	stays([]childState{childCancelWaitPending, childCanceledPending}, []trigger{evChildInitiated}),
	moves([]childState{childInitiated, childStarted}, []trigger{evChildStarted}, childStarted),
	one(childCancelWaitPending, evChildStarted, childCancelWaitStarted),
	one(childCanceledPending, evChildStarted, childCanceledStarted),
	stays([]childState{childCancelWaitStarted, childCanceledStarted}, []trigger{evChildStarted}),
	moves([]childState{childInitiated, childStarted, childCancelWaitPending, childCancelWaitStarted,
		childCanceledPending, childCanceledStarted}, childEnding, childDone),
	moves([]childState{childSent, childInitiated}, earlyCancels, childCanceledPending),
	moves([]childState{childSent, childInitiated}, waitingCancels, childCancelWaitPending),
	moves([]childState{childStarted}, earlyCancels, childCanceledStarted),
	moves([]childState{childStarted}, waitingCancels, childCancelWaitStarted),
	stays([]childState{childCanceledPending, childCanceledStarted}, []trigger{callAbandon, callCancelTry, callCancelWaitRequested}),
	stays([]childState{childCancelWaitPending, childCancelWaitStarted}, waitingCancels),
	stays([]childState{childDone}, allCancels),
	one(childCancelWaitPending, callCancelDelivered, childCanceledPending),
	one(childCancelWaitStarted, callCancelDelivered, childCanceledStarted),
	one(childDone, callCancelDelivered, childDone),
)

// Child is the state machine of one child workflow.
type Child struct {
	ms          *Machines
	attrs       *commandpb.StartChildWorkflowExecutionCommandAttributes
	cancelType  ChildCancellationType
	entry       *entry
	state       childState
	initiatedID int64
	startedID   int64
	runID       string
	onStart     func(ChildStart)
	onResolve   func(Outcome)
}

// StartChild issues a StartChildWorkflowExecution command. onStart is
// called once the child started (or failed to start, or was cancelled
// before it did); onResolve once with its result or failure (wrapped in a
// ChildWorkflowExecutionFailureInfo).
func (ms *Machines) StartChild(attrs *commandpb.StartChildWorkflowExecutionCommandAttributes, cancelType ChildCancellationType, onStart func(ChildStart), onResolve func(Outcome)) *Child {
	ms.NextSeq("child_workflow")
	c := &Child{ms: ms, attrs: attrs, cancelType: cancelType, onStart: onStart, onResolve: onResolve}
	c.entry = ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION,
		Attributes:  &commandpb.Command_StartChildWorkflowExecutionCommandAttributes{StartChildWorkflowExecutionCommandAttributes: attrs},
	}, c)
	return c
}

// WorkflowID returns the child's workflow id.
func (c *Child) WorkflowID() string { return c.attrs.WorkflowId }

// RunID returns the child's run id once it started.
func (c *Child) RunID() string { return c.runID }

// cancelTrigger maps the cancellation type to the trigger of Cancel; an
// unknown type waits, as ChildWaitCancellationCompleted does.
func (c *Child) cancelTrigger() trigger {
	switch c.cancelType {
	case ChildAbandon:
		return callAbandon
	case ChildTryCancel:
		return callCancelTry
	case ChildWaitCancellationRequested:
		return callCancelWaitRequested
	}
	return callCancelWait
}

func (c *Child) canceled() Outcome {
	return Outcome{Failure: c.wrap(canceledFailure(nil), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE)}
}

// Cancel cancels the child according to its cancellation type.
func (c *Child) Cancel() {
	was := c.state
	childTable.fire(c.ms, &c.state, c.cancelTrigger())
	switch was {
	case childCreated:
		c.ms.drop(c.entry)
		c.onStart(ChildStart{Canceled: true})
		c.onResolve(c.canceled())
		return
	case childSent, childInitiated, childStarted:
	default:
		return
	}
	if c.cancelType != ChildAbandon {
		c.ms.cancelExternal(&commandpb.RequestCancelExternalWorkflowExecutionCommandAttributes{
			Namespace:         c.attrs.Namespace,
			WorkflowId:        c.attrs.WorkflowId,
			RunId:             c.runID,
			ChildWorkflowOnly: true,
		}, func(err *failurepb.Failure) {
			if c.cancelType == ChildWaitCancellationRequested && err == nil {
				was := c.state
				childTable.fire(c.ms, &c.state, callCancelDelivered)
				if !was.resolved() {
					c.onResolve(c.canceled())
				}
			}
		})
	}
	if c.state.resolved() {
		c.onResolve(c.canceled())
	}
}

func (c *Child) sent() { childTable.fire(c.ms, &c.state, callSent) }

func (c *Child) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	c.initiatedID = e.EventId
	return childTable.take(c.ms, &c.state, e)
}

func (c *Child) event(e *historypb.HistoryEvent) error {
	was := c.state
	if err := childTable.take(c.ms, &c.state, e); err != nil {
		return err
	}
	var o Outcome
	switch e.EventType {
	case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
		a := e.GetStartChildWorkflowExecutionFailedEventAttributes()
		if !was.startReported() {
			c.onStart(ChildStart{FailedCause: a.GetCause()})
		}
		o.Failure = c.wrap(&failurepb.Failure{Message: "start failed: " + a.GetCause().String()}, enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE)
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
		a := e.GetChildWorkflowExecutionStartedEventAttributes()
		c.startedID, c.runID = e.EventId, a.GetWorkflowExecution().GetRunId()
		if !was.startReported() {
			c.onStart(ChildStart{RunID: c.runID})
		}
		return nil
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
		o.Result = e.GetChildWorkflowExecutionCompletedEventAttributes().GetResult()
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
		a := e.GetChildWorkflowExecutionFailedEventAttributes()
		o.Failure = c.wrap(a.GetFailure(), a.GetRetryState())
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
		o.Failure = c.wrap(canceledFailure(e.GetChildWorkflowExecutionCanceledEventAttributes().GetDetails()), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE)
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
		o.Failure = c.wrap(&failurepb.Failure{Message: "timeout", FailureInfo: &failurepb.Failure_TimeoutFailureInfo{
			TimeoutFailureInfo: &failurepb.TimeoutFailureInfo{TimeoutType: enumspb.TIMEOUT_TYPE_START_TO_CLOSE}}},
			e.GetChildWorkflowExecutionTimedOutEventAttributes().GetRetryState())
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
		o.Failure = c.wrap(&failurepb.Failure{Message: "terminated", FailureInfo: &failurepb.Failure_TerminatedFailureInfo{
			TerminatedFailureInfo: &failurepb.TerminatedFailureInfo{}}}, enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE)
	}
	if !was.resolved() {
		c.onResolve(o)
	}
	delete(c.ms.byEvent, c.initiatedID)
	return nil
}

func (c *Child) wrap(cause *failurepb.Failure, rs enumspb.RetryState) *failurepb.Failure {
	return &failurepb.Failure{
		Message: "child workflow execution error",
		Cause:   cause,
		FailureInfo: &failurepb.Failure_ChildWorkflowExecutionFailureInfo{ChildWorkflowExecutionFailureInfo: &failurepb.ChildWorkflowExecutionFailureInfo{
			Namespace:         c.attrs.Namespace,
			WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: c.attrs.WorkflowId, RunId: c.runID},
			WorkflowType:      c.attrs.WorkflowType,
			InitiatedEventId:  c.initiatedID,
			StartedEventId:    c.startedID,
			RetryState:        rs,
		}},
	}
}

func canceledFailure(details *commonpb.Payloads) *failurepb.Failure {
	return &failurepb.Failure{Message: "canceled", FailureInfo: &failurepb.Failure_CanceledFailureInfo{
		CanceledFailureInfo: &failurepb.CanceledFailureInfo{Details: details}}}
}
