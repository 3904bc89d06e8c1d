package testsuite_test

import (
	"context"
	"fmt"
	"time"

	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// reminder waits a month, then sends a reminder through an activity.
func reminder(ctx workflow.Context, to string) (string, error) {
	if err := workflow.Sleep(ctx, 30*24*time.Hour); err != nil {
		return "", err
	}
	return workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Send", to).Get(ctx)
}

// In a test, pass the test's t to New; nil is for code outside tests,
// such as this example.
func Example() {
	env := testsuite.New(nil, testsuite.Options{})
	defer env.Close()
	_ = env.RegisterWorkflow("Reminder", reminder)
	env.OnActivity("Send", func(_ context.Context, to string) (string, error) { return "reminded " + to, nil })
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Reminder", "ada")
	var out string
	if err := res.Get(&out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out, "on", env.Now().Format(time.DateOnly))
	// Output: reminded ada on 2026-01-31
}

// Signals, updates and cancellations are sent from callbacks that run at
// chosen virtual times.
func ExampleEnv_RegisterDelayedCallback() {
	env := testsuite.New(nil, testsuite.Options{})
	defer env.Close()
	_ = env.RegisterWorkflow("Wait", func(ctx workflow.Context) (string, error) {
		return "", workflow.Sleep(ctx, 365*24*time.Hour)
	})
	env.RegisterDelayedCallback(func() { _ = env.CancelWorkflow() }, 48*time.Hour)
	err := env.ExecuteWorkflow(testsuite.StartOptions{}, "Wait").Err()
	fmt.Println(err != nil, env.Now().Format(time.DateOnly))
	// Output: true 2026-01-03
}
