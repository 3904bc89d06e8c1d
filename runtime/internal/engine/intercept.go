package engine

import (
	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/coro"
)

// Inbound intercepts the engine's calls into workflow code: the workflow
// function and the signal, query and update handlers. Each method must
// call next (or return without running the code). The workflow package
// implements it over its public interceptor chain.
type Inbound interface {
	Execute(ctx *Context, header *commonpb.Header, input *commonpb.Payloads, next WorkflowFunc) (*commonpb.Payloads, error)
	Signal(ctx *Context, name string, args converter.Values, header *commonpb.Header, next func(*Context, string, converter.Values) error) error
	Query(ctx *Context, name string, args converter.Values, header *commonpb.Header, next func(*Context, string, converter.Values) (any, error)) (any, error)
	Validate(ctx *Context, name string, args converter.Values, header *commonpb.Header, next func(*Context, string, converter.Values) error) error
	Update(ctx *Context, name string, args converter.Values, header *commonpb.Header, next func(*Context, string, converter.Values) (any, error)) (any, error)
}

// Intercept sets the run's interceptors: in wraps the calls into workflow
// code, out is opaque to the engine (the workflow package's outbound
// chain, returned by Outbound). Config.Attach calls it when the workflow
// starts, before any workflow code runs.
func (r *Run) Intercept(in Inbound, out any) { r.icpt = &interception{in, out} }

// interception is what Intercept set; a pointer keeps Run small for the
// runs without.
type interception struct {
	in  Inbound
	out any
}

// Outbound returns the value set by Intercept, nil without interceptors.
func (r *Run) Outbound() any {
	if r.icpt == nil {
		return nil
	}
	return r.icpt.out
}

func (r *Run) execute(ctx *Context, input *commonpb.Payloads) (*commonpb.Payloads, error) {
	if r.icpt == nil {
		return r.fn(ctx, input)
	}
	return r.icpt.in.Execute(ctx, r.info.Header, input, r.fn)
}

func (r *Run) callSignal(h *SignalHandler, ctx *Context, name string, args converter.Values, header *commonpb.Header) error {
	if r.icpt == nil {
		return h.Fn(ctx, name, args)
	}
	return r.icpt.in.Signal(ctx, name, args, header, h.Fn)
}

func (r *Run) callQuery(h *QueryHandler, ctx *Context, name string, args converter.Values, header *commonpb.Header) (any, error) {
	if r.icpt == nil {
		return h.Fn(ctx, name, args)
	}
	return r.icpt.in.Query(ctx, name, args, header, h.Fn)
}

func (r *Run) callValidator(h *UpdateHandler, ctx *Context, name string, args converter.Values, header *commonpb.Header) error {
	if r.icpt == nil {
		return h.Validator(ctx, name, args)
	}
	return r.icpt.in.Validate(ctx, name, args, header, h.Validator)
}

func (r *Run) callUpdate(h *UpdateHandler, ctx *Context, name string, args converter.Values, header *commonpb.Header) (any, error) {
	if r.icpt == nil {
		return h.Fn(ctx, name, args)
	}
	return r.icpt.in.Update(ctx, name, args, header, h.Fn)
}

// Root returns the run's root context, nil before the workflow starts.
func (r *Run) Root() *Context { return r.root }

// IsCoroutineExit reports whether v, a recovered panic value, unwinds a
// coroutine being stopped (and so must be panicked with again).
func IsCoroutineExit(v any) bool { return coro.IsExit(v) }
