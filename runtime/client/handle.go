package client

import (
	"context"
	"fmt"
	"reflect"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// WorkflowHandle refers to a workflow execution: a workflow ID and,
// optionally, one run of it. It is cheap, immutable and safe for concurrent
// use. Operations on a handle with a run ID act on exactly that run; with an
// empty run ID they act on the latest run of the workflow ID.
type WorkflowHandle struct {
	c            *Client
	id           string
	runID        string
	firstRunID   string
	workflowType string
	started      bool
}

// GetWorkflow returns a handle to an existing workflow. An empty runID
// means the latest run. No RPC is made.
func (c *Client) GetWorkflow(workflowID, runID string) *WorkflowHandle {
	return &WorkflowHandle{c: c, id: workflowID, runID: runID, started: true}
}

// ID returns the workflow ID.
func (h *WorkflowHandle) ID() string { return h.id }

// RunID returns the run the handle was started with or given; empty means
// the latest run.
func (h *WorkflowHandle) RunID() string { return h.runID }

// FirstExecutionRunID returns the first run of the chain the handle belongs
// to, when known: the started run for handles from StartWorkflow, empty for
// handles from GetWorkflow.
func (h *WorkflowHandle) FirstExecutionRunID() string { return h.firstRunID }

// Started reports whether StartWorkflow created a new run. It is false when
// the conflict policy USE_EXISTING returned the already running run.
func (h *WorkflowHandle) Started() bool { return h.started }

func (h *WorkflowHandle) execution() *commonpb.WorkflowExecution {
	return &commonpb.WorkflowExecution{WorkflowId: h.id, RunId: h.runID}
}

// GetOptions configures GetWithOptions.
type GetOptions struct {
	// DisableFollowingRuns makes Get report the outcome of the handle's run
	// itself instead of following it to the later runs it was replaced by.
	DisableFollowingRuns bool
}

// Get waits for the workflow to close and decodes its result into valuePtr
// (a pointer; nil ignores the result). It blocks until ctx is done.
//
// Like the official Go SDK, Get follows the chain of runs by default: when
// the run continued as new, or closed with a successor run (a retry after a
// failure or timeout, or the next cron run), Get waits for the successor and
// reports the outcome of the last run. Use GetWithOptions to disable this.
//
// When the (last) run did not complete, the error is a
// *temporal.WorkflowExecutionError whose cause is the converted failure
// (Failed), a *temporal.CanceledError carrying the cancellation details
// (Canceled), a *temporal.TerminatedError (Terminated) or a
// *temporal.TimeoutError (TimedOut).
func (h *WorkflowHandle) Get(ctx context.Context, valuePtr any) error {
	return h.GetWithOptions(ctx, valuePtr, GetOptions{})
}

// GetWithOptions is Get with options. With DisableFollowingRuns, a run that
// continued as new yields an error wrapping *ContinuedAsNewError.
func (h *WorkflowHandle) GetWithOptions(ctx context.Context, valuePtr any, opts GetOptions) error {
	if valuePtr != nil {
		if rv := reflect.ValueOf(valuePtr); rv.Kind() != reflect.Pointer || rv.IsNil() {
			return fmt.Errorf("client: get workflow %q result: value must be a non-nil pointer, got %T", h.id, valuePtr)
		}
	}
	runID, wfType := h.runID, h.workflowType
	if runID == "" || wfType == "" {
		// Pin the latest run now, so that errors name it, and learn the type.
		d, err := h.describe(ctx, "get workflow result")
		if err != nil {
			return err
		}
		runID, wfType = d.RunID, d.WorkflowType
	}
	dc := h.c.opts.DataConverter
	for {
		ev, err := h.c.waitCloseEvent(ctx, h.id, runID)
		if err != nil {
			return err
		}
		next := ""
		var cause error
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
			a := ev.GetWorkflowExecutionCompletedEventAttributes()
			if next = a.GetNewExecutionRunId(); next == "" || opts.DisableFollowingRuns {
				if valuePtr == nil || len(a.GetResult().GetPayloads()) == 0 {
					return nil
				}
				if err := dc.FromPayloads(a.GetResult(), valuePtr); err != nil {
					return fmt.Errorf("client: get workflow %q result: decode: %w", h.id, err)
				}
				return nil
			}
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
			a := ev.GetWorkflowExecutionFailedEventAttributes()
			next = a.GetNewExecutionRunId()
			cause = h.c.opts.FailureConverter.FailureToError(a.GetFailure())
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
			next = ev.GetWorkflowExecutionTimedOutEventAttributes().GetNewExecutionRunId()
			cause = temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_START_TO_CLOSE, nil)
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
			details := ev.GetWorkflowExecutionCanceledEventAttributes().GetDetails()
			cause = temporal.NewCanceledErrorFromWire("", details, dc)
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
			cause = temporal.NewTerminatedError()
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
			a := ev.GetWorkflowExecutionContinuedAsNewEventAttributes()
			next = a.GetNewExecutionRunId()
			if opts.DisableFollowingRuns {
				return fmt.Errorf("client: get workflow %q result: %w", h.id, &ContinuedAsNewError{
					WorkflowID: h.id, RunID: runID, NewRunID: next, WorkflowType: a.GetWorkflowType().GetName(),
				})
			}
			if t := a.GetWorkflowType().GetName(); t != "" {
				wfType = t
			}
		default:
			return fmt.Errorf("client: get workflow %q result: unexpected close event %s", h.id, ev.GetEventType())
		}
		if next != "" && !opts.DisableFollowingRuns {
			runID = next
			continue
		}
		return temporal.NewWorkflowExecutionError(h.id, runID, wfType, cause)
	}
}

// Result waits for the workflow behind h and returns its result as a T; see
// WorkflowHandle.Get.
func Result[T any](ctx context.Context, h *WorkflowHandle) (T, error) {
	var v T
	err := h.Get(ctx, &v)
	return v, err
}

// longPollTimeout bounds one history long poll when ctx has no earlier
// deadline; the server answers empty-handed before that (about 20s).
const longPollTimeout = 70 * time.Second

// waitCloseEvent long-polls the history of a run for its close event.
func (c *Client) waitCloseEvent(ctx context.Context, workflowID, runID string) (*historypb.HistoryEvent, error) {
	var token []byte
	delay := 100 * time.Millisecond
	for {
		callCtx, cancel := context.WithTimeout(ctx, longPollTimeout)
		resp, err := c.service.GetWorkflowExecutionHistory(callCtx, &workflowservice.GetWorkflowExecutionHistoryRequest{
			Namespace:              c.opts.Namespace,
			Execution:              &commonpb.WorkflowExecution{WorkflowId: workflowID, RunId: runID},
			NextPageToken:          token,
			WaitNewEvent:           true,
			HistoryEventFilterType: enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
			SkipArchival:           true,
		})
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("client: get workflow %q result: %w", workflowID, ctx.Err())
			}
			switch status.Code(err) {
			case codes.DeadlineExceeded:
				continue // our per-poll timeout: poll again
			case codes.Unavailable, codes.ResourceExhausted:
				// Transient (server restarting, rate limited): back off.
				select {
				case <-ctx.Done():
					return nil, fmt.Errorf("client: get workflow %q result: %w (last error: %v)", workflowID, ctx.Err(), err)
				case <-time.After(delay):
				}
				delay = min(2*delay, 5*time.Second)
				continue
			}
			return nil, c.rpcError("get workflow result", workflowID, runID, err)
		}
		delay = 100 * time.Millisecond
		if evs := resp.GetHistory().GetEvents(); len(evs) > 0 {
			return evs[len(evs)-1], nil
		}
		if len(resp.GetNextPageToken()) == 0 {
			return nil, fmt.Errorf("client: get workflow %q result: server returned no close event and no page token", workflowID)
		}
		token = resp.GetNextPageToken()
	}
}

// Cancel asks the workflow to cancel itself (RequestCancelWorkflowExecution).
// It returns once the request is recorded, not when the workflow closes.
func (h *WorkflowHandle) Cancel(ctx context.Context) error {
	if h.c.out != nil {
		return h.c.out.CancelWorkflow(ctx, &CancelWorkflowInput{Workflow: h})
	}
	return h.cancel(ctx)
}

func (h *WorkflowHandle) cancel(ctx context.Context) error {
	_, err := h.c.service.RequestCancelWorkflowExecution(ctx, &workflowservice.RequestCancelWorkflowExecutionRequest{
		Namespace:         h.c.opts.Namespace,
		WorkflowExecution: h.execution(),
		Identity:          h.c.opts.Identity,
		RequestId:         newUUID(),
	})
	return h.c.rpcError("cancel workflow", h.id, h.runID, err)
}

// Terminate ends the workflow immediately, recording reason and details
// (encoded with the data converter). No workflow code runs.
func (h *WorkflowHandle) Terminate(ctx context.Context, reason string, details ...any) error {
	if h.c.out != nil {
		return h.c.out.TerminateWorkflow(ctx, &TerminateWorkflowInput{Workflow: h, Reason: reason, Details: details})
	}
	return h.terminate(ctx, reason, details)
}

func (h *WorkflowHandle) terminate(ctx context.Context, reason string, details []any) error {
	var payloads *commonpb.Payloads
	if len(details) > 0 {
		var err error
		if payloads, err = h.c.opts.DataConverter.ToPayloads(details...); err != nil {
			return fmt.Errorf("client: terminate workflow %q: encode details: %w", h.id, err)
		}
	}
	_, err := h.c.service.TerminateWorkflowExecution(ctx, &workflowservice.TerminateWorkflowExecutionRequest{
		Namespace:         h.c.opts.Namespace,
		WorkflowExecution: h.execution(),
		Reason:            reason,
		Details:           payloads,
		Identity:          h.c.opts.Identity,
	})
	return h.c.rpcError("terminate workflow", h.id, h.runID, err)
}

// Signal sends a signal to the handle's run (the latest run if RunID is
// empty); see Client.SignalWorkflow.
func (h *WorkflowHandle) Signal(ctx context.Context, signalName string, args ...any) error {
	return h.c.SignalWorkflow(ctx, h.id, h.runID, signalName, args...)
}
