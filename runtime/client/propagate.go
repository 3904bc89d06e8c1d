package client

import (
	"context"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// header returns h with the fields of extra (written by interceptors)
// and the values of Options.ContextPropagators taken from ctx added: h itself when there are none, a new header otherwise
// (h may be shared with the caller's options, so it is not changed). A
// propagator that fails is logged and skipped; the call goes on.
func (c *Client) header(ctx context.Context, h *commonpb.Header, extra temporal.Header) *commonpb.Header {
	if len(c.opts.ContextPropagators) == 0 && len(extra) == 0 {
		return h
	}
	fields := make(temporal.Header, len(h.GetFields())+len(extra)+len(c.opts.ContextPropagators))
	for k, v := range h.GetFields() {
		fields[k] = v
	}
	for k, v := range extra {
		fields[k] = v
	}
	for _, p := range c.opts.ContextPropagators {
		if err := p.Inject(ctx, fields); err != nil {
			c.opts.Logger.Warn("context propagator could not write the header; sending the call without its values",
				"propagator", fmt.Sprintf("%T", p), "error", err)
		}
	}
	if len(fields) == 0 {
		return h
	}
	return &commonpb.Header{Fields: fields}
}

// ContextPropagators returns Options.ContextPropagators.
func (c *Client) ContextPropagators() []temporal.ContextPropagator { return c.opts.ContextPropagators }
