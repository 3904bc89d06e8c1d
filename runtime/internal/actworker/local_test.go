package actworker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

func TestRetryNext(t *testing.T) {
	policy := &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 3, MaximumInterval: 20 * time.Second,
		MaximumAttempts: 5, NonRetryableErrorTypes: []string{"Fatal"}}
	plain := errors.New("boom")
	tests := []struct {
		name    string
		policy  *temporal.RetryPolicy
		err     error
		attempt int32
		delay   time.Duration
		again   bool
	}{
		{"first retry", policy, plain, 1, time.Second, true},
		{"grows by the coefficient", policy, plain, 3, 9 * time.Second, true},
		{"capped at the maximum interval", policy, plain, 4, 20 * time.Second, true},
		{"last attempt", policy, plain, 5, 0, false},
		{"non-retryable type", policy, temporal.NewApplicationError("no", "Fatal"), 1, 0, false},
		{"non-retryable error", policy, temporal.NewNonRetryableApplicationError("no", "Other", nil), 1, 0, false},
		{"cancellation", policy, temporal.NewCanceledError(), 1, 0, false},
		{"next retry delay wins", policy, temporal.NewApplicationErrorWithOptions("later", temporal.ApplicationErrorOptions{NextRetryDelay: time.Hour}), 1, time.Hour, true},
		{"server defaults", nil, plain, 2, 2 * time.Second, true},
		{"default maximum is 100 initial intervals", nil, plain, 30, 100 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			delay, again := RetrySchedule(tt.policy).Next(tt.err, tt.attempt)
			if delay != tt.delay || again != tt.again {
				t.Errorf("Next(attempt %d) = %v, %v; want %v, %v", tt.attempt, delay, again, tt.delay, tt.again)
			}
		})
	}
}

func newLocal(t *testing.T, funcs map[string]any) *Local {
	t.Helper()
	reg := NewRegistry()
	for name, fn := range funcs {
		if err := reg.Register(name, fn); err != nil {
			t.Fatal(err)
		}
	}
	dc := converter.Default()
	return &Local{Activities: reg, DataConverter: dc, FailureConverter: converter.NewFailureConverter(dc, converter.FailureConverterOptions{}),
		Logger: slog.New(slog.DiscardHandler)}
}

func localRequest(activityType string, opts engine.LocalActivityOptions) engine.LocalActivityRequest {
	if opts.LocalRetryThreshold == 0 {
		opts.LocalRetryThreshold = time.Minute
	}
	if opts.StartToCloseTimeout == 0 && opts.ScheduleToCloseTimeout == 0 {
		opts.StartToCloseTimeout = time.Minute
	}
	return engine.LocalActivityRequest{Seq: 1, ActivityID: "1", ActivityType: activityType, Attempt: 1, ScheduleTime: time.Now(), Options: opts}
}

func TestLocalRetriesInProcess(t *testing.T) {
	calls := 0
	l := newLocal(t, map[string]any{"Flaky": func(context.Context) (int, error) {
		calls++
		if calls < 3 {
			return 0, errors.New("not yet")
		}
		return calls, nil
	}})
	res := l.Run(context.Background(), localRequest("Flaky", engine.LocalActivityOptions{
		RetryPolicy: (&temporal.RetryPolicy{InitialInterval: time.Millisecond}).ToProto()}))
	if res.Failure != nil || res.Attempt != 3 || res.Backoff != 0 {
		t.Fatalf("result %+v", res)
	}
	var n int
	if err := converter.Default().FromPayloads(res.Result, &n); err != nil || n != 3 {
		t.Fatalf("result %d, %v", n, err)
	}
}

func TestLocalBackoffPastThreshold(t *testing.T) {
	l := newLocal(t, map[string]any{"Fail": func(context.Context) error { return errors.New("down") }})
	res := l.Run(context.Background(), localRequest("Fail", engine.LocalActivityOptions{
		RetryPolicy:         (&temporal.RetryPolicy{InitialInterval: time.Hour}).ToProto(),
		LocalRetryThreshold: time.Second}))
	if res.Failure == nil || res.Attempt != 1 || res.Backoff != time.Hour {
		t.Fatalf("result %+v", res)
	}
}

func TestLocalFailsForGood(t *testing.T) {
	l := newLocal(t, map[string]any{"Fatal": func(context.Context) error { return temporal.NewNonRetryableApplicationError("bad input", "Bad", nil) }})
	res := l.Run(context.Background(), localRequest("Fatal", engine.LocalActivityOptions{}))
	if res.Failure.GetMessage() != "bad input" || res.Backoff != 0 || res.Attempt != 1 {
		t.Fatalf("result %+v", res)
	}
}

func TestLocalUnregistered(t *testing.T) {
	l := newLocal(t, map[string]any{"Known": func(context.Context) error { return nil }})
	res := l.Run(context.Background(), localRequest("Unknown", engine.LocalActivityOptions{}))
	f := res.Failure.GetApplicationFailureInfo()
	if f.GetType() != ActivityNotRegisteredErrorType || !f.GetNonRetryable() {
		t.Fatalf("failure %v", res.Failure)
	}
}

func TestLocalStartToCloseTimeout(t *testing.T) {
	l := newLocal(t, map[string]any{"Hang": func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }})
	res := l.Run(context.Background(), localRequest("Hang", engine.LocalActivityOptions{
		StartToCloseTimeout: 5 * time.Millisecond,
		RetryPolicy:         (&temporal.RetryPolicy{MaximumAttempts: 1}).ToProto()}))
	if got := res.Failure.GetTimeoutFailureInfo().GetTimeoutType(); got != enumspb.TIMEOUT_TYPE_START_TO_CLOSE {
		t.Fatalf("timeout type %v, failure %v", got, res.Failure)
	}
}

func TestLocalScheduleToCloseTimeout(t *testing.T) {
	l := newLocal(t, map[string]any{"Hang": func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }})
	res := l.Run(context.Background(), localRequest("Hang", engine.LocalActivityOptions{ScheduleToCloseTimeout: 5 * time.Millisecond}))
	if got := res.Failure.GetTimeoutFailureInfo().GetTimeoutType(); got != enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE {
		t.Fatalf("timeout type %v, failure %v", got, res.Failure)
	}
}

func TestLocalCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	l := newLocal(t, map[string]any{"Hang": func(ctx context.Context) error { close(started); <-ctx.Done(); return ctx.Err() }})
	go func() { <-started; cancel() }()
	res := l.Run(ctx, localRequest("Hang", engine.LocalActivityOptions{}))
	if res.Failure.GetCanceledFailureInfo() == nil {
		t.Fatalf("failure %v", res.Failure)
	}
}

func TestLocalScheduleToStartTimeout(t *testing.T) {
	called := false
	l := newLocal(t, map[string]any{"Late": func(context.Context) error { called = true; return nil }})
	req := localRequest("Late", engine.LocalActivityOptions{ScheduleToStartTimeout: time.Second})
	req.ScheduleTime = time.Now().Add(-time.Minute)
	res := l.Run(context.Background(), req)
	if got := res.Failure.GetTimeoutFailureInfo().GetTimeoutType(); got != enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START || called {
		t.Fatalf("timeout type %v, called %v", got, called)
	}
	req.ScheduleTime = time.Now()
	if res := l.Run(context.Background(), req); res.Failure != nil || !called {
		t.Fatalf("in time: %v, called %v", res.Failure, called)
	}
}

func TestLocalResultPendingFailsForGood(t *testing.T) {
	calls := 0
	l := newLocal(t, map[string]any{"Async": func(context.Context) (string, error) {
		calls++
		return "", fmt.Errorf("later: %w", actctx.ErrResultPending)
	}})
	res := l.Run(context.Background(), localRequest("Async", engine.LocalActivityOptions{
		RetryPolicy: (&temporal.RetryPolicy{InitialInterval: time.Millisecond, MaximumAttempts: 5}).ToProto()}))
	f := res.Failure.GetApplicationFailureInfo()
	if f.GetType() != LocalResultPendingErrorType || !f.GetNonRetryable() || calls != 1 || res.Attempt != 1 {
		t.Fatalf("calls %d, result %+v", calls, res)
	}
	if !strings.Contains(res.Failure.GetMessage(), "cannot complete asynchronously") {
		t.Fatalf("message %q", res.Failure.GetMessage())
	}
}
