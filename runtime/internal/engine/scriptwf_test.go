package engine_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/sm"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

func moreWorkflows() map[string]*engine.Definition {
	return map[string]*engine.Definition{
		"Signals":         def(signals),
		"Buffered":        def(buffered),
		"Queries":         def(queries),
		"Updates":         def(updates),
		"UpdatesFailing":  failing(updates),
		"LateHandler":     def(lateHandler),
		"Child":           def(child),
		"External":        def(external),
		"Patch":           def(patch(false)),
		"PatchDeprecated": def(patch(true)),
		"Unpatched":       def(unpatched),
		"ManyPatches":     def(manyPatches),
		"ContinueAsNew":   def(continueAsNew),
		"Properties":      def(properties),
		"Local":           def(local),
		"LocalCancel":     def(localCancel),
		"CancelActivity":  def(cancelActivity),
		"Cleanup":         def(cleanup),
		"Nexus":           def(nexus),
		"Random":          def(random),
		"Info":            def(info),
		"Logs":            def(logs),
		"Unfinished":      def(unfinished),
		"Coroutines":      def(coroutines),
		"Replaying":       failing(replaying),
		"ReplayingTask":   def(replaying),
	}
}

// signals collects "add" signals until it has as many as its input says;
// "fail" fails it from a handler; other names go to the dynamic handler.
func signals(ctx *engine.Context, in converter.Values) (any, error) {
	var names []string
	_ = ctx.SetSignalHandler("add", &engine.SignalHandler{Description: "add a name", Fn: func(_ *engine.Context, _ string, args converter.Values) error {
		var name string
		if err := args.Get(0, &name); err != nil {
			return err
		}
		names = append(names, name)
		return nil
	}})
	_ = ctx.SetSignalHandler("fail", &engine.SignalHandler{Fn: func(*engine.Context, string, converter.Values) error {
		return temporal.NewApplicationError("failed by a signal", "SignalFailure")
	}})
	_ = ctx.SetSignalHandler("", &engine.SignalHandler{Fn: func(_ *engine.Context, name string, _ converter.Values) error {
		names = append(names, "dynamic:"+name)
		return nil
	}})
	_ = ctx.SetQueryHandler("names", &engine.QueryHandler{Fn: func(*engine.Context, string, converter.Values) (any, error) { return names, nil }})
	want := arg[int](in, 0)
	err := ctx.Await(func() bool { return len(names) >= want })
	return names, err
}

// buffered sets its handlers only after a timer: signals that came before
// wait in the buffer, for their name (a) or for the dynamic handler.
func buffered(ctx *engine.Context, _ converter.Values) (any, error) {
	var got []string
	h := &engine.SignalHandler{Fn: func(_ *engine.Context, name string, args converter.Values) error {
		got = append(got, name+"="+arg[string](args, 0))
		return nil
	}}
	ctx.NewTimer(time.Minute).Wait(ctx)
	_ = ctx.SetSignalHandler("a", h)
	ctx.Yield()
	_ = ctx.SetSignalHandler("a", nil)
	_ = ctx.SetSignalHandler("", h)
	ctx.Yield()
	return got, nil
}

// queries answers queries from its state until signal "done".
func queries(ctx *engine.Context, _ converter.Values) (any, error) {
	state := "started"
	var errs []string
	reserved := ctx.SetQueryHandler("__mine", &engine.QueryHandler{})
	errs = append(errs, errString(reserved))
	_ = ctx.SetQueryHandler("state", &engine.QueryHandler{Description: "the state", Fn: func(*engine.Context, string, converter.Values) (any, error) {
		return state, nil
	}})
	_ = ctx.SetQueryHandler("echo", &engine.QueryHandler{Fn: func(_ *engine.Context, _ string, args converter.Values) (any, error) {
		return arg[string](args, 0), nil
	}})
	_ = ctx.SetQueryHandler("timer", &engine.QueryHandler{Fn: func(qctx *engine.Context, _ string, _ converter.Values) (any, error) {
		_, _, err := qctx.NewTimer(time.Second).Peek()
		return nil, err
	}})
	_ = ctx.SetQueryHandler("block", &engine.QueryHandler{Fn: func(qctx *engine.Context, _ string, _ converter.Values) (any, error) {
		qctx.Wait(func() bool { return false })
		return nil, nil
	}})
	_ = ctx.SetQueryHandler("panic", &engine.QueryHandler{Fn: func(*engine.Context, string, converter.Values) (any, error) {
		panic("query panic")
	}})
	_ = ctx.SetQueryHandler("gone", &engine.QueryHandler{})
	_ = ctx.SetQueryHandler("gone", nil)
	_ = ctx.SetQueryHandler("", &engine.QueryHandler{Description: "any other", Fn: func(_ *engine.Context, name string, _ converter.Values) (any, error) {
		if name == "unknown" {
			return nil, errors.New("no such query")
		}
		return "dynamic " + name, nil
	}})
	_ = ctx.SetUpdateHandler("u", &engine.UpdateHandler{Description: "an update", Fn: func(*engine.Context, string, converter.Values) (any, error) { return nil, nil }})
	ctx.Run().SetCurrentDetails("waiting for done")
	done := flag(ctx, "done")
	_ = ctx.Await(func() bool { return *done })
	state = "done"
	errs = append(errs, fmt.Sprintln("handlers:", ctx.QueryHandlerFor("state") != nil, ctx.QueryHandlerFor("") != nil, ctx.SignalHandlerFor("done") != nil,
		ctx.SignalHandlerFor("") != nil, ctx.UpdateHandlerFor("u") != nil, ctx.UpdateHandlerFor("") != nil, ctx.Run().CurrentDetails()))
	return errs, nil
}

// updates keeps a counter. Update "add" adds its argument (its validator
// rejects negative numbers, panics on 13 and tries a timer on 7); 0 waits a
// minute first. "fail" fails, "panic" panics, "info" returns its
// update's id. Signal "done" ends the workflow.
func updates(ctx *engine.Context, _ converter.Values) (any, error) {
	total := 0
	_ = ctx.SetUpdateHandler("add", &engine.UpdateHandler{
		Validator: func(vctx *engine.Context, _ string, args converter.Values) error {
			n := arg[int](args, 0)
			switch {
			case n < 0:
				return fmt.Errorf("negative: %d", n)
			case n == 13:
				panic("unlucky")
			case n == 7:
				_, _, err := vctx.NewTimer(time.Second).Peek()
				return err
			}
			return nil
		},
		Fn: func(uctx *engine.Context, _ string, args converter.Values) (any, error) {
			n := arg[int](args, 0)
			if n == 0 {
				if _, _, err := uctx.NewTimer(time.Minute).Wait(uctx); err != nil {
					return nil, err
				}
			}
			total += n
			return total, nil
		},
	})
	_ = ctx.SetUpdateHandler("fail", &engine.UpdateHandler{Fn: func(*engine.Context, string, converter.Values) (any, error) {
		return nil, temporal.NewApplicationError("update failed", "UpdateFailure")
	}})
	_ = ctx.SetUpdateHandler("panic", &engine.UpdateHandler{Fn: func(*engine.Context, string, converter.Values) (any, error) {
		panic("update panic")
	}})
	_ = ctx.SetUpdateHandler("info", &engine.UpdateHandler{Fn: func(uctx *engine.Context, _ string, _ converter.Values) (any, error) {
		return uctx.UpdateInfo().ID + " " + uctx.UpdateInfo().Name, nil
	}})
	_ = ctx.SetUpdateHandler("undecodable", &engine.UpdateHandler{Fn: func(*engine.Context, string, converter.Values) (any, error) {
		return func() {}, nil
	}})
	_ = ctx.SetUpdateHandler("gone", &engine.UpdateHandler{})
	_ = ctx.SetUpdateHandler("gone", nil)
	done := flag(ctx, "done")
	err := ctx.Await(func() bool { return *done })
	return total, err
}

// lateHandler sets its update handler only after a timer, or with input
// "dynamic" a dynamic handler at once.
func lateHandler(ctx *engine.Context, in converter.Values) (any, error) {
	h := &engine.UpdateHandler{Fn: func(_ *engine.Context, name string, _ converter.Values) (any, error) { return "handled " + name, nil }}
	if arg[string](in, 0) == "dynamic" {
		_ = ctx.SetUpdateHandler("", h)
	}
	ctx.NewTimer(time.Minute).Wait(ctx)
	_ = ctx.SetUpdateHandler("late", h)
	ctx.NewTimer(time.Minute).Wait(ctx)
	return "done", nil
}

// child starts a child workflow (options from its input), signals it
// once it started, and returns how it ended. Signal "cancel" cancels it.
func child(ctx *engine.Context, in converter.Values) (any, error) {
	type options struct {
		ID     string
		Cancel string // abandon, try, wait, requested
		Wait   bool   // wait for the result even after cancelling
	}
	o := arg[options](in, 0)
	cancel := map[string]sm.ChildCancellationType{"abandon": sm.ChildAbandon, "try": sm.ChildTryCancel,
		"wait": sm.ChildWaitCancellationCompleted, "requested": sm.ChildWaitCancellationRequested}[o.Cancel]
	cctx, stop := ctx.WithCancel()
	canceled := flag(ctx, "cancel")
	ch := cctx.StartChild(engine.ChildOptions{WorkflowID: o.ID, CancellationType: cancel, ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		ExecutionTimeout: time.Hour, Memo: &commonpb.Memo{Fields: map[string]*commonpb.Payload{"m": encOne(1)}}}, "Kid", enc("hi"))
	var out []string
	ctx.Run().Go(ctx, "watch", func(gctx *engine.Context) {
		gctx.Wait(func() bool { return *canceled })
		stop()
	})
	_, run, err := ch.Started.Wait(ctx)
	out = append(out, fmt.Sprintf("started: %v %s %s", run, errString(err), ch.RunID()))
	if err == nil {
		out = append(out, "signal: "+wait(ctx, ch.Signal("poke", enc(1), nil)))
	}
	out = append(out, "result: "+wait(ctx, ch.Result))
	return out, nil
}

// external signals and cancels workflow "other", and returns how each
// went.
func external(ctx *engine.Context, _ converter.Values) (any, error) {
	sig := ctx.SignalExternal("", "other", "", "ping", enc("x"), nil)
	can := ctx.CancelExternal("", "other", "")
	cctx, cancel := ctx.WithCancel()
	late := cctx.SignalExternal("elsewhere", "other", "r1", "late", nil, nil)
	cancel()
	return []string{"signal: " + wait(ctx, sig), "cancel: " + wait(ctx, can), "canceled signal: " + wait(ctx, late)}, nil
}

// patch takes the patched path: activity New instead of Old.
func patch(deprecated bool) func(ctx *engine.Context, _ converter.Values) (any, error) {
	return func(ctx *engine.Context, _ converter.Values) (any, error) {
		act := "Old"
		if ctx.Patched("p1", deprecated) {
			act = "New"
		}
		again := ctx.Patched("p1", deprecated)
		p, _, err := ctx.ExecuteActivity(minute(), act, nil).Wait(ctx)
		return fmt.Sprintf("%s %v %s", act, again, str(p, err)), nil
	}
}

func unpatched(ctx *engine.Context, _ converter.Values) (any, error) {
	p, _, err := ctx.ExecuteActivity(minute(), "Old", nil).Wait(ctx)
	return "Old " + str(p, err), nil
}

// manyPatches uses so many patches that TemporalChangeVersion would grow
// past its limit: the later ones record no upsert.
func manyPatches(ctx *engine.Context, _ converter.Values) (any, error) {
	n := 0
	for i := range 4 {
		if ctx.Patched(fmt.Sprintf("%d-%s", i, strings.Repeat("x", 600)), false) {
			n++
		}
	}
	return n, nil
}

// canErr continues the workflow as new.
type canErr struct {
	a *commandpb.ContinueAsNewWorkflowExecutionCommandAttributes
}

func (e canErr) Error() string { return "continue as new" }
func (e canErr) ContinueAsNewAttributes() *commandpb.ContinueAsNewWorkflowExecutionCommandAttributes {
	return e.a
}

// continueAsNew continues as new with its input plus one, carrying over
// what the start event had; with input 0 it names a new type and queue.
func continueAsNew(ctx *engine.Context, in converter.Values) (any, error) {
	n := arg[int](in, 0)
	a := &commandpb.ContinueAsNewWorkflowExecutionCommandAttributes{Input: enc(n + 1)}
	if n == 0 {
		a.WorkflowType = &commonpb.WorkflowType{Name: "Other"}
	}
	return nil, fmt.Errorf("wrapped: %w", canErr{a})
}

// properties upserts memo and search attributes, then continues as new
// with them.
func properties(ctx *engine.Context, _ converter.Values) (any, error) {
	_ = ctx.UpsertMemo(map[string]*commonpb.Payload{"note": encOne("hello"), "old": nil})
	_ = ctx.UpsertSearchAttributes(map[string]*commonpb.Payload{"Color": encOne("blue"), "Gone": {}})
	info := ctx.Run().Info()
	var keys []string
	for k := range info.Memo.GetFields() {
		keys = append(keys, "memo:"+k)
	}
	for k := range info.SearchAttributes.GetIndexedFields() {
		keys = append(keys, "attr:"+k)
	}
	sort.Strings(keys)
	ctx.NewTimer(time.Second).Wait(ctx)
	return nil, canErr{&commandpb.ContinueAsNewWorkflowExecutionCommandAttributes{Input: enc(keys)}}
}

// local runs local activity Lookup on its input; input "cancel-wait" runs
// it with WaitCancellationCompleted in a scope cancelled by signal
// "cancel".
func local(ctx *engine.Context, in converter.Values) (any, error) {
	opts := engine.LocalActivityOptions{StartToCloseTimeout: time.Minute, RetryPolicy: &commonpb.RetryPolicy{MaximumAttempts: 3}}
	p, _, err := ctx.ExecuteLocalActivity(opts, "Lookup", in.Payloads()).Wait(ctx)
	first := str(p, err)
	p, _, err = ctx.ExecuteLocalActivity(engine.LocalActivityOptions{}, "NoTimeout", nil).Wait(ctx)
	return []string{first, str(p, err)}, nil
}

// localCancel starts two local activities and cancels the second when
// the first returns; with input "before" it cancels one before it is
// handed to the worker.
func localCancel(ctx *engine.Context, in converter.Values) (any, error) {
	mode := arg[string](in, 0)
	cancelType := map[string]sm.ActivityCancellationType{"wait": sm.WaitCancellationCompleted, "abandon": sm.Abandon}[mode]
	opts := engine.LocalActivityOptions{ScheduleToCloseTimeout: time.Minute, CancellationType: cancelType}
	cctx, cancel := ctx.WithCancel()
	if mode == "before" {
		f := cctx.ExecuteLocalActivity(opts, "Never", nil)
		cancel()
		return wait(ctx, f), nil
	}
	first := ctx.ExecuteLocalActivity(opts, "First", nil)
	second := cctx.ExecuteLocalActivity(opts, "Second", nil)
	a := wait(ctx, first)
	cancel()
	return []string{a, wait(ctx, second)}, nil
}

// cancelActivity starts activity Slow with the cancellation type of its
// input and cancels it on signal "cancel"; a workflow cancel request
// cancels it too.
func cancelActivity(ctx *engine.Context, in converter.Values) (any, error) {
	types := map[string]sm.ActivityCancellationType{"try": sm.TryCancel, "wait": sm.WaitCancellationCompleted, "abandon": sm.Abandon}
	opts := engine.ActivityOptions{ActivityID: "slow", TaskQueue: "other", ScheduleToCloseTimeout: time.Hour, ScheduleToStartTimeout: time.Minute,
		StartToCloseTimeout: 10 * time.Minute, HeartbeatTimeout: time.Second, CancellationType: types[arg[string](in, 0)],
		RetryPolicy: &commonpb.RetryPolicy{MaximumAttempts: 2}}
	act := ctx.StartActivity(opts, "Slow", nil)
	canceled := flag(ctx, "cancel")
	ctx.Run().Go(ctx, "watch", func(gctx *engine.Context) {
		gctx.Wait(func() bool { return *canceled })
		act.Cancel()
	})
	res := wait(ctx, act.Result)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	missing := wait(ctx, ctx.StartActivity(engine.ActivityOptions{}, "NoTimeout", nil).Result)
	return []string{act.ID(), res, missing}, nil
}

// cleanup waits to be cancelled, then runs activity Cleanup in a
// disconnected context and ends cancelled.
func cleanup(ctx *engine.Context, _ converter.Values) (any, error) {
	ran := false
	stop := ctx.OnCancel(func() { ran = true })
	stop()
	ctx.OnCancel(func() { ran = true })
	err := ctx.Await(func() bool { return false })
	dctx, _ := ctx.Disconnected()
	res := wait(dctx, dctx.ExecuteActivity(minute(), "Cleanup", nil))
	_, _, terr := ctx.NewTimer(time.Second).Wait(ctx)
	ctx.OnCancel(func() {})
	return nil, temporal.NewCanceledError(fmt.Sprintf("%v %s %s %s", ran, errString(err), res, errString(terr)))
}

// nexus runs a Nexus operation and returns its token and result; signal
// "cancel" cancels it with the cancellation type of the input.
func nexus(ctx *engine.Context, in converter.Values) (any, error) {
	types := map[string]sm.NexusCancellationType{"wait": sm.NexusWaitCompleted, "try": sm.NexusTryCancel, "requested": sm.NexusWaitRequested, "abandon": sm.NexusAbandon}
	cctx, cancel := ctx.WithCancel()
	op := cctx.ExecuteNexusOperation(engine.NexusOptions{Endpoint: "ep", Service: "svc", Operation: "op", ScheduleToCloseTimeout: time.Hour,
		Header: map[string]string{"k": "v"}, CancellationType: types[arg[string](in, 0)]}, encOne("in"))
	canceled := flag(ctx, "cancel")
	ctx.Run().Go(ctx, "watch", func(gctx *engine.Context) {
		gctx.Wait(func() bool { return *canceled })
		cancel()
	})
	_, token, err := op.Started.Wait(ctx)
	started := fmt.Sprintf("started: %v %s", token, errString(err))
	out := []string{started, "result: " + wait(ctx, op.Result)}
	if cctx.Err() != nil {
		_, _, late := cctx.ExecuteNexusOperation(engine.NexusOptions{Service: "svc", Operation: "late"}, nil).Result.Wait(ctx)
		out = append(out, "after cancel: "+errString(late))
	}
	return out, nil
}

// random draws from the run's deterministic random source.
func random(ctx *engine.Context, _ converter.Values) (any, error) {
	r := ctx.Run()
	return []any{r.UUID4(), r.Rand().IntN(1000)}, nil
}

// info returns what the run knows about its execution.
func info(ctx *engine.Context, _ converter.Values) (any, error) {
	ctx.NewTimer(time.Second).Wait(ctx)
	i := ctx.Run().Info()
	return map[string]any{
		"type": i.WorkflowType, "queue": i.TaskQueue, "attempt": i.Attempt, "cron": i.CronSchedule,
		"runTimeout": i.RunTimeout.String(), "taskTimeout": i.TaskTimeout.String(), "executionTimeout": i.ExecutionTimeout.String(),
		"parent": i.ParentWorkflowID + "/" + i.ParentRunID, "root": i.RootWorkflowID, "continued": i.ContinuedRunID,
		"continuedFailure": i.ContinuedFailureMessage, "hasLastResult": i.LastCompletionResult != nil, "historyLength": i.HistoryLength,
		"start": i.StartTime.Format(time.RFC3339), "expires": i.WorkflowExecutionExpires.Format(time.RFC3339), "now": ctx.Run().Now().Format(time.RFC3339),
		"header": len(i.Header.GetFields()), "memo": len(i.Memo.GetFields()), "original": i.OriginalRunID, "first": i.FirstExecutionRunID,
		"sdkRecorded": ctx.Run().SDKRecorded(), "lastEvent": ctx.Run().LastEventID(), "readOnly": ctx.Run().ReadOnly(),
	}, nil
}

// logs logs around a timer: replays are silent.
func logs(ctx *engine.Context, _ converter.Values) (any, error) {
	log := ctx.Run().Logger()
	log.Info("before the timer")
	ctx.NewTimer(time.Minute).Wait(ctx)
	log.WithGroup("g").With("k", "v").Info("after the timer", "replaying", ctx.Run().Replaying())
	return nil, nil
}

// unfinished ends on signal "done" while handlers still run: a signal
// handler (warned about), another with the Abandon policy and an update.
func unfinished(ctx *engine.Context, _ converter.Values) (any, error) {
	block := func(*engine.Context, string, converter.Values) error {
		ctx.Wait(func() bool { return false })
		return nil
	}
	_ = ctx.SetSignalHandler("block", &engine.SignalHandler{Fn: block})
	_ = ctx.SetSignalHandler("quiet", &engine.SignalHandler{Fn: block, Unfinished: engine.Abandon})
	_ = ctx.SetUpdateHandler("block", &engine.UpdateHandler{Fn: func(uctx *engine.Context, _ string, _ converter.Values) (any, error) {
		uctx.Wait(func() bool { return false })
		return nil, nil
	}})
	done := flag(ctx, "done")
	wait := flag(ctx, "wait")
	_ = ctx.Await(func() bool { return *done || *wait })
	if *wait {
		_ = ctx.Await(ctx.Run().AllHandlersFinished)
	}
	return ctx.Run().AllHandlersFinished(), nil
}

// coroutines interleaves two coroutines with Yield.
func coroutines(ctx *engine.Context, _ converter.Values) (any, error) {
	var order []string
	done := 0
	for _, name := range []string{"a", "b"} {
		ctx.Run().Go(ctx, name, func(c *engine.Context) {
			for i := range 2 {
				order = append(order, fmt.Sprintf("%s%d", name, i))
				c.Yield()
			}
			done++
		})
	}
	key := struct{}{}
	vctx := ctx.WithValue(key, "v")
	_ = ctx.Await(func() bool { return done == 2 })
	return append(order, fmt.Sprint(vctx.Value(key), vctx.Value("missing"))), nil
}

// replaying is nondeterministic on purpose: it runs an activity live and
// a timer when replaying.
func replaying(ctx *engine.Context, _ converter.Values) (any, error) {
	if ctx.Run().Replaying() {
		ctx.NewTimer(time.Minute).Wait(ctx)
	} else {
		ctx.ExecuteActivity(minute(), "Live", nil).Wait(ctx)
	}
	return "done", nil
}
