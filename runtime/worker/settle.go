package worker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/internal/coro"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// settleTimeout bounds the RPC that answers a task.
const settleTimeout = 30 * time.Second

// settle carries out the end of a workflow task: it answers the server
// with the step's output (or fails the task with its error) and decides
// the run's fate: back into the cache, closed, or — deadlocked — left
// alone. It is the only place a run is settled. A nil task means the task
// is gone (a failed heartbeat): the run is dropped and nothing is sent.
func (w *Worker) settle(task *workflowservice.PollWorkflowTaskQueueResponse, run *engine.Run, out engine.Output, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
	defer cancel()
	var dl *temporal.DeadlockError
	deadlocked := errors.As(err, &dl)
	switch {
	case task == nil:
		run.Close()
	case task.Query != nil:
		w.settleQuery(ctx, task, run, out, err, deadlocked)
	case err != nil:
		if !deadlocked { // a stuck run is never touched again
			run.Close()
		}
		if w.cache != nil {
			w.metrics.dropped(1)
		}
		w.failTask(ctx, task, err)
	default:
		w.complete(ctx, task, run, out)
	}
}

// complete answers a task with the step's commands, messages and query
// answers, caching the run first when it may stay cached.
func (w *Worker) complete(ctx context.Context, task *workflowservice.PollWorkflowTaskQueueResponse, run *engine.Run, out engine.Output) {
	req := &workflowservice.RespondWorkflowTaskCompletedRequest{
		TaskToken:    task.TaskToken,
		Commands:     out.Commands,
		Messages:     out.Messages,
		QueryResults: out.QueryResults,
		Identity:     w.opts.Identity,
		Namespace:    w.client.Namespace(),
		Capabilities: &workflowservice.RespondWorkflowTaskCompletedRequest_Capabilities{
			DiscardSpeculativeWorkflowTaskWithEvents: false,
		},
	}
	if !run.SDKRecorded() {
		req.SdkMetadata = &sdkpb.WorkflowTaskCompletedMetadata{SdkName: SDKName, SdkVersion: SDKVersion}
	}
	// The definition's versioning behavior is not sent: the server
	// rejects it from a worker without deployment versioning.

	// Eager activities are marked before the run is cached: then no
	// other task of the run can see its commands change.
	eager := w.reserveEagerActivities(req.Commands)
	runID := task.GetWorkflowExecution().GetRunId()
	keep := w.cache != nil && out.Keep
	if keep {
		req.StickyAttributes = w.stickyAttrs
		// Cache the run before answering: once the server has the
		// completion it may hand out the workflow's next task (an update,
		// a query) before this RPC returns, and that task must find the
		// run rather than replay, or be answered by an older cached run.
		w.metrics.cacheSize(w.cache.put(runID, run))
	} else {
		defer run.Close()
	}
	w.metrics.closed(task, run.Info(), out.Commands)
	resp, err := w.svc.RespondWorkflowTaskCompleted(ctx, req)
	if eager > 0 || len(resp.GetActivityTasks()) > 0 {
		w.runEagerActivities(resp.GetActivityTasks(), eager)
	}
	if client.IsMessageTooLarge(err) {
		// Sending it again would fail again: fail the task with the
		// cause the server knows, so history shows why.
		w.failTask(ctx, task, fmt.Errorf("workflow task completion of %d commands is larger than the server accepts: %w", len(req.Commands), err))
	} else if err != nil {
		w.log.Warn("completing workflow task failed; dropping the cached run",
			"workflow_id", task.GetWorkflowExecution().GetWorkflowId(), "error", err)
	}
	// After a failed completion, or when the server dropped a speculative
	// task (a rejected update), the run has seen events that are not in
	// history. A task that took it meanwhile finds that out by event id.
	if keep && (err != nil || resp.GetResetHistoryEventId() > 0) && w.cache.remove(runID, run) {
		run.Close()
	}
}

// settleQuery answers a legacy query task. The run goes back to the
// cache before the answer is sent (the answer may let a client send the
// workflow its next task at once) unless bringing it up to date failed.
func (w *Worker) settleQuery(ctx context.Context, task *workflowservice.PollWorkflowTaskQueueResponse, run *engine.Run, out engine.Output, err error, deadlocked bool) {
	switch {
	case err == nil && w.cache != nil && out.Keep:
		w.metrics.cacheSize(w.cache.put(task.GetWorkflowExecution().GetRunId(), run))
	case !deadlocked:
		defer run.Close()
	}
	req := &workflowservice.RespondQueryTaskCompletedRequest{TaskToken: task.TaskToken, Namespace: w.client.Namespace()}
	if err != nil {
		req.CompletedType = enumspb.QUERY_RESULT_TYPE_FAILED
		req.ErrorMessage = err.Error()
		req.Failure = w.fc.ErrorToFailure(err)
	} else {
		a := out.QueryAnswer
		req.CompletedType, req.QueryResult, req.ErrorMessage, req.Failure = a.GetResultType(), a.GetAnswer(), a.GetErrorMessage(), a.GetFailure()
	}
	if _, rerr := w.svc.RespondQueryTaskCompleted(ctx, req); rerr != nil {
		w.log.Warn("answering query failed", "workflow_id", task.GetWorkflowExecution().GetWorkflowId(), "query", task.Query.GetQueryType(), "error", rerr)
	}
}

// failTask reports a failed workflow task, on its first attempt only.
func (w *Worker) failTask(ctx context.Context, task *workflowservice.PollWorkflowTaskQueueResponse, err error) {
	exec := task.GetWorkflowExecution()
	err = w.describeFailure(err, exec.GetWorkflowId(), exec.GetRunId())
	cause := causeOf(err)
	w.metrics.failed(task, cause)
	w.log.Error("workflow task failed", "workflow_id", exec.GetWorkflowId(), "run_id", exec.GetRunId(),
		"attempt", task.Attempt, "cause", cause.String(), "error", err)
	if task.Attempt > 1 {
		return
	}
	_, rerr := w.svc.RespondWorkflowTaskFailed(ctx, &workflowservice.RespondWorkflowTaskFailedRequest{
		TaskToken: task.TaskToken,
		Cause:     cause,
		Failure:   &failurepb.Failure{Message: err.Error(), StackTrace: stackOf(err), Source: SDKName},
		Identity:  w.opts.Identity,
		Namespace: w.client.Namespace(),
	})
	if rerr != nil {
		w.log.Warn("reporting workflow task failure failed", "workflow_id", exec.GetWorkflowId(), "error", rerr)
	}
}

func causeOf(err error) enumspb.WorkflowTaskFailedCause {
	var nd *temporal.NondeterminismError
	if errors.As(err, &nd) {
		return enumspb.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR
	}
	if client.IsMessageTooLarge(err) {
		return enumspb.WORKFLOW_TASK_FAILED_CAUSE_GRPC_MESSAGE_TOO_LARGE
	}
	return enumspb.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE
}

func stackOf(err error) string {
	var pe *coro.PanicError
	if errors.As(err, &pe) {
		return pe.Stack
	}
	var dl *temporal.DeadlockError
	if errors.As(err, &dl) {
		return dl.Stack
	}
	return ""
}

// describeFailure names the execution in a task failure and lists the
// registered workflow types when the task named an unknown one.
func (w *Worker) describeFailure(err error, workflowID, runID string) error {
	var nd *temporal.NondeterminismError
	if errors.As(err, &nd) && nd.WorkflowID == "" {
		nd.WorkflowID, nd.RunID = workflowID, runID
	}
	var dl *temporal.DeadlockError
	if errors.As(err, &dl) && dl.WorkflowID == "" {
		dl.WorkflowID, dl.RunID = workflowID, runID
	}
	var uw *engine.UnknownWorkflowError
	if errors.As(err, &uw) {
		return fmt.Errorf("%w; registered workflow types: [%s]", err, strings.Join(w.workflows.Names(), ", "))
	}
	return err
}
