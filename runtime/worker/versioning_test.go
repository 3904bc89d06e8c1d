package worker_test

import (
	"log/slog"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestVersioningBehaviorWithoutDeployment registers pinned and
// auto-upgrade workflows on a worker without deployment versioning: the
// server rejects completions that carry a behavior from such a worker, so
// the behavior must not be sent, and the worker warns once that it has no
// effect.
func TestVersioningBehaviorWithoutDeployment(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		var logs testenv.LogBuffer
		log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
		echo := func(ctx workflow.Context, in *commonpb.Payloads) (*commonpb.Payloads, error) {
			if err := workflow.Sleep(ctx, time.Millisecond); err != nil { // a second workflow task
				return nil, err
			}
			return in, nil
		}
		e.worker(worker.Options{CacheSize: cacheSize, Logger: log}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflowFuncWithOptions("Pinned", echo, worker.RegisterOptions{VersioningBehavior: enumspb.VERSIONING_BEHAVIOR_PINNED}))
			testenv.Must(t, w.RegisterWorkflowFuncWithOptions("AutoUpgrade", echo, worker.RegisterOptions{VersioningBehavior: enumspb.VERSIONING_BEHAVIOR_AUTO_UPGRADE}))
		})
		for _, wt := range []string{"Pinned", "AutoUpgrade"} {
			h := e.start(wt, wt)
			if got := testenv.Result[string](t, h); got != wt {
				t.Errorf("%s = %q", wt, got)
			}
			evs := testenv.History(t, h)
			if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
				t.Errorf("%s: %d failed workflow tasks:\n%s", wt, n, testenv.FormatHistory(evs))
			}
		}
		if n := len(logs.Lines("versioning behavior has no effect")); n != 1 {
			t.Errorf("%d versioning warnings, want 1:\n%s", n, logs.String())
		}
	})
}
