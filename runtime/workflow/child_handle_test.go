package workflow_test

import (
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestChildHandleStateAndExternalCancel runs in process (runtime/testsuite)
// and on the dev server: Cancel cancels the child, IsDone and IsCancelled
// follow it, and cancelling an external workflow with a cancelled context
// sends nothing.
func TestChildHandleStateAndExternalCancel(t *testing.T) {
	onBothEnvs(t, testChildHandle)
}

func testChildHandle(t *testing.T, env *testsuite.Env) {
	type report struct{ DoneBefore, CancelledBefore, Cancelled, Done, ChildCanceled, ExternalCanceled bool }
	if err := env.RegisterWorkflow("Parent", func(ctx workflow.Context) (report, error) {
		var r report
		sleeper := workflow.GetInfo(ctx).WorkflowID + "-sleeper"
		child, err := workflow.StartChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{WorkflowID: sleeper}, "Sleeper")
		if err != nil {
			return r, err
		}
		if _, err := child.Started().Get(ctx); err != nil {
			return r, err
		}
		r.DoneBefore, r.CancelledBefore = child.IsDone(), child.IsCancelled()
		child.Cancel()
		r.Cancelled = child.IsCancelled()
		_, err = child.Get(ctx)
		r.Done, r.ChildCanceled = child.IsDone(), temporal.IsCanceledError(err)

		cctx, cancel := workflow.WithCancel(ctx)
		cancel()
		_, err = workflow.GetExternalWorkflowHandle(ctx, sleeper, "").Cancel(cctx).Get(ctx)
		r.ExternalCanceled = temporal.IsCanceledError(err)
		return r, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := env.RegisterWorkflow("Sleeper", func(ctx workflow.Context) (string, error) {
		return "", workflow.Sleep(ctx, 24*time.Hour)
	}); err != nil {
		t.Fatal(err)
	}
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Parent")
	var r report
	if err := res.Get(&r); err != nil {
		t.Fatal(err)
	}
	if want := (report{Cancelled: true, Done: true, ChildCanceled: true, ExternalCanceled: true}); r != want {
		t.Errorf("report %+v, want %+v", r, want)
	}
	n := 0
	for _, ev := range res.History().GetEvents() {
		if ev.EventType == enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d cancel requests in history, want only the child's", n)
	}
}
