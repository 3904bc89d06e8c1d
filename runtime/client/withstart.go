package client

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// SignalWithStartWorkflow sends the signal signalName with signalArgs to the
// running workflow opts.ID, starting it first (as StartWorkflow would, with
// workflowType and args) when no run is running. The workflow sees the
// signal in its first workflow task when it was just started. The returned
// handle names the signaled run; Started tells whether it was started.
//
// opts.WorkflowIDConflictPolicy may be UNSPECIFIED or USE_EXISTING (the
// same: signal the running workflow) or TERMINATE_EXISTING; FAIL is refused
// because signal-with-start always accepts a running workflow.
// opts.WorkflowIDReusePolicy applies when a closed run has the ID; if it
// forbids a new run the error wraps *WorkflowAlreadyStartedError.
func (c *Client) SignalWithStartWorkflow(ctx context.Context, opts StartWorkflowOptions, signalName string, signalArgs []any, workflowType string, args ...any) (*WorkflowHandle, error) {
	if c.out != nil {
		return c.out.SignalWithStartWorkflow(ctx, &SignalWithStartInput{Options: opts, SignalName: signalName, SignalArgs: signalArgs, WorkflowType: workflowType, Args: args})
	}
	return c.signalWithStartWorkflow(ctx, opts, signalName, signalArgs, workflowType, args, nil)
}

func (c *Client) signalWithStartWorkflow(ctx context.Context, opts StartWorkflowOptions, signalName string, signalArgs []any, workflowType string, args []any, extra temporal.Header) (*WorkflowHandle, error) {
	const op = "signal-with-start workflow"
	sreq, err := c.startRequest(op, &opts, workflowType, args)
	if err != nil {
		return nil, err
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("client: %s %q: %s", op, opts.ID, fmt.Sprintf(format, a...))
	}
	if signalName == "" {
		return nil, fail("signal name is required")
	}
	if opts.WorkflowIDConflictPolicy == enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL {
		return nil, fail("WorkflowIDConflictPolicy FAIL is not allowed with signal-with-start, which always signals a running workflow; use USE_EXISTING (the default) or TERMINATE_EXISTING")
	}
	signalInput, err := c.opts.DataConverter.ToPayloads(signalArgs...)
	if err != nil {
		return nil, fail("encode signal arguments: %v", err)
	}
	resp, err := c.service.SignalWithStartWorkflowExecution(ctx, &workflowservice.SignalWithStartWorkflowExecutionRequest{
		Namespace:                sreq.Namespace,
		WorkflowId:               sreq.WorkflowId,
		WorkflowType:             sreq.WorkflowType,
		TaskQueue:                sreq.TaskQueue,
		Input:                    sreq.Input,
		WorkflowExecutionTimeout: sreq.WorkflowExecutionTimeout,
		WorkflowRunTimeout:       sreq.WorkflowRunTimeout,
		WorkflowTaskTimeout:      sreq.WorkflowTaskTimeout,
		Identity:                 sreq.Identity,
		RequestId:                sreq.RequestId,
		WorkflowIdReusePolicy:    sreq.WorkflowIdReusePolicy,
		WorkflowIdConflictPolicy: sreq.WorkflowIdConflictPolicy,
		SignalName:               signalName,
		SignalInput:              signalInput,
		RetryPolicy:              sreq.RetryPolicy,
		CronSchedule:             sreq.CronSchedule,
		Memo:                     sreq.Memo,
		SearchAttributes:         sreq.SearchAttributes,
		WorkflowStartDelay:       sreq.WorkflowStartDelay,
		Header:                   c.header(ctx, sreq.Header, extra),
		UserMetadata:             sreq.UserMetadata,
		Priority:                 sreq.Priority,
	})
	if err != nil {
		return nil, c.startError(op, opts.ID, workflowType, err)
	}
	h := &WorkflowHandle{
		c:            c,
		id:           opts.ID,
		runID:        resp.GetRunId(),
		workflowType: workflowType,
		started:      resp.GetStarted(),
	}
	if h.started {
		h.firstRunID = h.runID
	}
	return h, nil
}

// UpdateWithStartWorkflow sends the update updateName with updateArgs to the
// workflow opts.ID, starting it first (with workflowType and args) if no
// run is running, in one atomic request (ExecuteMultiOperation). It waits
// as StartUpdate does (uopts.WaitForStage, by default until the update
// completes) and returns the update's handle; its Workflow method gives the
// handle of the run the update went to, whose Started tells whether this
// call started it.
//
// opts.WorkflowIDConflictPolicy is required: USE_EXISTING runs the update
// on the running workflow if there is one (the usual choice), FAIL fails
// the whole request if there is one. uopts.FirstExecutionRunID must be
// empty.
//
// When the server refuses one of the two operations the error names it
// ("start operation" or "update operation") and wraps that operation's
// error, e.g. *WorkflowAlreadyStartedError.
func (c *Client) UpdateWithStartWorkflow(ctx context.Context, opts StartWorkflowOptions, uopts UpdateOptions, updateName string, updateArgs []any, workflowType string, args ...any) (*UpdateHandle, error) {
	if c.out != nil {
		return c.out.UpdateWithStartWorkflow(ctx, &UpdateWithStartInput{Options: opts, UpdateOptions: uopts, UpdateName: updateName, UpdateArgs: updateArgs, WorkflowType: workflowType, Args: args})
	}
	return c.updateWithStartWorkflow(ctx, opts, uopts, updateName, updateArgs, workflowType, args, nil)
}

func (c *Client) updateWithStartWorkflow(ctx context.Context, opts StartWorkflowOptions, uopts UpdateOptions, updateName string, updateArgs []any, workflowType string, args []any, extra temporal.Header) (*UpdateHandle, error) {
	const op = "update-with-start workflow"
	sreq, err := c.startRequest(op, &opts, workflowType, args)
	if err != nil {
		return nil, err
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("client: %s %q: %s", op, opts.ID, fmt.Sprintf(format, a...))
	}
	if opts.WorkflowIDConflictPolicy == enumspb.WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED {
		return nil, fail("StartWorkflowOptions.WorkflowIDConflictPolicy is required for update-with-start (typically USE_EXISTING)")
	}
	if uopts.FirstExecutionRunID != "" {
		return nil, fail("UpdateOptions.FirstExecutionRunID is not allowed with update-with-start")
	}
	ureq, uopts, err := c.updateRequest(op, opts.ID, "", uopts, updateName, updateArgs)
	if err != nil {
		return nil, err
	}
	sreq.Header = c.header(ctx, sreq.Header, extra)
	ureq.Request.Input.Header = c.header(ctx, ureq.Request.Input.Header, extra)
	resp, err := c.service.ExecuteMultiOperation(ctx, &workflowservice.ExecuteMultiOperationRequest{
		Namespace: c.opts.Namespace,
		Operations: []*workflowservice.ExecuteMultiOperationRequest_Operation{
			{Operation: &workflowservice.ExecuteMultiOperationRequest_Operation_StartWorkflow{StartWorkflow: sreq}},
			{Operation: &workflowservice.ExecuteMultiOperationRequest_Operation_UpdateWorkflow{UpdateWorkflow: ureq}},
		},
		ResourceId: opts.ID,
	})
	if err != nil {
		return nil, c.multiOpError(op, opts.ID, workflowType, uopts.UpdateID, err)
	}
	rs := resp.GetResponses()
	if len(rs) != 2 || rs[0].GetStartWorkflow() == nil || rs[1].GetUpdateWorkflow() == nil {
		return nil, fail("server answered with %d responses instead of a start and an update response", len(rs))
	}
	start, upd := rs[0].GetStartWorkflow(), rs[1].GetUpdateWorkflow()
	wf := &WorkflowHandle{
		c:            c,
		id:           opts.ID,
		runID:        start.GetRunId(),
		workflowType: workflowType,
		started:      start.GetStarted(),
	}
	if wf.started {
		wf.firstRunID = wf.runID
	}
	if !reached(upd.GetOutcome(), upd.GetStage(), uopts.WaitForStage) {
		// The workflow exists now: wait for the update alone.
		ureq.WorkflowExecution.RunId = wf.runID
		upd, err = c.updateUntilStage(ctx, op, opts.ID, wf.runID, ureq, uopts.WaitForStage, upd)
		if err != nil {
			return nil, err
		}
	}
	uh := &UpdateHandle{wf: wf, id: uopts.UpdateID, name: updateName}
	uh.setOutcome(upd.GetOutcome())
	return uh, nil
}

// multiOpError maps the error of ExecuteMultiOperation [start, update]: the
// first operation that failed for a reason of its own (the others report
// "aborted") is named and its error mapped like the single operation's.
func (c *Client) multiOpError(op, workflowID, workflowType, updateID string, err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return c.rpcError(op, workflowID, "", err)
	}
	me, ok := serviceerror.FromStatus(st).(*serviceerror.MultiOperationExecution)
	if !ok {
		return c.rpcError(op, workflowID, "", err)
	}
	var aborted *serviceerror.MultiOperationAborted
	for i, oe := range me.OperationErrors() {
		if oe == nil || errors.As(oe, &aborted) {
			continue
		}
		opErr := serviceerror.ToStatus(oe).Err()
		if i == 0 {
			return fmt.Errorf("client: %s %q: start operation: %w", op, workflowID, c.typedStartError(workflowID, workflowType, opErr))
		}
		return fmt.Errorf("client: %s %q: update operation: %w", op, workflowID, c.typedUpdateError(workflowID, "", updateID, opErr))
	}
	return c.rpcError(op, workflowID, "", err)
}
