package workflow_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/runtime/internal/enginetest"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestMissingTimeoutIsMatchable checks that activities and local
// activities without a timeout fail with temporal.ErrMissingTimeout, which
// workflow code can match with errors.Is, and that nothing is scheduled.
func TestMissingTimeoutIsMatchable(t *testing.T) {
	s := enginetest.New(t, wf(func(ctx workflow.Context) (string, error) {
		calls := []struct {
			name string
			call func() error
		}{
			{"ExecuteActivity", func() error {
				_, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{}, "A").Get(ctx)
				return err
			}},
			{"StartActivity", func() error {
				opts := workflow.ActivityOptions{ScheduleToStartTimeout: time.Minute, HeartbeatTimeout: time.Minute}
				_, err := workflow.StartActivity[string](ctx, opts, "A").Result().Get(ctx)
				return err
			}},
			{"ExecuteLocalActivity", func() error {
				_, err := workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{}, "L").Get(ctx)
				return err
			}},
		}
		for _, c := range calls {
			name, err := c.name, c.call()
			if !errors.Is(fmt.Errorf("wrapped: %w", err), temporal.ErrMissingTimeout) {
				return "", fmt.Errorf("%s: got %v, want temporal.ErrMissingTimeout", name, err)
			}
			var oe temporal.OptionsError
			if !errors.As(err, &oe) || err.Error() != "workflow: activity options need ScheduleToCloseTimeout or StartToCloseTimeout" {
				return "", fmt.Errorf("%s: got %T %q", name, err, err)
			}
		}
		return "done", nil
	})).Start(nil)
	var got string
	s.Result(&got)
	if got != "done" {
		t.Fatalf("result = %q", got)
	}
	if len(s.Commands) != 1 {
		t.Errorf("commands = %v, want only the completion", s.Commands)
	}
}
