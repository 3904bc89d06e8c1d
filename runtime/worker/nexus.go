package worker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	nexuspb "go.temporal.io/api/nexus/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/backoff"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// NexusOperation handles one operation of a Nexus service served by this
// worker's task queue (the target of a Nexus endpoint).
type NexusOperation interface {
	// Start starts the operation: it returns a result (synchronous) or a
	// token identifying the running operation (asynchronous). An
	// ApplicationError fails the operation; other errors are handler
	// errors the server retries.
	Start(ctx context.Context, req *NexusStartRequest) (*NexusStartResult, error)
	// Cancel asks a running asynchronous operation to stop.
	Cancel(ctx context.Context, req *NexusCancelRequest) error
}

// NexusStartRequest is a request to start an operation.
type NexusStartRequest struct {
	Service, Operation string
	RequestID          string // idempotency key
	Callback           string // where an asynchronous result is delivered
	CallbackHeader     map[string]string
	Header             map[string]string
	Input              *commonpb.Payload
	Links              []*nexuspb.Link
	DataConverter      converter.DataConverter
}

// NexusStartResult is a synchronous Result or an asynchronous Token.
type NexusStartResult struct {
	Result *commonpb.Payload
	Token  string
}

// NexusCancelRequest is a request to cancel a running operation.
type NexusCancelRequest struct {
	Service, Operation, Token string
}

// RegisterNexusOperation serves operation of service from this worker.
func (w *Worker) RegisterNexusOperation(service, operation string, op NexusOperation) error {
	key := service + "/" + operation
	if _, dup := w.nexus[key]; dup {
		return fmt.Errorf("worker: Nexus operation %s is already registered", key)
	}
	w.nexus[key] = op
	return nil
}

// NexusSyncOperation adapts a function into an operation that completes
// synchronously.
func NexusSyncOperation[I, O any](fn func(ctx context.Context, in I) (O, error)) NexusOperation {
	return syncOp[I, O](fn)
}

type syncOp[I, O any] func(ctx context.Context, in I) (O, error)

func (f syncOp[I, O]) Start(ctx context.Context, req *NexusStartRequest) (*NexusStartResult, error) {
	var in I
	if req.Input != nil {
		if err := req.DataConverter.FromPayload(req.Input, &in); err != nil {
			return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("decoding input of %s: %v", req.Operation, err), "BadRequest", err)
		}
	}
	out, err := f(ctx, in)
	if err != nil {
		return nil, err
	}
	p, err := req.DataConverter.ToPayload(out)
	if err != nil {
		return nil, err
	}
	return &NexusStartResult{Result: p}, nil
}

func (f syncOp[I, O]) Cancel(context.Context, *NexusCancelRequest) error {
	return errors.New("synchronous operations cannot be cancelled")
}

// NexusWorkflowRunOperation returns an asynchronous operation backed by a
// workflow run: Start starts workflowType with the input, and the
// operation completes when the workflow does (the server delivers the
// result to the caller). opts picks the workflow's id and task queue from
// the input; its ID is the operation token. Cancel cancels the workflow.
func NexusWorkflowRunOperation[I any](c *client.Client, workflowType string, opts func(in I) client.StartWorkflowOptions) NexusOperation {
	return workflowRunOp[I]{c: c, typ: workflowType, opts: opts}
}

type workflowRunOp[I any] struct {
	c    *client.Client
	typ  string
	opts func(in I) client.StartWorkflowOptions
}

func (o workflowRunOp[I]) Start(ctx context.Context, req *NexusStartRequest) (*NexusStartResult, error) {
	var in I
	if req.Input != nil {
		if err := req.DataConverter.FromPayload(req.Input, &in); err != nil {
			return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("decoding input of %s: %v", req.Operation, err), "BadRequest", err)
		}
	}
	so := o.opts(in)
	so.RequestID = req.RequestID
	so.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	if req.Callback != "" {
		so.CompletionCallbacks = []*commonpb.Callback{{Variant: &commonpb.Callback_Nexus_{Nexus: &commonpb.Callback_Nexus{
			Url: req.Callback, Header: req.CallbackHeader}}}}
	}
	h, err := o.c.StartWorkflow(ctx, so, o.typ, in)
	if err != nil {
		return nil, err
	}
	return &NexusStartResult{Token: h.ID()}, nil
}

func (o workflowRunOp[I]) Cancel(ctx context.Context, req *NexusCancelRequest) error {
	return o.c.GetWorkflow(req.Token, "").Cancel(ctx)
}

func (w *Worker) startNexusPollers(ctx context.Context) {
	m := w.metrics.root.With(temporal.TagWorkerType, temporal.WorkerTypeNexus)
	m.Inc(temporal.MetricWorkerStart)
	m.Add(temporal.MetricPollerStart, int64(w.opts.WorkflowPollers))
	m.With(temporal.TagPollerType, temporal.PollerTypeNexusTask).Gauge(temporal.MetricNumPollers, float64(w.opts.WorkflowPollers))
	for range w.opts.WorkflowPollers {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			w.nexusPollLoop(ctx)
		}()
	}
}

func (w *Worker) nexusPollLoop(ctx context.Context) {
	failures := 0
	for ctx.Err() == nil {
		pctx, cancel := context.WithTimeout(ctx, longPollTimeout)
		resp, err := w.svc.PollNexusTaskQueue(pctx, &workflowservice.PollNexusTaskQueueRequest{
			Namespace: w.client.Namespace(),
			Identity:  w.opts.Identity,
			TaskQueue: &taskqueuepb.TaskQueue{Name: w.taskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
		})
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			d := w.opts.PollBackoff.Delay(failures)
			w.log.Warn("nexus task poll failed; retrying", "error", err, "retry_in", d)
			reconnected, werr := backoff.WaitConn(ctx, w.client.Conn(), d)
			if werr != nil {
				return
			}
			if reconnected {
				failures = 0
			}
			continue
		}
		failures = 0
		if len(resp.GetTaskToken()) == 0 {
			w.metrics.root.With(temporal.TagWorkerType, temporal.WorkerTypeNexus).Inc(temporal.MetricNexusPollNoTask)
			continue
		}
		w.tasks.Add(1)
		go func() {
			defer w.tasks.Done()
			w.handleNexusTask(resp)
		}()
	}
}

func (w *Worker) handleNexusTask(task *workflowservice.PollNexusTaskQueueResponse) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req := task.GetRequest()
	var resp *nexuspb.Response
	var herr *nexuspb.HandlerError
	started := time.Now()
	var service, operation string
	switch v := req.GetVariant().(type) {
	case *nexuspb.Request_StartOperation:
		s := v.StartOperation
		service, operation = s.GetService(), s.GetOperation()
		resp, herr = w.nexusStart(ctx, req, s)
	case *nexuspb.Request_CancelOperation:
		c := v.CancelOperation
		service, operation = c.GetService(), c.GetOperation()
		resp, herr = w.nexusCancel(ctx, c)
	default:
		herr = handlerError("NOT_IMPLEMENTED", fmt.Sprintf("unsupported Nexus request %T", v))
	}
	if m := w.metrics.root.With(temporal.TagWorkerType, temporal.WorkerTypeNexus); m != nil {
		m = m.With(temporal.TagNexusService, service).With(temporal.TagNexusOperation, operation)
		m.Since(temporal.MetricNexusTaskExecutionLatency, started)
		if s := req.GetScheduledTime(); s != nil {
			m.Record(temporal.MetricNexusTaskScheduleToStartLatency, started.Sub(s.AsTime()))
			defer m.Since(temporal.MetricNexusTaskEndToEndLatency, s.AsTime())
		}
		if herr != nil {
			m.Inc(temporal.MetricNexusTaskExecutionFailed)
		}
	}
	var err error
	if herr != nil {
		_, err = w.svc.RespondNexusTaskFailed(ctx, &workflowservice.RespondNexusTaskFailedRequest{
			Namespace: w.client.Namespace(), Identity: w.opts.Identity, TaskToken: task.TaskToken, Error: herr,
		})
	} else {
		_, err = w.svc.RespondNexusTaskCompleted(ctx, &workflowservice.RespondNexusTaskCompletedRequest{
			Namespace: w.client.Namespace(), Identity: w.opts.Identity, TaskToken: task.TaskToken, Response: resp,
		})
	}
	if err != nil {
		w.log.Warn("answering Nexus task failed", "error", err)
	}
}

func (w *Worker) nexusOp(service, operation string) (NexusOperation, *nexuspb.HandlerError) {
	op, ok := w.nexus[service+"/"+operation]
	if !ok {
		names := make([]string, 0, len(w.nexus))
		for k := range w.nexus {
			names = append(names, k)
		}
		sort.Strings(names)
		return nil, handlerError("NOT_FOUND", fmt.Sprintf("Nexus operation %s/%s is not registered on this worker; registered: [%s]",
			service, operation, strings.Join(names, ", ")))
	}
	return safeNexus{service + "/" + operation, op}, nil
}

// interceptedOp is nexusOp through the worker's Nexus interceptors.
func (w *Worker) interceptedOp(ctx context.Context, service, operation string) (NexusOperation, *nexuspb.HandlerError) {
	op, herr := w.nexusOp(service, operation)
	if herr != nil || len(w.opts.NexusInterceptors) == 0 {
		return op, herr
	}
	op, err := w.interceptNexus(ctx, op)
	if err != nil {
		return nil, &nexuspb.HandlerError{ErrorType: "INTERNAL", Failure: w.nexusFailure(err)}
	}
	return op, nil
}

func (w *Worker) nexusStart(ctx context.Context, req *nexuspb.Request, s *nexuspb.StartOperationRequest) (*nexuspb.Response, *nexuspb.HandlerError) {
	op, herr := w.interceptedOp(ctx, s.Service, s.Operation)
	if herr != nil {
		return nil, herr
	}
	res, err := op.Start(ctx, &NexusStartRequest{
		Service: s.Service, Operation: s.Operation, RequestID: s.RequestId, Callback: s.Callback,
		CallbackHeader: s.CallbackHeader, Header: req.GetHeader(), Input: s.Payload, Links: s.Links, DataConverter: w.dc,
	})
	var ae *temporal.ApplicationError
	switch {
	case errors.As(err, &ae):
		return &nexuspb.Response{Variant: &nexuspb.Response_StartOperation{StartOperation: &nexuspb.StartOperationResponse{
			Variant: &nexuspb.StartOperationResponse_OperationError{OperationError: &nexuspb.UnsuccessfulOperationError{
				OperationState: "failed", Failure: w.nexusFailure(err)}}}}}, nil
	case err != nil:
		return nil, &nexuspb.HandlerError{ErrorType: "INTERNAL", Failure: w.nexusFailure(err)}
	case res.Token != "":
		return &nexuspb.Response{Variant: &nexuspb.Response_StartOperation{StartOperation: &nexuspb.StartOperationResponse{
			Variant: &nexuspb.StartOperationResponse_AsyncSuccess{AsyncSuccess: &nexuspb.StartOperationResponse_Async{
				OperationToken: res.Token, OperationId: res.Token}}}}}, nil
	default:
		return &nexuspb.Response{Variant: &nexuspb.Response_StartOperation{StartOperation: &nexuspb.StartOperationResponse{
			Variant: &nexuspb.StartOperationResponse_SyncSuccess{SyncSuccess: &nexuspb.StartOperationResponse_Sync{Payload: res.Result}}}}}, nil
	}
}

func (w *Worker) nexusCancel(ctx context.Context, c *nexuspb.CancelOperationRequest) (*nexuspb.Response, *nexuspb.HandlerError) {
	op, herr := w.interceptedOp(ctx, c.Service, c.Operation)
	if herr != nil {
		return nil, herr
	}
	token := c.OperationToken
	if token == "" {
		token = c.OperationId
	}
	if err := op.Cancel(ctx, &NexusCancelRequest{Service: c.Service, Operation: c.Operation, Token: token}); err != nil {
		return nil, &nexuspb.HandlerError{ErrorType: "INTERNAL", Failure: w.nexusFailure(err)}
	}
	return &nexuspb.Response{Variant: &nexuspb.Response_CancelOperation{CancelOperation: &nexuspb.CancelOperationResponse{}}}, nil
}

// nexusFailure carries a Temporal failure inside a Nexus failure, the way
// the server reads it back.
func (w *Worker) nexusFailure(err error) *nexuspb.Failure {
	f := w.fc.ErrorToFailure(err)
	details, _ := protojson.Marshal(f)
	return &nexuspb.Failure{Message: f.GetMessage(), Metadata: map[string]string{"type": "temporal.api.failure.v1.Failure"}, Details: details}
}

func handlerError(typ, msg string) *nexuspb.HandlerError {
	return &nexuspb.HandlerError{ErrorType: typ, Failure: &nexuspb.Failure{Message: msg}}
}
