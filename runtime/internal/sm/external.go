package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
)

// externalState is the state of a signal or cancel request to another
// workflow.
type externalState int

const (
	externalCreated   externalState = iota // issued, not sent
	externalSent                           // sent, waiting for its Initiated event
	externalInitiated                      // initiated, waiting for the outcome
	externalDelivered                      // delivered: resolved with nil
	externalFailed                         // failed: resolved with the server's cause
	externalCanceled                       // dropped before it was sent: resolved as cancelled
)

func (s externalState) String() string {
	return name(int(s), "created", "sent", "initiated", "delivered", "failed", "canceled")
}

var (
	evExternalSignaled        = on(enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED)
	evExternalSignalFailed    = on(enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED)
	evExternalCancelRequested = on(enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
	evExternalCancelFailed    = on(enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED)
)

// externalTable declares the lifecycle of a request to another workflow
// recorded by the event initiated, delivered by delivered or failed by
// failed. Both kinds of request also take the outcome events of the other
// kind (otherDelivered, otherFailed), as they always have; a server does
// not write those.
func externalTable(machine string, initiated, delivered, failed, otherDelivered, otherFailed trigger) *table[externalState] {
	return newTable(machine, "an external workflow event",
		one(externalCreated, callSent, externalSent),
		one(externalCreated, callCancel, externalCanceled),
		one(externalSent, initiated, externalInitiated),
		moves([]externalState{externalInitiated}, []trigger{delivered, otherDelivered}, externalDelivered),
		moves([]externalState{externalInitiated}, []trigger{failed, otherFailed}, externalFailed),
		stays([]externalState{externalSent, externalInitiated, externalDelivered, externalFailed, externalCanceled}, []trigger{callCancel}),
	)
}

// external is the machine of a signal or cancel request to another
// workflow: it resolves with nil once delivered, or with a failure.
type external struct {
	ms          *Machines
	tab         *table[externalState]
	entry       *entry
	state       externalState
	initiatedID int64
	onDone      func(*failurepb.Failure)
}

func (ms *Machines) pushExternal(tab *table[externalState], cmd *commandpb.Command, onDone func(*failurepb.Failure)) *external {
	x := &external{ms: ms, tab: tab, onDone: onDone}
	x.entry = ms.push(cmd, x)
	return x
}

func (x *external) sent() { x.tab.fire(x.ms, &x.state, callSent) }

func (x *external) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	x.initiatedID = e.EventId
	return x.tab.take(x.ms, &x.state, e)
}

func (x *external) event(e *historypb.HistoryEvent) error {
	if err := x.tab.take(x.ms, &x.state, e); err != nil {
		return err
	}
	switch e.EventType {
	case enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
		enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
		x.onDone(nil)
	case enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
		x.onDone(externalFailure(e.GetSignalExternalWorkflowExecutionFailedEventAttributes().GetCause().String()))
	case enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
		x.onDone(externalFailure(e.GetRequestCancelExternalWorkflowExecutionFailedEventAttributes().GetCause().String()))
	}
	delete(x.ms.byEvent, x.initiatedID)
	return nil
}

// ExternalFailureType is the application failure type of failed external
// signals and cancellations; the message holds the server's cause.
const ExternalFailureType = "ExternalWorkflowExecutionFailed"

func externalFailure(cause string) *failurepb.Failure {
	return &failurepb.Failure{
		Message: cause,
		FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{
			Type: ExternalFailureType, NonRetryable: true,
		}},
	}
}

// External is a pending signal or cancel request to another workflow.
type External struct{ x *external }

// Cancel drops the request if it has not been sent, resolving it with a
// cancelled failure; after that it is a no-op.
func (e External) Cancel() {
	was := e.x.state
	e.x.tab.fire(e.x.ms, &e.x.state, callCancel)
	if was == externalCreated {
		e.x.ms.drop(e.x.entry)
		e.x.onDone(canceledFailure(nil))
	}
}
