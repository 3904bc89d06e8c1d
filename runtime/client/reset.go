package client

import (
	"context"
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
)

// ResetPoint says which event of a run a reset goes back to.
type ResetPoint int

const (
	// ResetToEventID resets to ResetOptions.EventID.
	ResetToEventID ResetPoint = iota
	// ResetToFirstWorkflowTask resets to the end of the run's first
	// workflow task: its first WorkflowTaskCompleted event (or, when no
	// workflow task completed yet, its first WorkflowTaskStarted event).
	// Everything the workflow did is redone; what arrived before that task
	// started (e.g. the signal of a signal-with-start) stays before the
	// reset point.
	ResetToFirstWorkflowTask
	// ResetToLastWorkflowTask resets to the end of the run's last
	// completed workflow task: its last WorkflowTaskCompleted event (or,
	// when none completed, its last WorkflowTaskStarted event). This
	// retries what came after it, e.g. workflow tasks that failed since.
	ResetToLastWorkflowTask
)

func (p ResetPoint) String() string {
	switch p {
	case ResetToEventID:
		return "event ID"
	case ResetToFirstWorkflowTask:
		return "first workflow task"
	case ResetToLastWorkflowTask:
		return "last workflow task"
	}
	return fmt.Sprintf("ResetPoint(%d)", int(p))
}

// ResetOptions configures Reset.
type ResetOptions struct {
	// To picks the reset point. With ResetToEventID (the zero value)
	// EventID is required; the other points find the event in the run's
	// history.
	To ResetPoint
	// EventID is the event to reset to, with To ResetToEventID. The server
	// requires the end of a workflow task: a WorkflowTaskCompleted,
	// WorkflowTaskFailed or WorkflowTaskTimedOut event; server 1.29 also
	// accepts a WorkflowTaskStarted event. Any other event is refused
	// (codes.InvalidArgument, "this event must be at the boundary"). The
	// new run has the history up to that workflow task's start, and the
	// task is written as failed with cause RESET_WORKFLOW (carrying Reason
	// and both run IDs), so that a worker runs it again.
	EventID int64
	// Reason is recorded in the new run's history (in the failed workflow
	// task) and shown by the UI and CLI.
	Reason string
	// RequestID makes the reset idempotent: a retried request with the
	// same ID does not reset again. Default: a random UUID.
	RequestID string
	// ReapplyExcludeTypes lists the kinds of events after the reset point
	// that are not reapplied to the new run. By default every eligible
	// event is reapplied: signals (RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL
	// excludes them), updates (RESET_REAPPLY_EXCLUDE_TYPE_UPDATE) and
	// Nexus callbacks (RESET_REAPPLY_EXCLUDE_TYPE_NEXUS). Reapplied
	// signals and updates are written to the new run after the reset
	// point as new WorkflowExecutionSignaled and
	// WorkflowExecutionUpdateAdmitted events, in an order the server
	// chooses (server 1.29 need not keep their original order). Events
	// before the reset point are part of the replayed history and stay.
	ReapplyExcludeTypes []enumspb.ResetReapplyExcludeType
}

// Reset ends the handle's run (the latest run if RunID is empty) and
// starts a new run of the same workflow ID from a point in its history,
// per opts: the new run replays the history up to that point and goes on
// from there, so a workflow stuck on a bug can resume on fixed workers
// without losing its progress. The old run is terminated (if still
// running). It returns a handle to the new run.
func (h *WorkflowHandle) Reset(ctx context.Context, opts ResetOptions) (*WorkflowHandle, error) {
	return h.c.ResetWorkflow(ctx, h.id, h.runID, opts)
}

// ResetWorkflow resets the run workflowID/runID (an empty runID means the
// current run); see WorkflowHandle.Reset.
func (c *Client) ResetWorkflow(ctx context.Context, workflowID, runID string, opts ResetOptions) (*WorkflowHandle, error) {
	const op = "reset workflow"
	if workflowID == "" {
		return nil, fmt.Errorf("client: %s: empty workflow ID", op)
	}
	eventID := opts.EventID
	switch opts.To {
	case ResetToEventID:
		if eventID <= 0 {
			return nil, fmt.Errorf("client: %s %q: ResetOptions.EventID must be a workflow task event ID, got %d", op, workflowID, eventID)
		}
	case ResetToFirstWorkflowTask, ResetToLastWorkflowTask:
		if eventID != 0 {
			return nil, fmt.Errorf("client: %s %q: ResetOptions.EventID is set and To is %s", op, workflowID, opts.To)
		}
		if runID == "" {
			// The event ID must belong to the run that is reset: pin it.
			d, err := c.GetWorkflow(workflowID, "").describe(ctx, op)
			if err != nil {
				return nil, err
			}
			runID = d.RunID
		}
		var err error
		if eventID, err = c.workflowTaskEventID(ctx, workflowID, runID, opts.To == ResetToLastWorkflowTask); err != nil {
			return nil, c.rpcError(op, workflowID, runID, err)
		}
	default:
		return nil, fmt.Errorf("client: %s %q: unknown ResetOptions.To %v", op, workflowID, opts.To)
	}
	reqID := opts.RequestID
	if reqID == "" {
		reqID = newUUID()
	}
	resp, err := c.service.ResetWorkflowExecution(ctx, &workflowservice.ResetWorkflowExecutionRequest{
		Namespace:                 c.opts.Namespace,
		WorkflowExecution:         &commonpb.WorkflowExecution{WorkflowId: workflowID, RunId: runID},
		Reason:                    opts.Reason,
		WorkflowTaskFinishEventId: eventID,
		RequestId:                 reqID,
		ResetReapplyExcludeTypes:  opts.ReapplyExcludeTypes,
		Identity:                  c.opts.Identity,
	})
	if err != nil {
		return nil, c.rpcError(op, workflowID, runID, err)
	}
	return &WorkflowHandle{c: c, id: workflowID, runID: resp.GetRunId(), started: true}, nil
}

// errNoWorkflowTask is the error when a run's history has no workflow
// task to reset to.
var errNoWorkflowTask = errors.New("the run has no started workflow task to reset to")

// workflowTaskEventID returns the first (or, with last, the last)
// WorkflowTaskCompleted event ID of the run, falling back to the first
// (last) WorkflowTaskStarted event when no workflow task completed.
func (c *Client) workflowTaskEventID(ctx context.Context, workflowID, runID string, last bool) (int64, error) {
	exec := &commonpb.WorkflowExecution{WorkflowId: workflowID, RunId: runID}
	var started int64
	var token []byte
	for {
		var events []*historypb.HistoryEvent
		if last {
			resp, err := c.service.GetWorkflowExecutionHistoryReverse(ctx, &workflowservice.GetWorkflowExecutionHistoryReverseRequest{
				Namespace: c.opts.Namespace, Execution: exec, NextPageToken: token,
			})
			if err != nil {
				return 0, err
			}
			events, token = resp.GetHistory().GetEvents(), resp.GetNextPageToken()
		} else {
			resp, err := c.service.GetWorkflowExecutionHistory(ctx, &workflowservice.GetWorkflowExecutionHistoryRequest{
				Namespace: c.opts.Namespace, Execution: exec, NextPageToken: token,
				HistoryEventFilterType: enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT,
			})
			if err != nil {
				return 0, err
			}
			events, token = resp.GetHistory().GetEvents(), resp.GetNextPageToken()
		}
		for _, ev := range events {
			switch ev.GetEventType() {
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
				return ev.GetEventId(), nil
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
				if started == 0 {
					started = ev.GetEventId()
				}
			}
		}
		if len(token) == 0 {
			break
		}
	}
	if started == 0 {
		return 0, errNoWorkflowTask
	}
	return started, nil
}
