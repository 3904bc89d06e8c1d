package worker_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestLogAttributes checks that workflow, activity and local activity
// logs carry the standard attributes, through the user's slog.Handler.
func TestLogAttributes(t *testing.T) {
	e := newEnv(t)
	var logs testenv.LogBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	e.worker(worker.Options{Logger: log}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Logs", func(ctx workflow.Context) error {
			workflow.GetLogger(ctx).Info("from workflow")
			opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
			if _, err := workflow.ExecuteActivity[struct{}](ctx, opts, "Say").Get(ctx); err != nil {
				return err
			}
			_, err := workflow.ExecuteLocalActivity[struct{}](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Say").Get(ctx)
			return err
		}))
		testenv.Must(t, w.RegisterActivity("Say", func(ctx context.Context) error {
			activity.GetLogger(ctx).Info("from activity", "is_local", activity.GetInfo(ctx).IsLocal)
			return nil
		}))
	})
	h := e.start("Logs")
	testenv.Must(t, h.Get(testenv.Context(t), nil))
	common := []string{"namespace=default", "task_queue=" + e.tq, "workflow_id=" + h.ID(), "run_id=" + h.RunID(), "workflow_type=Logs", "attempt=1"}
	for _, c := range []struct{ msg string }{{"from workflow"}, {"is_local=false"}, {"is_local=true"}} {
		lines := logs.Lines(c.msg)
		if len(lines) != 1 {
			t.Errorf("%d lines with %q, want 1:\n%s", len(lines), c.msg, logs.String())
			continue
		}
		want := common
		if strings.Contains(c.msg, "is_local") {
			want = append(want[:len(want):len(want)], "activity_type=Say")
		}
		for _, w := range want {
			if n := strings.Count(lines[0], " "+w); n != 1 {
				t.Errorf("log line %q has %s %d times, want once", lines[0], w, n)
			}
		}
	}
}
