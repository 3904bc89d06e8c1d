package conformance

// Behaviours of the Python SDK's tests/worker/test_workflow.py that our
// API covers (see README.md for the mapping).

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestHandlersDynamicAndLate is test_workflow_signal_and_query and
// test_workflow_signal_and_query_handlers: static, dynamic and
// late-registered handlers; signals sent before a handler exists are
// buffered and delivered, in order, once it is set.
func TestHandlersDynamicAndLate(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Handlers", func(ctx workflow.Context) ([]string, error) {
				var log []string
				done := false
				_ = workflow.SetSignalHandler(ctx, "static", func(_ workflow.Context, args converter.Values) error {
					log = append(log, "static:"+arg[string](args, 0))
					return nil
				}, workflow.SignalOptions{})
				_ = workflow.SetDynamicSignalHandler(ctx, func(_ workflow.Context, name string, args converter.Values) error {
					log = append(log, "dynamic "+name+":"+arg[string](args, 0))
					return nil
				}, workflow.SignalOptions{})
				_ = workflow.SetQueryHandler(ctx, "hasLate", func(ctx workflow.Context, _ converter.Values) (any, error) {
					return workflow.GetSignalHandler(ctx, "late") != nil, nil
				}, workflow.QueryOptions{})
				_ = workflow.SetDynamicQueryHandler(ctx, func(_ workflow.Context, name string, _ converter.Values) (any, error) {
					return "dynamic query " + name, nil
				}, workflow.QueryOptions{})
				_ = workflow.SetDynamicUpdateHandler(ctx, func(_ workflow.Context, name string, args converter.Values) (any, error) {
					return "dynamic update " + name + ":" + arg[string](args, 0), nil
				}, workflow.DynamicUpdateOptions{})
				_ = workflow.SetSignalHandler(ctx, "register", func(ctx workflow.Context, _ converter.Values) error {
					// Registered at runtime: the buffered "late" signals
					// arrive now, not at the dynamic handler.
					return workflow.SetSignalHandler(ctx, "late", func(_ workflow.Context, args converter.Values) error {
						log = append(log, "late:"+arg[string](args, 0))
						return nil
					}, workflow.SignalOptions{})
				}, workflow.SignalOptions{})
				_ = workflow.SetSignalHandler(ctx, "done", func(workflow.Context, converter.Values) error { done = true; return nil }, workflow.SignalOptions{})
				err := workflow.Await(ctx, func() bool { return done })
				return log, err
			}))
		})
		h := e.start("Handlers")
		testenv.Must(t, h.Signal(e.ctx, "static", "a"))
		testenv.Must(t, h.Signal(e.ctx, "other", "b"))
		if got, err := client.Query[string](e.ctx, h, "anything"); err != nil || got != "dynamic query anything" {
			t.Errorf("dynamic query: %q, %v", got, err)
		}
		if got, err := client.ExecuteUpdate[string](e.ctx, h, "whatever", "c"); err != nil || got != "dynamic update whatever:c" {
			t.Errorf("dynamic update: %q, %v", got, err)
		}
		testenv.Must(t, h.Signal(e.ctx, "register"))
		e.eventually("the late handler", func() (bool, error) {
			ok, err := client.Query[bool](e.ctx, h, "hasLate")
			return ok, err
		})
		testenv.Must(t, h.Signal(e.ctx, "late", "d"))
		testenv.Must(t, h.Signal(e.ctx, "done"))
		got := result[[]string](e, h)
		want := []string{"static:a", "dynamic other:b", "late:d"}
		if !slices.Equal(got, want) {
			t.Errorf("handled %q, want %q", got, want)
		}
	})
}

// TestBufferedSignalsBeforeHandler: signals that arrive before the handler
// is set (here: while the workflow sleeps) are delivered in order when it
// is set.
func TestBufferedSignalsBeforeHandler(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("LateHandler", func(ctx workflow.Context) ([]string, error) {
				var got []string
				_ = workflow.SetSignalHandler(ctx, "ready", func(workflow.Context, converter.Values) error { return nil }, workflow.SignalOptions{})
				if err := workflow.Sleep(ctx, time.Second); err != nil {
					return nil, err
				}
				_ = workflow.SetSignalHandler(ctx, "sig", func(_ workflow.Context, args converter.Values) error {
					got = append(got, arg[string](args, 0))
					return nil
				}, workflow.SignalOptions{})
				err := workflow.Await(ctx, func() bool { return len(got) == 3 })
				return got, err
			}))
		})
		h := e.start("LateHandler")
		for _, s := range []string{"1", "2", "3"} {
			testenv.Must(t, h.Signal(e.ctx, "sig", s))
		}
		if got := result[[]string](e, h); fmt.Sprint(got) != "[1 2 3]" {
			t.Errorf("delivered %q", got)
		}
	})
}

// TestHandlerErrors is test_workflow_signal_and_query_errors: an
// ApplicationError returned by a signal handler fails the workflow with
// its details; one returned by a query handler reaches the caller as a
// QueryFailedError.
func TestHandlerErrors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("FailingHandlers", func(ctx workflow.Context) error {
				_ = workflow.SetSignalHandler(ctx, "fail", func(workflow.Context, converter.Values) error {
					return temporal.NewApplicationError("signal failed", "SignalError", "detail")
				}, workflow.SignalOptions{})
				_ = workflow.SetQueryHandler(ctx, "fail", func(workflow.Context, converter.Values) (any, error) {
					return nil, temporal.NewApplicationError("query failed", "QueryError")
				}, workflow.QueryOptions{})
				return workflow.Await(ctx, func() bool { return false })
			}))
		})
		h := e.start("FailingHandlers")
		_, err := client.Query[string](e.ctx, h, "fail")
		var qf *client.QueryFailedError
		if !errors.As(err, &qf) || !strings.Contains(err.Error(), "query failed") {
			t.Errorf("query: %v, want a QueryFailedError", err)
		}
		testenv.Must(t, h.Signal(e.ctx, "fail"))
		_, err = resultErr[struct{}](e, h)
		var app *temporal.ApplicationError
		var detail string
		if !errors.As(err, &app) || app.Type() != "SignalError" || app.Details(&detail) != nil || detail != "detail" {
			t.Errorf("workflow ended with %v, want the signal handler's error with its details", err)
		}
	})
}

// TestQueryReadOnly is test_workflow_queries_doing_bad_things and
// test_workflow_query_does_not_run_condition: in a query handler, every
// operation that would change history fails with ReadOnlyContextError;
// and answering queries does not evaluate the workflow's await
// conditions (with the cache; without it every query replays history).
func TestQueryReadOnly(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var evaluations atomic.Int32
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("BadQueries", func(ctx workflow.Context) error {
				_ = workflow.SetQueryHandler(ctx, "bad", func(ctx workflow.Context, args converter.Values) (any, error) {
					var op string
					_ = args.Get(0, &op)
					return attempt(func() error {
						switch op {
						case "activity":
							_, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Second}, "Echo").Get(ctx)
							return err
						case "timer":
							return workflow.Sleep(ctx, time.Second)
						case "child":
							_, err := workflow.ExecuteChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{}, "X").Get(ctx)
							return err
						case "continueAsNew":
							return workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{})
						case "upsert":
							return workflow.UpsertSearchAttributes(ctx, keyKeyword.ValueSet("x"))
						case "memo":
							return workflow.UpsertMemo(ctx, map[string]any{"k": "v"})
						case "patched":
							workflow.Patched(ctx, "p")
							return nil
						case "setHandler":
							return workflow.SetQueryHandler(ctx, "new", func(workflow.Context, converter.Values) (any, error) { return nil, nil }, workflow.QueryOptions{})
						case "signalExternal":
							_, err := workflow.GetExternalWorkflowHandle(ctx, "other", "").Signal(ctx, "s").Get(ctx)
							return err
						case "await":
							return workflow.Await(ctx, func() bool { return false })
						}
						return fmt.Errorf("unknown op %s", op)
					}), nil
				}, workflow.QueryOptions{})
				return workflow.Await(ctx, func() bool { evaluations.Add(1); return false })
			}))
		})
		h := e.start("BadQueries")
		e.waitEvent(h, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
		before := evaluations.Load()
		for _, op := range []string{"activity", "timer", "child", "continueAsNew", "upsert", "memo", "patched", "setHandler", "signalExternal", "await"} {
			got, err := client.Query[string](e.ctx, h, "bad", op)
			if err != nil || !strings.HasPrefix(got, "read-only:") {
				t.Errorf("%s in a query: %q, %v; want a ReadOnlyContextError", op, got, err)
			}
		}
		if after := evaluations.Load(); e.cacheSize > 0 && after != before {
			t.Errorf("queries evaluated the await condition %d times", after-before)
		}
		if n := testenv.Count(e.history(h), enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
			t.Errorf("%d workflow task failures", n)
		}
	})
}

// attempt runs fn and describes a ReadOnlyContextError, returned or
// panicked, as "read-only:<op>".
func attempt(fn func() error) (out string) {
	defer func() {
		if r := recover(); r != nil {
			if ro, ok := r.(*temporal.ReadOnlyContextError); ok {
				out = "read-only:" + ro.Op
				return
			}
			out = fmt.Sprint("panic: ", r)
		}
	}()
	err := fn()
	var ro *temporal.ReadOnlyContextError
	if errors.As(err, &ro) {
		return "read-only:" + ro.Op
	}
	return fmt.Sprint("no read-only error: ", err)
}

// TestPatchMemoized is test_workflow_patch_memoized: Patched answers the
// same within a run and records one marker.
func TestPatchMemoized(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("PatchTwice", func(ctx workflow.Context) ([]bool, error) {
				a := workflow.Patched(ctx, "p1")
				if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
					return nil, err
				}
				return []bool{a, workflow.Patched(ctx, "p1")}, nil
			}))
		})
		h := e.start("PatchTwice")
		if got := result[[]bool](e, h); fmt.Sprint(got) != "[true true]" {
			t.Errorf("Patched answered %v", got)
		}
		if n := testenv.Count(e.history(h), enumspb.EVENT_TYPE_MARKER_RECORDED); n != 1 {
			t.Errorf("%d markers, want 1", n)
		}
	})
}

// TestWorkflowInfo is test_workflow_info and test_workflow_history_info.
func TestWorkflowInfo(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Info", func(ctx workflow.Context) (map[string]string, error) {
				in := workflow.GetInfo(ctx)
				return map[string]string{
					"attempt":   fmt.Sprint(in.Attempt),
					"namespace": in.Namespace,
					"taskQueue": in.TaskQueue,
					"type":      in.WorkflowType,
					"id":        in.WorkflowID,
					"run":       in.RunID,
					"first":     in.FirstExecutionRunID,
					"task":      in.TaskTimeout.String(),
					"history":   fmt.Sprint(in.HistoryLength),
					"start":     in.StartTime.Format(time.RFC3339Nano),
					"parent":    fmt.Sprint(in.Parent == nil),
				}, nil
			}))
		})
		h := e.start("Info")
		got := result[map[string]string](e, h)
		start := e.history(h)[0].EventTime.AsTime().UTC().Format(time.RFC3339Nano)
		want := map[string]string{"attempt": "1", "namespace": srv.Namespace(), "taskQueue": e.tq, "type": "Info",
			"id": h.ID(), "run": h.RunID(), "first": h.RunID(), "task": "10s", "history": "3", "start": start, "parent": "true"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %q, want %q", k, got[k], v)
			}
		}
	})
}

// TestDeterministicRandomness is test_workflow_uuid and
// test_random_seed_functionality: UUID4 and Random give the same values
// on every replay of a run and different values in another run.
func TestDeterministicRandomness(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Random", func(ctx workflow.Context) ([]string, error) {
				vals := []string{workflow.UUID4(ctx), fmt.Sprint(workflow.Random(ctx).Int64())}
				_ = workflow.SetQueryHandler(ctx, "vals", func(workflow.Context, converter.Values) (any, error) { return vals, nil }, workflow.QueryOptions{})
				if err := workflow.Sleep(ctx, 500*time.Millisecond); err != nil {
					return nil, err
				}
				vals = append(vals, workflow.UUID4(ctx))
				return vals, nil
			}))
		})
		h1, h2 := e.start("Random"), e.start("Random")
		mid, err := client.Query[[]string](e.ctx, h1, "vals")
		testenv.Must(t, err)
		end1, end2 := result[[]string](e, h1), result[[]string](e, h2)
		if len(mid) != 2 || len(end1) != 3 || !slices.Equal(mid, end1[:2]) {
			t.Errorf("values changed on replay: mid-run %q, at the end %q", mid, end1)
		}
		if slices.Equal(end1, end2) || end1[0] == end1[2] {
			t.Errorf("values repeat: %q and %q", end1, end2)
		}
	})
}

// TestDeadlockDetection is test_workflow_deadlock: a coroutine that does
// not yield within the deadlock timeout fails the workflow task with
// [TMPRL1101]; the retried task succeeds.
func TestDeadlockDetection(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var attempts atomic.Int32
		e.workerOpts(worker.Options{DeadlockTimeout: time.Second}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Deadlock", func(ctx workflow.Context) (string, error) {
				if attempts.Add(1) == 1 {
					time.Sleep(1500 * time.Millisecond) // blocks without yielding
				}
				return "recovered", nil
			}))
		})
		h := e.start("Deadlock")
		if got := result[string](e, h); got != "recovered" {
			t.Errorf("result %q", got)
		}
		evs := e.history(h)
		f := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED)
		if f == nil || !strings.Contains(f.GetWorkflowTaskFailedEventAttributes().GetFailure().GetMessage(), "[TMPRL1101]") {
			t.Errorf("want a workflow task failure with [TMPRL1101]:\n%s", testenv.FormatHistory(evs))
		}
	})
}

// TestWorkflowFailureTypes is test_workflow_failure_types_configured: a
// panic in workflow code fails the workflow task (retried) unless the
// workflow is configured to fail on it, in which case the workflow fails.
func TestWorkflowFailureTypes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var plainRuns atomic.Int32
		panicky := func(ctx workflow.Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
			panic("bad state")
		}
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflowFunc("PanicOnce", func(ctx workflow.Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
				if plainRuns.Add(1) == 1 {
					panic("bad state")
				}
				return converter.Default().ToPayloads("retried")
			}))
			testenv.Must(t, w.RegisterWorkflowFuncWithOptions("PanicFails", panicky, worker.RegisterOptions{
				FailWorkflowOn: func(v any) bool { return fmt.Sprint(v) == "bad state" },
			}))
		})
		h := e.start("PanicOnce")
		if got := result[string](e, h); got != "retried" {
			t.Errorf("result %q", got)
		}
		if n := testenv.Count(e.history(h), enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 1 {
			t.Errorf("%d workflow task failures, want 1", n)
		}
		_, err := resultErr[string](e, e.start("PanicFails"))
		if err == nil || !strings.Contains(err.Error(), "bad state") {
			t.Errorf("configured workflow ended with %v, want it failed with the panic", err)
		}
	})
}

// TestUnfinishedHandlers is test_unfinished_update_handler: a workflow
// that returns while an update handler runs warns with [TMPRL1102] and
// the caller gets an AcceptedUpdateCompletedWorkflow failure; with the
// ABANDON policy there is no warning.
func TestUnfinishedHandlers(t *testing.T) {
	for _, policy := range []workflow.HandlerUnfinishedPolicy{workflow.HandlerUnfinishedPolicyWarnAndAbandon, workflow.HandlerUnfinishedPolicyAbandon} {
		t.Run(policy.String(), func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				e.worker(func(w *worker.Worker) {
					testenv.Must(t, w.RegisterWorkflow("Unfinished", func(ctx workflow.Context) error {
						started := false
						_ = workflow.SetUpdateHandler(ctx, "forever", func(ctx workflow.Context, _ converter.Values) (any, error) {
							started = true
							return nil, workflow.Await(ctx, func() bool { return false })
						}, workflow.UpdateOptions{UnfinishedPolicy: policy})
						return workflow.Await(ctx, func() bool { return started })
					}))
				})
				h := e.start("Unfinished")
				_, err := client.ExecuteUpdate[string](e.ctx, h, "forever")
				var ab *client.UpdateAbandonedError
				if !errors.As(err, &ab) {
					t.Errorf("update: %v, want an UpdateAbandonedError", err)
				}
				result[struct{}](e, h)
				warned := e.logs.Contains("TMPRL1102")
				if want := policy == workflow.HandlerUnfinishedPolicyWarnAndAbandon; warned != want {
					t.Errorf("TMPRL1102 warning logged: %v, want %v", warned, want)
				}
			})
		})
	}
}

// TestAsCompletedAndCancelExternal covers test_workflow_as_completed_utility
// (results in completion order, the same under forced replay) and
// test_workflow_cancel_external (a workflow cancels another).
func TestAsCompletedAndCancelExternal(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Victim", func(ctx workflow.Context) error {
				return workflow.Await(ctx, func() bool { return false })
			}))
			testenv.Must(t, w.RegisterWorkflow("Ordered", func(ctx workflow.Context, victim string) ([]string, error) {
				var fs []workflow.Future[struct{}]
				// Far enough apart for the server's timer granularity, and
				// for a loaded worker to handle each firing in a task of
				// its own (futures ready in one task come in slice order).
				for _, d := range []time.Duration{4000, 100, 1500} {
					fs = append(fs, workflow.NewTimer(ctx, d*time.Millisecond))
				}
				var order []string
				for f, err := range workflow.AsCompleted(ctx, fs, 0) {
					if err != nil {
						return nil, err
					}
					order = append(order, fmt.Sprint(slices.IndexFunc(fs, func(g workflow.Future[struct{}]) bool { return g == f })))
				}
				if _, err := workflow.GetExternalWorkflowHandle(ctx, victim, "").Cancel(ctx).Get(ctx); err != nil {
					return nil, err
				}
				return order, nil
			}))
		})
		victim := e.start("Victim")
		h := e.start("Ordered", victim.ID())
		if got := result[[]string](e, h); fmt.Sprint(got) != "[1 2 0]" {
			t.Errorf("completion order %q, want [1 2 0]", got)
		}
		if _, err := resultErr[struct{}](e, victim); !temporal.IsCanceledError(err) {
			t.Errorf("victim ended with %v, want cancelled", err)
		}
	})
}
