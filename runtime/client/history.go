package client

import (
	"context"
	"iter"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
)

// HistoryOptions configures HistoryWithOptions.
type HistoryOptions struct {
	// PageSize is the maximum number of events per GetWorkflowExecutionHistory
	// call. Zero lets the server choose.
	PageSize int32
}

// History iterates over the events recorded so far for the handle's run (the
// latest run if RunID is empty), fetching pages as needed. Iteration stops
// after the first error, which is yielded with a nil event.
func (h *WorkflowHandle) History(ctx context.Context) iter.Seq2[*historypb.HistoryEvent, error] {
	return h.HistoryWithOptions(ctx, HistoryOptions{})
}

// HistoryWithOptions is History with options.
func (h *WorkflowHandle) HistoryWithOptions(ctx context.Context, opts HistoryOptions) iter.Seq2[*historypb.HistoryEvent, error] {
	return func(yield func(*historypb.HistoryEvent, error) bool) {
		var token []byte
		for {
			resp, err := h.c.service.GetWorkflowExecutionHistory(ctx, &workflowservice.GetWorkflowExecutionHistoryRequest{
				Namespace:              h.c.opts.Namespace,
				Execution:              &commonpb.WorkflowExecution{WorkflowId: h.id, RunId: h.runID},
				MaximumPageSize:        opts.PageSize,
				NextPageToken:          token,
				HistoryEventFilterType: enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT,
			})
			if err != nil {
				yield(nil, h.c.rpcError("get workflow history", h.id, h.runID, err))
				return
			}
			for _, ev := range resp.GetHistory().GetEvents() {
				if !yield(ev, nil) {
					return
				}
			}
			token = resp.GetNextPageToken()
			if len(token) == 0 {
				return
			}
		}
	}
}

// FetchHistory returns every event recorded so far for the handle's run.
func (h *WorkflowHandle) FetchHistory(ctx context.Context) (*historypb.History, error) {
	hist := &historypb.History{}
	for ev, err := range h.History(ctx) {
		if err != nil {
			return nil, err
		}
		hist.Events = append(hist.Events, ev)
	}
	return hist, nil
}

// CountWorkflows returns the number of workflows in the namespace matching a
// visibility query (e.g. `WorkflowType = "Order" AND ExecutionStatus =
// "Running"`); an empty query counts all. Visibility is eventually
// consistent: a workflow may be counted shortly after it started.
func (c *Client) CountWorkflows(ctx context.Context, query string) (int64, error) {
	resp, err := c.service.CountWorkflowExecutions(ctx, &workflowservice.CountWorkflowExecutionsRequest{
		Namespace: c.opts.Namespace,
		Query:     query,
	})
	if err != nil {
		return 0, c.rpcError("count workflows", "", "", err)
	}
	return resp.GetCount(), nil
}

// ListWorkflows iterates over the workflows matching a visibility query (see
// CountWorkflows), fetching pages as needed. Iteration stops after the first
// error, which is yielded with a nil info.
func (c *Client) ListWorkflows(ctx context.Context, query string) iter.Seq2[*workflowpb.WorkflowExecutionInfo, error] {
	return c.listWorkflows(ctx, query, 0)
}

func (c *Client) listWorkflows(ctx context.Context, query string, pageSize int32) iter.Seq2[*workflowpb.WorkflowExecutionInfo, error] {
	return func(yield func(*workflowpb.WorkflowExecutionInfo, error) bool) {
		var token []byte
		for {
			resp, err := c.service.ListWorkflowExecutions(ctx, &workflowservice.ListWorkflowExecutionsRequest{
				Namespace:     c.opts.Namespace,
				PageSize:      pageSize,
				NextPageToken: token,
				Query:         query,
			})
			if err != nil {
				yield(nil, c.rpcError("list workflows", "", "", err))
				return
			}
			for _, info := range resp.GetExecutions() {
				if !yield(info, nil) {
					return
				}
			}
			token = resp.GetNextPageToken()
			if len(token) == 0 {
				return
			}
		}
	}
}
