package worker_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// leakWorkflows is the number of workflows of each round of TestNoLeaks:
// TEMPORALGEN_LEAK_WORKFLOWS overrides it for a long run.
func leakWorkflows(t *testing.T) int {
	if s := os.Getenv("TEMPORALGEN_LEAK_WORKFLOWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("TEMPORALGEN_LEAK_WORKFLOWS=%q: want a positive number", s)
		}
		return n
	}
	return 60
}

// usage is the process's goroutines and live heap after a full GC.
type usage struct {
	goroutines int
	heap       uint64
}

func measure() usage {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return usage{runtime.NumGoroutine(), m.HeapAlloc}
}

func (u usage) String() string {
	return fmt.Sprintf("%d goroutines, %.1f MiB heap", u.goroutines, float64(u.heap)/(1<<20))
}

// settle waits (bounded) for the goroutines to drop to at most max, as
// exiting goroutines finish, and returns the usage then.
func settle(t *testing.T, max int) usage {
	t.Helper()
	ctx, cancel := context.WithTimeout(testenv.Context(t), 10*time.Second)
	defer cancel()
	u := measure()
	for u.goroutines > max && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond): // polling a count: there is no event to wait on
		}
		u = measure()
	}
	return u
}

// TestNoLeaks runs rounds of workflows (activity, local activity, timer,
// child, signal) on a cached worker and purges the cache after each:
// goroutines and heap do not grow from one round to the next, and once
// the worker stops they are back to what they were before it started.
func TestNoLeaks(t *testing.T) {
	e := newEnv(t)
	before := measure()
	w := e.worker(worker.Options{CacheSize: worker.DefaultCacheSize}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Busy", func(ctx workflow.Context) error {
			opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
			if _, err := workflow.ExecuteActivity[struct{}](ctx, opts, "Nop").Get(ctx); err != nil {
				return err
			}
			if _, err := workflow.ExecuteLocalActivity[struct{}](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Nop").Get(ctx); err != nil {
				return err
			}
			child, err := workflow.StartChildWorkflow[struct{}](ctx, workflow.ChildWorkflowOptions{}, "Idle")
			if err != nil {
				return err
			}
			if _, err := child.Started().Get(ctx); err != nil {
				return err
			}
			if _, err := child.Signal(ctx, "ping").Get(ctx); err != nil {
				return err
			}
			if _, err := child.Get(ctx); err != nil {
				return err
			}
			return workflow.Sleep(ctx, time.Millisecond)
		}))
		testenv.Must(t, w.RegisterWorkflow("Idle", func(ctx workflow.Context) error {
			pinged := false
			if err := workflow.SetSignalHandler(ctx, "ping", func(workflow.Context, converter.Values) error { pinged = true; return nil }, workflow.SignalOptions{}); err != nil {
				return err
			}
			return workflow.Await(ctx, func() bool { return pinged })
		}))
		testenv.Must(t, w.RegisterActivity("Nop", func(context.Context) error { return nil }))
	})
	n := leakWorkflows(t)
	round := func() usage {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 30)
		for range n {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				testenv.Must(t, e.start("Busy").Get(testenv.Context(t), nil))
			}()
		}
		wg.Wait()
		w.PurgeCache()
		return measure()
	}
	// A first round fills the worker's pools of idle goroutines, which
	// a loaded machine may leave short of their bounds after one round.
	round()
	first := round()
	second := round()
	t.Logf("before the worker: %v; after %d workflows: %v; after %d more: %v", before, n, first, n, second)
	// Pools of idle goroutines are bounded; anything that grows with the
	// number of workflows is a leak.
	if second.goroutines > first.goroutines+10 {
		t.Errorf("goroutines grew from %d to %d over a round of %d workflows", first.goroutines, second.goroutines, n)
	}
	if second.heap > first.heap+8<<20 {
		t.Errorf("heap grew from %v to %v over a round of %d workflows", first, second, n)
	}
	w.Stop()
	after := settle(t, before.goroutines+2)
	t.Logf("after the worker stopped: %v", after)
	if after.goroutines > before.goroutines+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after the worker stopped, %d before it started:\n%s", after.goroutines, before.goroutines, buf[:runtime.Stack(buf, true)])
	}
	if after.heap > before.heap+8<<20 {
		t.Errorf("heap after the worker stopped: %v; before it started: %v", after, before)
	}
}
