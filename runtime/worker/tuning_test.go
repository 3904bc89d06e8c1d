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
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/temporal/metricstest"
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

type steadyLoad float64

func (l steadyLoad) CPU() float64    { return float64(l) }
func (l steadyLoad) Memory() float64 { return 0 }

// TestTuner: the worker's slot suppliers bound its activities: one fixed
// slot runs three parallel activities one at a time; a resource-based
// supplier over a machine it sees as busy keeps to its minimum, and over
// an idle one admits all three.
func TestTuner(t *testing.T) {
	for _, c := range []struct {
		name  string
		slots worker.SlotSupplier
		want  int
	}{
		{"fixed 1", worker.FixedSlots(1), 1},
		{"resource-based, busy", worker.ResourceBasedSlots(worker.ResourceBasedOptions{MinSlots: 1, MaxSlots: 10, Sampler: steadyLoad(0.99)}), 1},
		{"resource-based, idle", worker.ResourceBasedSlots(worker.ResourceBasedOptions{MinSlots: 1, MaxSlots: 10, RampThrottle: time.Millisecond, Sampler: steadyLoad(0.1)}), 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			conc := &concurrency{}
			// Eager activities off: they come back in completions, without
			// the poll loop's reservation order this test looks at.
			e.worker(worker.Options{DisableEagerActivities: true, ActivityPollers: 4, Tuner: worker.Tuner{Activities: c.slots}}, func(w *worker.Worker) {
				testenv.Must(t, w.RegisterWorkflow("Many", parallel(false)))
				testenv.Must(t, w.RegisterActivity("Busy", conc.activity))
			})
			testenv.Must(t, e.start("Many", 3).Get(testenv.Context(t), nil))
			if conc.max != c.want {
				t.Errorf("%d activities ran at once, want %d", conc.max, c.want)
			}
		})
	}
}

// TestPollerAutoscaling: autoscaled pollers start at Initial and grow
// while polls bring tasks (poller_start counts every poller started);
// under a burst of workflows they scale up, never past Max, and every
// workflow completes.
func TestPollerAutoscaling(t *testing.T) {
	e := newEnv(t)
	h := metricstest.New()
	auto := &worker.PollerAutoscaling{Min: 1, Max: 4, Initial: 1}
	e.worker(worker.Options{CacheSize: worker.DefaultCacheSize, MetricsHandler: h, WorkflowPollerAutoscaling: auto, ActivityPollerAutoscaling: auto,
		DisableEagerActivities: true}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("One", func(ctx workflow.Context) error {
			_, err := workflow.ExecuteActivity[struct{}](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Nop").Get(ctx)
			return err
		}))
		testenv.Must(t, w.RegisterActivity("Nop", func(context.Context) error { return nil }))
	})
	var handles []*client.WorkflowHandle
	for range 20 {
		handles = append(handles, e.startOpts(client.StartWorkflowOptions{DisableEagerExecution: true}, "One"))
	}
	for _, wh := range handles {
		testenv.Must(t, wh.Get(testenv.Context(t), nil))
	}
	for _, wt := range []string{temporal.WorkerTypeWorkflow, temporal.WorkerTypeActivity} {
		tags := map[string]string{temporal.TagWorkerType: wt, temporal.TagTaskQueue: e.tq}
		if n := h.Count(temporal.MetricPollerStart, tags); n <= 2 {
			t.Errorf("%s: %d pollers started, want more than the initial ones", wt, n)
		}
		for _, s := range h.Series(temporal.MetricNumPollers, tags) {
			if s.Value > 4 || s.Value < 1 {
				t.Errorf("%s %v: %v pollers, want within [1, 4]", wt, s.Tags, s.Value)
			}
		}
	}
}
