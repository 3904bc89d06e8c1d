package interop

// sdk-go's client drives workflows hosted by our worker: start, signal,
// query, update (validator accepts and rejects), cancel and result.

import (
	"errors"
	"testing"

	sdkclient "go.temporal.io/sdk/client"
	sdktemporal "go.temporal.io/sdk/temporal"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

type CounterInput struct {
	Name  string `json:"name"`
	Start int    `json:"start"`
	// Fail makes the workflow fail at once with this error.
	Fail *FailSpec `json:"fail,omitempty"`
}

type CounterState struct {
	Name    string   `json:"name"`
	Value   int      `json:"value"`
	Signals int      `json:"signals"`
	Updates []string `json:"updates"`
	Owner   Person   `json:"owner"`
}

// counterWorkflow is our workflow the sdk-go client drives. Signal "add"
// adds an int, signal "finish" ends it, query "state" returns the state,
// query "plus" returns value+arg, update "set" (rejected for negative
// values) sets the value and returns the previous one, update "owner"
// sets a struct and returns it.
func counterWorkflow(ctx workflow.Context, in CounterInput) (CounterState, error) {
	if in.Fail != nil {
		return CounterState{}, ourAppError(*in.Fail)
	}
	st := CounterState{Name: in.Name, Value: in.Start, Updates: []string{}}
	done := false
	if err := workflow.SetSignalHandler(ctx, "add", func(ctx workflow.Context, args converter.Values) error {
		var n int
		if err := args.Get(0, &n); err != nil {
			return err
		}
		st.Value += n
		st.Signals++
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return st, err
	}
	if err := workflow.SetSignalHandler(ctx, "finish", func(workflow.Context, converter.Values) error {
		done = true
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return st, err
	}
	if err := workflow.SetQueryHandler(ctx, "state", func(workflow.Context, converter.Values) (any, error) {
		return st, nil
	}, workflow.QueryOptions{}); err != nil {
		return st, err
	}
	if err := workflow.SetQueryHandler(ctx, "plus", func(_ workflow.Context, args converter.Values) (any, error) {
		var n int
		if err := args.Get(0, &n); err != nil {
			return nil, err
		}
		return st.Value + n, nil
	}, workflow.QueryOptions{}); err != nil {
		return st, err
	}
	if err := workflow.SetUpdateHandler(ctx, "set", func(ctx workflow.Context, args converter.Values) (any, error) {
		var n int
		if err := args.Get(0, &n); err != nil {
			return nil, err
		}
		prev := st.Value
		st.Value = n
		st.Updates = append(st.Updates, workflow.CurrentUpdateInfo(ctx).ID)
		return prev, nil
	}, workflow.UpdateOptions{Validator: func(_ workflow.Context, args converter.Values) error {
		var n int
		if err := args.Get(0, &n); err != nil {
			return err
		}
		if n < 0 {
			return temporal.NewApplicationErrorWithOptions("negative value", temporal.ApplicationErrorOptions{
				Type: "InvalidValue", Details: []any{n},
			})
		}
		return nil
	}}); err != nil {
		return st, err
	}
	if err := workflow.SetUpdateHandler(ctx, "owner", func(_ workflow.Context, args converter.Values) (any, error) {
		if err := args.Get(0, &st.Owner); err != nil {
			return nil, err
		}
		return st.Owner, nil
	}, workflow.UpdateOptions{}); err != nil {
		return st, err
	}
	if err := workflow.Await(ctx, func() bool { return done }); err != nil {
		return st, err // cancelled
	}
	return st, nil
}

func registerCounter(w *worker.Worker) {
	if err := w.RegisterWorkflow("Counter", counterWorkflow); err != nil {
		panic(err)
	}
}

// TestSDKClientDrivesOurWorkflow: start, signal, query, updates accepted
// and rejected by the validator, result.
func TestSDKClientDrivesOurWorkflow(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.ourWorker(cacheSize, registerCounter)
		ctx := testenv.Context(t)

		run, err := e.sdk.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{
			ID: testenv.UniqueID("counter"), TaskQueue: e.ourTQ,
		}, "Counter", CounterInput{Name: "c1", Start: 10})
		if err != nil {
			t.Fatal(err)
		}

		if err := e.sdk.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), "add", 5); err != nil {
			t.Fatal(err)
		}
		// Queries are consistent: the signal above is processed first.
		v, err := e.sdk.QueryWorkflow(ctx, run.GetID(), run.GetRunID(), "state")
		if err != nil {
			t.Fatal(err)
		}
		var st CounterState
		if err := v.Get(&st); err != nil {
			t.Fatal(err)
		}
		if st.Name != "c1" || st.Value != 15 || st.Signals != 1 {
			t.Fatalf("state after signal = %+v, want name c1, value 15, 1 signal", st)
		}

		// Accepted update with a result.
		uh, err := e.sdk.UpdateWorkflow(ctx, sdkclient.UpdateWorkflowOptions{
			WorkflowID: run.GetID(), RunID: run.GetRunID(), UpdateID: "upd-1",
			UpdateName: "set", Args: []any{100}, WaitForStage: sdkclient.WorkflowUpdateStageCompleted,
		})
		if err != nil {
			t.Fatal(err)
		}
		var prev int
		if err := uh.Get(ctx, &prev); err != nil {
			t.Fatal(err)
		}
		if prev != 15 {
			t.Fatalf("update set returned %d, want 15", prev)
		}

		// Update with a struct argument and result.
		uh, err = e.sdk.UpdateWorkflow(ctx, sdkclient.UpdateWorkflowOptions{
			WorkflowID: run.GetID(), UpdateID: "upd-2",
			UpdateName: "owner", Args: []any{fixturePerson()}, WaitForStage: sdkclient.WorkflowUpdateStageCompleted,
		})
		if err != nil {
			t.Fatal(err)
		}
		var owner Person
		if err := uh.Get(ctx, &owner); err != nil {
			t.Fatal(err)
		}
		if d := diffValue("update owner result", owner, fixturePerson()); d != "" {
			t.Fatal(d)
		}

		// Rejected by the validator: sdk-go sees our ApplicationError.
		uh, err = e.sdk.UpdateWorkflow(ctx, sdkclient.UpdateWorkflowOptions{
			WorkflowID: run.GetID(), UpdateID: "upd-rejected",
			UpdateName: "set", Args: []any{-7}, WaitForStage: sdkclient.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = uh.Get(ctx, nil)
		}
		var app *sdktemporal.ApplicationError
		if !errors.As(err, &app) {
			t.Fatalf("rejected update: got %v (%T), want an *ApplicationError", err, err)
		}
		var detail int
		if app.Type() != "InvalidValue" || app.Message() != "negative value" || app.Details(&detail) != nil || detail != -7 {
			t.Fatalf("rejected update: type %q message %q detail %d, want InvalidValue / negative value / -7", app.Type(), app.Message(), detail)
		}

		// The rejected update changed nothing; a query with an argument.
		v, err = e.sdk.QueryWorkflow(ctx, run.GetID(), "", "plus", 1)
		if err != nil {
			t.Fatal(err)
		}
		var plus int
		if err := v.Get(&plus); err != nil {
			t.Fatal(err)
		}
		if plus != 101 {
			t.Fatalf("query plus(1) = %d, want 101", plus)
		}

		// An unknown query fails in sdk-go's client.
		if _, err := e.sdk.QueryWorkflow(ctx, run.GetID(), "", "no-such-query"); err == nil {
			t.Fatal("unknown query: no error")
		}

		if err := e.sdk.SignalWorkflow(ctx, run.GetID(), "", "finish", nil); err != nil {
			t.Fatal(err)
		}
		var res CounterState
		if err := run.Get(ctx, &res); err != nil {
			t.Fatal(err)
		}
		want := CounterState{Name: "c1", Value: 100, Signals: 1, Updates: []string{"upd-1"}, Owner: fixturePerson()}
		if d := diffValue("result", res, want); d != "" {
			t.Fatal(d)
		}

		// A second handle from GetWorkflow reads the same result.
		var again CounterState
		if err := e.sdk.GetWorkflow(ctx, run.GetID(), "").Get(ctx, &again); err != nil {
			t.Fatal(err)
		}
		if d := diffValue("result via GetWorkflow", again, want); d != "" {
			t.Fatal(d)
		}
	})
}

// TestSDKClientCancelsOurWorkflow: sdk-go cancels; the workflow ends
// cancelled and sdk-go's Get returns a CanceledError.
func TestSDKClientCancelsOurWorkflow(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.ourWorker(cacheSize, registerCounter)
		ctx := testenv.Context(t)

		run, err := e.sdk.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{
			ID: testenv.UniqueID("counter-cancel"), TaskQueue: e.ourTQ,
		}, "Counter", CounterInput{Name: "c2"})
		if err != nil {
			t.Fatal(err)
		}
		// A query answers once the first workflow task has run, so the
		// handlers are installed and the workflow is waiting.
		if _, err := e.sdk.QueryWorkflow(ctx, run.GetID(), "", "state"); err != nil {
			t.Fatal(err)
		}
		if err := e.sdk.CancelWorkflow(ctx, run.GetID(), ""); err != nil {
			t.Fatal(err)
		}
		err = run.Get(ctx, nil)
		var ce *sdktemporal.CanceledError
		if !errors.As(err, &ce) {
			t.Fatalf("Get after cancel: %v (%T), want a *CanceledError", err, err)
		}
		desc, err := e.sdk.DescribeWorkflowExecution(ctx, run.GetID(), "")
		if err != nil {
			t.Fatal(err)
		}
		if s := desc.GetWorkflowExecutionInfo().GetStatus().String(); s != "Canceled" {
			t.Fatalf("status %s, want Canceled", s)
		}
	})
}

// TestSDKClientReadsOurWorkflowFailure: our workflow fails with an
// ApplicationError; sdk-go's Get sees type, message, non-retryable flag
// and details.
func TestSDKClientReadsOurWorkflowFailure(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.ourWorker(cacheSize, registerCounter)
		ctx := testenv.Context(t)
		for _, spec := range []FailSpec{
			{Type: "WorkflowBoom", Message: "workflow failed on purpose", NonRetryable: true},
			{Type: "WorkflowBoomRetryable", Message: "retryable workflow failure"},
		} {
			run, err := e.sdk.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{
				ID: testenv.UniqueID("counter-fail"), TaskQueue: e.ourTQ,
			}, "Counter", CounterInput{Fail: &spec})
			if err != nil {
				t.Fatal(err)
			}
			err = run.Get(ctx, nil)
			var we *sdktemporal.WorkflowExecutionError
			if !errors.As(err, &we) {
				t.Fatalf("Get: %v (%T), want a *WorkflowExecutionError", err, err)
			}
			checkReport(t, "workflow failure seen by sdk-go", sdkReport(err), expectedReport(spec, "", ""))
		}
	})
}

// TestSDKClientUpdatesEvictedWorkflow: an update reaches a workflow whose
// run was evicted from our worker's cache (size 1), so the speculative
// workflow task arrives on the sticky queue and the worker must rebuild
// the run from the full history plus the task's unpersisted events.
func TestSDKClientUpdatesEvictedWorkflow(t *testing.T) {
	e := newEnv(t)
	e.ourWorker(1, registerCounter)
	ctx := testenv.Context(t)

	var runs []sdkclient.WorkflowRun
	for i := range 2 {
		run, err := e.sdk.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{
			ID: testenv.UniqueID("counter-evict"), TaskQueue: e.ourTQ,
		}, "Counter", CounterInput{Name: "evict", Start: i})
		if err != nil {
			t.Fatal(err)
		}
		// The first workflow task has run once a query is answered.
		if _, err := e.sdk.QueryWorkflow(ctx, run.GetID(), "", "state"); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	// runs[1] evicted runs[0]; update runs[0], then runs[1] (evicted by
	// the first update), and so on.
	for i := range 4 {
		run := runs[i%2]
		uh, err := e.sdk.UpdateWorkflow(ctx, sdkclient.UpdateWorkflowOptions{
			WorkflowID: run.GetID(), UpdateName: "set", Args: []any{100 + i},
			WaitForStage: sdkclient.WorkflowUpdateStageCompleted,
		})
		if err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
		var prev int
		if err := uh.Get(ctx, &prev); err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
		want := i % 2 // the start value, then the previous update's
		if i >= 2 {
			want = 100 + i - 2
		}
		if prev != want {
			t.Fatalf("update %d returned %d, want %d", i, prev, want)
		}
	}
	for i, run := range runs {
		if err := e.sdk.SignalWorkflow(ctx, run.GetID(), "", "finish", nil); err != nil {
			t.Fatal(err)
		}
		var st CounterState
		if err := run.Get(ctx, &st); err != nil {
			t.Fatal(err)
		}
		if st.Value != 102+i || len(st.Updates) != 2 {
			t.Fatalf("workflow %d ended with %+v, want value %d after 2 updates", i, st, 102+i)
		}
	}
}
