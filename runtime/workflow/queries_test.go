package workflow_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// counterWorkflow counts "inc" signals, answers "count" and returns the
// count on "stop".
func counterWorkflow(ctx workflow.Context) (int, error) {
	n, stop := 0, false
	if err := workflow.SetSignalHandler(ctx, "inc", func(workflow.Context, converter.Values) error {
		n++
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetSignalHandler(ctx, "stop", setFlag(&stop), workflow.SignalOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetQueryHandler(ctx, "count", func(workflow.Context, converter.Values) (any, error) {
		return n, nil
	}, workflow.QueryOptions{Description: "signals counted so far"}); err != nil {
		return 0, err
	}
	err := workflow.Await(ctx, func() bool { return stop })
	return n, err
}

// Issue 4 test 3: a query sent right after a signal sees the signal's
// effect (queries are answered after the task's history is applied), from
// our client and from the temporal CLI.
func TestQueryAfterSignal(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("Counter", counterWorkflow)
		e.startWorker()
		h := e.start("Counter")
		for i := 1; i <= 5; i++ {
			e.signal(h, "inc")
			if got := query[int](e, h, "count"); got != i {
				t.Errorf("query after signal %d answered %d", i, got)
			}
		}
		e.signal(h, "inc")
		out, err := e.cli("workflow", "query", "--workflow-id", h.ID(), "--type", "count", "-o", "json")
		if err != nil {
			t.Fatalf("temporal workflow query: %v", err)
		}
		var answer struct {
			QueryResult []int `json:"queryResult"`
		}
		if err := json.Unmarshal([]byte(out), &answer); err != nil {
			t.Fatalf("temporal workflow query output %q: %v", out, err)
		}
		if len(answer.QueryResult) != 1 || answer.QueryResult[0] != 6 {
			t.Errorf("temporal workflow query answered %q, want a query result of 6", out)
		}
		e.signal(h, "stop")
		if got := result[int](e, h); got != 6 {
			t.Errorf("workflow returned %d, want 6", got)
		}
	})
}

// isReadOnly reports whether err is a *temporal.ReadOnlyContextError.
func isReadOnly(err error) bool {
	var ro *temporal.ReadOnlyContextError
	return errors.As(err, &ro)
}

var activityOpts = workflow.ActivityOptions{StartToCloseTimeout: time.Minute}

// Issue 4 test 4: command-producing calls from a query handler or an update
// validator get a ReadOnlyContextError; the query fails and the update is
// rejected with a message saying so, and nothing reaches history.
func TestReadOnlyContext(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("ReadOnly", func(ctx workflow.Context) (string, error) {
			stop := false
			must := func(err error) {
				if err != nil {
					panic(err)
				}
			}
			must(workflow.SetSignalHandler(ctx, "stop", setFlag(&stop), workflow.SignalOptions{}))
			must(workflow.SetQueryHandler(ctx, "sleep", func(ctx workflow.Context, _ converter.Values) (any, error) {
				if err := workflow.Sleep(ctx, time.Second); err != nil {
					return nil, err
				}
				return "slept", nil
			}, workflow.QueryOptions{}))
			must(workflow.SetQueryHandler(ctx, "activity", func(ctx workflow.Context, _ converter.Values) (any, error) {
				return workflow.ExecuteActivity[string](ctx, activityOpts, "NotRegistered").Get(ctx)
			}, workflow.QueryOptions{}))
			must(workflow.SetQueryHandler(ctx, "await", func(ctx workflow.Context, _ converter.Values) (any, error) {
				return "awaited", workflow.Await(ctx, func() bool { return stop })
			}, workflow.QueryOptions{}))
			must(workflow.SetQueryHandler(ctx, "probe", func(ctx workflow.Context, _ converter.Values) (any, error) {
				noop := func(workflow.Context, converter.Values) error { return nil }
				_, timerErr := workflow.NewTimer(ctx, time.Second).Get(ctx)
				_, actErr := workflow.ExecuteActivity[string](ctx, activityOpts, "NotRegistered").Get(ctx)
				return map[string]bool{
					"Sleep":            isReadOnly(workflow.Sleep(ctx, time.Second)),
					"NewTimer":         isReadOnly(timerErr),
					"ExecuteActivity":  isReadOnly(actErr),
					"SetSignalHandler": isReadOnly(workflow.SetSignalHandler(ctx, "x", noop, workflow.SignalOptions{})),
					"SetQueryHandler": isReadOnly(workflow.SetQueryHandler(ctx, "x", func(workflow.Context, converter.Values) (any, error) {
						return nil, nil
					}, workflow.QueryOptions{})),
					"SetUpdateHandler": isReadOnly(workflow.SetUpdateHandler(ctx, "x", func(workflow.Context, converter.Values) (any, error) {
						return nil, nil
					}, workflow.UpdateOptions{})),
				}, nil
			}, workflow.QueryOptions{}))
			must(workflow.SetUpdateHandler(ctx, "timer-in-validator", func(workflow.Context, converter.Values) (any, error) {
				return "accepted", nil
			}, workflow.UpdateOptions{Validator: func(ctx workflow.Context, _ converter.Values) error {
				_, err := workflow.NewTimer(ctx, time.Second).Get(ctx)
				return err
			}}))
			must(workflow.SetUpdateHandler(ctx, "activity-in-validator", func(workflow.Context, converter.Values) (any, error) {
				return "accepted", nil
			}, workflow.UpdateOptions{Validator: func(ctx workflow.Context, _ converter.Values) error {
				_, err := workflow.ExecuteActivity[string](ctx, activityOpts, "NotRegistered").Get(ctx)
				return err
			}}))
			must(workflow.SetUpdateHandler(ctx, "harmless-validator", func(workflow.Context, converter.Values) (any, error) {
				return "accepted", nil
			}, workflow.UpdateOptions{Validator: func(workflow.Context, converter.Values) error { return nil }}))
			return "stopped", workflow.Await(ctx, func() bool { return stop })
		})
		e.startWorker()
		h := e.start("ReadOnly")

		for _, q := range []string{"sleep", "activity", "await"} {
			v, err := queryErr[string](e, h, q)
			if err == nil || !strings.Contains(err.Error(), "read-only") {
				t.Errorf("query %s: answer %q, err %v; want an error mentioning read-only", q, v, err)
			}
		}
		probe := query[map[string]bool](e, h, "probe")
		for _, op := range []string{"Sleep", "NewTimer", "ExecuteActivity", "SetSignalHandler", "SetQueryHandler", "SetUpdateHandler"} {
			if !probe[op] {
				t.Errorf("%s in a query handler did not return a *temporal.ReadOnlyContextError (probe: %v)", op, probe)
			}
		}
		if v := mustUpdate[string](e, h, "harmless-validator"); v != "accepted" {
			t.Errorf("update harmless-validator returned %q", v)
		}
		e.signal(h, "stop")
		if got := result[string](e, h); got != "stopped" {
			t.Errorf("workflow returned %q", got)
		}
		checkNoCommands := func(h *client.WorkflowHandle, accepted int) {
			t.Helper()
			events := e.history(h)
			if n := testenv.Count(events, enumspb.EVENT_TYPE_TIMER_STARTED, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED); n != 0 {
				t.Errorf("history has %d timer/activity events; read-only calls must not issue commands", n)
			}
			if n := testenv.Count(events, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED); n != accepted {
				t.Errorf("history has %d UpdateAccepted events, want %d", n, accepted)
			}
		}
		checkNoCommands(h, 1)

		// Each rejection on a fresh execution (so that one rejection does
		// not depend on how the worker handles the task after another).
		for _, u := range []string{"timer-in-validator", "activity-in-validator"} {
			h := e.start("ReadOnly")
			v, err := update[string](e, h, "", u)
			if err == nil || !strings.Contains(err.Error(), "read-only") {
				t.Errorf("update %s: result %q, err %v; want a rejection mentioning read-only", u, v, err)
			}
			e.signal(h, "stop")
			if got := result[string](e, h); got != "stopped" {
				t.Errorf("workflow returned %q", got)
			}
			checkNoCommands(h, 0)
		}
	})
}

// typedWorkflow has typed handlers: query "times"(int), update "add"(int)
// without validator, signal "stop".
func typedWorkflow(ctx workflow.Context) (int, error) {
	total, stop := 0, false
	if err := workflow.SetQueryHandler(ctx, "times", func(_ workflow.Context, args converter.Values) (any, error) {
		var k int
		if err := args.Get(0, &k); err != nil {
			return nil, err
		}
		return total * k, nil
	}, workflow.QueryOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetUpdateHandler(ctx, "add", func(_ workflow.Context, args converter.Values) (any, error) {
		var n int
		if err := args.Get(0, &n); err != nil {
			return nil, err
		}
		total += n
		return total, nil
	}, workflow.UpdateOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetSignalHandler(ctx, "stop", setFlag(&stop), workflow.SignalOptions{}); err != nil {
		return 0, err
	}
	err := workflow.Await(ctx, func() bool { return stop })
	return total, err
}

// Issue 4 test 13 (queries, updates, unknown names): wrong argument types
// or counts and unknown names give the caller a clear error; the workflow
// keeps running.
func TestBadQueryAndUpdateInput(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("Typed", typedWorkflow)
		e.startWorker()
		h := e.start("Typed")

		if v, err := update[int](e, h, "", "add", "not a number"); err == nil || !strings.Contains(err.Error(), "cannot decode into int") {
			t.Errorf("update add(string): result %d, err %v; want an error saying it cannot decode into int", v, err)
		}
		if v := mustUpdate[int](e, h, "add", 2); v != 2 {
			t.Errorf("update add(2) = %d, want 2", v)
		}
		if v, err := queryErr[int](e, h, "times", "x"); err == nil || !strings.Contains(err.Error(), "cannot decode into int") {
			t.Errorf("query times(string): answer %d, err %v; want an error saying it cannot decode into int", v, err)
		}
		if v, err := queryErr[int](e, h, "times"); err == nil || !strings.Contains(err.Error(), "argument 1") {
			t.Errorf("query times(): answer %d, err %v; want an error about the missing argument 1", v, err)
		}
		if v := query[int](e, h, "times", 3); v != 6 {
			t.Errorf("query times(3) = %d, want 6", v)
		}
		_, err := queryErr[int](e, h, "nope")
		if err == nil || !strings.Contains(err.Error(), "unknown query") || !strings.Contains(err.Error(), "times") || !strings.Contains(err.Error(), "__stack_trace") {
			t.Errorf("unknown query: err %v; want an error listing the known queries (times, __stack_trace, ...)", err)
		}
		before := testenv.Count(e.history(h), updateEventTypes...)
		_, err = update[int](e, h, "", "nope", 1)
		if err == nil || !strings.Contains(err.Error(), "unknown update") || !strings.Contains(err.Error(), "add") {
			t.Errorf("unknown update: err %v; want a rejection naming the known update add", err)
		}
		if after := testenv.Count(e.history(h), updateEventTypes...); after != before {
			t.Errorf("the rejected unknown update added %d update events to history", after-before)
		}
		e.signal(h, "stop")
		if got := result[int](e, h); got != 2 {
			t.Errorf("workflow returned %d, want 2", got)
		}
	})
}
