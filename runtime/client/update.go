package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	updatepb "go.temporal.io/api/update/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// UpdateStage is a point in the life of a workflow update that StartUpdate
// can wait for.
type UpdateStage int

const (
	// UpdateStageUnspecified means the default, UpdateStageCompleted.
	UpdateStageUnspecified UpdateStage = iota
	// UpdateStageAdmitted: the server has the update but no worker has
	// seen it yet. StartUpdate rejects it as a wait stage, since the server
	// cannot wait for it.
	UpdateStageAdmitted
	// UpdateStageAccepted: the workflow's validator (if any) accepted the
	// update and its handler has started; or it was rejected, which also
	// ends the wait.
	UpdateStageAccepted
	// UpdateStageCompleted: the update has an outcome (result or failure).
	UpdateStageCompleted
)

// String returns the stage's name ("Accepted", ...).
func (s UpdateStage) String() string {
	switch s {
	case UpdateStageUnspecified:
		return "Unspecified"
	case UpdateStageAdmitted:
		return "Admitted"
	case UpdateStageAccepted:
		return "Accepted"
	case UpdateStageCompleted:
		return "Completed"
	}
	return fmt.Sprintf("UpdateStage(%d)", int(s))
}

func (s UpdateStage) proto() enumspb.UpdateWorkflowExecutionLifecycleStage {
	switch s {
	case UpdateStageAdmitted:
		return enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED
	case UpdateStageAccepted:
		return enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED
	case UpdateStageCompleted:
		return enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED
	}
	return enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_UNSPECIFIED
}

// UpdateOptions configures StartUpdate and UpdateWithStartWorkflow.
type UpdateOptions struct {
	// UpdateID identifies the update within the workflow. Sending an update
	// with an ID the workflow already has attaches to that update instead
	// of running the handler again. Default: a random UUID.
	UpdateID string
	// WaitForStage is when StartUpdate returns: UpdateStageAccepted (the
	// handler has started, or the update was rejected) or
	// UpdateStageCompleted (the default). UpdateStageAdmitted is not
	// supported.
	WaitForStage UpdateStage
	// FirstExecutionRunID, when set, makes the server refuse the update
	// unless the targeted run belongs to the chain of runs started as this
	// run. Not allowed with UpdateWithStartWorkflow.
	FirstExecutionRunID string
	// Header is passed to the workflow's update handler as is (context
	// propagation). Optional.
	Header *commonpb.Header
}

// withDefaults validates o and fills in the defaults. The error message
// names no operation.
func (o UpdateOptions) withDefaults() (UpdateOptions, error) {
	switch o.WaitForStage {
	case UpdateStageUnspecified:
		o.WaitForStage = UpdateStageCompleted
	case UpdateStageAccepted, UpdateStageCompleted:
	case UpdateStageAdmitted:
		return o, errors.New("UpdateOptions.WaitForStage UpdateStageAdmitted is not supported: the server cannot wait for an update to be admitted; use UpdateStageAccepted or UpdateStageCompleted")
	default:
		return o, fmt.Errorf("UpdateOptions.WaitForStage %v is not a valid stage; use UpdateStageAccepted or UpdateStageCompleted", o.WaitForStage)
	}
	if o.UpdateID == "" {
		o.UpdateID = newUUID()
	}
	return o, nil
}

// UpdateFailedError is the error of an update whose outcome is a failure:
// the handler returned an error, the validator rejected the update, or the
// server failed it (see UpdateAbandonedError). Cause is the converted
// failure, so errors.As reaches e.g. a *temporal.ApplicationError.
type UpdateFailedError struct {
	WorkflowID string
	RunID      string
	UpdateID   string
	UpdateName string // empty for handles from GetUpdateHandle
	Cause      error
}

func (e *UpdateFailedError) Error() string {
	what := fmt.Sprintf("update %q", e.UpdateID)
	if e.UpdateName != "" {
		what = fmt.Sprintf("update %s (id %q)", e.UpdateName, e.UpdateID)
	}
	return fmt.Sprintf("%s of workflow %q failed: %v", what, e.WorkflowID, e.Cause)
}

// Unwrap returns the cause.
func (e *UpdateFailedError) Unwrap() error { return e.Cause }

// UpdateAbandonedError reports that the workflow closed (completed, failed,
// continued as new, ...) before the update finished, so the update will
// never have a result. Err is the *UpdateFailedError carrying the server's
// failure (type "AcceptedUpdateCompletedWorkflow") when the update had been
// accepted, or the RPC error (codes.NotFound) when it had not.
type UpdateAbandonedError struct {
	WorkflowID string
	RunID      string
	UpdateID   string
	Err        error
}

func (e *UpdateAbandonedError) Error() string {
	return fmt.Sprintf("update %q of workflow %q abandoned: the workflow closed before the update finished", e.UpdateID, e.WorkflowID)
}

// Unwrap returns the underlying failure or RPC error.
func (e *UpdateAbandonedError) Unwrap() error { return e.Err }

// acceptedUpdateCompletedWorkflow is the type of the failure the server
// gives accepted updates whose workflow closed before they completed.
const acceptedUpdateCompletedWorkflow = "AcceptedUpdateCompletedWorkflow"

// UpdateHandle refers to one update of a workflow. Its methods are safe for
// concurrent use; the outcome is fetched once and remembered.
type UpdateHandle struct {
	wf   *WorkflowHandle
	id   string
	name string

	mu      sync.Mutex
	outcome *updatepb.Outcome
}

// ID returns the update ID.
func (u *UpdateHandle) ID() string { return u.id }

// WorkflowID returns the ID of the workflow the update belongs to.
func (u *UpdateHandle) WorkflowID() string { return u.wf.id }

// RunID returns the run the update was sent to, as reported by the server;
// empty for handles from GetUpdateHandle on a handle without a run ID.
func (u *UpdateHandle) RunID() string { return u.wf.runID }

// Workflow returns a handle to the workflow run the update belongs to.
func (u *UpdateHandle) Workflow() *WorkflowHandle { return u.wf }

// Get waits for the update's outcome and decodes its result into valuePtr
// (a pointer; nil ignores the result). It returns at once if the outcome is
// already known, else long-polls the server until it arrives or ctx is done.
//
// A failed update yields a *UpdateFailedError whose Cause is the converted
// failure (a *temporal.ApplicationError for handler errors and validator
// rejections). An update abandoned because the workflow closed first
// yields a *UpdateAbandonedError.
func (u *UpdateHandle) Get(ctx context.Context, valuePtr any) error {
	if valuePtr != nil {
		if rv := reflect.ValueOf(valuePtr); rv.Kind() != reflect.Pointer || rv.IsNil() {
			return fmt.Errorf("client: get update %q result: value must be a non-nil pointer, got %T", u.id, valuePtr)
		}
	}
	vals, err := u.values(ctx)
	if err != nil || valuePtr == nil || vals.Len() == 0 {
		return err
	}
	if err := vals.Get(0, valuePtr); err != nil {
		return fmt.Errorf("client: get update %q of workflow %q result: %w", u.id, u.wf.id, err)
	}
	return nil
}

// UpdateResult waits for the update behind uh and returns its result as a T;
// see UpdateHandle.Get.
func UpdateResult[T any](ctx context.Context, uh *UpdateHandle) (T, error) {
	var v T
	err := uh.Get(ctx, &v)
	return v, err
}

// Values waits for the update's outcome and returns its result values
// undecoded, or its failure as an error (as Get does).
func (u *UpdateHandle) Values(ctx context.Context) (converter.Values, error) { return u.values(ctx) }

// values waits for the outcome and returns the success payloads or the
// failure as an error.
func (u *UpdateHandle) values(ctx context.Context) (converter.Values, error) {
	out, err := u.waitOutcome(ctx)
	if err != nil {
		return converter.Values{}, err
	}
	c := u.wf.c
	if f := out.GetFailure(); f != nil {
		ferr := &UpdateFailedError{
			WorkflowID: u.wf.id, RunID: u.wf.runID, UpdateID: u.id, UpdateName: u.name,
			Cause: c.opts.FailureConverter.FailureToError(f),
		}
		if ae, ok := errorsAs[*temporal.ApplicationError](ferr.Cause); ok && ae.Type() == acceptedUpdateCompletedWorkflow {
			return converter.Values{}, &UpdateAbandonedError{WorkflowID: u.wf.id, RunID: u.wf.runID, UpdateID: u.id, Err: ferr}
		}
		return converter.Values{}, ferr
	}
	return converter.NewValues(out.GetSuccess(), c.opts.DataConverter), nil
}

func (u *UpdateHandle) knownOutcome() *updatepb.Outcome {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.outcome
}

func (u *UpdateHandle) setOutcome(o *updatepb.Outcome) {
	if o == nil {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.outcome = o
}

// waitOutcome returns the outcome, polling PollWorkflowExecutionUpdate
// until the server has one.
func (u *UpdateHandle) waitOutcome(ctx context.Context) (*updatepb.Outcome, error) {
	if o := u.knownOutcome(); o != nil {
		return o, nil
	}
	c := u.wf.c
	const op = "get update result"
	req := &workflowservice.PollWorkflowExecutionUpdateRequest{
		Namespace: c.opts.Namespace,
		UpdateRef: &updatepb.UpdateRef{WorkflowExecution: u.wf.execution(), UpdateId: u.id},
		Identity:  c.opts.Identity,
		WaitPolicy: &updatepb.WaitPolicy{
			LifecycleStage: enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
		},
	}
	for {
		var resp *workflowservice.PollWorkflowExecutionUpdateResponse
		ctxDone, err := c.longPoll(ctx, func(ctx context.Context) (err error) {
			resp, err = c.service.PollWorkflowExecutionUpdate(ctx, req)
			return err
		})
		if ctxDone {
			return nil, fmt.Errorf("client: %s %q: %w (waiting for update %q)", op, u.wf.id, err, u.id)
		}
		if err != nil {
			return nil, c.updateRPCError(op, u.wf.id, u.wf.runID, u.id, err)
		}
		if o := resp.GetOutcome(); o != nil {
			u.setOutcome(o)
			return o, nil
		}
		// The server's long poll ended before the update completed.
	}
}

// GetUpdateHandle returns a handle to the update updateID of the workflow
// behind h (its run, or the latest run if RunID is empty). No RPC is made;
// an unknown ID shows up as a *NotFoundError from Get.
func (h *WorkflowHandle) GetUpdateHandle(updateID string) *UpdateHandle {
	return &UpdateHandle{wf: h, id: updateID}
}

// StartUpdate sends the update name with args to the workflow behind h (its
// run, or the latest run if RunID is empty) and waits until it reaches
// opts.WaitForStage (by default until it completes). Sending the same
// UpdateID again attaches to the existing update: its handler runs once.
// The returned handle's Get waits for and returns the outcome.
//
// A validator's rejection is not an error here: it is the update's outcome
// (the update is completed as soon as it is rejected), and Get returns it
// as a *UpdateFailedError.
func (h *WorkflowHandle) StartUpdate(ctx context.Context, opts UpdateOptions, name string, args ...any) (*UpdateHandle, error) {
	if h.c.out != nil {
		return h.c.out.UpdateWorkflow(ctx, &UpdateWorkflowInput{Workflow: h, Options: opts, UpdateName: name, Args: args})
	}
	return h.startUpdate(ctx, opts, name, args, nil)
}

func (h *WorkflowHandle) startUpdate(ctx context.Context, opts UpdateOptions, name string, args []any, extra temporal.Header) (*UpdateHandle, error) {
	const op = "update workflow"
	req, opts, err := h.c.updateRequest(op, h.id, h.runID, opts, name, args)
	if err == nil {
		req.Request.Input.Header = h.c.header(ctx, req.Request.Input.Header, extra)
	}
	if err != nil {
		return nil, err
	}
	resp, err := h.c.updateUntilStage(ctx, op, h.id, h.runID, req, opts.WaitForStage, nil)
	if err != nil {
		return nil, err
	}
	wf := h
	if r := resp.GetUpdateRef().GetWorkflowExecution().GetRunId(); r != "" && r != h.runID {
		cp := *h
		cp.runID = r
		wf = &cp
	}
	uh := &UpdateHandle{wf: wf, id: opts.UpdateID, name: name}
	uh.setOutcome(resp.GetOutcome())
	return uh, nil
}

// ExecuteUpdate sends the update name with args, waits for it to complete
// and returns its result; see StartUpdate and UpdateHandle.Get.
func (h *WorkflowHandle) ExecuteUpdate(ctx context.Context, name string, args ...any) (converter.Values, error) {
	uh, err := h.StartUpdate(ctx, UpdateOptions{WaitForStage: UpdateStageCompleted}, name, args...)
	if err != nil {
		return converter.Values{}, err
	}
	return uh.values(ctx)
}

// ExecuteUpdate sends the update name with args to the workflow behind h,
// waits for it to complete and returns its result as a T.
func ExecuteUpdate[T any](ctx context.Context, h *WorkflowHandle, name string, args ...any) (T, error) {
	var v T
	uh, err := h.StartUpdate(ctx, UpdateOptions{WaitForStage: UpdateStageCompleted}, name, args...)
	if err != nil {
		return v, err
	}
	err = uh.Get(ctx, &v)
	return v, err
}

// updateRequest validates opts (filling in the defaults, returned) and
// builds the UpdateWorkflowExecution request.
func (c *Client) updateRequest(op, workflowID, runID string, opts UpdateOptions, name string, args []any) (*workflowservice.UpdateWorkflowExecutionRequest, UpdateOptions, error) {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("client: %s %q: %s", op, workflowID, fmt.Sprintf(format, a...))
	}
	if name == "" {
		return nil, opts, fail("update name is required")
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, opts, fail("%v", err)
	}
	input, err := c.opts.DataConverter.ToPayloads(args...)
	if err != nil {
		return nil, opts, fail("encode update arguments: %v", err)
	}
	return &workflowservice.UpdateWorkflowExecutionRequest{
		Namespace:           c.opts.Namespace,
		WorkflowExecution:   &commonpb.WorkflowExecution{WorkflowId: workflowID, RunId: runID},
		FirstExecutionRunId: opts.FirstExecutionRunID,
		WaitPolicy:          &updatepb.WaitPolicy{LifecycleStage: opts.WaitForStage.proto()},
		Request: &updatepb.Request{
			Meta:  &updatepb.Meta{UpdateId: opts.UpdateID, Identity: c.opts.Identity},
			Input: &updatepb.Input{Header: opts.Header, Name: name, Args: input},
		},
	}, opts, nil
}

// reached reports whether an update response has reached stage want (or
// has an outcome, which ends every wait).
func reached(outcome *updatepb.Outcome, stage enumspb.UpdateWorkflowExecutionLifecycleStage, want UpdateStage) bool {
	return outcome != nil || stage >= want.proto()
}

// updateUntilStage sends req until the update reaches stage want. When the
// server's long poll ends first it answers with a lower stage (UNSPECIFIED,
// ADMITTED or, when Completed is wanted, ACCEPTED); the request is then
// sent again, which is safe because the update ID makes it idempotent.
// first, when not nil, is an answer already received for req.
func (c *Client) updateUntilStage(ctx context.Context, op, workflowID, runID string, req *workflowservice.UpdateWorkflowExecutionRequest, want UpdateStage, first *workflowservice.UpdateWorkflowExecutionResponse) (*workflowservice.UpdateWorkflowExecutionResponse, error) {
	resp := first
	for resp == nil || !reached(resp.GetOutcome(), resp.GetStage(), want) {
		ctxDone, err := c.longPoll(ctx, func(ctx context.Context) (err error) {
			resp, err = c.service.UpdateWorkflowExecution(ctx, req)
			return err
		})
		if ctxDone {
			return nil, fmt.Errorf("client: %s %q: %w (waiting for update %q to reach stage %s)", op, workflowID, err, req.GetRequest().GetMeta().GetUpdateId(), want)
		}
		if err != nil {
			return nil, c.updateRPCError(op, workflowID, runID, req.GetRequest().GetMeta().GetUpdateId(), err)
		}
	}
	return resp, nil
}

// updateRPCError maps the error of an update RPC: NotFound for an update
// aborted because its workflow closed becomes *UpdateAbandonedError, NotFound
// for an unknown update ID a *NotFoundError naming the update; the rest is
// mapped as by rpcError.
func (c *Client) updateRPCError(op, workflowID, runID, updateID string, err error) error {
	return wrapOp(op, workflowID, c.typedUpdateError(workflowID, runID, updateID, err))
}

func (c *Client) typedUpdateError(workflowID, runID, updateID string, err error) error {
	if st, ok := status.FromError(err); ok && st.Code() == codes.NotFound {
		msg := st.Message()
		switch {
		case strings.Contains(msg, "aborted by closing workflow"):
			return &UpdateAbandonedError{WorkflowID: workflowID, RunID: runID, UpdateID: updateID, Err: err}
		case strings.HasPrefix(msg, "update ") && strings.HasSuffix(msg, "not found"):
			return &NotFoundError{Namespace: c.opts.Namespace, WorkflowID: workflowID, RunID: runID, UpdateID: updateID, Err: err}
		}
	}
	return c.typedError(workflowID, runID, err)
}

// longPoll runs call, a long-polling RPC, with a per-call timeout (unless
// ctx ends earlier) until it succeeds or fails for good. It calls again
// after the per-call timeout and, with backoff, after Unavailable and
// ResourceExhausted errors (the server restarting or rate limiting); this
// is only safe for idempotent calls. When ctx ends it returns ctx's error
// (with the last RPC error in the message) and ctxDone true.
func (c *Client) longPoll(ctx context.Context, call func(context.Context) error) (ctxDone bool, err error) {
	delay := 100 * time.Millisecond
	for {
		callCtx, cancel := context.WithTimeout(ctx, longPollTimeout)
		err := call(callCtx)
		cancel()
		if err == nil {
			return false, nil
		}
		if ctx.Err() != nil {
			return true, ctxErr(ctx, err)
		}
		switch status.Code(err) {
		case codes.DeadlineExceeded:
			continue // our per-call timeout
		case codes.Unavailable, codes.ResourceExhausted:
			select {
			case <-ctx.Done():
				return true, ctxErr(ctx, err)
			case <-time.After(delay):
			}
			delay = min(2*delay, 5*time.Second)
			continue
		}
		return false, err
	}
}

// ctxErr returns ctx's error, mentioning last when it says more than that.
func ctxErr(ctx context.Context, last error) error {
	switch status.Code(last) {
	case codes.Canceled, codes.DeadlineExceeded:
		return ctx.Err()
	}
	return fmt.Errorf("%w (last error: %v)", ctx.Err(), last)
}
