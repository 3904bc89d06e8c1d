package conformance

// Features: update/* (basic, activities, async_accepted, deduplication,
// non_durable_reject, self, task_failure, validation_replay,
// worker_restart) and the Python suite's update tests
// (test_workflow_update_handlers_unhappy, _before_worker_start,
// _separate_handle, test_workflow_current_update).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	updatepb "go.temporal.io/api/update/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// waitAdmitted waits until the server has admitted the updates with these
// ids to the current run of workflowID.
func waitAdmitted(e *env, workflowID string, updateIDs ...string) {
	e.t.Helper()
	for _, id := range updateIDs {
		e.eventually("update "+id+" to be admitted", func() (bool, error) {
			// Until the update reaches the server this fails with NotFound.
			resp, err := e.c.WorkflowService().PollWorkflowExecutionUpdate(e.ctx, &workflowservice.PollWorkflowExecutionUpdateRequest{
				Namespace:  e.c.Namespace(),
				UpdateRef:  &updatepb.UpdateRef{WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: workflowID}, UpdateId: id},
				Identity:   e.c.Identity(),
				WaitPolicy: &updatepb.WaitPolicy{LifecycleStage: enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED},
			})
			if err != nil {
				return false, err
			}
			return resp.GetStage() >= enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED, nil
		})
	}
}

var updateEvents = []enumspb.EventType{
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
}

// updatable has an "add" update (validator: positive numbers only; the
// handler runs the Echo activity and returns the new total and its update
// info), counts validator calls in *validations and finishes on "done".
func updatable(validations *atomic.Int32) func(ctx workflow.Context) (int, error) {
	return func(ctx workflow.Context) (int, error) {
		total, done := 0, false
		_ = workflow.SetUpdateHandler(ctx, "add", func(ctx workflow.Context, args converter.Values) (any, error) {
			n := arg[int](args, 0)
			if _, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Echo", "x").Get(ctx); err != nil {
				return nil, err
			}
			total += n
			info := workflow.CurrentUpdateInfo(ctx)
			return fmt.Sprintf("%d %s", total, info.Name), nil
		}, workflow.UpdateOptions{Validator: func(_ workflow.Context, args converter.Values) error {
			validations.Add(1)
			if arg[int](args, 0) <= 0 {
				return temporal.NewApplicationError("Rejected: not positive", "Invalid")
			}
			return nil
		}})
		_ = workflow.SetSignalHandler(ctx, "done", func(workflow.Context, converter.Values) error { done = true; return nil }, workflow.SignalOptions{})
		err := workflow.Await(ctx, func() bool { return done && workflow.AllHandlersFinished(ctx) })
		return total, err
	}
}

// TestUpdate covers basic (validator and handler), activities (the handler
// runs one), non_durable_reject (rejections leave no events),
// async_accepted (wait for ACCEPTED, then a handle), deduplication (one
// UpdateID runs once), validation_replay (validators never run on replay:
// with no cache every task replays) and an unknown update name.
func TestUpdate(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var validations atomic.Int32
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Echo", echo))
			testenv.Must(t, w.RegisterWorkflow("Updatable", updatable(&validations)))
		})
		h := e.start("Updatable")
		if got, err := client.ExecuteUpdate[string](e.ctx, h, "add", 2); err != nil || got != "2 add" {
			t.Fatalf("add(2) = %q, %v", got, err)
		}
		_, err := client.ExecuteUpdate[string](e.ctx, h, "add", -1)
		var uf *client.UpdateFailedError
		var app *temporal.ApplicationError
		if !errors.As(err, &uf) || !errors.As(err, &app) || !strings.Contains(app.Message(), "Rejected") {
			t.Errorf("add(-1): %v, want a rejection", err)
		}
		_, err = client.ExecuteUpdate[string](e.ctx, h, "whargarbl", 1)
		if err == nil || !strings.Contains(err.Error(), "whargarbl") {
			t.Errorf("unknown update: %v, want an error naming it", err)
		}

		// Accepted, then a handle; the same id again attaches to it.
		uh, err := h.StartUpdate(e.ctx, client.UpdateOptions{UpdateID: "dedup", WaitForStage: client.UpdateStageAccepted}, "add", 3)
		testenv.Must(t, err)
		again, err := h.StartUpdate(e.ctx, client.UpdateOptions{UpdateID: "dedup"}, "add", 3)
		testenv.Must(t, err)
		for _, u := range []*client.UpdateHandle{uh, again, h.GetUpdateHandle("dedup")} {
			if got, err := client.UpdateResult[string](e.ctx, u); err != nil || got != "5 add" {
				t.Errorf("dedup update = %q, %v; want 5 add", got, err)
			}
		}
		testenv.Must(t, h.Signal(e.ctx, "done"))
		if got := result[int](e, h); got != 5 {
			t.Errorf("total %d, want 5 (the duplicate must not apply twice)", got)
		}
		evs := e.history(h)
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED); n != 2 {
			t.Errorf("%d accepted updates, want 2:\n%s", n, testenv.FormatHistory(evs))
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED); n != 0 {
			t.Errorf("rejections left %d events", n)
		}
		// 3 distinct validated updates (2, -1, 3): the duplicate is
		// deduplicated by the server, and replays do not validate.
		if n := validations.Load(); n != 3 {
			t.Errorf("the validator ran %d times, want 3", n)
		}
	})
}

// TestUpdateTaskFailure: a panic in a validator rejects the update; a
// panic in a handler fails the workflow task, which is retried, and the
// retry completes the update.
func TestUpdateTaskFailure(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var handlerRuns atomic.Int32
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Panicky", func(ctx workflow.Context) (string, error) {
				done := false
				_ = workflow.SetUpdateHandler(ctx, "validatorPanics", func(workflow.Context, converter.Values) (any, error) {
					return "unreachable", nil
				}, workflow.UpdateOptions{Validator: func(workflow.Context, converter.Values) error { panic("validator boom") }})
				_ = workflow.SetUpdateHandler(ctx, "handlerPanicsOnce", func(workflow.Context, converter.Values) (any, error) {
					if handlerRuns.Add(1) == 1 {
						panic("handler boom")
					}
					done = true
					return "second time lucky", nil
				}, workflow.UpdateOptions{})
				err := workflow.Await(ctx, func() bool { return done })
				return "done", err
			}))
		})
		h := e.start("Panicky")
		_, err := client.ExecuteUpdate[string](e.ctx, h, "validatorPanics")
		if err == nil || !strings.Contains(err.Error(), "validator boom") {
			t.Errorf("validator panic: %v, want a rejection carrying the panic", err)
		}
		if got, err := client.ExecuteUpdate[string](e.ctx, h, "handlerPanicsOnce"); err != nil || got != "second time lucky" {
			t.Errorf("handler panic: %q, %v", got, err)
		}
		result[string](e, h)
		evs := e.history(h)
		f := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED)
		if f == nil || !strings.Contains(f.GetWorkflowTaskFailedEventAttributes().GetFailure().GetMessage(), "handler boom") {
			t.Errorf("want a workflow task failure for the handler panic:\n%s", testenv.FormatHistory(evs))
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED); n != 0 {
			t.Errorf("the rejection left %d events", n)
		}
	})
}

// TestUpdateSelf is update/self: an activity updates its own workflow
// through the client.
func TestUpdateSelf(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("UpdateMyWorkflow", func(ctx context.Context) error {
				info := activity.GetInfo(ctx)
				_, err := client.ExecuteUpdate[struct{}](ctx, e.c.GetWorkflow(info.WorkflowID, ""), "mark", "from my activity")
				return err
			}))
			testenv.Must(t, w.RegisterWorkflow("SelfUpdating", func(ctx workflow.Context) (string, error) {
				var mark string
				_ = workflow.SetUpdateHandler(ctx, "mark", func(_ workflow.Context, args converter.Values) (any, error) {
					mark = arg[string](args, 0)
					return nil, nil
				}, workflow.UpdateOptions{})
				_, err := workflow.ExecuteActivity[struct{}](ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second}, "UpdateMyWorkflow").Get(ctx)
				return mark, err
			}))
		})
		if got := result[string](e, e.start("SelfUpdating")); got != "from my activity" {
			t.Errorf("result %q", got)
		}
	})
}

// TestUpdateWorkerRestart is update/worker_restart: an update whose
// handler waits on an activity survives the worker stopping and a new one
// starting.
func TestUpdateWorkerRestart(t *testing.T) {
	polls := newPollTracker()
	eachWith(t, polls.options(), func(t *testing.T, e *env) {
		started := make(chan struct{}, 4)
		var release sync.Once
		gate := make(chan struct{})
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Gate", func(ctx context.Context) (string, error) {
				started <- struct{}{}
				select {
				case <-gate:
					return "through the gate", nil
				case <-e.done:
					return "", errors.New("test over")
				}
			}))
			testenv.Must(t, w.RegisterWorkflow("RestartUpdate", func(ctx workflow.Context) (string, error) {
				done := false
				_ = workflow.SetUpdateHandler(ctx, "slow", func(ctx workflow.Context, _ converter.Values) (any, error) {
					s, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Gate").Get(ctx)
					done = true
					return s, err
				}, workflow.UpdateOptions{})
				err := workflow.Await(ctx, func() bool { return done })
				return "done", err
			}))
		})
		h := e.start("RestartUpdate")
		uh, err := h.StartUpdate(e.ctx, client.UpdateOptions{WaitForStage: client.UpdateStageAccepted}, "slow")
		testenv.Must(t, err)
		recv(t, started, "the activity")
		// The activity finishes while no worker runs; a new worker sees
		// its completion with an empty cache. The gate opens once the old
		// worker's Stop has cancelled its workflow polls (Stop then waits
		// for the activity, and the new worker starts after it returns).
		// The server may still hand the resulting workflow task to one of
		// those just-cancelled polls; it then times out and is retried on
		// the new worker (see TestWorkerShutdownPollComplete).
		_, canceledBefore := polls.state(e.tq)
		go func() {
			defer release.Do(func() { close(gate) })
			if err := polls.wait(e.ctx, e.tq, func(inflight, canceled int) bool { return inflight == 0 && canceled > canceledBefore }); err != nil {
				t.Errorf("waiting for the old worker to stop polling: %v", err)
			}
		}()
		e.restartWorker()
		if got, err := client.UpdateResult[string](e.ctx, uh); err != nil || got != "through the gate" {
			t.Errorf("update = %q, %v", got, err)
		}
		result[string](e, h)
	})
}

// TestUpdateBeforeWorkerStart: updates admitted before any worker runs are
// handled in the first workflow task, after the workflow function has
// registered its handlers; each concurrent handler sees its own update
// info, and separate handles all get the result.
func TestUpdateBeforeWorkerStart(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		h := e.start("Early")
		type res struct {
			v   string
			err error
		}
		results := make(chan res, 2)
		for _, id := range []string{"early-1", "early-2"} {
			go func() {
				uh, err := h.StartUpdate(e.ctx, client.UpdateOptions{UpdateID: id}, "whoami")
				if err != nil {
					results <- res{"", err}
					return
				}
				v, err := client.UpdateResult[string](e.ctx, uh)
				results <- res{v, err}
			}()
		}
		waitAdmitted(e, h.ID(), "early-1", "early-2")
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Early", func(ctx workflow.Context) (int, error) {
				n := 0
				_ = workflow.SetUpdateHandler(ctx, "whoami", func(ctx workflow.Context, _ converter.Values) (any, error) {
					if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
						return nil, err
					}
					n++
					return workflow.CurrentUpdateInfo(ctx).ID, nil
				}, workflow.UpdateOptions{})
				err := workflow.Await(ctx, func() bool { return n == 2 })
				return n, err
			}))
		})
		var got []string
		for range 2 {
			r := <-results
			if r.err != nil {
				t.Fatal(r.err)
			}
			got = append(got, r.v)
		}
		slices.Sort(got)
		if fmt.Sprint(got) != "[early-1 early-2]" {
			t.Errorf("handlers saw update ids %q", got)
		}
		for _, id := range []string{"early-1", "early-2"} {
			if v, err := client.UpdateResult[string](e.ctx, h.GetUpdateHandle(id)); err != nil || v != id {
				t.Errorf("separate handle %s: %q, %v", id, v, err)
			}
		}
		if got := result[int](e, h); got != 2 {
			t.Errorf("result %d", got)
		}
	})
}
