package worker_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// cancellableWorkflow sleeps for an hour; when cancelled it runs a cleanup
// activity on a disconnected context and returns the cancellation.
func cancellableWorkflow(ctx workflow.Context) (string, error) {
	err := workflow.Sleep(ctx, time.Hour)
	if err == nil {
		return "slept an hour", nil
	}
	if !temporal.IsCanceledError(err) {
		return "", fmt.Errorf("sleep: unexpected error %w", err)
	}
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	if _, aerr := workflow.ExecuteActivity[string](dctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Cleanup").Get(dctx); aerr != nil {
		return "", fmt.Errorf("cleanup: %w", aerr)
	}
	return "", err
}

func TestWorkflowCancelFromClient(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		var cleanups atomic.Int32
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Cancellable", cancellableWorkflow))
			testenv.Must(t, w.RegisterActivity("Cleanup", func(context.Context) (string, error) {
				cleanups.Add(1)
				return "cleaned", nil
			}))
		})
		h := e.start("Cancellable")
		testenv.WaitHistory(t, h, "the timer to start", testenv.HasEvent(enumspb.EVENT_TYPE_TIMER_STARTED))
		testenv.Must(t, h.Cancel(testenv.Context(t)))

		err := h.Get(testenv.Context(t), nil)
		var wee *temporal.WorkflowExecutionError
		var ce *temporal.CanceledError
		if !errors.As(err, &wee) || !errors.As(err, &ce) {
			t.Fatalf("Get = %v (%T), want a WorkflowExecutionError wrapping a CanceledError\nhistory:\n%s", err, err, testenv.DumpHistory(h))
		}
		evs := testenv.History(t, h)
		for _, et := range []enumspb.EventType{
			enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
			enumspb.EVENT_TYPE_TIMER_CANCELED,
			enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
			enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
		} {
			if testenv.Count(evs, et) != 1 {
				t.Errorf("want one %s event; history:\n%s", et, testenv.FormatHistory(evs))
			}
		}
		if a := testenv.First(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED); a.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() != "Cleanup" {
			t.Errorf("scheduled activity %v, want Cleanup", a)
		}
		if n := cleanups.Load(); n != 1 {
			t.Errorf("cleanup activity ran %d times, want 1", n)
		}
	})
}

type badInputDetail struct {
	Field string `json:"field"`
	Code  int    `json:"code"`
}

func TestWorkflowApplicationError(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Rejecting", func(ctx workflow.Context, field string) (string, error) {
				return "", temporal.NewApplicationError("bad input", "BadInput", badInputDetail{Field: field, Code: 42})
			}))
		})
		h := e.start("Rejecting", "email")
		_, err := client.Result[string](testenv.Context(t), h)
		var wee *temporal.WorkflowExecutionError
		var app *temporal.ApplicationError
		if !errors.As(err, &wee) || !errors.As(err, &app) {
			t.Fatalf("Result error = %v (%T), want a WorkflowExecutionError wrapping an ApplicationError", err, err)
		}
		if app.Type() != "BadInput" || app.Message() != "bad input" || app.NonRetryable() {
			t.Errorf("ApplicationError type %q message %q nonRetryable %v, want BadInput, \"bad input\", false", app.Type(), app.Message(), app.NonRetryable())
		}
		var d badInputDetail
		if err := app.Details(&d); err != nil {
			t.Fatalf("Details: %v", err)
		}
		if d != (badInputDetail{Field: "email", Code: 42}) {
			t.Errorf("details = %+v", d)
		}
	})
}

type randomDraw struct {
	UUID string `json:"uuid"`
	N    int64  `json:"n"`
	F    float64
}

// randomWorkflow draws a UUID and numbers, hands them to an activity (so
// history records them), waits on a timer and returns them: with no cache
// the last task replays and draws them again.
func randomWorkflow(ctx workflow.Context) (randomDraw, error) {
	d := randomDraw{UUID: workflow.UUID4(ctx), N: workflow.Random(ctx).Int64(), F: workflow.Random(ctx).Float64()}
	if _, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Record", d).Get(ctx); err != nil {
		return randomDraw{}, err
	}
	if err := workflow.Sleep(ctx, 500*time.Millisecond); err != nil {
		return randomDraw{}, err
	}
	return d, nil
}

var uuid4RE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestRandomAndUUIDDeterministic(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		var mu sync.Mutex
		var recorded []randomDraw
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Random", randomWorkflow))
			testenv.Must(t, w.RegisterActivity("Record", func(_ context.Context, d randomDraw) (string, error) {
				mu.Lock()
				defer mu.Unlock()
				recorded = append(recorded, d)
				return "ok", nil
			}))
		})
		h := e.start("Random")
		got := testenv.Result[randomDraw](t, h)
		mu.Lock()
		if len(recorded) != 1 || recorded[0] != got {
			t.Errorf("activity saw %+v, workflow returned %+v: want the same single draw", recorded, got)
		}
		mu.Unlock()
		if !uuid4RE.MatchString(got.UUID) {
			t.Errorf("UUID4 %q is not a version 4 UUID", got.UUID)
		}
		if got.N == 0 && got.F == 0 {
			t.Errorf("random draws are zero: %+v", got)
		}

		// A second run draws different values.
		if other := testenv.Result[randomDraw](t, e.start("Random")); other.UUID == got.UUID {
			t.Errorf("two runs drew the same UUID %s", got.UUID)
		}

		hist, err := h.FetchHistory(testenv.Context(t))
		testenv.Must(t, err)
		r := worker.NewReplayer(worker.ReplayerOptions{})
		testenv.Must(t, r.RegisterWorkflow("Random", randomWorkflow))
		if err := r.ReplayHistory(h.ID(), h.RunID(), hist); err != nil {
			t.Errorf("replaying the finished history: %v", err)
		}
	})
}

type infoSnapshot struct {
	Namespace        string
	WorkflowID       string
	RunID            string
	WorkflowType     string
	TaskQueue        string
	Attempt          int32
	StartTime        time.Time
	ExecutionTimeout time.Duration
	RunTimeout       time.Duration
	TaskTimeout      time.Duration
	RetryPolicy      *temporal.RetryPolicy
}

func TestWorkflowInfo(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Info", func(ctx workflow.Context) (infoSnapshot, error) {
				// A timer first, so that without a cache the info comes
				// from a replay.
				if err := workflow.Sleep(ctx, 100*time.Millisecond); err != nil {
					return infoSnapshot{}, err
				}
				in := workflow.GetInfo(ctx)
				return infoSnapshot{
					Namespace: in.Namespace, WorkflowID: in.WorkflowID, RunID: in.RunID,
					WorkflowType: in.WorkflowType, TaskQueue: in.TaskQueue, Attempt: in.Attempt,
					StartTime: in.StartTime, ExecutionTimeout: in.ExecutionTimeout,
					RunTimeout: in.RunTimeout, TaskTimeout: in.TaskTimeout, RetryPolicy: in.RetryPolicy,
				}, nil
			}))
		})
		retry := &temporal.RetryPolicy{
			InitialInterval:        2 * time.Second,
			BackoffCoefficient:     3,
			MaximumInterval:        time.Minute,
			MaximumAttempts:        4,
			NonRetryableErrorTypes: []string{"Fatal"},
		}
		before := time.Now()
		h := e.startOpts(client.StartWorkflowOptions{
			WorkflowExecutionTimeout: time.Hour,
			WorkflowRunTimeout:       30 * time.Minute,
			WorkflowTaskTimeout:      7 * time.Second,
			RetryPolicy:              retry,
		}, "Info")
		got := testenv.Result[infoSnapshot](t, h)
		started := testenv.First(testenv.History(t, h), enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).GetEventTime().AsTime()

		want := infoSnapshot{
			Namespace: srv.Namespace(), WorkflowID: h.ID(), RunID: h.RunID(),
			WorkflowType: "Info", TaskQueue: e.tq, Attempt: 1,
			StartTime: started, ExecutionTimeout: time.Hour, RunTimeout: 30 * time.Minute,
			TaskTimeout: 7 * time.Second,
		}
		gotRetry := got.RetryPolicy
		got.RetryPolicy = nil
		if !got.StartTime.Equal(want.StartTime) {
			t.Errorf("StartTime = %v, want the WorkflowExecutionStarted time %v", got.StartTime, want.StartTime)
		}
		if d := got.StartTime.Sub(before); d < -time.Minute || d > time.Minute {
			t.Errorf("StartTime %v is far from the time the test started the workflow (%v)", got.StartTime, before)
		}
		got.StartTime = want.StartTime
		if got != want {
			t.Errorf("GetInfo:\n got %+v\nwant %+v", got, want)
		}
		if gotRetry == nil || gotRetry.InitialInterval != retry.InitialInterval || gotRetry.BackoffCoefficient != retry.BackoffCoefficient ||
			gotRetry.MaximumInterval != retry.MaximumInterval || gotRetry.MaximumAttempts != retry.MaximumAttempts ||
			!slices.Equal(gotRetry.NonRetryableErrorTypes, retry.NonRetryableErrorTypes) {
			t.Errorf("RetryPolicy = %+v, want %+v", gotRetry, retry)
		}
	})
}

// coordinationWorkflow has two coroutines coordinate through a shared
// variable with Await, and checks both outcomes of AwaitWithTimeout. Each
// step waits for the previous one, so the outcome does not depend on when
// timers fire.
func coordinationWorkflow(ctx workflow.Context) ([]string, error) {
	var log []string
	stage := 0
	workflow.Go(ctx, func(ctx workflow.Context) {
		if err := workflow.Await(ctx, func() bool { return stage == 1 }); err != nil {
			log = append(log, "child await 1: "+err.Error())
			return
		}
		log = append(log, "child saw 1")
		if err := workflow.Sleep(ctx, 100*time.Millisecond); err != nil {
			log = append(log, "child sleep: "+err.Error())
			return
		}
		stage = 2
		if err := workflow.Await(ctx, func() bool { return stage == 3 }); err != nil {
			log = append(log, "child await 3: "+err.Error())
			return
		}
		log = append(log, "child saw 3")
		stage = 4
	})
	// Never true: times out on its durable timer.
	ok, err := workflow.AwaitWithTimeout(ctx, 100*time.Millisecond, func() bool { return stage == 99 })
	log = append(log, fmt.Sprintf("timeout wait: %v %v", ok, err))
	stage = 1
	// Becomes true when the child's timer fires, long before the hour.
	ok, err = workflow.AwaitWithTimeout(ctx, time.Hour, func() bool { return stage == 2 })
	log = append(log, fmt.Sprintf("met wait: %v %v", ok, err))
	stage = 3
	if err := workflow.Await(ctx, func() bool { return stage == 4 }); err != nil {
		return nil, err
	}
	log = append(log, "main saw 4")
	return log, nil
}

func TestGoAndAwait(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Coordination", coordinationWorkflow))
		})
		h := e.start("Coordination")
		got := testenv.Result[[]string](t, h)
		want := []string{"timeout wait: false <nil>", "child saw 1", "met wait: true <nil>", "child saw 3", "main saw 4"}
		if !slices.Equal(got, want) {
			t.Errorf("log = %q\nwant %q", got, want)
		}
		evs := testenv.History(t, h)
		if s, f, c := testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_STARTED), testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_FIRED), testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_CANCELED); s != 3 || f != 2 || c != 1 {
			t.Errorf("timers started/fired/canceled = %d/%d/%d, want 3/2/1 (the hour timer cancelled); history:\n%s", s, f, c, testenv.FormatHistory(evs))
		}
	})
}

type typedInput struct {
	N int `json:"n"`
}

func TestBadInput(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("WrongResultType", func(ctx workflow.Context) (string, error) {
				n, err := workflow.ExecuteActivity[int](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "ReturnsString").Get(ctx)
				if err == nil {
					return fmt.Sprintf("no error, got %d", n), nil
				}
				// The workflow keeps running after the decode error.
				if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
					return "", err
				}
				return err.Error(), nil
			}))
			testenv.Must(t, w.RegisterWorkflow("TypedInput", func(ctx workflow.Context, in typedInput) (int, error) {
				return in.N, nil
			}))
			testenv.Must(t, w.RegisterActivity("ReturnsString", func(context.Context) (string, error) { return "not a number", nil }))
		})

		t.Run("ActivityResult", func(t *testing.T) {
			h := e.start("WrongResultType")
			got := testenv.Result[string](t, h)
			if !regexp.MustCompile(`\bint\b`).MatchString(got) {
				t.Errorf("workflow result %q does not name int", got)
			}
			if testenv.Count(testenv.History(t, h), enumspb.EVENT_TYPE_TIMER_FIRED) != 1 {
				t.Errorf("the workflow did not go on after the decode error")
			}
		})
		t.Run("WorkflowArgument", func(t *testing.T) {
			h := e.start("TypedInput", "not an object")
			_, err := client.Result[int](testenv.Context(t), h)
			var app *temporal.ApplicationError
			if !errors.As(err, &app) || app.Type() != "ArgumentDecodeError" {
				t.Fatalf("Result error = %v, want an ApplicationError of type ArgumentDecodeError", err)
			}
			if !app.NonRetryable() {
				t.Errorf("ArgumentDecodeError should be non-retryable")
			}
			if !strings.Contains(app.Message(), "typedInput") {
				t.Errorf("message %q does not name the parameter type", app.Message())
			}
		})
	})
}
