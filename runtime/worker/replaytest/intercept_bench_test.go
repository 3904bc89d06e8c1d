package replaytest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// passThrough intercepts every call and changes nothing.
type passThrough struct{}

func (passThrough) InterceptWorkflow(_ *workflow.Info, next workflow.Inbound, out workflow.Outbound) (workflow.Inbound, workflow.Outbound) {
	return workflow.InboundBase{Next: next}, workflow.OutboundBase{Next: out}
}

// noValues is a propagator with nothing to carry.
type noValues struct{}

func (noValues) Inject(context.Context, temporal.Header) error { return nil }
func (noValues) Extract(ctx context.Context, _ temporal.Header) (context.Context, error) {
	return ctx, nil
}
func (noValues) InjectFromWorkflow(workflow.Context, workflow.Header) error { return nil }
func (noValues) ExtractToWorkflow(ctx workflow.Context, _ workflow.Header) (workflow.Context, error) {
	return ctx, nil
}

// BenchmarkReplayInterceptors replays recorded histories without
// interceptors (the hot path, which must allocate nothing for them),
// with a pass-through interceptor and with a propagator: compare allocs/op.
func BenchmarkReplayInterceptors(b *testing.B) {
	modes := []struct {
		name string
		opts worker.ReplayerOptions
	}{
		{"none", worker.ReplayerOptions{}},
		{"none-nowatchdog", worker.ReplayerOptions{DeadlockTimeout: -1}},
		{"interceptor", worker.ReplayerOptions{WorkflowInterceptors: []workflow.Interceptor{passThrough{}}}},
		{"propagator", worker.ReplayerOptions{ContextPropagators: []temporal.ContextPropagator{noValues{}}}},
	}
	for _, file := range []string{"fanout.json", "messages.json"} {
		h := load(b, filepath.Join("..", "..", "..", "testdata", "histories", "good", file))
		for _, m := range modes {
			b.Run(file+"/"+m.name, func(b *testing.B) {
				r := worker.NewReplayer(m.opts)
				if err := registerOriginals(&overlay{r: r}); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := r.ReplayHistory("wf", "", h); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
