package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
)

// final is the machine of a command that needs nothing after its event:
// workflow completion, markers, search attribute upserts, ...
type final struct{ onEvent func(*historypb.HistoryEvent) }

func (f final) commandEvent(_ *commandpb.Command, e *historypb.HistoryEvent) error {
	if f.onEvent != nil {
		f.onEvent(e)
	}
	return nil
}

func (f final) event(e *historypb.HistoryEvent) error {
	return unexpected(e, "no further events")
}

// CompleteWorkflow issues a CompleteWorkflowExecution command.
func (ms *Machines) CompleteWorkflow(result *commonpb.Payloads) {
	ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_CompleteWorkflowExecutionCommandAttributes{
			CompleteWorkflowExecutionCommandAttributes: &commandpb.CompleteWorkflowExecutionCommandAttributes{Result: result},
		},
	}, final{})
}

// FailWorkflow issues a FailWorkflowExecution command.
func (ms *Machines) FailWorkflow(f *failurepb.Failure) {
	ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_FailWorkflowExecutionCommandAttributes{
			FailWorkflowExecutionCommandAttributes: &commandpb.FailWorkflowExecutionCommandAttributes{Failure: f},
		},
	}, final{})
}

// CancelWorkflow issues a CancelWorkflowExecution command.
func (ms *Machines) CancelWorkflow(details *commonpb.Payloads) {
	ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_CancelWorkflowExecutionCommandAttributes{
			CancelWorkflowExecutionCommandAttributes: &commandpb.CancelWorkflowExecutionCommandAttributes{Details: details},
		},
	}, final{})
}

// ContinueAsNew issues a ContinueAsNewWorkflowExecution command.
func (ms *Machines) ContinueAsNew(attrs *commandpb.ContinueAsNewWorkflowExecutionCommandAttributes) {
	ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_ContinueAsNewWorkflowExecutionCommandAttributes{
			ContinueAsNewWorkflowExecutionCommandAttributes: attrs,
		},
	}, final{})
}

// RecordMarker issues a RecordMarker command; onEvent sees the recorded
// event (nil callback is fine).
func (ms *Machines) RecordMarker(attrs *commandpb.RecordMarkerCommandAttributes, onEvent func(*historypb.HistoryEvent)) {
	ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_RECORD_MARKER,
		Attributes:  &commandpb.Command_RecordMarkerCommandAttributes{RecordMarkerCommandAttributes: attrs},
	}, final{onEvent: onEvent})
}

// ProtocolMessage issues a ProtocolMessage command for an outgoing update
// message (acceptance or response) of the update updateID.
func (ms *Machines) ProtocolMessage(messageID, updateID string) {
	ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_PROTOCOL_MESSAGE,
		Attributes: &commandpb.Command_ProtocolMessageCommandAttributes{
			ProtocolMessageCommandAttributes: &commandpb.ProtocolMessageCommandAttributes{MessageId: messageID},
		},
	}, final{})
}

// UpsertSearchAttributes issues an UpsertWorkflowSearchAttributes command.
func (ms *Machines) UpsertSearchAttributes(sa *commonpb.SearchAttributes) {
	ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
		Attributes: &commandpb.Command_UpsertWorkflowSearchAttributesCommandAttributes{
			UpsertWorkflowSearchAttributesCommandAttributes: &commandpb.UpsertWorkflowSearchAttributesCommandAttributes{SearchAttributes: sa},
		},
	}, final{})
}

// ModifyProperties issues a ModifyWorkflowProperties command that upserts
// memo fields.
func (ms *Machines) ModifyProperties(memo *commonpb.Memo) {
	ms.push(&commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES,
		Attributes: &commandpb.Command_ModifyWorkflowPropertiesCommandAttributes{
			ModifyWorkflowPropertiesCommandAttributes: &commandpb.ModifyWorkflowPropertiesCommandAttributes{UpsertedMemo: memo},
		},
	}, final{})
}
