// Package wfreg holds the workflow registrations shared by everything that
// runs workflow code: the worker, the replayer and the test environment.
// A [Registry] maps workflow type names to engine definitions, with an
// optional dynamic definition for every other type; [Adapt] turns a plain
// Go function into the reflection-free [Func] shape generated code
// registers directly.
package wfreg

import (
	"fmt"
	"reflect"
	"slices"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Func is the reflection-free shape of a workflow: it decodes its own
// input and encodes its own result.
type Func = func(ctx workflow.Context, input *commonpb.Payloads) (*commonpb.Payloads, error)

// Options configure a registered workflow type (see worker.RegisterOptions).
type Options struct {
	FailWorkflowOn func(v any) bool
	Versioning     enumspb.VersioningBehavior
}

// Registry is a set of workflow registrations. The zero value is empty and
// ready to use.
type Registry struct {
	workflows map[string]*engine.Definition
	dynamic   *engine.Definition
	regs      []Registration // in registration order
}

// Registration is one registered workflow: Name is "" for the dynamic one.
type Registration struct {
	Name string
	Fn   Func
	Opts Options
}

// Register registers fn as the workflow type name.
func (r *Registry) Register(name string, fn Func, opts Options) error {
	if name == "" || fn == nil {
		return fmt.Errorf("worker: RegisterWorkflowFunc needs a name and a function")
	}
	if _, dup := r.workflows[name]; dup {
		return fmt.Errorf("worker: workflow type %q is already registered", name)
	}
	if r.workflows == nil {
		r.workflows = make(map[string]*engine.Definition)
	}
	r.workflows[name] = definition(fn, opts)
	r.regs = append(r.regs, Registration{Name: name, Fn: fn, Opts: opts})
	return nil
}

// RegisterDynamic registers fn for every type without its own
// registration.
func (r *Registry) RegisterDynamic(fn Func, opts Options) error {
	if fn == nil {
		return fmt.Errorf("worker: RegisterDynamicWorkflowFuncWithOptions needs a function")
	}
	if r.dynamic != nil {
		return fmt.Errorf("worker: a dynamic workflow is already registered")
	}
	r.dynamic = definition(fn, opts)
	r.regs = append(r.regs, Registration{Fn: fn, Opts: opts})
	return nil
}

// Registrations returns what was registered, in order.
func (r *Registry) Registrations() []Registration { return r.regs }

// Lookup returns the definition that runs workflowType.
func (r *Registry) Lookup(workflowType string) (*engine.Definition, bool) {
	if d, ok := r.workflows[workflowType]; ok {
		return d, true
	}
	return r.dynamic, r.dynamic != nil
}

// Empty reports whether nothing is registered.
func (r *Registry) Empty() bool { return len(r.workflows) == 0 && r.dynamic == nil }

// Names returns the registered type names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.workflows))
	for n := range r.workflows {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func definition(fn Func, opts Options) *engine.Definition {
	return &engine.Definition{
		Fn: func(ctx *engine.Context, in *commonpb.Payloads) (*commonpb.Payloads, error) {
			return fn(ctx, in)
		},
		FailWorkflow: opts.FailWorkflowOn,
		Versioning:   opts.Versioning,
	}
}

// Adapt turns fn, a func(workflow.Context, A, B, ...) (R, error) or
// func(workflow.Context, ...) error, into a Func. Arguments are decoded
// into the parameter types; a start request whose arguments cannot be
// decoded fails the workflow with a non-retryable ApplicationError of type
// "ArgumentDecodeError".
func Adapt(name string, fn any, dc converter.DataConverter) (Func, error) {
	v := reflect.ValueOf(fn)
	if !v.IsValid() || v.Kind() != reflect.Func {
		return nil, fmt.Errorf("worker: workflow %q: expected a function, got %T", name, fn)
	}
	t := v.Type()
	contextType, errorType := reflect.TypeFor[workflow.Context](), reflect.TypeFor[error]()
	if t.NumIn() == 0 || t.In(0) != contextType {
		return nil, fmt.Errorf("worker: workflow %q: first parameter must be workflow.Context", name)
	}
	if t.IsVariadic() {
		return nil, fmt.Errorf("worker: workflow %q: variadic functions are not supported", name)
	}
	switch {
	case t.NumOut() == 1 && t.Out(0) == errorType:
	case t.NumOut() == 2 && t.Out(1) == errorType:
	default:
		return nil, fmt.Errorf("worker: workflow %q: results must be (R, error) or error, got %s", name, t)
	}
	params := make([]reflect.Type, t.NumIn()-1)
	for i := range params {
		params[i] = t.In(i + 1)
	}
	return func(ctx workflow.Context, in *commonpb.Payloads) (*commonpb.Payloads, error) {
		args := make([]reflect.Value, 1+len(params))
		args[0] = reflect.ValueOf(&ctx).Elem()
		n := len(in.GetPayloads())
		for i, pt := range params {
			ptr := reflect.New(pt)
			if i < n {
				if err := dc.FromPayload(in.Payloads[i], ptr.Interface()); err != nil {
					return nil, temporal.NewNonRetryableApplicationError(
						fmt.Sprintf("workflow %s: argument %d: cannot decode into %s: %v", name, i+1, pt, err),
						"ArgumentDecodeError", err)
				}
			}
			args[i+1] = ptr.Elem()
		}
		out := v.Call(args)
		if e := out[len(out)-1]; !e.IsNil() {
			return nil, e.Interface().(error)
		}
		if len(out) == 1 {
			return nil, nil
		}
		return dc.ToPayloads(out[0].Interface())
	}, nil
}
