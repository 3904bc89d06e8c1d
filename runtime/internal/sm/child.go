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

// Child is the state machine of one child workflow.
type Child struct {
	ms          *Machines
	attrs       *commandpb.StartChildWorkflowExecutionCommandAttributes
	cancelType  ChildCancellationType
	entry       *entry
	initiatedID int64
	startedID   int64
	runID       string
	started     bool
	startDone   bool
	resolved    bool
	cancelSent  bool
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

func (c *Child) start(s ChildStart) {
	if !c.startDone {
		c.startDone = true
		c.onStart(s)
	}
}

func (c *Child) resolve(o Outcome) {
	if !c.resolved {
		c.resolved = true
		c.onResolve(o)
	}
}

// Cancel cancels the child according to its cancellation type.
func (c *Child) Cancel() {
	if c.resolved || c.cancelSent {
		return
	}
	if !c.entry.sent {
		c.ms.drop(c.entry)
		c.start(ChildStart{Canceled: true})
		c.resolve(Outcome{Failure: c.wrap(canceledFailure(nil), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE)})
		return
	}
	if c.cancelType != ChildAbandon {
		c.cancelSent = true
		c.ms.cancelExternal(&commandpb.RequestCancelExternalWorkflowExecutionCommandAttributes{
			Namespace:         c.attrs.Namespace,
			WorkflowId:        c.attrs.WorkflowId,
			RunId:             c.runID,
			ChildWorkflowOnly: true,
		}, func(err *failurepb.Failure) {
			if c.cancelType == ChildWaitCancellationRequested && err == nil {
				c.resolve(Outcome{Failure: c.wrap(canceledFailure(nil), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE)})
			}
		})
	}
	if c.cancelType == ChildAbandon || c.cancelType == ChildTryCancel {
		c.resolve(Outcome{Failure: c.wrap(canceledFailure(nil), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE)})
	}
}

func (c *Child) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	c.initiatedID = e.EventId
	return nil
}

func (c *Child) event(e *historypb.HistoryEvent) error {
	switch e.EventType {
	case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
		a := e.GetStartChildWorkflowExecutionFailedEventAttributes()
		c.start(ChildStart{FailedCause: a.GetCause()})
		c.resolve(Outcome{Failure: c.wrap(&failurepb.Failure{Message: "start failed: " + a.GetCause().String()}, enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE)})
		delete(c.ms.byEvent, c.initiatedID)
		return nil
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
		a := e.GetChildWorkflowExecutionStartedEventAttributes()
		c.started, c.startedID, c.runID = true, e.EventId, a.GetWorkflowExecution().GetRunId()
		c.start(ChildStart{RunID: c.runID})
		return nil
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
		c.resolve(Outcome{Result: e.GetChildWorkflowExecutionCompletedEventAttributes().GetResult()})
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
		a := e.GetChildWorkflowExecutionFailedEventAttributes()
		c.resolve(Outcome{Failure: c.wrap(a.GetFailure(), a.GetRetryState())})
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
		c.resolve(Outcome{Failure: c.wrap(canceledFailure(e.GetChildWorkflowExecutionCanceledEventAttributes().GetDetails()), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE)})
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
		c.resolve(Outcome{Failure: c.wrap(&failurepb.Failure{Message: "timeout", FailureInfo: &failurepb.Failure_TimeoutFailureInfo{
			TimeoutFailureInfo: &failurepb.TimeoutFailureInfo{TimeoutType: enumspb.TIMEOUT_TYPE_START_TO_CLOSE}}},
			e.GetChildWorkflowExecutionTimedOutEventAttributes().GetRetryState())})
	case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
		c.resolve(Outcome{Failure: c.wrap(&failurepb.Failure{Message: "terminated", FailureInfo: &failurepb.Failure_TerminatedFailureInfo{
			TerminatedFailureInfo: &failurepb.TerminatedFailureInfo{}}}, enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE)})
	default:
		return unexpected(e, "a child workflow event")
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
