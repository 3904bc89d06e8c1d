package conformance

// Features: child_workflow/* (result, signal, start, handle, retry,
// cancel_*, throws_on_*) and bugs/go child_workflow_cancel_panic.

import (
	"errors"
	"fmt"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// describeErr summarises an error workflow code received.
func describeErr(err error) string {
	var app *temporal.ApplicationError
	var te *temporal.TimeoutError
	var term *temporal.TerminatedError
	var start *temporal.ChildWorkflowStartError
	switch {
	case err == nil:
		return "nil"
	case errors.As(err, &start):
		return fmt.Sprintf("start failed (already started: %v)", start.AlreadyStarted())
	case temporal.IsCanceledError(err):
		return "canceled"
	case errors.As(err, &term):
		return "terminated"
	case errors.As(err, &te):
		return "timeout " + te.TimeoutType().String()
	case errors.As(err, &app):
		return fmt.Sprintf("application error %q type %s", app.Message(), app.Type())
	}
	return "error: " + err.Error()
}

// TestChildWorkflowResultAndSignal covers result, signal, start and
// handle: the handle knows the child's id and first run id, the parent
// signals the child, and the child's result comes back.
func TestChildWorkflowResultAndSignal(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("SignalledChild", func(ctx workflow.Context, greeting string) (string, error) {
				var name string
				got := false
				_ = workflow.SetSignalHandler(ctx, "name", func(_ workflow.Context, args converter.Values) error {
					got = true
					return args.Get(0, &name)
				}, workflow.SignalOptions{})
				if err := workflow.Await(ctx, func() bool { return got }); err != nil {
					return "", err
				}
				return greeting + ", " + name + " from " + workflow.GetInfo(ctx).Parent.WorkflowID, nil
			}))
			testenv.Must(t, w.RegisterWorkflow("ChildParent", func(ctx workflow.Context) ([]string, error) {
				id := workflow.GetInfo(ctx).WorkflowID + "-child"
				h, err := workflow.StartChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{WorkflowID: id}, "SignalledChild", "Hello")
				if err != nil {
					return nil, err
				}
				runID, err := h.Started().Get(ctx)
				if err != nil {
					return nil, err
				}
				if _, err := h.Signal(ctx, "name", "Temporal").Get(ctx); err != nil {
					return nil, err
				}
				res, err := h.Get(ctx)
				if err != nil {
					return nil, err
				}
				return []string{h.ID(), runID, h.FirstExecutionRunID(), res}, nil
			}))
		})
		h := e.start("ChildParent")
		got := result[[]string](e, h)
		if len(got) != 4 {
			t.Fatalf("result %q", got)
		}
		if got[0] != h.ID()+"-child" || got[1] == "" || got[1] != got[2] {
			t.Errorf("child id %q, started run %q, handle first run %q", got[0], got[1], got[2])
		}
		if want := "Hello, Temporal from " + h.ID(); got[3] != want {
			t.Errorf("child result %q, want %q", got[3], want)
		}
		d, err := e.c.GetWorkflow(got[0], "").Describe(e.ctx)
		testenv.Must(t, err)
		if d.Info().GetExecution().GetRunId() != got[1] {
			t.Errorf("child's run %s, handle says %s", d.Info().GetExecution().GetRunId(), got[1])
		}
	})
}

// TestChildWorkflowRetry: a child with a retry policy of three attempts
// fails twice and succeeds on its third run.
func TestChildWorkflowRetry(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("FlakyChild", func(ctx workflow.Context) (int32, error) {
				if a := workflow.GetInfo(ctx).Attempt; a < 3 {
					return 0, temporal.NewApplicationError(fmt.Sprintf("attempt %d", a), "Flaky")
				}
				return workflow.GetInfo(ctx).Attempt, nil
			}))
			testenv.Must(t, w.RegisterWorkflow("RetryParent", func(ctx workflow.Context) (int32, error) {
				return workflow.ExecuteChildWorkflow[int32](ctx, workflow.ChildWorkflowOptions{
					RetryPolicy: &temporal.RetryPolicy{InitialInterval: 10 * time.Millisecond, BackoffCoefficient: 1, MaximumAttempts: 3},
				}, "FlakyChild").Get(ctx)
			}))
		})
		if got := result[int32](e, e.start("RetryParent")); got != 3 {
			t.Errorf("child succeeded on attempt %d, want 3", got)
		}
	})
}

// TestChildWorkflowThrows covers throws_on_execute, throws_on_start,
// throws_on_termination and throws_on_timeout.
func TestChildWorkflowThrows(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("FailingChild", func(ctx workflow.Context) error {
				return temporal.NewNonRetryableApplicationError("child failed", "ChildBoom", nil)
			}))
			testenv.Must(t, w.RegisterWorkflow("WaitingChild", func(ctx workflow.Context) error {
				return workflow.Await(ctx, func() bool { return false })
			}))
			testenv.Must(t, w.RegisterWorkflow("ThrowsParent", func(ctx workflow.Context, mode, childID string) (string, error) {
				opts := workflow.ChildWorkflowOptions{WorkflowID: childID}
				typ := "WaitingChild"
				switch mode {
				case "execute":
					typ = "FailingChild"
				case "start":
					opts.WorkflowIDReusePolicy = enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE
				case "timeout":
					opts.ExecutionTimeout = time.Second
				}
				_, err := workflow.ExecuteChildWorkflow[string](ctx, opts, typ).Get(ctx)
				var ce *temporal.ChildWorkflowError
				if err != nil && mode != "start" && !errors.As(err, &ce) {
					return "", fmt.Errorf("%v is not a ChildWorkflowError", err)
				}
				return describeErr(err), nil
			}))
		})
		for _, tc := range []struct{ mode, want string }{
			{"execute", `application error "child failed" type ChildBoom`},
			{"start", "start failed (already started: true)"},
			{"termination", "terminated"},
			{"timeout", "timeout " + enumspb.TIMEOUT_TYPE_START_TO_CLOSE.String()},
		} {
			childID := testenv.UniqueID(t.Name() + "-" + tc.mode + "-child")
			if tc.mode == "start" {
				// Someone else holds the id.
				e.startOpts(client.StartWorkflowOptions{ID: childID}, "WaitingChild")
			}
			h := e.start("ThrowsParent", tc.mode, childID)
			if tc.mode == "termination" {
				e.eventually("the child to start", func() (bool, error) {
					_, err := e.c.GetWorkflow(childID, "").Describe(e.ctx)
					return err == nil, err
				})
				testenv.Must(t, e.c.GetWorkflow(childID, "").Terminate(e.ctx, "by the test"))
			}
			if got := result[string](e, h); got != tc.want {
				t.Errorf("%s: parent saw %s, want %s", tc.mode, got, tc.want)
			}
		}
	})
}

// TestChildWorkflowCancellation covers the four cancellation types: when
// the parent sees the cancellation, and whether the child is told. The
// child acknowledges a cancellation by finishing normally half a second
// later, so waiting for its completion is observable.
func TestChildWorkflowCancellation(t *testing.T) {
	for _, tc := range []struct {
		ct        workflow.ChildWorkflowCancellationType
		want      string
		childTold bool
	}{
		{workflow.ChildWorkflowCancellationTryCancel, "canceled", true},
		{workflow.ChildWorkflowCancellationAbandon, "canceled", false},
		{workflow.ChildWorkflowCancellationWaitCompleted, "child finished after the cancel", true},
		{workflow.ChildWorkflowCancellationWaitRequested, "canceled", true},
	} {
		t.Run(tc.ct.String(), func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				e.worker(func(w *worker.Worker) {
					testenv.Must(t, w.RegisterWorkflow("StubbornChild", func(ctx workflow.Context) (string, error) {
						err := workflow.Await(ctx, func() bool { return false })
						if !temporal.IsCanceledError(err) {
							return "", err
						}
						dctx, _ := workflow.NewDisconnectedContext(ctx)
						if err := workflow.Sleep(dctx, 500*time.Millisecond); err != nil {
							return "", err
						}
						return "child finished after the cancel", nil
					}))
					testenv.Must(t, w.RegisterWorkflow("CancellingParent", func(ctx workflow.Context, ct workflow.ChildWorkflowCancellationType, childID string) (string, error) {
						cctx, cancel := workflow.WithCancel(ctx)
						h, err := workflow.StartChildWorkflow[string](cctx, workflow.ChildWorkflowOptions{
							WorkflowID: childID, CancellationType: ct, ParentClosePolicy: workflow.ParentClosePolicyAbandon,
						}, "StubbornChild")
						if err != nil {
							return "", err
						}
						if _, err := h.Started().Get(ctx); err != nil {
							return "", err
						}
						cancel()
						v, err := h.Get(ctx)
						if err != nil {
							v = describeErr(err)
						}
						// The server drops a cancel request whose
						// initiator has closed: stay open a moment.
						if err := workflow.Sleep(ctx, 500*time.Millisecond); err != nil {
							return "", err
						}
						return v, nil
					}))
				})
				childID := testenv.UniqueID(t.Name() + "-child")
				h := e.start("CancellingParent", tc.ct, childID)
				if got := result[string](e, h); got != tc.want {
					t.Errorf("parent saw %q, want %q", got, tc.want)
				}
				child := e.c.GetWorkflow(childID, "")
				if tc.childTold {
					for testenv.Count(e.history(child), enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED) == 0 {
						select {
						case <-e.ctx.Done():
							t.Fatalf("the child was not asked to cancel; parent:\n%s\nchild:\n%s", testenv.DumpHistory(h), testenv.DumpHistory(child))
						case <-time.After(50 * time.Millisecond):
						}
					}
				} else {
					// The parent has closed, so its history is final: a
					// cancel request it sent would be there. With none, the
					// child's history has nothing in flight to wait for.
					if n := testenv.Count(e.history(h), enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED); n != 0 {
						t.Errorf("the parent asked an abandoned child to cancel:\n%s", testenv.FormatHistory(e.history(h)))
					}
					if n := testenv.Count(e.history(child), enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED); n != 0 {
						t.Errorf("an abandoned child was asked to cancel")
					}
					_ = child.Terminate(e.ctx, "test over")
				}
				pevs := e.history(h)
				if tc.ct == workflow.ChildWorkflowCancellationWaitRequested {
					req := testenv.First(pevs, enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
					// The timer the parent starts once Get returned.
					done := testenv.First(pevs, enumspb.EVENT_TYPE_TIMER_STARTED)
					if req == nil || done == nil || req.EventId > done.EventId {
						t.Errorf("the parent did not wait for the cancel request to be recorded:\n%s", testenv.FormatHistory(pevs))
					}
				}
				if tc.ct == workflow.ChildWorkflowCancellationTryCancel {
					init := testenv.First(pevs, enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)
					timer := testenv.First(pevs, enumspb.EVENT_TYPE_TIMER_STARTED)
					if init == nil || timer == nil || timer.GetTimerStartedEventAttributes().WorkflowTaskCompletedEventId != init.GetRequestCancelExternalWorkflowExecutionInitiatedEventAttributes().WorkflowTaskCompletedEventId {
						t.Errorf("the parent did not resolve in the workflow task that requested the cancel:\n%s", testenv.FormatHistory(pevs))
					}
				}
				if tc.ct == workflow.ChildWorkflowCancellationWaitCompleted && testenv.Count(pevs, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED) != 1 {
					t.Errorf("the parent did not wait for the child to complete:\n%s", testenv.FormatHistory(pevs))
				}
			})
		})
	}
}

// TestCancelParentWithChildren is bugs/go child_workflow_cancel_panic:
// cancelling a workflow that has children must cancel them and close the
// parent as cancelled, with no workflow task failure.
func TestCancelParentWithChildren(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("IdleChild", func(ctx workflow.Context) error {
				return workflow.Await(ctx, func() bool { return false })
			}))
			testenv.Must(t, w.RegisterWorkflow("ParentOfTwo", func(ctx workflow.Context) error {
				a := workflow.ExecuteChildWorkflow[struct{}](ctx, workflow.ChildWorkflowOptions{}, "IdleChild")
				b := workflow.ExecuteChildWorkflow[struct{}](ctx, workflow.ChildWorkflowOptions{}, "IdleChild")
				// Wait for both: returning after the first would race the
				// second child's cancellation with the parent's completion.
				_, errA := a.Get(ctx)
				_, errB := b.Get(ctx)
				if errA != nil {
					return errA
				}
				return errB
			}))
		})
		h := e.start("ParentOfTwo")
		e.eventually("both children to start", func() (bool, error) {
			return testenv.Count(e.history(h), enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) == 2, nil
		})
		testenv.Must(t, h.Cancel(e.ctx))
		_, err := resultErr[struct{}](e, h)
		if !temporal.IsCanceledError(err) {
			t.Errorf("parent ended with %v, want cancelled", err)
		}
		evs := e.history(h)
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
			t.Errorf("%d workflow task failures:\n%s", n, testenv.FormatHistory(evs))
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED); n != 2 {
			t.Errorf("%d children cancelled, want 2:\n%s", n, testenv.FormatHistory(evs))
		}
	})
}
