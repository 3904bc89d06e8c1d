package testsuite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
)

func TestActivityEnv(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	env := testsuite.NewActivityEnv(t, testsuite.ActivityOptions{
		Info:             activity.Info{ActivityType: "Resize", Attempt: 3, Deadline: deadline},
		HeartbeatDetails: []any{40},
	})
	v, err := env.ExecuteActivity(func(ctx context.Context, step int) (string, error) {
		info := activity.GetInfo(ctx)
		var from int
		must(t, activity.GetHeartbeatDetails(ctx, &from))
		for i := from; i < 50; i += step {
			activity.RecordHeartbeat(ctx, i)
		}
		if d, ok := ctx.Deadline(); !ok || !d.Equal(deadline) {
			t.Errorf("deadline %v, want %v", d, deadline)
		}
		return info.ActivityType + " attempt " + string(rune('0'+info.Attempt)), nil
	}, 5)
	must(t, err)
	var got string
	must(t, v.Get(0, &got))
	if got != "Resize attempt 3" {
		t.Errorf("result %q", got)
	}
	beats := env.Heartbeats()
	var last int
	if len(beats) != 2 || beats[1].Get(0, &last) != nil || last != 45 {
		t.Errorf("%d heartbeats, last %d; want 40 and 45", len(beats), last)
	}
}

func TestActivityEnvCancellationAndPanics(t *testing.T) {
	env := testsuite.NewActivityEnv(t, testsuite.ActivityOptions{})
	_, err := env.ExecuteActivity(func(ctx context.Context) error {
		env.Cancel()
		<-ctx.Done()
		return ctx.Err()
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	_, err = env.ExecuteActivity(func(context.Context) error { panic("boom") })
	var pe *temporal.PanicError
	if !errors.As(err, &pe) {
		t.Errorf("error %v, want a PanicError", err)
	}
	if _, err := env.ExecuteActivity(func(int) error { return nil }); err == nil {
		t.Errorf("a function without a context was accepted")
	}
}
