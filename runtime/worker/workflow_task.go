package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
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
	stickyPollers := 0
	if w.stickyQueue != "" {
		stickyPollers = n / 2
	}
	w.metrics.started(n-stickyPollers, stickyPollers)
	for i := range n {
		sticky := w.stickyQueue != "" && i%2 == 1
		// The request never changes; gRPC has encoded it by the time a
		// call returns, so one serves every poll of this poller.
		req := &workflowservice.PollWorkflowTaskQueueRequest{
			Namespace: w.client.Namespace(),
			TaskQueue: w.taskQueueProto(sticky),
			Identity:  w.opts.Identity,
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
		if full, freed := w.stuck.full(); full {
			select {
			case <-freed:
				continue
			case <-ctx.Done():
				w.wg.Done()
				return
			}
		}
		select {
		case w.slots <- struct{}{}:
			w.reportSlots()
		case <-ctx.Done():
			w.wg.Done()
			return
		}
		pctx, cancel := context.WithTimeout(ctx, longPollTimeout)
		resp, err := w.svc.PollWorkflowTaskQueue(pctx, req)
		cancel()
		if err != nil {
			<-w.slots
			w.reportSlots()
			if ctx.Err() != nil {
				// Cancelled by Stop: it ended without a task.
				w.metrics.polled(nil)
				w.wg.Done()
				return
			}
			failures++
			d := w.opts.PollBackoff.Delay(failures)
			w.log.Warn("workflow task poll failed; retrying", "error", err, "retry_in", d,
				"sticky", req.TaskQueue.Kind == enumspb.TASK_QUEUE_KIND_STICKY)
			reconnected, werr := backoff.WaitConn(ctx, w.client.Conn(), d)
			if werr != nil {
				w.wg.Done()
				return
			}
			if reconnected {
				failures = 0
			}
			continue
		}
		failures = 0
		w.metrics.polled(resp)
		if len(resp.GetTaskToken()) == 0 {
			<-w.slots
			w.reportSlots()
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
	release := func() { once.Do(func() { <-w.slots; w.reportSlots() }) }
	defer release()
	// Bounds the RPCs of this task; workflow code itself is bounded by
	// the deadlock watchdog.
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	exec := task.GetWorkflowExecution()
	if r, ok := w.stuck.held(exec.GetRunId()); ok {
		// Running it again would start a second copy of the stuck code.
		// The task is not answered: it times out, and the server retries
		// it, perhaps on another worker.
		w.log.Warn("workflow task held: this run's code is still stuck on this worker",
			"workflow_id", exec.GetWorkflowId(), "run_id", exec.GetRunId(), "coroutine", r.coroutine,
			"stuck_for", time.Since(r.since).Round(time.Millisecond), "attempt", task.GetAttempt())
		return
	}
	run, cached, events, err := w.loadTask(ctx, task)
	if err != nil {
		w.log.Error("workflow task dropped: history fetch failed", "workflow_id", task.GetWorkflowExecution().GetWorkflowId(), "error", err)
		return
	}
	in := engine.Input{Task: &engine.Task{Events: events, StartedEventID: task.StartedEventId, Messages: task.Messages, Queries: task.Queries}}
	if task.Query != nil {
		in = engine.Input{Query: task.Query}
		if !cached {
			in.Task = &engine.Task{Events: events}
		}
	}
	w.metrics.cacheLookup(cached, events)
	stepStart := time.Now()
	out, err := w.step(exec.GetWorkflowId(), exec.GetRunId(), run, in)
	var replayed time.Duration
	if !cached && w.metrics.wf != nil && replays(events) {
		// A new run replayed history up to this task's new events.
		replayed = time.Since(stepStart)
	}
	if err == nil && out.WaitLocal {
		task, out, err = w.runLocals(task, run, out)
	}
	if task != nil {
		w.metrics.executed(task, start, replayed)
	}
	w.settle(task, run, out, err)
}

// step runs one engine step under the deadlock watchdog. A deadlocked
// run is never touched again: its coroutine keeps its goroutine until the
// user code returns, and w.stuck holds the run's later tasks until then.
func (w *Worker) step(workflowID, runID string, run *engine.Run, in engine.Input) (engine.Output, error) {
	type result struct {
		out engine.Output
		err error
	}
	finished := make(chan struct{})
	r, stuck := coro.Guard(w.watchdog, run.Scheduler(), w.pool.Go, func() result {
		defer close(finished)
		out, err := run.Step(in)
		return result{out, err}
	})
	if stuck != nil {
		w.stuck.add(workflowID, runID, stuck.Coroutine, finished)
		return engine.Output{}, &temporal.DeadlockError{Coroutine: stuck.Coroutine, Timeout: w.opts.DeadlockTimeout, Stack: stuck.Stack}
	}
	return r.out, r.err
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
		Lookup:           w.workflows.Lookup,
		Attach:           w.intercept.AttachFunc(),
	}, workflowID, runID)
}
