package workflow

import (
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/sm"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// ChildWorkflowCancellationType says what cancelling a child workflow
// waits for. The zero value is ChildWorkflowCancellationWaitCompleted, the
// Python SDK's default; values other than the constants below act as it.
type ChildWorkflowCancellationType int

const (
	// ChildWorkflowCancellationWaitCompleted requests the child's
	// cancellation and waits until the child closes.
	ChildWorkflowCancellationWaitCompleted ChildWorkflowCancellationType = iota
	// ChildWorkflowCancellationTryCancel requests cancellation and
	// resolves at once as cancelled.
	ChildWorkflowCancellationTryCancel
	// ChildWorkflowCancellationAbandon resolves at once and leaves the
	// child running.
	ChildWorkflowCancellationAbandon
	// ChildWorkflowCancellationWaitRequested requests cancellation and
	// resolves once the child has been told.
	ChildWorkflowCancellationWaitRequested

	numChildWorkflowCancellationTypes // the count of the values above; keep last
)

// String returns the Python SDK's name of the type.
func (t ChildWorkflowCancellationType) String() string {
	switch t {
	case ChildWorkflowCancellationTryCancel:
		return "TRY_CANCEL"
	case ChildWorkflowCancellationAbandon:
		return "ABANDON"
	case ChildWorkflowCancellationWaitRequested:
		return "WAIT_CANCELLATION_REQUESTED"
	}
	return "WAIT_CANCELLATION_COMPLETED"
}

// sm maps t to the state machines' type; values not declared above act as
// the default, ChildWorkflowCancellationWaitCompleted.
func (t ChildWorkflowCancellationType) sm() sm.ChildCancellationType {
	switch t {
	case ChildWorkflowCancellationTryCancel:
		return sm.ChildTryCancel
	case ChildWorkflowCancellationAbandon:
		return sm.ChildAbandon
	case ChildWorkflowCancellationWaitRequested:
		return sm.ChildWaitCancellationRequested
	}
	return sm.ChildWaitCancellationCompleted
}

// ParentClosePolicy says what the server does to a child when its parent
// closes. The zero value lets the server choose (it terminates).
type ParentClosePolicy = enumspb.ParentClosePolicy

// Parent close policies.
const (
	ParentClosePolicyTerminate     = enumspb.PARENT_CLOSE_POLICY_TERMINATE
	ParentClosePolicyAbandon       = enumspb.PARENT_CLOSE_POLICY_ABANDON
	ParentClosePolicyRequestCancel = enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL
)

// ChildWorkflowOptions configure a child workflow.
type ChildWorkflowOptions struct {
	Namespace             string
	WorkflowID            string // default: "<parent run id>_<n>", deterministic
	TaskQueue             string // default: the parent's task queue
	ExecutionTimeout      time.Duration
	RunTimeout            time.Duration
	TaskTimeout           time.Duration
	WorkflowIDReusePolicy enumspb.WorkflowIdReusePolicy
	ParentClosePolicy     ParentClosePolicy
	RetryPolicy           *temporal.RetryPolicy
	CronSchedule          string
	Memo                  map[string]any
	SearchAttributes      []temporal.SearchAttributeUpdate
	CancellationType      ChildWorkflowCancellationType
	// StaticSummary (one line) and StaticDetails (Markdown) describe the
	// child in the Web UI and `temporal workflow describe`.
	StaticSummary, StaticDetails string
	// Priority orders the child's tasks (nil: the parent's).
	Priority *temporal.Priority
	// VersioningIntent is the build-id versioning intent (the Python
	// SDK's versioning_intent).
	VersioningIntent temporal.VersioningIntent
}

// ChildWorkflowHandle is a started child workflow whose result decodes
// into R.
type ChildWorkflowHandle[R any] struct {
	c  *engine.Child
	dc converter.DataConverter
}

// ID returns the child's workflow id.
func (h ChildWorkflowHandle[R]) ID() string { return h.c.WorkflowID }

// FirstExecutionRunID returns the child's run id once it started, "" before.
func (h ChildWorkflowHandle[R]) FirstExecutionRunID() string { return h.c.RunID() }

// Started returns a future that is ready with the child's run id once it
// started, or with a *temporal.ChildWorkflowStartError.
func (h ChildWorkflowHandle[R]) Started() Future[string] {
	return Future[string]{f: h.c.Started, dc: h.dc}
}

// Result returns a future for the child's result. Failures arrive as a
// *temporal.ChildWorkflowError wrapping the cause.
func (h ChildWorkflowHandle[R]) Result() Future[R] { return Future[R]{f: h.c.Result, dc: h.dc} }

// Get waits for the child's result.
func (h ChildWorkflowHandle[R]) Get(ctx Context) (R, error) { return h.Result().Get(ctx) }

// Signal signals the child. Before the child has started, the signal is
// sent once it has (a signal sent earlier would not find the child); if
// it fails to start, the future holds the start error.
func (h ChildWorkflowHandle[R]) Signal(ctx Context, name string, args ...any) Future[struct{}] {
	if ch := chainOf(impl(ctx)); ch != nil {
		return ch.signalWorkflow(ctx, &SignalWorkflowInput{Child: h.c.WorkflowID, WorkflowID: h.c.WorkflowID, Name: name, Args: args, child: h.c})
	}
	return signalChild(ctx, h.c, h.dc, name, args, nil)
}

func signalChild(ctx Context, c *engine.Child, dc converter.DataConverter, name string, args []any, header *commonpb.Header) Future[struct{}] {
	input, err := dc.ToPayloads(args...)
	if err != nil {
		return failed[struct{}](dc, fmt.Errorf("workflow: encoding signal %s: %w", name, err))
	}
	if c.Started.Ready() {
		return Future[struct{}]{f: c.Signal(name, input, header), dc: dc}
	}
	out := engine.NewFuture()
	Go(ctx, func(ctx Context) {
		if _, _, err := c.Started.Wait(impl(ctx)); err != nil {
			out.SetValue(nil, err)
			return
		}
		_, _, err := c.Signal(name, input, header).Wait(impl(ctx))
		out.SetValue(nil, err)
	})
	return Future[struct{}]{f: out, dc: dc}
}

// Cancel cancels the child according to its cancellation type.
func (h ChildWorkflowHandle[R]) Cancel() { h.c.Cancel() }

// IsDone reports whether the child's result (or its start failure) is in.
func (h ChildWorkflowHandle[R]) IsDone() bool { return h.c.Result.Ready() }

// IsCancelled reports whether the child was asked to cancel, by Cancel
// or by cancelling the context it was started with (the seed's
// cancelled()). Whether it ended cancelled is in its result's error.
func (h ChildWorkflowHandle[R]) IsCancelled() bool { return h.c.CancelRequested() }

// StartChildWorkflow starts a child workflow of type workflowType.
// Cancelling ctx cancels the child according to opts.CancellationType.
func StartChildWorkflow[R any](ctx Context, opts ChildWorkflowOptions, workflowType string, args ...any) (ChildWorkflowHandle[R], error) {
	c := impl(ctx)
	var h ChildWorkflowHandle[any]
	var err error
	if ch := chainOf(c); ch != nil {
		h, err = ch.startChildWorkflow(ctx, &ChildWorkflowInput{WorkflowType: workflowType, Options: opts, Args: args})
	} else {
		h, err = startChildWorkflow(c, opts, workflowType, args, nil)
	}
	return childAs[R](h), err
}

func startChildWorkflow(c *engine.Context, opts ChildWorkflowOptions, workflowType string, args []any, header *commonpb.Header) (ChildWorkflowHandle[any], error) {
	dc := c.Run().DataConverter()
	input, err := dc.ToPayloads(args...)
	if err != nil {
		return ChildWorkflowHandle[any]{}, fmt.Errorf("workflow: encoding arguments of child %s: %w", workflowType, err)
	}
	memo, err := encodeMemo(dc, opts.Memo)
	if err != nil {
		return ChildWorkflowHandle[any]{}, err
	}
	var sa *commonpb.SearchAttributes
	if len(opts.SearchAttributes) > 0 {
		if sa, err = temporal.EncodeSearchAttributeUpdates(opts.SearchAttributes...); err != nil {
			return ChildWorkflowHandle[any]{}, err
		}
	}
	md, err := converter.UserMetadata(dc, opts.StaticSummary, opts.StaticDetails)
	if err != nil {
		return ChildWorkflowHandle[any]{}, fmt.Errorf("workflow: encoding the summary of child %s: %w", workflowType, err)
	}
	ch := c.StartChild(engine.ChildOptions{
		Namespace:         opts.Namespace,
		WorkflowID:        opts.WorkflowID,
		TaskQueue:         opts.TaskQueue,
		ExecutionTimeout:  opts.ExecutionTimeout,
		RunTimeout:        opts.RunTimeout,
		TaskTimeout:       opts.TaskTimeout,
		IDReusePolicy:     opts.WorkflowIDReusePolicy,
		ParentClosePolicy: opts.ParentClosePolicy,
		RetryPolicy:       opts.RetryPolicy.ToProto(),
		CronSchedule:      opts.CronSchedule,
		Memo:              memo,
		SearchAttributes:  sa,
		CancellationType:  opts.CancellationType.sm(),
		Header:            header,
		Metadata:          md,
		Priority:          opts.Priority.ToProto(),
		InheritBuildID:    opts.VersioningIntent.Compatible(),
	}, workflowType, input)
	return ChildWorkflowHandle[any]{c: ch, dc: dc}, nil
}

// ExecuteChildWorkflow starts a child workflow and returns a future for its
// result.
func ExecuteChildWorkflow[R any](ctx Context, opts ChildWorkflowOptions, workflowType string, args ...any) Future[R] {
	h, err := StartChildWorkflow[R](ctx, opts, workflowType, args...)
	if err != nil {
		return failed[R](PayloadConverter(ctx), err)
	}
	return h.Result()
}

// ExternalWorkflowHandle refers to another workflow execution, to signal
// or cancel it.
type ExternalWorkflowHandle struct {
	ctx        *engine.Context
	workflowID string
	runID      string
}

// GetExternalWorkflowHandle returns a handle to the workflow with the given
// id and run id (empty: its current run).
func GetExternalWorkflowHandle(ctx Context, workflowID, runID string) ExternalWorkflowHandle {
	return ExternalWorkflowHandle{ctx: impl(ctx), workflowID: workflowID, runID: runID}
}

// ID returns the workflow id.
func (h ExternalWorkflowHandle) ID() string { return h.workflowID }

// RunID returns the run id given to GetExternalWorkflowHandle.
func (h ExternalWorkflowHandle) RunID() string { return h.runID }

// Signal signals the workflow. The future fails with a
// *temporal.ExternalWorkflowError if it does not exist.
func (h ExternalWorkflowHandle) Signal(ctx Context, name string, args ...any) Future[struct{}] {
	if ch := chainOf(impl(ctx)); ch != nil {
		return ch.signalWorkflow(ctx, &SignalWorkflowInput{WorkflowID: h.workflowID, RunID: h.runID, Name: name, Args: args})
	}
	return signalExternal(impl(ctx), h.workflowID, h.runID, name, args, nil)
}

func signalExternal(c *engine.Context, workflowID, runID, name string, args []any, header *commonpb.Header) Future[struct{}] {
	dc := c.Run().DataConverter()
	input, err := dc.ToPayloads(args...)
	if err != nil {
		return failed[struct{}](dc, fmt.Errorf("workflow: encoding signal %s: %w", name, err))
	}
	return Future[struct{}]{f: c.SignalExternal("", workflowID, runID, name, input, header), dc: dc}
}

// Cancel requests the workflow's cancellation. The future fails with a
// *temporal.ExternalWorkflowError if it does not exist. As with Signal, a
// ctx already cancelled sends nothing: the future holds its error.
func (h ExternalWorkflowHandle) Cancel(ctx Context) Future[struct{}] {
	if ch := chainOf(impl(ctx)); ch != nil {
		return ch.cancelExternalWorkflow(ctx, &CancelExternalInput{WorkflowID: h.workflowID, RunID: h.runID})
	}
	return cancelExternal(impl(ctx), h.workflowID, h.runID)
}

func cancelExternal(c *engine.Context, workflowID, runID string) Future[struct{}] {
	return Future[struct{}]{f: c.CancelExternal("", workflowID, runID), dc: c.Run().DataConverter()}
}

// failed returns a future that holds err.
func failed[T any](dc converter.DataConverter, err error) Future[T] {
	f := engine.NewFuture()
	f.SetValue(nil, err)
	return Future[T]{f: f, dc: dc}
}

func encodeMemo(dc converter.DataConverter, memo map[string]any) (*commonpb.Memo, error) {
	if len(memo) == 0 {
		return nil, nil
	}
	out := &commonpb.Memo{Fields: make(map[string]*commonpb.Payload, len(memo))}
	for k, v := range memo {
		p, err := dc.ToPayload(v)
		if err != nil {
			return nil, fmt.Errorf("workflow: encoding memo %s: %w", k, err)
		}
		out.Fields[k] = p
	}
	return out, nil
}
