package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
)

// external is the machine of a signal or cancel request to another
// workflow: it resolves with nil once delivered, or with a failure.
type external struct {
	ms          *Machines
	entry       *entry
	initiatedID int64
	resolved    bool
	onDone      func(*failurepb.Failure)
}

func (x *external) resolve(f *failurepb.Failure) {
	if !x.resolved {
		x.resolved = true
		x.onDone(f)
	}
}

func (x *external) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	x.initiatedID = e.EventId
	return nil
}

func (x *external) event(e *historypb.HistoryEvent) error {
	switch e.EventType {
	case enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
		enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
		x.resolve(nil)
	case enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
		x.resolve(externalFailure(e.GetSignalExternalWorkflowExecutionFailedEventAttributes().GetCause().String()))
	case enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
		x.resolve(externalFailure(e.GetRequestCancelExternalWorkflowExecutionFailedEventAttributes().GetCause().String()))
	default:
		return unexpected(e, "an external workflow event")
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
	if e.x.resolved || e.x.entry.sent {
		return
	}
	e.x.ms.drop(e.x.entry)
	e.x.resolve(canceledFailure(nil))
}

// SignalExternal issues a SignalExternalWorkflowExecution command. onDone
// gets nil once the signal is delivered, or a failure.
func (ms *Machines) SignalExternal(attrs *commandpb.SignalExternalWorkflowExecutionCommandAttributes, onDone func(*failurepb.Failure)) External {
	ms.NextSeq("external_signal")
	x := &external{ms: ms, onDone: onDone}
	x.entry = ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,
		Attributes:  &commandpb.Command_SignalExternalWorkflowExecutionCommandAttributes{SignalExternalWorkflowExecutionCommandAttributes: attrs},
	}, x)
	return External{x}
}

// CancelExternal issues a RequestCancelExternalWorkflowExecution command.
func (ms *Machines) CancelExternal(attrs *commandpb.RequestCancelExternalWorkflowExecutionCommandAttributes, onDone func(*failurepb.Failure)) External {
	return External{ms.cancelExternal(attrs, onDone)}
}

func (ms *Machines) cancelExternal(attrs *commandpb.RequestCancelExternalWorkflowExecutionCommandAttributes, onDone func(*failurepb.Failure)) *external {
	ms.NextSeq("external_cancel")
	x := &external{ms: ms, onDone: onDone}
	x.entry = ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,
		Attributes:  &commandpb.Command_RequestCancelExternalWorkflowExecutionCommandAttributes{RequestCancelExternalWorkflowExecutionCommandAttributes: attrs},
	}, x)
	return x
}
