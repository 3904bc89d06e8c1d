// Package hello is the example app of `make demo`: a workflow that runs two
// activities and a durable timer on the temporalgen runtime.
package hello

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TaskQueue is the task queue the example worker polls.
const TaskQueue = "hello"

// Names of the workflow and activity types.
const (
	GreetingWorkflowName = "Greeting"
	ComposeActivityName  = "Compose"
	ShoutActivityName    = "Shout"
)

// GreetingInput is the workflow's argument.
type GreetingInput struct {
	Name  string        `json:"name"`
	Pause time.Duration `json:"pause"`
}

// Greeting composes a greeting with one activity, waits for a durable
// timer, and shouts it with a second activity.
func Greeting(ctx workflow.Context, in GreetingInput) (string, error) {
	opts := workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3},
	}
	greeting, err := workflow.ExecuteActivity[string](ctx, opts, ComposeActivityName, in.Name).Get(ctx)
	if err != nil {
		return "", err
	}
	workflow.GetLogger(ctx).Info("composed greeting; pausing", "greeting", greeting, "pause", in.Pause)
	if err := workflow.Sleep(ctx, in.Pause); err != nil {
		return "", err
	}
	return workflow.ExecuteActivity[string](ctx, opts, ShoutActivityName, greeting).Get(ctx)
}

// Compose builds a greeting for name.
func Compose(ctx context.Context, name string) (string, error) {
	if name == "" {
		return "", temporal.NewNonRetryableApplicationError("name is empty", "InvalidName", nil)
	}
	activity.GetLogger(ctx).Info("composing", "name", name)
	return fmt.Sprintf("Hello, %s!", name), nil
}

// Shout upper-cases a greeting.
func Shout(ctx context.Context, s string) (string, error) {
	return strings.ToUpper(s), nil
}

// Register registers the example's workflow and activities with w.
func Register(w *worker.Worker) error {
	if err := w.RegisterWorkflow(GreetingWorkflowName, Greeting); err != nil {
		return err
	}
	if err := w.RegisterActivity(ComposeActivityName, Compose); err != nil {
		return err
	}
	return w.RegisterActivity(ShoutActivityName, Shout)
}
