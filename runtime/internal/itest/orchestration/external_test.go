package orchestration_test

import (
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// signalTarget waits for the "ext" signal and returns its argument.
func signalTarget(ctx workflow.Context) (string, error) {
	got := ""
	if err := workflow.SetSignalHandler(ctx, "ext", func(_ workflow.Context, args converter.Values) error {
		return args.Get(0, &got)
	}, workflow.SignalOptions{}); err != nil {
		return "", err
	}
	if err := workflow.Await(ctx, func() bool { return got != "" }); err != nil {
		return "", err
	}
	return got, nil
}

// cancelTarget waits to be cancelled.
func cancelTarget(ctx workflow.Context) (string, error) {
	return "", workflow.Await(ctx, never)
}

type externalReport struct {
	HandleID, HandleRunID   string
	Signal, Cancel          errSummary
	SignalMissing           errSummary
	CancelMissing           errSummary
	SignalMissingRunOfKnown errSummary
}

// TestExternalWorkflows signals and cancels running workflows through
// GetExternalWorkflowHandle, and does both to workflows that do not exist.
func TestExternalWorkflows(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("SignalTarget", signalTarget))
			testenv.Must(t, w.RegisterWorkflow("CancelTarget", cancelTarget))
			testenv.Must(t, w.RegisterWorkflow("ExternalCaller", func(ctx workflow.Context, sigID, sigRun, cancelID, missing string) (externalReport, error) {
				var r externalReport
				sh := workflow.GetExternalWorkflowHandle(ctx, sigID, sigRun)
				r.HandleID, r.HandleRunID = sh.ID(), sh.RunID()
				_, err := sh.Signal(ctx, "ext", "from-external").Get(ctx)
				r.Signal = summarize(err)
				_, err = workflow.GetExternalWorkflowHandle(ctx, cancelID, "").Cancel(ctx).Get(ctx)
				r.Cancel = summarize(err)
				mh := workflow.GetExternalWorkflowHandle(ctx, missing, "")
				_, err = mh.Signal(ctx, "ext", "nobody").Get(ctx)
				r.SignalMissing = summarize(err)
				_, err = mh.Cancel(ctx).Get(ctx)
				r.CancelMissing = summarize(err)
				// A run id that does not belong to the (existing) workflow.
				_, err = workflow.GetExternalWorkflowHandle(ctx, cancelID, "7d7a8fbc-7e4e-4c43-9a3d-6b0d1a3d1f00").Signal(ctx, "ext", "x").Get(ctx)
				r.SignalMissingRunOfKnown = summarize(err)
				return r, nil
			}))
		})
		sig := e.start("SignalTarget")
		can := e.start("CancelTarget")
		missing := testenv.UniqueID("no-such-workflow")
		caller := e.start("ExternalCaller", sig.ID(), sig.RunID(), can.ID(), missing)
		r := testenv.Result[externalReport](t, caller)
		if r.HandleID != sig.ID() || r.HandleRunID != sig.RunID() {
			t.Errorf("handle id/run id %s/%s, want %s/%s", r.HandleID, r.HandleRunID, sig.ID(), sig.RunID())
		}
		if !r.Signal.Nil || !r.Cancel.Nil {
			t.Errorf("signal error %+v, cancel error %+v, want none", r.Signal, r.Cancel)
		}
		for name, s := range map[string]errSummary{"signal": r.SignalMissing, "cancel": r.CancelMissing, "signal (unknown run)": r.SignalMissingRunOfKnown} {
			if !s.ExternalError || !s.NotFound {
				t.Errorf("%s of a missing workflow: %+v, want an ExternalWorkflowError with NotFound()", name, s)
			}
		}
		if r.SignalMissing.ExternalOp != "signal" || r.CancelMissing.ExternalOp != "cancel" {
			t.Errorf("ops %q/%q, want signal/cancel", r.SignalMissing.ExternalOp, r.CancelMissing.ExternalOp)
		}
		if got := testenv.Result[string](t, sig); got != "from-external" {
			t.Errorf("signal target returned %q", got)
		}
		waitStatus(t, can, enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED)
		cevs := testenv.History(t, can)
		cr := testenv.First(cevs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED).GetWorkflowExecutionCancelRequestedEventAttributes()
		if cr.GetExternalWorkflowExecution().GetWorkflowId() != caller.ID() {
			t.Errorf("cancel request came from %v, want %s", cr.GetExternalWorkflowExecution(), caller.ID())
		}
		sevs := testenv.History(t, sig)
		if s := testenv.First(sevs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).GetWorkflowExecutionSignaledEventAttributes(); s.GetExternalWorkflowExecution().GetWorkflowId() != caller.ID() {
			t.Errorf("signal came from %v, want %s", s.GetExternalWorkflowExecution(), caller.ID())
		}
		pevs := testenv.History(t, caller)
		for et, n := range map[enumspb.EventType]int{
			enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:         3,
			enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:                 1,
			enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:            2,
			enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: 2,
			enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED:         1,
			enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:    1,
		} {
			if got := testenv.Count(pevs, et); got != n {
				t.Errorf("%d %s events, want %d; history:\n%s", got, et, n, testenv.FormatHistory(pevs))
			}
		}
	})
}
