package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
)

// signalExternalTable is the lifecycle of a signal to another workflow:
// SignalExternalWorkflowExecutionInitiated, then
// ExternalWorkflowExecutionSignaled or SignalExternalWorkflowExecutionFailed.
var signalExternalTable = externalTable("external signal",
	on(enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED),
	evExternalSignaled, evExternalSignalFailed, evExternalCancelRequested, evExternalCancelFailed)

// SignalExternal issues a SignalExternalWorkflowExecution command. onDone
// gets nil once the signal is delivered, or a failure.
func (ms *Machines) SignalExternal(attrs *commandpb.SignalExternalWorkflowExecutionCommandAttributes, onDone func(*failurepb.Failure)) External {
	ms.NextSeq("external_signal")
	return External{ms.pushExternal(signalExternalTable, &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,
		Attributes:  &commandpb.Command_SignalExternalWorkflowExecutionCommandAttributes{SignalExternalWorkflowExecutionCommandAttributes: attrs},
	}, onDone)}
}
