package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
)

// The commands that close the workflow are record-only: each is sent,
// then recorded by its own event, and nothing follows.
var (
	completeTable       = recordTable("complete workflow", noFurtherEvents, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
	failTable           = recordTable("fail workflow", noFurtherEvents, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED)
	cancelWorkflowTable = recordTable("cancel workflow", noFurtherEvents, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED)
	continueAsNewTable  = recordTable("continue-as-new", noFurtherEvents, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW)
)

// noFurtherEvents is the Actual of the error for an event that names a
// record-only command as its initiator.
const noFurtherEvents = "no further events"

// CompleteWorkflow issues a CompleteWorkflowExecution command.
func (ms *Machines) CompleteWorkflow(result *commonpb.Payloads) {
	ms.pushRecord(completeTable, &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_CompleteWorkflowExecutionCommandAttributes{
			CompleteWorkflowExecutionCommandAttributes: &commandpb.CompleteWorkflowExecutionCommandAttributes{Result: result},
		},
	}, nil)
}

// FailWorkflow issues a FailWorkflowExecution command.
func (ms *Machines) FailWorkflow(f *failurepb.Failure) {
	ms.pushRecord(failTable, &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_FailWorkflowExecutionCommandAttributes{
			FailWorkflowExecutionCommandAttributes: &commandpb.FailWorkflowExecutionCommandAttributes{Failure: f},
		},
	}, nil)
}

// CancelWorkflow issues a CancelWorkflowExecution command.
func (ms *Machines) CancelWorkflow(details *commonpb.Payloads) {
	ms.pushRecord(cancelWorkflowTable, &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_CancelWorkflowExecutionCommandAttributes{
			CancelWorkflowExecutionCommandAttributes: &commandpb.CancelWorkflowExecutionCommandAttributes{Details: details},
		},
	}, nil)
}

// ContinueAsNew issues a ContinueAsNewWorkflowExecution command.
func (ms *Machines) ContinueAsNew(attrs *commandpb.ContinueAsNewWorkflowExecutionCommandAttributes) {
	ms.pushRecord(continueAsNewTable, &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_ContinueAsNewWorkflowExecutionCommandAttributes{
			ContinueAsNewWorkflowExecutionCommandAttributes: attrs,
		},
	}, nil)
}
