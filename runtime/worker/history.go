package worker

import (
	"context"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
)

// historyPlan is what a workflow task needs before its run can step.
type historyPlan struct {
	dropCached bool // the cached run is stale: drop it and replay
	fetchFull  bool // fetch the whole history from the first event
}

// planHistory decides, from the cached run's last event id (0 when no run
// is cached) and the first event id the task brings (0 when it brings
// none), whether the cached run can take the task and whether the whole
// history must be fetched. A query task uses a cached run as it is: it
// brings no new events to apply.
func planHistory(cachedLast int64, query bool, first int64) historyPlan {
	var p historyPlan
	cached := cachedLast > 0
	if cached && !query && first != cachedLast+1 {
		p.dropCached, cached = true, false
	}
	p.fetchFull = !cached && first != 1
	return p
}

// loadTask finds the run a task applies to and the events to step it
// with: the cached run and the task's events when they follow on, else a
// new run and the whole history (fetched up to the task's started event,
// plus the task's own events the server has not persisted). cached
// reports whether the run came from the cache.
func (w *Worker) loadTask(ctx context.Context, task *workflowservice.PollWorkflowTaskQueueResponse) (run *engine.Run, cached bool, events []*historypb.HistoryEvent, err error) {
	exec := task.GetWorkflowExecution()
	if w.cache != nil {
		run = w.cache.take(exec.GetRunId())
	}
	events = task.GetHistory().GetEvents()
	if len(task.NextPageToken) > 0 {
		if events, err = fetchHistory(ctx, w.svc, w.client.Namespace(), exec, task.NextPageToken, events); err != nil {
			if run != nil {
				run.Close()
			}
			return nil, false, nil, err
		}
	}
	var cachedLast, first int64
	if run != nil {
		cachedLast = run.LastEventID()
	}
	if len(events) > 0 {
		first = events[0].EventId
	}
	plan := planHistory(cachedLast, task.Query != nil, first)
	if plan.dropCached {
		run.Close()
		run = nil
	}
	if plan.fetchFull {
		partial := events
		if events, err = fetchHistory(ctx, w.svc, w.client.Namespace(), exec, nil, nil); err != nil {
			return nil, false, nil, err
		}
		events = appendUnpersisted(trimAfter(events, task.StartedEventId), partial)
	}
	if run == nil {
		return w.newRun(exec.GetWorkflowId(), exec.GetRunId()), false, events, nil
	}
	return run, true, events, nil
}

// fetchHistory appends the pages of an execution's history that follow
// token (all of it when token is nil) to events.
func fetchHistory(ctx context.Context, svc workflowservice.WorkflowServiceClient, namespace string, exec *commonpb.WorkflowExecution, token []byte, events []*historypb.HistoryEvent) ([]*historypb.HistoryEvent, error) {
	first := token == nil
	for first || len(token) > 0 {
		first = false
		resp, err := svc.GetWorkflowExecutionHistory(ctx, &workflowservice.GetWorkflowExecutionHistoryRequest{
			Namespace:     namespace,
			Execution:     exec,
			NextPageToken: token,
		})
		if err != nil {
			return nil, fmt.Errorf("worker: fetching history of %s: %w", exec.GetWorkflowId(), err)
		}
		events = append(events, resp.GetHistory().GetEvents()...)
		token = resp.NextPageToken
	}
	return events, nil
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

// after returns the events with ids above id.
func after(events []*historypb.HistoryEvent, id int64) []*historypb.HistoryEvent {
	for i, e := range events {
		if e.EventId > id {
			return events[i:]
		}
	}
	return nil
}
