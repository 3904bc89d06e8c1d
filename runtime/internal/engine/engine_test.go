package engine

import (
	"errors"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/temporalgen/temporalgen/runtime/converter"
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
