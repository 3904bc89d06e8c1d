package worker_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

var echoOpts = workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}

func echo(_ context.Context, s string) (string, error) { return "echo " + s, nil }

// activityThenTimer is the recorded version of the workflow.
func activityThenTimer(ctx workflow.Context, d time.Duration) (string, error) {
	s, err := workflow.ExecuteActivity[string](ctx, echoOpts, "Echo", "a").Get(ctx)
	if err != nil {
		return "", err
	}
	if err := workflow.Sleep(ctx, d); err != nil {
		return "", err
	}
	return s, nil
}

// timerThenActivity swaps the two steps.
func timerThenActivity(ctx workflow.Context, d time.Duration) (string, error) {
	if err := workflow.Sleep(ctx, d); err != nil {
		return "", err
	}
	return workflow.ExecuteActivity[string](ctx, echoOpts, "Echo", "a").Get(ctx)
}

// renamedActivity calls another activity type.
func renamedActivity(ctx workflow.Context, d time.Duration) (string, error) {
	s, err := workflow.ExecuteActivity[string](ctx, echoOpts, "Echo2", "a").Get(ctx)
	if err != nil {
		return "", err
	}
	if err := workflow.Sleep(ctx, d); err != nil {
		return "", err
	}
	return s, nil
}

func TestReplayNondeterminism(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Evolving", activityThenTimer))
			testenv.Must(t, w.RegisterActivity("Echo", echo))
		})
		h := e.start("Evolving", 100*time.Millisecond)
		if got := testenv.Result[string](t, h); got != "echo a" {
			t.Fatalf("result %q", got)
		}
		hist, err := h.FetchHistory(testenv.Context(t))
		testenv.Must(t, err)
		scheduled := testenv.First(hist.Events, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).GetEventId()

		replay := func(fn any) error {
			r := worker.NewReplayer(worker.ReplayerOptions{})
			testenv.Must(t, r.RegisterWorkflow("Evolving", fn))
			return r.ReplayHistory(h.ID(), h.RunID(), hist)
		}
		if err := replay(activityThenTimer); err != nil {
			t.Fatalf("the unchanged workflow does not replay: %v", err)
		}

		for _, tc := range []struct {
			name             string
			fn               any
			expected, actual []string
		}{
			{"Reordered", timerThenActivity, []string{"ActivityTaskScheduled", "Echo"}, []string{"StartTimer"}},
			{"RenamedActivity", renamedActivity, []string{"ActivityTaskScheduled", "Echo"}, []string{"ScheduleActivityTask", "Echo2"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := replay(tc.fn)
				var re *worker.ReplayError
				var nd *temporal.NondeterminismError
				if !errors.As(err, &re) || !errors.As(err, &nd) {
					t.Fatalf("replay error = %v (%T), want a *worker.ReplayError wrapping a *temporal.NondeterminismError", err, err)
				}
				if re.WorkflowID != h.ID() || nd.WorkflowID != h.ID() || nd.RunID != h.RunID() {
					t.Errorf("error names workflow %q/%q run %q, want %q run %q", re.WorkflowID, nd.WorkflowID, nd.RunID, h.ID(), h.RunID())
				}
				if nd.EventID != scheduled {
					t.Errorf("EventID = %d, want %d (the ActivityTaskScheduled event)", nd.EventID, scheduled)
				}
				for _, s := range tc.expected {
					if !strings.Contains(nd.Expected, s) {
						t.Errorf("Expected %q does not mention %q", nd.Expected, s)
					}
				}
				for _, s := range tc.actual {
					if !strings.Contains(nd.Actual, s) {
						t.Errorf("Actual %q does not mention %q", nd.Actual, s)
					}
				}
				msg := err.Error()
				for _, s := range []string{"[TMPRL1100]", fmt.Sprint(scheduled), nd.Expected, nd.Actual} {
					if !strings.Contains(msg, s) {
						t.Errorf("message %q does not contain %q", msg, s)
					}
				}
			})
		}
	})
}

// TestNondeterminismOnWorker has a worker running changed code receive the
// rest of a workflow that an older worker started.
func TestNondeterminismOnWorker(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		a := e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Evolving", activityThenTimer))
			testenv.Must(t, w.RegisterActivity("Echo", echo))
		})
		h := e.start("Evolving", time.Hour)
		testenv.TerminateAtEnd(t, h)
		testenv.WaitHistory(t, h, "the timer to start", testenv.HasEvent(enumspb.EVENT_TYPE_TIMER_STARTED))
		a.Stop()

		// The new worker has a cache of the same size, but the run is not in
		// it: it replays the whole history.
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Evolving", timerThenActivity))
			testenv.Must(t, w.RegisterActivity("Echo", echo))
		})
		// A signal makes a new workflow task.
		testenv.Must(t, h.Signal(testenv.Context(t), "poke"))
		evs := testenv.WaitHistory(t, h, "a failed workflow task", testenv.HasEvent(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED))
		f := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED).GetWorkflowTaskFailedEventAttributes()
		if f.Cause != enumspb.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR {
			t.Errorf("cause %s, want NON_DETERMINISTIC_ERROR", f.Cause)
		}
		msg := f.GetFailure().GetMessage()
		for _, s := range []string{"[TMPRL1100]", "StartTimer", "ActivityTaskScheduled", h.ID()} {
			if !strings.Contains(msg, s) {
				t.Errorf("failure message %q does not contain %q", msg, s)
			}
		}
	})
}
