package engine

import (
	"errors"
	"testing"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/coro"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// hist builds histories event by event with consecutive ids.
type hist struct {
	events []*historypb.HistoryEvent
	t0     time.Time
}

func (h *hist) add(t enumspb.EventType, attrs func(e *historypb.HistoryEvent)) *historypb.HistoryEvent {
	id := int64(len(h.events) + 1)
	e := &historypb.HistoryEvent{EventId: id, EventType: t, EventTime: timestamppb.New(h.t0.Add(time.Duration(id) * time.Second))}
	if attrs != nil {
		attrs(e)
	}
	h.events = append(h.events, e)
	return e
}

func (h *hist) started(wfType string) {
	h.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{WorkflowExecutionStartedEventAttributes: &historypb.WorkflowExecutionStartedEventAttributes{
			WorkflowType:           &commonpb.WorkflowType{Name: wfType},
			TaskQueue:              &taskqueuepb.TaskQueue{Name: "q"},
			OriginalExecutionRunId: "run-1",
			Attempt:                1,
		}}
	})
}

// task appends WorkflowTaskScheduled and WorkflowTaskStarted.
func (h *hist) task() {
	h.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, nil)
	h.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, nil)
}

func (h *hist) completed() { h.add(enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, nil) }

func (h *hist) activityScheduled(id, typ string) int64 {
	return h.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{ActivityTaskScheduledEventAttributes: &historypb.ActivityTaskScheduledEventAttributes{
			ActivityId: id, ActivityType: &commonpb.ActivityType{Name: typ},
		}}
	}).EventId
}

func (h *hist) activityCompleted(sched int64, result *commonpb.Payloads) {
	h.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_ActivityTaskStartedEventAttributes{ActivityTaskStartedEventAttributes: &historypb.ActivityTaskStartedEventAttributes{ScheduledEventId: sched}}
	})
	h.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_ActivityTaskCompletedEventAttributes{ActivityTaskCompletedEventAttributes: &historypb.ActivityTaskCompletedEventAttributes{ScheduledEventId: sched, Result: result}}
	})
}

func (h *hist) timerStarted(id string) {
	h.add(enumspb.EVENT_TYPE_TIMER_STARTED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_TimerStartedEventAttributes{TimerStartedEventAttributes: &historypb.TimerStartedEventAttributes{TimerId: id}}
	})
}

func newTestRun(fns map[string]WorkflowFunc) *Run {
	dc := converter.Default()
	return NewRun(Config{
		Namespace:        "ns",
		DataConverter:    dc,
		FailureConverter: converter.NewFailureConverter(dc, converter.FailureConverterOptions{}),
		Lookup: func(t string) (*Definition, bool) {
			fn, ok := fns[t]
			return &Definition{Fn: fn}, ok
		},
	}, "wf-1", "run-1")
}

func payload(t testing.TB, v any) *commonpb.Payloads {
	p, err := converter.Default().ToPayloads(v)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// activityThenReturn schedules activity "Echo" and returns its result.
func activityThenReturn(ctx *Context, in *commonpb.Payloads) (*commonpb.Payloads, error) {
	p, _, err := ctx.ExecuteActivity(ActivityOptions{StartToCloseTimeout: time.Minute}, "Echo", in).Wait(ctx)
	return p, err
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

func TestApplyIncrementalAndFullReplayAgree(t *testing.T) {
	fns := map[string]WorkflowFunc{"W": activityThenReturn}
	h := &hist{t0: time.Unix(1000, 0)}
	h.started("W")
	h.task()
	first := len(h.events)

	// Incremental: first task, then the events after it (sticky cache).
	r := newTestRun(fns)
	c, err := r.apply(Task{Events: h.events, StartedEventID: 3})
	cmds := c.Commands
	if err != nil {
		t.Fatal(err)
	}
	if want := []enumspb.CommandType{enumspb.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK}; !equalTypes(commandTypes(cmds), want) {
		t.Fatalf("first task commands = %v, want %v", commandTypes(cmds), want)
	}
	if id := cmds[0].GetScheduleActivityTaskCommandAttributes().ActivityId; id != "1" {
		t.Fatalf("activity id = %q, want 1", id)
	}
	h.completed()
	sched := h.activityScheduled("1", "Echo")
	h.activityCompleted(sched, payload(t, "pong"))
	h.task()
	c, err = r.apply(Task{Events: h.events[first:], StartedEventID: h.events[len(h.events)-1].EventId})
	cmds = c.Commands
	if err != nil {
		t.Fatal(err)
	}
	assertCompletedWith(t, cmds, "pong")
	if r.Replaying() {
		t.Fatal("last task must not be replaying")
	}

	// Full replay (no cache) of the same history gives the same commands.
	r2 := newTestRun(fns)
	c, err = r2.apply(Task{Events: h.events, StartedEventID: h.events[len(h.events)-1].EventId})
	cmds = c.Commands
	if err != nil {
		t.Fatal(err)
	}
	assertCompletedWith(t, cmds, "pong")
	if got := r2.Now(); !got.Equal(h.events[len(h.events)-1].EventTime.AsTime()) {
		t.Fatalf("Now = %v, want the last task's start time", got)
	}
}

func assertCompletedWith(t *testing.T, cmds []*commandpb.Command, want string) {
	t.Helper()
	if len(cmds) != 1 || cmds[0].CommandType != enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION {
		t.Fatalf("commands = %v, want one CompleteWorkflowExecution", commandTypes(cmds))
	}
	var got string
	if err := converter.Default().FromPayloads(cmds[0].GetCompleteWorkflowExecutionCommandAttributes().Result, &got); err != nil || got != want {
		t.Fatalf("result = %q (%v), want %q", got, err, want)
	}
}

func TestReplayMismatchIsNondeterminism(t *testing.T) {
	h := &hist{t0: time.Unix(1000, 0)}
	h.started("W")
	h.task()
	h.completed()
	h.timerStarted("1") // history: a timer; code: an activity
	h.task()
	r := newTestRun(map[string]WorkflowFunc{"W": activityThenReturn})
	_, err := r.apply(Task{Events: h.events, StartedEventID: 7})
	var nd *temporal.NondeterminismError
	if !errors.As(err, &nd) {
		t.Fatalf("err = %v, want NondeterminismError", err)
	}
	if nd.EventID != 5 || nd.Expected != "TimerStarted(timerId=1)" || nd.Actual != "ScheduleActivityTask(activityId=1, type=Echo)" {
		t.Fatalf("got %+v", nd)
	}
}

func TestCancelRequestCancelsActivityAndWorkflow(t *testing.T) {
	h := &hist{t0: time.Unix(1000, 0)}
	h.started("W")
	h.task()
	h.completed()
	h.activityScheduled("1", "Echo")
	h.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED, nil)
	h.task()
	r := newTestRun(map[string]WorkflowFunc{"W": activityThenReturn})
	c, err := r.apply(Task{Events: h.events, StartedEventID: 8})
	cmds := c.Commands
	if err != nil {
		t.Fatal(err)
	}
	want := []enumspb.CommandType{enumspb.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK, enumspb.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION}
	if !equalTypes(commandTypes(cmds), want) {
		t.Fatalf("commands = %v, want %v", commandTypes(cmds), want)
	}
	if id := cmds[0].GetRequestCancelActivityTaskCommandAttributes().ScheduledEventId; id != 5 {
		t.Fatalf("cancel targets event %d, want 5", id)
	}
}

func TestWorkflowErrorFailsWorkflow(t *testing.T) {
	h := &hist{t0: time.Unix(1000, 0)}
	h.started("W")
	h.task()
	r := newTestRun(map[string]WorkflowFunc{"W": func(*Context, *commonpb.Payloads) (*commonpb.Payloads, error) {
		return nil, temporal.NewApplicationError("bad", "Bad")
	}})
	c, err := r.apply(Task{Events: h.events, StartedEventID: 3})
	cmds := c.Commands
	if err != nil {
		t.Fatal(err)
	}
	f := cmds[0].GetFailWorkflowExecutionCommandAttributes().GetFailure()
	if f.GetMessage() != "bad" || f.GetApplicationFailureInfo().GetType() != "Bad" {
		t.Fatalf("failure = %v", f)
	}
	if !r.Finished() {
		t.Fatal("run should be finished")
	}
}

func TestPanicFailsTask(t *testing.T) {
	h := &hist{t0: time.Unix(1000, 0)}
	h.started("W")
	h.task()
	r := newTestRun(map[string]WorkflowFunc{"W": func(*Context, *commonpb.Payloads) (*commonpb.Payloads, error) {
		panic("boom")
	}})
	_, err := r.apply(Task{Events: h.events, StartedEventID: 3})
	var pe *coro.PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" {
		t.Fatalf("err = %v, want PanicError(boom)", err)
	}
}

func TestUnknownWorkflowType(t *testing.T) {
	h := &hist{t0: time.Unix(1000, 0)}
	h.started("Nope")
	h.task()
	_, err := newTestRun(nil).apply(Task{Events: h.events, StartedEventID: 3})
	var uw *UnknownWorkflowError
	if !errors.As(err, &uw) || uw.Type != "Nope" {
		t.Fatalf("err = %v", err)
	}
}

func TestMissingEventsIsAnError(t *testing.T) {
	h := &hist{t0: time.Unix(1000, 0)}
	h.started("W")
	h.task()
	r := newTestRun(map[string]WorkflowFunc{"W": activityThenReturn})
	if _, err := r.apply(Task{Events: h.events, StartedEventID: 3}); err != nil {
		t.Fatal(err)
	}
	gap := []*historypb.HistoryEvent{{EventId: 9, EventType: enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED}}
	if _, err := r.apply(Task{Events: gap, StartedEventID: 9}); err == nil {
		t.Fatal("expected an error for a gap in event ids")
	}
}

func TestRandomIsStablePerRun(t *testing.T) {
	draw := func() (string, uint64) {
		h := &hist{t0: time.Unix(1000, 0)}
		h.started("W")
		h.task()
		var u string
		var n uint64
		r := newTestRun(map[string]WorkflowFunc{"W": func(ctx *Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
			u, n = ctx.Run().UUID4(), ctx.Run().Rand().Uint64()
			return nil, nil
		}})
		if _, err := r.apply(Task{Events: h.events, StartedEventID: 3}); err != nil {
			t.Fatal(err)
		}
		return u, n
	}
	u1, n1 := draw()
	u2, n2 := draw()
	if u1 != u2 || n1 != n2 {
		t.Fatalf("draws differ: %s/%d vs %s/%d", u1, n1, u2, n2)
	}
	if len(u1) != 36 || u1[14] != '4' {
		t.Fatalf("not a v4 UUID: %s", u1)
	}
}

func TestTimerAndAwaitWithTimeout(t *testing.T) {
	h := &hist{t0: time.Unix(1000, 0)}
	h.started("W")
	h.task()
	var ok bool
	var err error
	r := newTestRun(map[string]WorkflowFunc{"W": func(ctx *Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
		ok, err = ctx.AwaitWithTimeout(time.Minute, func() bool { return false })
		return nil, err
	}})
	c, aerr := r.apply(Task{Events: h.events, StartedEventID: 3})
	cmds := c.Commands
	if aerr != nil {
		t.Fatal(aerr)
	}
	if len(cmds) != 1 || cmds[0].GetStartTimerCommandAttributes().GetStartToFireTimeout().AsDuration() != time.Minute {
		t.Fatalf("commands = %v", cmds)
	}
	h.completed()
	h.timerStarted("1")
	h.add(enumspb.EVENT_TYPE_TIMER_FIRED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_TimerFiredEventAttributes{TimerFiredEventAttributes: &historypb.TimerFiredEventAttributes{TimerId: "1", StartedEventId: 5}}
	})
	h.task()
	c, aerr = r.apply(Task{Events: h.events[3:], StartedEventID: 8})
	cmds = c.Commands
	if aerr != nil || ok || err != nil {
		t.Fatalf("ok=%v err=%v applyErr=%v", ok, err, aerr)
	}
	if len(cmds) != 1 || cmds[0].CommandType != enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION {
		t.Fatalf("commands = %v", commandTypes(cmds))
	}
}
