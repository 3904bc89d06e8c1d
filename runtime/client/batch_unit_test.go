package client

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// batchFake answers the batch RPCs; the others panic (nil embedded
// interface).
type batchFake struct {
	workflowservice.WorkflowServiceClient
	count    func(*workflowservice.CountWorkflowExecutionsRequest) error
	starts   []*workflowservice.StartBatchOperationRequest
	describe func() (*workflowservice.DescribeBatchOperationResponse, error)
}

func (f *batchFake) CountWorkflowExecutions(_ context.Context, r *workflowservice.CountWorkflowExecutionsRequest, _ ...grpc.CallOption) (*workflowservice.CountWorkflowExecutionsResponse, error) {
	return &workflowservice.CountWorkflowExecutionsResponse{}, f.count(r)
}

func (f *batchFake) StartBatchOperation(_ context.Context, r *workflowservice.StartBatchOperationRequest, _ ...grpc.CallOption) (*workflowservice.StartBatchOperationResponse, error) {
	f.starts = append(f.starts, r)
	return &workflowservice.StartBatchOperationResponse{}, nil
}

func (f *batchFake) DescribeBatchOperation(context.Context, *workflowservice.DescribeBatchOperationRequest, ...grpc.CallOption) (*workflowservice.DescribeBatchOperationResponse, error) {
	return f.describe()
}

func batchClient(t *testing.T, f *batchFake) *Client {
	t.Helper()
	opts, err := Options{Namespace: "ns", Identity: "me"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return &Client{service: f, opts: opts}
}

// TestBatchValidation checks the errors for options the client rejects
// before any RPC (the fake panics on every call).
func TestBatchValidation(t *testing.T) {
	c := batchClient(t, &batchFake{})
	ctx := context.Background()
	q := BatchOptions{Query: "WorkflowType = 'X'", Reason: "r"}
	with := func(f func(*BatchOptions)) BatchOptions { o := q; f(&o); return o }
	errOf := func(_ *BatchJob, err error) error { return err }
	for _, tc := range []struct {
		err  error
		want string
	}{
		{errOf(c.BatchSignal(ctx, BatchOptions{Reason: "r"}, "s")),
			"client: start batch signal: BatchOptions needs a Query or Executions"},
		{errOf(c.BatchCancel(ctx, with(func(o *BatchOptions) { o.Executions = []*commonpb.WorkflowExecution{{WorkflowId: "w"}} }))),
			"client: start batch cancel: BatchOptions.Query and Executions are both set; use one"},
		{errOf(c.BatchTerminate(ctx, with(func(o *BatchOptions) { o.Reason = "" }))),
			"client: start batch terminate: BatchOptions.Reason is required"},
		{errOf(c.BatchTerminate(ctx, with(func(o *BatchOptions) { o.MaxOperationsPerSecond = -1 }))),
			"client: start batch terminate: BatchOptions.MaxOperationsPerSecond is negative (-1)"},
		{errOf(c.BatchCancel(ctx, BatchOptions{Reason: "r", Executions: []*commonpb.WorkflowExecution{{WorkflowId: "w"}, nil}})),
			"client: start batch cancel: BatchOptions.Executions[1] has no workflow ID"},
		{errOf(c.BatchCancel(ctx, BatchOptions{Reason: "r", Executions: []*commonpb.WorkflowExecution{{RunId: "run"}}})),
			"client: start batch cancel: BatchOptions.Executions[0] has no workflow ID"},
		{errOf(c.BatchSignal(ctx, q, "")),
			"client: start batch signal: empty signal name"},
		{errOf(c.BatchSignal(ctx, q, "s", func() {})),
			"client: start batch signal: encode arguments: "},
		{c.GetBatchJob("job").Stop(ctx, ""),
			`client: stop batch job "job": empty reason`},
	} {
		if tc.err == nil || !strings.HasPrefix(tc.err.Error(), tc.want) {
			t.Errorf("error %v, want %q", tc.err, tc.want)
		}
	}
}

func TestBatchStartRequest(t *testing.T) {
	f := &batchFake{count: func(r *workflowservice.CountWorkflowExecutionsRequest) error {
		if r.GetQuery() != "WorkflowType = 'X'" || r.GetNamespace() != "ns" {
			t.Errorf("count request %v", r)
		}
		return nil
	}}
	c := batchClient(t, f)
	ctx := context.Background()
	j, err := c.BatchSignal(ctx, BatchOptions{Query: "WorkflowType = 'X'", Reason: "r", MaxOperationsPerSecond: 5}, "s", "arg")
	if err != nil {
		t.Fatal(err)
	}
	r := f.starts[0]
	sig := r.GetSignalOperation()
	var arg string
	if r.GetJobId() != j.ID() || len(j.ID()) != 36 || r.GetNamespace() != "ns" || r.GetReason() != "r" ||
		r.GetVisibilityQuery() != "WorkflowType = 'X'" || r.GetMaxOperationsPerSecond() != 5 || len(r.GetExecutions()) != 0 ||
		sig.GetSignal() != "s" || sig.GetIdentity() != "me" || c.opts.DataConverter.FromPayloads(sig.GetInput(), &arg) != nil || arg != "arg" {
		t.Errorf("signal request %v", r)
	}

	// Executions skip the query check: with count unset, a count call
	// would panic.
	f.count = nil
	execs := []*commonpb.WorkflowExecution{{WorkflowId: "a"}, {WorkflowId: "b", RunId: "run"}}
	if _, err := c.BatchTerminate(ctx, BatchOptions{Executions: execs, Reason: "t", JobID: "job-1"}); err != nil {
		t.Fatal(err)
	}
	if r := f.starts[1]; r.GetJobId() != "job-1" || r.GetVisibilityQuery() != "" || len(r.GetExecutions()) != 2 ||
		r.GetTerminationOperation().GetIdentity() != "me" {
		t.Errorf("terminate request %v", r)
	}
	if _, err := c.BatchCancel(ctx, BatchOptions{Executions: execs, Reason: "c"}); err != nil {
		t.Fatal(err)
	}
	if r := f.starts[2]; r.GetCancellationOperation().GetIdentity() != "me" {
		t.Errorf("cancel request %v", r)
	}

	// A query the server rejects starts no job.
	f.count = func(*workflowservice.CountWorkflowExecutionsRequest) error {
		return status.Error(codes.InvalidArgument, "bad query")
	}
	_, err = c.BatchCancel(ctx, BatchOptions{Query: "bad", Reason: "c"})
	if status.Code(err) != codes.InvalidArgument || len(f.starts) != 3 {
		t.Errorf("bad query: %v, %d starts", err, len(f.starts))
	}
}

// describeSeq answers the describe calls with the given responses (an
// error or a state) in turn, then repeats the last.
func describeSeq(answers ...any) func() (*workflowservice.DescribeBatchOperationResponse, error) {
	i := 0
	return func() (*workflowservice.DescribeBatchOperationResponse, error) {
		a := answers[min(i, len(answers)-1)]
		i++
		if err, ok := a.(error); ok {
			return nil, err
		}
		return &workflowservice.DescribeBatchOperationResponse{
			JobId: "job", State: a.(enumspb.BatchOperationState), TotalOperationCount: 4, CompleteOperationCount: 2, FailureOperationCount: 1,
		}, nil
	}
}

func TestBatchWait(t *testing.T) {
	const (
		running   = enumspb.BATCH_OPERATION_STATE_RUNNING
		completed = enumspb.BATCH_OPERATION_STATE_COMPLETED
		failed    = enumspb.BATCH_OPERATION_STATE_FAILED
	)
	wait := func(ctx context.Context, answers ...any) (*BatchDescription, error) {
		return batchClient(t, &batchFake{describe: describeSeq(answers...)}).GetBatchJob("job").Wait(ctx)
	}
	ctx := context.Background()

	// Transient errors are ridden out.
	d, err := wait(ctx, status.Error(codes.Unavailable, "down"), running, status.Error(codes.ResourceExhausted, "busy"), completed)
	if err != nil || d.State != completed || !d.Done() || d.TotalOperations != 4 || d.CompletedOperations != 2 || d.FailedOperations != 1 {
		t.Errorf("completed: %+v, %v", d, err)
	}

	d, err = wait(ctx, running, failed)
	var bf *BatchFailedError
	if !errors.As(err, &bf) || bf.JobID != "job" || bf.Description != d || d.State != failed ||
		err.Error() != `client: wait for batch job: batch job "job" ended in state FAILED (stopped, or the server could not run it) after 3 of 4 operations` {
		t.Errorf("failed: %+v, %v", d, err)
	}

	_, err = wait(ctx, status.Error(codes.PermissionDenied, "no"))
	if status.Code(err) != codes.PermissionDenied || !strings.HasPrefix(err.Error(), `client: describe batch job "job": `) {
		t.Errorf("permission denied: %v", err)
	}
	var nf *NotFoundError
	if _, err := wait(ctx, status.Error(codes.NotFound, "gone")); !errors.As(err, &nf) || nf.BatchJobID != "job" ||
		err.Error() != `client: describe batch job: batch job "job" not found in namespace "ns": gone` {
		t.Errorf("not found: %v", err)
	}

	// The context bounds the wait; the error tells how far the job got.
	tctx, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	_, err = wait(tctx, running)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), `batch job "job" (Running, 3 of 4 operations done)`) {
		t.Errorf("deadline: %v", err)
	}
}
