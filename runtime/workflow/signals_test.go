package workflow_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// stringArg decodes the first argument as a string.
func stringArg(args converter.Values) (string, error) {
	var s string
	err := args.Get(0, &s)
	return s, err
}

// setFlag returns a signal handler that sets *b.
func setFlag(b *bool) workflow.SignalHandlerFunc {
	return func(workflow.Context, converter.Values) error { *b = true; return nil }
}

// lateHandlerWorkflow sets its handler only after a durable timer, so that
// signals sent right after the start are buffered; it returns once it got
// n signals. With dynamic, it sets the dynamic handler instead and records
// name=value.
func lateHandlerWorkflow(dynamic bool) func(ctx workflow.Context, n int) ([]string, error) {
	return func(ctx workflow.Context, n int) ([]string, error) {
		if err := workflow.Sleep(ctx, time.Second); err != nil {
			return nil, err
		}
		var got []string
		var err error
		if dynamic {
			err = workflow.SetDynamicSignalHandler(ctx, func(ctx workflow.Context, name string, args converter.Values) error {
				s, err := stringArg(args)
				if err != nil {
					return err
				}
				got = append(got, name+"="+s)
				return nil
			}, workflow.SignalOptions{})
		} else {
			err = workflow.SetSignalHandler(ctx, "add", func(ctx workflow.Context, args converter.Values) error {
				s, err := stringArg(args)
				if err != nil {
					return err
				}
				got = append(got, s)
				return nil
			}, workflow.SignalOptions{})
		}
		if err != nil {
			return nil, err
		}
		if err := workflow.Await(ctx, func() bool { return len(got) >= n }); err != nil {
			return nil, err
		}
		return got, nil
	}
}

// signalsBeforeTimer counts the WorkflowExecutionSignaled events recorded
// before the TimerFired event.
func signalsBeforeTimer(events []*historypb.HistoryEvent) (int, bool) {
	n := 0
	for _, ev := range events {
		switch ev.EventType {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			n++
		case enumspb.EVENT_TYPE_TIMER_FIRED:
			return n, true
		}
	}
	return n, false
}

// Issue 4 test 1: signals that arrive before their handler exists are
// buffered and delivered in order once it is set; the dynamic handler takes
// every buffered name.
func TestSignalBeforeHandlerRegistration(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("Late", lateHandlerWorkflow(false))
		e.register("LateDynamic", lateHandlerWorkflow(true))
		e.startWorker()

		h := e.signalWithStart("Late", []any{3}, "add", "a")
		e.signal(h, "add", "b")
		e.signal(h, "add", "c")
		if got, want := result[[]string](e, h), []string{"a", "b", "c"}; !slices.Equal(got, want) {
			t.Errorf("Late returned %q, want %q", got, want)
		}
		// The signal-with-start signal is in the first task: it was
		// necessarily buffered until the timer fired.
		if n, ok := signalsBeforeTimer(e.history(h)); !ok || n == 0 {
			t.Errorf("history of Late: %d signals before TimerFired (timer fired: %v); want at least 1", n, ok)
		}

		h = e.signalWithStart("LateDynamic", []any{3}, "x", "1")
		e.signal(h, "y", "2")
		e.signal(h, "x", "3")
		if got, want := result[[]string](e, h), []string{"x=1", "y=2", "x=3"}; !slices.Equal(got, want) {
			t.Errorf("LateDynamic returned %q, want %q", got, want)
		}
		if n, ok := signalsBeforeTimer(e.history(h)); !ok || n == 0 {
			t.Errorf("history of LateDynamic: %d signals before TimerFired (timer fired: %v); want at least 1", n, ok)
		}
	})
}

// Issue 4 test 14 (first half): an ApplicationError returned from a signal
// handler fails the workflow with that error.
func TestSignalHandlerApplicationErrorFailsWorkflow(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("SigAppErr", func(ctx workflow.Context) (string, error) {
			err := workflow.SetSignalHandler(ctx, "fail", func(ctx workflow.Context, args converter.Values) error {
				return temporal.NewApplicationError("handler refused the signal", "HandlerRefused")
			}, workflow.SignalOptions{})
			if err != nil {
				return "", err
			}
			return "not failed", workflow.Await(ctx, func() bool { return false })
		})
		e.startWorker()
		h := e.start("SigAppErr")
		e.signal(h, "fail")
		_, err := resultErr[string](e, h)
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) {
			t.Fatalf("workflow result error = %v (%T), want an ApplicationError", err, err)
		}
		if appErr.Type() != "HandlerRefused" || !strings.Contains(appErr.Message(), "handler refused the signal") {
			t.Errorf("ApplicationError type %q message %q, want HandlerRefused / handler refused the signal", appErr.Type(), appErr.Message())
		}
		events := e.history(h)
		last := events[len(events)-1]
		if last.EventType != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED {
			t.Fatalf("last event is %s, want WorkflowExecutionFailed", last.EventType)
		}
		if typ := last.GetWorkflowExecutionFailedEventAttributes().GetFailure().GetApplicationFailureInfo().GetType(); typ != "HandlerRefused" {
			t.Errorf("WorkflowExecutionFailed failure type %q, want HandlerRefused", typ)
		}
		if n := testenv.Count(events, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
			t.Errorf("%d WorkflowTaskFailed events, want 0", n)
		}
	})
}

// handlerPanic is the value signal handlers panic with.
type handlerPanic struct{ msg string }

// panicWorkflow panics in the "panic" signal handler with a handlerPanic and
// in "panic-other" with a string.
func panicWorkflow(ctx workflow.Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
	if err := workflow.SetSignalHandler(ctx, "panic", func(workflow.Context, converter.Values) error {
		panic(handlerPanic{"kaboom from the signal handler"})
	}, workflow.SignalOptions{}); err != nil {
		return nil, err
	}
	if err := workflow.SetSignalHandler(ctx, "panic-other", func(workflow.Context, converter.Values) error {
		panic("a string panic")
	}, workflow.SignalOptions{}); err != nil {
		return nil, err
	}
	return nil, workflow.Await(ctx, func() bool { return false })
}

// Issue 4 test 14 (second half): a panic in a signal handler fails the
// workflow task; with FailWorkflowOn matching the panic value's type it
// fails the workflow instead.
func TestSignalHandlerPanic(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.registerFunc("SigPanic", panicWorkflow, worker.RegisterOptions{})
		e.registerFunc("SigPanicFails", panicWorkflow, worker.RegisterOptions{
			FailWorkflowOn: func(v any) bool { _, ok := v.(handlerPanic); return ok },
		})
		e.startWorker()

		// No FailWorkflowOn: the task fails, the workflow stays open.
		h := e.start("SigPanic")
		e.signal(h, "panic")
		ev := e.waitEvent(h, "WorkflowTaskFailed", isType(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED))
		if msg := ev.GetWorkflowTaskFailedEventAttributes().GetFailure().GetMessage(); !strings.Contains(msg, "kaboom") {
			t.Errorf("WorkflowTaskFailed message %q does not mention the panic value", msg)
		}
		assertRunning(e, h)
		_ = h.Terminate(e.ctx, "test done")

		// FailWorkflowOn matches: the workflow fails, no task failure.
		h = e.start("SigPanicFails")
		e.signal(h, "panic")
		ev = e.waitEvent(h, "WorkflowExecutionFailed", isType(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED))
		f := ev.GetWorkflowExecutionFailedEventAttributes().GetFailure()
		if typ := f.GetApplicationFailureInfo().GetType(); !strings.Contains(typ, "handlerPanic") {
			t.Errorf("failure type %q, want the panic value's type (handlerPanic)", typ)
		}
		if !strings.Contains(f.GetMessage(), "kaboom") {
			t.Errorf("failure message %q does not mention the panic value", f.GetMessage())
		}
		if n := testenv.Count(e.history(h), enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
			t.Errorf("%d WorkflowTaskFailed events, want 0", n)
		}

		// FailWorkflowOn does not match: the task fails.
		h = e.start("SigPanicFails")
		e.signal(h, "panic-other")
		e.waitEvent(h, "WorkflowTaskFailed", isType(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED))
		assertRunning(e, h)
		_ = h.Terminate(e.ctx, "test done")
	})
}

// assertRunning checks that the workflow has not closed.
func assertRunning(e *env, h *client.WorkflowHandle) {
	e.t.Helper()
	d, err := e.c.GetWorkflow(h.ID(), "").Describe(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if st := d.Info().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		e.t.Errorf("workflow %s status %s, want running", h.ID(), st)
	}
}

// Issue 4 test 11: signals sent while the workflow tries to complete are
// not lost: every signal the server accepted is counted exactly once.
func TestSignalsDuringCompletionNotLost(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("Drain", func(ctx workflow.Context) (int, error) {
			count, finish := 0, false
			if err := workflow.SetSignalHandler(ctx, "sig", func(workflow.Context, converter.Values) error {
				count++
				return nil
			}, workflow.SignalOptions{}); err != nil {
				return 0, err
			}
			if err := workflow.SetSignalHandler(ctx, "finish", setFlag(&finish), workflow.SignalOptions{}); err != nil {
				return 0, err
			}
			err := workflow.Await(ctx, func() bool { return finish && workflow.AllHandlersFinished(ctx) })
			return count, err
		})
		e.startWorker()
		h := e.start("Drain")

		const senders, perSender, finishAfter = 4, 50, 100
		var accepted, attempted atomic.Int64
		var firstErr sync.Once
		midway := make(chan struct{})
		var wg sync.WaitGroup
		send := func() {
			if attempted.Add(1) == finishAfter {
				close(midway)
			}
			if err := h.Signal(e.ctx, "sig"); err != nil {
				firstErr.Do(func() { t.Logf("a signal was refused (expected once the workflow closed): %v", err) })
				return
			}
			accepted.Add(1)
		}
		for range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range perSender {
					send()
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-midway:
			case <-e.ctx.Done():
				return
			}
			if err := h.Signal(e.ctx, "finish"); err != nil {
				t.Errorf("finish signal: %v", err)
			}
		}()
		wg.Wait()
		for range 20 { // after the workflow has (probably) closed
			send()
		}

		got := result[int](e, h)
		signaled, unhandled := 0, 0
		for _, ev := range e.history(h) {
			if a := ev.GetWorkflowExecutionSignaledEventAttributes(); a != nil && a.GetSignalName() == "sig" {
				signaled++
			}
			if ev.GetWorkflowTaskFailedEventAttributes().GetCause() == enumspb.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND {
				unhandled++
			}
		}
		// unhandled > 0 shows that signals raced the completion.
		t.Logf("attempted %d, accepted %d, recorded %d, counted %d; completions refused for new signals: %d",
			attempted.Load(), accepted.Load(), signaled, got, unhandled)
		if got != signaled {
			t.Errorf("workflow counted %d signals, history records %d", got, signaled)
		}
		if int64(signaled) != accepted.Load() {
			t.Errorf("history records %d signals, the server accepted %d", signaled, accepted.Load())
		}
		if got < finishAfter-senders {
			t.Errorf("workflow counted only %d signals; at least %d were sent before finish", got, finishAfter-senders)
		}
	})
}

// Issue 4 test 13 (signal): a signal whose payload cannot be decoded is
// dropped with a warning naming the signal and the type; the workflow goes
// on and a later good signal works.
func TestBadSignalPayloadDropped(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("BadSig", func(ctx workflow.Context) (int, error) {
			sum, stop := 0, false
			if err := workflow.SetSignalHandler(ctx, "num", func(ctx workflow.Context, args converter.Values) error {
				var n int
				if err := args.Get(0, &n); err != nil {
					return err
				}
				sum += n
				return nil
			}, workflow.SignalOptions{}); err != nil {
				return 0, err
			}
			if err := workflow.SetSignalHandler(ctx, "stop", setFlag(&stop), workflow.SignalOptions{}); err != nil {
				return 0, err
			}
			err := workflow.Await(ctx, func() bool { return stop })
			return sum, err
		})
		e.startWorker()
		h := e.start("BadSig")
		e.signal(h, "num", "not a number")
		// The workflow may already have closed if it wrongly failed: the
		// result below reports that.
		for _, s := range []struct {
			name string
			args []any
		}{{"num", nil /* no argument at all */}, {"num", []any{5}}, {"stop", nil}} {
			if err := h.Signal(e.ctx, s.name, s.args...); err != nil {
				t.Logf("signal %s%v: %v", s.name, s.args, err)
			}
		}
		got, err := resultErr[int](e, h)
		if err != nil {
			t.Fatalf("workflow did not go on after an undecodable signal: %v", err)
		}
		if got != 5 {
			t.Errorf("sum = %d, want 5", got)
		}
		if lines := e.logs.Lines(`"level":"WARN"`, "num", "int"); len(lines) == 0 {
			t.Errorf("no warning naming the signal \"num\" and the type int was logged")
		}
	})
}

// Issue 4 test 16: Get*Handler returns what Set*Handler set; nil unsets; a
// signal to an unset name is buffered and delivered once a handler is set
// again.
func TestGetSetHandlers(t *testing.T) {
	forEachCache(t, func(t *testing.T, e *env) {
		e.register("GetSet", func(ctx workflow.Context) ([]string, error) {
			var got []string
			checks := map[string]bool{}
			phase := "starting"
			resumed := false
			record := func(prefix string) workflow.SignalHandlerFunc {
				return func(ctx workflow.Context, args converter.Values) error {
					s, err := stringArg(args)
					if err != nil {
						return err
					}
					got = append(got, prefix+s)
					return nil
				}
			}
			dc := workflow.PayloadConverter(ctx)
			arg := func(v any) converter.Values {
				p, err := dc.ToPayloads(v)
				if err != nil {
					panic(err)
				}
				return converter.NewValues(p, dc)
			}
			must := func(err error) {
				if err != nil {
					panic(err)
				}
			}

			// Signals.
			checks["signal unset before"] = workflow.GetSignalHandler(ctx, "s") == nil
			must(workflow.SetSignalHandler(ctx, "s", record(""), workflow.SignalOptions{}))
			if fn := workflow.GetSignalHandler(ctx, "s"); fn != nil {
				checks["signal get returns the handler"] = fn(ctx, arg("direct")) == nil && slices.Equal(got, []string{"direct"})
			}
			checks["signal other name nil"] = workflow.GetSignalHandler(ctx, "other") == nil
			checks["signal empty name nil"] = workflow.GetSignalHandler(ctx, "") == nil
			checks["dynamic signal nil"] = workflow.GetDynamicSignalHandler(ctx) == nil
			dynSig := false
			must(workflow.SetDynamicSignalHandler(ctx, func(workflow.Context, string, converter.Values) error { dynSig = true; return nil }, workflow.SignalOptions{}))
			if fn := workflow.GetDynamicSignalHandler(ctx); fn != nil {
				checks["dynamic signal get returns the handler"] = fn(ctx, "n", arg(1)) == nil && dynSig
			}
			must(workflow.SetDynamicSignalHandler(ctx, nil, workflow.SignalOptions{}))
			checks["dynamic signal unset"] = workflow.GetDynamicSignalHandler(ctx) == nil
			must(workflow.SetSignalHandler(ctx, "resume", setFlag(&resumed), workflow.SignalOptions{}))

			// Queries.
			must(workflow.SetQueryHandler(ctx, "q", func(workflow.Context, converter.Values) (any, error) { return "q-answer", nil }, workflow.QueryOptions{}))
			if fn := workflow.GetQueryHandler(ctx, "q"); fn != nil {
				v, err := fn(ctx, converter.Values{})
				checks["query get returns the handler"] = err == nil && v == "q-answer"
			}
			checks["query other nil"] = workflow.GetQueryHandler(ctx, "other") == nil
			must(workflow.SetQueryHandler(ctx, "q", nil, workflow.QueryOptions{}))
			checks["query unset"] = workflow.GetQueryHandler(ctx, "q") == nil
			must(workflow.SetDynamicQueryHandler(ctx, func(_ workflow.Context, name string, _ converter.Values) (any, error) { return "dyn-" + name, nil }, workflow.QueryOptions{}))
			if fn := workflow.GetDynamicQueryHandler(ctx); fn != nil {
				v, err := fn(ctx, "z", converter.Values{})
				checks["dynamic query get returns the handler"] = err == nil && v == "dyn-z"
			}
			must(workflow.SetDynamicQueryHandler(ctx, nil, workflow.QueryOptions{}))
			checks["dynamic query unset"] = workflow.GetDynamicQueryHandler(ctx) == nil

			// Updates.
			must(workflow.SetUpdateHandler(ctx, "u", func(workflow.Context, converter.Values) (any, error) { return "u-result", nil }, workflow.UpdateOptions{}))
			if fn := workflow.GetUpdateHandler(ctx, "u"); fn != nil {
				v, err := fn(ctx, converter.Values{})
				checks["update get returns the handler"] = err == nil && v == "u-result"
			}
			checks["update other nil"] = workflow.GetUpdateHandler(ctx, "other") == nil
			must(workflow.SetUpdateHandler(ctx, "u", nil, workflow.UpdateOptions{}))
			checks["update unset"] = workflow.GetUpdateHandler(ctx, "u") == nil
			must(workflow.SetDynamicUpdateHandler(ctx, func(_ workflow.Context, name string, _ converter.Values) (any, error) { return "dyn-" + name, nil }, workflow.DynamicUpdateOptions{}))
			if fn := workflow.GetDynamicUpdateHandler(ctx); fn != nil {
				v, err := fn(ctx, "w", converter.Values{})
				checks["dynamic update get returns the handler"] = err == nil && v == "dyn-w"
			}
			must(workflow.SetDynamicUpdateHandler(ctx, nil, workflow.DynamicUpdateOptions{}))
			checks["dynamic update unset"] = workflow.GetDynamicUpdateHandler(ctx) == nil

			must(workflow.SetQueryHandler(ctx, "checks", func(workflow.Context, converter.Values) (any, error) { return checks, nil }, workflow.QueryOptions{}))
			must(workflow.SetQueryHandler(ctx, "phase", func(workflow.Context, converter.Values) (any, error) { return phase, nil }, workflow.QueryOptions{}))

			// The handler of "s" receives one signal, is unset (later
			// signals are buffered), then set again.
			phase = "set"
			if err := workflow.Await(ctx, func() bool { return len(got) == 2 }); err != nil {
				return nil, err
			}
			must(workflow.SetSignalHandler(ctx, "s", nil, workflow.SignalOptions{}))
			checks["signal unset"] = workflow.GetSignalHandler(ctx, "s") == nil
			phase = "unset"
			if err := workflow.Await(ctx, func() bool { return resumed }); err != nil {
				return nil, err
			}
			must(workflow.SetSignalHandler(ctx, "s", record("late:"), workflow.SignalOptions{}))
			phase = "set again"
			err := workflow.Await(ctx, func() bool { return len(got) == 4 })
			return got, err
		})
		e.startWorker()
		h := e.start("GetSet")
		e.signal(h, "s", "1")
		e.eventually("phase unset", func() (bool, error) {
			p, err := queryErr[string](e, h, "phase")
			return p == "unset", err
		})
		checks := query[map[string]bool](e, h, "checks")
		want := []string{
			"signal unset before", "signal get returns the handler", "signal other name nil", "signal empty name nil",
			"dynamic signal nil", "dynamic signal get returns the handler", "dynamic signal unset",
			"query get returns the handler", "query other nil", "query unset", "dynamic query get returns the handler", "dynamic query unset",
			"update get returns the handler", "update other nil", "update unset", "dynamic update get returns the handler", "dynamic update unset",
			"signal unset",
		}
		for _, k := range want {
			if !checks[k] {
				t.Errorf("check %q failed (checks: %v)", k, checks)
			}
		}
		if _, err := queryErr[string](e, h, "q"); err == nil || !strings.Contains(err.Error(), "unknown query") {
			t.Errorf("query of the unset handler q: err = %v, want an unknown-query error", err)
		}
		if _, err := update[string](e, h, "", "u"); err == nil || !strings.Contains(err.Error(), "unknown update") {
			t.Errorf("update of the unset handler u: err = %v, want an unknown-update rejection", err)
		}
		e.signal(h, "s", "2")
		e.signal(h, "s", "3")
		e.signal(h, "resume")
		if got, want := result[[]string](e, h), []string{"direct", "1", "late:2", "late:3"}; !slices.Equal(got, want) {
			t.Errorf("GetSet returned %q, want %q", got, want)
		}
	})
}
