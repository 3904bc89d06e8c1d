package conformance

// Features: local_activity/* (backoff_with_persistent_timer, cancel_*,
// complete_eventually, complete_immediately, concurrent, serial,
// non_retryable_error_*, retry_on_error, shutdown_sends_cancellation,
// complete_after_shutdown) and the Python suite's
// test_workflow_local_activity_backoff.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

const localMarker = "core_local_activity"

func localMarkers(evs []*historypb.HistoryEvent) []*historypb.HistoryEvent {
	var out []*historypb.HistoryEvent
	for _, ev := range all(evs, enumspb.EVENT_TYPE_MARKER_RECORDED) {
		if ev.GetMarkerRecordedEventAttributes().MarkerName == localMarker {
			out = append(out, ev)
		}
	}
	return out
}

// markerAttempt reads the attempt recorded in a local activity marker.
func markerAttempt(ev *historypb.HistoryEvent) int32 {
	var d struct {
		Attempt int32 `json:"attempt"`
	}
	ps := ev.GetMarkerRecordedEventAttributes().GetDetails()["data"].GetPayloads()
	if len(ps) > 0 {
		_ = json.Unmarshal(ps[0].GetData(), &d)
	}
	return d.Attempt
}

// nothingRemote checks that local activities left no activity events.
func nothingRemote(t *testing.T, evs []*historypb.HistoryEvent) {
	t.Helper()
	if n := testenv.Count(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED); n != 0 {
		t.Errorf("local activities sent %d activity commands to the server:\n%s", n, testenv.FormatHistory(evs))
	}
}

// TestLocalActivityBackoffWithPersistentTimer: retries whose backoff is
// past the local retry threshold are a marker plus a durable timer each;
// the test_workflow_local_activity_backoff shape (fail twice, succeed) is
// 2 timers and 3 markers here, one marker per attempt series.
func TestLocalActivityBackoffWithPersistentTimer(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var runs atomic.Int32
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("FailTwice", func(ctx context.Context) (int32, error) {
				runs.Add(1)
				if a := activity.GetInfo(ctx).Attempt; a <= 2 {
					return 0, temporal.NewApplicationError(fmt.Sprintf("attempt %d", a), "NotYet")
				}
				return activity.GetInfo(ctx).Attempt, nil
			}))
			testenv.Must(t, w.RegisterWorkflow("LocalBackoff", func(ctx workflow.Context) (int32, error) {
				return workflow.ExecuteLocalActivity[int32](ctx, workflow.LocalActivityOptions{
					StartToCloseTimeout: 10 * time.Second,
					RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 200 * time.Millisecond, BackoffCoefficient: 1, MaximumAttempts: 5},
					LocalRetryThreshold: 100 * time.Millisecond,
				}, "FailTwice").Get(ctx)
			}))
		})
		h := e.start("LocalBackoff")
		if got := result[int32](e, h); got != 3 {
			t.Errorf("succeeded on attempt %d, want 3", got)
		}
		if n := runs.Load(); n != 3 {
			t.Errorf("%d executions, want 3", n)
		}
		evs := e.history(h)
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_STARTED); n != 2 {
			t.Errorf("%d timers, want 2:\n%s", n, testenv.FormatHistory(evs))
		}
		ms := localMarkers(evs)
		if len(ms) != 3 {
			t.Fatalf("%d markers, want 3:\n%s", len(ms), testenv.FormatHistory(evs))
		}
		for i, m := range ms {
			if got := markerAttempt(m); got != int32(i+1) {
				t.Errorf("marker %d records attempt %d", i, got)
			}
		}
		if ms[2].GetMarkerRecordedEventAttributes().GetFailure() != nil {
			t.Errorf("the last marker records a failure")
		}
		nothingRemote(t, evs)
	})
}

// TestLocalActivityCompletes covers complete_immediately, serial and
// concurrent: a workflow task runs local activities in sequence and in
// parallel, and every marker goes out with the first completion.
func TestLocalActivityCompletes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Echo", echo))
			testenv.Must(t, w.RegisterWorkflow("Locals", func(ctx workflow.Context) ([]string, error) {
				opts := workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}
				var out []string
				for i := range 2 {
					s, err := workflow.ExecuteLocalActivity[string](ctx, opts, "Echo", fmt.Sprint("serial", i)).Get(ctx)
					if err != nil {
						return nil, err
					}
					out = append(out, s)
				}
				var fs []workflow.Future[string]
				for i := range 3 {
					fs = append(fs, workflow.ExecuteLocalActivity[string](ctx, opts, "Echo", fmt.Sprint("concurrent", i)))
				}
				for _, f := range fs {
					s, err := f.Get(ctx)
					if err != nil {
						return nil, err
					}
					out = append(out, s)
				}
				return out, nil
			}))
		})
		h := e.start("Locals")
		got := result[[]string](e, h)
		if fmt.Sprint(got) != "[echo serial0 echo serial1 echo concurrent0 echo concurrent1 echo concurrent2]" {
			t.Errorf("result %q", got)
		}
		evs := e.history(h)
		ms := localMarkers(evs)
		if len(ms) != 5 {
			t.Fatalf("%d markers, want 5:\n%s", len(ms), testenv.FormatHistory(evs))
		}
		for _, m := range ms {
			if m.GetMarkerRecordedEventAttributes().WorkflowTaskCompletedEventId != 4 {
				t.Errorf("marker %d recorded by workflow task %d, want the first (4):\n%s", m.EventId,
					m.GetMarkerRecordedEventAttributes().WorkflowTaskCompletedEventId, testenv.FormatHistory(evs))
			}
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED); n != 1 {
			t.Errorf("%d workflow tasks, want 1", n)
		}
		nothingRemote(t, evs)
	})
}

// TestLocalActivityCompleteEventually: a local activity that outlives the
// workflow task timeout completes; the worker heartbeats the workflow task
// so that it never times out.
func TestLocalActivityCompleteEventually(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Slow", func(ctx context.Context) (string, error) {
				select {
				case <-time.After(3 * time.Second):
					return "done", nil
				case <-ctx.Done():
					return "", ctx.Err()
				}
			}))
			testenv.Must(t, w.RegisterWorkflow("SlowLocal", func(ctx workflow.Context) (string, error) {
				return workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Slow").Get(ctx)
			}))
		})
		h := e.startOpts(client.StartWorkflowOptions{WorkflowTaskTimeout: 2 * time.Second}, "SlowLocal")
		if got := result[string](e, h); got != "done" {
			t.Errorf("result %q", got)
		}
		evs := e.history(h)
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
			t.Errorf("%d workflow task timeouts or failures:\n%s", n, testenv.FormatHistory(evs))
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED); n < 2 {
			t.Errorf("no workflow task heartbeat:\n%s", testenv.FormatHistory(evs))
		}
		if len(localMarkers(evs)) != 1 {
			t.Errorf("want one marker:\n%s", testenv.FormatHistory(evs))
		}
	})
}

// TestLocalActivityErrors covers retry_on_error (5 attempts, the last
// error reaches the workflow), non_retryable_error_from_activity and
// non_retryable_error_in_options (one attempt each).
func TestLocalActivityErrors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var runs [3]atomic.Int32
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Fails", func(ctx context.Context, mode int) error {
				runs[mode].Add(1)
				a := activity.GetInfo(ctx).Attempt
				switch mode {
				case 1:
					return temporal.NewNonRetryableApplicationError(fmt.Sprintf("attempt %d", a), "Fatal", nil)
				case 2:
					return temporal.NewApplicationError(fmt.Sprintf("attempt %d", a), "ListedAsFatal")
				}
				return temporal.NewApplicationError(fmt.Sprintf("attempt %d", a), "Retryable")
			}))
			testenv.Must(t, w.RegisterWorkflow("LocalErrors", func(ctx workflow.Context) ([]string, error) {
				var out []string
				for mode := range 3 {
					_, err := workflow.ExecuteLocalActivity[struct{}](ctx, workflow.LocalActivityOptions{
						StartToCloseTimeout: 10 * time.Second,
						RetryPolicy: &temporal.RetryPolicy{InitialInterval: 10 * time.Millisecond, BackoffCoefficient: 1,
							MaximumAttempts: 5, NonRetryableErrorTypes: []string{"ListedAsFatal"}},
					}, "Fails", mode).Get(ctx)
					var ae *temporal.ActivityError
					var app *temporal.ApplicationError
					if !errors.As(err, &ae) || !errors.As(err, &app) {
						return nil, fmt.Errorf("mode %d: %v is not an ActivityError wrapping an ApplicationError", mode, err)
					}
					out = append(out, app.Type()+" "+app.Message())
				}
				return out, nil
			}))
		})
		h := e.start("LocalErrors")
		got := result[[]string](e, h)
		if fmt.Sprint(got) != "[Retryable attempt 5 Fatal attempt 1 ListedAsFatal attempt 1]" {
			t.Errorf("result %q", got)
		}
		for mode, want := range []int32{5, 1, 1} {
			if n := runs[mode].Load(); n != want {
				t.Errorf("mode %d ran %d times, want %d", mode, n, want)
			}
		}
		nothingRemote(t, e.history(h))
	})
}

// TestLocalActivityCancellation covers cancel_try_cancel,
// cancel_wait_completed and cancel_abandon: the workflow cancels a running
// local activity (after a timer that fires during the workflow task
// heartbeat); nothing about it is sent to the server.
func TestLocalActivityCancellation(t *testing.T) {
	for _, tc := range []struct {
		ct             workflow.ActivityCancellationType
		activityTold   bool
		waitsForResult bool
	}{
		{workflow.ActivityCancellationTryCancel, true, false},
		{workflow.ActivityCancellationWaitCompleted, true, true},
		{workflow.ActivityCancellationAbandon, false, false},
	} {
		t.Run(tc.ct.String(), func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				var told atomic.Int64     // unix nanos when the activity saw the cancellation
				var returned atomic.Int64 // unix nanos when the activity returned
				e.worker(func(w *worker.Worker) {
					testenv.Must(t, w.RegisterActivity("Blocks", func(ctx context.Context) error {
						select {
						case <-ctx.Done():
							told.Store(time.Now().UnixNano())
							time.Sleep(500 * time.Millisecond) // simulated cleanup work after the cancellation
						case <-time.After(5 * time.Second):
						case <-e.done:
						}
						returned.Store(time.Now().UnixNano())
						return ctx.Err()
					}))
					testenv.Must(t, w.RegisterWorkflow("CancelLocal", func(ctx workflow.Context, ct workflow.ActivityCancellationType) (string, error) {
						lctx, cancel := workflow.WithCancel(ctx)
						f := workflow.ExecuteLocalActivity[struct{}](lctx, workflow.LocalActivityOptions{
							StartToCloseTimeout: 30 * time.Second, CancellationType: ct,
							RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1},
						}, "Blocks")
						if err := workflow.Sleep(ctx, 100*time.Millisecond); err != nil {
							return "", err
						}
						cancel()
						_, err := f.Get(ctx)
						// Keep running a while: an abandoned activity must
						// not be cancelled while its run is open.
						if err := workflow.Sleep(ctx, time.Second); err != nil {
							return "", err
						}
						return describeErr(err), nil
					}))
				})
				h := e.startOpts(client.StartWorkflowOptions{WorkflowTaskTimeout: 2 * time.Second}, "CancelLocal", tc.ct)
				got := result[string](e, h)
				closed := time.Now()
				if got != "canceled" {
					t.Errorf("workflow saw %q, want canceled", got)
				}
				// An abandoned activity is cancelled only when its run
				// closes. Nothing to wait for: a cancellation the
				// activity sees from now on is stamped after closed, so
				// it cannot count as one while the workflow ran.
				toldBeforeClose := told.Load() != 0 && time.Unix(0, told.Load()).Before(closed.Add(-500*time.Millisecond))
				if toldBeforeClose != tc.activityTold {
					t.Errorf("activity told of the cancellation while the workflow ran: %v, want %v", toldBeforeClose, tc.activityTold)
				}
				if tc.waitsForResult {
					if r := returned.Load(); r == 0 || time.Unix(0, r).After(closed) {
						t.Errorf("the workflow closed before the activity returned")
					}
				}
				evs := e.history(h)
				nothingRemote(t, evs)
				if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED, enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT); n != 0 {
					t.Errorf("%d workflow task failures:\n%s", n, testenv.FormatHistory(evs))
				}
			})
		})
	}
}

// TestLocalActivityShutdownSendsCancellation: stopping the worker cancels
// a running local activity's context once the grace period is over; the
// cancelled attempt leaves no marker (its workflow task fails), and a new
// worker runs it again and completes the workflow.
func TestLocalActivityShutdownSendsCancellation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var calls atomic.Int32
		started, canceled := make(chan struct{}, 1), make(chan struct{}, 1)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("UntilShutdown", func(ctx context.Context) (string, error) {
				if calls.Add(1) > 1 {
					return "second run", nil
				}
				started <- struct{}{}
				select {
				case <-ctx.Done():
					canceled <- struct{}{}
					return "", ctx.Err()
				case <-e.done:
					return "", errors.New("test over")
				}
			}))
			testenv.Must(t, w.RegisterWorkflow("LocalShutdown", func(ctx workflow.Context) (string, error) {
				return workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute}, "UntilShutdown").Get(ctx)
			}))
		})
		h := e.startOpts(client.StartWorkflowOptions{WorkflowTaskTimeout: 2 * time.Second}, "LocalShutdown")
		recv(t, started, "the local activity")
		e.mu.Lock()
		w := e.w
		e.w = nil
		e.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		stopped := make(chan struct{})
		go func() { _ = w.StopContext(ctx); close(stopped) }()
		select {
		case <-canceled:
		case <-time.After(5 * time.Second):
			t.Fatal("StopContext with a 500ms grace period did not cancel the running local activity within 5s")
		}
		recv(t, stopped, "the worker to stop")
		e.restartWorker()
		if got := result[string](e, h); got != "second run" {
			t.Errorf("result %q", got)
		}
		evs := e.history(h)
		if ms := localMarkers(evs); len(ms) != 1 || ms[0].GetMarkerRecordedEventAttributes().GetFailure() != nil {
			t.Errorf("want one marker, for the second run:\n%s", testenv.FormatHistory(evs))
		}
	})
}

// TestLocalActivityCompleteAfterShutdown: a local activity that finishes
// after worker shutdown began (within the grace period) completes its
// workflow task normally, with its marker; Stop returns after that.
func TestLocalActivityCompleteAfterShutdown(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		started, release := make(chan struct{}, 1), make(chan struct{})
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("FinishLate", func(ctx context.Context) (string, error) {
				started <- struct{}{}
				select {
				case <-release:
					return "finished during shutdown", nil
				case <-e.done:
					return "", errors.New("test over")
				}
			}))
			testenv.Must(t, w.RegisterWorkflow("LocalAfterShutdown", func(ctx workflow.Context) (string, error) {
				return workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute}, "FinishLate").Get(ctx)
			}))
		})
		h := e.start("LocalAfterShutdown")
		recv(t, started, "the local activity")
		e.mu.Lock()
		w := e.w
		e.w = nil
		e.mu.Unlock()
		stopped := make(chan struct{})
		go func() { _ = w.StopContext(e.ctx); close(stopped) }()
		select {
		case <-stopped:
			t.Fatal("Stop returned while a local activity was running")
		case <-time.After(300 * time.Millisecond):
		}
		close(release)
		recv(t, stopped, "the worker to stop")
		if got := result[string](e, h); got != "finished during shutdown" {
			t.Errorf("result %q", got)
		}
		evs := e.history(h)
		if len(localMarkers(evs)) != 1 {
			t.Errorf("want one marker:\n%s", testenv.FormatHistory(evs))
		}
	})
}

// TestLocalActivityCancelDuringBackoff is local_activity/cancel_failing:
// cancelling a local activity while it waits on its durable backoff timer
// cancels the timer and resolves the activity as cancelled at once.
func TestLocalActivityCancelDuringBackoff(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var runs atomic.Int32
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("AlwaysFails", func(ctx context.Context) error {
				runs.Add(1)
				return temporal.NewApplicationError("fails", "Fails")
			}))
			testenv.Must(t, w.RegisterWorkflow("CancelBackoff", func(ctx workflow.Context) (string, error) {
				lctx, cancel := workflow.WithCancel(ctx)
				f := workflow.ExecuteLocalActivity[struct{}](lctx, workflow.LocalActivityOptions{
					StartToCloseTimeout: 10 * time.Second,
					RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Hour, MaximumAttempts: 3},
					LocalRetryThreshold: time.Second,
				}, "AlwaysFails")
				if err := workflow.Sleep(ctx, 500*time.Millisecond); err != nil {
					return "", err
				}
				cancel()
				_, err := f.Get(ctx)
				return describeErr(err), nil
			}))
		})
		h := e.start("CancelBackoff")
		if got := result[string](e, h); got != "canceled" {
			t.Errorf("workflow saw %q, want canceled", got)
		}
		if n := runs.Load(); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
		evs := e.history(h)
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_CANCELED); n != 1 {
			t.Errorf("want the backoff timer cancelled:\n%s", testenv.FormatHistory(evs))
		}
		nothingRemote(t, evs)
	})
}
