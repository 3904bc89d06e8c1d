package workflow

import (
	"fmt"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// VersioningBehavior says how a workflow moves between worker deployment
// versions.
type VersioningBehavior = enumspb.VersioningBehavior

// Versioning behaviors.
const (
	VersioningBehaviorUnspecified = enumspb.VERSIONING_BEHAVIOR_UNSPECIFIED
	VersioningBehaviorPinned      = enumspb.VERSIONING_BEHAVIOR_PINNED
	VersioningBehaviorAutoUpgrade = enumspb.VERSIONING_BEHAVIOR_AUTO_UPGRADE
)

// ContinueAsNewOptions configure the next run. Unset fields keep the
// current run's values: workflow type, task queue, run and task timeouts,
// memo, search attributes and retry policy.
type ContinueAsNewOptions struct {
	WorkflowType     string
	TaskQueue        string
	RunTimeout       time.Duration
	TaskTimeout      time.Duration
	Memo             map[string]any
	SearchAttributes []temporal.SearchAttributeUpdate
	RetryPolicy      *temporal.RetryPolicy
	// InitialVersioningBehavior says which worker deployment version the
	// new run starts on (the Python SDK's initial_versioning_behavior);
	// the zero value keeps the current one.
	InitialVersioningBehavior enumspb.ContinueAsNewVersioningBehavior
	// VersioningIntent is the build-id versioning intent (the Python SDK's
	// versioning_intent): Compatible keeps the new run on the workflow's
	// build id.
	VersioningIntent temporal.VersioningIntent
}

// ContinueAsNewError, returned from a workflow function, closes the run
// and starts a new run of the workflow with new arguments and a fresh
// history.
type ContinueAsNewError struct {
	attrs *commandpb.ContinueAsNewWorkflowExecutionCommandAttributes
}

func (e *ContinueAsNewError) Error() string {
	return "continue as new: " + e.attrs.GetWorkflowType().GetName()
}

// ContinueAsNewAttributes returns the command's attributes.
func (e *ContinueAsNewError) ContinueAsNewAttributes() *commandpb.ContinueAsNewWorkflowExecutionCommandAttributes {
	return e.attrs
}

// NewContinueAsNewError returns the error to return from a workflow to
// continue as new with args.
//
//	return 0, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, state)
func NewContinueAsNewError(ctx Context, opts ContinueAsNewOptions, args ...any) error {
	if ch := chainOf(impl(ctx)); ch != nil {
		return ch.newContinueAsNewError(ctx, &ContinueAsNewInput{Options: opts, Args: args})
	}
	return newContinueAsNewError(ctx, opts, args, nil)
}

func newContinueAsNewError(ctx Context, opts ContinueAsNewOptions, args []any, header *commonpb.Header) error {
	r := impl(ctx).Run()
	if err := readOnly(ctx, "ContinueAsNew"); err != nil {
		return err
	}
	dc := r.DataConverter()
	input, err := dc.ToPayloads(args...)
	if err != nil {
		return fmt.Errorf("workflow: encoding continue-as-new arguments: %w", err)
	}
	a := &commandpb.ContinueAsNewWorkflowExecutionCommandAttributes{
		Input:                     input,
		RetryPolicy:               opts.RetryPolicy.ToProto(),
		InitialVersioningBehavior: opts.InitialVersioningBehavior,
		InheritBuildId:            opts.VersioningIntent.Compatible(),
		Header:                    header,
	}
	if opts.WorkflowType != "" {
		a.WorkflowType = &commonpb.WorkflowType{Name: opts.WorkflowType}
	}
	if opts.TaskQueue != "" {
		a.TaskQueue = &taskqueuepb.TaskQueue{Name: opts.TaskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL}
	}
	if opts.RunTimeout > 0 {
		a.WorkflowRunTimeout = durationpb.New(opts.RunTimeout)
	}
	if opts.TaskTimeout > 0 {
		a.WorkflowTaskTimeout = durationpb.New(opts.TaskTimeout)
	}
	if a.Memo, err = encodeMemo(dc, opts.Memo); err != nil {
		return err
	}
	if len(opts.SearchAttributes) > 0 {
		if a.SearchAttributes, err = temporal.EncodeSearchAttributeUpdates(opts.SearchAttributes...); err != nil {
			return err
		}
	}
	return &ContinueAsNewError{attrs: a}
}

// readOnly returns a ReadOnlyContextError inside queries and validators.
func readOnly(ctx Context, op string) error {
	if impl(ctx).Run().ReadOnly() {
		return &temporal.ReadOnlyContextError{Op: op}
	}
	return nil
}
