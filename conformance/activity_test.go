package conformance

// Features: activity/* (basic_no_workflow_timeout, cancel_try_cancel,
// cancel_wait_cancel, cancel_abandon, heartbeating, retry_on_error,
// running_concurrently, shutdown) and eager_activity's
// non_remote_activities_worker.

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

func echo(_ context.Context, s string) (string, error) { return "echo " + s, nil }

// TestActivityBasicNoWorkflowTimeout runs activities in a workflow that has
// no execution, run or task timeout: unset timeouts must stay unset (not
// become zero deadlines), with either activity timeout alone.
func TestActivityBasicNoWorkflowTimeout(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Echo", echo))
			testenv.Must(t, w.RegisterWorkflow("NoTimeouts", func(ctx workflow.Context) (string, error) {
				a, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Echo", "a").Get(ctx)
				if err != nil {
					return "", err
				}
				b, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{ScheduleToCloseTimeout: time.Minute}, "Echo", "b").Get(ctx)
				return a + "," + b, err
			}))
		})
		h := e.start("NoTimeouts")
		if got := result[string](e, h); got != "echo a,echo b" {
			t.Errorf("result %q", got)
		}
		evs := e.history(h)
		st := evs[0].GetWorkflowExecutionStartedEventAttributes()
		if d := st.GetWorkflowExecutionTimeout().AsDuration(); d != 0 {
			t.Errorf("execution timeout %v, want none", d)
		}
		if d := st.GetWorkflowRunTimeout().AsDuration(); d != 0 {
			t.Errorf("run timeout %v, want none", d)
		}
		for _, ev := range all(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
			a := ev.GetActivityTaskScheduledEventAttributes()
			if a.GetStartToCloseTimeout().AsDuration() <= 0 || a.GetScheduleToCloseTimeout().AsDuration() < 0 {
				t.Errorf("activity %s timeouts: start-to-close %v, schedule-to-close %v", a.ActivityId,
					a.GetStartToCloseTimeout().AsDuration(), a.GetScheduleToCloseTimeout().AsDuration())
			}
		}
	})
}

// blocker is an activity that heartbeats until its context is cancelled,
// reports that, and returns only once released, heartbeating meanwhile
// so that a slow test does not see it time out.
type blocker struct {
	started  chan struct{}
	canceled chan struct{}
	release  chan struct{}
	done     <-chan struct{}
}

func newBlocker(e *env) *blocker {
	return &blocker{started: make(chan struct{}, 1), canceled: make(chan struct{}, 1), release: make(chan struct{}), done: e.done}
}

func (b *blocker) run(ctx context.Context) (string, error) {
	b.started <- struct{}{}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		activity.RecordHeartbeat(ctx)
		select {
		case <-ctx.Done():
			b.canceled <- struct{}{}
			for {
				activity.RecordHeartbeat(ctx)
				select {
				case <-b.release:
					return "", ctx.Err()
				case <-b.done:
					return "", ctx.Err()
				case <-tick.C:
				}
			}
		case <-tick.C:
		case <-b.done:
			return "", errors.New("test over")
		}
	}
}

func recv(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// cancelActivity starts the Blocker activity with a cancellation type,
// cancels it on the "cancel" signal, exposes what Get returned through the
// "state" query, and returns it on the "finish" signal.
func cancelActivity(ctx workflow.Context, ct workflow.ActivityCancellationType) (string, error) {
	state, cancelNow, finish := "running", false, false
	_ = workflow.SetQueryHandler(ctx, "state", func(workflow.Context, converter.Values) (any, error) { return state, nil }, workflow.QueryOptions{})
	_ = workflow.SetSignalHandler(ctx, "cancel", func(workflow.Context, converter.Values) error { cancelNow = true; return nil }, workflow.SignalOptions{})
	_ = workflow.SetSignalHandler(ctx, "finish", func(workflow.Context, converter.Values) error { finish = true; return nil }, workflow.SignalOptions{})
	actx, cancel := workflow.WithCancel(ctx)
	h := workflow.StartActivity[string](actx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		HeartbeatTimeout:    5 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
		CancellationType:    ct,
	}, "Blocker")
	if err := workflow.Await(ctx, func() bool { return cancelNow }); err != nil {
		return "", err
	}
	cancel()
	_, err := h.Get(ctx)
	switch {
	case temporal.IsCanceledError(err):
		state = "canceled"
	case err == nil:
		state = "completed"
	default:
		state = "error: " + err.Error()
	}
	if err := workflow.Await(ctx, func() bool { return finish }); err != nil {
		return "", err
	}
	return state, nil
}

// TestActivityCancellation covers cancel_try_cancel, cancel_wait_cancel
// and cancel_abandon: when the workflow sees the cancellation, whether the
// server is told, and whether the activity learns of it (through its
// heartbeat).
func TestActivityCancellation(t *testing.T) {
	for _, tc := range []struct {
		ct workflow.ActivityCancellationType
		// resolvesAtOnce: the workflow sees "canceled" before the activity
		// has finished.
		resolvesAtOnce, serverTold bool
	}{
		{workflow.ActivityCancellationTryCancel, true, true},
		{workflow.ActivityCancellationWaitCompleted, false, true},
		{workflow.ActivityCancellationAbandon, true, false},
	} {
		t.Run(tc.ct.String(), func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				b := newBlocker(e)
				e.worker(func(w *worker.Worker) {
					testenv.Must(t, w.RegisterActivity("Blocker", b.run))
					testenv.Must(t, w.RegisterWorkflow("CancelActivity", cancelActivity))
				})
				h := e.start("CancelActivity", tc.ct)
				recv(t, b.started, "the activity to start")
				testenv.Must(t, h.Signal(e.ctx, "cancel"))
				state := func() string {
					v, err := client.Query[string](e.ctx, h, "state")
					if err != nil {
						t.Fatal(err)
					}
					return v
				}
				if tc.serverTold {
					recv(t, b.canceled, "the activity to see the cancellation")
				} else {
					select {
					case <-b.canceled:
						t.Fatal("an abandoned activity was cancelled")
					case <-time.After(time.Second):
					}
				}
				if tc.resolvesAtOnce {
					e.eventually("the workflow to see the cancellation", func() (bool, error) { return state() == "canceled", nil })
					if n := testenv.Count(e.history(h), enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED); n != 0 {
						t.Errorf("the activity's cancellation was recorded before it finished")
					}
				} else {
					// The activity saw the cancellation, so the workflow
					// task that requested it has completed (its command is
					// recorded): a workflow that resolved without waiting
					// for the activity would already say so.
					e.waitEvent(h, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)
					if s := state(); s != "running" {
						t.Errorf("state %q before the activity finished, want running", s)
					}
				}
				close(b.release)
				if !tc.resolvesAtOnce {
					e.eventually("the workflow to see the cancellation", func() (bool, error) { return state() == "canceled", nil })
				}
				testenv.Must(t, h.Signal(e.ctx, "finish"))
				if got := result[string](e, h); got != "canceled" {
					t.Errorf("result %q", got)
				}
				evs := e.history(h)
				if got := testenv.Count(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED); (got > 0) != tc.serverTold {
					t.Errorf("%d ActivityTaskCancelRequested events; server told: %v\n%s", got, tc.serverTold, testenv.FormatHistory(evs))
				}
				if tc.ct == workflow.ActivityCancellationWaitCompleted && testenv.Count(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED) != 1 {
					t.Errorf("no ActivityTaskCanceled event:\n%s", testenv.FormatHistory(evs))
				}
			})
		})
	}
}

// TestActivityHeartbeating covers heartbeat details surviving a retry,
// and a heartbeat timeout carrying the last details.
func TestActivityHeartbeating(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Resume", func(ctx context.Context) (int, error) {
				var progress int
				if activity.HasHeartbeatDetails(ctx) {
					if err := activity.GetHeartbeatDetails(ctx, &progress); err != nil {
						return 0, err
					}
				}
				if activity.GetInfo(ctx).Attempt == 1 {
					// The last details travel with the failure, even
					// if the throttle has not sent them yet.
					for i := 1; i <= 5; i++ {
						activity.RecordHeartbeat(ctx, i)
						time.Sleep(100 * time.Millisecond) // simulated work between heartbeats
					}
					return 0, temporal.NewApplicationError("fail attempt 1", "Retry")
				}
				return progress, nil
			}))
			testenv.Must(t, w.RegisterActivity("Silent", func(ctx context.Context) error {
				activity.RecordHeartbeat(ctx, "last words")
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-e.done:
					return nil
				}
			}))
			testenv.Must(t, w.RegisterWorkflow("Heartbeats", func(ctx workflow.Context) (string, error) {
				p, err := workflow.ExecuteActivity[int](ctx, workflow.ActivityOptions{
					StartToCloseTimeout: 30 * time.Second,
					HeartbeatTimeout:    time.Second,
					RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 100 * time.Millisecond, MaximumAttempts: 2},
				}, "Resume").Get(ctx)
				if err != nil {
					return "", err
				}
				_, err = workflow.ExecuteActivity[struct{}](ctx, workflow.ActivityOptions{
					StartToCloseTimeout: 30 * time.Second,
					HeartbeatTimeout:    time.Second,
					RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
				}, "Silent").Get(ctx)
				var te *temporal.TimeoutError
				if !errors.As(err, &te) {
					return "", fmt.Errorf("Silent: %v, want a timeout", err)
				}
				var last string
				if err := te.LastHeartbeatDetails(&last); err != nil {
					return "", fmt.Errorf("heartbeat details: %v", err)
				}
				return fmt.Sprintf("%d %s %s", p, te.TimeoutType().String(), last), nil
			}))
		})
		h := e.start("Heartbeats")
		if got := result[string](e, h); got != "5 "+enumspb.TIMEOUT_TYPE_HEARTBEAT.String()+" last words" {
			t.Errorf("result %q", got)
		}
	})
}

// TestActivityRetryOnError: five attempts, and the last attempt's error
// reaches the workflow.
func TestActivityRetryOnError(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var attempts atomic.Int32
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("AlwaysFail", func(ctx context.Context) error {
				attempts.Add(1)
				return temporal.NewApplicationError(fmt.Sprintf("attempt %d failed", activity.GetInfo(ctx).Attempt), "Flaky")
			}))
			testenv.Must(t, w.RegisterWorkflow("Retry", func(ctx workflow.Context) (string, error) {
				_, err := workflow.ExecuteActivity[struct{}](ctx, workflow.ActivityOptions{
					StartToCloseTimeout: 10 * time.Second,
					RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 10 * time.Millisecond, BackoffCoefficient: 1, MaximumAttempts: 5},
				}, "AlwaysFail").Get(ctx)
				var ae *temporal.ActivityError
				var app *temporal.ApplicationError
				if !errors.As(err, &ae) || !errors.As(err, &app) {
					return "", fmt.Errorf("got %v, want an ActivityError wrapping an ApplicationError", err)
				}
				return fmt.Sprintf("%s|%s|%s", app.Message(), app.Type(), ae.RetryState()), nil
			}))
		})
		h := e.start("Retry")
		if got := result[string](e, h); got != "attempt 5 failed|Flaky|"+enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED.String() {
			t.Errorf("result %q", got)
		}
		if n := attempts.Load(); n != 5 {
			t.Errorf("%d attempts, want 5", n)
		}
	})
}

// TestActivityRunningConcurrently: activities started together go out in
// one workflow task completion.
func TestActivityRunningConcurrently(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Echo", echo))
			testenv.Must(t, w.RegisterWorkflow("Concurrent", func(ctx workflow.Context) ([]string, error) {
				var fs []workflow.Future[string]
				for i := range 5 {
					fs = append(fs, workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Echo", fmt.Sprint(i)))
				}
				var out []string
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
		h := e.start("Concurrent")
		if got := result[[]string](e, h); fmt.Sprint(got) != "[echo 0 echo 1 echo 2 echo 3 echo 4]" {
			t.Errorf("result %v", got)
		}
		evs := e.history(h)
		sched := all(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
		if len(sched) != 5 {
			t.Fatalf("%d activities scheduled", len(sched))
		}
		for _, ev := range sched {
			if got, want := ev.GetActivityTaskScheduledEventAttributes().WorkflowTaskCompletedEventId, sched[0].GetActivityTaskScheduledEventAttributes().WorkflowTaskCompletedEventId; got != want {
				t.Errorf("activity scheduled by workflow task %d, the first by %d", got, want)
			}
		}
	})
}

// TestActivityShutdown stops the worker with a one-second grace period
// while three activities run: their contexts are cancelled when it ends;
// one then completes, one fails, and one ignores the cancellation and hits
// its schedule-to-close timeout. A new worker finishes the workflow.
func TestActivityShutdown(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var running atomic.Int32
		waitCancel := func(ctx context.Context) error {
			running.Add(1)
			select {
			case <-ctx.Done():
				return nil
			case <-e.done:
				return errors.New("test over")
			}
		}
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("CompleteOnShutdown", func(ctx context.Context) (string, error) {
				if err := waitCancel(ctx); err != nil {
					return "", err
				}
				return "completed after shutdown", nil
			}))
			testenv.Must(t, w.RegisterActivity("FailOnShutdown", func(ctx context.Context) (string, error) {
				if err := waitCancel(ctx); err != nil {
					return "", err
				}
				return "", temporal.NewNonRetryableApplicationError("worker is stopping", "Shutdown", nil)
			}))
			testenv.Must(t, w.RegisterActivity("IgnoreShutdown", func(ctx context.Context) (string, error) {
				running.Add(1)
				select {
				case <-time.After(4 * time.Second):
				case <-e.done:
				}
				return "ignored", nil
			}))
			testenv.Must(t, w.RegisterWorkflow("Shutdown", func(ctx workflow.Context) ([]string, error) {
				opts := workflow.ActivityOptions{ScheduleToCloseTimeout: 3 * time.Second, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}}
				var fs []workflow.Future[string]
				for _, a := range []string{"CompleteOnShutdown", "FailOnShutdown", "IgnoreShutdown"} {
					fs = append(fs, workflow.ExecuteActivity[string](ctx, opts, a))
				}
				var out []string
				for _, f := range fs {
					s, err := f.Get(ctx)
					var app *temporal.ApplicationError
					var te *temporal.TimeoutError
					switch {
					case errors.As(err, &app):
						s = "failed: " + app.Message()
					case errors.As(err, &te):
						s = "timeout: " + te.TimeoutType().String()
					case err != nil:
						s = "error: " + err.Error()
					}
					out = append(out, s)
				}
				return out, nil
			}))
		})
		h := e.start("Shutdown")
		e.eventually("three activities running", func() (bool, error) { return running.Load() == 3, nil })
		e.mu.Lock()
		w := e.w
		e.w = nil
		e.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		began := time.Now()
		_ = w.StopContext(ctx)
		// Our worker cancels the activities' contexts when the grace
		// period ends and then waits for every activity function to
		// return (documented on actworker.Poller.Stop); sdk-go returns at
		// the end of the grace period and leaves a stubborn activity
		// running. So Stop takes as long as the stubborn activity (4s).
		if d := time.Since(began); d < 900*time.Millisecond || d > 6*time.Second {
			t.Errorf("StopContext with a 1s grace period took %v", d)
		}
		e.restartWorker()
		got := result[[]string](e, h)
		want := []string{"completed after shutdown", "failed: worker is stopping", "timeout: " + enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE.String()}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("results %q, want %q", got, want)
		}
	})
}

// TestEagerActivityNonRemoteWorker is eager_activity's
// non_remote_activities_worker: a worker that does not poll for
// activities (DisableActivityWorker) must not run the activity; it fails
// with a schedule-to-start timeout and the worker keeps working.
func TestEagerActivityNonRemoteWorker(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.workerOpts(worker.Options{DisableActivityWorker: true}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Echo", echo))
			testenv.Must(t, w.RegisterWorkflow("NoActivityWorker", func(ctx workflow.Context) (string, error) {
				_, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{
					StartToCloseTimeout:    time.Minute,
					ScheduleToStartTimeout: time.Second,
					RetryPolicy:            &temporal.RetryPolicy{MaximumAttempts: 1},
				}, "Echo", "x").Get(ctx)
				var te *temporal.TimeoutError
				if !errors.As(err, &te) {
					return "", fmt.Errorf("got %v, want a timeout", err)
				}
				return te.TimeoutType().String(), nil
			}))
		})
		h := e.start("NoActivityWorker")
		if got := result[string](e, h); got != enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START.String() {
			t.Errorf("result %q", got)
		}
	})
}
