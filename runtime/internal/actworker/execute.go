package actworker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/internal/lazylog"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Error types of failures the worker itself reports.
const (
	// ActivityNotRegisteredErrorType is the failure type reported for an
	// activity type this worker does not know. It is retryable.
	ActivityNotRegisteredErrorType = "ActivityNotRegisteredError"
	// WorkerShutdownErrorType is the failure type reported for an activity
	// that returned because the worker canceled it while stopping. It is
	// retryable.
	WorkerShutdownErrorType = "WorkerShutdown"
	// LocalResultPendingErrorType is the failure type of a local activity
	// that returned activity.ErrResultPending, which only activities run
	// from a task queue may return. It is not retryable.
	LocalResultPendingErrorType = "LocalActivityResultPending"
)

// Cancellation causes set on an activity context by heartbeat responses.
var (
	errActivityGone   = errors.New("activity no longer exists on the server (timed out, completed elsewhere or workflow closed)")
	errActivityPaused = errors.New("activity paused")
	errActivityReset  = errors.New("activity reset")
)

// attempt is the mutable state one running activity attempt shares with
// its heartbeat goroutine.
type attempt struct {
	cancel          context.CancelCauseFunc
	cancelRequested atomic.Bool // the server asked the activity to cancel
	gone            atomic.Bool // the server no longer knows the task
}

// infoFromTask extracts the attempt's Info from a polled task.
func infoFromTask(t *workflowservice.PollActivityTaskQueueResponse, taskQueue string) actctx.Info {
	info := actctx.Info{
		TaskToken:              t.GetTaskToken(),
		WorkflowNamespace:      t.GetWorkflowNamespace(),
		WorkflowID:             t.GetWorkflowExecution().GetWorkflowId(),
		WorkflowRunID:          t.GetWorkflowExecution().GetRunId(),
		WorkflowType:           t.GetWorkflowType().GetName(),
		ActivityID:             t.GetActivityId(),
		ActivityType:           t.GetActivityType().GetName(),
		TaskQueue:              taskQueue,
		Attempt:                t.GetAttempt(),
		HeartbeatTimeout:       t.GetHeartbeatTimeout().AsDuration(),
		ScheduleToCloseTimeout: t.GetScheduleToCloseTimeout().AsDuration(),
		StartToCloseTimeout:    t.GetStartToCloseTimeout().AsDuration(),
	}
	if t.GetScheduledTime() != nil {
		info.ScheduledTime = t.GetScheduledTime().AsTime()
	}
	if t.GetStartedTime() != nil {
		info.StartedTime = t.GetStartedTime().AsTime()
	}
	info.Deadline = deadline(info)
	return info
}

// deadline is the earlier of started+start-to-close and
// scheduled+schedule-to-close, or zero when neither timeout is set.
func deadline(info actctx.Info) time.Time {
	var d time.Time
	if info.StartToCloseTimeout > 0 && !info.StartedTime.IsZero() {
		d = info.StartedTime.Add(info.StartToCloseTimeout)
	}
	if info.ScheduleToCloseTimeout > 0 && !info.ScheduledTime.IsZero() {
		if s := info.ScheduledTime.Add(info.ScheduleToCloseTimeout); d.IsZero() || s.Before(d) {
			d = s
		}
	}
	return d
}

// execute runs one task and reports its outcome.
func (p *Poller) execute(task *workflowservice.PollActivityTaskQueueResponse) {
	info := infoFromTask(task, p.cfg.TaskQueue)
	log := lazylog.With(p.log,
		"activity_id", info.ActivityID, "activity_type", info.ActivityType,
		"workflow_id", info.WorkflowID, "run_id", info.WorkflowRunID, "workflow_type", info.WorkflowType, "attempt", info.Attempt)

	m := p.m.With(temporal.TagActivityType, info.ActivityType).With(temporal.TagWorkflowType, info.WorkflowType)
	if s, t := task.GetCurrentAttemptScheduledTime(), task.GetStartedTime(); m != nil && s != nil && t != nil {
		m.Record(temporal.MetricActivityScheduleToStartLatency, t.AsTime().Sub(s.AsTime()))
	}
	fn, ok := p.reg.Lookup(info.ActivityType)
	if !ok {
		m.Inc(temporal.MetricUnregisteredActivityInvocation)
		m.Inc(temporal.MetricActivityExecutionFailed)
		names := p.reg.Names()
		log.Error("activity type not registered on this worker", "registered", names)
		err := temporal.NewApplicationError(
			fmt.Sprintf("activity type %q is not registered on this worker; registered types: [%s]", info.ActivityType, strings.Join(names, ", ")),
			ActivityNotRegisteredErrorType)
		p.respondFailed(log, info.TaskToken, err, nil)
		return
	}

	ctx, cancel := context.WithCancelCause(p.actCtx)
	defer cancel(nil)
	if !info.Deadline.IsZero() {
		var cancelDeadline context.CancelFunc
		ctx, cancelDeadline = context.WithDeadline(ctx, info.Deadline)
		defer cancelDeadline()
	}
	att := &attempt{cancel: cancel}
	if len(p.cfg.Propagators) > 0 {
		ctx = Extract(ctx, p.cfg.Propagators, task.GetHeader(), log)
	}

	hbCtx, hbCancel := context.WithCancel(context.Background())
	th := newThrottler(throttleInterval(info.HeartbeatTimeout), time.After, func(details *commonpb.Payloads) {
		p.heartbeat(hbCtx, log, info.TaskToken, details, att)
	})
	env := &actctx.Env{
		Info:             info,
		Heartbeat:        th.Record,
		HeartbeatDetails: task.GetHeartbeatDetails(),
		DataConverter:    p.cfg.DataConverter,
		Logger:           log,
		Metrics:          m.Handler(),
		WorkerStop:       p.cfg.Stopping,
	}
	log.Debug("activity task started")
	started := time.Now()
	result, err := InvokeWith(actctx.With(ctx, env), p.cfg.Interceptors, fn, p.cfg.DataConverter, task.GetHeader(), task.GetInput())
	m.Since(temporal.MetricActivityExecutionLatency, started)
	cause := context.Cause(ctx)
	hbCancel()
	th.Close()

	switch {
	case errors.Is(err, actctx.ErrResultPending):
		// Completed later through the client, by task token or IDs; the
		// slot is freed when execute returns and heartbeating stopped above.
		log.Debug("activity result pending: the task stays open until it is completed through the client")
	case att.gone.Load():
		log.Debug("activity result dropped: the server no longer knows this activity", "error", err)
	case errors.Is(cause, context.DeadlineExceeded):
		log.Info("activity result dropped: the activity returned after its deadline", "error", err)
	case err == nil:
		p.respondCompleted(log, info.TaskToken, result)
		if s := task.GetScheduledTime(); m != nil && s != nil {
			m.Since(temporal.MetricActivitySucceedEndToEndLatency, s.AsTime())
		}
	case att.cancelRequested.Load() && (errors.Is(err, context.Canceled) || temporal.IsCanceledError(err)):
		m.Inc(temporal.MetricActivityExecutionCanceled)
		log.Debug("activity canceled", "error", err)
		p.respondCanceled(log, info.TaskToken, canceledDetails(p, err))
	default:
		m.Inc(temporal.MetricActivityExecutionFailed)
		err = classify(err, cause)
		var pe *temporal.PanicError
		if errors.As(err, &pe) {
			log.Error("activity panicked", "panic", pe.Message(), "stack", pe.StackTrace())
		} else {
			log.Warn("activity failed", "error", err)
		}
		p.respondFailed(log, info.TaskToken, err, th.Latest())
	}
}

// Invoke calls fn, turning a panic into a *temporal.PanicError.
func Invoke(ctx context.Context, fn Func, dc converter.DataConverter, input *commonpb.Payloads) (result *commonpb.Payloads, err error) {
	defer func() {
		if r := recover(); r != nil {
			result = nil
			err = temporal.NewPanicError(r, string(debug.Stack()))
		}
	}()
	return fn(ctx, dc, input)
}

// classify rewrites errors whose meaning depends on why the context was
// canceled, so that the reported failure says what happened.
func classify(err, cause error) error {
	if errors.Is(err, context.Canceled) {
		switch {
		case errors.Is(cause, errWorkerShutdown):
			return temporal.NewApplicationErrorWithOptions("activity canceled: worker is shutting down",
				temporal.ApplicationErrorOptions{Type: WorkerShutdownErrorType, Cause: err})
		case errors.Is(cause, errActivityPaused), errors.Is(cause, errActivityReset):
			return temporal.NewApplicationErrorWithOptions("activity canceled: "+cause.Error(),
				temporal.ApplicationErrorOptions{Cause: err})
		}
	}
	if temporal.IsCanceledError(err) {
		// The server did not ask for cancellation, so the task cannot be
		// reported canceled.
		return temporal.NewApplicationErrorWithOptions("unexpected activity cancel error",
			temporal.ApplicationErrorOptions{Cause: err})
	}
	return err
}

// canceledDetails returns the details of a temporal.CanceledError in err,
// encoded, or nil.
func canceledDetails(p *Poller, err error) *commonpb.Payloads {
	var ce *temporal.CanceledError
	if !errors.As(err, &ce) {
		return nil
	}
	if enc := ce.EncodedDetails(); enc != nil {
		return enc
	}
	if len(ce.DetailValues()) == 0 {
		return nil
	}
	ps, encErr := p.cfg.DataConverter.ToPayloads(ce.DetailValues()...)
	if encErr != nil {
		p.log.Warn("cancellation details cannot be encoded; dropped", "error", encErr)
		return nil
	}
	return ps
}

// heartbeat sends one heartbeat and acts on the response.
func (p *Poller) heartbeat(ctx context.Context, log *slog.Logger, token []byte, details *commonpb.Payloads, att *attempt) {
	rctx, cancel := context.WithTimeout(ctx, rpcTimeout)
	defer cancel()
	resp, err := p.cfg.Service.RecordActivityTaskHeartbeat(rctx, &workflowservice.RecordActivityTaskHeartbeatRequest{
		TaskToken: token,
		Details:   details,
		Identity:  p.cfg.Identity,
		Namespace: p.cfg.Namespace,
	})
	switch {
	case err != nil && isNotFound(err):
		log.Debug("heartbeat: activity no longer exists on the server; canceling it", "error", err)
		att.gone.Store(true)
		att.cancel(errActivityGone)
	case err != nil:
		if ctx.Err() == nil {
			log.Warn("heartbeat failed", "error", err)
		}
	case resp.GetCancelRequested():
		log.Debug("heartbeat: cancellation requested")
		att.cancelRequested.Store(true)
		att.cancel(temporal.NewCanceledError())
	case resp.GetActivityPaused():
		log.Info("heartbeat: activity paused; canceling it")
		att.cancel(errActivityPaused)
	case resp.GetActivityReset():
		log.Info("heartbeat: activity reset; canceling it")
		att.cancel(errActivityReset)
	}
}
