package client

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// activityRef names an activity for the async completion calls: by task
// token, or by the workflow run that scheduled it and its activity ID.
type activityRef struct {
	token      []byte
	workflowID string
	runID      string // empty: the workflow's current run
	activityID string
}

func (r activityRef) byToken() bool { return r.workflowID == "" && r.activityID == "" }

// check reports a reference that cannot name an activity.
func (r activityRef) check() error {
	if r.byToken() {
		if len(r.token) == 0 {
			return errors.New("empty task token")
		}
		return nil
	}
	if r.workflowID == "" || r.activityID == "" {
		return fmt.Errorf("workflow ID %q and activity ID %q must both be set", r.workflowID, r.activityID)
	}
	return nil
}

// String names the activity in error messages.
func (r activityRef) String() string {
	if r.byToken() {
		return "activity with task token " + tokenPrefix(r.token)
	}
	s := fmt.Sprintf("activity %q of workflow %q", r.activityID, r.workflowID)
	if r.runID != "" {
		s += " run " + r.runID
	}
	return s
}

// tokenPrefix shows enough of a task token to tell tokens apart in logs.
func tokenPrefix(token []byte) string {
	const n = 12
	if len(token) <= n {
		return hex.EncodeToString(token)
	}
	return hex.EncodeToString(token[:n]) + "..."
}

// CompleteActivity reports the outcome of an activity whose function
// returned activity.ErrResultPending, naming it by the task token the
// activity read from activity.GetInfo(ctx).TaskToken. The outcome follows
// err, as if the activity function had returned (result, err):
//
//   - nil: the activity completed with result, encoded with the client's
//     data converter (a nil result completes it without a value);
//   - a *temporal.CanceledError (or an error wrapping one or
//     context.Canceled): the activity was canceled, with the error's
//     details. The server accepts this only once the workflow has
//     requested the activity's cancellation (RecordActivityHeartbeat
//     reports it); before that it refuses with codes.InvalidArgument and
//     the activity stays open;
//   - any other error: the activity attempt failed with err converted by
//     the client's failure converter, e.g. a *temporal.ApplicationError
//     with its message, type, details and retryability. The server then
//     retries the activity per its retry policy, as a new attempt run by
//     a worker.
//
// activity.ErrResultPending itself is not an outcome and is refused. When
// the server no longer knows the activity attempt (it completed, timed
// out or was retried, or its workflow closed) the error wraps a
// *NotFoundError.
func (c *Client) CompleteActivity(ctx context.Context, taskToken []byte, result any, err error) error {
	return c.completeActivity(ctx, activityRef{token: taskToken}, result, err)
}

// CompleteActivityByID is CompleteActivity for the activity activityID of
// the workflow run workflowID/runID (an empty runID means the workflow's
// current run), in the client's namespace. Unlike a task token, the IDs
// name the activity rather than one attempt: the outcome applies to
// whichever attempt is running.
func (c *Client) CompleteActivityByID(ctx context.Context, workflowID, runID, activityID string, result any, err error) error {
	return c.completeActivity(ctx, activityRef{workflowID: workflowID, runID: runID, activityID: activityID}, result, err)
}

func (c *Client) completeActivity(ctx context.Context, ref activityRef, result any, outcome error) error {
	const op = "complete activity"
	if err := ref.check(); err != nil {
		return fmt.Errorf("client: %s: %w", op, err)
	}
	var rpcErr error
	switch {
	case errors.Is(outcome, actctx.ErrResultPending):
		return fmt.Errorf("client: %s: activity.ErrResultPending is not an outcome; pass nil, a *temporal.CanceledError or the failure", op)
	case outcome == nil:
		var payloads *commonpb.Payloads
		if result != nil {
			var err error
			if payloads, err = c.opts.DataConverter.ToPayloads(result); err != nil {
				return fmt.Errorf("client: %s: %s: encode result: %w", op, ref, err)
			}
		}
		rpcErr = c.respondCompleted(ctx, ref, payloads)
	case temporal.IsCanceledError(outcome) || errors.Is(outcome, context.Canceled):
		details, err := c.canceledDetails(outcome)
		if err != nil {
			return fmt.Errorf("client: %s: %s: encode cancellation details: %w", op, ref, err)
		}
		rpcErr = c.respondCanceled(ctx, ref, details)
	default:
		rpcErr = c.respondFailed(ctx, ref, c.opts.FailureConverter.ErrorToFailure(outcome))
	}
	return c.activityError(op, ref, rpcErr)
}

func (c *Client) respondCompleted(ctx context.Context, ref activityRef, result *commonpb.Payloads) error {
	ns, id := c.opts.Namespace, c.opts.Identity
	if ref.byToken() {
		_, err := c.service.RespondActivityTaskCompleted(ctx, &workflowservice.RespondActivityTaskCompletedRequest{
			TaskToken: ref.token, Result: result, Identity: id, Namespace: ns,
		})
		return err
	}
	_, err := c.service.RespondActivityTaskCompletedById(ctx, &workflowservice.RespondActivityTaskCompletedByIdRequest{
		Namespace: ns, WorkflowId: ref.workflowID, RunId: ref.runID, ActivityId: ref.activityID, Result: result, Identity: id,
	})
	return err
}

func (c *Client) respondCanceled(ctx context.Context, ref activityRef, details *commonpb.Payloads) error {
	ns, id := c.opts.Namespace, c.opts.Identity
	if ref.byToken() {
		_, err := c.service.RespondActivityTaskCanceled(ctx, &workflowservice.RespondActivityTaskCanceledRequest{
			TaskToken: ref.token, Details: details, Identity: id, Namespace: ns,
		})
		return err
	}
	_, err := c.service.RespondActivityTaskCanceledById(ctx, &workflowservice.RespondActivityTaskCanceledByIdRequest{
		Namespace: ns, WorkflowId: ref.workflowID, RunId: ref.runID, ActivityId: ref.activityID, Details: details, Identity: id,
	})
	return err
}

func (c *Client) respondFailed(ctx context.Context, ref activityRef, failure *failurepb.Failure) error {
	ns, id := c.opts.Namespace, c.opts.Identity
	if ref.byToken() {
		_, err := c.service.RespondActivityTaskFailed(ctx, &workflowservice.RespondActivityTaskFailedRequest{
			TaskToken: ref.token, Failure: failure, Identity: id, Namespace: ns,
		})
		return err
	}
	_, err := c.service.RespondActivityTaskFailedById(ctx, &workflowservice.RespondActivityTaskFailedByIdRequest{
		Namespace: ns, WorkflowId: ref.workflowID, RunId: ref.runID, ActivityId: ref.activityID, Failure: failure, Identity: id,
	})
	return err
}

// canceledDetails returns the details of the *temporal.CanceledError in
// err, encoded, or nil.
func (c *Client) canceledDetails(err error) (*commonpb.Payloads, error) {
	ce, ok := errorsAs[*temporal.CanceledError](err)
	if !ok {
		return nil, nil
	}
	if enc := ce.EncodedDetails(); enc != nil {
		return enc, nil
	}
	if len(ce.DetailValues()) == 0 {
		return nil, nil
	}
	return c.opts.DataConverter.ToPayloads(ce.DetailValues()...)
}

// ActivityHeartbeatResult is the server's answer to a heartbeat recorded
// through the client. The flags tell the holder of an asynchronously
// completed activity what a worker would have told the activity function
// by canceling its context.
type ActivityHeartbeatResult struct {
	// CancelRequested is set once the workflow has asked for the
	// activity's cancellation. The holder should stop the work and report
	// it with CompleteActivity(ctx, token, nil, temporal.NewCanceledError(details...))
	// (or the ByID form); heartbeats keep succeeding meanwhile.
	CancelRequested bool
	// Paused is set when the activity was paused (e.g. by an operator);
	// the holder should stop and may fail the attempt.
	Paused bool
	// Reset is set when the activity was reset; the holder should stop.
	Reset bool
}

// RecordActivityHeartbeat records a heartbeat, with details encoded by the
// client's data converter, for the activity attempt the task token names:
// it keeps an activity with a heartbeat timeout alive, and the details are
// what a retried attempt reads with activity.GetHeartbeatDetails (and what
// DescribeWorkflowExecution shows among the pending activities). Unlike
// activity.RecordHeartbeat it sends at once, without throttling, and
// returns what the server answered: check CancelRequested. An attempt the
// server no longer knows yields an error wrapping *NotFoundError.
func (c *Client) RecordActivityHeartbeat(ctx context.Context, taskToken []byte, details ...any) (ActivityHeartbeatResult, error) {
	return c.recordHeartbeat(ctx, activityRef{token: taskToken}, details)
}

// RecordActivityHeartbeatByID is RecordActivityHeartbeat for the activity
// activityID of the workflow run workflowID/runID (an empty runID means
// the current run), in the client's namespace.
func (c *Client) RecordActivityHeartbeatByID(ctx context.Context, workflowID, runID, activityID string, details ...any) (ActivityHeartbeatResult, error) {
	return c.recordHeartbeat(ctx, activityRef{workflowID: workflowID, runID: runID, activityID: activityID}, details)
}

// heartbeatFlags is what both heartbeat responses share.
type heartbeatFlags interface {
	GetCancelRequested() bool
	GetActivityPaused() bool
	GetActivityReset() bool
}

func (c *Client) recordHeartbeat(ctx context.Context, ref activityRef, details []any) (ActivityHeartbeatResult, error) {
	const op = "record activity heartbeat"
	if err := ref.check(); err != nil {
		return ActivityHeartbeatResult{}, fmt.Errorf("client: %s: %w", op, err)
	}
	var payloads *commonpb.Payloads
	if len(details) > 0 {
		var err error
		if payloads, err = c.opts.DataConverter.ToPayloads(details...); err != nil {
			return ActivityHeartbeatResult{}, fmt.Errorf("client: %s: %s: encode details: %w", op, ref, err)
		}
	}
	ns, id := c.opts.Namespace, c.opts.Identity
	var resp heartbeatFlags
	var err error
	if ref.byToken() {
		resp, err = c.service.RecordActivityTaskHeartbeat(ctx, &workflowservice.RecordActivityTaskHeartbeatRequest{
			TaskToken: ref.token, Details: payloads, Identity: id, Namespace: ns,
		})
	} else {
		resp, err = c.service.RecordActivityTaskHeartbeatById(ctx, &workflowservice.RecordActivityTaskHeartbeatByIdRequest{
			Namespace: ns, WorkflowId: ref.workflowID, RunId: ref.runID, ActivityId: ref.activityID, Details: payloads, Identity: id,
		})
	}
	if err != nil {
		return ActivityHeartbeatResult{}, c.activityError(op, ref, err)
	}
	return ActivityHeartbeatResult{
		CancelRequested: resp.GetCancelRequested(),
		Paused:          resp.GetActivityPaused(),
		Reset:           resp.GetActivityReset(),
	}, nil
}

// activityError wraps err, returned by an async completion RPC, naming
// the operation and the activity; NotFound becomes a *NotFoundError.
func (c *Client) activityError(op string, ref activityRef, err error) error {
	if err == nil {
		return nil
	}
	if st, ok := status.FromError(err); ok {
		if _, nf := serviceerror.FromStatus(st).(*serviceerror.NotFound); nf {
			err = &NotFoundError{
				Namespace: c.opts.Namespace, WorkflowID: ref.workflowID, RunID: ref.runID,
				ActivityID: ref.activityID, TaskToken: ref.token, Err: err,
			}
			return fmt.Errorf("client: %s: %w", op, err)
		}
	}
	return fmt.Errorf("client: %s: %s: %w", op, ref, err)
}
