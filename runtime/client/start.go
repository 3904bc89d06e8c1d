package client

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// StartWorkflowOptions configures StartWorkflow. Only TaskQueue is required;
// zero durations and unspecified enums leave the server defaults.
type StartWorkflowOptions struct {
	// ID is the workflow ID. Default: a random UUID.
	ID string
	// TaskQueue is where workers pick up the workflow. Required.
	TaskQueue string

	// WorkflowExecutionTimeout bounds the whole chain of runs (retries,
	// continue-as-new, cron).
	WorkflowExecutionTimeout time.Duration
	// WorkflowRunTimeout bounds one run.
	WorkflowRunTimeout time.Duration
	// WorkflowTaskTimeout bounds one workflow task (server default 10s).
	WorkflowTaskTimeout time.Duration

	// WorkflowIDReusePolicy decides whether the ID may be reused once a run
	// with it has closed. Server default: ALLOW_DUPLICATE.
	WorkflowIDReusePolicy enumspb.WorkflowIdReusePolicy
	// WorkflowIDConflictPolicy decides what happens when a run with the ID is
	// still running. Server default: FAIL.
	WorkflowIDConflictPolicy enumspb.WorkflowIdConflictPolicy

	// RetryPolicy makes the server retry failed runs. Nil: no retries.
	RetryPolicy *temporal.RetryPolicy
	// CronSchedule starts a run on this cron schedule. It cannot be combined
	// with StartDelay.
	CronSchedule string

	// Memo is stored with the workflow, encoded with the client's data
	// converter, and returned by Describe and ListWorkflows.
	Memo map[string]any
	// SearchAttributes index the workflow for ListWorkflows/CountWorkflows.
	// Values must be of a Go type that determines the attribute's indexed
	// type: string (Keyword), []string (KeywordList), signed or unsigned
	// integers up to 64 bits (Int), float32/float64 (Double), bool (Bool),
	// time.Time (Datetime). A *commonpb.Payload is sent as is (set its "type"
	// metadata yourself, e.g. for Text attributes). Values are encoded with
	// converter.Default() and never with a custom data converter, since the
	// server has to read them.
	SearchAttributes map[string]any

	// StartDelay postpones the first workflow task. Cannot be combined with
	// CronSchedule.
	StartDelay time.Duration
	// RequestID deduplicates retried start requests. Default: random.
	RequestID string

	// CompletionCallbacks are called by the server when the workflow
	// closes; Nexus operation handlers backed by a workflow pass the
	// caller's callback here.
	CompletionCallbacks []*commonpb.Callback
	// Links relate the workflow to other entities (e.g. the Nexus operation
	// that started it); shown in the UI.
	Links []*commonpb.Link

	// StaticSummary (one line) and StaticDetails (Markdown) describe the
	// workflow in the Web UI and `temporal workflow describe` (user
	// metadata, encoded with the client's data converter).
	StaticSummary, StaticDetails string
	// Priority orders the workflow's tasks, and by default those of its
	// activities and children, on their task queues.
	Priority *temporal.Priority
	// DisableEagerExecution turns eager workflow start off for this start.
	// By default, when a worker made with this client polls TaskQueue and
	// has a free workflow task slot, StartWorkflow asks the server for the
	// first workflow task in its response and hands it to that worker, so
	// the workflow starts without waiting for a poll. Starts with a
	// CronSchedule or a StartDelay, signal-with-start and update-with-start
	// never ask. The server writes an eagerly started workflow's first
	// WorkflowTaskScheduled and WorkflowTaskStarted in one batch with
	// WorkflowExecutionStarted, so that WorkflowTaskStarted (event 3) is
	// no reset point.
	DisableEagerExecution bool
}

// StartWorkflow starts a workflow of type workflowType with args encoded by
// the client's data converter and returns a handle to the new run. If the
// workflow ID is taken the error wraps a *WorkflowAlreadyStartedError.
func (c *Client) StartWorkflow(ctx context.Context, opts StartWorkflowOptions, workflowType string, args ...any) (*WorkflowHandle, error) {
	if c.out != nil {
		return c.out.StartWorkflow(ctx, &StartWorkflowInput{Options: opts, WorkflowType: workflowType, Args: args})
	}
	return c.startWorkflow(ctx, opts, workflowType, args, nil)
}

func (c *Client) startWorkflow(ctx context.Context, opts StartWorkflowOptions, workflowType string, args []any, extra temporal.Header) (*WorkflowHandle, error) {
	req, err := c.startRequest("start workflow", &opts, workflowType, args)
	if err != nil {
		return nil, err
	}
	req.Header = c.header(ctx, req.Header, extra)
	eager := c.eagerStart(&opts)
	req.RequestEagerExecution = eager != nil
	resp, err := c.service.StartWorkflowExecution(ctx, req)
	if eager != nil {
		finishEagerStart(eager, resp, err)
	}
	if err != nil {
		return nil, c.startError("start workflow", opts.ID, workflowType, err)
	}
	return &WorkflowHandle{
		c:            c,
		id:           opts.ID,
		runID:        resp.GetRunId(),
		firstRunID:   resp.GetRunId(),
		workflowType: workflowType,
		started:      resp.GetStarted(),
	}, nil
}

// startRequest validates opts, fills in the defaults (ID, RequestID) and
// builds the start request that StartWorkflow, SignalWithStartWorkflow and
// UpdateWithStartWorkflow send. Errors name op and the workflow ID.
func (c *Client) startRequest(op string, opts *StartWorkflowOptions, workflowType string, args []any) (*workflowservice.StartWorkflowExecutionRequest, error) {
	if opts.ID == "" {
		opts.ID = newUUID()
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("client: %s %q: %s", op, opts.ID, fmt.Sprintf(format, a...))
	}
	if opts.TaskQueue == "" {
		return nil, fail("StartWorkflowOptions.TaskQueue is required")
	}
	if workflowType == "" {
		return nil, fail("workflow type is required")
	}
	if opts.RequestID == "" {
		opts.RequestID = newUUID()
	}
	input, err := c.opts.DataConverter.ToPayloads(args...)
	if err != nil {
		return nil, fail("encode arguments: %v", err)
	}
	memo, err := c.encodeMemo(opts.Memo)
	if err != nil {
		return nil, fail("%v", err)
	}
	sa, err := EncodeSearchAttributes(opts.SearchAttributes)
	if err != nil {
		return nil, fail("%v", err)
	}
	md, err := converter.UserMetadata(c.opts.DataConverter, opts.StaticSummary, opts.StaticDetails)
	if err != nil {
		return nil, fail("encode summary: %v", err)
	}
	return &workflowservice.StartWorkflowExecutionRequest{
		Namespace:                c.opts.Namespace,
		WorkflowId:               opts.ID,
		WorkflowType:             &commonpb.WorkflowType{Name: workflowType},
		TaskQueue:                &taskqueuepb.TaskQueue{Name: opts.TaskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
		Input:                    input,
		WorkflowExecutionTimeout: durationOrNil(opts.WorkflowExecutionTimeout),
		WorkflowRunTimeout:       durationOrNil(opts.WorkflowRunTimeout),
		WorkflowTaskTimeout:      durationOrNil(opts.WorkflowTaskTimeout),
		Identity:                 c.opts.Identity,
		RequestId:                opts.RequestID,
		WorkflowIdReusePolicy:    opts.WorkflowIDReusePolicy,
		WorkflowIdConflictPolicy: opts.WorkflowIDConflictPolicy,
		RetryPolicy:              opts.RetryPolicy.ToProto(),
		CronSchedule:             opts.CronSchedule,
		Memo:                     memo,
		SearchAttributes:         sa,
		WorkflowStartDelay:       durationOrNil(opts.StartDelay),
		CompletionCallbacks:      opts.CompletionCallbacks,
		Links:                    opts.Links,
		UserMetadata:             md,
		Priority:                 opts.Priority.ToProto(),
	}, nil
}

// startError maps the error of a start RPC, filling in the workflow type of
// a *WorkflowAlreadyStartedError.
func (c *Client) startError(op, workflowID, workflowType string, err error) error {
	return wrapOp(op, workflowID, c.typedStartError(workflowID, workflowType, err))
}

func (c *Client) typedStartError(workflowID, workflowType string, err error) error {
	err = c.typedError(workflowID, "", err)
	if ase, ok := err.(*WorkflowAlreadyStartedError); ok {
		ase.WorkflowType = workflowType
	}
	return err
}

// SignalWorkflow sends signal signalName with args to a workflow. An empty
// runID signals the latest run.
func (c *Client) SignalWorkflow(ctx context.Context, workflowID, runID, signalName string, args ...any) error {
	if c.out != nil {
		return c.out.SignalWorkflow(ctx, &SignalWorkflowInput{WorkflowID: workflowID, RunID: runID, SignalName: signalName, Args: args})
	}
	return c.signalWorkflow(ctx, workflowID, runID, signalName, args, nil)
}

func (c *Client) signalWorkflow(ctx context.Context, workflowID, runID, signalName string, args []any, extra temporal.Header) error {
	input, err := c.opts.DataConverter.ToPayloads(args...)
	if err != nil {
		return fmt.Errorf("client: signal workflow %q: encode arguments: %w", workflowID, err)
	}
	_, err = c.service.SignalWorkflowExecution(ctx, &workflowservice.SignalWorkflowExecutionRequest{
		Namespace:         c.opts.Namespace,
		WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: workflowID, RunId: runID},
		SignalName:        signalName,
		Input:             input,
		Identity:          c.opts.Identity,
		RequestId:         newUUID(),
		Header:            c.header(ctx, nil, extra),
	})
	return c.rpcError("signal workflow", workflowID, runID, err)
}

func (c *Client) encodeMemo(memo map[string]any) (*commonpb.Memo, error) {
	if len(memo) == 0 {
		return nil, nil
	}
	fields := make(map[string]*commonpb.Payload, len(memo))
	for k, v := range memo {
		p, err := c.opts.DataConverter.ToPayload(v)
		if err != nil {
			return nil, fmt.Errorf("encode memo %q: %w", k, err)
		}
		fields[k] = p
	}
	return &commonpb.Memo{Fields: fields}, nil
}

func durationOrNil(d time.Duration) *durationpb.Duration {
	if d == 0 {
		return nil
	}
	return durationpb.New(d)
}

// newUUID returns a random (version 4) UUID string.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
