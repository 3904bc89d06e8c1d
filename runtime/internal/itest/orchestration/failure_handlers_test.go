package orchestration_test

import (
	"errors"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// handlerPanics has an update and a signal handler that panic with a
// *fatalError when their argument is "fatal", and runs until signalled
// "done".
func handlerPanics(ctx workflow.Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
	done := false
	if err := workflow.SetUpdateHandler(ctx, "update", func(_ workflow.Context, args converter.Values) (any, error) {
		var arg string
		if err := args.Get(0, &arg); err != nil {
			return nil, err
		}
		if arg == "fatal" {
			panic(&fatalError{msg: "fatal update"})
		}
		return "updated " + arg, nil
	}, workflow.UpdateOptions{}); err != nil {
		return nil, err
	}
	if err := workflow.SetSignalHandler(ctx, "signal", func(_ workflow.Context, args converter.Values) error {
		var arg string
		if err := args.Get(0, &arg); err != nil {
			return err
		}
		if arg == "fatal" {
			panic(&fatalError{msg: "fatal signal"})
		}
		done = arg == "done"
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return nil, err
	}
	if err := workflow.Await(ctx, func() bool { return done }); err != nil {
		return nil, err
	}
	return workflow.PayloadConverter(ctx).ToPayloads("finished")
}

// TestFailureErrorsInHandlers: a failure_errors panic in an update handler
// fails that update only, and the workflow runs on; in a signal handler it
// fails the workflow. No workflow task fails either way.
func TestFailureErrorsInHandlers(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflowFuncWithOptions("HandlerPanics", handlerPanics, worker.RegisterOptions{FailWorkflowOn: failOnFatal}))
		})
		ctx := testenv.Context(t)

		t.Run("update fails, workflow runs on", func(t *testing.T) {
			h := e.start("HandlerPanics")
			_, err := h.ExecuteUpdate(ctx, "update", "fatal")
			var ufe *client.UpdateFailedError
			var app *temporal.ApplicationError
			if !errors.As(err, &ufe) || !errors.As(err, &app) || app.Message() != "fatal update" {
				t.Fatalf("update error %v (%T), want an UpdateFailedError with ApplicationError %q\n%s", err, err, "fatal update", testenv.DumpHistory(h))
			}
			if app.Type() != "*orchestration_test.fatalError" {
				t.Errorf("failure type %q", app.Type())
			}
			v, err := h.ExecuteUpdate(ctx, "update", "again")
			var got string
			if err == nil {
				err = v.Get(0, &got)
			}
			if err != nil || got != "updated again" {
				t.Fatalf("next update = %q, %v", got, err)
			}
			testenv.Must(t, h.Signal(ctx, "signal", "done"))
			if res := testenv.Result[string](t, h); res != "finished" {
				t.Errorf("result %q", res)
			}
			if n := testenv.Count(testenv.History(t, h), enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
				t.Errorf("%d failed workflow tasks:\n%s", n, testenv.DumpHistory(h))
			}
		})
		t.Run("signal fails the workflow", func(t *testing.T) {
			h := e.start("HandlerPanics")
			testenv.Must(t, h.Signal(ctx, "signal", "fatal"))
			_, err := client.Result[string](ctx, h)
			var app *temporal.ApplicationError
			if !errors.As(err, &app) || app.Message() != "fatal signal" {
				t.Fatalf("result error %v, want the workflow failed with %q\n%s", err, "fatal signal", testenv.DumpHistory(h))
			}
			evs := testenv.History(t, h)
			if testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED) != 1 || testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED) != 0 {
				t.Errorf("want WorkflowExecutionFailed and no failed task:\n%s", testenv.FormatHistory(evs))
			}
		})
	})
}
