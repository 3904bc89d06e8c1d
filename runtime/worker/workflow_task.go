package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/backoff"
	"github.com/temporalgen/temporalgen/runtime/internal/coro"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// SDKName and SDKVersion are recorded in workflow histories.
const (
	SDKName    = "temporalgen-go"
	SDKVersion = "0.1.0"
)

// idleCoroutines bounds the finished workflow coroutines a worker keeps
// for reuse by any run (see coro.Pool).
const idleCoroutines = 256

// longPollTimeout bounds one long poll; the server answers empty after
// about a minute.
const longPollTimeout = 70 * time.Second

func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (w *Worker) startWorkflowPollers(ctx context.Context) {
	n := w.opts.WorkflowPollers
	if w.stickyQueue != "" && n < 2 {
		n = 2 // one for the normal queue, one for the sticky queue
	}
	for i := range n {
		sticky := w.stickyQueue != "" && i%2 == 1
		// The request never changes; gRPC has encoded it by the time a
		// call returns, so one serves every poll of this poller.
		req := &workflowservice.PollWorkflowTaskQueueRequest{
			Namespace: w.client.Namespace(),
			TaskQueue: w.taskQueueProto(sticky),
			Identity:  w.client.Identity(),
		}
		w.wg.Add(1)
		go w.pollLoop(ctx, req)
	}
}

func (w *Worker) taskQueueProto(sticky bool) *taskqueuepb.TaskQueue {
	if sticky {
		return &taskqueuepb.TaskQueue{Name: w.stickyQueue, Kind: enumspb.TASK_QUEUE_KIND_STICKY, NormalName: w.taskQueue}
	}
	return &taskqueuepb.TaskQueue{Name: w.taskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL}
}

// pollLoop polls with req until ctx is done, as one of the worker's
// pollers (counted in w.wg). When a task arrives it hands polling on to a
// successor and handles the task itself: the task then runs at once on the
// goroutine, and thread, that received it, instead of waiting for another
// goroutine to be scheduled, and the successor's poll goes out right after.
func (w *Worker) pollLoop(ctx context.Context, req *workflowservice.PollWorkflowTaskQueueRequest) {
	failures := 0
	for {
		select {
		case w.slots <- struct{}{}:
		case <-ctx.Done():
			w.wg.Done()
			return
		}
		pctx, cancel := context.WithTimeout(ctx, longPollTimeout)
		resp, err := w.svc.PollWorkflowTaskQueue(pctx, req)
		cancel()
		if err != nil {
			<-w.slots
			if ctx.Err() != nil {
				w.wg.Done()
				return
			}
			failures++
			d := w.opts.PollBackoff.Delay(failures)
			w.log.Warn("workflow task poll failed; retrying", "error", err, "retry_in", d,
				"sticky", req.TaskQueue.Kind == enumspb.TASK_QUEUE_KIND_STICKY)
			if backoff.Wait(ctx, d) != nil {
				w.wg.Done()
				return
			}
			continue
		}
		failures = 0
		if len(resp.GetTaskToken()) == 0 {
			<-w.slots
			continue
		}
		w.tasks.Add(1)
		w.wg.Add(1)
		w.pool.Go(func() { w.pollLoop(ctx, req) })
		w.wg.Done() // this goroutine is no longer a poller
		w.handleTask(resp)
		w.tasks.Done()
		return
	}
}

// handleTask processes one workflow task and answers the server. It
// releases the task's slot when done.
func (w *Worker) handleTask(task *workflowservice.PollWorkflowTaskQueueResponse) {
	var once sync.Once
	release := func() { once.Do(func() { <-w.slots }) }
	defer release()
	// Bounds the RPCs of this task; workflow code itself is bounded by
	// the deadlock watchdog.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	exec := task.GetWorkflowExecution()
	runID := exec.GetRunId()

	var run *engine.Run
	if w.cache != nil {
		run = w.cache.take(runID)
	}
	cached := run != nil
	events := task.GetHistory().GetEvents()
	if len(task.NextPageToken) > 0 {
		var err error
		events, err = fetchHistory(ctx, w.svc, w.client.Namespace(), exec, task.NextPageToken, events)
		if err != nil {
			w.log.Error("workflow task dropped: history fetch failed", "workflow_id", exec.GetWorkflowId(), "error", err)
			if run != nil {
				run.Close()
			}
			return
		}
	}
	if run != nil && task.Query == nil && (len(events) == 0 || events[0].EventId != run.LastEventID()+1) {
		run.Close()
		run, cached = nil, false
	}
	if run == nil && (len(events) == 0 || events[0].EventId != 1) {
		partial := events
		var err error
		events, err = fetchHistory(ctx, w.svc, w.client.Namespace(), exec, nil, nil)
		if err != nil {
			w.log.Error("workflow task dropped: history fetch failed", "workflow_id", exec.GetWorkflowId(), "error", err)
			return
		}
		events = appendUnpersisted(trimAfter(events, task.StartedEventId), partial)
	}
	if run == nil {
		run = w.newRun(exec.GetWorkflowId(), runID)
	}

	if task.Query != nil {
		w.answerLegacyQuery(ctx, task, run, events, cached)
		return
	}
	res, err := w.apply(run, func() (engine.Completion, error) {
		return run.Apply(engine.Task{Events: events, StartedEventID: task.StartedEventId, Messages: task.Messages})
	})
	if errors.Is(err, errAbandoned) {
		return
	}
	var nd *temporal.NondeterminismError
	if errors.As(err, &nd) && run.Definition() != nil && run.Definition().FailWorkflow != nil && run.Definition().FailWorkflow(nd) {
		// The workflow asked for nondeterminism to fail it, not the task.
		run.Close()
		w.respondFailWorkflow(ctx, task, w.describeFailure(err, exec.GetWorkflowId(), runID))
		return
	}
	if err != nil {
		if !errors.Is(err, errDeadlock) {
			run.Close()
		}
		w.failTask(ctx, task, causeOf(err), w.describeFailure(err, exec.GetWorkflowId(), runID), stackOf(err))
		return
	}
	if res.WaitingForLocalActivities {
		w.runLocals(task, run, res)
		return
	}
	w.complete(ctx, task, run, res)
}

var (
	errDeadlock  = errors.New("deadlock")
	errAbandoned = errors.New("task abandoned")
)

// apply runs a task through the engine under the deadlock watchdog. A
// deadlocked run is never touched again: its coroutine keeps its
// goroutine until the user code returns.
func (w *Worker) apply(run *engine.Run, step func() (engine.Completion, error)) (engine.Completion, error) {
	deadlock := make(chan error, 1)
	done := w.watchdog.watch(run.Scheduler(), func(name, stack string) {
		deadlock <- fmt.Errorf("%w: [TMPRL1101] potential deadlock detected: workflow coroutine %q did not yield for over %s\n%s",
			errDeadlock, name, w.opts.DeadlockTimeout, stack)
	})
	type result struct {
		c   engine.Completion
		err error
	}
	out := make(chan result, 1)
	w.pool.Go(func() {
		c, err := step()
		out <- result{c, err}
	})
	select {
	case res := <-out:
		if done() {
			return res.c, res.err
		}
		// The watchdog fired just as the task finished.
		return engine.Completion{}, <-deadlock
	case err := <-deadlock:
		return engine.Completion{}, err
	}
}

func (w *Worker) newRun(workflowID, runID string) *engine.Run {
	return engine.NewRun(engine.Config{
		Namespace:        w.client.Namespace(),
		TaskQueue:        w.taskQueue,
		DataConverter:    w.dc,
		FailureConverter: w.fc,
		Logger:           w.log,
		Metrics:          w.opts.MetricsHandler,
		Coroutines:       w.coroutines,
		Lookup: func(t string) (*engine.Definition, bool) {
			if d, ok := w.workflows[t]; ok {
				return d, true
			}
			return w.dynamic, w.dynamic != nil
		},
	}, workflowID, runID)
}

// appendUnpersisted appends the events of a task's partial history that
// follow the fetched history. A speculative workflow task (one delivering
// an update) has its WorkflowTaskScheduled and WorkflowTaskStarted events
// only in the task: the server does not persist them, so a full history
// fetch does not return them.
func appendUnpersisted(fetched, partial []*historypb.HistoryEvent) []*historypb.HistoryEvent {
	if len(fetched) == 0 {
		return fetched
	}
	next := fetched[len(fetched)-1].EventId + 1
	for i, e := range partial {
		if e.EventId == next {
			return append(fetched, partial[i:]...)
		}
	}
	return fetched
}

// trimAfter drops events past the task's started event (history fetched
// after the task was delivered may already hold newer events).
func trimAfter(events []*historypb.HistoryEvent, started int64) []*historypb.HistoryEvent {
	if started == 0 {
		return events
	}
	for i, e := range events {
		if e.EventId > started {
			return events[:i]
		}
	}
	return events
}

func (w *Worker) complete(ctx context.Context, task *workflowservice.PollWorkflowTaskQueueResponse, run *engine.Run, c engine.Completion) {
	req := &workflowservice.RespondWorkflowTaskCompletedRequest{
		TaskToken:    task.TaskToken,
		Commands:     c.Commands,
		Messages:     c.Messages,
		QueryResults: w.answerQueries(run, task.Queries),
		Identity:     w.client.Identity(),
		Namespace:    w.client.Namespace(),
		Capabilities: &workflowservice.RespondWorkflowTaskCompletedRequest_Capabilities{
			DiscardSpeculativeWorkflowTaskWithEvents: false,
		},
	}
	if !run.SDKRecorded() {
		req.SdkMetadata = &sdkpb.WorkflowTaskCompletedMetadata{SdkName: SDKName, SdkVersion: SDKVersion}
	}
	if def := run.Definition(); def != nil {
		req.VersioningBehavior = def.Versioning
	}
	runID := task.GetWorkflowExecution().GetRunId()
	keep := w.cache != nil && !run.Finished()
	if keep {
		req.StickyAttributes = w.stickyAttrs
		// Cache the run before answering: once the server has the
		// completion it may hand out the workflow's next task (an update,
		// a query) before this RPC returns, and that task must find the
		// run rather than replay, or be answered by an older cached run.
		w.cache.put(runID, run)
	} else {
		defer run.Close()
	}
	resp, err := w.svc.RespondWorkflowTaskCompleted(ctx, req)
	if err != nil {
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

// respondFailWorkflow completes a task with a single
// FailWorkflowExecution command.
func (w *Worker) respondFailWorkflow(ctx context.Context, task *workflowservice.PollWorkflowTaskQueueResponse, err error) {
	_, rerr := w.svc.RespondWorkflowTaskCompleted(ctx, &workflowservice.RespondWorkflowTaskCompletedRequest{
		TaskToken: task.TaskToken,
		Identity:  w.client.Identity(),
		Namespace: w.client.Namespace(),
		Commands: []*commandpb.Command{{
			CommandType: enumspb.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
			Attributes: &commandpb.Command_FailWorkflowExecutionCommandAttributes{
				FailWorkflowExecutionCommandAttributes: &commandpb.FailWorkflowExecutionCommandAttributes{Failure: w.fc.ErrorToFailure(err)},
			},
		}},
	})
	if rerr != nil {
		w.log.Warn("failing workflow failed", "workflow_id", task.GetWorkflowExecution().GetWorkflowId(), "error", rerr)
	}
}

// failTask reports a failed workflow task, on its first attempt only.
func (w *Worker) failTask(ctx context.Context, task *workflowservice.PollWorkflowTaskQueueResponse, cause enumspb.WorkflowTaskFailedCause, err error, stack string) {
	wid := task.GetWorkflowExecution().GetWorkflowId()
	w.log.Error("workflow task failed", "workflow_id", wid, "run_id", task.GetWorkflowExecution().GetRunId(),
		"attempt", task.Attempt, "cause", cause.String(), "error", err)
	if task.Attempt > 1 {
		return
	}
	_, rerr := w.svc.RespondWorkflowTaskFailed(ctx, &workflowservice.RespondWorkflowTaskFailedRequest{
		TaskToken: task.TaskToken,
		Cause:     cause,
		Failure:   &failurepb.Failure{Message: err.Error(), StackTrace: stack, Source: SDKName},
		Identity:  w.client.Identity(),
		Namespace: w.client.Namespace(),
	})
	if rerr != nil {
		w.log.Warn("reporting workflow task failure failed", "workflow_id", wid, "error", rerr)
	}
}

func causeOf(err error) enumspb.WorkflowTaskFailedCause {
	var nd *temporal.NondeterminismError
	if errors.As(err, &nd) {
		return enumspb.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR
	}
	return enumspb.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE
}

func stackOf(err error) string {
	var pe *coro.PanicError
	if errors.As(err, &pe) {
		return pe.Stack
	}
	return ""
}

func (w *Worker) describeFailure(err error, workflowID, runID string) error {
	var nd *temporal.NondeterminismError
	if errors.As(err, &nd) && nd.WorkflowID == "" {
		nd.WorkflowID, nd.RunID = workflowID, runID
	}
	var uw *engine.UnknownWorkflowError
	if errors.As(err, &uw) {
		names := make([]string, 0, len(w.workflows))
		for n := range w.workflows {
			names = append(names, n)
		}
		sort.Strings(names)
		return fmt.Errorf("%w; registered workflow types: [%s]", err, strings.Join(names, ", "))
	}
	return err
}
