package worker_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestStopReleasesGoroutines checks that a stopped worker leaves no
// goroutines behind: not its pollers, not the goroutines and workflow
// coroutines it keeps for reuse between tasks.
func TestStopReleasesGoroutines(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		before := runtime.NumGoroutine()
		w := worker.New(e.c, e.tq, worker.Options{Logger: e.log, CacheSize: cacheSize})
		testenv.Must(t, w.RegisterWorkflow("UpperTwice", func(ctx workflow.Context, s string) (string, error) {
			opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
			a := workflow.ExecuteActivity[string](ctx, opts, "ToUpper", s)
			b := workflow.ExecuteActivity[string](ctx, opts, "ToUpper", s+"!")
			x, err := a.Get(ctx)
			if err != nil {
				return "", err
			}
			y, err := b.Get(ctx)
			return x + y, err
		}))
		testenv.Must(t, w.RegisterActivity("ToUpper", func(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil }))
		testenv.Must(t, w.Start())
		var hs []workflowHandle
		for i := range 20 {
			hs = append(hs, e.start("UpperTwice", fmt.Sprint("w", i)))
		}
		for i, h := range hs {
			if got, want := testenv.Result[string](t, h), fmt.Sprintf("W%dW%d!", i, i); got != want {
				t.Fatalf("workflow %d = %q, want %q", i, got, want)
			}
		}
		w.Stop()
		// Well within the 30 s an idle pooled goroutine would otherwise
		// wait for work.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		n := 0
		testenv.Eventually(t, ctx, "the stopped worker's goroutines to end", func() (bool, error) {
			n = runtime.NumGoroutine()
			return n <= before, fmt.Errorf("%d goroutines, %d before the worker", n, before)
		})
	})
}
