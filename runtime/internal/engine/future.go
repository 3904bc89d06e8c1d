package engine

import commonpb "go.temporal.io/api/common/v1"

// Future is a value that becomes ready once: either encoded payloads, a Go
// value, or an error.
type Future struct {
	ready    bool
	payloads *commonpb.Payloads
	value    any
	err      error
}

// NewFuture returns a future that is not ready.
func NewFuture() *Future { return &Future{} }

// Ready reports whether the future has been set.
func (f *Future) Ready() bool { return f.ready }

// SetPayloads makes the future ready with encoded payloads or an error.
// Later calls are ignored.
func (f *Future) SetPayloads(p *commonpb.Payloads, err error) {
	if f.ready {
		return
	}
	f.ready, f.payloads, f.err = true, p, err
}

// SetValue makes the future ready with a Go value or an error. Later calls
// are ignored.
func (f *Future) SetValue(v any, err error) {
	if f.ready {
		return
	}
	f.ready, f.value, f.err = true, v, err
}

// Wait blocks until the future is ready and returns its content: the
// payloads, the Go value and the error (only one of payloads and value is
// set).
func (f *Future) Wait(ctx *Context) (*commonpb.Payloads, any, error) {
	if !f.ready {
		ctx.Wait(f.Ready)
	}
	return f.payloads, f.value, f.err
}

// Peek returns the content of a ready future without blocking.
func (f *Future) Peek() (*commonpb.Payloads, any, error) { return f.payloads, f.value, f.err }
