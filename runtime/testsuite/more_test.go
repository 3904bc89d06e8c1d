package testsuite_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// recorder is a testing.TB that records errors instead of failing, to
// check that the environment fails a test.
type recorder struct {
	testing.TB
	errs, fatals []string
	cleanup      func(func()) // nil: the test's
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, strings.TrimSpace(sprintf(format, args...)))
}

// Fatalf records and stops the caller, as testing's does (with a panic
// the caller recovers from).
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, sprintf(format, args...))
	panic("fatal")
}

func (r *recorder) Cleanup(f func()) {
	if r.cleanup != nil {
		r.cleanup(f)
		return
	}
	r.TB.Cleanup(f)
}

func TestReplayCheckCatchesNondeterminism(t *testing.T) {
	rec := &recorder{TB: t}
	env := testsuite.New(rec, testsuite.Options{})
	calls := 0 // state outside the workflow: differs on replay
	must(t, env.RegisterWorkflow("Flaky", func(ctx workflow.Context) error {
		calls++
		if calls == 1 {
			return workflow.Sleep(ctx, time.Hour)
		}
		_, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "A").Get(ctx)
		return err
	}))
	must(t, env.RegisterActivity("A", func(context.Context) (string, error) { return "a", nil }))
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Flaky")
	var nd *temporal.NondeterminismError
	if !errors.As(res.ReplayError(), &nd) {
		t.Fatalf("replay error %v, want a NondeterminismError", res.ReplayError())
	}
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "[TMPRL1100]") {
		t.Fatalf("test errors %q, want one nondeterminism failure", rec.errs)
	}
}

func TestChildrenAndExternalSignals(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Parent", func(ctx workflow.Context) (string, error) {
		child, err := workflow.StartChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{WorkflowID: "kid"}, "Child", "ada")
		if err != nil {
			return "", err
		}
		if _, err := child.Started().Get(ctx); err != nil {
			return "", err
		}
		if _, err := workflow.GetExternalWorkflowHandle(ctx, "kid", "").Signal(ctx, "go", "!").Get(ctx); err != nil {
			return "", err
		}
		_, err = workflow.GetExternalWorkflowHandle(ctx, "nobody", "").Signal(ctx, "go", "?").Get(ctx)
		var ext *temporal.ExternalWorkflowError
		if !errors.As(err, &ext) {
			return "", errors.New("signalling a missing workflow did not fail")
		}
		return child.Get(ctx)
	}))
	must(t, env.RegisterWorkflow("Child", func(ctx workflow.Context, name string) (string, error) {
		var suffix string
		must(t, workflow.SetSignalHandler(ctx, "go", func(_ workflow.Context, v converter.Values) error { return v.Get(0, &suffix) }, workflow.SignalOptions{}))
		if err := workflow.Await(ctx, func() bool { return suffix != "" }); err != nil {
			return "", err
		}
		return "hi " + name + suffix, nil
	}))
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Parent")
	var got string
	must(t, res.Get(&got))
	if got != "hi ada!" {
		t.Errorf("result %q", got)
	}
	if n := count(res, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED); n != 1 {
		t.Errorf("%d child completions", n)
	}
}

func TestMockedChildAndActivity(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Parent", func(ctx workflow.Context) (string, error) {
		a, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Real").Get(ctx)
		if err != nil {
			return "", err
		}
		c, err := workflow.ExecuteChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{}, "Remote").Get(ctx)
		return a + c, err
	}))
	must(t, env.RegisterActivity("Real", func(context.Context) (string, error) { return "real", nil }))
	act := env.OnActivity("Real", func(context.Context) (string, error) { return "mock", nil }).Times(1)
	child := env.OnWorkflow("Remote", func(workflow.Context) (string, error) { return "+child", nil }).AtLeastOnce()
	var got string
	must(t, env.ExecuteWorkflow(testsuite.StartOptions{}, "Parent").Get(&got))
	if got != "mock+child" {
		t.Errorf("result %q", got)
	}
	if act.Calls() != 1 || child.Calls() != 1 {
		t.Errorf("calls: activity %d, child %d", act.Calls(), child.Calls())
	}
}

func TestMockExpectations(t *testing.T) {
	rec := &recorder{TB: t}
	var cleanups []func()
	rec.cleanup = func(f func()) { cleanups = append(cleanups, f) }
	env := testsuite.New(rec, testsuite.Options{})
	must(t, env.RegisterWorkflow("W", func(ctx workflow.Context) error { return nil }))
	env.OnActivity("Never", func(context.Context) error { return nil }).AtLeastOnce()
	env.OnActivity("Twice", func(context.Context) error { return nil }).Times(2)
	must(t, env.ExecuteWorkflow(testsuite.StartOptions{}, "W").Err())
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	want := []string{`activity mock "Never" was expected to be called but never was`, `activity mock "Twice" was expected to be called 2 times, got 0`}
	for _, w := range want {
		if !slices.ContainsFunc(rec.errs, func(e string) bool { return strings.Contains(e, w) }) {
			t.Errorf("test errors %q lack %q", rec.errs, w)
		}
	}
}

func TestMockWithWrongShape(t *testing.T) {
	rec := &recorder{TB: t}
	env := testsuite.New(rec, testsuite.Options{})
	func() {
		defer func() { _ = recover() }()
		env.OnActivity("Bad", func(x int) {})
	}()
	if len(rec.fatals) != 1 || !strings.Contains(rec.fatals[0], `activity "Bad"`) {
		t.Errorf("fatal errors %q, want one naming the activity", rec.fatals)
	}
}

func TestContinueAsNewResult(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Loop", func(ctx workflow.Context, n int) error {
		return workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, n+1)
	}))
	err := env.ExecuteWorkflow(testsuite.StartOptions{}, "Loop", 1).Err()
	var can *testsuite.ContinuedAsNewError
	if !errors.As(err, &can) {
		t.Fatalf("error %v, want ContinuedAsNewError", err)
	}
	var next int
	must(t, can.Input.Get(0, &next))
	if can.WorkflowType != "Loop" || next != 2 {
		t.Errorf("continued as %s(%d)", can.WorkflowType, next)
	}
}

func TestCancelWorkflowAndActivity(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Long", func(ctx workflow.Context) error {
		_, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Hour,
			HeartbeatTimeout: time.Hour, CancellationType: workflow.ActivityCancellationWaitCompleted}, "Block").Get(ctx)
		return err
	}))
	must(t, env.RegisterActivity("Block", func(ctx context.Context) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	}))
	env.RegisterDelayedCallback(func() { must(t, env.CancelWorkflow()) }, time.Minute)
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Long")
	if err := res.Err(); !temporal.IsCanceledError(err) {
		t.Fatalf("error %v, want cancelled", err)
	}
	if n := count(res, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED); n != 1 {
		t.Errorf("%d activity cancellations", n)
	}
}

func TestActivityTimesOutOnTheVirtualClock(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Timeout", func(ctx workflow.Context) error {
		_, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 2 * time.Hour,
			RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}}, "Block").Get(ctx)
		return err
	}))
	must(t, env.RegisterActivity("Block", func(ctx context.Context) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	}))
	err := env.ExecuteWorkflow(testsuite.StartOptions{}, "Timeout").Err()
	var te *temporal.TimeoutError
	if !errors.As(err, &te) || te.TimeoutType() != enumspb.TIMEOUT_TYPE_START_TO_CLOSE {
		t.Fatalf("error %v, want a start-to-close timeout", err)
	}
	if d := env.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); d != 2*time.Hour {
		t.Errorf("virtual clock moved %s, want 2h", d)
	}
}

func TestHeartbeatDetailsAcrossAttempts(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Resume", func(ctx workflow.Context) (int, error) {
		return workflow.ExecuteActivity[int](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Hour}, "Count").Get(ctx)
	}))
	must(t, env.RegisterActivity("Count", func(ctx context.Context) (int, error) {
		var from int
		if activity.HasHeartbeatDetails(ctx) {
			must(t, activity.GetHeartbeatDetails(ctx, &from))
		}
		activity.RecordHeartbeat(ctx, from+10)
		if activity.GetInfo(ctx).Attempt < 3 {
			return 0, errors.New("crash")
		}
		return from + 10, nil
	}))
	var got int
	must(t, env.ExecuteWorkflow(testsuite.StartOptions{}, "Resume").Get(&got))
	if got != 30 {
		t.Errorf("result %d, want 30 (heartbeats carried across 3 attempts)", got)
	}
}

func TestLocalActivity(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Local", func(ctx workflow.Context) (string, error) {
		return workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute,
			RetryPolicy: &temporal.RetryPolicy{InitialInterval: 10 * time.Second}}, "Up", "x").Get(ctx)
	}))
	tries := 0
	must(t, env.RegisterActivity("Up", func(_ context.Context, s string) (string, error) {
		if tries++; tries < 3 {
			return "", errors.New("again")
		}
		return strings.ToUpper(s), nil
	}))
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Local")
	var got string
	must(t, res.Get(&got))
	if got != "X" || count(res, enumspb.EVENT_TYPE_MARKER_RECORDED) != 1 {
		t.Errorf("result %q, history:\n%v", got, res.History())
	}
	if d := env.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); d != 30*time.Second {
		t.Errorf("virtual clock moved %s, want 30s of local retries", d)
	}
}

func TestHistoryReplaysWithReplayer(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	wf := func(ctx workflow.Context) (string, error) {
		if err := workflow.Sleep(ctx, 24*time.Hour); err != nil {
			return "", err
		}
		return workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "A").Get(ctx)
	}
	must(t, env.RegisterWorkflow("Saved", wf))
	must(t, env.RegisterActivity("A", func(context.Context) (string, error) { return "a", nil }))
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Saved")
	must(t, res.Err())
	data, err := res.HistoryJSON()
	must(t, err)
	h, err := worker.ParseHistoryJSON(data)
	must(t, err)
	r := worker.NewReplayer(worker.ReplayerOptions{})
	must(t, r.RegisterWorkflow("Saved", wf))
	must(t, r.ReplayHistory("saved", "", h))
}

func TestErrorsNameWhatIsWrong(t *testing.T) {
	t.Run("unknown activity", func(t *testing.T) {
		env := testsuite.New(t, testsuite.Options{})
		must(t, env.RegisterWorkflow("W", func(ctx workflow.Context) error {
			_, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Missing").Get(ctx)
			return err
		}))
		must(t, env.RegisterActivity("Known", func(context.Context) error { return nil }))
		err := env.ExecuteWorkflow(testsuite.StartOptions{}, "W").Err()
		if err == nil || !strings.Contains(err.Error(), `"Missing"`) || !strings.Contains(err.Error(), "Known") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("blocked for ever", func(t *testing.T) {
		env := testsuite.New(t, testsuite.Options{})
		must(t, env.RegisterWorkflow("Stuck", func(ctx workflow.Context) error {
			return workflow.Await(ctx, func() bool { return false })
		}))
		err := env.ExecuteWorkflow(testsuite.StartOptions{}, "Stuck").Err()
		if err == nil || !strings.Contains(err.Error(), "blocked") || !strings.Contains(err.Error(), "Stuck") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("deadlock", func(t *testing.T) {
		env := testsuite.New(t, testsuite.Options{DeadlockTimeout: 50 * time.Millisecond})
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		must(t, env.RegisterWorkflow("Spin", func(ctx workflow.Context) error {
			<-release
			return nil
		}))
		err := env.ExecuteWorkflow(testsuite.StartOptions{}, "Spin").Err()
		var dl *temporal.DeadlockError
		if !errors.As(err, &dl) || !strings.Contains(dl.Stack, "more_test.go") {
			t.Errorf("error %v, want a DeadlockError with the stack", err)
		}
	})
}

func TestHeartbeatTimeoutOnTheVirtualClock(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("HB", func(ctx workflow.Context) error {
		_, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 24 * time.Hour,
			HeartbeatTimeout: 10 * time.Minute, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}}, "Silent").Get(ctx)
		return err
	}))
	must(t, env.RegisterActivity("Silent", func(ctx context.Context) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	}))
	err := env.ExecuteWorkflow(testsuite.StartOptions{}, "HB").Err()
	var te *temporal.TimeoutError
	if !errors.As(err, &te) || te.TimeoutType() != enumspb.TIMEOUT_TYPE_HEARTBEAT {
		t.Fatalf("error %v, want a heartbeat timeout", err)
	}
	if d := env.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); d != 10*time.Minute {
		t.Errorf("virtual clock moved %s, want 10m", d)
	}
}

func TestExternalCancelPatchesAndProperties(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	key := temporal.NewSearchAttributeKeyKeyword("Stage")
	must(t, env.RegisterWorkflow("Boss", func(ctx workflow.Context) (bool, error) {
		child, err := workflow.StartChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{WorkflowID: "worker-1"}, "Loop")
		if err != nil {
			return false, err
		}
		if _, err := child.Started().Get(ctx); err != nil {
			return false, err
		}
		if _, err := workflow.GetExternalWorkflowHandle(ctx, "worker-1", "").Cancel(ctx).Get(ctx); err != nil {
			return false, err
		}
		_, err = child.Get(ctx)
		must(t, workflow.UpsertMemo(ctx, map[string]any{"note": "done"}))
		must(t, workflow.UpsertSearchAttributes(ctx, key.ValueSet("closing")))
		return temporal.IsCanceledError(err) && workflow.Patched(ctx, "v2"), nil
	}))
	must(t, env.RegisterWorkflow("Loop", func(ctx workflow.Context) (string, error) {
		return "", workflow.Sleep(ctx, 365*24*time.Hour)
	}))
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Boss")
	var ok bool
	must(t, res.Get(&ok))
	if !ok {
		t.Errorf("the child was not cancelled, or the patch not taken")
	}
	var note string
	if p := res.Memo()["note"]; p == nil || converter.Default().FromPayload(p, &note) != nil || note != "done" {
		t.Errorf("memo %v", res.Memo())
	}
	if res.SearchAttributes()["Stage"] == nil {
		t.Errorf("search attributes %v", res.SearchAttributes())
	}
	if n := count(res, enumspb.EVENT_TYPE_MARKER_RECORDED); n != 1 {
		t.Errorf("%d markers, want the patch's", n)
	}
}

// TestUpdateRunningALocalActivity: the acceptance of an update whose
// handler runs a local activity goes out with the task's completion.
func TestUpdateRunningALocalActivity(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("W", func(ctx workflow.Context) (string, error) {
		var got string
		done := false
		must(t, workflow.SetUpdateHandler(ctx, "lookup", func(ctx workflow.Context, v converter.Values) (any, error) {
			s, err := workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute}, "Up", "k").Get(ctx)
			got, done = s, true
			return s, err
		}, workflow.UpdateOptions{}))
		err := workflow.Await(ctx, func() bool { return done })
		return got, err
	}))
	must(t, env.RegisterActivity("Up", func(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil }))
	var result string
	env.RegisterDelayedCallback(func() {
		must(t, env.UpdateWorkflow("lookup", "", testsuite.UpdateCallbacks{OnComplete: func(v converter.Values, err error) {
			must(t, err)
			must(t, v.Get(0, &result))
		}}))
	}, time.Minute)
	var got string
	must(t, env.ExecuteWorkflow(testsuite.StartOptions{}, "W").Get(&got))
	if got != "K" || result != "K" {
		t.Errorf("workflow %q, update %q", got, result)
	}
}

func TestNexusOperationMock(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Caller", func(ctx workflow.Context, n int) (string, error) {
		c := workflow.NewNexusClient("endpoint", "billing")
		s, err := workflow.ExecuteNexusOperation[string](ctx, c, "charge", n, workflow.NexusOperationOptions{}).Get(ctx)
		if err != nil {
			return "", err
		}
		_, err = workflow.ExecuteNexusOperation[string](ctx, c, "refund", n, workflow.NexusOperationOptions{}).Get(ctx)
		var ne *temporal.NexusOperationError
		if !errors.As(err, &ne) {
			return "", errors.New("the failing operation did not fail")
		}
		return s, nil
	}))
	charge := testsuite.OnNexusOperation(env, "billing", "charge", func(_ context.Context, n int) (string, error) {
		return strings.Repeat("$", n), nil
	}).Times(1)
	testsuite.OnNexusOperation(env, "billing", "refund", func(context.Context, int) (string, error) {
		return "", errors.New("no refunds")
	})
	var got string
	must(t, env.ExecuteWorkflow(testsuite.StartOptions{}, "Caller", 3).Get(&got))
	if got != "$$$" || charge.Calls() != 1 {
		t.Errorf("result %q after %d calls", got, charge.Calls())
	}
}

func TestCallbackWhenAConditionHolds(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Steps", func(ctx workflow.Context) (string, error) {
		step := "waiting"
		approved := false
		must(t, workflow.SetQueryHandler(ctx, "step", func(workflow.Context, converter.Values) (any, error) { return step, nil }, workflow.QueryOptions{}))
		must(t, workflow.SetSignalHandler(ctx, "approve", func(workflow.Context, converter.Values) error { approved = true; return nil }, workflow.SignalOptions{}))
		if err := workflow.Sleep(ctx, 3*time.Hour); err != nil {
			return "", err
		}
		step = "review"
		if err := workflow.Await(ctx, func() bool { return approved }); err != nil {
			return "", err
		}
		return "approved at " + workflow.Now(ctx).Format(time.Kitchen), nil
	}))
	env.RegisterCallbackWhen(func() bool {
		v, err := env.QueryWorkflow("step")
		var s string
		return err == nil && v.Get(0, &s) == nil && s == "review"
	}, func() { must(t, env.SignalWorkflow("approve")) })
	var got string
	must(t, env.ExecuteWorkflow(testsuite.StartOptions{}, "Steps").Get(&got))
	if got != "approved at 3:00AM" {
		t.Errorf("result %q", got)
	}
}
