package orchestration_test

import (
	"context"
	"encoding/json"
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

// localMarkerData is the part of a local activity marker's "data" detail
// the tests read.
type localMarkerData struct {
	Seq          int64  `json:"seq"`
	Attempt      int32  `json:"attempt"`
	ActivityType string `json:"activity_type"`
	Backoff      string `json:"backoff"`
}

func markerData(t *testing.T, ev *historypb.HistoryEvent) localMarkerData {
	t.Helper()
	var d localMarkerData
	ps := ev.GetMarkerRecordedEventAttributes().GetDetails()["data"].GetPayloads()
	if len(ps) == 0 {
		t.Fatalf("marker %d has no data detail", ev.EventId)
	}
	if err := json.Unmarshal(ps[0].GetData(), &d); err != nil {
		t.Fatalf("marker %d data: %v", ev.EventId, err)
	}
	return d
}

var laOpts = workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}

// TestLocalActivityMarkersAndReplay runs two local activities separated
// by a timer and followed by another: results are recorded as markers and
// replays (every task without a cache) do not run them again.
func TestLocalActivityMarkersAndReplay(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		var runs atomic.Int32
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Count", func(ctx context.Context, s string) (string, error) {
				runs.Add(1)
				if !activity.GetInfo(ctx).IsLocal {
					return "", temporal.NewApplicationError("not local", "NotLocal")
				}
				return "<" + s + ">", nil
			}))
			testenv.Must(t, w.RegisterWorkflow("LocalTwice", func(ctx workflow.Context) (string, error) {
				a, err := workflow.ExecuteLocalActivity[string](ctx, laOpts, "Count", "a").Get(ctx)
				if err != nil {
					return "", err
				}
				if err := workflow.Sleep(ctx, 50*time.Millisecond); err != nil {
					return "", err
				}
				b, err := workflow.ExecuteLocalActivity[string](ctx, laOpts, "Count", "b").Get(ctx)
				if err != nil {
					return "", err
				}
				if err := workflow.Sleep(ctx, 50*time.Millisecond); err != nil {
					return "", err
				}
				return a + b, nil
			}))
		})
		h := e.start("LocalTwice")
		if got := testenv.Result[string](t, h); got != "<a><b>" {
			t.Errorf("result %q, want <a><b>", got)
		}
		if n := runs.Load(); n != 2 {
			t.Errorf("local activity ran %d times, want 2 (replays must use the markers)", n)
		}
		evs := testenv.History(t, h)
		ms := markers(evs, localMarker)
		if len(ms) != 2 {
			t.Fatalf("%d %s markers, want 2; history:\n%s", len(ms), localMarker, testenv.FormatHistory(evs))
		}
		for i, m := range ms {
			d := markerData(t, m)
			if d.ActivityType != "Count" || d.Attempt != 1 {
				t.Errorf("marker %d data %+v", i, d)
			}
		}
		if testenv.Count(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) != 0 {
			t.Errorf("local activities scheduled as normal activities:\n%s", testenv.FormatHistory(evs))
		}
		if testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_STARTED) != 2 {
			t.Errorf("want exactly the workflow's 2 timers:\n%s", testenv.FormatHistory(evs))
		}
	})
}

// flaky returns an activity that fails until its attempt failUntil and
// counts its executions.
func flaky(runs *atomic.Int32, failUntil int32) func(ctx context.Context) (int32, error) {
	return func(ctx context.Context) (int32, error) {
		runs.Add(1)
		if a := activity.GetInfo(ctx).Attempt; a < failUntil {
			return 0, temporal.NewApplicationError("not yet", "Flaky")
		}
		return activity.GetInfo(ctx).Attempt, nil
	}
}

// TestLocalActivityRetries retries a local activity within the local
// retry threshold (in process, one marker, no timer) and past it (a
// durable timer per backoff and a marker per attempt series).
func TestLocalActivityRetries(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		t.Run("within threshold", func(t *testing.T) {
			e := newEnv(t, cacheSize)
			var runs atomic.Int32
			e.worker(func(w *worker.Worker) {
				testenv.Must(t, w.RegisterActivity("Flaky", flaky(&runs, 3)))
				testenv.Must(t, w.RegisterWorkflow("LocalRetry", func(ctx workflow.Context) (int32, error) {
					return workflow.ExecuteLocalActivity[int32](ctx, workflow.LocalActivityOptions{
						StartToCloseTimeout: 10 * time.Second,
						RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 50 * time.Millisecond, BackoffCoefficient: 1, MaximumAttempts: 5},
					}, "Flaky").Get(ctx)
				}))
			})
			h := e.start("LocalRetry")
			if got := testenv.Result[int32](t, h); got != 3 {
				t.Errorf("succeeded on attempt %d, want 3", got)
			}
			if n := runs.Load(); n != 3 {
				t.Errorf("%d executions, want 3", n)
			}
			evs := testenv.History(t, h)
			ms := markers(evs, localMarker)
			if len(ms) != 1 || markerData(t, ms[0]).Attempt != 3 {
				t.Errorf("want one marker for attempt 3; history:\n%s", testenv.FormatHistory(evs))
			}
			if testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_STARTED) != 0 {
				t.Errorf("retries within the threshold used a timer:\n%s", testenv.FormatHistory(evs))
			}
		})
		t.Run("past threshold", func(t *testing.T) {
			e := newEnv(t, cacheSize)
			var runs atomic.Int32
			e.worker(func(w *worker.Worker) {
				testenv.Must(t, w.RegisterActivity("Flaky", flaky(&runs, 3)))
				testenv.Must(t, w.RegisterWorkflow("LocalBackoff", func(ctx workflow.Context) (int32, error) {
					return workflow.ExecuteLocalActivity[int32](ctx, workflow.LocalActivityOptions{
						StartToCloseTimeout: 10 * time.Second,
						RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 1, MaximumAttempts: 5},
						LocalRetryThreshold: 200 * time.Millisecond,
					}, "Flaky").Get(ctx)
				}))
			})
			h := e.start("LocalBackoff")
			if got := testenv.Result[int32](t, h); got != 3 {
				t.Errorf("succeeded on attempt %d, want 3", got)
			}
			if n := runs.Load(); n != 3 {
				t.Errorf("%d executions, want 3", n)
			}
			evs := testenv.History(t, h)
			ms := markers(evs, localMarker)
			var attempts []int32
			for i, m := range ms {
				d := markerData(t, m)
				attempts = append(attempts, d.Attempt)
				if wantBackoff := i < 2; (d.Backoff != "") != wantBackoff {
					t.Errorf("marker %d backoff %q", i, d.Backoff)
				}
			}
			if len(attempts) != 3 || attempts[0] != 1 || attempts[1] != 2 || attempts[2] != 3 {
				t.Errorf("marker attempts %v, want [1 2 3]; history:\n%s", attempts, testenv.FormatHistory(evs))
			}
			if s, f := testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_STARTED), testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_FIRED); s != 2 || f != 2 {
				t.Errorf("timers started/fired %d/%d, want 2/2 (one per backoff); history:\n%s", s, f, testenv.FormatHistory(evs))
			}
			// Each backoff timer follows the marker of the failed attempt.
			for i, ev := range evs {
				if ev.EventType == enumspb.EVENT_TYPE_TIMER_STARTED && (i == 0 || evs[i-1].GetMarkerRecordedEventAttributes().GetMarkerName() != localMarker) {
					t.Errorf("timer %d does not follow a local activity marker:\n%s", ev.EventId, testenv.FormatHistory(evs))
				}
			}
		})
	})
}

type laCancelReport struct {
	Err           errSummary
	Result        string
	FutureReadyAt string // what the workflow saw when the activity resolved
}

// TestLocalActivityCancellation cancels a running local activity from the
// workflow (after a durable timer, seen through workflow task heartbeats)
// with each cancellation type.
func TestLocalActivityCancellation(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		for _, ct := range []workflow.ActivityCancellationType{
			workflow.ActivityCancellationTryCancel,
			workflow.ActivityCancellationWaitCompleted,
			workflow.ActivityCancellationAbandon,
		} {
			t.Run(ct.String(), func(t *testing.T) {
				e := newEnv(t, cacheSize)
				var sawCancel atomic.Bool
				release := make(chan struct{})
				defer func() {
					select {
					case <-release:
					default:
						close(release)
					}
				}()
				e.worker(func(w *worker.Worker) {
					// Watch runs until its context is done, then (for
					// the test to see) waits for release unless it is
					// the WaitCompleted case, and returns a result.
					testenv.Must(t, w.RegisterActivity("Watch", func(ctx context.Context, wait bool) (string, error) {
						select {
						case <-ctx.Done():
							sawCancel.Store(true)
						case <-release:
							return "released", nil
						case <-e.done:
							return "", context.Canceled
						}
						if wait {
							select {
							case <-release:
							case <-e.done:
							}
						}
						return "returned after cancel", nil
					}))
					testenv.Must(t, w.RegisterWorkflow("LocalCancel", func(ctx workflow.Context, ct workflow.ActivityCancellationType) (laCancelReport, error) {
						actx, cancel := workflow.WithCancel(ctx)
						f := workflow.ExecuteLocalActivity[string](actx, workflow.LocalActivityOptions{
							StartToCloseTimeout: time.Minute, CancellationType: ct,
							RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1},
						}, "Watch", ct != workflow.ActivityCancellationWaitCompleted)
						timer := workflow.NewTimer(ctx, 500*time.Millisecond)
						if _, err := timer.Get(ctx); err != nil {
							return laCancelReport{}, err
						}
						cancel()
						var r laCancelReport
						r.FutureReadyAt = "not ready after cancel"
						if f.IsReady() {
							r.FutureReadyAt = "ready at cancel"
						}
						r.Result, _ = f.Get(ctx)
						_, err := f.Get(ctx)
						r.Err = summarize(err)
						return r, nil
					}))
				})
				h := e.startOpts(client.StartWorkflowOptions{WorkflowTaskTimeout: 2 * time.Second}, "LocalCancel", ct)
				var r laCancelReport
				switch ct {
				case workflow.ActivityCancellationWaitCompleted:
					// Resolves only once the activity function returned.
					r = testenv.Result[laCancelReport](t, h)
					if !sawCancel.Load() {
						t.Errorf("the activity's context was not cancelled")
					}
					if r.Result != "returned after cancel" || !r.Err.Nil || r.FutureReadyAt != "not ready after cancel" {
						t.Errorf("report %+v, want the activity's own result after the cancel", r)
					}
					evs := testenv.History(t, h)
					if ms := markers(evs, localMarker); len(ms) != 1 {
						t.Errorf("want the activity's result recorded in a marker:\n%s", testenv.FormatHistory(evs))
					}
				default:
					// Resolves at once as cancelled, while the activity
					// function still runs (it waits for release).
					r = testenv.Result[laCancelReport](t, h)
					if !r.Err.Canceled || !r.Err.ActivityError || r.FutureReadyAt != "ready at cancel" {
						t.Errorf("report %+v, want an ActivityError wrapping a CanceledError, ready at once", r)
					}
					close(release)
				}
				evs := testenv.History(t, h)
				if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT); n != 0 {
					t.Errorf("%d workflow task timeouts:\n%s", n, testenv.FormatHistory(evs))
				}
				t.Logf("%s: activity saw cancellation: %v; history:\n%s", ct, sawCancel.Load(), testenv.FormatHistory(evs))
			})
		}
	})
}

// TestLocalActivityHeartbeat runs a local activity that outlives the
// workflow task timeout: the worker heartbeats the workflow task.
func TestLocalActivityHeartbeat(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		var runs atomic.Int32
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Slow", func(ctx context.Context) (string, error) {
				runs.Add(1)
				select {
				case <-time.After(5 * time.Second):
					return "slow done", nil
				case <-ctx.Done():
					return "", ctx.Err()
				}
			}))
			testenv.Must(t, w.RegisterWorkflow("LocalSlow", func(ctx workflow.Context) (string, error) {
				return workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 30 * time.Second}, "Slow").Get(ctx)
			}))
		})
		h := e.startOpts(client.StartWorkflowOptions{WorkflowTaskTimeout: 2 * time.Second}, "LocalSlow")
		if got := testenv.Result[string](t, h); got != "slow done" {
			t.Errorf("result %q", got)
		}
		if n := runs.Load(); n != 1 {
			t.Errorf("activity ran %d times, want 1", n)
		}
		evs := testenv.History(t, h)
		mi := testenv.IndexOf(evs, enumspb.EVENT_TYPE_MARKER_RECORDED)
		if mi < 0 {
			t.Fatalf("no marker:\n%s", testenv.FormatHistory(evs))
		}
		if n := testenv.Count(evs[:mi], enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED); n < 2 {
			t.Errorf("%d workflow tasks completed before the marker, want heartbeats (>= 2):\n%s", n, testenv.FormatHistory(evs))
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) + testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
			t.Errorf("workflow tasks timed out or failed:\n%s", testenv.FormatHistory(evs))
		}
	})
}

// TestLocalActivityTimeout times out a local activity that sleeps past
// its start-to-close timeout.
func TestLocalActivityTimeout(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		var runs atomic.Int32
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Sleepy", func(ctx context.Context) (string, error) {
				runs.Add(1)
				<-ctx.Done()
				return "", ctx.Err()
			}))
			testenv.Must(t, w.RegisterWorkflow("LocalTimeout", func(ctx workflow.Context) (errSummary, error) {
				_, err := workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{
					StartToCloseTimeout: time.Second,
					RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
				}, "Sleepy").Get(ctx)
				return summarize(err), nil
			}))
		})
		h := e.start("LocalTimeout")
		s := testenv.Result[errSummary](t, h)
		if !s.ActivityError || s.ActivityType != "Sleepy" || s.TimeoutType != enumspb.TIMEOUT_TYPE_START_TO_CLOSE.String() {
			t.Errorf("error %+v, want an ActivityError (Sleepy) wrapping a START_TO_CLOSE TimeoutError", s)
		}
		if n := runs.Load(); n != 1 {
			t.Errorf("%d executions, want 1", n)
		}
		evs := testenv.History(t, h)
		ms := markers(evs, localMarker)
		if len(ms) != 1 || ms[0].GetMarkerRecordedEventAttributes().GetFailure() == nil {
			t.Errorf("want one marker carrying the failure:\n%s", testenv.FormatHistory(evs))
		}
	})
}
