package worker_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// spinner returns a workflow that busy-loops until release is closed,
// counting in starts how many times its code began.
func spinner(starts *atomic.Int32, release <-chan struct{}) func(workflow.Context) (string, error) {
	return func(ctx workflow.Context) (string, error) {
		starts.Add(1)
		for {
			select {
			case <-release:
				return "finished", nil
			default:
			}
		}
	}
}

func quick(ctx workflow.Context) (string, error) { return "quick", nil }

// waitTaskAttempt waits until the pending workflow task of h is at
// attempt n or later. Retries of a failed task are transient: they are
// not in history until one completes, so Describe is asked.
func waitTaskAttempt(t *testing.T, c *client.Client, h *client.WorkflowHandle, n int32) {
	t.Helper()
	ctx := testenv.Context(t)
	testenv.Eventually(t, ctx, fmt.Sprintf("workflow task attempt %d", n), func() (bool, error) {
		resp, err := c.WorkflowService().DescribeWorkflowExecution(ctx, &workflowservice.DescribeWorkflowExecutionRequest{
			Namespace: c.Namespace(), Execution: &commonpb.WorkflowExecution{WorkflowId: h.ID()},
		})
		return err == nil && resp.GetPendingWorkflowTask().GetAttempt() >= n, err
	})
}

// TestStuckRunIsNotStartedAgain checks that the later tasks of a run whose
// code is stuck are held instead of starting another copy of the code,
// that other workflows keep running, and that the run goes on once its
// code returns.
func TestStuckRunIsNotStartedAgain(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		var starts atomic.Int32
		release := make(chan struct{})
		w := e.worker(worker.Options{CacheSize: cacheSize, DeadlockTimeout: 300 * time.Millisecond}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Spin", spinner(&starts, release)))
			testenv.Must(t, w.RegisterWorkflow("Quick", quick))
		})
		h := e.startOpts(client.StartWorkflowOptions{WorkflowTaskTimeout: time.Second}, "Spin")
		// The first attempt failed as a deadlock; the second and third
		// were held until they timed out.
		waitTaskAttempt(t, e.c, h, 4)
		if n := starts.Load(); n != 1 {
			t.Errorf("the stuck workflow's code was started %d times, want once", n)
		}
		if n := w.StuckWorkflows(); n != 1 {
			t.Errorf("StuckWorkflows = %d, want 1", n)
		}
		if got := testenv.Result[string](t, e.start("Quick")); got != "quick" {
			t.Errorf("Quick = %q while a workflow is stuck", got)
		}

		close(release)
		if got := testenv.Result[string](t, h); got != "finished" {
			t.Errorf("Spin = %q after its code returned", got)
		}
		if n := w.StuckWorkflows(); n != 0 {
			t.Errorf("StuckWorkflows = %d after the code returned, want 0", n)
		}
	})
}

// TestMaxStuckWorkflows checks that a worker with as many stuck runs as
// its cap takes no workflow tasks until one returns.
func TestMaxStuckWorkflows(t *testing.T) {
	e := newEnv(t)
	var starts atomic.Int32
	release := make(chan struct{})
	e.worker(worker.Options{CacheSize: 10, DeadlockTimeout: 300 * time.Millisecond, MaxStuckWorkflows: 1}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Spin", spinner(&starts, release)))
		testenv.Must(t, w.RegisterWorkflow("Quick", quick))
	})
	spin := e.startOpts(client.StartWorkflowOptions{WorkflowTaskTimeout: time.Second}, "Spin")
	testenv.WaitHistory(t, spin, "the stuck workflow's task failing", testenv.HasEvent(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED))
	q := e.start("Quick")
	// Long enough for a polling worker to have taken Quick's task.
	waitTaskAttempt(t, e.c, spin, 3)
	if evs := testenv.History(t, q); testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED) != 0 {
		t.Fatalf("a worker at its stuck-workflow cap took a workflow task:\n%s", testenv.FormatHistory(evs))
	}
	close(release)
	if got := testenv.Result[string](t, q); got != "quick" {
		t.Errorf("Quick = %q after the stuck code returned", got)
	}
	if got := testenv.Result[string](t, spin); got != "finished" {
		t.Errorf("Spin = %q", got)
	}
}

// TestBlockedWorkflowCode checks workflow code that blocks on a native Go
// channel or mutex instead of a workflow primitive: its task fails naming
// the deadlock and the blocked code, the worker keeps completing other
// workflows (their rate is measured before and while two runs are stuck),
// and the runs go on once the code is unblocked.
func TestBlockedWorkflowCode(t *testing.T) {
	e := newEnv(t)
	release := make(chan struct{})
	var mu sync.Mutex
	mu.Lock() // held until release
	w := e.worker(worker.Options{CacheSize: 10, DeadlockTimeout: 300 * time.Millisecond}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("WaitsOnChannel", func(ctx workflow.Context) (string, error) {
			<-release
			return "channel", nil
		}))
		testenv.Must(t, w.RegisterWorkflow("WaitsOnMutex", func(ctx workflow.Context) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			return "mutex", nil
		}))
		testenv.Must(t, w.RegisterWorkflow("Quick", quick))
	})
	rate := func() float64 {
		const n = 10
		start := time.Now()
		for range n {
			if got := testenv.Result[string](t, e.start("Quick")); got != "quick" {
				t.Fatalf("Quick = %q", got)
			}
		}
		return n / time.Since(start).Seconds()
	}
	before := rate()
	handles := map[string]*client.WorkflowHandle{}
	for _, typ := range []string{"WaitsOnChannel", "WaitsOnMutex"} {
		h := e.startOpts(client.StartWorkflowOptions{WorkflowTaskTimeout: time.Second}, typ)
		handles[typ] = h
		evs := testenv.WaitHistory(t, h, "a failed workflow task", testenv.HasEvent(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED))
		f := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED).GetWorkflowTaskFailedEventAttributes().GetFailure()
		msg := f.GetMessage() + "\n" + f.GetStackTrace()
		for _, want := range []string{"[TMPRL1101]", "TestBlockedWorkflowCode"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: task failure does not mention %q:\n%s", typ, want, msg)
			}
		}
	}
	if n := w.StuckWorkflows(); n != 2 {
		t.Errorf("StuckWorkflows = %d, want 2", n)
	}
	during := rate()
	t.Logf("quick workflows: %.1f/s before, %.1f/s with two runs stuck", before, during)
	if during < before/4 {
		t.Errorf("quick workflows slowed from %.1f/s to %.1f/s while two runs were stuck", before, during)
	}
	close(release)
	mu.Unlock()
	for typ, want := range map[string]string{"WaitsOnChannel": "channel", "WaitsOnMutex": "mutex"} {
		if got := testenv.Result[string](t, handles[typ]); got != want {
			t.Errorf("%s = %q once unblocked", typ, got)
		}
	}
}
