package testsuite_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func count(r *testsuite.Result, et enumspb.EventType) int {
	n := 0
	for _, ev := range r.History().GetEvents() {
		if ev.EventType == et {
			n++
		}
	}
	return n
}

// monthly sleeps 30 days between activities.
func monthly(ctx workflow.Context, n int) (string, error) {
	start := workflow.Now(ctx)
	opts := workflow.ActivityOptions{StartToCloseTimeout: time.Minute}
	out := ""
	for i := range n {
		if err := workflow.Sleep(ctx, 30*24*time.Hour); err != nil {
			return "", err
		}
		s, err := workflow.ExecuteActivity[string](ctx, opts, "Bill", i).Get(ctx)
		if err != nil {
			return "", err
		}
		out += s
	}
	return fmt.Sprintf("%s after %s", out, workflow.Now(ctx).Sub(start)), nil
}

func TestTimeSkipping(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Monthly", monthly))
	must(t, env.RegisterActivity("Bill", func(ctx context.Context, i int) (string, error) {
		return fmt.Sprintf("[%d@%d]", i, activity.GetInfo(ctx).Attempt), nil
	}))
	began := time.Now()
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Monthly", 3)
	var got string
	must(t, res.Get(&got))
	if want := "[0@1][1@1][2@1] after 2160h0m0s"; got != want {
		t.Errorf("result %q, want %q", got, want)
	}
	if d := env.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); d != 90*24*time.Hour {
		t.Errorf("virtual clock moved %s, want 90 days", d)
	}
	if n := count(res, enumspb.EVENT_TYPE_TIMER_FIRED); n != 3 {
		t.Errorf("%d timers fired", n)
	}
	t.Logf("90 virtual days in %s", time.Since(began))
}

func TestActivityRetriesOnTheVirtualClock(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	attempts := 0
	must(t, env.RegisterWorkflow("Retry", func(ctx workflow.Context) (int32, error) {
		return workflow.ExecuteActivity[int32](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute,
			RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Hour, BackoffCoefficient: 2}}, "Flaky").Get(ctx)
	}))
	must(t, env.RegisterActivity("Flaky", func(ctx context.Context) (int32, error) {
		attempts++
		if attempts < 3 {
			return 0, errors.New("not yet")
		}
		return activity.GetInfo(ctx).Attempt, nil
	}))
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Retry")
	var got int32
	must(t, res.Get(&got))
	if got != 3 {
		t.Errorf("attempt %d", got)
	}
	// Backoff 1h then 2h.
	if d := env.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); d != 3*time.Hour {
		t.Errorf("virtual clock moved %s, want 3h", d)
	}
}

func TestSignalsQueriesUpdates(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Counter", func(ctx workflow.Context) (int, error) {
		total := 0
		must(t, workflow.SetSignalHandler(ctx, "add", func(_ workflow.Context, args converter.Values) error {
			var n int
			must(t, args.Get(0, &n))
			total += n
			return nil
		}, workflow.SignalOptions{}))
		must(t, workflow.SetQueryHandler(ctx, "total", func(workflow.Context, converter.Values) (any, error) { return total, nil }, workflow.QueryOptions{}))
		must(t, workflow.SetUpdateHandler(ctx, "double", func(_ workflow.Context, _ converter.Values) (any, error) {
			total *= 2
			return total, nil
		}, workflow.UpdateOptions{Validator: func(_ workflow.Context, _ converter.Values) error {
			if total == 0 {
				return errors.New("nothing to double")
			}
			return nil
		}}))
		err := workflow.Await(ctx, func() bool { return total >= 100 })
		return total, err
	}))
	var rejected error
	var doubled int
	env.RegisterDelayedCallback(func() {
		must(t, env.UpdateWorkflow("double", "", testsuite.UpdateCallbacks{OnReject: func(err error) { rejected = err }}))
	}, time.Minute)
	env.RegisterDelayedCallback(func() { must(t, env.SignalWorkflow("add", 30)) }, time.Hour)
	env.RegisterDelayedCallback(func() {
		must(t, env.UpdateWorkflow("double", "", testsuite.UpdateCallbacks{OnComplete: func(v converter.Values, err error) {
			must(t, err)
			must(t, v.Get(0, &doubled))
		}}))
	}, 2*time.Hour)
	env.RegisterDelayedCallback(func() { must(t, env.SignalWorkflow("add", 50)) }, 3*time.Hour)
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Counter")
	var got int
	must(t, res.Get(&got))
	if got != 110 || doubled != 60 {
		t.Errorf("result %d, doubled %d", got, doubled)
	}
	if rejected == nil {
		t.Errorf("the first update was not rejected")
	}
	v, err := env.QueryWorkflow("total")
	must(t, err)
	var total int
	must(t, v.Get(0, &total))
	if total != 110 {
		t.Errorf("query after completion = %d", total)
	}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
