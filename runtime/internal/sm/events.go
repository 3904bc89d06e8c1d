package sm

import (
	"fmt"

	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

// IsCommandEvent reports whether events of type t mirror a command the
// workflow issued.
func IsCommandEvent(t enumspb.EventType) bool {
	switch t {
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
		enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
		enumspb.EVENT_TYPE_TIMER_STARTED,
		enumspb.EVENT_TYPE_TIMER_CANCELED,
		enumspb.EVENT_TYPE_MARKER_RECORDED,
		enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
		enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
		enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
		enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
		enumspb.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
		enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
		enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
		return true
	}
	return false
}

// InitiatingEventID returns the id of the command event that an event
// resolves, or 0 if the event does not resolve a command.
func InitiatingEventID(e *historypb.HistoryEvent) int64 {
	switch a := e.Attributes.(type) {
	case *historypb.HistoryEvent_ActivityTaskStartedEventAttributes:
		return a.ActivityTaskStartedEventAttributes.ScheduledEventId
	case *historypb.HistoryEvent_ActivityTaskCompletedEventAttributes:
		return a.ActivityTaskCompletedEventAttributes.ScheduledEventId
	case *historypb.HistoryEvent_ActivityTaskFailedEventAttributes:
		return a.ActivityTaskFailedEventAttributes.ScheduledEventId
	case *historypb.HistoryEvent_ActivityTaskTimedOutEventAttributes:
		return a.ActivityTaskTimedOutEventAttributes.ScheduledEventId
	case *historypb.HistoryEvent_ActivityTaskCanceledEventAttributes:
		return a.ActivityTaskCanceledEventAttributes.ScheduledEventId
	case *historypb.HistoryEvent_TimerFiredEventAttributes:
		return a.TimerFiredEventAttributes.StartedEventId
	case *historypb.HistoryEvent_StartChildWorkflowExecutionFailedEventAttributes:
		return a.StartChildWorkflowExecutionFailedEventAttributes.InitiatedEventId
	case *historypb.HistoryEvent_ChildWorkflowExecutionStartedEventAttributes:
		return a.ChildWorkflowExecutionStartedEventAttributes.InitiatedEventId
	case *historypb.HistoryEvent_ChildWorkflowExecutionCompletedEventAttributes:
		return a.ChildWorkflowExecutionCompletedEventAttributes.InitiatedEventId
	case *historypb.HistoryEvent_ChildWorkflowExecutionFailedEventAttributes:
		return a.ChildWorkflowExecutionFailedEventAttributes.InitiatedEventId
	case *historypb.HistoryEvent_ChildWorkflowExecutionCanceledEventAttributes:
		return a.ChildWorkflowExecutionCanceledEventAttributes.InitiatedEventId
	case *historypb.HistoryEvent_ChildWorkflowExecutionTimedOutEventAttributes:
		return a.ChildWorkflowExecutionTimedOutEventAttributes.InitiatedEventId
	case *historypb.HistoryEvent_ChildWorkflowExecutionTerminatedEventAttributes:
		return a.ChildWorkflowExecutionTerminatedEventAttributes.InitiatedEventId
	case *historypb.HistoryEvent_ExternalWorkflowExecutionSignaledEventAttributes:
		return a.ExternalWorkflowExecutionSignaledEventAttributes.InitiatedEventId
	case *historypb.HistoryEvent_SignalExternalWorkflowExecutionFailedEventAttributes:
		return a.SignalExternalWorkflowExecutionFailedEventAttributes.InitiatedEventId
	case *historypb.HistoryEvent_ExternalWorkflowExecutionCancelRequestedEventAttributes:
		return a.ExternalWorkflowExecutionCancelRequestedEventAttributes.InitiatedEventId
	case *historypb.HistoryEvent_RequestCancelExternalWorkflowExecutionFailedEventAttributes:
		return a.RequestCancelExternalWorkflowExecutionFailedEventAttributes.InitiatedEventId
	case *historypb.HistoryEvent_NexusOperationStartedEventAttributes:
		return a.NexusOperationStartedEventAttributes.ScheduledEventId
	case *historypb.HistoryEvent_NexusOperationCompletedEventAttributes:
		return a.NexusOperationCompletedEventAttributes.ScheduledEventId
	case *historypb.HistoryEvent_NexusOperationFailedEventAttributes:
		return a.NexusOperationFailedEventAttributes.ScheduledEventId
	case *historypb.HistoryEvent_NexusOperationCanceledEventAttributes:
		return a.NexusOperationCanceledEventAttributes.ScheduledEventId
	case *historypb.HistoryEvent_NexusOperationTimedOutEventAttributes:
		return a.NexusOperationTimedOutEventAttributes.ScheduledEventId
	case *historypb.HistoryEvent_NexusOperationCancelRequestCompletedEventAttributes:
		return a.NexusOperationCancelRequestCompletedEventAttributes.ScheduledEventId
	case *historypb.HistoryEvent_NexusOperationCancelRequestFailedEventAttributes:
		return a.NexusOperationCancelRequestFailedEventAttributes.ScheduledEventId
	}
	return 0
}

func isTerminal(t enumspb.CommandType) bool {
	switch t {
	case enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
		enumspb.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
		enumspb.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
		enumspb.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
		return true
	}
	return false
}

// eventForCommand maps each command type to the type of the event that
// mirrors it.
func eventForCommand(t enumspb.CommandType) enumspb.EventType {
	switch t {
	case enumspb.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK:
		return enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
	case enumspb.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
		return enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED
	case enumspb.COMMAND_TYPE_START_TIMER:
		return enumspb.EVENT_TYPE_TIMER_STARTED
	case enumspb.COMMAND_TYPE_CANCEL_TIMER:
		return enumspb.EVENT_TYPE_TIMER_CANCELED
	case enumspb.COMMAND_TYPE_RECORD_MARKER:
		return enumspb.EVENT_TYPE_MARKER_RECORDED
	case enumspb.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION:
		return enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED
	case enumspb.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
		return enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED
	case enumspb.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
		return enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED
	case enumspb.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
		return enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
	case enumspb.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES:
		return enumspb.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED
	case enumspb.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION:
		return enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED
	case enumspb.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION:
		return enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED
	case enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
		return enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
	case enumspb.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
		return enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED
	case enumspb.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
		return enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED
	case enumspb.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
		return enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
	}
	return enumspb.EVENT_TYPE_UNSPECIFIED
}

// commandMatches reports whether history event e records command c: same
// kind, and the same identity (ids and type names) where there is one.
func commandMatches(c *commandpb.Command, e *historypb.HistoryEvent) bool {
	if c.CommandType == enumspb.COMMAND_TYPE_PROTOCOL_MESSAGE {
		id := c.GetProtocolMessageCommandAttributes().GetMessageId()
		switch e.EventType {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			return id == e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetProtocolInstanceId()+"/accept"
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
			return id == e.GetWorkflowExecutionUpdateCompletedEventAttributes().GetMeta().GetUpdateId()+"/complete"
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED:
			return true
		}
		return false
	}
	if eventForCommand(c.CommandType) != e.EventType {
		return false
	}
	switch a := c.Attributes.(type) {
	case *commandpb.Command_ScheduleActivityTaskCommandAttributes:
		ev := e.GetActivityTaskScheduledEventAttributes()
		return ev.GetActivityId() == a.ScheduleActivityTaskCommandAttributes.ActivityId &&
			ev.GetActivityType().GetName() == a.ScheduleActivityTaskCommandAttributes.ActivityType.GetName()
	case *commandpb.Command_RequestCancelActivityTaskCommandAttributes:
		return e.GetActivityTaskCancelRequestedEventAttributes().GetScheduledEventId() ==
			a.RequestCancelActivityTaskCommandAttributes.ScheduledEventId
	case *commandpb.Command_StartTimerCommandAttributes:
		return e.GetTimerStartedEventAttributes().GetTimerId() == a.StartTimerCommandAttributes.TimerId
	case *commandpb.Command_CancelTimerCommandAttributes:
		return e.GetTimerCanceledEventAttributes().GetTimerId() == a.CancelTimerCommandAttributes.TimerId
	case *commandpb.Command_RecordMarkerCommandAttributes:
		ev := e.GetMarkerRecordedEventAttributes()
		return ev.GetMarkerName() == a.RecordMarkerCommandAttributes.MarkerName &&
			patchIDsMatch(a.RecordMarkerCommandAttributes, e) &&
			localMarkersMatch(a.RecordMarkerCommandAttributes, &commandpb.RecordMarkerCommandAttributes{MarkerName: ev.GetMarkerName(), Details: ev.GetDetails()})
	case *commandpb.Command_StartChildWorkflowExecutionCommandAttributes:
		ev := e.GetStartChildWorkflowExecutionInitiatedEventAttributes()
		return ev.GetWorkflowId() == a.StartChildWorkflowExecutionCommandAttributes.WorkflowId &&
			ev.GetWorkflowType().GetName() == a.StartChildWorkflowExecutionCommandAttributes.WorkflowType.GetName()
	case *commandpb.Command_SignalExternalWorkflowExecutionCommandAttributes:
		ev := e.GetSignalExternalWorkflowExecutionInitiatedEventAttributes()
		return ev.GetSignalName() == a.SignalExternalWorkflowExecutionCommandAttributes.SignalName &&
			ev.GetWorkflowExecution().GetWorkflowId() == a.SignalExternalWorkflowExecutionCommandAttributes.Execution.GetWorkflowId()
	case *commandpb.Command_RequestCancelExternalWorkflowExecutionCommandAttributes:
		return e.GetRequestCancelExternalWorkflowExecutionInitiatedEventAttributes().GetWorkflowExecution().GetWorkflowId() ==
			a.RequestCancelExternalWorkflowExecutionCommandAttributes.WorkflowId
	case *commandpb.Command_ScheduleNexusOperationCommandAttributes:
		ev := e.GetNexusOperationScheduledEventAttributes()
		return ev.GetService() == a.ScheduleNexusOperationCommandAttributes.Service &&
			ev.GetOperation() == a.ScheduleNexusOperationCommandAttributes.Operation
	}
	return true
}

// describeEvent renders an event for nondeterminism messages.
func describeEvent(e *historypb.HistoryEvent) string {
	name := eventName(e.EventType)
	switch {
	case e.GetActivityTaskScheduledEventAttributes() != nil:
		a := e.GetActivityTaskScheduledEventAttributes()
		return fmt.Sprintf("%s(activityId=%s, type=%s)", name, a.ActivityId, a.ActivityType.GetName())
	case e.GetTimerStartedEventAttributes() != nil:
		return fmt.Sprintf("%s(timerId=%s)", name, e.GetTimerStartedEventAttributes().TimerId)
	case e.GetTimerCanceledEventAttributes() != nil:
		return fmt.Sprintf("%s(timerId=%s)", name, e.GetTimerCanceledEventAttributes().TimerId)
	case e.GetMarkerRecordedEventAttributes() != nil:
		a := e.GetMarkerRecordedEventAttributes()
		return describeMarker(name, a.MarkerName, a.Details)
	case e.GetWorkflowExecutionUpdateAcceptedEventAttributes() != nil:
		return fmt.Sprintf("%s(updateId=%s)", name, e.GetWorkflowExecutionUpdateAcceptedEventAttributes().ProtocolInstanceId)
	case e.GetWorkflowExecutionUpdateCompletedEventAttributes() != nil:
		return fmt.Sprintf("%s(updateId=%s)", name, e.GetWorkflowExecutionUpdateCompletedEventAttributes().GetMeta().GetUpdateId())
	case e.GetStartChildWorkflowExecutionInitiatedEventAttributes() != nil:
		a := e.GetStartChildWorkflowExecutionInitiatedEventAttributes()
		return fmt.Sprintf("%s(workflowId=%s, type=%s)", name, a.WorkflowId, a.WorkflowType.GetName())
	}
	return name
}

// describeCommand renders a command for nondeterminism messages.
func describeCommand(c *commandpb.Command) string {
	name := commandName(c.CommandType)
	switch a := c.Attributes.(type) {
	case *commandpb.Command_ScheduleActivityTaskCommandAttributes:
		return fmt.Sprintf("%s(activityId=%s, type=%s)", name, a.ScheduleActivityTaskCommandAttributes.ActivityId,
			a.ScheduleActivityTaskCommandAttributes.ActivityType.GetName())
	case *commandpb.Command_StartTimerCommandAttributes:
		return fmt.Sprintf("%s(timerId=%s)", name, a.StartTimerCommandAttributes.TimerId)
	case *commandpb.Command_CancelTimerCommandAttributes:
		return fmt.Sprintf("%s(timerId=%s)", name, a.CancelTimerCommandAttributes.TimerId)
	case *commandpb.Command_RecordMarkerCommandAttributes:
		return describeMarker(name, a.RecordMarkerCommandAttributes.MarkerName, a.RecordMarkerCommandAttributes.Details)
	case *commandpb.Command_StartChildWorkflowExecutionCommandAttributes:
		return fmt.Sprintf("%s(workflowId=%s, type=%s)", name, a.StartChildWorkflowExecutionCommandAttributes.WorkflowId,
			a.StartChildWorkflowExecutionCommandAttributes.WorkflowType.GetName())
	case *commandpb.Command_ProtocolMessageCommandAttributes:
		return fmt.Sprintf("%s(messageId=%s)", name, a.ProtocolMessageCommandAttributes.MessageId)
	}
	return name
}

func eventName(t enumspb.EventType) string { return t.String() }

func commandName(t enumspb.CommandType) string { return t.String() }
