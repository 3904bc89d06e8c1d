package actworker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/internal/backoff"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/lazylog"
	"github.com/temporalgen/temporalgen/runtime/internal/sdkmetrics"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Local runs local activities in the worker's process. Unlike activity
// tasks, whose retries the server schedules, a local activity retries in
// process while the next delay is within its local retry threshold; a
// longer delay goes back to the workflow, which waits it out on a durable
// timer and asks again.
type Local struct {
	Activities       Activities
	DataConverter    converter.DataConverter
	FailureConverter converter.FailureConverter
	Logger           *slog.Logger
	// Clock tells the time and waits between attempts (nil: real time).
	Clock Clock
	// Propagators read the local activity's header into its context.
	Propagators []temporal.ContextPropagator
	// Interceptors wrap each attempt (activity.Interceptor).
	Interceptors []activity.Interceptor
	// Metrics receives the local activity metrics (tagged by the caller
	// with worker_type LocalActivityWorker); nil: none.
	Metrics *sdkmetrics.Scope
	// Slots, when set, bounds the attempts running at once: one element
	// per running attempt.
	Slots chan struct{}
	// Stopping is closed when the worker begins to stop (nil: never).
	Stopping <-chan struct{}
}

// Activities finds activity implementations; *Registry is one.
type Activities interface {
	Lookup(name string) (Func, bool)
	Names() []string
}

// Clock is the time a Local runs on.
type Clock interface {
	Now() time.Time
	// Sleep waits d unless ctx ends first, which it returns.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time                                   { return time.Now() }
func (realClock) Sleep(ctx context.Context, d time.Duration) error { return backoff.Wait(ctx, d) }

func (l *Local) clock() Clock {
	if l.Clock == nil {
		return realClock{}
	}
	return l.Clock
}

// Run runs attempts of a local activity until one succeeds, it fails for
// good, ctx ends, or the next retry is past the local retry threshold
// (the result then carries the failure and the Backoff to wait).
func (l *Local) Run(ctx context.Context, req engine.LocalActivityRequest) engine.LocalActivityResult {
	clk := l.clock()
	fn, ok := l.Activities.Lookup(req.ActivityType)
	if !ok {
		err := temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("local activity type %q is not registered on this worker; registered types: [%s]",
				req.ActivityType, strings.Join(l.Activities.Names(), ", ")),
			ActivityNotRegisteredErrorType, nil)
		return l.failed(err, req.Attempt, clk.Now())
	}
	opts := req.Options
	if s := opts.ScheduleToStartTimeout; s > 0 && req.Attempt == 1 && clk.Now().Sub(req.ScheduleTime) > s {
		// Waited too long for a slot: not retried, as on the server.
		return l.failed(temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START, nil), req.Attempt, clk.Now())
	}
	retry := RetrySchedule(temporal.RetryPolicyFromProto(opts.RetryPolicy))
	var deadline time.Time
	if opts.ScheduleToCloseTimeout > 0 {
		deadline = req.ScheduleTime.Add(opts.ScheduleToCloseTimeout)
	}
	m := l.Metrics.With(temporal.TagActivityType, req.ActivityType).With(temporal.TagWorkflowType, req.WorkflowType)
	for attempt := req.Attempt; ; attempt++ {
		if !l.acquire(ctx) {
			return l.failed(temporal.NewCanceledError(), attempt, clk.Now())
		}
		started := clk.Now()
		result, err := l.attempt(ctx, req, fn, attempt, deadline)
		l.release()
		now := clk.Now()
		if m != nil {
			l.report(m, err, now.Sub(started), now.Sub(req.ScheduleTime))
		}
		if err == nil {
			return engine.LocalActivityResult{Result: result, Attempt: attempt, CompleteTime: now}
		}
		delay, again := retry.Next(err, attempt)
		if ctx.Err() != nil || !again || (!deadline.IsZero() && now.Add(delay).After(deadline)) {
			return l.failed(err, attempt, now)
		}
		if delay > opts.LocalRetryThreshold {
			r := l.failed(err, attempt, now)
			r.Backoff = delay
			return r
		}
		if clk.Sleep(ctx, delay) != nil {
			return l.failed(temporal.NewCanceledError(), attempt, clk.Now())
		}
	}
}

// acquire takes an attempt slot, waiting for one; false when ctx ended
// first.
func (l *Local) acquire(ctx context.Context) bool {
	if l.Slots == nil {
		return true
	}
	select {
	case l.Slots <- struct{}{}:
		l.Metrics.Slots(len(l.Slots), cap(l.Slots))
		return true
	case <-ctx.Done():
		return false
	}
}

func (l *Local) release() {
	if l.Slots != nil {
		<-l.Slots
		l.Metrics.Slots(len(l.Slots), cap(l.Slots))
	}
}

// report sends one attempt's metrics.
func (l *Local) report(m *sdkmetrics.Scope, err error, took, sinceScheduled time.Duration) {
	m.Inc(temporal.MetricLocalActivityTotal)
	m.Record(temporal.MetricLocalActivityExecutionLatency, took)
	switch {
	case err == nil:
		m.Record(temporal.MetricLocalActivitySucceedEndToEndLatency, sinceScheduled)
	case temporal.IsCanceledError(err):
		m.Inc(temporal.MetricLocalActivityExecutionCanceled)
	default:
		m.Inc(temporal.MetricLocalActivityExecutionFailed)
	}
}

func (l *Local) failed(err error, attempt int32, at time.Time) engine.LocalActivityResult {
	return engine.LocalActivityResult{Failure: l.FailureConverter.ErrorToFailure(err), Attempt: attempt, CompleteTime: at}
}

// attempt runs one attempt, bounded by the start-to-close timeout and the
// schedule-to-close deadline.
func (l *Local) attempt(ctx context.Context, req engine.LocalActivityRequest, fn Func, attempt int32, deadline time.Time) (*commonpb.Payloads, error) {
	start := l.clock().Now()
	if req.Options.StartToCloseTimeout > 0 {
		if d := start.Add(req.Options.StartToCloseTimeout); deadline.IsZero() || d.Before(deadline) {
			deadline = d
		}
	}
	actx := ctx
	if !deadline.IsZero() {
		// The deadline is on the Local's clock; the context counts the
		// time left in real time.
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, deadline.Sub(start))
		defer cancel()
	}
	env := &actctx.Env{
		Info: actctx.Info{
			WorkflowNamespace: req.Namespace, WorkflowID: req.WorkflowID, WorkflowRunID: req.RunID, WorkflowType: req.WorkflowType,
			ActivityID: req.ActivityID, ActivityType: req.ActivityType, TaskQueue: req.TaskQueue, Attempt: attempt,
			ScheduledTime: req.ScheduleTime, StartedTime: start, Deadline: deadline,
			ScheduleToCloseTimeout: req.Options.ScheduleToCloseTimeout, StartToCloseTimeout: req.Options.StartToCloseTimeout,
			IsLocal: true,
		},
		Heartbeat:     func(*commonpb.Payloads) {},
		DataConverter: l.DataConverter,
		Metrics:       l.Metrics.With(temporal.TagActivityType, req.ActivityType).With(temporal.TagWorkflowType, req.WorkflowType).Handler(),
		WorkerStop:    l.Stopping,
		Logger: lazylog.With(l.Logger, "namespace", req.Namespace, "activity_type", req.ActivityType, "activity_id", req.ActivityID,
			"workflow_id", req.WorkflowID, "run_id", req.RunID, "workflow_type", req.WorkflowType, "attempt", attempt, "local", true),
	}
	if len(l.Propagators) > 0 {
		actx = Extract(actx, l.Propagators, req.Options.Header, env.Logger)
	}
	result, err := InvokeWith(actctx.With(actx, env), l.Interceptors, fn, l.DataConverter, req.Options.Header, req.Input)
	if errors.Is(err, actctx.ErrResultPending) {
		return nil, temporal.NewNonRetryableApplicationError(
			"local activities cannot complete asynchronously: activity.ErrResultPending is only for activities run by a worker from a task queue",
			LocalResultPendingErrorType, err)
	}
	if err != nil && errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		tt := enumspb.TIMEOUT_TYPE_START_TO_CLOSE
		if req.Options.ScheduleToCloseTimeout > 0 && deadline.Equal(req.ScheduleTime.Add(req.Options.ScheduleToCloseTimeout)) {
			tt = enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE
		}
		err = temporal.NewTimeoutError(tt, nil)
	}
	if err != nil && ctx.Err() != nil {
		err = temporal.NewCanceledError()
	}
	return result, err
}
