package worker

import (
	"context"
	"fmt"
	"runtime/debug"
)

// NexusInterceptor intercepts the Nexus operations a worker serves;
// register it with Options.NexusInterceptors, the first outermost.
// InterceptNexusOperation is called for each request with its context
// and returns the operation to call instead of next (returning next
// intercepts nothing); the NexusStartRequest carries the request's
// Nexus header.
type NexusInterceptor interface {
	InterceptNexusOperation(ctx context.Context, next NexusOperation) NexusOperation
}

// NexusInterceptorPanicError is the handler error of a Nexus request
// during which an interceptor panicked; it names the interceptor (its Go
// type). The worker goes on.
type NexusInterceptorPanicError struct {
	Interceptor string
	Value       any
}

func (e *NexusInterceptorPanicError) Error() string {
	return fmt.Sprintf("Nexus interceptor %s panicked: %v", e.Interceptor, e.Value)
}

// interceptNexus wraps op in the worker's Nexus interceptors; a panic
// while they build it is returned as the request's error.
func (w *Worker) interceptNexus(ctx context.Context, op NexusOperation) (_ NexusOperation, err error) {
	list := w.opts.NexusInterceptors
	for i := len(list) - 1; i >= 0; i-- {
		name := fmt.Sprintf("%T", list[i])
		func() {
			defer func() {
				if p := recover(); p != nil {
					err = &NexusInterceptorPanicError{Interceptor: name, Value: p}
				}
			}()
			op = guardedNexus{name, list[i].InterceptNexusOperation(ctx, op)}
		}()
		if err != nil {
			return nil, err
		}
	}
	return op, nil
}

// guardedNexus turns a panic of the interceptor it wraps into the
// request's error; what it calls is guarded too (the operation itself by
// safeNexus), so a panic it sees is its own interceptor's.
type guardedNexus struct {
	name string
	next NexusOperation
}

func (g guardedNexus) recover(err *error) {
	if p := recover(); p != nil {
		*err = &NexusInterceptorPanicError{Interceptor: g.name, Value: p}
	}
}

func (g guardedNexus) Start(ctx context.Context, req *NexusStartRequest) (_ *NexusStartResult, err error) {
	defer g.recover(&err)
	return g.next.Start(ctx, req)
}

func (g guardedNexus) Cancel(ctx context.Context, req *NexusCancelRequest) (err error) {
	defer g.recover(&err)
	return g.next.Cancel(ctx, req)
}

// safeNexus turns a panic of the registered operation into the request's
// error, so that a panicking handler fails its request, not the worker.
type safeNexus struct {
	key string
	op  NexusOperation
}

func (s safeNexus) recover(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("Nexus operation %s panicked: %v\n%s", s.key, p, debug.Stack())
	}
}

func (s safeNexus) Start(ctx context.Context, req *NexusStartRequest) (_ *NexusStartResult, err error) {
	defer s.recover(&err)
	return s.op.Start(ctx, req)
}

func (s safeNexus) Cancel(ctx context.Context, req *NexusCancelRequest) (err error) {
	defer s.recover(&err)
	return s.op.Cancel(ctx, req)
}
