package client

import (
	"context"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	querypb "go.temporal.io/api/query/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// QueryOptions configures QueryWithOptions.
type QueryOptions struct {
	// RejectCondition makes the server refuse the query, without asking a
	// worker, when the workflow's state matches: NOT_OPEN rejects queries
	// to closed workflows, NOT_COMPLETED_CLEANLY those that failed, timed
	// out, were canceled or terminated. A rejected query returns an error
	// wrapping *QueryRejectedError. Default (UNSPECIFIED/NONE): never reject.
	RejectCondition enumspb.QueryRejectCondition
	// Header is passed to the workflow's query handler as is (context
	// propagation). Optional.
	Header *commonpb.Header
}

// QueryFailedError is returned (wrapped) by Query when the workflow
// answered with an error: the handler failed, or there is no handler for
// the query type (the message then lists the known queries).
type QueryFailedError struct {
	WorkflowID string
	QueryType  string
	// Message is the server's message, i.e. the worker's error message.
	Message string
	// Failure is the worker's failure converted to an error (e.g. a
	// *temporal.ApplicationError), when the worker sent one; else nil.
	Failure error
	// Err is the RPC error (codes.InvalidArgument).
	Err error
}

func (e *QueryFailedError) Error() string {
	return fmt.Sprintf("query %q failed: %s", e.QueryType, e.Message)
}

// Unwrap returns the converted failure (when present) and the RPC error.
func (e *QueryFailedError) Unwrap() []error {
	if e.Failure == nil {
		return []error{e.Err}
	}
	return []error{e.Failure, e.Err}
}

// QueryRejectedError is returned (wrapped) by QueryWithOptions when the
// workflow's state met QueryOptions.RejectCondition. No worker was asked.
type QueryRejectedError struct {
	WorkflowID string
	RunID      string // the run the handle names; empty for the latest
	QueryType  string
	// Status is the workflow's status at the time of the query.
	Status enumspb.WorkflowExecutionStatus
}

func (e *QueryRejectedError) Error() string {
	return fmt.Sprintf("query %q rejected: workflow %q has status %s", e.QueryType, e.WorkflowID, e.Status)
}

// Query asks the workflow behind h (the handle's run, or the latest run if
// RunID is empty) for the result of its query handler name, called with
// args. The workflow may be running or closed: a worker replays a closed
// workflow to answer. Decode the answer with Values.Get or Decode, or use
// the generic Query function.
//
// When the handler fails or the query type is unknown, the error wraps a
// *QueryFailedError carrying the worker's message.
func (h *WorkflowHandle) Query(ctx context.Context, name string, args ...any) (converter.Values, error) {
	return h.QueryWithOptions(ctx, QueryOptions{}, name, args...)
}

// QueryWithOptions is Query with options (reject condition, header). A query
// the reject condition refuses yields an error wrapping *QueryRejectedError.
func (h *WorkflowHandle) QueryWithOptions(ctx context.Context, opts QueryOptions, name string, args ...any) (converter.Values, error) {
	if h.c.out != nil {
		return h.c.out.QueryWorkflow(ctx, &QueryWorkflowInput{Workflow: h, Options: opts, QueryName: name, Args: args})
	}
	return h.queryWithOptions(ctx, opts, name, args, nil)
}

func (h *WorkflowHandle) queryWithOptions(ctx context.Context, opts QueryOptions, name string, args []any, extra temporal.Header) (converter.Values, error) {
	dc := h.c.opts.DataConverter
	if name == "" {
		return converter.Values{}, fmt.Errorf("client: query workflow %q: query name is required", h.id)
	}
	input, err := dc.ToPayloads(args...)
	if err != nil {
		return converter.Values{}, fmt.Errorf("client: query workflow %q: encode arguments: %w", h.id, err)
	}
	resp, err := h.c.service.QueryWorkflow(ctx, &workflowservice.QueryWorkflowRequest{
		Namespace: h.c.opts.Namespace,
		Execution: h.execution(),
		Query: &querypb.WorkflowQuery{
			QueryType: name,
			QueryArgs: input,
			Header:    h.c.header(ctx, opts.Header, extra),
		},
		QueryRejectCondition: opts.RejectCondition,
	})
	if err != nil {
		if st, ok := status.FromError(err); ok {
			if qf, ok := serviceerror.FromStatus(st).(*serviceerror.QueryFailed); ok {
				return converter.Values{}, fmt.Errorf("client: query workflow %q: %w", h.id, &QueryFailedError{
					WorkflowID: h.id,
					QueryType:  name,
					Message:    qf.Message,
					Failure:    h.c.opts.FailureConverter.FailureToError(qf.Failure),
					Err:        err,
				})
			}
		}
		return converter.Values{}, h.c.rpcError("query workflow", h.id, h.runID, err)
	}
	if rej := resp.GetQueryRejected(); rej != nil {
		return converter.Values{}, fmt.Errorf("client: query workflow %q: %w", h.id, &QueryRejectedError{
			WorkflowID: h.id, RunID: h.runID, QueryType: name, Status: rej.GetStatus(),
		})
	}
	return converter.NewValues(resp.GetQueryResult(), dc), nil
}

// Query queries the workflow behind h and decodes the (first) answer into a
// T; see WorkflowHandle.Query. An empty answer leaves the zero T.
func Query[T any](ctx context.Context, h *WorkflowHandle, name string, args ...any) (T, error) {
	var v T
	vals, err := h.Query(ctx, name, args...)
	if err != nil || vals.Len() == 0 {
		return v, err
	}
	if err := vals.Get(0, &v); err != nil {
		return v, fmt.Errorf("client: query workflow %q: %q: %w", h.id, name, err)
	}
	return v, nil
}
