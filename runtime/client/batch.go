package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	batchpb "go.temporal.io/api/batch/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// BatchOptions selects the workflows of a batch job and names the job.
type BatchOptions struct {
	// JobID identifies the job (Describe, Stop, List). Default: a random
	// UUID. Starting a job with the ID of an existing one, running or
	// ended, fails with a *BatchJobExistsError.
	JobID string
	// Query is the visibility query selecting the workflows, e.g.
	// `WorkflowType = "Order" AND ExecutionStatus = "Running"`. The server
	// runs it when the job starts; since visibility is eventually
	// consistent, workflows started just before may be missed (wait until
	// CountWorkflows sees them). The client checks the query with a
	// CountWorkflows call first, since a job whose query the server cannot
	// run does not fail but retries it for ever. Exactly one of Query and
	// Executions is required.
	Query string
	// Executions lists the workflows instead of a query; an empty run ID
	// means the current run. A listed workflow that does not exist (or
	// has closed) does not fail the job.
	Executions []*commonpb.WorkflowExecution
	// Reason is recorded with the job and, for terminations, in every
	// workflow's terminated event. Required by the server.
	Reason string
	// MaxOperationsPerSecond bounds the job's pace, to spare the
	// workflows' workers. Zero (or more than the server's
	// worker.batcherRPS, 50 by default) uses the server's limit; negative
	// values are rejected.
	MaxOperationsPerSecond float32
}

// BatchJob refers to a batch job of the client's namespace. It is cheap
// and immutable.
type BatchJob struct {
	c  *Client
	id string
}

// GetBatchJob returns a reference to the batch job jobID. No RPC is made.
func (c *Client) GetBatchJob(jobID string) *BatchJob { return &BatchJob{c: c, id: jobID} }

// ID returns the job ID.
func (j *BatchJob) ID() string { return j.id }

// BatchSignal starts a batch job that sends the signal signalName with
// args (encoded with the client's data converter) to every selected
// workflow, as WorkflowHandle.Signal does. It returns once the job
// started; Wait for it to finish.
func (c *Client) BatchSignal(ctx context.Context, opts BatchOptions, signalName string, args ...any) (*BatchJob, error) {
	if signalName == "" {
		return nil, errors.New("client: start batch signal: empty signal name")
	}
	input, err := c.opts.DataConverter.ToPayloads(args...)
	if err != nil {
		return nil, fmt.Errorf("client: start batch signal: encode arguments: %w", err)
	}
	return c.startBatch(ctx, "start batch signal", opts, func(req *workflowservice.StartBatchOperationRequest) {
		req.Operation = &workflowservice.StartBatchOperationRequest_SignalOperation{
			SignalOperation: &batchpb.BatchOperationSignal{Signal: signalName, Input: input, Identity: c.opts.Identity},
		}
	})
}

// BatchCancel starts a batch job that asks every selected workflow to
// cancel, as WorkflowHandle.Cancel does. The job ends once the requests
// are recorded, not when the workflows have canceled.
func (c *Client) BatchCancel(ctx context.Context, opts BatchOptions) (*BatchJob, error) {
	return c.startBatch(ctx, "start batch cancel", opts, func(req *workflowservice.StartBatchOperationRequest) {
		req.Operation = &workflowservice.StartBatchOperationRequest_CancellationOperation{
			CancellationOperation: &batchpb.BatchOperationCancellation{Identity: c.opts.Identity},
		}
	})
}

// BatchTerminate starts a batch job that terminates every selected
// workflow, recording opts.Reason in its terminated event, as
// WorkflowHandle.Terminate does. (No details: the server's batch job
// does not record them.)
func (c *Client) BatchTerminate(ctx context.Context, opts BatchOptions) (*BatchJob, error) {
	return c.startBatch(ctx, "start batch terminate", opts, func(req *workflowservice.StartBatchOperationRequest) {
		req.Operation = &workflowservice.StartBatchOperationRequest_TerminationOperation{
			TerminationOperation: &batchpb.BatchOperationTermination{Identity: c.opts.Identity},
		}
	})
}

// startBatch validates opts and starts the job whose operation setOp puts
// into the request.
func (c *Client) startBatch(ctx context.Context, op string, opts BatchOptions, setOp func(*workflowservice.StartBatchOperationRequest)) (*BatchJob, error) {
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("client: %s: %w", op, err)
	}
	if opts.Query != "" {
		if _, err := c.service.CountWorkflowExecutions(ctx, &workflowservice.CountWorkflowExecutionsRequest{
			Namespace: c.opts.Namespace, Query: opts.Query,
		}); err != nil {
			return nil, fmt.Errorf("client: %s: check query: %w", op, err)
		}
	}
	jobID := opts.JobID
	if jobID == "" {
		jobID = newUUID()
	}
	req := &workflowservice.StartBatchOperationRequest{
		Namespace:              c.opts.Namespace,
		VisibilityQuery:        opts.Query,
		JobId:                  jobID,
		Reason:                 opts.Reason,
		MaxOperationsPerSecond: opts.MaxOperationsPerSecond,
	}
	if len(opts.Executions) > 0 {
		// Servers up to 1.29 know only this field; target_executions
		// replaces it later.
		req.Executions = opts.Executions
	}
	setOp(req)
	if _, err := c.service.StartBatchOperation(ctx, req); err != nil {
		return nil, c.batchError(op, jobID, err)
	}
	return &BatchJob{c: c, id: jobID}, nil
}

// validate reports the first problem of opts the server would reject,
// or that would make the job's selection ambiguous.
func (o *BatchOptions) validate() error {
	switch {
	case o.Query == "" && len(o.Executions) == 0:
		return errors.New("BatchOptions needs a Query or Executions")
	case o.Query != "" && len(o.Executions) > 0:
		return errors.New("BatchOptions.Query and Executions are both set; use one")
	case o.Reason == "":
		return errors.New("BatchOptions.Reason is required")
	case o.MaxOperationsPerSecond < 0:
		return fmt.Errorf("BatchOptions.MaxOperationsPerSecond is negative (%g)", o.MaxOperationsPerSecond)
	}
	for i, e := range o.Executions {
		if e.GetWorkflowId() == "" {
			return fmt.Errorf("BatchOptions.Executions[%d] has no workflow ID", i)
		}
	}
	return nil
}

// BatchJobExistsError is returned (wrapped) when a batch job is started
// with the BatchOptions.JobID of an existing job, running or ended. It
// unwraps to the gRPC status error (codes.AlreadyExists).
type BatchJobExistsError struct {
	JobID string
	Err   error // the RPC error
}

func (e *BatchJobExistsError) Error() string {
	return fmt.Sprintf("batch job %q already exists", e.JobID)
}

// Unwrap returns the RPC error.
func (e *BatchJobExistsError) Unwrap() error { return e.Err }

// batchError wraps err, returned by a batch RPC, with the operation and
// the job ID, mapping NotFound to *NotFoundError and AlreadyExists to
// *BatchJobExistsError.
func (c *Client) batchError(op, jobID string, err error) error {
	switch status.Code(err) {
	case codes.NotFound:
		err = &NotFoundError{Namespace: c.opts.Namespace, BatchJobID: jobID, Err: err}
	case codes.AlreadyExists:
		err = &BatchJobExistsError{JobID: jobID, Err: err}
	default:
		return fmt.Errorf("client: %s %q: %w", op, jobID, err)
	}
	return fmt.Errorf("client: %s: %w", op, err)
}

// BatchDescription is the state of a batch job.
type BatchDescription struct {
	JobID     string
	Operation enumspb.BatchOperationType
	// State is RUNNING until the job ends, then COMPLETED, or FAILED
	// (which includes a stopped job). Done reports the end.
	State     enumspb.BatchOperationState
	StartTime time.Time
	CloseTime time.Time // zero while running
	// TotalOperations is the number of workflows the job selected (for a
	// query, as counted when the job started; zero until then);
	// CompletedOperations and FailedOperations count those done so far.
	// An operation on a workflow that has closed, or does not exist,
	// counts as completed.
	TotalOperations     int64
	CompletedOperations int64
	FailedOperations    int64
	// Identity and Reason are those the job was started with (stopping
	// a job does not change Reason); Query is set when the server
	// reports it (1.29 does not).
	Identity string
	Reason   string
	Query    string

	raw *workflowservice.DescribeBatchOperationResponse
}

// Raw returns the full server response.
func (d *BatchDescription) Raw() *workflowservice.DescribeBatchOperationResponse { return d.raw }

// Done reports whether the job has ended.
func (d *BatchDescription) Done() bool {
	return d.State == enumspb.BATCH_OPERATION_STATE_COMPLETED || d.State == enumspb.BATCH_OPERATION_STATE_FAILED
}

// Describe returns the job's state.
func (j *BatchJob) Describe(ctx context.Context) (*BatchDescription, error) {
	resp, err := j.c.service.DescribeBatchOperation(ctx, &workflowservice.DescribeBatchOperationRequest{
		Namespace: j.c.opts.Namespace, JobId: j.id,
	})
	if err != nil {
		return nil, j.c.batchError("describe batch job", j.id, err)
	}
	return &BatchDescription{
		JobID:               resp.GetJobId(),
		Operation:           resp.GetOperationType(),
		State:               resp.GetState(),
		StartTime:           timeOf(resp.GetStartTime()),
		CloseTime:           timeOf(resp.GetCloseTime()),
		TotalOperations:     resp.GetTotalOperationCount(),
		CompletedOperations: resp.GetCompleteOperationCount(),
		FailedOperations:    resp.GetFailureOperationCount(),
		Identity:            resp.GetIdentity(),
		Reason:              resp.GetReason(),
		Query:               resp.GetQuery(),
		raw:                 resp,
	}, nil
}

// Stop stops the running job, recording reason (required); the job then
// ends in state FAILED, leaving the workflows it had not reached
// untouched. Stopping a job that has ended fails with a *NotFoundError
// (the server's message says "already completed").
func (j *BatchJob) Stop(ctx context.Context, reason string) error {
	if reason == "" {
		return fmt.Errorf("client: stop batch job %q: empty reason", j.id)
	}
	_, err := j.c.service.StopBatchOperation(ctx, &workflowservice.StopBatchOperationRequest{
		Namespace: j.c.opts.Namespace, JobId: j.id, Reason: reason, Identity: j.c.opts.Identity,
	})
	if err != nil {
		return j.c.batchError("stop batch job", j.id, err)
	}
	return nil
}

// BatchFailedError is returned by BatchJob.Wait when the job ended in
// state FAILED: it was stopped, or the server could not run it.
// Operations that failed on single workflows (e.g. one had closed) do not
// fail the job; they are counted in BatchDescription.FailedOperations.
type BatchFailedError struct {
	JobID       string
	Description *BatchDescription
}

func (e *BatchFailedError) Error() string {
	d := e.Description
	return fmt.Sprintf("batch job %q ended in state FAILED (stopped, or the server could not run it) after %d of %d operations",
		e.JobID, d.CompletedOperations+d.FailedOperations, d.TotalOperations)
}

// Wait polls Describe until the job ends or ctx is done, and returns the
// final description. A job that ended FAILED also yields an error
// wrapping *BatchFailedError. Polls start 100ms apart and slow down to
// 2s; Unavailable and ResourceExhausted errors are retried, others (e.g.
// a *NotFoundError for an unknown job ID) returned. When ctx ends first,
// the error wraps ctx.Err() and tells how far the job got; the job goes
// on (Stop ends it).
func (j *BatchJob) Wait(ctx context.Context) (*BatchDescription, error) {
	delay := 100 * time.Millisecond
	var last *BatchDescription
	for {
		d, err := j.Describe(ctx)
		switch {
		case err == nil && d.State == enumspb.BATCH_OPERATION_STATE_FAILED:
			return d, fmt.Errorf("client: wait for batch job: %w", &BatchFailedError{JobID: j.id, Description: d})
		case err == nil && d.Done():
			return d, nil
		case err == nil:
			last = d
		case ctx.Err() != nil:
			return nil, j.waitAborted(ctx, last)
		default:
			if code := status.Code(err); code != codes.Unavailable && code != codes.ResourceExhausted {
				return nil, err
			}
		}
		select {
		case <-ctx.Done():
			return nil, j.waitAborted(ctx, last)
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// waitAborted is Wait's error when ctx ends first; last is the latest
// description, if any.
func (j *BatchJob) waitAborted(ctx context.Context, last *BatchDescription) error {
	if last == nil {
		return fmt.Errorf("client: wait for batch job %q: %w", j.id, ctx.Err())
	}
	return fmt.Errorf("client: wait for batch job %q (%s, %d of %d operations done): %w", j.id, last.State,
		last.CompletedOperations+last.FailedOperations, last.TotalOperations, ctx.Err())
}

// BatchJobInfo is a batch job as ListBatchJobs reports it.
type BatchJobInfo struct {
	JobID string
	// Operation is set when the server reports it (1.29 does not; see
	// BatchJob.Describe).
	Operation enumspb.BatchOperationType
	State     enumspb.BatchOperationState
	StartTime time.Time
	CloseTime time.Time
}

// ListBatchJobs iterates over the namespace's batch jobs, running and
// ended (until the server's retention removes them), newest first,
// fetching pages as needed. Listing is eventually consistent: a job just
// started may be missing. Iteration stops after the first error, which
// is yielded with a nil info.
func (c *Client) ListBatchJobs(ctx context.Context) iter.Seq2[*BatchJobInfo, error] {
	return func(yield func(*BatchJobInfo, error) bool) {
		var token []byte
		for {
			resp, err := c.service.ListBatchOperations(ctx, &workflowservice.ListBatchOperationsRequest{
				Namespace: c.opts.Namespace, NextPageToken: token,
			})
			if err != nil {
				yield(nil, fmt.Errorf("client: list batch jobs: %w", err))
				return
			}
			for _, info := range resp.GetOperationInfo() {
				if !yield(&BatchJobInfo{
					JobID:     info.GetJobId(),
					Operation: info.GetOperationType(),
					State:     info.GetState(),
					StartTime: timeOf(info.GetStartTime()),
					CloseTime: timeOf(info.GetCloseTime()),
				}, nil) {
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
