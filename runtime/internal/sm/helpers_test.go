package sm

import (
	"errors"
	"strings"
	"testing"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// ---- event builders (test-only) ----

func ev(id int64, t enumspb.EventType) *historypb.HistoryEvent {
	return &historypb.HistoryEvent{EventId: id, EventType: t}
}

func wfStarted(id int64) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
	e.Attributes = &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{
		WorkflowExecutionStartedEventAttributes: &historypb.WorkflowExecutionStartedEventAttributes{}}
	return e
}

func wftScheduled(id int64) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
	e.Attributes = &historypb.HistoryEvent_WorkflowTaskScheduledEventAttributes{
		WorkflowTaskScheduledEventAttributes: &historypb.WorkflowTaskScheduledEventAttributes{}}
	return e
}

func wftStarted(id, sched int64) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED)
	e.Attributes = &historypb.HistoryEvent_WorkflowTaskStartedEventAttributes{
		WorkflowTaskStartedEventAttributes: &historypb.WorkflowTaskStartedEventAttributes{ScheduledEventId: sched}}
	return e
}

func wftCompleted(id, sched, started int64) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
	e.Attributes = &historypb.HistoryEvent_WorkflowTaskCompletedEventAttributes{
		WorkflowTaskCompletedEventAttributes: &historypb.WorkflowTaskCompletedEventAttributes{ScheduledEventId: sched, StartedEventId: started}}
	return e
}

func actScheduled(id int64, activityID, typ string) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{
		ActivityTaskScheduledEventAttributes: &historypb.ActivityTaskScheduledEventAttributes{
			ActivityId: activityID, ActivityType: &commonpb.ActivityType{Name: typ}}}
	return e
}

func actStarted(id, sched int64, identity string) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskStartedEventAttributes{
		ActivityTaskStartedEventAttributes: &historypb.ActivityTaskStartedEventAttributes{ScheduledEventId: sched, Identity: identity}}
	return e
}

func actCompleted(id, sched, started int64, result *commonpb.Payloads) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskCompletedEventAttributes{
		ActivityTaskCompletedEventAttributes: &historypb.ActivityTaskCompletedEventAttributes{
			ScheduledEventId: sched, StartedEventId: started, Result: result}}
	return e
}

func actFailed(id, sched, started int64, f *failurepb.Failure, rs enumspb.RetryState, identity string) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskFailedEventAttributes{
		ActivityTaskFailedEventAttributes: &historypb.ActivityTaskFailedEventAttributes{
			ScheduledEventId: sched, StartedEventId: started, Failure: f, RetryState: rs, Identity: identity}}
	return e
}

func actTimedOut(id, sched, started int64, f *failurepb.Failure, rs enumspb.RetryState) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskTimedOutEventAttributes{
		ActivityTaskTimedOutEventAttributes: &historypb.ActivityTaskTimedOutEventAttributes{
			ScheduledEventId: sched, StartedEventId: started, Failure: f, RetryState: rs}}
	return e
}

func actCanceled(id, sched, cancelReq int64, details *commonpb.Payloads) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskCanceledEventAttributes{
		ActivityTaskCanceledEventAttributes: &historypb.ActivityTaskCanceledEventAttributes{
			ScheduledEventId: sched, LatestCancelRequestedEventId: cancelReq, Details: details}}
	return e
}

func actCancelRequested(id, sched int64) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskCancelRequestedEventAttributes{
		ActivityTaskCancelRequestedEventAttributes: &historypb.ActivityTaskCancelRequestedEventAttributes{ScheduledEventId: sched}}
	return e
}

func timerStarted(id int64, timerID string) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_TIMER_STARTED)
	e.Attributes = &historypb.HistoryEvent_TimerStartedEventAttributes{
		TimerStartedEventAttributes: &historypb.TimerStartedEventAttributes{TimerId: timerID}}
	return e
}

func timerFired(id int64, timerID string, started int64) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_TIMER_FIRED)
	e.Attributes = &historypb.HistoryEvent_TimerFiredEventAttributes{
		TimerFiredEventAttributes: &historypb.TimerFiredEventAttributes{TimerId: timerID, StartedEventId: started}}
	return e
}

func timerCanceled(id int64, timerID string, started int64) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_TIMER_CANCELED)
	e.Attributes = &historypb.HistoryEvent_TimerCanceledEventAttributes{
		TimerCanceledEventAttributes: &historypb.TimerCanceledEventAttributes{TimerId: timerID, StartedEventId: started}}
	return e
}

func markerRecorded(id int64, name string) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_MARKER_RECORDED)
	e.Attributes = &historypb.HistoryEvent_MarkerRecordedEventAttributes{
		MarkerRecordedEventAttributes: &historypb.MarkerRecordedEventAttributes{MarkerName: name}}
	return e
}

func wfCompleted(id int64) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
	e.Attributes = &historypb.HistoryEvent_WorkflowExecutionCompletedEventAttributes{
		WorkflowExecutionCompletedEventAttributes: &historypb.WorkflowExecutionCompletedEventAttributes{}}
	return e
}

func wfFailed(id int64) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED)
	e.Attributes = &historypb.HistoryEvent_WorkflowExecutionFailedEventAttributes{
		WorkflowExecutionFailedEventAttributes: &historypb.WorkflowExecutionFailedEventAttributes{}}
	return e
}

func wfCanceled(id int64) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED)
	e.Attributes = &historypb.HistoryEvent_WorkflowExecutionCanceledEventAttributes{
		WorkflowExecutionCanceledEventAttributes: &historypb.WorkflowExecutionCanceledEventAttributes{}}
	return e
}

func wfContinuedAsNew(id int64) *historypb.HistoryEvent {
	e := ev(id, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW)
	e.Attributes = &historypb.HistoryEvent_WorkflowExecutionContinuedAsNewEventAttributes{
		WorkflowExecutionContinuedAsNewEventAttributes: &historypb.WorkflowExecutionContinuedAsNewEventAttributes{}}
	return e
}

// ---- values ----

func payloads(s string) *commonpb.Payloads {
	return &commonpb.Payloads{Payloads: []*commonpb.Payload{{Data: []byte(s)}}}
}

func appFailure(msg string) *failurepb.Failure {
	return &failurepb.Failure{Message: msg, Source: "GoSDK", FailureInfo: &failurepb.Failure_ApplicationFailureInfo{
		ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{Type: "Boom"}}}
}

func timeoutFailure(tt enumspb.TimeoutType) *failurepb.Failure {
	return &failurepb.Failure{Message: "activity timeout", FailureInfo: &failurepb.Failure_TimeoutFailureInfo{
		TimeoutFailureInfo: &failurepb.TimeoutFailureInfo{TimeoutType: tt}}}
}

func actAttrs(typ string) *commandpb.ScheduleActivityTaskCommandAttributes {
	return &commandpb.ScheduleActivityTaskCommandAttributes{ActivityType: &commonpb.ActivityType{Name: typ}}
}

// ---- recorders and assertions ----

// outcomes records every call of an activity callback.
type outcomes struct{ got []Outcome }

func (o *outcomes) fn(out Outcome) { o.got = append(o.got, out) }

func (o *outcomes) last(t *testing.T) Outcome {
	t.Helper()
	if len(o.got) == 0 {
		t.Fatalf("activity not resolved")
	}
	return o.got[len(o.got)-1]
}

// fires records every call of a timer callback.
type fires struct{ got []bool }

func (f *fires) fn(canceled bool) { f.got = append(f.got, canceled) }

// apply feeds events to ms and fails on the first error.
func apply(t *testing.T, ms *Machines, events ...*historypb.HistoryEvent) {
	t.Helper()
	for _, e := range events {
		if _, err := ms.HandleEvent(e); err != nil {
			t.Fatalf("HandleEvent(%d %s): unexpected error: %v", e.EventId, e.EventType, err)
		}
	}
}

// asND asserts err is a *temporal.NondeterminismError with the [TMPRL1100]
// code and returns it.
func asND(t *testing.T, err error) *temporal.NondeterminismError {
	t.Helper()
	if err == nil {
		t.Fatalf("expected a NondeterminismError, got nil")
	}
	var nd *temporal.NondeterminismError
	if !errors.As(err, &nd) {
		t.Fatalf("expected *temporal.NondeterminismError, got %T: %v", err, err)
	}
	if !strings.Contains(nd.Error(), "[TMPRL1100]") {
		t.Fatalf("message lacks [TMPRL1100]: %q", nd.Error())
	}
	return nd
}

func commandTypes(cmds []*commandpb.Command) []enumspb.CommandType {
	out := make([]enumspb.CommandType, len(cmds))
	for i, c := range cmds {
		out[i] = c.CommandType
	}
	return out
}

func equalTypes(a, b []enumspb.CommandType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkActivityFailure asserts f is an ActivityFailureInfo wrapper with the
// given fields, and returns its cause.
func checkActivityFailure(t *testing.T, f *failurepb.Failure, want *failurepb.ActivityFailureInfo) *failurepb.Failure {
	t.Helper()
	if f == nil {
		t.Fatalf("expected a failure, got nil")
	}
	info := f.GetActivityFailureInfo()
	if info == nil {
		t.Fatalf("failure info is %T, want ActivityFailureInfo", f.GetFailureInfo())
	}
	if !proto.Equal(info, want) {
		t.Fatalf("ActivityFailureInfo = %v, want %v", info, want)
	}
	if f.GetCause() == nil {
		t.Fatalf("activity failure has no cause")
	}
	return f.GetCause()
}

// checkCanceled asserts o is the canceled failure of an activity.
func checkCanceled(t *testing.T, o Outcome, want *failurepb.ActivityFailureInfo, details *commonpb.Payloads) {
	t.Helper()
	if o.Result != nil {
		t.Fatalf("canceled outcome has a result %v", o.Result)
	}
	want = proto.Clone(want).(*failurepb.ActivityFailureInfo)
	want.RetryState = enumspb.RETRY_STATE_CANCEL_REQUESTED
	cause := checkActivityFailure(t, o.Failure, want)
	ci := cause.GetCanceledFailureInfo()
	if ci == nil {
		t.Fatalf("cause info is %T, want CanceledFailureInfo", cause.GetFailureInfo())
	}
	if !proto.Equal(ci.GetDetails(), details) {
		t.Fatalf("canceled details = %v, want %v", ci.GetDetails(), details)
	}
}

func markerAttrs(name string) *commandpb.RecordMarkerCommandAttributes {
	return &commandpb.RecordMarkerCommandAttributes{MarkerName: name}
}

// checkGone asserts that the machine whose command event is 5 is gone:
// e, a further event for it, is nondeterministic.
func checkGone(t *testing.T, ms *Machines, e *historypb.HistoryEvent) {
	t.Helper()
	_, err := ms.HandleEvent(e)
	if nd := asND(t, err); nd.Actual != "no command whose event is 5" {
		t.Fatalf("event after the end: %+v", nd)
	}
}
