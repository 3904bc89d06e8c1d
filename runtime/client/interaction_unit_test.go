package client

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	querypb "go.temporal.io/api/query/v1"
	"go.temporal.io/api/serviceerror"
	updatepb "go.temporal.io/api/update/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// fakeService answers the RPCs the tests set; the others panic (nil
// embedded interface).
type fakeService struct {
	workflowservice.WorkflowServiceClient
	update    func(*workflowservice.UpdateWorkflowExecutionRequest) (*workflowservice.UpdateWorkflowExecutionResponse, error)
	poll      func(*workflowservice.PollWorkflowExecutionUpdateRequest) (*workflowservice.PollWorkflowExecutionUpdateResponse, error)
	query     func(*workflowservice.QueryWorkflowRequest) (*workflowservice.QueryWorkflowResponse, error)
	multiOp   func(*workflowservice.ExecuteMultiOperationRequest) (*workflowservice.ExecuteMultiOperationResponse, error)
	updateReq []*workflowservice.UpdateWorkflowExecutionRequest
}

func (f *fakeService) UpdateWorkflowExecution(_ context.Context, r *workflowservice.UpdateWorkflowExecutionRequest, _ ...grpc.CallOption) (*workflowservice.UpdateWorkflowExecutionResponse, error) {
	f.updateReq = append(f.updateReq, r)
	return f.update(r)
}

func (f *fakeService) PollWorkflowExecutionUpdate(_ context.Context, r *workflowservice.PollWorkflowExecutionUpdateRequest, _ ...grpc.CallOption) (*workflowservice.PollWorkflowExecutionUpdateResponse, error) {
	return f.poll(r)
}

func (f *fakeService) QueryWorkflow(_ context.Context, r *workflowservice.QueryWorkflowRequest, _ ...grpc.CallOption) (*workflowservice.QueryWorkflowResponse, error) {
	return f.query(r)
}

func (f *fakeService) ExecuteMultiOperation(_ context.Context, r *workflowservice.ExecuteMultiOperationRequest, _ ...grpc.CallOption) (*workflowservice.ExecuteMultiOperationResponse, error) {
	return f.multiOp(r)
}

func fakeClient(t *testing.T, svc *fakeService) *Client {
	t.Helper()
	opts, err := Options{Namespace: "ns", Identity: "me"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if svc == nil {
		svc = &fakeService{}
	}
	return &Client{service: svc, opts: opts}
}

func TestUpdateOptionsDefaults(t *testing.T) {
	o, err := UpdateOptions{}.withDefaults()
	if err != nil || o.WaitForStage != UpdateStageCompleted || len(o.UpdateID) != 36 {
		t.Errorf("defaults = %+v, %v", o, err)
	}
	o, err = UpdateOptions{UpdateID: "u", WaitForStage: UpdateStageAccepted}.withDefaults()
	if err != nil || o.WaitForStage != UpdateStageAccepted || o.UpdateID != "u" {
		t.Errorf("explicit = %+v, %v", o, err)
	}
	if _, err := (UpdateOptions{WaitForStage: UpdateStageAdmitted}).withDefaults(); err == nil || !strings.Contains(err.Error(), "UpdateStageAdmitted is not supported") {
		t.Errorf("admitted: %v", err)
	}
	if _, err := (UpdateOptions{WaitForStage: 9}).withDefaults(); err == nil || !strings.Contains(err.Error(), "UpdateStage(9)") {
		t.Errorf("bad stage: %v", err)
	}
	for s, want := range map[UpdateStage]enumspb.UpdateWorkflowExecutionLifecycleStage{
		UpdateStageAdmitted:  enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED,
		UpdateStageAccepted:  enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED,
		UpdateStageCompleted: enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
	} {
		if s.proto() != want {
			t.Errorf("%v.proto() = %v", s, s.proto())
		}
	}
}

func TestInteractionValidation(t *testing.T) {
	c := fakeClient(t, nil)
	ctx := context.Background()
	h := c.GetWorkflow("wf", "")
	check := func(what string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to contain %q", what, err, want)
		}
	}
	_, err := h.Query(ctx, "")
	check("query without name", err, `client: query workflow "wf": query name is required`)
	_, err = h.StartUpdate(ctx, UpdateOptions{}, "")
	check("update without name", err, `client: update workflow "wf": update name is required`)
	_, err = h.StartUpdate(ctx, UpdateOptions{WaitForStage: UpdateStageAdmitted}, "u")
	check("update admitted", err, `client: update workflow "wf": UpdateOptions.WaitForStage UpdateStageAdmitted is not supported`)
	_, err = h.StartUpdate(ctx, UpdateOptions{}, "u", func() {})
	check("update bad args", err, "encode update arguments")

	so := StartWorkflowOptions{ID: "wf", TaskQueue: "tq"}
	_, err = c.SignalWithStartWorkflow(ctx, StartWorkflowOptions{ID: "wf"}, "sig", nil, "T")
	check("signal-with-start without task queue", err, `client: signal-with-start workflow "wf": StartWorkflowOptions.TaskQueue is required`)
	_, err = c.SignalWithStartWorkflow(ctx, so, "", nil, "T")
	check("signal-with-start without signal", err, "signal name is required")
	fail := so
	fail.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL
	_, err = c.SignalWithStartWorkflow(ctx, fail, "sig", nil, "T")
	check("signal-with-start FAIL", err, "WorkflowIDConflictPolicy FAIL is not allowed with signal-with-start")

	_, err = c.UpdateWithStartWorkflow(ctx, so, UpdateOptions{}, "u", nil, "T")
	check("update-with-start without conflict policy", err, `client: update-with-start workflow "wf": StartWorkflowOptions.WorkflowIDConflictPolicy is required`)
	use := so
	use.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	_, err = c.UpdateWithStartWorkflow(ctx, use, UpdateOptions{FirstExecutionRunID: "r"}, "u", nil, "T")
	check("update-with-start with first run", err, "FirstExecutionRunID is not allowed")
	_, err = c.UpdateWithStartWorkflow(ctx, use, UpdateOptions{WaitForStage: UpdateStageAdmitted}, "u", nil, "T")
	check("update-with-start admitted", err, "UpdateStageAdmitted is not supported")
	_, err = c.UpdateWithStartWorkflow(ctx, use, UpdateOptions{}, "", nil, "T")
	check("update-with-start without update name", err, "update name is required")
	_, err = c.UpdateWithStartWorkflow(ctx, use, UpdateOptions{}, "u", nil, "")
	check("update-with-start without workflow type", err, "workflow type is required")

	if err := h.GetUpdateHandle("x").Get(ctx, 3); err == nil || !strings.Contains(err.Error(), "non-nil pointer") {
		t.Errorf("Get into non-pointer: %v", err)
	}
}

func success(t *testing.T, c *Client, v any) *updatepb.Outcome {
	t.Helper()
	p, err := c.opts.DataConverter.ToPayloads(v)
	if err != nil {
		t.Fatal(err)
	}
	return &updatepb.Outcome{Value: &updatepb.Outcome_Success{Success: p}}
}

func TestStartUpdateRetriesUntilStage(t *testing.T) {
	svc := &fakeService{}
	c := fakeClient(t, svc)
	stages := []enumspb.UpdateWorkflowExecutionLifecycleStage{
		enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_UNSPECIFIED,
		enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED,
		enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED,
		enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
	}
	n := 0
	svc.update = func(r *workflowservice.UpdateWorkflowExecutionRequest) (*workflowservice.UpdateWorkflowExecutionResponse, error) {
		st := stages[n]
		n++
		resp := &workflowservice.UpdateWorkflowExecutionResponse{
			Stage:     st,
			UpdateRef: &updatepb.UpdateRef{WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: "wf", RunId: "run-9"}, UpdateId: r.Request.Meta.UpdateId},
		}
		if n == 2 {
			return nil, status.Error(codes.Unavailable, "restarting") // transient: retried
		}
		if st == enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED {
			resp.Outcome = success(t, c, "done")
		}
		return resp, nil
	}
	h := c.GetWorkflow("wf", "")
	uh, err := h.StartUpdate(context.Background(), UpdateOptions{UpdateID: "u1"}, "setName", "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(svc.updateReq) != 4 {
		t.Errorf("%d requests, want 4", len(svc.updateReq))
	}
	for _, r := range svc.updateReq {
		if r.Request.Meta.UpdateId != "u1" || r.Request.Meta.Identity != "me" || r.Request.Input.Name != "setName" ||
			r.WaitPolicy.LifecycleStage != enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED || r.Namespace != "ns" {
			t.Errorf("request %v", r)
		}
	}
	if uh.ID() != "u1" || uh.WorkflowID() != "wf" || uh.RunID() != "run-9" || h.RunID() != "" {
		t.Errorf("handle %s %s %s (workflow handle run %q)", uh.ID(), uh.WorkflowID(), uh.RunID(), h.RunID())
	}
	got, err := UpdateResult[string](context.Background(), uh) // no RPC: svc.poll is nil
	if err != nil || got != "done" {
		t.Errorf("result %q, %v", got, err)
	}

	// Accepted is reached at the third answer; Get then polls.
	n, svc.updateReq = 0, nil
	stages[1] = enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED
	uh, err = h.StartUpdate(context.Background(), UpdateOptions{UpdateID: "u2", WaitForStage: UpdateStageAccepted}, "setName")
	if err != nil || len(svc.updateReq) != 3 {
		t.Fatalf("accepted: %d requests, %v", len(svc.updateReq), err)
	}
	polls := 0
	svc.poll = func(r *workflowservice.PollWorkflowExecutionUpdateRequest) (*workflowservice.PollWorkflowExecutionUpdateResponse, error) {
		polls++
		if r.UpdateRef.UpdateId != "u2" || r.UpdateRef.WorkflowExecution.RunId != "run-9" ||
			r.WaitPolicy.LifecycleStage != enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED {
			t.Errorf("poll request %v", r)
		}
		if polls < 3 { // long poll ended without an outcome
			return &workflowservice.PollWorkflowExecutionUpdateResponse{Stage: enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED}, nil
		}
		return &workflowservice.PollWorkflowExecutionUpdateResponse{
			Stage: enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
			Outcome: &updatepb.Outcome{Value: &updatepb.Outcome_Failure{Failure: &failurepb.Failure{
				Message:     "bad name",
				FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{Type: "Invalid"}},
			}}},
		}, nil
	}
	for range 2 { // the second Get uses the remembered outcome
		err = uh.Get(context.Background(), nil)
		var ufe *UpdateFailedError
		var ae *temporal.ApplicationError
		if !errors.As(err, &ufe) || !errors.As(err, &ae) || ae.Message() != "bad name" || ae.Type() != "Invalid" || ufe.UpdateID != "u2" {
			t.Fatalf("failure: %v", err)
		}
		if want := `update setName (id "u2") of workflow "wf" failed: bad name`; err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
	}
	if polls != 3 {
		t.Errorf("%d polls, want 3", polls)
	}
}

func TestUpdateErrors(t *testing.T) {
	svc := &fakeService{}
	c := fakeClient(t, svc)
	h := c.GetWorkflow("wf", "r1")

	// Abandoned: accepted update of a workflow that closed.
	svc.poll = func(*workflowservice.PollWorkflowExecutionUpdateRequest) (*workflowservice.PollWorkflowExecutionUpdateResponse, error) {
		return &workflowservice.PollWorkflowExecutionUpdateResponse{Outcome: &updatepb.Outcome{Value: &updatepb.Outcome_Failure{Failure: &failurepb.Failure{
			Message: "Workflow Update failed because the Workflow completed before the Update completed.",
			Source:  "Server",
			FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{
				Type: "AcceptedUpdateCompletedWorkflow", NonRetryable: true,
			}},
		}}}}, nil
	}
	err := h.GetUpdateHandle("u").Get(context.Background(), nil)
	var abandoned *UpdateAbandonedError
	var ufe *UpdateFailedError
	if !errors.As(err, &abandoned) || !errors.As(err, &ufe) || abandoned.UpdateID != "u" {
		t.Errorf("abandoned after acceptance: %v", err)
	}

	// Abandoned before acceptance, and unknown update: NotFound.
	svc.poll = func(*workflowservice.PollWorkflowExecutionUpdateRequest) (*workflowservice.PollWorkflowExecutionUpdateResponse, error) {
		return nil, serviceerror.ToStatus(serviceerror.NewNotFound("workflow update was aborted by closing workflow")).Err()
	}
	err = h.GetUpdateHandle("u").Get(context.Background(), nil)
	if !errors.As(err, &abandoned) || status.Code(err) != codes.NotFound || !strings.HasPrefix(err.Error(), `client: get update result "wf": update "u" of workflow "wf" abandoned`) {
		t.Errorf("abandoned before acceptance: %v", err)
	}
	svc.poll = func(*workflowservice.PollWorkflowExecutionUpdateRequest) (*workflowservice.PollWorkflowExecutionUpdateResponse, error) {
		return nil, serviceerror.ToStatus(serviceerror.NewNotFound(`update "nope" not found`)).Err()
	}
	err = h.GetUpdateHandle("nope").Get(context.Background(), nil)
	var nfe *NotFoundError
	if !errors.As(err, &nfe) || nfe.UpdateID != "nope" || !strings.Contains(err.Error(), `update "nope" of workflow "wf" run r1 not found`) {
		t.Errorf("unknown update: %v", err)
	}

	// The context ends while waiting.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	svc.poll = func(*workflowservice.PollWorkflowExecutionUpdateRequest) (*workflowservice.PollWorkflowExecutionUpdateResponse, error) {
		<-ctx.Done()
		return nil, status.Error(codes.DeadlineExceeded, "context deadline exceeded")
	}
	err = h.GetUpdateHandle("u").Get(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), `waiting for update "u"`) {
		t.Errorf("deadline: %v", err)
	}

	// A plain error from StartUpdate names the operation and workflow.
	svc.update = func(*workflowservice.UpdateWorkflowExecutionRequest) (*workflowservice.UpdateWorkflowExecutionResponse, error) {
		return nil, serviceerror.ToStatus(serviceerror.NewNotFound("workflow execution already completed")).Err()
	}
	_, err = h.StartUpdate(context.Background(), UpdateOptions{}, "u")
	if !errors.As(err, &nfe) || !strings.HasPrefix(err.Error(), `client: update workflow "wf": workflow "wf" run r1 not found in namespace "ns": workflow execution already completed`) {
		t.Errorf("update of closed workflow: %v", err)
	}
}

func TestQueryErrors(t *testing.T) {
	svc := &fakeService{}
	c := fakeClient(t, svc)
	h := c.GetWorkflow("wf", "")

	svc.query = func(r *workflowservice.QueryWorkflowRequest) (*workflowservice.QueryWorkflowResponse, error) {
		if r.QueryRejectCondition != enumspb.QUERY_REJECT_CONDITION_NOT_OPEN || r.Query.QueryType != "state" {
			t.Errorf("request %v", r)
		}
		return &workflowservice.QueryWorkflowResponse{QueryRejected: &querypb.QueryRejected{Status: enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED}}, nil
	}
	_, err := h.QueryWithOptions(context.Background(), QueryOptions{RejectCondition: enumspb.QUERY_REJECT_CONDITION_NOT_OPEN}, "state")
	var qre *QueryRejectedError
	if !errors.As(err, &qre) || qre.Status != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Errorf("rejected: %v", err)
	}

	svc.query = func(*workflowservice.QueryWorkflowRequest) (*workflowservice.QueryWorkflowResponse, error) {
		return nil, serviceerror.ToStatus(serviceerror.NewQueryFailedWithFailure("unknown query \"x\"", &failurepb.Failure{
			Message:     "unknown query \"x\"",
			FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{Type: "Unknown"}},
		})).Err()
	}
	_, err = Query[string](context.Background(), h, "x")
	var qfe *QueryFailedError
	var ae *temporal.ApplicationError
	if !errors.As(err, &qfe) || qfe.Message != `unknown query "x"` || !errors.As(err, &ae) || ae.Type() != "Unknown" || status.Code(err) != codes.InvalidArgument {
		t.Errorf("failed: %v", err)
	}
	if want := `client: query workflow "wf": query "x" failed: unknown query "x"`; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestMultiOpErrors(t *testing.T) {
	svc := &fakeService{}
	c := fakeClient(t, svc)
	opts := StartWorkflowOptions{ID: "wf", TaskQueue: "tq", WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}

	respond := func(errs ...error) {
		svc.multiOp = func(r *workflowservice.ExecuteMultiOperationRequest) (*workflowservice.ExecuteMultiOperationResponse, error) {
			if len(r.Operations) != 2 || r.Operations[0].GetStartWorkflow().GetWorkflowId() != "wf" ||
				r.Operations[1].GetUpdateWorkflow().GetWorkflowExecution().GetWorkflowId() != "wf" || r.ResourceId != "wf" {
				t.Errorf("request %v", r)
			}
			return nil, serviceerror.ToStatus(serviceerror.NewMultiOperationExecution("MultiOperation could not be executed.", errs)).Err()
		}
	}
	aborted := serviceerror.NewMultiOperationAborted("Operation was aborted.")

	respond(serviceerror.NewWorkflowExecutionAlreadyStarted("running", "req", "run-1"), aborted)
	_, err := c.UpdateWithStartWorkflow(context.Background(), opts, UpdateOptions{}, "u", nil, "T")
	var ase *WorkflowAlreadyStartedError
	if !errors.As(err, &ase) || ase.RunID != "run-1" || ase.WorkflowType != "T" ||
		!strings.HasPrefix(err.Error(), `client: update-with-start workflow "wf": start operation: workflow "wf" already started (run run-1)`) {
		t.Errorf("start failed: %v", err)
	}

	respond(aborted, serviceerror.NewInvalidArgument("update name too long"))
	_, err = c.UpdateWithStartWorkflow(context.Background(), opts, UpdateOptions{}, "u", nil, "T")
	if status.Code(err) != codes.InvalidArgument || !strings.HasPrefix(err.Error(), `client: update-with-start workflow "wf": update operation: `) || !strings.Contains(err.Error(), "update name too long") {
		t.Errorf("update failed: %v", err)
	}

	svc.multiOp = func(*workflowservice.ExecuteMultiOperationRequest) (*workflowservice.ExecuteMultiOperationResponse, error) {
		return nil, status.Error(codes.PermissionDenied, "no")
	}
	_, err = c.UpdateWithStartWorkflow(context.Background(), opts, UpdateOptions{}, "u", nil, "T")
	if status.Code(err) != codes.PermissionDenied || !strings.HasPrefix(err.Error(), `client: update-with-start workflow "wf": `) {
		t.Errorf("plain error: %v", err)
	}
}
