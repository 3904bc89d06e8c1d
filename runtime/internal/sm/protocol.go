package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
)

// protocolTable is the lifecycle of a ProtocolMessage command: the
// acceptance or response of an update, recorded by the update's event.
var protocolTable = recordTable("protocol message", noFurtherEvents,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)

// ProtocolMessage issues a ProtocolMessage command for an outgoing update
// message (acceptance or response) of the update updateID.
func (ms *Machines) ProtocolMessage(messageID, updateID string) {
	ms.pushRecord(protocolTable, &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_PROTOCOL_MESSAGE,
		Attributes: &commandpb.Command_ProtocolMessageCommandAttributes{
			ProtocolMessageCommandAttributes: &commandpb.ProtocolMessageCommandAttributes{MessageId: messageID},
		},
	}, nil)
}
