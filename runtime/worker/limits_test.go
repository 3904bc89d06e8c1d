package worker_test

// Server limits: each has a clear outcome, never a silent hang.

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

const (
	overBlobLimit = 3 << 20 // the server's blob size limit is 2 MiB
	overGRPCLimit = 5 << 20 // its gRPC message limit is 4 MiB
)

// taskFailedWith returns a history condition: a WorkflowTaskFailed event
// with cause whose message contains msg.
func taskFailedWith(cause enumspb.WorkflowTaskFailedCause, msg string) func([]*historypb.HistoryEvent) bool {
	return func(evs []*historypb.HistoryEvent) bool {
		for _, e := range evs {
			a := e.GetWorkflowTaskFailedEventAttributes()
			if a != nil && a.GetCause() == cause && strings.Contains(a.GetFailure().GetMessage(), msg) {
				return true
			}
		}
		return false
	}
}

// TestPayloadLimits: payloads over the server's blob size limit and
// requests over its gRPC message limit fail at once with the server's
// reason (a start is not retried); a too-large activity result fails the
// activity; a too-large workflow result or task completion fails the
// workflow task with the cause the server gives, visible in history.
func TestPayloadLimits(t *testing.T) {
	e := newEnv(t)
	e.worker(worker.Options{CacheSize: worker.DefaultCacheSize}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("BigResult", func(_ workflow.Context, n int) (string, error) { return strings.Repeat("r", n), nil }))
		testenv.Must(t, w.RegisterWorkflow("BigActivityResult", func(ctx workflow.Context, n int) (string, error) {
			opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
			_, err := workflow.ExecuteActivity[string](ctx, opts, "Big", n).Get(ctx)
			var ae *temporal.ActivityError
			if !errors.As(err, &ae) {
				return "", errors.New("no activity error")
			}
			return ae.Unwrap().Error(), nil
		}))
		testenv.Must(t, w.RegisterWorkflow("BigCompletion", func(ctx workflow.Context, n int) error {
			opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
			var fs []workflow.Future[string]
			for range 5 { // five 1 MiB inputs: 5 MiB of commands
				fs = append(fs, workflow.ExecuteActivity[string](ctx, opts, "Big", strings.Repeat("i", n)))
			}
			for _, f := range fs {
				if _, err := f.Get(ctx); err != nil {
					return err
				}
			}
			return nil
		}))
		testenv.Must(t, w.RegisterActivity("Big", func(_ context.Context, n int) (string, error) { return strings.Repeat("a", n), nil }))
	})
	ctx := testenv.Context(t)

	_, err := e.c.StartWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: e.tq}, "BigResult", strings.Repeat("x", overBlobLimit))
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "Blob data size exceeds limit") {
		t.Errorf("start with a 3 MiB argument: %v, want InvalidArgument: Blob data size exceeds limit", err)
	}
	_, err = e.c.StartWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: e.tq}, "BigResult", strings.Repeat("x", overGRPCLimit))
	if !client.IsMessageTooLarge(err) || strings.Contains(err.Error(), "gave up after") {
		t.Errorf("start with a 5 MiB argument: %v, want a message-too-large error after one attempt", err)
	}

	got := testenv.Result[string](t, e.start("BigActivityResult", overBlobLimit))
	if !strings.Contains(got, "exceeds size limit") {
		t.Errorf("activity failure %q, want the server's size limit message", got)
	}

	h := e.start("BigResult", overBlobLimit)
	testenv.WaitHistory(t, h, "the too-large result to fail the workflow task",
		taskFailedWith(enumspb.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, "Result exceeds size limit"))

	h = e.start("BigCompletion", 1<<20)
	testenv.TerminateAtEnd(t, h)
	testenv.WaitHistory(t, h, "the too-large completion to fail the workflow task",
		taskFailedWith(enumspb.WORKFLOW_TASK_FAILED_CAUSE_GRPC_MESSAGE_TOO_LARGE, "larger than the server accepts"))
}

// TestPendingActivitiesLimit: a workflow that schedules 10,000
// activities at once, past the server's limit of pending activities per
// workflow (2,000 by default), gets its workflow task failed with cause
// PendingActivitiesLimitExceeded; the worker stays healthy and serves
// the next workflow.
func TestPendingActivitiesLimit(t *testing.T) {
	e := newEnv(t)
	e.worker(worker.Options{CacheSize: worker.DefaultCacheSize}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Many", func(ctx workflow.Context, n int) (int, error) {
			opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
			var fs []workflow.Future[struct{}]
			for range n {
				fs = append(fs, workflow.ExecuteActivity[struct{}](ctx, opts, "Nop"))
			}
			for _, f := range fs {
				if _, err := f.Get(ctx); err != nil {
					return 0, err
				}
			}
			return n, nil
		}))
		testenv.Must(t, w.RegisterActivity("Nop", func(context.Context) error { return nil }))
	})
	h := e.start("Many", 10000)
	testenv.TerminateAtEnd(t, h)
	testenv.WaitHistory(t, h, "the task to fail on the pending activities limit",
		taskFailedWith(enumspb.WORKFLOW_TASK_FAILED_CAUSE_PENDING_ACTIVITIES_LIMIT_EXCEEDED, "per-workflow limit"))
	if got := testenv.Result[int](t, e.start("Many", 3)); got != 3 {
		t.Errorf("next workflow returned %d, want 3", got)
	}
}

// TestContinueAsNewSuggested: past the server's suggested history length
// (lowered to 40 events here), workflow.GetInfo reports
// ContinueAsNewSuggested, and the workflow can act on it.
func TestContinueAsNewSuggested(t *testing.T) {
	s, err := devserver.Start(devserver.Options{DynamicConfig: map[string]string{"limit.historyCount.suggestContinueAsNew": "40"}})
	testenv.Must(t, err)
	t.Cleanup(func() { _ = s.Stop() })
	log := testenv.Logger(t, slog.LevelWarn)
	c := testenv.Dial(t, s, client.Options{Logger: log})
	tq := testenv.UniqueID("tq-" + t.Name())
	testenv.StartWorker(t, c, tq, worker.Options{CacheSize: worker.DefaultCacheSize, Logger: log}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Long", func(ctx workflow.Context) (int64, error) {
			for range 100 {
				if info := workflow.GetInfo(ctx); info.ContinueAsNewSuggested {
					return info.HistoryLength, nil
				}
				if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
					return 0, err
				}
			}
			return 0, errors.New("never suggested")
		}))
	})
	n := testenv.Result[int64](t, testenv.Start(t, c, tq, client.StartWorkflowOptions{}, "Long"))
	if n < 40 || n > 60 {
		t.Errorf("suggested at history length %d, want just past 40", n)
	}
}
