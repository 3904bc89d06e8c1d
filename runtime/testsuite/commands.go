package testsuite

import (
	"fmt"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	updatepb "go.temporal.io/api/update/v1"
	"google.golang.org/protobuf/proto"
)

// record plays the server's part for one command: it writes the command's
// event and starts what the command asks for.
func (x *execution) record(cmd *commandpb.Command, completed int64, msgs map[string]*protocolpb.Message) {
	switch cmd.CommandType {
	case enumspb.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK:
		x.scheduleActivity(cmd.GetScheduleActivityTaskCommandAttributes(), completed)
	case enumspb.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
		x.cancelActivity(cmd.GetRequestCancelActivityTaskCommandAttributes().GetScheduledEventId(), completed)
	case enumspb.COMMAND_TYPE_START_TIMER:
		x.startTimer(cmd.GetStartTimerCommandAttributes(), completed)
	case enumspb.COMMAND_TYPE_CANCEL_TIMER:
		id := cmd.GetCancelTimerCommandAttributes().GetTimerId()
		t := x.timers[id]
		delete(x.timers, id)
		x.env.clock.cancel(t.item)
		x.add(enumspb.EVENT_TYPE_TIMER_CANCELED, &historypb.TimerCanceledEventAttributes{TimerId: id, StartedEventId: t.started,
			WorkflowTaskCompletedEventId: completed, Identity: identity})
	case enumspb.COMMAND_TYPE_RECORD_MARKER:
		a := cmd.GetRecordMarkerCommandAttributes()
		x.add(enumspb.EVENT_TYPE_MARKER_RECORDED, &historypb.MarkerRecordedEventAttributes{MarkerName: a.MarkerName, Details: a.Details,
			Header: a.Header, Failure: a.Failure, WorkflowTaskCompletedEventId: completed})
	case enumspb.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
		sa := cmd.GetUpsertWorkflowSearchAttributesCommandAttributes().GetSearchAttributes()
		merge(x.attrs, sa.GetIndexedFields())
		x.add(enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, &historypb.UpsertWorkflowSearchAttributesEventAttributes{SearchAttributes: sa,
			WorkflowTaskCompletedEventId: completed})
	case enumspb.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES:
		memo := cmd.GetModifyWorkflowPropertiesCommandAttributes().GetUpsertedMemo()
		merge(x.memo, memo.GetFields())
		x.add(enumspb.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, &historypb.WorkflowPropertiesModifiedEventAttributes{UpsertedMemo: memo,
			WorkflowTaskCompletedEventId: completed})
	case enumspb.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION:
		x.startChild(cmd.GetStartChildWorkflowExecutionCommandAttributes(), completed)
	case enumspb.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
		x.signalExternal(cmd.GetSignalExternalWorkflowExecutionCommandAttributes(), completed)
	case enumspb.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
		x.cancelExternal(cmd.GetRequestCancelExternalWorkflowExecutionCommandAttributes(), completed)
	case enumspb.COMMAND_TYPE_PROTOCOL_MESSAGE:
		id := cmd.GetProtocolMessageCommandAttributes().GetMessageId()
		m, ok := msgs[id]
		if !ok {
			x.env.fail(fmt.Errorf("testsuite: workflow %s sent a ProtocolMessage command for message %q it did not send", x.id, id))
			return
		}
		delete(msgs, id)
		x.protocolEvent(m)
	case enumspb.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION:
		x.scheduleNexus(cmd.GetScheduleNexusOperationCommandAttributes(), completed)
	case enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
		x.close(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, &historypb.WorkflowExecutionCompletedEventAttributes{
			Result: cmd.GetCompleteWorkflowExecutionCommandAttributes().GetResult(), WorkflowTaskCompletedEventId: completed})
	case enumspb.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
		x.close(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, &historypb.WorkflowExecutionFailedEventAttributes{
			Failure: cmd.GetFailWorkflowExecutionCommandAttributes().GetFailure(), RetryState: enumspb.RETRY_STATE_RETRY_POLICY_NOT_SET,
			WorkflowTaskCompletedEventId: completed})
	case enumspb.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
		x.close(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, &historypb.WorkflowExecutionCanceledEventAttributes{
			Details: cmd.GetCancelWorkflowExecutionCommandAttributes().GetDetails(), WorkflowTaskCompletedEventId: completed})
	case enumspb.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
		x.continueAsNew(cmd.GetContinueAsNewWorkflowExecutionCommandAttributes(), completed)
	default:
		x.env.fail(fmt.Errorf("testsuite: workflow %s issued %s, which the test environment does not simulate yet", x.id, cmd.CommandType))
	}
}

func merge(dst, upd map[string]*commonpb.Payload) {
	for k, v := range upd {
		if len(v.GetData()) == 0 {
			delete(dst, k)
			continue
		}
		dst[k] = v
	}
}

func (x *execution) startTimer(a *commandpb.StartTimerCommandAttributes, completed int64) {
	ev := x.add(enumspb.EVENT_TYPE_TIMER_STARTED, &historypb.TimerStartedEventAttributes{TimerId: a.TimerId,
		StartToFireTimeout: a.StartToFireTimeout, WorkflowTaskCompletedEventId: completed})
	id := a.TimerId
	it := x.env.clock.after(a.StartToFireTimeout.AsDuration(), func() {
		delete(x.timers, id)
		if x.open() {
			x.add(enumspb.EVENT_TYPE_TIMER_FIRED, &historypb.TimerFiredEventAttributes{TimerId: id, StartedEventId: ev.EventId})
		}
	})
	x.timers[id] = timer{started: ev.EventId, item: it}
}

// close records the run's closing event, and tells its parent.
func (x *execution) close(t enumspb.EventType, attrs proto.Message) {
	x.closeEvent = x.add(t, attrs)
	x.pending = false
	for _, tm := range x.timers {
		x.env.clock.cancel(tm.item)
	}
	x.abandonActivities()
	if x.parent != nil && x.parent.open() {
		x.parent.childClosed(x)
	}
}

// protocolEvent records the event of an update message the workflow sent
// with a ProtocolMessage command, and tells the update's caller.
func (x *execution) protocolEvent(m *protocolpb.Message) {
	u := x.env.updateByID(m.GetProtocolInstanceId())
	switch body := unpack(m).(type) {
	case *updatepb.Acceptance:
		ev := x.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, &historypb.WorkflowExecutionUpdateAcceptedEventAttributes{
			ProtocolInstanceId: m.GetProtocolInstanceId(), AcceptedRequestMessageId: body.AcceptedRequestMessageId,
			AcceptedRequestSequencingEventId: body.AcceptedRequestSequencingEventId, AcceptedRequest: body.AcceptedRequest})
		if u != nil {
			u.accepted = ev.EventId
			u.accept()
		}
	case *updatepb.Response:
		var accepted int64
		if u != nil {
			accepted = u.accepted
		}
		x.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, &historypb.WorkflowExecutionUpdateCompletedEventAttributes{
			Meta: body.Meta, AcceptedEventId: accepted, Outcome: body.Outcome})
		if u != nil {
			u.complete(x.env, body.Outcome)
		}
	default:
		x.env.fail(fmt.Errorf("testsuite: workflow %s sent protocol message %s with an unexpected body %T", x.id, m.GetId(), body))
	}
}

// deliverMessages hands the messages no command carried (rejections) to
// their updates' callers.
func (x *execution) deliverMessages(msgs []*protocolpb.Message, left map[string]*protocolpb.Message) {
	for _, m := range msgs {
		if _, ok := left[m.GetId()]; !ok {
			continue
		}
		rej, ok := unpack(m).(*updatepb.Rejection)
		if !ok {
			x.env.fail(fmt.Errorf("testsuite: workflow %s sent protocol message %s without a ProtocolMessage command", x.id, m.GetId()))
			continue
		}
		if u := x.env.updateByID(m.GetProtocolInstanceId()); u != nil {
			u.reject(x.env, rej.GetFailure())
		}
	}
}
