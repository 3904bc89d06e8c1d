package worker

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/lazylog"
	"github.com/temporalgen/temporalgen/runtime/internal/sm"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// localRunner runs the local activities of one workflow task in process.
type localRunner struct {
	w       *Worker
	results chan engine.LocalActivityResult
	cancels map[int64]context.CancelFunc
	abandon map[int64]bool // abandoned on cancellation: left running by stop
	done    chan struct{}  // closed by stop: nobody reads results any more
	running int
}

func (w *Worker) newLocalRunner() *localRunner {
	return &localRunner{w: w, results: make(chan engine.LocalActivityResult, 16), cancels: make(map[int64]context.CancelFunc),
		abandon: make(map[int64]bool), done: make(chan struct{})}
}

// start runs each request in its own goroutine and cancels the ones asked.
func (lr *localRunner) start(c engine.Output) {
	for _, seq := range c.CancelLocal {
		if cancel, ok := lr.cancels[seq]; ok {
			cancel()
		}
	}
	for _, req := range c.RunLocal {
		ctx, cancel := context.WithCancel(lr.w.localCtx)
		lr.cancels[req.Seq] = cancel
		lr.abandon[req.Seq] = req.Options.CancellationType == sm.Abandon
		lr.running++
		go func() {
			res := lr.w.runLocal(ctx, req)
			res.Seq = req.Seq
			select {
			case lr.results <- res:
			case <-lr.done:
			}
		}()
	}
}

// collect waits for at least one result (or the deadline) and returns all
// results available.
func (lr *localRunner) collect(deadline <-chan time.Time) ([]engine.LocalActivityResult, bool) {
	var out []engine.LocalActivityResult
	select {
	case r := <-lr.results:
		out = append(out, r)
	case <-deadline:
		return nil, false
	}
	for {
		select {
		case r := <-lr.results:
			out = append(out, r)
		default:
			for _, r := range out {
				lr.running--
				if cancel, ok := lr.cancels[r.Seq]; ok {
					cancel()
					delete(lr.cancels, r.Seq)
				}
			}
			return out, true
		}
	}
}

// stop cancels everything still running, except activities the workflow
// abandoned, which run on; results are dropped.
func (lr *localRunner) stop() {
	close(lr.done)
	for seq, cancel := range lr.cancels {
		if !lr.abandon[seq] {
			cancel()
		}
	}
}

// runLocal runs attempts of a local activity until it succeeds, fails for
// good, or needs a backoff longer than the local retry threshold.
func (w *Worker) runLocal(ctx context.Context, req engine.LocalActivityRequest) engine.LocalActivityResult {
	fn, ok := w.activities.Lookup(req.ActivityType)
	if !ok {
		err := temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("local activity type %q is not registered on this worker; registered types: [%s]",
				req.ActivityType, strings.Join(w.activities.Names(), ", ")),
			actworker.ActivityNotRegisteredErrorType, nil)
		return engine.LocalActivityResult{Failure: w.fc.ErrorToFailure(err), Attempt: req.Attempt, CompleteTime: time.Now()}
	}
	opts := req.Options
	policy := retryDefaults(temporal.RetryPolicyFromProto(opts.RetryPolicy))
	var deadline time.Time
	if opts.ScheduleToCloseTimeout > 0 {
		deadline = req.ScheduleTime.Add(opts.ScheduleToCloseTimeout)
	}
	for attempt := req.Attempt; ; attempt++ {
		result, err := w.localAttempt(ctx, req, fn, attempt, deadline)
		now := time.Now()
		if err == nil {
			return engine.LocalActivityResult{Result: result, Attempt: attempt, CompleteTime: now}
		}
		fail := func() engine.LocalActivityResult {
			return engine.LocalActivityResult{Failure: w.fc.ErrorToFailure(err), Attempt: attempt, CompleteTime: now}
		}
		if ctx.Err() != nil || !retryable(err, policy) || (policy.MaximumAttempts > 0 && attempt >= policy.MaximumAttempts) {
			return fail()
		}
		delay := retryDelay(err, policy, attempt)
		if !deadline.IsZero() && now.Add(delay).After(deadline) {
			return fail()
		}
		if delay > opts.LocalRetryThreshold {
			r := fail()
			r.Backoff = delay
			return r
		}
		select {
		case <-ctx.Done():
			return engine.LocalActivityResult{Failure: w.fc.ErrorToFailure(temporal.NewCanceledError()), Attempt: attempt, CompleteTime: time.Now()}
		case <-time.After(delay):
		}
	}
}

func (w *Worker) localAttempt(ctx context.Context, req engine.LocalActivityRequest, fn actworker.Func, attempt int32, deadline time.Time) (*commonpb.Payloads, error) {
	start := time.Now()
	if req.Options.StartToCloseTimeout > 0 {
		if d := start.Add(req.Options.StartToCloseTimeout); deadline.IsZero() || d.Before(deadline) {
			deadline = d
		}
	}
	actx := ctx
	if !deadline.IsZero() {
		var cancel context.CancelFunc
		actx, cancel = context.WithDeadline(ctx, deadline)
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
		DataConverter: w.dc,
		Logger:        lazylog.With(w.log, "activity_type", req.ActivityType, "activity_id", req.ActivityID, "workflow_id", req.WorkflowID, "local", true),
	}
	result, err := actworker.Invoke(actctx.With(actx, env), fn, w.dc, req.Input)
	if err != nil && errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		tt := enumspb.TIMEOUT_TYPE_START_TO_CLOSE
		if !deadline.IsZero() && req.Options.ScheduleToCloseTimeout > 0 && deadline.Equal(req.ScheduleTime.Add(req.Options.ScheduleToCloseTimeout)) {
			tt = enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE
		}
		err = temporal.NewTimeoutError(tt, nil)
	}
	if err != nil && ctx.Err() != nil {
		err = temporal.NewCanceledError()
	}
	return result, err
}

func retryDefaults(p *temporal.RetryPolicy) temporal.RetryPolicy {
	out := temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2}
	if p != nil {
		out = *p
	}
	if out.InitialInterval <= 0 {
		out.InitialInterval = time.Second
	}
	if out.BackoffCoefficient < 1 {
		out.BackoffCoefficient = 2
	}
	if out.MaximumInterval <= 0 {
		out.MaximumInterval = 100 * out.InitialInterval
	}
	return out
}

func retryable(err error, p temporal.RetryPolicy) bool {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		if ae.NonRetryable() {
			return false
		}
		for _, t := range p.NonRetryableErrorTypes {
			if t == ae.Type() {
				return false
			}
		}
	}
	return !temporal.IsCanceledError(err)
}

func retryDelay(err error, p temporal.RetryPolicy, attempt int32) time.Duration {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) && ae.NextRetryDelay() > 0 {
		return ae.NextRetryDelay()
	}
	d := float64(p.InitialInterval) * math.Pow(p.BackoffCoefficient, float64(attempt-1))
	if d > float64(p.MaximumInterval) {
		d = float64(p.MaximumInterval)
	}
	return time.Duration(d)
}

// runLocals runs the local activities of a workflow task until the task
// can complete, and returns the task to answer (a heartbeat replaces it)
// with the step output that completes it. While the activities run past
// out.HeartbeatAfter, it completes the task with the commands so far and
// asks the server for a new one (a workflow task heartbeat), so the task
// does not time out. A nil task comes back when a heartbeat failed.
func (w *Worker) runLocals(task *workflowservice.PollWorkflowTaskQueueResponse, run *engine.Run, out engine.Output) (*workflowservice.PollWorkflowTaskQueueResponse, engine.Output, error) {
	lr := w.newLocalRunner()
	defer lr.stop()
	hb := time.NewTimer(out.HeartbeatAfter)
	defer hb.Stop()
	var err error
	for err == nil && out.WaitLocal {
		lr.start(out)
		results, ok := lr.collect(hb.C)
		switch {
		case ok && w.localCtx.Err() != nil:
			// The worker is shutting down and cancelled the local
			// activities: record nothing, and fail the task so that
			// another worker runs them again at once.
			err = errLocalShutdown
		case ok:
			out, err = w.step(run, engine.Input{LocalResults: results})
		default:
			task, err = w.heartbeatTask(task, run)
			if err == nil {
				next := task
				out, err = w.step(run, engine.Input{Task: &engine.Task{Events: after(next.GetHistory().GetEvents(), run.LastEventID()),
					StartedEventID: next.StartedEventId, Messages: next.Messages, Queries: next.Queries}})
			}
			hb.Reset(out.HeartbeatAfter)
		}
	}
	return task, out, err
}

var (
	errHeartbeat     = errors.New("workflow task heartbeat failed")
	errLocalShutdown = errors.New("worker shutting down: local activities cancelled before they finished")
)

// heartbeatTask completes task with the commands issued so far and returns
// the new workflow task the server creates for the run.
func (w *Worker) heartbeatTask(task *workflowservice.PollWorkflowTaskQueueResponse, run *engine.Run) (*workflowservice.PollWorkflowTaskQueueResponse, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	hb, err := run.Step(engine.Input{Heartbeat: true})
	if err != nil {
		return nil, err
	}
	resp, err := w.svc.RespondWorkflowTaskCompleted(ctx, &workflowservice.RespondWorkflowTaskCompletedRequest{
		TaskToken:                  task.TaskToken,
		Commands:                   hb.Commands,
		Messages:                   hb.Messages,
		QueryResults:               hb.QueryResults,
		Identity:                   w.client.Identity(),
		Namespace:                  w.client.Namespace(),
		ForceCreateNewWorkflowTask: true,
		ReturnNewWorkflowTask:      true,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errHeartbeat, err)
	}
	if resp.GetWorkflowTask() == nil || len(resp.GetWorkflowTask().GetTaskToken()) == 0 {
		return nil, fmt.Errorf("%w: the server returned no new workflow task", errHeartbeat)
	}
	return resp.GetWorkflowTask(), nil
}

