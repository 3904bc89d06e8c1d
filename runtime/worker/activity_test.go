package worker_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// pipelineWorkflow runs two activities in sequence, then three scheduled
// in the same workflow task, then a timer.
func pipelineWorkflow(ctx workflow.Context, name string) (string, error) {
	opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
	a, err := workflow.ExecuteActivity[string](ctx, opts, "Upper", name).Get(ctx)
	if err != nil {
		return "", err
	}
	b, err := workflow.ExecuteActivity[string](ctx, opts, "Suffix", a, "-1").Get(ctx)
	if err != nil {
		return "", err
	}
	f1 := workflow.ExecuteActivity[int](ctx, opts, "Len", a)
	f2 := workflow.ExecuteActivity[int](ctx, opts, "Len", b)
	f3 := workflow.ExecuteActivity[string](ctx, opts, "Suffix", b, "!")
	n1, err := f1.Get(ctx)
	if err != nil {
		return "", err
	}
	n2, err := f2.Get(ctx)
	if err != nil {
		return "", err
	}
	c, err := f3.Get(ctx)
	if err != nil {
		return "", err
	}
	if err := workflow.Sleep(ctx, time.Second); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s|%s|%d|%d|%s", a, b, n1, n2, c), nil
}

func TestActivitiesAndTimer(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Pipeline", pipelineWorkflow))
			testenv.Must(t, w.RegisterActivity("Upper", func(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil }))
			testenv.Must(t, w.RegisterActivity("Suffix", func(_ context.Context, s, suf string) (string, error) { return s + suf, nil }))
			testenv.Must(t, w.RegisterActivity("Len", func(_ context.Context, s string) (int, error) { return len(s), nil }))
		})
		h := e.start("Pipeline", "go")
		if got, want := testenv.Result[string](t, h), "GO|GO-1|2|4|GO-1!"; got != want {
			t.Errorf("result = %q, want %q", got, want)
		}

		evs := testenv.History(t, h)
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED); n != 5 {
			t.Errorf("%d ActivityTaskScheduled events, want 5", n)
		}
		// The three parallel activities follow the same WorkflowTaskCompleted.
		found := false
		for i, ev := range evs {
			if ev.EventType != enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED || i+3 >= len(evs) {
				continue
			}
			var types []string
			j := i + 1
			for ; j < len(evs) && evs[j].EventType == enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED; j++ {
				types = append(types, evs[j].GetActivityTaskScheduledEventAttributes().GetActivityType().GetName())
			}
			if len(types) == 3 {
				found = true
				if want := []string{"Len", "Len", "Suffix"}; !slices.Equal(types, want) {
					t.Errorf("activities scheduled together: %v, want %v", types, want)
				}
			}
		}
		if !found {
			t.Errorf("no workflow task scheduled 3 activities at once; history:\n%s", testenv.FormatHistory(evs))
		}
		ts, tf := testenv.IndexOf(evs, enumspb.EVENT_TYPE_TIMER_STARTED), testenv.IndexOf(evs, enumspb.EVENT_TYPE_TIMER_FIRED)
		lastAct := -1
		for i, ev := range evs {
			if ev.EventType == enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED {
				lastAct = i
			}
		}
		if ts < 0 || tf < ts || ts < lastAct {
			t.Errorf("timer should start after the last activity completed and fire; history:\n%s", testenv.FormatHistory(evs))
		}
	})
}

func TestActivityRetriesExhausted(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		var calls atomic.Int32
		var mu sync.Mutex
		var attempts []int32
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Retrying", func(ctx workflow.Context) (errSummary, error) {
				_, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{
					StartToCloseTimeout: 10 * time.Second,
					RetryPolicy: &temporal.RetryPolicy{
						MaximumAttempts:    5,
						InitialInterval:    100 * time.Millisecond,
						BackoffCoefficient: 1,
					},
				}, "AlwaysFails", "x").Get(ctx)
				s := summarize(err)
				var ae *temporal.ActivityError
				if errors.As(err, &ae) {
					var app *temporal.ApplicationError
					s.Message = fmt.Sprintf("cause %T", ae.Unwrap())
					if errors.As(ae.Unwrap(), &app) && ae.Unwrap() == error(app) {
						s.Message = "cause *temporal.ApplicationError"
					}
				}
				return s, nil
			}))
			testenv.Must(t, w.RegisterActivity("AlwaysFails", func(ctx context.Context, in string) (string, error) {
				n := calls.Add(1)
				mu.Lock()
				attempts = append(attempts, activity.GetInfo(ctx).Attempt)
				mu.Unlock()
				return "", temporal.NewApplicationError(fmt.Sprintf("boom %s #%d", in, n), "Boom")
			}))
		})
		h := e.start("Retrying")
		s := testenv.Result[errSummary](t, h)
		if n := calls.Load(); n != 5 {
			t.Errorf("activity ran %d times, want 5", n)
		}
		mu.Lock()
		if want := []int32{1, 2, 3, 4, 5}; !slices.Equal(attempts, want) {
			t.Errorf("attempts seen by the activity = %v, want %v", attempts, want)
		}
		mu.Unlock()
		want := errSummary{
			Message:       "cause *temporal.ApplicationError",
			ActivityError: true,
			ActivityType:  "AlwaysFails",
			RetryState:    enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED.String(),
			AppErrType:    "Boom",
			AppErrMessage: "boom x #5",
		}
		if s != want {
			t.Errorf("workflow saw %+v\nwant %+v", s, want)
		}
		evs := testenv.History(t, h)
		if st := testenv.First(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED); st.GetActivityTaskStartedEventAttributes().GetAttempt() != 5 {
			t.Errorf("ActivityTaskStarted attempt = %d, want 5", st.GetActivityTaskStartedEventAttributes().GetAttempt())
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED); n != 1 {
			t.Errorf("%d ActivityTaskFailed events, want 1", n)
		}
	})
}

// timeoutWorkflow runs one activity set up to hit the given timeout type.
func timeoutWorkflow(ctx workflow.Context, kind string) (errSummary, error) {
	opts := workflow.ActivityOptions{RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}}
	act := "Block"
	switch kind {
	case enumspb.TIMEOUT_TYPE_START_TO_CLOSE.String():
		opts.StartToCloseTimeout = time.Second
	case enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START.String():
		opts.TaskQueue = workflow.GetInfo(ctx).TaskQueue + "-nobody-polls"
		opts.ScheduleToStartTimeout = time.Second
		opts.StartToCloseTimeout = 10 * time.Second
	case enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE.String():
		opts.ScheduleToCloseTimeout = time.Second
	case enumspb.TIMEOUT_TYPE_HEARTBEAT.String():
		opts.HeartbeatTimeout = time.Second
		opts.StartToCloseTimeout = 30 * time.Second
		act = "HeartbeatOnceThenBlock"
	default:
		return errSummary{}, fmt.Errorf("unknown kind %q", kind)
	}
	_, err := workflow.ExecuteActivity[string](ctx, opts, act).Get(ctx)
	s := summarize(err)
	var te *temporal.TimeoutError
	if errors.As(err, &te) && te.HasLastHeartbeatDetails() {
		var d string
		if err := te.LastHeartbeatDetails(&d); err != nil {
			d = "decode error: " + err.Error()
		}
		s.Message = "heartbeat details: " + d
	} else {
		s.Message = ""
	}
	return s, nil
}

func TestActivityTimeouts(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Timeout", timeoutWorkflow))
			testenv.Must(t, w.RegisterActivity("Block", func(ctx context.Context) (string, error) {
				return "", e.blockUntilDone(ctx)
			}))
			testenv.Must(t, w.RegisterActivity("HeartbeatOnceThenBlock", func(ctx context.Context) (string, error) {
				activity.RecordHeartbeat(ctx, "hb-1")
				return "", e.blockUntilDone(ctx)
			}))
		})
		kinds := []enumspb.TimeoutType{
			enumspb.TIMEOUT_TYPE_START_TO_CLOSE,
			enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START,
			enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE,
			enumspb.TIMEOUT_TYPE_HEARTBEAT,
		}
		// Start all four first: they time out concurrently.
		handles := make(map[enumspb.TimeoutType]workflowHandle)
		for _, k := range kinds {
			handles[k] = e.start("Timeout", k.String())
		}
		for _, k := range kinds {
			t.Run(k.String(), func(t *testing.T) {
				s := testenv.Result[errSummary](t, handles[k])
				if !s.ActivityError || s.TimeoutType != k.String() {
					t.Errorf("workflow saw %+v, want an ActivityError caused by a TimeoutError of type %s", s, k)
				}
				if k == enumspb.TIMEOUT_TYPE_HEARTBEAT && s.Message != "heartbeat details: hb-1" {
					t.Errorf("heartbeat timeout: %q, want the last heartbeat details hb-1", s.Message)
				}
			})
		}
	})
}

// cancelActivityWorkflow starts a heartbeating activity, lets it run for a
// second of workflow time and cancels it.
func cancelActivityWorkflow(ctx workflow.Context, cancelType workflow.ActivityCancellationType) (errSummary, error) {
	cctx, cancel := workflow.WithCancel(ctx)
	f := workflow.ExecuteActivity[string](cctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		HeartbeatTimeout:    5 * time.Second,
		CancellationType:    cancelType,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
	}, "HeartbeatUntilCanceled")
	if err := workflow.Sleep(ctx, time.Second); err != nil {
		return errSummary{}, err
	}
	cancel()
	_, err := f.Get(ctx)
	return summarize(err), nil
}

// cancelBeforeSentWorkflow cancels an activity in the workflow task that
// scheduled it.
func cancelBeforeSentWorkflow(ctx workflow.Context) (errSummary, error) {
	cctx, cancel := workflow.WithCancel(ctx)
	f := workflow.ExecuteActivity[string](cctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "HeartbeatUntilCanceled")
	cancel()
	_, err := f.Get(ctx)
	return summarize(err), nil
}

func TestActivityCancellation(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		var started atomic.Int32
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("CancelActivity", cancelActivityWorkflow))
			testenv.Must(t, w.RegisterWorkflow("CancelBeforeSent", cancelBeforeSentWorkflow))
			testenv.Must(t, w.RegisterActivity("HeartbeatUntilCanceled", func(ctx context.Context) (string, error) {
				started.Add(1)
				tick := time.NewTicker(100 * time.Millisecond)
				defer tick.Stop()
				for {
					activity.RecordHeartbeat(ctx)
					select {
					case <-ctx.Done():
						return "", ctx.Err()
					case <-e.done:
						return "", errors.New("test over")
					case <-tick.C:
					}
				}
			}))
		})
		types := []workflow.ActivityCancellationType{
			workflow.ActivityCancellationTryCancel,
			workflow.ActivityCancellationWaitCompleted,
			workflow.ActivityCancellationAbandon,
		}
		handles := make(map[workflow.ActivityCancellationType]workflowHandle)
		for _, ct := range types {
			handles[ct] = e.start("CancelActivity", ct)
		}
		for _, ct := range types {
			t.Run(ct.String(), func(t *testing.T) {
				h := handles[ct]
				s := testenv.Result[errSummary](t, h)
				if !s.Canceled || !s.ActivityError {
					t.Errorf("workflow saw %+v, want a canceled ActivityError", s)
				}
				evs := testenv.History(t, h)
				requested := testenv.IndexOf(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)
				canceled := testenv.IndexOf(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED)
				completed := testenv.IndexOf(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
				switch ct {
				case workflow.ActivityCancellationTryCancel:
					if requested < 0 {
						t.Errorf("TryCancel: no ActivityTaskCancelRequested; history:\n%s", testenv.FormatHistory(evs))
					}
				case workflow.ActivityCancellationWaitCompleted:
					if requested < 0 || canceled < requested || completed < canceled {
						t.Errorf("WaitCompleted: want ActivityTaskCancelRequested, then ActivityTaskCanceled, then WorkflowExecutionCompleted; history:\n%s", testenv.FormatHistory(evs))
					}
				case workflow.ActivityCancellationAbandon:
					if requested >= 0 {
						t.Errorf("Abandon: unexpected ActivityTaskCancelRequested; history:\n%s", testenv.FormatHistory(evs))
					}
				}
			})
		}

		t.Run("BeforeSent", func(t *testing.T) {
			before := started.Load()
			h := e.start("CancelBeforeSent")
			s := testenv.Result[errSummary](t, h)
			if !s.Canceled {
				t.Errorf("workflow saw %+v, want a canceled error", s)
			}
			evs := testenv.History(t, h)
			if n := testenv.Count(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED); n != 0 {
				t.Errorf("%d ActivityTaskScheduled events, want none; history:\n%s", n, testenv.FormatHistory(evs))
			}
			if started.Load() != before {
				t.Errorf("the activity ran although it was cancelled before being scheduled")
			}
		})
	})
}
