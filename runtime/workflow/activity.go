package workflow

import (
	"fmt"
	commonpb "go.temporal.io/api/common/v1"
	"time"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/sm"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// ActivityCancellationType says what cancelling a running activity waits
// for. Values other than the constants below act as the default,
// ActivityCancellationTryCancel.
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

	numActivityCancellationTypes // the count of the values above; keep last
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

// sm maps t to the state machines' type; values not declared above act as
// the default, ActivityCancellationTryCancel.
func (t ActivityCancellationType) sm() sm.ActivityCancellationType {
	switch t {
	case ActivityCancellationWaitCompleted:
		return sm.WaitCancellationCompleted
	case ActivityCancellationAbandon:
		return sm.Abandon
	}
	return sm.TryCancel
}

// ActivityOptions configure one activity call. At least one of
// ScheduleToCloseTimeout and StartToCloseTimeout is required; without
// both, the activity is not scheduled and its future fails with
// temporal.ErrMissingTimeout (match it with errors.Is).
type ActivityOptions struct {
	ActivityID             string // default: the next number of the workflow's activity sequence
	TaskQueue              string // default: the workflow's task queue
	ScheduleToCloseTimeout time.Duration
	ScheduleToStartTimeout time.Duration
	StartToCloseTimeout    time.Duration
	HeartbeatTimeout       time.Duration
	RetryPolicy            *temporal.RetryPolicy // nil: the server's default policy
	CancellationType       ActivityCancellationType
	// Summary is a one-line description the Web UI shows for the
	// activity (user metadata on its command and ActivityTaskScheduled).
	Summary string
	// Priority orders the activity's task on its queue (nil: the
	// workflow's).
	Priority *temporal.Priority
	// VersioningIntent is the build-id versioning intent (the Python
	// SDK's versioning_intent).
	VersioningIntent temporal.VersioningIntent
}

// ExecuteActivity schedules the activity named activity with args and
// returns a future for its result, decoded into T. Cancelling ctx cancels
// the activity according to opts.CancellationType. Failures reach Get as a
// *temporal.ActivityError wrapping the cause.
func ExecuteActivity[T any](ctx Context, opts ActivityOptions, activity string, args ...any) Future[T] {
	return StartActivity[T](ctx, opts, activity, args...).Result()
}

// ActivityHandle is a scheduled activity whose result decodes into T.
type ActivityHandle[T any] struct {
	a *engine.Activity
	outcome[T]
}

// ID returns the activity id.
func (h ActivityHandle[T]) ID() string { return h.a.ID() }

// Cancel cancels the activity according to its cancellation type.
func (h ActivityHandle[T]) Cancel() { h.a.Cancel() }

// outcome is the result side of an activity handle.
type outcome[T any] struct{ f Future[T] }

// IsDone reports whether the result is available.
func (o outcome[T]) IsDone() bool { return o.f.IsReady() }

// IsCancelled reports whether the activity ended cancelled.
func (o outcome[T]) IsCancelled() bool {
	if !o.f.IsReady() {
		return false
	}
	_, _, err := o.f.f.Peek()
	return temporal.IsCanceledError(err)
}

// Result returns a future for the activity's result.
func (o outcome[T]) Result() Future[T] { return o.f }

// Get waits for the activity's result.
func (o outcome[T]) Get(ctx Context) (T, error) { return o.f.Get(ctx) }

// StartActivity schedules the activity named activity with args and
// returns a handle to it: its id, cancellation, and result.
func StartActivity[T any](ctx Context, opts ActivityOptions, activity string, args ...any) ActivityHandle[T] {
	c := impl(ctx)
	if ch := chainOf(c); ch != nil {
		return activityAs[T](ch.startActivity(ctx, &ActivityInput{Activity: activity, Options: opts, Args: args}))
	}
	return activityAs[T](startActivity(c, opts, activity, args, nil))
}

func startActivity(c *engine.Context, opts ActivityOptions, activity string, args []any, header *commonpb.Header) ActivityHandle[any] {
	dc := c.Run().DataConverter()
	input, err := dc.ToPayloads(args...)
	if err != nil {
		f := engine.NewFuture()
		f.SetValue(nil, fmt.Errorf("workflow: encoding arguments of activity %s: %w", activity, err))
		return ActivityHandle[any]{a: &engine.Activity{Result: f}, outcome: outcome[any]{Future[any]{f: f, dc: dc}}}
	}
	md, err := converter.UserMetadata(dc, opts.Summary, "")
	if err != nil {
		f := engine.NewFuture()
		f.SetValue(nil, fmt.Errorf("workflow: encoding the summary of activity %s: %w", activity, err))
		return ActivityHandle[any]{a: &engine.Activity{Result: f}, outcome: outcome[any]{Future[any]{f: f, dc: dc}}}
	}
	a := c.StartActivity(engine.ActivityOptions{
		ActivityID:             opts.ActivityID,
		TaskQueue:              opts.TaskQueue,
		ScheduleToCloseTimeout: opts.ScheduleToCloseTimeout,
		ScheduleToStartTimeout: opts.ScheduleToStartTimeout,
		StartToCloseTimeout:    opts.StartToCloseTimeout,
		HeartbeatTimeout:       opts.HeartbeatTimeout,
		RetryPolicy:            opts.RetryPolicy.ToProto(),
		CancellationType:       opts.CancellationType.sm(),
		Header:                 header,
		Metadata:               md,
		Priority:               opts.Priority.ToProto(),
		UseWorkflowBuildID:     opts.VersioningIntent.Compatible(),
	}, activity, input)
	return ActivityHandle[any]{a: a, outcome: outcome[any]{Future[any]{f: a.Result, dc: dc}}}
}

// LocalActivityOptions configure one local activity call. At least one of
// ScheduleToCloseTimeout and StartToCloseTimeout is required; without
// both, the future fails with temporal.ErrMissingTimeout.
type LocalActivityOptions struct {
	ActivityID             string
	ScheduleToCloseTimeout time.Duration
	// ScheduleToStartTimeout bounds the wait for the worker to start the
	// first attempt; past it the activity fails with a schedule-to-start
	// *temporal.TimeoutError, not retried.
	ScheduleToStartTimeout time.Duration
	StartToCloseTimeout    time.Duration
	RetryPolicy            *temporal.RetryPolicy
	// LocalRetryThreshold is the longest retry backoff slept in the worker
	// process; longer backoffs become durable timers (default 1 minute).
	LocalRetryThreshold time.Duration
	CancellationType    ActivityCancellationType
	// Summary is a one-line description the Web UI shows for the local
	// activity (user metadata on its marker).
	Summary string
}

// ExecuteLocalActivity runs a registered activity in the worker process,
// without a round trip through the server's task queues, and records its
// result in history with a marker so replays do not run it again. Use it
// for short activities; long ones belong in ExecuteActivity.
func ExecuteLocalActivity[T any](ctx Context, opts LocalActivityOptions, activity string, args ...any) Future[T] {
	return StartLocalActivity[T](ctx, opts, activity, args...).Result()
}

// LocalActivityHandle is a started local activity whose result decodes
// into T (the seed's start_local_activity returns an ActivityHandle).
type LocalActivityHandle[T any] struct {
	a *engine.LocalActivity
	outcome[T]
}

// ID returns the activity id.
func (h LocalActivityHandle[T]) ID() string { return h.a.ID() }

// Cancel cancels the local activity according to its cancellation type.
func (h LocalActivityHandle[T]) Cancel() { h.a.Cancel() }

// StartLocalActivity runs a registered activity in the worker process, as
// ExecuteLocalActivity, and returns a handle to it.
func StartLocalActivity[T any](ctx Context, opts LocalActivityOptions, activity string, args ...any) LocalActivityHandle[T] {
	c := impl(ctx)
	if ch := chainOf(c); ch != nil {
		return localActivityAs[T](ch.startLocalActivity(ctx, &LocalActivityInput{Activity: activity, Options: opts, Args: args}))
	}
	return localActivityAs[T](startLocalActivity(c, opts, activity, args, nil))
}

func startLocalActivity(c *engine.Context, opts LocalActivityOptions, activity string, args []any, header *commonpb.Header) LocalActivityHandle[any] {
	dc := c.Run().DataConverter()
	input, err := dc.ToPayloads(args...)
	if err != nil {
		f := engine.NewFuture()
		f.SetValue(nil, fmt.Errorf("workflow: encoding arguments of local activity %s: %w", activity, err))
		return LocalActivityHandle[any]{a: &engine.LocalActivity{Result: f}, outcome: outcome[any]{Future[any]{f: f, dc: dc}}}
	}
	md, err := converter.UserMetadata(dc, opts.Summary, "")
	if err != nil {
		f := engine.NewFuture()
		f.SetValue(nil, fmt.Errorf("workflow: encoding the summary of local activity %s: %w", activity, err))
		return LocalActivityHandle[any]{a: &engine.LocalActivity{Result: f}, outcome: outcome[any]{Future[any]{f: f, dc: dc}}}
	}
	a := c.StartLocalActivity(engine.LocalActivityOptions{
		ActivityID:             opts.ActivityID,
		ScheduleToCloseTimeout: opts.ScheduleToCloseTimeout,
		ScheduleToStartTimeout: opts.ScheduleToStartTimeout,
		StartToCloseTimeout:    opts.StartToCloseTimeout,
		RetryPolicy:            opts.RetryPolicy.ToProto(),
		LocalRetryThreshold:    opts.LocalRetryThreshold,
		CancellationType:       opts.CancellationType.sm(),
		Header:                 header,
		Metadata:               md,
	}, activity, input)
	return LocalActivityHandle[any]{a: a, outcome: outcome[any]{Future[any]{f: a.Result, dc: dc}}}
}
