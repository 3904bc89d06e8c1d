package testsuite

import (
	"context"
	"errors"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/lazylog"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// activity is a scheduled activity: the server's view of its attempts.
type activity struct {
	x         *execution
	scheduled int64
	attrs     *commandpb.ScheduleActivityTaskCommandAttributes
	firstTime time.Time // virtual time of scheduling
	attempt   int32
	gen       int // attempt generation; results of older ones are stale
	running   bool
	async     bool // the running attempt returned activity.ErrResultPending
	cancel    context.CancelFunc
	cancelReq int64 // the ActivityTaskCancelRequested event
	start     time.Time
	timeout   *item
	retry     *item
	lastBeat  time.Time          // virtual time of the last heartbeat
	details   *commonpb.Payloads // last heartbeat details, across attempts
	lastFail  *failurepb.Failure
}

// attemptResult is what an attempt's goroutine reports.
type attemptResult struct {
	a      *activity
	gen    int
	result *commonpb.Payloads
	err    error
}

func (x *execution) scheduleActivity(a *commandpb.ScheduleActivityTaskCommandAttributes, completed int64) {
	ev := x.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, &historypb.ActivityTaskScheduledEventAttributes{
		ActivityId: a.ActivityId, ActivityType: a.ActivityType, TaskQueue: a.TaskQueue, Header: a.Header, Input: a.Input,
		ScheduleToCloseTimeout: a.ScheduleToCloseTimeout, ScheduleToStartTimeout: a.ScheduleToStartTimeout,
		StartToCloseTimeout: a.StartToCloseTimeout, HeartbeatTimeout: a.HeartbeatTimeout, WorkflowTaskCompletedEventId: completed,
		RetryPolicy: a.RetryPolicy})
	act := &activity{x: x, scheduled: ev.EventId, attrs: a, firstTime: x.env.clock.now, attempt: 1}
	x.activities[ev.EventId] = act
	x.env.clock.after(0, act.startAttempt)
}

// startAttempt runs the next attempt on its own goroutine.
func (a *activity) startAttempt() {
	e := a.x.env
	if !a.x.open() || a.x.activities[a.scheduled] != a {
		return
	}
	fn, err := e.activity(a.attrs.ActivityType.GetName())
	if err != nil {
		e.fail(err)
		return
	}
	a.gen++
	a.running, a.start, a.lastBeat = true, e.clock.now, e.clock.now
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	info := actctx.Info{
		TaskToken: a.taskToken(), WorkflowNamespace: e.opts.Namespace, WorkflowID: a.x.id, WorkflowRunID: a.x.runID,
		WorkflowType: a.x.wfType, ActivityID: a.attrs.ActivityId, ActivityType: a.attrs.ActivityType.GetName(),
		TaskQueue: e.opts.TaskQueue, Attempt: a.attempt, ScheduledTime: a.firstTime, StartedTime: a.start,
		HeartbeatTimeout: a.attrs.HeartbeatTimeout.AsDuration(), ScheduleToCloseTimeout: a.attrs.ScheduleToCloseTimeout.AsDuration(),
		StartToCloseTimeout: a.attrs.StartToCloseTimeout.AsDuration(),
	}
	info.Deadline = a.deadline()
	gen := a.gen
	env := &actctx.Env{
		Info:             info,
		HeartbeatDetails: a.details,
		DataConverter:    e.opts.DataConverter,
		Logger:           lazylog.With(e.opts.Logger, "activity_type", info.ActivityType, "activity_id", info.ActivityID, "workflow_id", a.x.id),
		Heartbeat: func(d *commonpb.Payloads) {
			e.mu.Lock()
			defer e.mu.Unlock()
			if a.gen == gen {
				a.details, a.lastBeat = d, e.clock.now
			}
		},
	}
	a.armTimeout()
	e.running++
	input, header := a.attrs.Input, a.attrs.Header
	dc := e.opts.DataConverter
	if len(e.opts.ContextPropagators) > 0 {
		ctx = actworker.Extract(ctx, e.opts.ContextPropagators, header, env.Logger)
	}
	interceptors := e.opts.ActivityInterceptors
	// Pooled goroutines keep the stacks earlier attempts grew.
	e.goroutines.Go(func() {
		res, err := actworker.InvokeWith(actctx.With(ctx, env), interceptors, fn, dc, header, input)
		e.results <- attemptResult{a: a, gen: gen, result: res, err: err}
	})
}

// deadline is the attempt's virtual deadline: the earlier of its
// start-to-close and the activity's schedule-to-close.
func (a *activity) deadline() time.Time {
	var d time.Time
	if s := a.attrs.StartToCloseTimeout.AsDuration(); s > 0 {
		d = a.start.Add(s)
	}
	if s := a.attrs.ScheduleToCloseTimeout.AsDuration(); s > 0 {
		if c := a.firstTime.Add(s); d.IsZero() || c.Before(d) {
			d = c
		}
	}
	return d
}

// armTimeout schedules the check of the attempt's next timeout.
func (a *activity) armTimeout() {
	e := a.x.env
	e.clock.cancel(a.timeout)
	at, kind := a.deadline(), enumspb.TIMEOUT_TYPE_START_TO_CLOSE
	if s := a.attrs.ScheduleToCloseTimeout.AsDuration(); s > 0 && at.Equal(a.firstTime.Add(s)) {
		kind = enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE
	}
	if hb := a.attrs.HeartbeatTimeout.AsDuration(); hb > 0 {
		e.mu.Lock()
		beat := a.lastBeat.Add(hb)
		e.mu.Unlock()
		if at.IsZero() || beat.Before(at) {
			at, kind = beat, enumspb.TIMEOUT_TYPE_HEARTBEAT
		}
	}
	if at.IsZero() {
		return
	}
	gen := a.gen
	a.timeout = e.clock.after(at.Sub(e.clock.now), func() {
		if a.gen != gen || !a.running {
			return
		}
		if kind == enumspb.TIMEOUT_TYPE_HEARTBEAT {
			e.mu.Lock()
			beat := a.lastBeat.Add(a.attrs.HeartbeatTimeout.AsDuration())
			e.mu.Unlock()
			if beat.After(e.clock.now) {
				a.armTimeout()
				return
			}
		}
		a.stopAttempt()
		e.mu.Lock()
		details := a.details
		e.mu.Unlock()
		// As on a server, the failure carries the last heartbeat details.
		a.failed(temporal.NewTimeoutErrorFromWire("", kind, nil, details, e.opts.DataConverter), kind)
	})
}

// stopAttempt abandons the running attempt: its result will be stale.
func (a *activity) stopAttempt() {
	a.running, a.async = false, false
	a.gen++
	if a.cancel != nil {
		a.cancel()
	}
	a.x.env.clock.cancel(a.timeout)
}

// finished takes an attempt's result.
func (e *Env) finished(r attemptResult) {
	e.running--
	a := r.a
	if r.gen != a.gen || !a.running || !a.x.open() {
		return
	}
	if errors.Is(r.err, actctx.ErrResultPending) {
		// Open until CompleteActivity, or its timeouts on the virtual clock.
		a.async = true
		return
	}
	a.settle(r.result, r.err)
}

// settle ends the running attempt with its outcome.
func (a *activity) settle(result *commonpb.Payloads, err error) {
	a.stopAttempt()
	switch {
	case err == nil:
		started := a.startedEvent()
		a.x.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, &historypb.ActivityTaskCompletedEventAttributes{
			Result: result, ScheduledEventId: a.scheduled, StartedEventId: started, Identity: identity})
		delete(a.x.activities, a.scheduled)
	case a.cancelReq != 0 && (temporal.IsCanceledError(err) || errors.Is(err, context.Canceled)):
		a.canceled(a.startedEvent())
	default:
		a.failed(err, enumspb.TIMEOUT_TYPE_UNSPECIFIED)
	}
}

// failed retries the activity per its policy, or records its failure.
func (a *activity) failed(err error, timeout enumspb.TimeoutType) {
	e := a.x.env
	f := e.opts.FailureConverter.ErrorToFailure(err)
	a.lastFail = f
	delay, again := actworker.RetrySchedule(temporal.RetryPolicyFromProto(a.attrs.RetryPolicy)).Next(err, a.attempt)
	state := enumspb.RETRY_STATE_IN_PROGRESS
	switch {
	case timeout == enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE:
		state = enumspb.RETRY_STATE_TIMEOUT
	case !again && a.attrs.RetryPolicy.GetMaximumAttempts() > 0 && a.attempt >= a.attrs.RetryPolicy.GetMaximumAttempts():
		state = enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED
	case !again:
		state = enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE
	case a.cancelReq != 0:
		state = enumspb.RETRY_STATE_CANCEL_REQUESTED
	default:
		if s := a.attrs.ScheduleToCloseTimeout.AsDuration(); s > 0 && !e.clock.now.Add(delay).Before(a.firstTime.Add(s)) {
			state = enumspb.RETRY_STATE_TIMEOUT
		}
	}
	if state == enumspb.RETRY_STATE_IN_PROGRESS {
		a.attempt++
		a.retry = e.clock.after(delay, a.startAttempt)
		return
	}
	started := a.startedEvent()
	if timeout != enumspb.TIMEOUT_TYPE_UNSPECIFIED {
		a.x.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, &historypb.ActivityTaskTimedOutEventAttributes{
			Failure: f, ScheduledEventId: a.scheduled, StartedEventId: started, RetryState: state})
	} else {
		a.x.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED, &historypb.ActivityTaskFailedEventAttributes{
			Failure: f, ScheduledEventId: a.scheduled, StartedEventId: started, RetryState: state, Identity: identity})
	}
	delete(a.x.activities, a.scheduled)
}

// startedEvent records ActivityTaskStarted for the last attempt, as the
// server does when the attempt ends.
func (a *activity) startedEvent() int64 {
	ev := a.x.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED, &historypb.ActivityTaskStartedEventAttributes{
		ScheduledEventId: a.scheduled, Identity: identity, Attempt: a.attempt, LastFailure: a.lastFail})
	return ev.EventId
}

func (a *activity) canceled(started int64) {
	a.x.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED, &historypb.ActivityTaskCanceledEventAttributes{
		Details: a.details, LatestCancelRequestedEventId: a.cancelReq, ScheduledEventId: a.scheduled, StartedEventId: started, Identity: identity})
	delete(a.x.activities, a.scheduled)
}

// cancelActivity records a cancellation request: a running attempt's
// context is cancelled and its outcome decides; an activity waiting for
// its next attempt is cancelled at once.
func (x *execution) cancelActivity(scheduled, completed int64) {
	ev := x.add(enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, &historypb.ActivityTaskCancelRequestedEventAttributes{
		ScheduledEventId: scheduled, WorkflowTaskCompletedEventId: completed})
	a, ok := x.activities[scheduled]
	if !ok {
		return
	}
	a.cancelReq = ev.EventId
	if a.running {
		a.cancel()
		return
	}
	x.env.clock.cancel(a.retry)
	a.canceled(0)
}

// abandonActivities stops every attempt of a closed run.
func (x *execution) abandonActivities() {
	for _, a := range x.activities {
		if a.running {
			a.stopAttempt()
		}
		x.env.clock.cancel(a.retry)
	}
	clear(x.activities)
}

// runLocals runs local activities in process, one after the other, on
// the virtual clock.
func (e *Env) runLocals(out engine.Output) []engine.LocalActivityResult {
	results := make([]engine.LocalActivityResult, 0, len(out.RunLocal))
	for _, req := range out.RunLocal {
		res := e.locals.Run(context.Background(), req)
		res.Seq = req.Seq
		results = append(results, res)
	}
	return results
}

// envActivities finds an activity type among the mocks, then the
// registered activities.
type envActivities struct{ e *Env }

func (a envActivities) Lookup(name string) (actworker.Func, bool) {
	fn, err := a.e.activity(name)
	return fn, err == nil
}

func (a envActivities) Names() []string { return append(a.e.activities.Names(), a.e.mocks.Names()...) }

// virtualClock is the clock local activities run on.
type virtualClock struct{ e *Env }

func (c virtualClock) Now() time.Time { return c.e.Now() }

func (c virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.e.mu.Lock()
	c.e.clock.now = c.e.clock.now.Add(d)
	c.e.mu.Unlock()
	return nil
}
