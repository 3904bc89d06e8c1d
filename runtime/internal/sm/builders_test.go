package sm

import (
	"encoding/json"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	updatepb "go.temporal.io/api/update/v1"
)

// Event builders for child workflows, external requests, Nexus operations,
// markers, upserts and updates (activity and timer ones are in
// helpers_test.go).

func withAttrs(id int64, t enumspb.EventType, set func(e *historypb.HistoryEvent)) *historypb.HistoryEvent {
	e := ev(id, t)
	set(e)
	return e
}

func childInitiatedEvent(id int64, workflowID, typ string) *historypb.HistoryEvent {
	return withAttrs(id, enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_StartChildWorkflowExecutionInitiatedEventAttributes{
			StartChildWorkflowExecutionInitiatedEventAttributes: &historypb.StartChildWorkflowExecutionInitiatedEventAttributes{
				WorkflowId: workflowID, WorkflowType: &commonpb.WorkflowType{Name: typ}}}
	})
}

func childStartedEvent(id, initiated int64, runID string) *historypb.HistoryEvent {
	return withAttrs(id, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionStartedEventAttributes{
			ChildWorkflowExecutionStartedEventAttributes: &historypb.ChildWorkflowExecutionStartedEventAttributes{
				InitiatedEventId: initiated, WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: "child", RunId: runID}}}
	})
}

// childEnd builds an event of type t (one of childEnding) that ends the
// child initiated at initiated.
func childEnd(id, initiated int64, t enumspb.EventType) *historypb.HistoryEvent {
	return withAttrs(id, t, func(e *historypb.HistoryEvent) {
		switch t {
		case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
			e.Attributes = &historypb.HistoryEvent_StartChildWorkflowExecutionFailedEventAttributes{
				StartChildWorkflowExecutionFailedEventAttributes: &historypb.StartChildWorkflowExecutionFailedEventAttributes{
					InitiatedEventId: initiated, Cause: enumspb.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS}}
		case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionCompletedEventAttributes{
				ChildWorkflowExecutionCompletedEventAttributes: &historypb.ChildWorkflowExecutionCompletedEventAttributes{
					InitiatedEventId: initiated, Result: payloads("r")}}
		case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionFailedEventAttributes{
				ChildWorkflowExecutionFailedEventAttributes: &historypb.ChildWorkflowExecutionFailedEventAttributes{
					InitiatedEventId: initiated, Failure: appFailure("x"), RetryState: enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED}}
		case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionCanceledEventAttributes{
				ChildWorkflowExecutionCanceledEventAttributes: &historypb.ChildWorkflowExecutionCanceledEventAttributes{
					InitiatedEventId: initiated, Details: payloads("d")}}
		case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionTimedOutEventAttributes{
				ChildWorkflowExecutionTimedOutEventAttributes: &historypb.ChildWorkflowExecutionTimedOutEventAttributes{
					InitiatedEventId: initiated, RetryState: enumspb.RETRY_STATE_TIMEOUT}}
		case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
			e.Attributes = &historypb.HistoryEvent_ChildWorkflowExecutionTerminatedEventAttributes{
				ChildWorkflowExecutionTerminatedEventAttributes: &historypb.ChildWorkflowExecutionTerminatedEventAttributes{
					InitiatedEventId: initiated}}
		}
	})
}

func signalInitiated(id int64, workflowID, signal string) *historypb.HistoryEvent {
	return withAttrs(id, enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_SignalExternalWorkflowExecutionInitiatedEventAttributes{
			SignalExternalWorkflowExecutionInitiatedEventAttributes: &historypb.SignalExternalWorkflowExecutionInitiatedEventAttributes{
				SignalName: signal, WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: workflowID}}}
	})
}

func cancelInitiated(id int64, workflowID string) *historypb.HistoryEvent {
	return withAttrs(id, enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_RequestCancelExternalWorkflowExecutionInitiatedEventAttributes{
			RequestCancelExternalWorkflowExecutionInitiatedEventAttributes: &historypb.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes{
				WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: workflowID}}}
	})
}

// externalOutcome builds an outcome event of type t for the request
// initiated at initiated: delivered, or failed with cause
// EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND.
func externalOutcome(id, initiated int64, t enumspb.EventType) *historypb.HistoryEvent {
	const notFound = 1 // the NOT_FOUND cause of both failure enums
	return withAttrs(id, t, func(e *historypb.HistoryEvent) {
		switch t {
		case enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
			e.Attributes = &historypb.HistoryEvent_ExternalWorkflowExecutionSignaledEventAttributes{
				ExternalWorkflowExecutionSignaledEventAttributes: &historypb.ExternalWorkflowExecutionSignaledEventAttributes{InitiatedEventId: initiated}}
		case enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
			e.Attributes = &historypb.HistoryEvent_ExternalWorkflowExecutionCancelRequestedEventAttributes{
				ExternalWorkflowExecutionCancelRequestedEventAttributes: &historypb.ExternalWorkflowExecutionCancelRequestedEventAttributes{InitiatedEventId: initiated}}
		case enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
			e.Attributes = &historypb.HistoryEvent_SignalExternalWorkflowExecutionFailedEventAttributes{
				SignalExternalWorkflowExecutionFailedEventAttributes: &historypb.SignalExternalWorkflowExecutionFailedEventAttributes{
					InitiatedEventId: initiated, Cause: notFound}}
		case enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
			e.Attributes = &historypb.HistoryEvent_RequestCancelExternalWorkflowExecutionFailedEventAttributes{
				RequestCancelExternalWorkflowExecutionFailedEventAttributes: &historypb.RequestCancelExternalWorkflowExecutionFailedEventAttributes{
					InitiatedEventId: initiated, Cause: notFound}}
		}
	})
}

func nexusScheduledEvent(id int64, service, operation string) *historypb.HistoryEvent {
	return withAttrs(id, enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_NexusOperationScheduledEventAttributes{
			NexusOperationScheduledEventAttributes: &historypb.NexusOperationScheduledEventAttributes{Service: service, Operation: operation}}
	})
}

func nexusCancelRequestedEvent(id, scheduled int64) *historypb.HistoryEvent {
	return withAttrs(id, enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_NexusOperationCancelRequestedEventAttributes{
			NexusOperationCancelRequestedEventAttributes: &historypb.NexusOperationCancelRequestedEventAttributes{ScheduledEventId: scheduled}}
	})
}

// nexusEvent builds a resolving Nexus event of type t for the operation
// scheduled at scheduled. Started carries the token "tok" (or, with an
// empty token, the operation id "op-id"); failures carry a failure whose
// message is the event type.
func nexusEvent(id, scheduled int64, t enumspb.EventType, token string) *historypb.HistoryEvent {
	f := &failurepb.Failure{Message: t.String()}
	return withAttrs(id, t, func(e *historypb.HistoryEvent) {
		switch t {
		case enumspb.EVENT_TYPE_NEXUS_OPERATION_STARTED:
			e.Attributes = &historypb.HistoryEvent_NexusOperationStartedEventAttributes{
				NexusOperationStartedEventAttributes: &historypb.NexusOperationStartedEventAttributes{
					ScheduledEventId: scheduled, OperationToken: token, OperationId: "op-id"}}
		case enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED:
			e.Attributes = &historypb.HistoryEvent_NexusOperationCancelRequestCompletedEventAttributes{
				NexusOperationCancelRequestCompletedEventAttributes: &historypb.NexusOperationCancelRequestCompletedEventAttributes{ScheduledEventId: scheduled}}
		case enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_FAILED:
			e.Attributes = &historypb.HistoryEvent_NexusOperationCancelRequestFailedEventAttributes{
				NexusOperationCancelRequestFailedEventAttributes: &historypb.NexusOperationCancelRequestFailedEventAttributes{ScheduledEventId: scheduled}}
		case enumspb.EVENT_TYPE_NEXUS_OPERATION_COMPLETED:
			e.Attributes = &historypb.HistoryEvent_NexusOperationCompletedEventAttributes{
				NexusOperationCompletedEventAttributes: &historypb.NexusOperationCompletedEventAttributes{
					ScheduledEventId: scheduled, Result: &commonpb.Payload{Data: []byte("r")}}}
		case enumspb.EVENT_TYPE_NEXUS_OPERATION_FAILED:
			e.Attributes = &historypb.HistoryEvent_NexusOperationFailedEventAttributes{
				NexusOperationFailedEventAttributes: &historypb.NexusOperationFailedEventAttributes{ScheduledEventId: scheduled, Failure: f}}
		case enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCELED:
			e.Attributes = &historypb.HistoryEvent_NexusOperationCanceledEventAttributes{
				NexusOperationCanceledEventAttributes: &historypb.NexusOperationCanceledEventAttributes{ScheduledEventId: scheduled, Failure: f}}
		case enumspb.EVENT_TYPE_NEXUS_OPERATION_TIMED_OUT:
			e.Attributes = &historypb.HistoryEvent_NexusOperationTimedOutEventAttributes{
				NexusOperationTimedOutEventAttributes: &historypb.NexusOperationTimedOutEventAttributes{ScheduledEventId: scheduled, Failure: f}}
		}
	})
}

func markerWithDetails(id int64, name string, details map[string]*commonpb.Payloads) *historypb.HistoryEvent {
	e := markerRecorded(id, name)
	e.GetMarkerRecordedEventAttributes().Details = details
	return e
}

func patchDetails(id string, deprecated bool) map[string]*commonpb.Payloads {
	data, _ := json.Marshal(patchData{ID: id, Deprecated: deprecated})
	return map[string]*commonpb.Payloads{patchDataKey: {Payloads: []*commonpb.Payload{{Data: data}}}}
}

func localDetails(seq int64, typ string) map[string]*commonpb.Payloads {
	data, _ := json.Marshal(localMarkerKey{Seq: seq, ActivityType: typ})
	return map[string]*commonpb.Payloads{"data": {Payloads: []*commonpb.Payload{{Data: data}}}}
}

func searchAttrs(names ...string) *commonpb.SearchAttributes {
	sa := &commonpb.SearchAttributes{IndexedFields: map[string]*commonpb.Payload{}}
	for _, n := range names {
		sa.IndexedFields[n] = &commonpb.Payload{Data: []byte(`"v"`)}
	}
	return sa
}

func upserted(id int64, sa *commonpb.SearchAttributes) *historypb.HistoryEvent {
	return withAttrs(id, enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_UpsertWorkflowSearchAttributesEventAttributes{
			UpsertWorkflowSearchAttributesEventAttributes: &historypb.UpsertWorkflowSearchAttributesEventAttributes{SearchAttributes: sa}}
	})
}

func propertiesModified(id int64) *historypb.HistoryEvent {
	return withAttrs(id, enumspb.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_WorkflowPropertiesModifiedEventAttributes{
			WorkflowPropertiesModifiedEventAttributes: &historypb.WorkflowPropertiesModifiedEventAttributes{}}
	})
}

func updateAccepted(id int64, updateID string) *historypb.HistoryEvent {
	return withAttrs(id, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_WorkflowExecutionUpdateAcceptedEventAttributes{
			WorkflowExecutionUpdateAcceptedEventAttributes: &historypb.WorkflowExecutionUpdateAcceptedEventAttributes{ProtocolInstanceId: updateID}}
	})
}

func updateCompleted(id int64, updateID string) *historypb.HistoryEvent {
	return withAttrs(id, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_WorkflowExecutionUpdateCompletedEventAttributes{
			WorkflowExecutionUpdateCompletedEventAttributes: &historypb.WorkflowExecutionUpdateCompletedEventAttributes{
				Meta: &updatepb.Meta{UpdateId: updateID}}}
	})
}

func childAttrs(workflowID, typ string) *commandpb.StartChildWorkflowExecutionCommandAttributes {
	return &commandpb.StartChildWorkflowExecutionCommandAttributes{
		Namespace: "ns", WorkflowId: workflowID, WorkflowType: &commonpb.WorkflowType{Name: typ}}
}
