package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

const (
	stageAccepted  = enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED
	stageCompleted = enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED
)

// mustNil panics with err: workflow code uses it for handler registration.
func mustNil(err error) {
	if err != nil {
		panic(err)
	}
}

// Issue 4 test 2: dynamic signal, query and update handlers receive the
// name the caller used.
func TestDynamicHandlers(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("Dyn", func(ctx workflow.Context) ([]string, error) {
			var signals []string
			done := false
			mustNil(workflow.SetDynamicSignalHandler(ctx, func(_ workflow.Context, name string, args converter.Values) error {
				if name == "done" {
					done = true
					return nil
				}
				s, err := stringArg(args)
				if err != nil {
					return err
				}
				signals = append(signals, name+"="+s)
				return nil
			}, workflow.SignalOptions{}))
			mustNil(workflow.SetDynamicQueryHandler(ctx, func(_ workflow.Context, name string, args converter.Values) (any, error) {
				if name == "signals" {
					return signals, nil
				}
				s, err := stringArg(args)
				return name + ":" + s, err
			}, workflow.QueryOptions{}))
			mustNil(workflow.SetDynamicUpdateHandler(ctx, func(_ workflow.Context, name string, args converter.Values) (any, error) {
				s, err := stringArg(args)
				return "upd:" + name + ":" + s, err
			}, workflow.DynamicUpdateOptions{Validator: func(_ workflow.Context, name string, _ converter.Values) error {
				if name == "forbidden" {
					return fmt.Errorf("the validator refuses update %s", name)
				}
				return nil
			}}))
			err := workflow.Await(ctx, func() bool { return done })
			return signals, err
		})
		e.startWorker()
		h := e.start("Dyn")
		e.signal(h, "alpha", "1")
		e.signal(h, "beta", "2")
		if got, want := query[[]string](e, h, "signals"), []string{"alpha=1", "beta=2"}; !slices.Equal(got, want) {
			t.Errorf("query signals = %q, want %q", got, want)
		}
		if got := query[string](e, h, "anything", "q"); got != "anything:q" {
			t.Errorf("dynamic query anything(q) = %q, want anything:q", got)
		}
		if got := mustUpdate[string](e, h, "foo", "v"); got != "upd:foo:v" {
			t.Errorf("dynamic update foo(v) = %q, want upd:foo:v", got)
		}
		if _, err := update[string](e, h, "", "forbidden", "v"); err == nil || !strings.Contains(err.Error(), "the validator refuses update forbidden") {
			t.Errorf("dynamic update forbidden: err %v; want the validator's rejection naming it", err)
		}
		e.signal(h, "done")
		if got, want := result[[]string](e, h), []string{"alpha=1", "beta=2"}; !slices.Equal(got, want) {
			t.Errorf("workflow returned %q, want %q", got, want)
		}
	})
}

// validatorCalls counts validator runs per workflow id (test-only state
// read by the test, written by workflow code).
var validatorCalls sync.Map

func validatorCount(workflowID string) *atomic.Int64 {
	v, _ := validatorCalls.LoadOrStore(workflowID, new(atomic.Int64))
	return v.(*atomic.Int64)
}

// Issue 4 test 5: validators run only when an update first arrives, never
// on replay.
func TestValidatorNotRunOnReplay(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("Validated", func(ctx workflow.Context) (int, error) {
			total, pokes, stop := 0, 0, false
			mustNil(workflow.SetUpdateHandler(ctx, "add", func(_ workflow.Context, args converter.Values) (any, error) {
				var n int
				if err := args.Get(0, &n); err != nil {
					return nil, err
				}
				total += n
				return total, nil
			}, workflow.UpdateOptions{Validator: func(ctx workflow.Context, args converter.Values) error {
				validatorCount(workflow.GetInfo(ctx).WorkflowID).Add(1)
				var n int
				if err := args.Get(0, &n); err != nil {
					return err
				}
				if n < 0 {
					return errors.New("negative amounts are refused")
				}
				return nil
			}}))
			mustNil(workflow.SetSignalHandler(ctx, "poke", func(workflow.Context, converter.Values) error { pokes++; return nil }, workflow.SignalOptions{}))
			mustNil(workflow.SetSignalHandler(ctx, "stop", setFlag(&stop), workflow.SignalOptions{}))
			mustNil(workflow.SetQueryHandler(ctx, "state", func(workflow.Context, converter.Values) (any, error) {
				return []int{total, pokes}, nil
			}, workflow.QueryOptions{}))
			err := workflow.Await(ctx, func() bool { return stop })
			return total, err
		})
		e.startWorker()
		h := e.start("Validated")
		calls := validatorCount(h.ID())
		for i := 1; i <= 3; i++ {
			if got, want := mustUpdate[int](e, h, "add", i), i*(i+1)/2; got != want {
				t.Errorf("update add(%d) = %d, want %d", i, got, want)
			}
			if n := calls.Load(); n != int64(i) {
				t.Errorf("after %d updates the validator ran %d times", i, n)
			}
		}
		if _, err := update[int](e, h, "", "add", -1); err == nil || !strings.Contains(err.Error(), "negative amounts are refused") {
			t.Errorf("update add(-1): err %v; want the validator's rejection", err)
		}
		const n = 4
		if got := calls.Load(); got != n {
			t.Fatalf("after %d updates the validator ran %d times", n, got)
		}
		// A new worker has an empty cache: the next task replays the whole
		// history, with the three accepted updates.
		e.startWorker()
		e.signal(h, "poke")
		e.eventually("the poke signal to be handled", func() (bool, error) {
			s, err := queryErr[[]int](e, h, "state")
			return slices.Equal(s, []int{6, 1}), err
		})
		if got := calls.Load(); got != n {
			t.Errorf("after a replay of %d updates the validator ran %d times, want %d", n, got, n)
		}
		e.signal(h, "stop")
		if got := result[int](e, h); got != 6 {
			t.Errorf("workflow returned %d, want 6", got)
		}
		if got := calls.Load(); got != n {
			t.Errorf("at the end the validator ran %d times, want %d", got, n)
		}
	})
}

// Issue 4 test 6: a rejected update leaves no update events in history; an
// update accepted after it works.
func TestRejectedUpdateLeavesNoEvents(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("Rejecter", func(ctx workflow.Context) (int, error) {
			v, stop := 0, false
			mustNil(workflow.SetUpdateHandler(ctx, "set", func(_ workflow.Context, args converter.Values) (any, error) {
				if err := args.Get(0, &v); err != nil {
					return nil, err
				}
				return v, nil
			}, workflow.UpdateOptions{Validator: func(_ workflow.Context, args converter.Values) error {
				var n int
				if err := args.Get(0, &n); err != nil {
					return err
				}
				if n < 0 {
					return temporal.NewApplicationError("negative values are rejected", "Negative")
				}
				return nil
			}}))
			mustNil(workflow.SetSignalHandler(ctx, "stop", setFlag(&stop), workflow.SignalOptions{}))
			err := workflow.Await(ctx, func() bool { return stop })
			return v, err
		})
		e.startWorker()
		h := e.start("Rejecter")
		e.waitEvent(h, "the first workflow task to complete", isType(enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED))
		before := len(e.history(h))

		for i := range 2 {
			_, err := update[int](e, h, "", "set", -5)
			var appErr *temporal.ApplicationError
			if !errors.As(err, &appErr) || appErr.Type() != "Negative" || appErr.Message() != "negative values are rejected" {
				t.Errorf("rejected update %d: err %v (%T); want ApplicationError Negative", i+1, err, err)
			}
		}
		events := e.history(h)
		if n := testenv.Count(events, updateEventTypes...); n != 0 {
			t.Errorf("history has %d update events after rejections, want 0", n)
		}
		t.Logf("history length before the rejections %d, after %d", before, len(events))

		if got, err := update[int](e, h, "", "set", 7); err != nil || got != 7 {
			t.Errorf("update set(7) after rejections = %d, %v; want 7", got, err)
		}
		events = e.history(h)
		if a, c, r := testenv.Count(events, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
			testenv.Count(events, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED),
			testenv.Count(events, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED); a != 1 || c != 1 || r != 0 {
			t.Errorf("history has %d accepted, %d completed, %d rejected update events; want 1, 1, 0", a, c, r)
		}
		e.signal(h, "stop")
		if got := result[int](e, h); got != 7 {
			t.Errorf("workflow returned %d, want 7", got)
		}
	})
}

// firstTaskWorkflow sets its state in its init part, registers handlers,
// yields, then changes the state: an update delivered with the first task
// must see "init".
func firstTaskWorkflow(ctx workflow.Context) (string, error) {
	state, stop := "init", false
	mustNil(workflow.SetUpdateHandler(ctx, "state", func(workflow.Context, converter.Values) (any, error) {
		return state, nil
	}, workflow.UpdateOptions{}))
	mustNil(workflow.SetQueryHandler(ctx, "state", func(workflow.Context, converter.Values) (any, error) {
		return state, nil
	}, workflow.QueryOptions{}))
	mustNil(workflow.SetSignalHandler(ctx, "stop", setFlag(&stop), workflow.SignalOptions{}))
	workflow.Yield(ctx)
	state = "run"
	err := workflow.Await(ctx, func() bool { return stop })
	return state, err
}

// Issue 4 test 7: an update that arrives in the first workflow task (with
// update-with-start) is handled and sees the state of the workflow's init.
func TestUpdateInFirstTask(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("FirstTask", firstTaskWorkflow)
		e.startWorker()

		updateID := testenv.UniqueID("uws")
		h, o, err := e.updateWithStart("FirstTask", updateID, "state")
		if err != nil {
			t.Fatalf("update-with-start: %v", err)
		}
		got, err := outcome[string](e, o)
		if err != nil || got != "init" {
			t.Errorf("update-with-start returned %q, %v; want init", got, err)
		}
		// The update came with the first workflow task: its acceptance
		// follows that task's completion.
		events := e.history(h)
		for i, ev := range events {
			if ev.EventType == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
				if i+1 >= len(events) || events[i+1].EventType != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED {
					t.Errorf("the first workflow task (completed at event %d) did not accept the update", ev.EventId)
				}
				break
			}
		}
		if s := query[string](e, h, "state"); s != "run" {
			t.Errorf("query state = %q after the first task, want run", s)
		}
		e.signal(h, "stop")
		if s := result[string](e, h); s != "run" {
			t.Errorf("workflow returned %q, want run", s)
		}

		// Start, then update at once: the update may or may not make the
		// first task; either way it is handled.
		h = e.start("FirstTask")
		s, err := update[string](e, h, "", "state")
		if err != nil || (s != "init" && s != "run") {
			t.Errorf("update right after start returned %q, %v; want init or run", s, err)
		}
		t.Logf("update right after start saw %q", s)
		e.signal(h, "stop")
		result[string](e, h)
	})
}

// Issue 4 test 8: the same update id is applied once; every call returns
// the same result, from our client and from the temporal CLI.
func TestUpdateDedupByID(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("Dedup", func(ctx workflow.Context) (int, error) {
			n, stop := 0, false
			mustNil(workflow.SetUpdateHandler(ctx, "inc", func(workflow.Context, converter.Values) (any, error) {
				n++
				return n * 10, nil
			}, workflow.UpdateOptions{}))
			mustNil(workflow.SetQueryHandler(ctx, "count", func(workflow.Context, converter.Values) (any, error) {
				return n, nil
			}, workflow.QueryOptions{}))
			mustNil(workflow.SetSignalHandler(ctx, "stop", setFlag(&stop), workflow.SignalOptions{}))
			err := workflow.Await(ctx, func() bool { return stop })
			return n, err
		})
		e.startWorker()
		h := e.start("Dedup")

		id1 := testenv.UniqueID("dedup-1")
		for i := range 2 {
			if got, err := update[int](e, h, id1, "inc"); err != nil || got != 10 {
				t.Errorf("call %d with update id %s: %d, %v; want 10", i+1, id1, got, err)
			}
		}
		if c := query[int](e, h, "count"); c != 1 {
			t.Errorf("handler ran %d times for one update id", c)
		}

		// Concurrent calls with one id.
		id2 := testenv.UniqueID("dedup-2")
		var wg sync.WaitGroup
		results := make([]int, 3)
		errs := make([]error, 3)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = update[int](e, h, id2, "inc")
			}()
		}
		wg.Wait()
		for i := range results {
			if errs[i] != nil || results[i] != 20 {
				t.Errorf("concurrent call %d with update id %s: %d, %v; want 20", i+1, id2, results[i], errs[i])
			}
		}
		if c := query[int](e, h, "count"); c != 2 {
			t.Errorf("handler ran %d times for two update ids", c)
		}

		// The CLI with an id already used gets the same result.
		out, err := e.cli("workflow", "update", "execute", "--workflow-id", h.ID(), "--name", "inc", "--update-id", id1, "-o", "json")
		if err != nil {
			t.Fatalf("temporal workflow update execute: %v", err)
		}
		var cliRes struct {
			UpdateID string          `json:"updateId"`
			Result   json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal([]byte(out), &cliRes); err != nil || cliRes.UpdateID != id1 || strings.TrimSpace(string(cliRes.Result)) != "10" {
			t.Errorf("temporal workflow update execute with the used id %s printed %q (%v); want the first result 10", id1, out, err)
		}
		if c := query[int](e, h, "count"); c != 2 {
			t.Errorf("handler ran %d times after the CLI reused an id, want 2", c)
		}
		if got := mustUpdate[int](e, h, "inc"); got != 30 {
			t.Errorf("update with a new id = %d, want 30", got)
		}
		e.signal(h, "stop")
		if got := result[int](e, h); got != 3 {
			t.Errorf("workflow returned %d, want 3", got)
		}
		if n := testenv.Count(e.history(h), enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED); n != 3 {
			t.Errorf("history has %d UpdateAccepted events, want 3", n)
		}
	})
}

// blockerWorkflow's update "wait" blocks until the "release" signal; the
// workflow returns once released and every handler finished.
func blockerWorkflow(ctx workflow.Context) (string, error) {
	released := false
	mustNil(workflow.SetUpdateHandler(ctx, "wait", func(ctx workflow.Context, args converter.Values) (any, error) {
		s, err := stringArg(args)
		if err != nil {
			return nil, err
		}
		if err := workflow.Await(ctx, func() bool { return released }); err != nil {
			return nil, err
		}
		return "released:" + s, nil
	}, workflow.UpdateOptions{}))
	mustNil(workflow.SetSignalHandler(ctx, "release", setFlag(&released), workflow.SignalOptions{}))
	err := workflow.Await(ctx, func() bool { return released && workflow.AllHandlersFinished(ctx) })
	return "done", err
}

// Issue 4 test 9: an accepted update survives a worker restart: the new
// worker replays the acceptance and completes the update.
func TestUpdateAcrossWorkerRestart(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("Blocker", blockerWorkflow)
		e.startWorker()
		h := e.start("Blocker")
		id := testenv.UniqueID("restart")
		resp, err := e.sendUpdate(h, id, "wait", stageAccepted, "x")
		if err != nil {
			t.Fatalf("start update: %v", err)
		}
		if resp.GetStage() != stageAccepted || resp.GetOutcome() != nil {
			t.Fatalf("update stage %s (outcome %v), want accepted without outcome", resp.GetStage(), resp.GetOutcome())
		}
		e.stopWorker()
		e.startWorker()
		e.signal(h, "release")
		o, err := e.pollUpdate(h, id)
		if err != nil {
			t.Fatalf("poll update: %v", err)
		}
		if got, err := outcome[string](e, o); err != nil || got != "released:x" {
			t.Errorf("update result %q, %v; want released:x", got, err)
		}
		if got := result[string](e, h); got != "done" {
			t.Errorf("workflow returned %q, want done", got)
		}
		events := e.history(h)
		if a, c := testenv.Count(events, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
			testenv.Count(events, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED); a != 1 || c != 1 {
			t.Errorf("history has %d accepted and %d completed update events, want 1 and 1", a, c)
		}
	})
}

// unfinishedWorkflow returns on "finish" while an update and a signal
// handler, both with the given policy, are blocked forever.
func unfinishedWorkflow(ctx workflow.Context, abandon bool) (string, error) {
	policy := workflow.HandlerUnfinishedPolicyWarnAndAbandon
	if abandon {
		policy = workflow.HandlerUnfinishedPolicyAbandon
	}
	blocked, finish := 0, false
	never := func() bool { return false }
	mustNil(workflow.SetUpdateHandler(ctx, "stuck-update", func(ctx workflow.Context, _ converter.Values) (any, error) {
		blocked++
		return "never", workflow.Await(ctx, never)
	}, workflow.UpdateOptions{UnfinishedPolicy: policy}))
	mustNil(workflow.SetSignalHandler(ctx, "stuck-signal", func(ctx workflow.Context, _ converter.Values) error {
		blocked++
		return workflow.Await(ctx, never)
	}, workflow.SignalOptions{UnfinishedPolicy: policy}))
	mustNil(workflow.SetSignalHandler(ctx, "finish", setFlag(&finish), workflow.SignalOptions{}))
	mustNil(workflow.SetQueryHandler(ctx, "blocked", func(workflow.Context, converter.Values) (any, error) {
		return blocked, nil
	}, workflow.QueryOptions{}))
	err := workflow.Await(ctx, func() bool { return finish })
	return "finished", err
}

// Issue 4 test 10 (first half): a workflow that returns while handlers run
// logs TMPRL1102 naming them under WARN_AND_ABANDON, nothing under
// ABANDON; the abandoned update's caller gets an error.
func TestUnfinishedHandlersPolicy(t *testing.T) {
	forEachCache(t, func(t *testing.T, parent *env) {
		for _, abandon := range []bool{false, true} {
			name := "warn"
			if abandon {
				name = "abandon"
			}
			t.Run(name, func(t *testing.T) {
				e := newEnv(t, parent.cacheSize)
				e.register("Unfinished", unfinishedWorkflow)
				e.startWorker()
				h := e.start("Unfinished", abandon)
				id := testenv.UniqueID("stuck")
				if _, err := e.sendUpdate(h, id, "stuck-update", stageAccepted); err != nil {
					t.Fatalf("start update: %v", err)
				}
				e.signal(h, "stuck-signal")
				e.eventually("both handlers to block", func() (bool, error) {
					n, err := queryErr[int](e, h, "blocked")
					return n == 2, err
				})
				e.signal(h, "finish")
				if got := result[string](e, h); got != "finished" {
					t.Errorf("workflow returned %q", got)
				}
				o, err := e.pollUpdate(h, id)
				if err == nil {
					_, err = outcome[string](e, o)
				}
				if err == nil {
					t.Errorf("the abandoned update's caller got no error")
				} else {
					t.Logf("abandoned update: %v", err)
				}
				warnings := e.logs.Lines("TMPRL1102")
				if abandon {
					if len(warnings) != 0 {
						t.Errorf("ABANDON policy logged TMPRL1102: %q", warnings)
					}
					return
				}
				// One warning for the signal handlers and one for the
				// update handlers, each filterable by handler_kind.
				signals, updates := e.logs.Lines("TMPRL1102", `"handler_kind":"signal"`), e.logs.Lines("TMPRL1102", `"handler_kind":"update"`)
				if len(signals) != 1 || len(updates) != 1 || len(warnings) != 2 {
					t.Fatalf("WARN_AND_ABANDON policy logged %d TMPRL1102 warnings (%d for signals, %d for updates), want one of each: %q",
						len(warnings), len(signals), len(updates), warnings)
				}
				for w, wants := range map[string][]string{
					signals[0]: {`"level":"WARN"`, "signal handlers", "stuck-signal"},
					updates[0]: {`"level":"WARN"`, "update handlers", "stuck-update", id},
				} {
					for _, want := range wants {
						if !strings.Contains(w, want) {
							t.Errorf("TMPRL1102 warning does not contain %q: %s", want, w)
						}
					}
				}
				if strings.Contains(signals[0], "stuck-update") || strings.Contains(updates[0], "stuck-signal") {
					t.Errorf("the warnings mix signal and update handlers: %q", warnings)
				}
			})
		}
	})
}

// Issue 4 test 10 (second half): a workflow that awaits AllHandlersFinished
// completes only after its update handler finished, and the update
// succeeds.
func TestAllHandlersFinished(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("WaitAll", func(ctx workflow.Context) (string, error) {
			released, finish := false, false
			phase := "running"
			mustNil(workflow.SetUpdateHandler(ctx, "slow", func(ctx workflow.Context, _ converter.Values) (any, error) {
				return "slow done", workflow.Await(ctx, func() bool { return released })
			}, workflow.UpdateOptions{}))
			mustNil(workflow.SetSignalHandler(ctx, "release", setFlag(&released), workflow.SignalOptions{}))
			mustNil(workflow.SetSignalHandler(ctx, "finish", setFlag(&finish), workflow.SignalOptions{}))
			mustNil(workflow.SetQueryHandler(ctx, "phase", func(workflow.Context, converter.Values) (any, error) {
				return phase, nil
			}, workflow.QueryOptions{}))
			if err := workflow.Await(ctx, func() bool { return finish }); err != nil {
				return "", err
			}
			phase = "waiting for handlers"
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return "", err
			}
			return "finished", nil
		})
		e.startWorker()
		h := e.start("WaitAll")
		id := testenv.UniqueID("slow")
		if _, err := e.sendUpdate(h, id, "slow", stageAccepted); err != nil {
			t.Fatalf("start update: %v", err)
		}
		e.signal(h, "finish")
		e.eventually("the workflow to wait for its handlers", func() (bool, error) {
			p, err := queryErr[string](e, h, "phase")
			return p == "waiting for handlers", err
		})
		assertRunning(e, h)
		e.signal(h, "release")
		o, err := e.pollUpdate(h, id)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := outcome[string](e, o); err != nil || got != "slow done" {
			t.Errorf("update returned %q, %v; want slow done", got, err)
		}
		if got := result[string](e, h); got != "finished" {
			t.Errorf("workflow returned %q", got)
		}
		if w := e.logs.Lines("TMPRL1102"); len(w) != 0 {
			t.Errorf("a workflow that waited for its handlers logged %q", w)
		}
	})
}

// Issue 4 test 15: CurrentUpdateInfo gives the id and name the client
// used, in the validator and the handler (also after blocking, with
// several updates in flight), and nil outside update handlers.
func TestCurrentUpdateInfo(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("Info", func(ctx workflow.Context) (string, error) {
			released, stop := false, false
			describe := func(ctx workflow.Context) string {
				if u := workflow.CurrentUpdateInfo(ctx); u != nil {
					return u.ID + "|" + u.Name
				}
				return "<nil>"
			}
			mustNil(workflow.SetUpdateHandler(ctx, "who", func(ctx workflow.Context, _ converter.Values) (any, error) {
				return describe(ctx), nil
			}, workflow.UpdateOptions{Validator: func(ctx workflow.Context, _ converter.Values) error {
				if u := workflow.CurrentUpdateInfo(ctx); u == nil || u.Name != "who" || u.ID == "" {
					return fmt.Errorf("validator saw update info %s", describe(ctx))
				}
				return nil
			}}))
			mustNil(workflow.SetUpdateHandler(ctx, "who-later", func(ctx workflow.Context, _ converter.Values) (any, error) {
				before := describe(ctx)
				if err := workflow.Await(ctx, func() bool { return released }); err != nil {
					return nil, err
				}
				return before + "/" + describe(ctx), nil
			}, workflow.UpdateOptions{}))
			mustNil(workflow.SetDynamicUpdateHandler(ctx, func(ctx workflow.Context, name string, _ converter.Values) (any, error) {
				return describe(ctx) + "|" + name, nil
			}, workflow.DynamicUpdateOptions{}))
			mustNil(workflow.SetSignalHandler(ctx, "release", setFlag(&released), workflow.SignalOptions{}))
			mustNil(workflow.SetSignalHandler(ctx, "stop", setFlag(&stop), workflow.SignalOptions{}))
			mustNil(workflow.SetQueryHandler(ctx, "outside", func(ctx workflow.Context, _ converter.Values) (any, error) {
				return describe(ctx), nil
			}, workflow.QueryOptions{}))
			root := describe(ctx)
			err := workflow.Await(ctx, func() bool { return stop && workflow.AllHandlersFinished(ctx) })
			return root, err
		})
		e.startWorker()
		h := e.start("Info")

		id := testenv.UniqueID("my-update")
		if got, err := update[string](e, h, id, "who"); err != nil || got != id+"|who" {
			t.Errorf("update who = %q, %v; want %q", got, err, id+"|who")
		}
		dynID := testenv.UniqueID("dyn-update")
		if got, err := update[string](e, h, dynID, "whatever"); err != nil || got != dynID+"|whatever|whatever" {
			t.Errorf("dynamic update = %q, %v; want %q", got, err, dynID+"|whatever|whatever")
		}
		ids := []string{testenv.UniqueID("later-a"), testenv.UniqueID("later-b")}
		for _, id := range ids {
			if _, err := e.sendUpdate(h, id, "who-later", stageAccepted); err != nil {
				t.Fatal(err)
			}
		}
		e.signal(h, "release")
		for _, id := range ids {
			o, err := e.pollUpdate(h, id)
			if err != nil {
				t.Fatal(err)
			}
			want := id + "|who-later/" + id + "|who-later"
			if got, err := outcome[string](e, o); err != nil || got != want {
				t.Errorf("update %s = %q, %v; want %q", id, got, err, want)
			}
		}
		if got := query[string](e, h, "outside"); got != "<nil>" {
			t.Errorf("CurrentUpdateInfo in a query handler = %q, want nil", got)
		}
		e.signal(h, "stop")
		if got := result[string](e, h); got != "<nil>" {
			t.Errorf("CurrentUpdateInfo in the workflow function = %q, want nil", got)
		}
	})
}

// validatorPanic is what the validator of "panicky" panics with.
type validatorPanic struct{ msg string }

// Issue 4, updates: a panicking validator rejects the update (the workflow
// goes on); a panicking update handler fails the workflow task.
func TestUpdatePanics(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("Panicky", func(ctx workflow.Context) (string, error) {
			stop := false
			mustNil(workflow.SetUpdateHandler(ctx, "validator-panics", func(workflow.Context, converter.Values) (any, error) {
				return "accepted", nil
			}, workflow.UpdateOptions{Validator: func(workflow.Context, converter.Values) error {
				panic(validatorPanic{"validator exploded"})
			}}))
			mustNil(workflow.SetUpdateHandler(ctx, "handler-panics", func(workflow.Context, converter.Values) (any, error) {
				panic("update handler exploded")
			}, workflow.UpdateOptions{}))
			mustNil(workflow.SetUpdateHandler(ctx, "fine", func(workflow.Context, converter.Values) (any, error) {
				return "fine", nil
			}, workflow.UpdateOptions{}))
			mustNil(workflow.SetSignalHandler(ctx, "stop", setFlag(&stop), workflow.SignalOptions{}))
			return "stopped", workflow.Await(ctx, func() bool { return stop })
		})
		e.startWorker()

		h := e.start("Panicky")
		if _, err := update[string](e, h, "", "validator-panics"); err == nil || !strings.Contains(err.Error(), "validator exploded") {
			t.Errorf("update with a panicking validator: err %v; want a rejection naming the panic", err)
		}
		if n := testenv.Count(e.history(h), updateEventTypes...); n != 0 {
			t.Errorf("the rejected update left %d update events", n)
		}
		e.signal(h, "stop")
		if got := result[string](e, h); got != "stopped" {
			t.Errorf("workflow returned %q after a validator panic", got)
		}

		h = e.start("Panicky")
		ctx, cancel := context.WithCancel(e.ctx)
		done := make(chan error, 1)
		go func() {
			_, err := e.sendUpdateCtx(ctx, h, "", "handler-panics", stageCompleted)
			done <- err
		}()
		ev := e.waitEvent(h, "WorkflowTaskFailed", isType(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED))
		if msg := ev.GetWorkflowTaskFailedEventAttributes().GetFailure().GetMessage(); !strings.Contains(msg, "update handler exploded") {
			t.Errorf("WorkflowTaskFailed message %q does not name the panic", msg)
		}
		assertRunning(e, h)
		_ = h.Terminate(e.ctx, "test done")
		cancel()
		<-done
	})
}
