package conformance

// Features: query/* (successful_query, timeout_due_to_no_active_workers,
// unexpected_arguments, unexpected_query_type_name,
// unexpected_return_type) and signal/* (basic, external, activities,
// signal_with_start, workflow_to_workflow, prevent_close; child_workflow
// is in TestChildWorkflowResultAndSignal).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// counter counts "inc" signals, answers "count" (which takes an int to
// add to the answer) and finishes on "stop".
func counter(ctx workflow.Context) (int, error) {
	n, stop := 0, false
	_ = workflow.SetSignalHandler(ctx, "inc", func(workflow.Context, converter.Values) error { n++; return nil }, workflow.SignalOptions{})
	_ = workflow.SetSignalHandler(ctx, "stop", func(workflow.Context, converter.Values) error { stop = true; return nil }, workflow.SignalOptions{})
	_ = workflow.SetQueryHandler(ctx, "count", func(_ workflow.Context, args converter.Values) (any, error) {
		if args.Len() != 1 {
			return nil, fmt.Errorf("count takes 1 argument, got %d", args.Len())
		}
		var add int
		if err := args.Get(0, &add); err != nil {
			return nil, err
		}
		return n + add, nil
	}, workflow.QueryOptions{})
	err := workflow.Await(ctx, func() bool { return stop })
	return n, err
}

// TestQuery covers successful_query (a query sees the signals sent before
// it), unexpected_arguments (a wrong type, an extra and a missing
// argument are rejected by the handler and reach the caller as
// QueryFailedError), unexpected_query_type_name (an unknown name fails,
// naming the known ones) and unexpected_return_type (decoding the answer
// into the wrong type fails on the client).
func TestQuery(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) { testenv.Must(t, w.RegisterWorkflow("Counter", counter)) })
		h := e.start("Counter")
		for range 3 {
			testenv.Must(t, h.Signal(e.ctx, "inc"))
		}
		if got, err := client.Query[int](e.ctx, h, "count", 10); err != nil || got != 13 {
			t.Errorf("testenv.Count(10) = %d, %v; want 13", got, err)
		}
		for name, args := range map[string][]any{
			"wrong type": {"ten"},
			"extra":      {1, 2},
			"missing":    nil,
		} {
			_, err := client.Query[int](e.ctx, h, "count", args...)
			var qf *client.QueryFailedError
			if !errors.As(err, &qf) {
				t.Errorf("%s arguments: %v (%T), want a QueryFailedError", name, err, err)
			}
		}
		_, err := client.Query[int](e.ctx, h, "nope")
		var qf *client.QueryFailedError
		if !errors.As(err, &qf) || !strings.Contains(err.Error(), "nope") || !strings.Contains(err.Error(), "count") {
			t.Errorf("unknown query: %v, want a QueryFailedError naming it and the known queries", err)
		}
		if _, err := client.Query[[]string](e.ctx, h, "count", 0); err == nil {
			t.Error("decoding an int answer into []string succeeded")
		}
		testenv.Must(t, h.Signal(e.ctx, "stop"))
		if got := result[int](e, h); got != 3 {
			t.Errorf("result %d", got)
		}
	})
}

// TestQueryTimeoutNoWorkers: with no worker polling, a query with a one
// second deadline fails with the deadline, promptly.
func TestQueryTimeoutNoWorkers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) { testenv.Must(t, w.RegisterWorkflow("Counter", counter)) })
		h := e.start("Counter")
		if _, err := client.Query[int](e.ctx, h, "count", 0); err != nil {
			t.Fatal(err)
		}
		e.stopWorker()
		ctx, cancel := context.WithTimeout(e.ctx, time.Second)
		defer cancel()
		began := time.Now()
		_, err := client.Query[int](ctx, h, "count", 0)
		// Server 1.29.1 may match the query to the stopped worker's poll
		// that it is cancelling, and answer Canceled at once; a query
		// sent again then waits for a worker as it should.
		for status.Code(err) == codes.Canceled && ctx.Err() == nil {
			_, err = client.Query[int](ctx, h, "count", 0)
		}
		if !errors.Is(err, context.DeadlineExceeded) && status.Code(err) != codes.DeadlineExceeded {
			t.Errorf("query without workers: %v, want a deadline exceeded error", err)
		}
		if d := time.Since(began); d > 2*time.Second {
			t.Errorf("took %v", d)
		}
	})
}

// TestSignal covers basic and external signals (from the client),
// activities run by a signal handler, signal_with_start (the signal is
// handled in the first workflow task) and workflow_to_workflow.
func TestSignal(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Echo", echo))
			testenv.Must(t, w.RegisterWorkflow("Receiver", func(ctx workflow.Context) ([]string, error) {
				var got []string
				done := false
				_ = workflow.SetSignalHandler(ctx, "msg", func(_ workflow.Context, args converter.Values) error {
					got = append(got, arg[string](args, 0))
					return nil
				}, workflow.SignalOptions{})
				// A handler that runs an activity.
				_ = workflow.SetSignalHandler(ctx, "echo", func(ctx workflow.Context, args converter.Values) error {
					s, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Echo", arg[string](args, 0)).Get(ctx)
					got = append(got, s)
					return err
				}, workflow.SignalOptions{})
				_ = workflow.SetSignalHandler(ctx, "done", func(workflow.Context, converter.Values) error { done = true; return nil }, workflow.SignalOptions{})
				err := workflow.Await(ctx, func() bool { return done && workflow.AllHandlersFinished(ctx) })
				return got, err
			}))
			testenv.Must(t, w.RegisterWorkflow("Sender", func(ctx workflow.Context, target string) error {
				ext := workflow.GetExternalWorkflowHandle(ctx, target, "")
				if _, err := ext.Signal(ctx, "msg", "from a workflow").Get(ctx); err != nil {
					return err
				}
				_, err := ext.Signal(ctx, "done").Get(ctx)
				return err
			}))
		})
		h, err := e.c.SignalWithStartWorkflow(e.ctx, client.StartWorkflowOptions{ID: testenv.UniqueID(t.Name()), TaskQueue: e.tq},
			"msg", []any{"with start"}, "Receiver")
		testenv.Must(t, err)
		testenv.Must(t, h.Signal(e.ctx, "msg", "from the client"))
		testenv.Must(t, h.Signal(e.ctx, "echo", "in a handler"))
		testenv.Must(t, e.c.SignalWorkflow(e.ctx, h.ID(), "", "msg", "by id"))
		sender := e.start("Sender", h.ID())
		if _, err := resultErr[struct{}](e, sender); err != nil {
			t.Fatalf("sender: %v", err)
		}
		got := result[[]string](e, h)
		// The activity-running handler finishes when its activity does:
		// compare without order.
		slices.Sort(got)
		want := "[by id echo in a handler from a workflow from the client with start]"
		if fmt.Sprint(got) != want {
			t.Errorf("signals %q, want %s", got, want)
		}
	})
}

// TestSignalPreventsClose is signal/prevent_close: a signal that arrives
// while the workflow task that completes the workflow is running makes
// the server reject the completion; the worker replays and the workflow's
// result includes the signal.
func TestSignalPreventsClose(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		la := newBlockingLocal()
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Block", la.run))
			testenv.Must(t, w.RegisterWorkflow("CloseRace", func(ctx workflow.Context) ([]string, error) {
				got := []string{}
				collectSignals(ctx, &got)
				if _, err := workflow.ExecuteLocalActivity[struct{}](ctx, blockingLocalOpts, "Block").Get(ctx); err != nil {
					return nil, err
				}
				return got, nil
			}))
		})
		h := e.start("CloseRace")
		recv(t, la.started, "the local activity")
		testenv.Must(t, h.Signal(e.ctx, "sig", "late"))
		close(la.release)
		if got := result[[]string](e, h); fmt.Sprint(got) != "[late]" {
			t.Errorf("result %q, want the late signal", got)
		}
		requireUnhandledCommand(t, e.history(h))
	})
}
