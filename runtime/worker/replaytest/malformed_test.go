package replaytest

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestReplayMalformedHistories replays recorded histories damaged in the
// ways a hand edit or a bad export damages them: each fails with a
// *worker.HistoryError naming the offending event, before any workflow
// code runs, never with a panic.
func TestReplayMalformedHistories(t *testing.T) {
	path := filepath.Join(historiesDir, "good", "greeting.json")
	completed := func(h *historypb.History) int {
		return slices.IndexFunc(h.Events, func(e *historypb.HistoryEvent) bool {
			return e.EventType == enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
		})
	}
	for _, tc := range []struct {
		name   string
		damage func(h *historypb.History) (index int)
		reason string
	}{
		// Found by FuzzReplayHistoryJSON (and in issue 16): the engine
		// cancelled a workflow that had not started.
		{"FirstEventCancelRequested", func(h *historypb.History) int {
			h.Events[0].EventType = enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED
			return 0
		}, "a history starts with WorkflowExecutionStarted"},
		{"FirstEventCancelRequestedWithItsAttributes", func(h *historypb.History) int {
			h.Events[0].EventType = enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED
			h.Events[0].Attributes = &historypb.HistoryEvent_WorkflowExecutionCancelRequestedEventAttributes{
				WorkflowExecutionCancelRequestedEventAttributes: &historypb.WorkflowExecutionCancelRequestedEventAttributes{}}
			return 0
		}, "a history starts with WorkflowExecutionStarted"},
		{"FirstEventMissing", func(h *historypb.History) int {
			h.Events = h.Events[1:]
			return 0
		}, "want event id 1"},
		{"EventMissing", func(h *historypb.History) int {
			h.Events = slices.Delete(h.Events, 4, 5)
			return 4
		}, "want event id 5"},
		{"EventsSwapped", func(h *historypb.History) int {
			h.Events[5], h.Events[6] = h.Events[6], h.Events[5]
			return 5
		}, "want event id 6"},
		{"SecondStart", func(h *historypb.History) int {
			i := completed(h)
			start := proto.Clone(h.Events[0]).(*historypb.HistoryEvent)
			start.EventId = h.Events[i].EventId
			h.Events[i] = start
			return i
		}, "only the first event"},
		{"NoAttributes", func(h *historypb.History) int {
			i := completed(h)
			h.Events[i].Attributes = nil
			return i
		}, "the event has no attributes"},
		{"AttributesOfAnotherType", func(h *historypb.History) int {
			i := completed(h)
			h.Events[i].Attributes = &historypb.HistoryEvent_TimerFiredEventAttributes{
				TimerFiredEventAttributes: &historypb.TimerFiredEventAttributes{TimerId: "1", StartedEventId: 5}}
			return i
		}, "timer_fired_event_attributes, not the attributes of its type"},
		{"UnknownEventType", func(h *historypb.History) int {
			i := completed(h)
			h.Events[i].EventType = 999
			return i
		}, "unknown event type 999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := load(t, path)
			index := tc.damage(h)
			err := replayer(t, originals).ReplayHistory("damaged", "", h)
			var re *worker.ReplayError
			var he *worker.HistoryError
			if !errors.As(err, &re) || !errors.As(err, &he) {
				t.Fatalf("replay error = %v (%T), want a *worker.ReplayError wrapping a *worker.HistoryError", err, err)
			}
			e := h.Events[index]
			if he.Index != index || he.EventID != e.EventId || he.EventType != e.EventType {
				t.Errorf("HistoryError names index %d, event %d %s; want %d, %d %s", he.Index, he.EventID, he.EventType, index, e.EventId, e.EventType)
			}
			if !strings.Contains(he.Reason, tc.reason) {
				t.Errorf("reason %q does not mention %q", he.Reason, tc.reason)
			}
			if re.EventID != 0 {
				t.Errorf("ReplayError.EventID = %d: no event should have been applied", re.EventID)
			}
			t.Log(err)
		})
	}
	t.Run("Empty", func(t *testing.T) {
		err := replayer(t, originals).ReplayHistory("empty", "", &historypb.History{})
		var he *worker.HistoryError
		if !errors.As(err, &he) || he.Index != -1 || !strings.Contains(err.Error(), "no events") {
			t.Fatalf("replay error = %v, want a *worker.HistoryError for an empty history", err)
		}
	})
}

// TestEveryEventTypeHasItsAttributes guards the naming rule the history
// check relies on: the attributes field of EVENT_TYPE_X is
// x_event_attributes, for every event type the API knows.
func TestEveryEventTypeHasItsAttributes(t *testing.T) {
	h := load(t, filepath.Join(historiesDir, "good", "greeting.json"))
	values := enumspb.EVENT_TYPE_UNSPECIFIED.Descriptor().Values()
	attrs := (&historypb.HistoryEvent{}).ProtoReflect().Descriptor().Oneofs().ByName("attributes")
	if values.Len()-1 != attrs.Fields().Len() {
		t.Errorf("%d event types, %d attribute fields", values.Len()-1, attrs.Fields().Len())
	}
	for i := range attrs.Fields().Len() {
		f := attrs.Fields().Get(i)
		typ := strings.ToUpper("EVENT_TYPE_" + strings.TrimSuffix(string(f.Name()), "_event_attributes"))
		v := values.ByName(protoreflect.Name(typ))
		if v == nil {
			t.Errorf("attributes %s: no event type %s", f.Name(), typ)
			continue
		}
		// A second event of the greeting history, given this type and
		// these attributes, passes the shape check (it may still fail
		// to replay).
		damaged := &historypb.History{Events: slices.Clone(h.Events[:2])}
		e := proto.Clone(damaged.Events[1]).(*historypb.HistoryEvent)
		e.EventType = enumspb.EventType(v.Number())
		m := e.ProtoReflect()
		m.Set(f, m.NewField(f))
		damaged.Events[1] = e
		err := replayer(t, originals).ReplayHistory("shape", "", damaged)
		var he *worker.HistoryError
		if errors.As(err, &he) && e.EventType != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED {
			t.Errorf("%s with %s: %v", e.EventType, f.Name(), err)
		}
	}
}

// TestReplayDeadlockTimeout replays a history with workflow code that
// stops yielding: the replay fails with a *temporal.DeadlockError after
// ReplayerOptions.DeadlockTimeout instead of hanging.
func TestReplayDeadlockTimeout(t *testing.T) {
	var stop atomic.Bool
	t.Cleanup(func() { stop.Store(true) })
	spin := func(ctx workflow.Context, name string) (string, error) {
		for !stop.Load() {
		}
		return "", nil
	}
	r := worker.NewReplayer(worker.ReplayerOptions{DeadlockTimeout: 200 * time.Millisecond})
	if err := r.RegisterWorkflow("Failing", spin); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err := r.ReplayHistoryFile(filepath.Join(historiesDir, "good", "failed.json"))
	var re *worker.ReplayError
	var dl *temporal.DeadlockError
	if !errors.As(err, &re) || !errors.As(err, &dl) {
		t.Fatalf("replay error = %v (%T), want a *worker.ReplayError wrapping a *temporal.DeadlockError", err, err)
	}
	if dl.Coroutine != "root" || dl.Timeout != 200*time.Millisecond || !strings.Contains(dl.Stack, "replaytest") || dl.WorkflowID == "" {
		t.Errorf("DeadlockError = %+v", dl)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the replay took %s", d)
	}
}
