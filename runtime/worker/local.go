package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/sm"
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
			res := lr.w.locals.Run(ctx, req)
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
	wid, rid := task.GetWorkflowExecution().GetWorkflowId(), task.GetWorkflowExecution().GetRunId()
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
			out, err = w.step(wid, rid, run, engine.Input{LocalResults: results})
		default:
			task, err = w.heartbeatTask(task, run)
			if err == nil {
				next := task
				out, err = w.step(wid, rid, run, engine.Input{Task: &engine.Task{Events: after(next.GetHistory().GetEvents(), run.LastEventID()),
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
	eager := w.reserveEagerActivities(hb.Commands)
	resp, err := w.svc.RespondWorkflowTaskCompleted(ctx, &workflowservice.RespondWorkflowTaskCompletedRequest{
		TaskToken:                  task.TaskToken,
		Commands:                   hb.Commands,
		Messages:                   hb.Messages,
		QueryResults:               hb.QueryResults,
		Identity:                   w.opts.Identity,
		Namespace:                  w.client.Namespace(),
		ForceCreateNewWorkflowTask: true,
		ReturnNewWorkflowTask:      true,
	})
	if eager > 0 || len(resp.GetActivityTasks()) > 0 {
		w.runEagerActivities(resp.GetActivityTasks(), eager)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errHeartbeat, err)
	}
	if resp.GetWorkflowTask() == nil || len(resp.GetWorkflowTask().GetTaskToken()) == 0 {
		return nil, fmt.Errorf("%w: the server returned no new workflow task", errHeartbeat)
	}
	return resp.GetWorkflowTask(), nil
}
