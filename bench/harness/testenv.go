package harness

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	sdkactivity "go.temporal.io/sdk/activity"
	sdklog "go.temporal.io/sdk/log"
	sdktestsuite "go.temporal.io/sdk/testsuite"
	sdkworkflow "go.temporal.io/sdk/workflow"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestEnvResult is the cost of one workflow unit test in each test
// environment: a 30-day timer, then TestEnvActivities sequential
// activities, run to completion (ours also replays the history at the end
// of every run, as it always does).
type TestEnvResult struct {
	Runs        map[string][]time.Duration // per timed repetition: time per test run
	Median      map[string]time.Duration
	AllocsPerOp map[string]int64
	BytesPerOp  map[string]int64
}

// OursNoReplayCheck names our test environment with its end-of-run
// replay check off: the same work as sdk-go's.
const OursNoReplayCheck = "ours-noreplay"

// TestEnvActivities is the number of activities of the testenv workflow.
const TestEnvActivities = 10

const testEnvMonth = 30 * 24 * time.Hour

// testenv measures ours (runtime/testsuite) and sdk-go's testsuite on the
// same workflow, alternating which goes first.
func (h *harness) testenv(ctx context.Context) error {
	res := &TestEnvResult{Runs: map[string][]time.Duration{}, Median: map[string]time.Duration{},
		AllocsPerOp: map[string]int64{}, BytesPerOp: map[string]int64{}}
	h.rep.TestEnv = res
	impls := []string{shape.Ours, OursNoReplayCheck, shape.SDK}
	runs := map[string]func() error{
		shape.Ours:        func() error { return oursTestRun(false) },
		OursNoReplayCheck: func() error { return oursTestRun(true) },
		shape.SDK:         sdkTestRun,
	}
	for _, impl := range impls { // warm up, and check both work
		if err := runs[impl](); err != nil {
			return fmt.Errorf("%s test environment: %w", impl, err)
		}
	}
	reps := max(1, h.cfg.TestEnvReps)
	for k := range reps {
		for _, impl := range rotate(impls, k) {
			if err := ctx.Err(); err != nil {
				return err
			}
			var failed error
			r := testing.Benchmark(func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					if err := runs[impl](); err != nil {
						failed = err
						b.FailNow()
					}
				}
			})
			if failed != nil {
				return fmt.Errorf("%s test environment: %w", impl, failed)
			}
			d := time.Duration(r.NsPerOp())
			res.Runs[impl] = append(res.Runs[impl], d)
			res.AllocsPerOp[impl], res.BytesPerOp[impl] = r.AllocsPerOp(), r.AllocedBytesPerOp()
			fmt.Fprintf(h.log, "bench: testenv round %d %-13s %8.1f µs/run  %6d allocs/run\n", k+1, impl, us(d), r.AllocsPerOp())
		}
	}
	for impl, ds := range res.Runs {
		res.Median[impl] = percentile(ds, 0.5)
	}
	return nil
}

// oursTestRun is one unit test on runtime/testsuite.
func oursTestRun(skipReplayCheck bool) error {
	env := testsuite.New(nil, testsuite.Options{SkipReplayCheck: skipReplayCheck})
	defer env.Close()
	if err := env.RegisterWorkflow("Monthly", func(ctx workflow.Context) (int, error) {
		if err := workflow.Sleep(ctx, testEnvMonth); err != nil {
			return 0, err
		}
		n := 0
		for i := range TestEnvActivities {
			s, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Bill", i).Get(ctx)
			if err != nil {
				return 0, err
			}
			n += len(s)
		}
		return n, nil
	}); err != nil {
		return err
	}
	if err := env.RegisterActivity("Bill", bill); err != nil {
		return err
	}
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Monthly")
	var n int
	if err := res.Get(&n); err != nil {
		return err
	}
	if err := res.ReplayError(); err != nil {
		return err
	}
	return checkTestEnvResult(n)
}

// sdkTestRun is the same unit test on go.temporal.io/sdk/testsuite.
func sdkTestRun() error {
	var s sdktestsuite.WorkflowTestSuite
	s.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(func(ctx sdkworkflow.Context) (int, error) {
		if err := sdkworkflow.Sleep(ctx, testEnvMonth); err != nil {
			return 0, err
		}
		ctx = sdkworkflow.WithActivityOptions(ctx, sdkworkflow.ActivityOptions{StartToCloseTimeout: time.Minute})
		n := 0
		for i := range TestEnvActivities {
			var out string
			if err := sdkworkflow.ExecuteActivity(ctx, "Bill", i).Get(ctx, &out); err != nil {
				return 0, err
			}
			n += len(out)
		}
		return n, nil
	}, sdkworkflow.RegisterOptions{Name: "Monthly"})
	env.RegisterActivityWithOptions(bill, sdkactivity.RegisterOptions{Name: "Bill"})
	env.ExecuteWorkflow("Monthly")
	if err := env.GetWorkflowError(); err != nil {
		return err
	}
	var n int
	if err := env.GetWorkflowResult(&n); err != nil {
		return err
	}
	return checkTestEnvResult(n)
}

func bill(_ context.Context, i int) (string, error) { return fmt.Sprintf("bill-%02d", i), nil }

func checkTestEnvResult(n int) error {
	if want := TestEnvActivities * len("bill-00"); n != want {
		return fmt.Errorf("result %d, want %d", n, want)
	}
	return nil
}
