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
