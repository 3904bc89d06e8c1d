package worker_test

import (
	"testing"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

func TestDynamicWorkflow(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Known", func(ctx workflow.Context) (string, error) { return "known", nil }))
			testenv.Must(t, w.RegisterDynamicWorkflowFuncWithOptions(func(ctx workflow.Context, in *commonpb.Payloads) (*commonpb.Payloads, error) {
				var arg string
				if err := workflow.PayloadConverter(ctx).FromPayloads(in, &arg); err != nil {
					return nil, err
				}
				return workflow.PayloadConverter(ctx).ToPayloads(workflow.GetInfo(ctx).WorkflowType + ":" + arg)
			}, worker.RegisterOptions{}))
		})
		if got := testenv.Result[string](t, e.start("Known")); got != "known" {
			t.Fatalf("Known = %q", got)
		}
		if got := testenv.Result[string](t, e.start("Anything", "x")); got != "Anything:x" {
			t.Fatalf("dynamic = %q, want Anything:x", got)
		}
	})
}
