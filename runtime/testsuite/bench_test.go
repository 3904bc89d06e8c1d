package testsuite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// BenchmarkMonthlyWorkflowTest is one unit test of a workflow that sleeps
// 30 days and then runs 10 activities (make bench compares it with
// sdk-go's test environment).
func BenchmarkMonthlyWorkflowTest(b *testing.B) {
	b.Run("replay-check", func(b *testing.B) { monthlyTest(b, false) })
	b.Run("no-replay-check", func(b *testing.B) { monthlyTest(b, true) })
}

func monthlyTest(b *testing.B, skip bool) {
	b.ReportAllocs()
	for range b.N {
		env := testsuite.New(nil, testsuite.Options{SkipReplayCheck: skip})
		if err := env.RegisterWorkflow("Monthly", func(ctx workflow.Context) (int, error) {
			if err := workflow.Sleep(ctx, 30*24*time.Hour); err != nil {
				return 0, err
			}
			n := 0
			for i := range 10 {
				s, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Bill", i).Get(ctx)
				if err != nil {
					return 0, err
				}
				n += len(s)
			}
			return n, nil
		}); err != nil {
			b.Fatal(err)
		}
		if err := env.RegisterActivity("Bill", func(_ context.Context, i int) (string, error) { return fmt.Sprint(i), nil }); err != nil {
			b.Fatal(err)
		}
		var n int
		if err := env.ExecuteWorkflow(testsuite.StartOptions{}, "Monthly").Get(&n); err != nil || n != 10 {
			b.Fatal(n, err)
		}
		env.Close()
	}
}
