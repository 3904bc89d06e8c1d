package worker_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// parallel runs n activities (or local activities) at once and waits for
// them all.
func parallel(local bool) func(ctx workflow.Context, n int) error {
	return func(ctx workflow.Context, n int) error {
		var fs []workflow.Future[struct{}]
		for range n {
			if local {
				fs = append(fs, workflow.ExecuteLocalActivity[struct{}](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute}, "Busy"))
			} else {
				fs = append(fs, workflow.ExecuteActivity[struct{}](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Busy"))
			}
		}
		for _, f := range fs {
			if _, err := f.Get(ctx); err != nil {
				return err
			}
		}
		return nil
	}
}

// concurrency records how many activities ran at once, at most, and when
// each started.
type concurrency struct {
	mu      sync.Mutex
	now     int
	max     int
	started []time.Time
}

func (c *concurrency) activity(ctx context.Context) error {
	c.mu.Lock()
	c.now++
	c.max = max(c.max, c.now)
	c.started = append(c.started, time.Now())
	c.mu.Unlock()
	select { // long enough for the others to start if they may
	case <-time.After(100 * time.Millisecond):
	case <-ctx.Done():
	}
	c.mu.Lock()
	c.now--
	c.mu.Unlock()
	return nil
}

// TestMaxConcurrentLocalActivities: with a bound of 1, three parallel
// local activities run one at a time; without it, together.
func TestMaxConcurrentLocalActivities(t *testing.T) {
	for _, bound := range []int{1, 0} {
		e := newEnv(t)
		c := &concurrency{}
		e.worker(worker.Options{MaxConcurrentLocalActivities: bound}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Locals", parallel(true)))
			testenv.Must(t, w.RegisterActivity("Busy", c.activity))
		})
		testenv.Must(t, e.start("Locals", 3).Get(testenv.Context(t), nil))
		want := 3
		if bound == 1 {
			want = 1
		}
		if c.max != want {
			t.Errorf("MaxConcurrentLocalActivities %d: %d ran at once, want %d", bound, c.max, want)
		}
	}
}

// TestWorkerActivitiesPerSecond: at 5 activities per second, 10 parallel
// activities cannot all start within 1.5 s.
func TestWorkerActivitiesPerSecond(t *testing.T) {
	e := newEnv(t)
	c := &concurrency{}
	e.worker(worker.Options{WorkerActivitiesPerSecond: 5, TaskQueueActivitiesPerSecond: 100}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Many", parallel(false)))
		testenv.Must(t, w.RegisterActivity("Busy", c.activity))
	})
	testenv.Must(t, e.start("Many", 10).Get(testenv.Context(t), nil))
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.started) != 10 {
		t.Fatalf("%d activities started, want 10", len(c.started))
	}
	first, last := slices.MinFunc(c.started, time.Time.Compare), slices.MaxFunc(c.started, time.Time.Compare)
	// The limiter lets one through, then one every 200 ms: the tenth
	// starts 1.8 s after the first at the earliest.
	if span := last.Sub(first); span < 1500*time.Millisecond {
		t.Errorf("10 activities started within %v at 5 per second", span)
	}
}

// TestWorkerStopChannel: an activity that watches
// activity.GetWorkerStopChannel returns when its worker begins to stop,
// its result is reported before Stop returns, and a second worker
// finishes the workflow with it.
func TestWorkerStopChannel(t *testing.T) {
	e := newEnv(t)
	running := make(chan struct{})
	var once sync.Once
	register := func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Long", func(ctx workflow.Context) (string, error) {
			return workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Wait").Get(ctx)
		}))
		testenv.Must(t, w.RegisterActivity("Wait", func(ctx context.Context) (string, error) {
			once.Do(func() { close(running) })
			select {
			case <-activity.GetWorkerStopChannel(ctx):
				return "saw the worker stop", nil
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}))
	}
	first := e.worker(worker.Options{}, register)
	// A poll the stopping worker abandoned may still be handed the next
	// workflow task by the server, which then waits out the task timeout.
	h := e.startOpts(client.StartWorkflowOptions{WorkflowTaskTimeout: 2 * time.Second}, "Long")
	select {
	case <-running:
	case <-testenv.Context(t).Done():
		t.Fatal("the activity never started")
	}
	first.Stop()
	e.worker(worker.Options{}, register)
	if got := testenv.Result[string](t, h); got != "saw the worker stop" {
		t.Errorf("result %q, want the activity to have seen the worker stop", got)
	}
}
