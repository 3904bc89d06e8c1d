package engine

import (
	"errors"
	"fmt"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/sm"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// ChildOptions are the engine's child workflow options.
type ChildOptions struct {
	Namespace         string
	WorkflowID        string // default: <run id>_<child sequence number>
	TaskQueue         string // default: the parent's task queue
	ExecutionTimeout  time.Duration
	RunTimeout        time.Duration
	TaskTimeout       time.Duration
	IDReusePolicy     enumspb.WorkflowIdReusePolicy
	ParentClosePolicy enumspb.ParentClosePolicy
	RetryPolicy       *commonpb.RetryPolicy
	CronSchedule      string
	Memo              *commonpb.Memo
	SearchAttributes  *commonpb.SearchAttributes
	CancellationType  sm.ChildCancellationType
	Header            *commonpb.Header
	Metadata          *sdkpb.UserMetadata // the child's static summary and details
	Priority          *commonpb.Priority
	InheritBuildID    bool
}

// Child is a started child workflow: Started is ready with its run id (a
// string value) and Result with its result.
type Child struct {
	WorkflowID string
	Started    *Future
	Result     *Future
	m          *sm.Child
	ctx        *Context
	cancelled  bool // Cancel was called, or the context was cancelled
}

// CancelRequested reports whether the child was asked to cancel, through
// Cancel or its context.
func (c *Child) CancelRequested() bool { return c.cancelled }

// RunID returns the child's run id once Started is ready.
func (c *Child) RunID() string {
	if c.m == nil {
		return ""
	}
	return c.m.RunID()
}

// Cancel cancels the child according to its cancellation type.
func (c *Child) Cancel() {
	if c.m != nil {
		c.cancelled = true
		c.m.Cancel()
	}
}

// Signal signals the child (only this workflow's child can receive it).
func (c *Child) Signal(name string, input *commonpb.Payloads, header *commonpb.Header) *Future {
	return c.ctx.signalExternal(c.m.RunID(), c.WorkflowID, name, input, header, true, "")
}

// StartChild starts a child workflow. Cancelling ctx cancels the child
// according to opts.CancellationType.
func (c *Context) StartChild(opts ChildOptions, workflowType string, input *commonpb.Payloads) *Child {
	r := c.run
	ch := &Child{Started: NewFuture(), Result: NewFuture(), ctx: c}
	fail := func(err error) *Child {
		ch.Started.SetValue(nil, err)
		ch.Result.SetPayloads(nil, err)
		return ch
	}
	if err := r.checkWritable("StartChildWorkflow"); err != nil {
		return fail(err)
	}
	if err := c.Err(); err != nil {
		return fail(err)
	}
	id := opts.WorkflowID
	if id == "" {
		id = fmt.Sprintf("%s_%d", r.info.RunID, r.ms.PeekSeq("child_workflow")+1)
	}
	ch.WorkflowID = id
	ns := opts.Namespace
	if ns == "" {
		ns = r.info.Namespace
	}
	tq := opts.TaskQueue
	if tq == "" {
		tq = r.info.TaskQueue
	}
	attrs := &commandpb.StartChildWorkflowExecutionCommandAttributes{
		Namespace:                ns,
		WorkflowId:               id,
		WorkflowType:             &commonpb.WorkflowType{Name: workflowType},
		TaskQueue:                &taskqueuepb.TaskQueue{Name: tq, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
		Input:                    input,
		WorkflowExecutionTimeout: dur(opts.ExecutionTimeout),
		WorkflowRunTimeout:       dur(opts.RunTimeout),
		WorkflowTaskTimeout:      dur(opts.TaskTimeout),
		ParentClosePolicy:        opts.ParentClosePolicy,
		WorkflowIdReusePolicy:    opts.IDReusePolicy,
		RetryPolicy:              opts.RetryPolicy,
		CronSchedule:             opts.CronSchedule,
		Header:                   opts.Header,
		Memo:                     opts.Memo,
		SearchAttributes:         opts.SearchAttributes,
		Priority:                 opts.Priority,
		InheritBuildId:           opts.InheritBuildID,
	}
	var stop func()
	ch.m = r.ms.StartChild(attrs, opts.CancellationType, func(s sm.ChildStart) {
		switch {
		case s.Canceled:
			ch.Started.SetValue(nil, temporal.NewCanceledError())
		case s.FailedCause != enumspb.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_UNSPECIFIED:
			err := &temporal.ChildWorkflowStartError{WorkflowID: id, WorkflowType: workflowType, Cause: s.FailedCause}
			ch.Started.SetValue(nil, err)
			ch.Result.SetPayloads(nil, err)
		default:
			ch.Started.SetValue(s.RunID, nil)
		}
	}, func(o sm.Outcome) {
		if stop != nil {
			stop()
		}
		if o.Failure != nil {
			ch.Result.SetPayloads(nil, r.cfg.FailureConverter.FailureToError(o.Failure))
			return
		}
		ch.Result.SetPayloads(o.Result, nil)
	})
	r.ms.AnnotateLast(opts.Metadata)
	stop = c.OnCancel(ch.Cancel)
	return ch
}

// SignalExternal signals another workflow; the future is ready with nil
// once the signal is delivered, or with a *temporal.ExternalWorkflowError.
func (c *Context) SignalExternal(namespace, workflowID, runID, name string, input *commonpb.Payloads, header *commonpb.Header) *Future {
	return c.signalExternal(runID, workflowID, name, input, header, false, namespace)
}

func (c *Context) signalExternal(runID, workflowID, name string, input *commonpb.Payloads, header *commonpb.Header, childOnly bool, namespace string) *Future {
	r := c.run
	f := NewFuture()
	if err := r.checkWritable("SignalExternalWorkflow"); err != nil {
		f.SetValue(nil, err)
		return f
	}
	if err := c.Err(); err != nil {
		f.SetValue(nil, err)
		return f
	}
	if namespace == "" {
		namespace = r.info.Namespace
	}
	var stop func()
	x := r.ms.SignalExternal(&commandpb.SignalExternalWorkflowExecutionCommandAttributes{
		Namespace:         namespace,
		Execution:         &commonpb.WorkflowExecution{WorkflowId: workflowID, RunId: runID},
		SignalName:        name,
		Input:             input,
		Header:            header,
		ChildWorkflowOnly: childOnly,
	}, func(fl *failurepb.Failure) {
		if stop != nil {
			stop()
		}
		f.SetValue(nil, r.externalError(fl, "signal", workflowID, runID))
	})
	stop = c.OnCancel(x.Cancel)
	return f
}

// CancelExternal requests the cancellation of another workflow.
func (c *Context) CancelExternal(namespace, workflowID, runID string) *Future {
	r := c.run
	f := NewFuture()
	if err := r.checkWritable("CancelExternalWorkflow"); err != nil {
		f.SetValue(nil, err)
		return f
	}
	if err := c.Err(); err != nil {
		// As for signals: a cancelled context sends nothing.
		f.SetValue(nil, err)
		return f
	}
	if namespace == "" {
		namespace = r.info.Namespace
	}
	r.ms.CancelExternal(&commandpb.RequestCancelExternalWorkflowExecutionCommandAttributes{
		Namespace: namespace, WorkflowId: workflowID, RunId: runID,
	}, func(fl *failurepb.Failure) {
		f.SetValue(nil, r.externalError(fl, "cancel", workflowID, runID))
	})
	return f
}

func (r *Run) externalError(f *failurepb.Failure, op, workflowID, runID string) error {
	if f == nil {
		return nil
	}
	if f.GetApplicationFailureInfo().GetType() == sm.ExternalFailureType {
		return &temporal.ExternalWorkflowError{WorkflowID: workflowID, RunID: runID, Op: op, Cause: f.Message}
	}
	err := r.cfg.FailureConverter.FailureToError(f)
	if err == nil {
		err = errors.New(f.Message)
	}
	return err
}
