package orchestration_test

import (
	"context"
	"errors"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// fatalError is the workflow's failure_errors type.
type fatalError struct{ msg string }

func (e *fatalError) Error() string { return e.msg }

func failOnFatal(v any) bool {
	err, ok := v.(error)
	var fe *fatalError
	return ok && errors.As(err, &fe)
}

func failOnNondeterminism(v any) bool {
	err, ok := v.(error)
	var nd *temporal.NondeterminismError
	return ok && errors.As(err, &nd)
}

// panicky panics, after a timer, with a *fatalError ("match") or a plain
// string ("other").
func panicky(ctx workflow.Context, in *commonpb.Payloads) (*commonpb.Payloads, error) {
	var mode string
	if err := workflow.PayloadConverter(ctx).FromPayloads(in, &mode); err != nil {
		return nil, err
	}
	if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return nil, err
	}
	if mode == "match" {
		panic(&fatalError{msg: "fatal: stop the workflow"})
	}
	panic("an unlisted panic")
}

// TestFailureErrors registers a workflow whose failure_errors match
// *fatalError: a matching panic fails the workflow, another panic fails
// the workflow task (and the workflow keeps running).
func TestFailureErrors(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflowFuncWithOptions("Panicky", panicky, worker.RegisterOptions{FailWorkflowOn: failOnFatal}))
		})

		t.Run("matching panic fails the workflow", func(t *testing.T) {
			h := e.start("Panicky", "match")
			_, err := client.Result[string](testenv.Context(t), h)
			var wee *temporal.WorkflowExecutionError
			var app *temporal.ApplicationError
			if !errors.As(err, &wee) || !errors.As(err, &app) {
				t.Fatalf("Result error %v (%T), want a WorkflowExecutionError wrapping an ApplicationError\nhistory:\n%s", err, err, testenv.DumpHistory(h))
			}
			if app.Message() != "fatal: stop the workflow" {
				t.Errorf("failure message %q", app.Message())
			}
			t.Logf("failure type %q", app.Type())
			evs := testenv.History(t, h)
			if testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED) != 1 || testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED) != 0 {
				t.Errorf("want WorkflowExecutionFailed and no failed task:\n%s", testenv.FormatHistory(evs))
			}
		})
		t.Run("other panic fails the task", func(t *testing.T) {
			h := e.start("Panicky", "other")
			evs := testenv.WaitHistory(t, h, "the failed workflow task", testenv.HasEvent(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED))
			f := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED).GetWorkflowTaskFailedEventAttributes()
			if f.GetFailure().GetMessage() == "" {
				t.Errorf("task failure without a message: %v", f)
			}
			if st := status(t, h); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				t.Errorf("status %s, want RUNNING (the task is retried)", st)
			}
			if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED); n != 0 {
				t.Errorf("the workflow failed:\n%s", testenv.FormatHistory(evs))
			}
		})
	})
}

// TestFailureErrorsNondeterminism replays a history on changed code: with
// nondeterminism listed in failure_errors the workflow fails, otherwise
// the workflow task fails.
func TestFailureErrorsNondeterminism(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		for _, listed := range []bool{true, false} {
			name := "listed"
			if !listed {
				name = "not listed"
			}
			t.Run(name, func(t *testing.T) {
				e := newEnv(t, cacheSize)
				gen := func(step string) func(ctx workflow.Context, in *commonpb.Payloads) (*commonpb.Payloads, error) {
					return func(ctx workflow.Context, in *commonpb.Payloads) (*commonpb.Payloads, error) {
						if _, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, step).Get(ctx); err != nil {
							return nil, err
						}
						goSignal := false
						if err := workflow.SetSignalHandler(ctx, "go", setFlag(&goSignal), workflow.SignalOptions{}); err != nil {
							return nil, err
						}
						if err := workflow.Await(ctx, func() bool { return goSignal }); err != nil {
							return nil, err
						}
						return nil, nil
					}
				}
				start := func(step string) *worker.Worker {
					opts := worker.RegisterOptions{}
					if listed {
						opts.FailWorkflowOn = failOnNondeterminism
					}
					return e.workerOn(e.tq, worker.Options{}, func(w *worker.Worker) {
						testenv.Must(t, w.RegisterWorkflowFuncWithOptions("Changing", gen(step), opts))
						for _, s := range []string{"Old", "New"} {
							testenv.Must(t, w.RegisterActivity(s, func(context.Context) (string, error) { return s, nil }))
						}
					})
				}
				w1 := start("Old")
				h := e.start("Changing")
				testenv.WaitHistory(t, h, "the workflow to wait for its signal", settled(enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 1))
				w1.Stop()
				start("New")
				testenv.Must(t, h.Signal(testenv.Context(t), "go"))
				if listed {
					_, err := client.Result[string](testenv.Context(t), h)
					var wee *temporal.WorkflowExecutionError
					if !errors.As(err, &wee) {
						t.Fatalf("Result error %v, want the workflow to fail\nhistory:\n%s", err, testenv.DumpHistory(h))
					}
					evs := testenv.History(t, h)
					if testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED) != 1 {
						t.Errorf("no WorkflowExecutionFailed:\n%s", testenv.FormatHistory(evs))
					}
					t.Logf("failure: %v", err)
					return
				}
				evs := testenv.WaitHistory(t, h, "the failed workflow task", testenv.HasEvent(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED))
				if c := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED).GetWorkflowTaskFailedEventAttributes().GetCause(); c != enumspb.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR {
					t.Errorf("task failed with cause %s, want NON_DETERMINISTIC_ERROR", c)
				}
				if st := status(t, h); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
					t.Errorf("status %s, want RUNNING", st)
				}
			})
		}
	})
}
