package engine

import (
	"runtime"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
)

// BenchmarkParkedRunMemory reports heap and stack bytes per run parked on
// a condition after its first task, as a cached idle workflow is.
func BenchmarkParkedRunMemory(b *testing.B) {
	n := max(b.N, 100)
	fns := map[string]WorkflowFunc{"W": func(ctx *Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
		done := false
		_ = ctx.SetSignalHandler("s", &SignalHandler{Fn: func(*Context, string, converter.Values) error { done = true; return nil }})
		return nil, ctx.Await(func() bool { return done })
	}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	runs := make([]*Run, n)
	for i := range runs {
		h := &hist{t0: time.Unix(1000, 0)}
		h.started("W")
		h.task()
		runs[i] = newTestRun(fns)
		if _, err := runs[i].apply(Task{Events: h.events, StartedEventID: 3}); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(after.HeapInuse-before.HeapInuse) / float64(n)
	stack := float64(after.StackInuse-before.StackInuse) / float64(n)
	b.ReportMetric(heap, "heap-B/run")
	b.ReportMetric(stack, "stack-B/run")
	for _, r := range runs {
		r.Close()
	}
}
