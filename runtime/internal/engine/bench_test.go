package engine

import (
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
)

// signalHistory builds a history of n signals, batch per workflow task,
// ending with the workflow's completion.
func signalHistory(b *testing.B, n, batch int) []*historypb.HistoryEvent {
	h := &hist{t0: time.Unix(1000, 0)}
	h.started("W")
	h.task()
	in := payload(b, 1)
	for i := 0; i < n; i++ {
		if i%batch == 0 {
			h.completed()
		}
		h.add(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, func(e *historypb.HistoryEvent) {
			e.Attributes = &historypb.HistoryEvent_WorkflowExecutionSignaledEventAttributes{
				WorkflowExecutionSignaledEventAttributes: &historypb.WorkflowExecutionSignaledEventAttributes{SignalName: "s", Input: in}}
		})
		if i%batch == batch-1 || i == n-1 {
			h.task()
		}
	}
	return h.events
}

func counterWorkflow(n int) WorkflowFunc {
	return func(ctx *Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
		count := 0
		_ = ctx.SetSignalHandler("s", &SignalHandler{Fn: func(_ *Context, _ string, args converter.Values) error {
			var v int
			if err := args.Get(0, &v); err != nil {
				return err
			}
			count += v
			return nil
		}})
		err := ctx.Await(func() bool { return count >= n })
		return nil, err
	}
}

// BenchmarkReplaySignals replays a 9000-signal history (signals in batches
// of 10 per workflow task) and reports events per second.
func BenchmarkReplaySignals(b *testing.B) {
	const n = 9000
	events := signalHistory(b, n, 10)
	fns := map[string]WorkflowFunc{"W": counterWorkflow(n)}
	b.ResetTimer()
	for range b.N {
		r := newTestRun(fns)
		c, err := r.apply(Task{Events: events, Replay: true})
		if err != nil {
			b.Fatal(err)
		}
		_ = c
		if !r.Finished() {
			b.Fatal("workflow did not finish")
		}
		r.Close()
	}
	b.ReportMetric(float64(len(events)*b.N)/b.Elapsed().Seconds(), "events/s")
}

// timerHistory builds a history of batches of n parallel timers: each
// workflow task starts n timers, the next one sees them all fire.
func timerHistory(batches, n int) []*historypb.HistoryEvent {
	h := &hist{t0: time.Unix(1000, 0)}
	h.started("T")
	h.task()
	id := 0
	for range batches {
		h.completed()
		started := make([]int64, n)
		for i := range n {
			id++
			tid := itoa(int64(id))
			started[i] = h.add(enumspb.EVENT_TYPE_TIMER_STARTED, func(e *historypb.HistoryEvent) {
				e.Attributes = &historypb.HistoryEvent_TimerStartedEventAttributes{TimerStartedEventAttributes: &historypb.TimerStartedEventAttributes{TimerId: tid}}
			}).EventId
		}
		for i := range n {
			tid := itoa(int64(id - n + 1 + i))
			sid := started[i]
			h.add(enumspb.EVENT_TYPE_TIMER_FIRED, func(e *historypb.HistoryEvent) {
				e.Attributes = &historypb.HistoryEvent_TimerFiredEventAttributes{TimerFiredEventAttributes: &historypb.TimerFiredEventAttributes{TimerId: tid, StartedEventId: sid}}
			})
		}
		h.task()
	}
	return h.events
}

func timersWorkflow(batches, n int) WorkflowFunc {
	return func(ctx *Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
		for range batches {
			fs := make([]*Future, n)
			for i := range fs {
				fs[i] = ctx.NewTimer(time.Millisecond)
			}
			for _, f := range fs {
				if _, _, err := f.Wait(ctx); err != nil {
					return nil, err
				}
			}
		}
		return nil, nil
	}
}

// BenchmarkReplayTimers replays 50 batches of 100 parallel timers and
// reports events per second.
func BenchmarkReplayTimers(b *testing.B) {
	events := timerHistory(50, 100)
	fns := map[string]WorkflowFunc{"T": timersWorkflow(50, 100)}
	b.ResetTimer()
	for range b.N {
		r := newTestRun(fns)
		if _, err := r.apply(Task{Events: events, Replay: true}); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
	b.ReportMetric(float64(len(events)*b.N)/b.Elapsed().Seconds(), "events/s")
}
