package orchestration_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestAsCompletedOrder runs three activities that the test completes in
// the order b, c, a, each in its own workflow task: AsCompleted yields
// them in that order, also when every task replays (no cache).
func TestAsCompletedOrder(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		gates := map[string]chan struct{}{"a": make(chan struct{}), "b": make(chan struct{}), "c": make(chan struct{})}
		var mu sync.Mutex
		runs := map[string]int{}
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Gate", func(ctx context.Context, name string) (string, error) {
				mu.Lock()
				runs[name]++
				mu.Unlock()
				select {
				case <-gates[name]:
					return name, nil
				case <-ctx.Done():
					return "", ctx.Err()
				case <-e.done:
					return "", fmt.Errorf("test over")
				}
			}))
			testenv.Must(t, w.RegisterWorkflow("Race", func(ctx workflow.Context) ([]string, error) {
				opts := workflow.ActivityOptions{StartToCloseTimeout: time.Minute}
				var fs []workflow.Future[string]
				for _, n := range []string{"a", "b", "c"} {
					fs = append(fs, workflow.ExecuteActivity[string](ctx, opts, "Gate", n))
				}
				var order []string
				for f, err := range workflow.AsCompleted(ctx, fs, time.Hour) {
					if err != nil {
						return nil, err
					}
					v, err := f.Get(ctx)
					if err != nil {
						return nil, err
					}
					order = append(order, v)
				}
				// One more task, so that without a cache the whole
				// iteration replays once more.
				if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
					return nil, err
				}
				return order, nil
			}))
		})
		h := e.start("Race")
		// (History records ActivityTaskStarted only with the completion.)
		waitFor(t, "the three activities to run", func(context.Context) (bool, error) {
			mu.Lock()
			defer mu.Unlock()
			return len(runs) == 3, nil
		})
		for i, n := range []string{"b", "c", "a"} {
			close(gates[n])
			testenv.WaitHistory(t, h, n+" to be processed", settled(enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, i+1))
		}
		got := testenv.Result[[]string](t, h)
		if want := []string{"b", "c", "a"}; !slices.Equal(got, want) {
			t.Errorf("AsCompleted order %v, want %v (completion order)", got, want)
		}
		mu.Lock()
		defer mu.Unlock()
		for n, r := range runs {
			if r != 1 {
				t.Errorf("activity %s ran %d times", n, r)
			}
		}
		evs := testenv.History(t, h)
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
			t.Errorf("failed workflow tasks:\n%s", testenv.FormatHistory(evs))
		}
		// The AsCompleted timeout timer was cancelled once all were in.
		if s, c := testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_STARTED), testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_CANCELED); s != 2 || c != 1 {
			t.Errorf("timers started/cancelled %d/%d, want 2/1:\n%s", s, c, testenv.FormatHistory(evs))
		}
	})
}

// handlersWorkflow uses a channel, a selector, a mutex and a semaphore
// from signal handlers: "put" sends to a channel, "locked" and "sem"
// hold a mutex or a one-permit semaphore across a durable timer. The main
// coroutine selects on the channel until it has n values.
func handlersWorkflow(ctx workflow.Context, n int) ([]string, error) {
	ch := workflow.NewBufferedChannel[string](ctx, 16)
	done := workflow.NewChannel[struct{}](ctx)
	mu := workflow.NewMutex(ctx)
	sem := workflow.NewSemaphore(ctx, 1)
	var log []string
	arg := func(args converter.Values) string {
		var s string
		_ = args.Get(0, &s)
		return s
	}
	if err := workflow.SetSignalHandler(ctx, "put", func(ctx workflow.Context, args converter.Values) error {
		return ch.Send(ctx, "put:"+arg(args))
	}, workflow.SignalOptions{}); err != nil {
		return nil, err
	}
	if err := workflow.SetSignalHandler(ctx, "locked", func(ctx workflow.Context, args converter.Values) error {
		name := arg(args)
		if err := mu.Lock(ctx); err != nil {
			return err
		}
		defer mu.Unlock()
		log = append(log, "mutex enter "+name)
		if err := workflow.Sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
		log = append(log, "mutex exit "+name)
		return ch.Send(ctx, "locked:"+name)
	}, workflow.SignalOptions{}); err != nil {
		return nil, err
	}
	if err := workflow.SetSignalHandler(ctx, "sem", func(ctx workflow.Context, args converter.Values) error {
		name := arg(args)
		if err := sem.Acquire(ctx, 1); err != nil {
			return err
		}
		defer sem.Release(1)
		log = append(log, "sem enter "+name)
		if err := workflow.Sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
		log = append(log, "sem exit "+name)
		return ch.Send(ctx, "sem:"+name)
	}, workflow.SignalOptions{}); err != nil {
		return nil, err
	}
	if err := workflow.SetSignalHandler(ctx, "stop", func(ctx workflow.Context, _ converter.Values) error {
		done.Close()
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return nil, err
	}
	var got []string
	stopped := false
	for len(got) < n && !stopped {
		sel := workflow.NewSelector(ctx)
		workflow.AddReceive(sel, ch, func(v string, ok bool) { got = append(got, v) })
		workflow.AddReceive(sel, done, func(struct{}, bool) { stopped = true })
		if err := sel.Select(ctx); err != nil {
			return nil, err
		}
	}
	slices.Sort(got)
	return append(got, log...), nil
}

// TestHandlersWithChannelsAndLocks sends signals whose handlers use
// channels, a mutex and a semaphore, and checks that the locked sections
// did not interleave.
func TestHandlersWithChannelsAndLocks(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) { testenv.Must(t, w.RegisterWorkflow("Handlers", handlersWorkflow)) })
		h := e.start("Handlers", 7)
		ctx := testenv.Context(t)
		for _, s := range [][2]string{{"locked", "A"}, {"sem", "C"}, {"locked", "B"}, {"put", "x"}, {"sem", "D"}, {"locked", "E"}, {"put", "y"}} {
			testenv.Must(t, h.Signal(ctx, s[0], s[1]))
		}
		got := testenv.Result[[]string](t, h)
		values, log := got[:7], got[7:]
		if want := []string{"locked:A", "locked:B", "locked:E", "put:x", "put:y", "sem:C", "sem:D"}; !slices.Equal(values, want) {
			t.Errorf("received %v, want %v", values, want)
		}
		for _, kind := range []string{"mutex", "sem"} {
			var seq []string
			for _, l := range log {
				if strings.HasPrefix(l, kind+" ") {
					seq = append(seq, strings.TrimPrefix(l, kind+" "))
				}
			}
			// enter X must be followed by exit X.
			if len(seq)%2 != 0 {
				t.Errorf("%s log %v", kind, seq)
				continue
			}
			for i := 0; i < len(seq); i += 2 {
				name := strings.TrimPrefix(seq[i], "enter ")
				if !strings.HasPrefix(seq[i], "enter ") || seq[i+1] != "exit "+name {
					t.Errorf("%s sections interleaved: %v", kind, seq)
					break
				}
			}
		}
		if evs := testenv.History(t, h); testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED) != 0 {
			t.Errorf("failed workflow tasks:\n%s", testenv.FormatHistory(evs))
		}
	})
}

// TestAsCompletedTimeout ends an AsCompleted iteration with a
// *temporal.TimeoutError when the futures are not ready in time.
func TestAsCompletedTimeout(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("AsCompletedTimeout", func(ctx workflow.Context) ([]string, error) {
				fs := []workflow.Future[struct{}]{workflow.NewTimer(ctx, 50*time.Millisecond), workflow.NewTimer(ctx, time.Hour)}
				var seen []string
				for f, err := range workflow.AsCompleted(ctx, fs, 2*time.Second) {
					if err != nil {
						var te *temporal.TimeoutError
						seen = append(seen, fmt.Sprintf("timeout error: %v", errors.As(err, &te)))
						break
					}
					seen = append(seen, fmt.Sprintf("ready: %v", f.IsReady()))
				}
				return seen, nil
			}))
		})
		h := e.start("AsCompletedTimeout")
		if got, want := testenv.Result[[]string](t, h), []string{"ready: true", "timeout error: true"}; !slices.Equal(got, want) {
			t.Errorf("iteration %v, want %v", got, want)
		}
	})
}
