package workflow

import (
	"fmt"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
)

// Future is the eventual result of an asynchronous workflow operation
// (activity, timer, child workflow, ...). Get blocks the calling coroutine
// until the result is there and decodes it into T.
type Future[T any] struct {
	f  *engine.Future
	dc converter.DataConverter
}

// IsReady reports whether Get would return without blocking.
func (f Future[T]) IsReady() bool { return f.f != nil && f.f.Ready() }

// Get waits for the result. A result that cannot be decoded into T is
// returned as an error naming T; the workflow keeps running.
func (f Future[T]) Get(ctx Context) (T, error) {
	var zero T
	p, v, err := f.f.Wait(impl(ctx))
	if err != nil {
		return zero, err
	}
	if v != nil {
		t, ok := v.(T)
		if !ok {
			return zero, fmt.Errorf("workflow: future holds %T, not %T", v, zero)
		}
		return t, nil
	}
	if p == nil || len(p.Payloads) == 0 {
		return zero, nil
	}
	var out T
	if err := f.dc.FromPayloads(p, &out); err != nil {
		return zero, fmt.Errorf("workflow: decoding result into %T: %w", zero, err)
	}
	return out, nil
}

// Settable is a Future that workflow code completes itself.
type Settable[T any] struct{ Future[T] }

// NewSettable returns a future that workflow code completes with Set.
func NewSettable[T any](ctx Context) Settable[T] {
	return Settable[T]{Future[T]{f: engine.NewFuture(), dc: impl(ctx).Run().DataConverter()}}
}

// Set completes the future; later calls are ignored.
func (s Settable[T]) Set(v T, err error) { s.f.SetValue(any(v), err) }
