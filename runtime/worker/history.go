package worker

import (
	"context"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
)

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
