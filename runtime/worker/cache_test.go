package worker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// fanOutWorkflow schedules n activities in one workflow task, then sleeps:
// the task after the timer needs a history longer than one page.
func fanOutWorkflow(ctx workflow.Context, n int) (int, error) {
	opts := workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second}
	fs := make([]workflow.Future[int], n)
	for i := range fs {
		fs[i] = workflow.ExecuteActivity[int](ctx, opts, "Square", i)
	}
	sum := 0
	for _, f := range fs {
		v, err := f.Get(ctx)
		if err != nil {
			return 0, err
		}
		sum += v
	}
	if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return 0, err
	}
	return sum, nil
}

func TestLongHistoryPaging(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("FanOut", fanOutWorkflow))
			testenv.Must(t, w.RegisterActivity("Square", func(_ context.Context, i int) (int, error) { return i * i, nil }))
		})
		const n = 150
		h := e.start("FanOut", n)
		want := 0
		for i := range n {
			want += i * i
		}
		if got := testenv.Result[int](t, h); got != want {
			t.Errorf("sum = %d, want %d", got, want)
		}
		evs := testenv.History(t, h)
		if len(evs) <= 400 {
			t.Errorf("history has %d events; the test wants more than 400 to need paging", len(evs))
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
			t.Errorf("%d failed workflow tasks; history:\n%s", n, testenv.FormatHistory(evs))
		}
	})
}

// TestCacheEviction runs more workflows at once than the cache holds, so
// sticky tasks arrive for runs that were evicted and the worker must fetch
// and replay their whole history.
func TestCacheEviction(t *testing.T) {
	for _, size := range []int{1, 2} {
		t.Run(fmt.Sprintf("size%d", size), func(t *testing.T) {
			e := newEnv(t)
			e.worker(worker.Options{CacheSize: size}, func(w *worker.Worker) {
				testenv.Must(t, w.RegisterWorkflow("Evolving", activityThenTimer))
				testenv.Must(t, w.RegisterActivity("Echo", echo))
			})
			var hs []*client.WorkflowHandle
			for range 6 {
				hs = append(hs, e.start("Evolving", 100*time.Millisecond))
			}
			for _, h := range hs {
				if got := testenv.Result[string](t, h); got != "echo a" {
					t.Errorf("%s: result %q", h.ID(), got)
				}
				if n := testenv.Count(testenv.History(t, h), enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
					t.Errorf("%s: %d failed workflow tasks", h.ID(), n)
				}
			}
		})
	}
}
