package worker

import (
	"context"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
	"github.com/temporalgen/temporalgen/runtime/internal/wfreg"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// WorkflowFunc is the reflection-free shape of a workflow that generated
// code registers: it decodes its own input and encodes its own result.
type WorkflowFunc func(ctx workflow.Context, input *commonpb.Payloads) (*commonpb.Payloads, error)

// ActivityFunc is the reflection-free shape of an activity that generated
// code registers.
type ActivityFunc func(ctx context.Context, dc converter.DataConverter, input *commonpb.Payloads) (*commonpb.Payloads, error)

// RegisterOptions configure a registered workflow type.
type RegisterOptions struct {
	// FailWorkflowOn is asked about every panic of the workflow's code (its
	// argument is the panic value) and about nondeterminism errors: true
	// fails the workflow with it instead of failing the workflow task,
	// which the server would retry. A panic it accepts in an update
	// handler fails that update only, and the workflow runs on. Generated
	// code sets it from the workflow's failure_errors option.
	FailWorkflowOn func(v any) bool
	// VersioningBehavior says how runs of this type move between worker
	// deployment versions. It takes effect only on a worker that uses
	// deployment versioning, which this worker does not yet offer: until
	// then it is not sent (the server rejects completions that carry a
	// behavior without deployment options), and registering it logs a
	// warning once.
	VersioningBehavior enumspb.VersioningBehavior
}

// RegisterWorkflowFunc registers a workflow type under name.
func (w *Worker) RegisterWorkflowFunc(name string, fn WorkflowFunc) error {
	return w.RegisterWorkflowFuncWithOptions(name, fn, RegisterOptions{})
}

// RegisterWorkflowFuncWithOptions registers a workflow type with options.
func (w *Worker) RegisterWorkflowFuncWithOptions(name string, fn WorkflowFunc, opts RegisterOptions) error {
	if err := w.workflows.Register(name, fn, opts.wfreg()); err != nil {
		return err
	}
	w.warnVersioning(name, opts)
	return nil
}

// warnVersioning warns, once per worker, that a versioning behavior has
// no effect without deployment versioning.
func (w *Worker) warnVersioning(name string, opts RegisterOptions) {
	if opts.VersioningBehavior == enumspb.VERSIONING_BEHAVIOR_UNSPECIFIED {
		return
	}
	w.versioningWarning.Do(func() {
		w.log.Warn("versioning behavior has no effect: this worker does not use worker deployment versioning",
			"workflow_type", name, "versioning_behavior", opts.VersioningBehavior.String())
	})
}

// RegisterDynamicWorkflowFuncWithOptions registers the workflow run for
// every workflow type that has no registration of its own; it reads the
// type from workflow.GetInfo(ctx).WorkflowType.
func (w *Worker) RegisterDynamicWorkflowFuncWithOptions(fn WorkflowFunc, opts RegisterOptions) error {
	if err := w.workflows.RegisterDynamic(fn, opts.wfreg()); err != nil {
		return err
	}
	w.warnVersioning("(dynamic)", opts)
	return nil
}

func (o RegisterOptions) wfreg() wfreg.Options {
	return wfreg.Options{FailWorkflowOn: o.FailWorkflowOn, Versioning: o.VersioningBehavior}
}

// RegisterWorkflow registers a Go function as the workflow type name. fn
// must look like func(workflow.Context, A, B, ...) (R, error) or
// func(workflow.Context, ...) error. Arguments are decoded into the
// parameter types; a start request whose arguments cannot be decoded fails
// the workflow with a non-retryable ApplicationError of type
// "ArgumentDecodeError".
func (w *Worker) RegisterWorkflow(name string, fn any) error {
	adapted, err := wfreg.Adapt(name, fn, w.dc)
	if err != nil {
		return err
	}
	return w.RegisterWorkflowFunc(name, adapted)
}

// RegisterActivity registers a Go function as the activity type name. fn
// must look like func(context.Context, A, ...) (R, error) or
// func(context.Context, ...) error.
func (w *Worker) RegisterActivity(name string, fn any) error {
	return w.activities.Register(name, fn)
}

// RegisterActivityFunc registers a reflection-free activity.
func (w *Worker) RegisterActivityFunc(name string, fn ActivityFunc) error {
	return w.activities.RegisterFunc(name, actworker.Func(fn))
}

// RegisterActivities registers every exported method of v whose first
// parameter is a context.Context, named prefix+method name.
func (w *Worker) RegisterActivities(prefix string, v any) error {
	return w.activities.RegisterStruct(prefix, v)
}
