package sm

import (
	updatepb "go.temporal.io/api/update/v1"
	"sort"
	"testing"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

// PROTOCOL.md §2: the events that mirror commands.
var commandEventTypes = map[enumspb.EventType]bool{
	enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:                              true,
	enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED:                       true,
	enumspb.EVENT_TYPE_TIMER_STARTED:                                        true,
	enumspb.EVENT_TYPE_TIMER_CANCELED:                                       true,
	enumspb.EVENT_TYPE_MARKER_RECORDED:                                      true,
	enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:             true,
	enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:         true,
	enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: true,
	enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:                    true,
	enumspb.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:                         true,
	enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED:                            true,
	enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED:                     true,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:                         true,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:                            true,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:                          true,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:                  true,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:                   true,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED:                   true,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:                  true,
}

// TestIsCommandEvent checks every event type the API defines.
func TestIsCommandEvent(t *testing.T) {
	var nums []int
	for n := range enumspb.EventType_name {
		nums = append(nums, int(n))
	}
	sort.Ints(nums)
	trues := 0
	for _, n := range nums {
		et := enumspb.EventType(n)
		want := commandEventTypes[et]
		if got := IsCommandEvent(et); got != want {
			t.Errorf("IsCommandEvent(%s) = %v, want %v", et, got, want)
		}
		if want {
			trues++
		}
	}
	if trues != len(commandEventTypes) {
		t.Errorf("only %d of %d command event types exist in the API enum", trues, len(commandEventTypes))
	}
}

// Every command type maps to a command event (PROTOCOL_MESSAGE is matched
// by a predicate instead).
func TestEventForCommand(t *testing.T) {
	for n := range enumspb.CommandType_name {
		ct := enumspb.CommandType(n)
		got := eventForCommand(ct)
		switch ct {
		case enumspb.COMMAND_TYPE_UNSPECIFIED, enumspb.COMMAND_TYPE_PROTOCOL_MESSAGE:
			if got != enumspb.EVENT_TYPE_UNSPECIFIED {
				t.Errorf("eventForCommand(%s) = %s, want Unspecified", ct, got)
			}
		default:
			if !IsCommandEvent(got) {
				t.Errorf("eventForCommand(%s) = %s, not a command event", ct, got)
			}
		}
		if isTerminal(ct) != (got == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED || got == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ||
			got == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED || got == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) {
			t.Errorf("isTerminal(%s) = %v disagrees with its event %s", ct, isTerminal(ct), got)
		}
	}
}

func TestInitiatingEventID(t *testing.T) {
	h := func(a any) *historypb.HistoryEvent {
		e := &historypb.HistoryEvent{EventId: 99}
		switch a := a.(type) {
		case *historypb.StartChildWorkflowExecutionFailedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_StartChildWorkflowExecutionFailedEventAttributes{StartChildWorkflowExecutionFailedEventAttributes: a}
		case *historypb.ChildWorkflowExecutionStartedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionStartedEventAttributes{ChildWorkflowExecutionStartedEventAttributes: a}
		case *historypb.ChildWorkflowExecutionCompletedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionCompletedEventAttributes{ChildWorkflowExecutionCompletedEventAttributes: a}
		case *historypb.ChildWorkflowExecutionFailedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionFailedEventAttributes{ChildWorkflowExecutionFailedEventAttributes: a}
		case *historypb.ChildWorkflowExecutionCanceledEventAttributes:
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionCanceledEventAttributes{ChildWorkflowExecutionCanceledEventAttributes: a}
		case *historypb.ChildWorkflowExecutionTimedOutEventAttributes:
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionTimedOutEventAttributes{ChildWorkflowExecutionTimedOutEventAttributes: a}
		case *historypb.ChildWorkflowExecutionTerminatedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionTerminatedEventAttributes{ChildWorkflowExecutionTerminatedEventAttributes: a}
		case *historypb.ExternalWorkflowExecutionSignaledEventAttributes:
			e.Attributes = &historypb.HistoryEvent_ExternalWorkflowExecutionSignaledEventAttributes{ExternalWorkflowExecutionSignaledEventAttributes: a}
		case *historypb.SignalExternalWorkflowExecutionFailedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_SignalExternalWorkflowExecutionFailedEventAttributes{SignalExternalWorkflowExecutionFailedEventAttributes: a}
		case *historypb.ExternalWorkflowExecutionCancelRequestedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_ExternalWorkflowExecutionCancelRequestedEventAttributes{ExternalWorkflowExecutionCancelRequestedEventAttributes: a}
		case *historypb.RequestCancelExternalWorkflowExecutionFailedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_RequestCancelExternalWorkflowExecutionFailedEventAttributes{RequestCancelExternalWorkflowExecutionFailedEventAttributes: a}
		case *historypb.NexusOperationStartedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_NexusOperationStartedEventAttributes{NexusOperationStartedEventAttributes: a}
		case *historypb.NexusOperationCompletedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_NexusOperationCompletedEventAttributes{NexusOperationCompletedEventAttributes: a}
		case *historypb.NexusOperationFailedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_NexusOperationFailedEventAttributes{NexusOperationFailedEventAttributes: a}
		case *historypb.NexusOperationCanceledEventAttributes:
			e.Attributes = &historypb.HistoryEvent_NexusOperationCanceledEventAttributes{NexusOperationCanceledEventAttributes: a}
		case *historypb.NexusOperationTimedOutEventAttributes:
			e.Attributes = &historypb.HistoryEvent_NexusOperationTimedOutEventAttributes{NexusOperationTimedOutEventAttributes: a}
		default:
			t.Fatalf("builder misses %T", a)
		}
		return e
	}
	tests := []struct {
		name string
		e    *historypb.HistoryEvent
		want int64
	}{
		{"ActivityTaskStarted", actStarted(9, 5, "w"), 5},
		{"ActivityTaskCompleted", actCompleted(9, 5, 7, nil), 5},
		{"ActivityTaskFailed", actFailed(9, 5, 7, nil, 0, ""), 5},
		{"ActivityTaskTimedOut", actTimedOut(9, 5, 7, nil, 0), 5},
		{"ActivityTaskCanceled", actCanceled(9, 5, 8, nil), 5},
		{"TimerFired", timerFired(9, "1", 6), 6},
		{"StartChildWorkflowExecutionFailed", h(&historypb.StartChildWorkflowExecutionFailedEventAttributes{InitiatedEventId: 11}), 11},
		{"ChildWorkflowExecutionStarted", h(&historypb.ChildWorkflowExecutionStartedEventAttributes{InitiatedEventId: 12}), 12},
		{"ChildWorkflowExecutionCompleted", h(&historypb.ChildWorkflowExecutionCompletedEventAttributes{InitiatedEventId: 13, StartedEventId: 99}), 13},
		{"ChildWorkflowExecutionFailed", h(&historypb.ChildWorkflowExecutionFailedEventAttributes{InitiatedEventId: 14}), 14},
		{"ChildWorkflowExecutionCanceled", h(&historypb.ChildWorkflowExecutionCanceledEventAttributes{InitiatedEventId: 15}), 15},
		{"ChildWorkflowExecutionTimedOut", h(&historypb.ChildWorkflowExecutionTimedOutEventAttributes{InitiatedEventId: 16}), 16},
		{"ChildWorkflowExecutionTerminated", h(&historypb.ChildWorkflowExecutionTerminatedEventAttributes{InitiatedEventId: 17}), 17},
		{"ExternalWorkflowExecutionSignaled", h(&historypb.ExternalWorkflowExecutionSignaledEventAttributes{InitiatedEventId: 18}), 18},
		{"SignalExternalWorkflowExecutionFailed", h(&historypb.SignalExternalWorkflowExecutionFailedEventAttributes{InitiatedEventId: 19}), 19},
		{"ExternalWorkflowExecutionCancelRequested", h(&historypb.ExternalWorkflowExecutionCancelRequestedEventAttributes{InitiatedEventId: 20}), 20},
		{"RequestCancelExternalWorkflowExecutionFailed", h(&historypb.RequestCancelExternalWorkflowExecutionFailedEventAttributes{InitiatedEventId: 21}), 21},
		{"NexusOperationStarted", h(&historypb.NexusOperationStartedEventAttributes{ScheduledEventId: 22}), 22},
		{"NexusOperationCompleted", h(&historypb.NexusOperationCompletedEventAttributes{ScheduledEventId: 23}), 23},
		{"NexusOperationFailed", h(&historypb.NexusOperationFailedEventAttributes{ScheduledEventId: 24}), 24},
		{"NexusOperationCanceled", h(&historypb.NexusOperationCanceledEventAttributes{ScheduledEventId: 25}), 25},
		{"NexusOperationTimedOut", h(&historypb.NexusOperationTimedOutEventAttributes{ScheduledEventId: 26}), 26},
		// Not resolutions: command events (even with a scheduled/started id),
		// workflow-level events, workflow task events.
		{"ActivityTaskScheduled", actScheduled(9, "1", "A"), 0},
		{"ActivityTaskCancelRequested", actCancelRequested(9, 5), 0},
		{"TimerStarted", timerStarted(9, "1"), 0},
		{"TimerCanceled", timerCanceled(9, "1", 6), 0},
		{"MarkerRecorded", markerRecorded(9, "m"), 0},
		{"WorkflowExecutionStarted", wfStarted(1), 0},
		{"WorkflowTaskScheduled", wftScheduled(2), 0},
		{"WorkflowTaskStarted", wftStarted(3, 2), 0},
		{"WorkflowTaskCompleted", wftCompleted(4, 2, 3), 0},
		{"WorkflowExecutionCompleted", wfCompleted(9), 0},
		{"no attributes", ev(9, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InitiatingEventID(tt.e); got != tt.want {
				t.Fatalf("InitiatingEventID = %d, want %d", got, tt.want)
			}
		})
	}
}

// commandMatches for the command kinds that have no Machines API yet
// (children, external signals/cancels, Nexus, updates, upserts).
func TestCommandMatchesIdentity(t *testing.T) {
	child := func(id, typ string) *commandpb.Command {
		return &commandpb.Command{CommandType: enumspb.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION,
			Attributes: &commandpb.Command_StartChildWorkflowExecutionCommandAttributes{StartChildWorkflowExecutionCommandAttributes: &commandpb.StartChildWorkflowExecutionCommandAttributes{
				WorkflowId: id, WorkflowType: &commonpb.WorkflowType{Name: typ}}}}
	}
	childEv := func(id, typ string) *historypb.HistoryEvent {
		return &historypb.HistoryEvent{EventId: 5, EventType: enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
			Attributes: &historypb.HistoryEvent_StartChildWorkflowExecutionInitiatedEventAttributes{StartChildWorkflowExecutionInitiatedEventAttributes: &historypb.StartChildWorkflowExecutionInitiatedEventAttributes{
				WorkflowId: id, WorkflowType: &commonpb.WorkflowType{Name: typ}}}}
	}
	signal := func(wf, name string) *commandpb.Command {
		return &commandpb.Command{CommandType: enumspb.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,
			Attributes: &commandpb.Command_SignalExternalWorkflowExecutionCommandAttributes{SignalExternalWorkflowExecutionCommandAttributes: &commandpb.SignalExternalWorkflowExecutionCommandAttributes{
				Execution: &commonpb.WorkflowExecution{WorkflowId: wf}, SignalName: name}}}
	}
	signalEv := func(wf, name string) *historypb.HistoryEvent {
		return &historypb.HistoryEvent{EventId: 5, EventType: enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
			Attributes: &historypb.HistoryEvent_SignalExternalWorkflowExecutionInitiatedEventAttributes{SignalExternalWorkflowExecutionInitiatedEventAttributes: &historypb.SignalExternalWorkflowExecutionInitiatedEventAttributes{
				WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: wf}, SignalName: name}}}
	}
	cancelExt := func(wf string) *commandpb.Command {
		return &commandpb.Command{CommandType: enumspb.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,
			Attributes: &commandpb.Command_RequestCancelExternalWorkflowExecutionCommandAttributes{RequestCancelExternalWorkflowExecutionCommandAttributes: &commandpb.RequestCancelExternalWorkflowExecutionCommandAttributes{
				WorkflowId: wf}}}
	}
	cancelExtEv := func(wf string) *historypb.HistoryEvent {
		return &historypb.HistoryEvent{EventId: 5, EventType: enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
			Attributes: &historypb.HistoryEvent_RequestCancelExternalWorkflowExecutionInitiatedEventAttributes{RequestCancelExternalWorkflowExecutionInitiatedEventAttributes: &historypb.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes{
				WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: wf}}}}
	}
	nexus := func(svc, op string) *commandpb.Command {
		return &commandpb.Command{CommandType: enumspb.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION,
			Attributes: &commandpb.Command_ScheduleNexusOperationCommandAttributes{ScheduleNexusOperationCommandAttributes: &commandpb.ScheduleNexusOperationCommandAttributes{
				Service: svc, Operation: op}}}
	}
	nexusEv := func(svc, op string) *historypb.HistoryEvent {
		return &historypb.HistoryEvent{EventId: 5, EventType: enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
			Attributes: &historypb.HistoryEvent_NexusOperationScheduledEventAttributes{NexusOperationScheduledEventAttributes: &historypb.NexusOperationScheduledEventAttributes{
				Service: svc, Operation: op}}}
	}
	protocol := func(msgID string) *commandpb.Command {
		return &commandpb.Command{CommandType: enumspb.COMMAND_TYPE_PROTOCOL_MESSAGE,
			Attributes: &commandpb.Command_ProtocolMessageCommandAttributes{
				ProtocolMessageCommandAttributes: &commandpb.ProtocolMessageCommandAttributes{MessageId: msgID}}}
	}
	accepted := func(updateID string) *historypb.HistoryEvent {
		e := ev(5, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
		e.Attributes = &historypb.HistoryEvent_WorkflowExecutionUpdateAcceptedEventAttributes{
			WorkflowExecutionUpdateAcceptedEventAttributes: &historypb.WorkflowExecutionUpdateAcceptedEventAttributes{ProtocolInstanceId: updateID}}
		return e
	}
	completed := func(updateID string) *historypb.HistoryEvent {
		e := ev(5, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
		e.Attributes = &historypb.HistoryEvent_WorkflowExecutionUpdateCompletedEventAttributes{
			WorkflowExecutionUpdateCompletedEventAttributes: &historypb.WorkflowExecutionUpdateCompletedEventAttributes{Meta: &updatepb.Meta{UpdateId: updateID}}}
		return e
	}
	upsert := &commandpb.Command{CommandType: enumspb.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES}

	tests := []struct {
		name string
		c    *commandpb.Command
		e    *historypb.HistoryEvent
		want bool
	}{
		{"child same", child("c1", "Child"), childEv("c1", "Child"), true},
		{"child other id", child("c1", "Child"), childEv("c2", "Child"), false},
		{"child other type", child("c1", "Child"), childEv("c1", "Other"), false},
		{"signal same", signal("w", "go"), signalEv("w", "go"), true},
		{"signal other name", signal("w", "go"), signalEv("w", "stop"), false},
		{"signal other workflow", signal("w", "go"), signalEv("x", "go"), false},
		{"cancel external same", cancelExt("w"), cancelExtEv("w"), true},
		{"cancel external other", cancelExt("w"), cancelExtEv("x"), false},
		{"nexus same", nexus("s", "op"), nexusEv("s", "op"), true},
		{"nexus other service", nexus("s", "op"), nexusEv("t", "op"), false},
		{"nexus other operation", nexus("s", "op"), nexusEv("s", "op2"), false},
		{"protocol accepted", protocol("u1/accept"), accepted("u1"), true},
		{"protocol accepted other update", protocol("u1/accept"), accepted("u2"), false},
		{"protocol accept vs completed", protocol("u1/accept"), completed("u1"), false},
		{"protocol rejected", protocol("u1/accept"), ev(5, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED), true},
		{"protocol completed", protocol("u1/complete"), completed("u1"), true},
		{"protocol completed other update", protocol("u1/complete"), completed("u2"), false},
		{"protocol vs timer", protocol("u1/accept"), timerStarted(5, "1"), false},
		{"upsert", upsert, ev(5, enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES), true},
		{"upsert vs properties", upsert, ev(5, enumspb.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED), false},
		{"child vs activity event", child("1", "Charge"), actScheduled(5, "1", "Charge"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := commandMatches(tt.c, tt.e); got != tt.want {
				t.Fatalf("commandMatches = %v, want %v", got, tt.want)
			}
		})
	}

	// The child descriptions used in nondeterminism messages.
	if got, want := describeCommand(child("c1", "Child")), "StartChildWorkflowExecution(workflowId=c1, type=Child)"; got != want {
		t.Errorf("describeCommand(child) = %q, want %q", got, want)
	}
	if got, want := describeEvent(childEv("c1", "Child")), "StartChildWorkflowExecutionInitiated(workflowId=c1, type=Child)"; got != want {
		t.Errorf("describeEvent(child) = %q, want %q", got, want)
	}
}
