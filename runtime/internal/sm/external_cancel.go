package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
)

// cancelExternalTable is the lifecycle of a cancel request to another
// workflow (or to a child, for Child.Cancel):
// RequestCancelExternalWorkflowExecutionInitiated, then
// ExternalWorkflowExecutionCancelRequested or
// RequestCancelExternalWorkflowExecutionFailed.
var cancelExternalTable = externalTable("external cancel",
	on(enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED),
	evExternalCancelRequested, evExternalCancelFailed, evExternalSignaled, evExternalSignalFailed)

// CancelExternal issues a RequestCancelExternalWorkflowExecution command.
func (ms *Machines) CancelExternal(attrs *commandpb.RequestCancelExternalWorkflowExecutionCommandAttributes, onDone func(*failurepb.Failure)) External {
	return External{ms.cancelExternal(attrs, onDone)}
}

func (ms *Machines) cancelExternal(attrs *commandpb.RequestCancelExternalWorkflowExecutionCommandAttributes, onDone func(*failurepb.Failure)) *external {
	ms.NextSeq("external_cancel")
	return ms.pushExternal(cancelExternalTable, &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,
		Attributes:  &commandpb.Command_RequestCancelExternalWorkflowExecutionCommandAttributes{RequestCancelExternalWorkflowExecutionCommandAttributes: attrs},
	}, onDone)
}
