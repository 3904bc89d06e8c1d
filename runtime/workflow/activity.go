package workflow

import (
	"fmt"
	"time"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/sm"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// ActivityCancellationType says what cancelling a running activity waits
// for.
type ActivityCancellationType int

const (
	// ActivityCancellationTryCancel asks the server to cancel the activity
	// and resolves the activity's future at once as cancelled (default).
	ActivityCancellationTryCancel ActivityCancellationType = iota
	// ActivityCancellationWaitCompleted asks the server to cancel the
	// activity and waits until the activity reports how it ended.
	ActivityCancellationWaitCompleted
	// ActivityCancellationAbandon resolves as cancelled at once and does
	// not tell the server; the activity runs on.
	ActivityCancellationAbandon
)

// String returns the Python SDK's name of the type.
func (t ActivityCancellationType) String() string {
	switch t {
	case ActivityCancellationTryCancel:
		return "TRY_CANCEL"
	case ActivityCancellationWaitCompleted:
		return "WAIT_CANCELLATION_COMPLETED"
	case ActivityCancellationAbandon:
		return "ABANDON"
	}
	return fmt.Sprintf("ActivityCancellationType(%d)", int(t))
}

// ActivityOptions configure one activity call. At least one of
// ScheduleToCloseTimeout and StartToCloseTimeout is required.
type ActivityOptions struct {
	ActivityID             string // default: the next number of the workflow's activity sequence
	TaskQueue              string // default: the workflow's task queue
	ScheduleToCloseTimeout time.Duration
	ScheduleToStartTimeout time.Duration
	StartToCloseTimeout    time.Duration
	HeartbeatTimeout       time.Duration
	RetryPolicy            *temporal.RetryPolicy // nil: the server's default policy
	CancellationType       ActivityCancellationType
}

// ExecuteActivity schedules the activity named activity with args and
// returns a future for its result, decoded into T. Cancelling ctx cancels
// the activity according to opts.CancellationType. Failures reach Get as a
// *temporal.ActivityError wrapping the cause.
func ExecuteActivity[T any](ctx Context, opts ActivityOptions, activity string, args ...any) Future[T] {
	c := impl(ctx)
	dc := c.Run().DataConverter()
	input, err := dc.ToPayloads(args...)
	if err != nil {
		f := engine.NewFuture()
		f.SetValue(nil, fmt.Errorf("workflow: encoding arguments of activity %s: %w", activity, err))
		return Future[T]{f: f, dc: dc}
	}
	return Future[T]{f: c.ExecuteActivity(engine.ActivityOptions{
		ActivityID:             opts.ActivityID,
		TaskQueue:              opts.TaskQueue,
		ScheduleToCloseTimeout: opts.ScheduleToCloseTimeout,
		ScheduleToStartTimeout: opts.ScheduleToStartTimeout,
		StartToCloseTimeout:    opts.StartToCloseTimeout,
		HeartbeatTimeout:       opts.HeartbeatTimeout,
		RetryPolicy:            opts.RetryPolicy.ToProto(),
		CancellationType:       sm.ActivityCancellationType(opts.CancellationType),
	}, activity, input), dc: dc}
}

// LocalActivityOptions configure one local activity call. At least one of
// ScheduleToCloseTimeout and StartToCloseTimeout is required.
type LocalActivityOptions struct {
	ActivityID             string
	ScheduleToCloseTimeout time.Duration
	StartToCloseTimeout    time.Duration
	RetryPolicy            *temporal.RetryPolicy
	// LocalRetryThreshold is the longest retry backoff slept in the worker
	// process; longer backoffs become durable timers (default 1 minute).
	LocalRetryThreshold time.Duration
	CancellationType    ActivityCancellationType
}

// ExecuteLocalActivity runs a registered activity in the worker process,
// without a round trip through the server's task queues, and records its
// result in history with a marker so replays do not run it again. Use it
// for short activities; long ones belong in ExecuteActivity.
func ExecuteLocalActivity[T any](ctx Context, opts LocalActivityOptions, activity string, args ...any) Future[T] {
	c := impl(ctx)
	dc := c.Run().DataConverter()
	input, err := dc.ToPayloads(args...)
	if err != nil {
		return failed[T](dc, fmt.Errorf("workflow: encoding arguments of local activity %s: %w", activity, err))
	}
	return Future[T]{f: c.ExecuteLocalActivity(engine.LocalActivityOptions{
		ActivityID:             opts.ActivityID,
		ScheduleToCloseTimeout: opts.ScheduleToCloseTimeout,
		StartToCloseTimeout:    opts.StartToCloseTimeout,
		RetryPolicy:            opts.RetryPolicy.ToProto(),
		LocalRetryThreshold:    opts.LocalRetryThreshold,
		CancellationType:       sm.ActivityCancellationType(opts.CancellationType),
	}, activity, input), dc: dc}
}
