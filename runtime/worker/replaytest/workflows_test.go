package replaytest

// The workflows whose histories are recorded under testdata/histories, and
// deliberately changed versions of them that must not replay.
//
// Changing an original here changes what the recorded histories mean: the
// good histories must keep replaying. To change a recorded workflow for
// real, record again (go test -run TestRecord -record) and review the diff.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/temporalgen/temporalgen/examples/hello"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// registrar is what both a worker and a replayer offer for workflows.
type registrar interface {
	RegisterWorkflow(name string, fn any) error
}

var actOpts = workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}

// --- originals ---------------------------------------------------------

// messages keeps a running total changed by the "add" signal and the
// "set" update (which rejects negative values), answers the "total" query,
// and on the "done" signal doubles the total with an activity.
func messages(ctx workflow.Context, start int) (int, error) {
	total, done := start, false
	if err := workflow.SetSignalHandler(ctx, "add", func(_ workflow.Context, args converter.Values) error {
		var n int
		if err := args.Get(0, &n); err != nil {
			return err
		}
		total += n
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetSignalHandler(ctx, "done", func(workflow.Context, converter.Values) error {
		done = true
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetQueryHandler(ctx, "total", func(workflow.Context, converter.Values) (any, error) {
		return total, nil
	}, workflow.QueryOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetUpdateHandler(ctx, "set", func(ctx workflow.Context, args converter.Values) (any, error) {
		var n int
		if err := args.Get(0, &n); err != nil {
			return nil, err
		}
		old := total
		total = n
		return old, nil
	}, workflow.UpdateOptions{Validator: func(_ workflow.Context, args converter.Values) error {
		var n int
		if err := args.Get(0, &n); err != nil {
			return err
		}
		if n < 0 {
			return errors.New("negative totals are not allowed")
		}
		return nil
	}}); err != nil {
		return 0, err
	}
	if err := workflow.Await(ctx, func() bool { return done }); err != nil {
		return 0, err
	}
	return workflow.ExecuteActivity[int](ctx, actOpts, "Double", total).Get(ctx)
}

// parent runs the child workflow twice, signalling the second one.
func parent(ctx workflow.Context, name string) (string, error) {
	a, err := workflow.ExecuteChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{}, "Child", name, false).Get(ctx)
	if err != nil {
		return "", err
	}
	h, err := workflow.StartChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{}, "Child", name, true)
	if err != nil {
		return "", err
	}
	if _, err := h.Started().Get(ctx); err != nil {
		return "", err
	}
	if _, err := h.Signal(ctx, "suffix", "!").Get(ctx); err != nil {
		return "", err
	}
	b, err := h.Get(ctx)
	if err != nil {
		return "", err
	}
	return a + " " + b, nil
}

// child greets name through an activity; with waitSuffix it first waits
// for the "suffix" signal and appends it.
func child(ctx workflow.Context, name string, waitSuffix bool) (string, error) {
	suffix, got := "", false
	if err := workflow.SetSignalHandler(ctx, "suffix", func(_ workflow.Context, args converter.Values) error {
		got = true
		return args.Get(0, &suffix)
	}, workflow.SignalOptions{}); err != nil {
		return "", err
	}
	if waitSuffix {
		if err := workflow.Await(ctx, func() bool { return got }); err != nil {
			return "", err
		}
	}
	s, err := workflow.ExecuteActivity[string](ctx, actOpts, hello.ComposeActivityName, name).Get(ctx)
	return s + suffix, err
}

// looper sleeps and continues as new until it has run runs times.
func looper(ctx workflow.Context, run, runs int) (int, error) {
	if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return 0, err
	}
	if run < runs {
		return 0, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, run+1, runs)
	}
	return run, nil
}

// localBackoff runs a local activity that fails twice; its retry backoff
// is longer than the local retry threshold, so the worker records a marker
// and waits on a durable timer between attempts.
func localBackoff(ctx workflow.Context) (int32, error) {
	return workflow.ExecuteLocalActivity[int32](ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 200 * time.Millisecond, BackoffCoefficient: 1, MaximumAttempts: 5},
		LocalRetryThreshold: 100 * time.Millisecond,
	}, "FailTwice").Get(ctx)
}

const patchID = "shout-instead-of-compose"

// patchGen returns a generation of a workflow that changes its activity:
//
//	1: before the change: Compose
//	2: workflow.Patched: Shout for new executions, Compose for old ones
//	3: workflow.DeprecatePatch: Shout
func patchGen(gen int) func(ctx workflow.Context, name string) (string, error) {
	return func(ctx workflow.Context, name string) (string, error) {
		step := hello.ComposeActivityName
		switch gen {
		case 2:
			if workflow.Patched(ctx, patchID) {
				step = hello.ShoutActivityName
			}
		case 3:
			workflow.DeprecatePatch(ctx, patchID)
			step = hello.ShoutActivityName
		}
		return workflow.ExecuteActivity[string](ctx, actOpts, step, name).Get(ctx)
	}
}

// fanOut starts three activities and two timers at once and waits for
// all of them.
func fanOut(ctx workflow.Context, name string) (string, error) {
	var acts []workflow.Future[string]
	for i := range 3 {
		acts = append(acts, workflow.ExecuteActivity[string](ctx, actOpts, hello.ComposeActivityName, fmt.Sprintf("%s%d", name, i)))
	}
	timers := []workflow.Future[struct{}]{
		workflow.NewTimer(ctx, 50*time.Millisecond),
		workflow.NewTimer(ctx, 100*time.Millisecond),
	}
	var out []string
	for _, f := range acts {
		s, err := f.Get(ctx)
		if err != nil {
			return "", err
		}
		out = append(out, s)
	}
	for _, f := range timers {
		if _, err := f.Get(ctx); err != nil {
			return "", err
		}
	}
	return strings.Join(out, " "), nil
}

// failing runs an activity and then fails the workflow.
func failing(ctx workflow.Context, name string) (string, error) {
	s, err := workflow.ExecuteActivity[string](ctx, actOpts, hello.ComposeActivityName, name).Get(ctx)
	if err != nil {
		return "", err
	}
	return "", temporal.NewNonRetryableApplicationError("failing on purpose after "+s, "Deliberate", nil)
}

// cancellable waits on a long timer; once cancelled it runs a cleanup
// activity in a disconnected context and returns the cancellation.
func cancellable(ctx workflow.Context) error {
	err := workflow.Sleep(ctx, time.Hour)
	if !temporal.IsCanceledError(err) {
		return err
	}
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	if _, cerr := workflow.ExecuteActivity[string](dctx, actOpts, hello.ShoutActivityName, "cleanup").Get(dctx); cerr != nil {
		return cerr
	}
	return err
}

// --- activities --------------------------------------------------------

func double(_ context.Context, n int) (int, error) { return 2 * n, nil }

// failTwice fails its first two attempts.
func failTwice(ctx context.Context) (int32, error) {
	if a := activity.GetInfo(ctx).Attempt; a <= 2 {
		return 0, temporal.NewApplicationError(fmt.Sprintf("attempt %d fails", a), "NotYet")
	}
	return activity.GetInfo(ctx).Attempt, nil
}

// registerOriginals registers the recorded workflows under their type
// names (generation 2 of the patched workflow).
func registerOriginals(r registrar) error {
	return registerAll(r, map[string]any{
		hello.GreetingWorkflowName: hello.Greeting,
		"Messages":                 messages,
		"Parent":                   parent,
		"Child":                    child,
		"Looper":                   looper,
		"LocalBackoff":             localBackoff,
		"Patched":                  patchGen(2),
		"FanOut":                   fanOut,
		"Failing":                  failing,
		"Cancellable":              cancellable,
	})
}

func registerActivities(w *worker.Worker) error {
	for name, fn := range map[string]any{
		hello.ComposeActivityName: hello.Compose,
		hello.ShoutActivityName:   hello.Shout,
		"Double":                  double,
		"FailTwice":               failTwice,
	} {
		if err := w.RegisterActivity(name, fn); err != nil {
			return err
		}
	}
	return nil
}

func registerAll(r registrar, wfs map[string]any) error {
	for name, fn := range wfs {
		if err := r.RegisterWorkflow(name, fn); err != nil {
			return err
		}
	}
	return nil
}

// --- changed versions (must fail to replay) ------------------------------

// greetingTimerFirst moves the durable timer before the first activity.
func greetingTimerFirst(ctx workflow.Context, in hello.GreetingInput) (string, error) {
	if err := workflow.Sleep(ctx, in.Pause); err != nil {
		return "", err
	}
	opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
	g, err := workflow.ExecuteActivity[string](ctx, opts, hello.ComposeActivityName, in.Name).Get(ctx)
	if err != nil {
		return "", err
	}
	return workflow.ExecuteActivity[string](ctx, opts, hello.ShoutActivityName, g).Get(ctx)
}

// messagesAuditedUpdate also runs an activity in the update handler before
// changing the total.
func messagesAuditedUpdate(ctx workflow.Context, start int) (int, error) {
	total, done := start, false
	_ = workflow.SetSignalHandler(ctx, "add", func(_ workflow.Context, args converter.Values) error {
		var n int
		if err := args.Get(0, &n); err != nil {
			return err
		}
		total += n
		return nil
	}, workflow.SignalOptions{})
	_ = workflow.SetSignalHandler(ctx, "done", func(workflow.Context, converter.Values) error {
		done = true
		return nil
	}, workflow.SignalOptions{})
	_ = workflow.SetUpdateHandler(ctx, "set", func(ctx workflow.Context, args converter.Values) (any, error) {
		var n int
		if err := args.Get(0, &n); err != nil {
			return nil, err
		}
		if _, err := workflow.ExecuteActivity[int](ctx, actOpts, "Double", n).Get(ctx); err != nil {
			return nil, err
		}
		old := total
		total = n
		return old, nil
	}, workflow.UpdateOptions{})
	if err := workflow.Await(ctx, func() bool { return done }); err != nil {
		return 0, err
	}
	return workflow.ExecuteActivity[int](ctx, actOpts, "Double", total).Get(ctx)
}

// parentRenamedChild starts a child of another type.
func parentRenamedChild(ctx workflow.Context, name string) (string, error) {
	return workflow.ExecuteChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{}, "Child2", name, false).Get(ctx)
}

// looperActivity waits with an activity instead of a timer.
func looperActivity(ctx workflow.Context, run, runs int) (int, error) {
	if _, err := workflow.ExecuteActivity[int](ctx, actOpts, "Double", run).Get(ctx); err != nil {
		return 0, err
	}
	if run < runs {
		return 0, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, run+1, runs)
	}
	return run, nil
}

// localBackoffRenamed calls another local activity.
func localBackoffRenamed(ctx workflow.Context) (int32, error) {
	return workflow.ExecuteLocalActivity[int32](ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 200 * time.Millisecond, BackoffCoefficient: 1, MaximumAttempts: 5},
		LocalRetryThreshold: 100 * time.Millisecond,
	}, "FailOnce").Get(ctx)
}

// patchUnguarded makes generation 1's change without a patch: histories
// of executions that ran generation 1 no longer replay.
func patchUnguarded(ctx workflow.Context, name string) (string, error) {
	return workflow.ExecuteActivity[string](ctx, actOpts, hello.ShoutActivityName, name).Get(ctx)
}

// fanOutTimersFirst starts the timers before the activities.
func fanOutTimersFirst(ctx workflow.Context, name string) (string, error) {
	t1 := workflow.NewTimer(ctx, 50*time.Millisecond)
	t2 := workflow.NewTimer(ctx, 100*time.Millisecond)
	var out []string
	var acts []workflow.Future[string]
	for i := range 3 {
		acts = append(acts, workflow.ExecuteActivity[string](ctx, actOpts, hello.ComposeActivityName, fmt.Sprintf("%s%d", name, i)))
	}
	for _, f := range acts {
		s, err := f.Get(ctx)
		if err != nil {
			return "", err
		}
		out = append(out, s)
	}
	_, _ = t1.Get(ctx)
	_, _ = t2.Get(ctx)
	return strings.Join(out, " "), nil
}

// cancellableNoCleanup forgets the cleanup activity.
func cancellableNoCleanup(ctx workflow.Context) error {
	return workflow.Sleep(ctx, time.Hour)
}
