package temporalotel

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
)

// clientInterceptor is Tracer.ClientInterceptor.
type clientInterceptor struct{ t *Tracer }

func (c clientInterceptor) InterceptClient(next client.Outbound) client.Outbound {
	if c.t.off {
		return next
	}
	return clientOut{client.OutboundBase{Next: next}, c.t}
}

// clientOut traces the client's calls that reach a workflow; cancel,
// terminate and describe go on untraced.
type clientOut struct {
	client.OutboundBase
	t *Tracer
}

// start starts the span of a call, a child of the span in ctx, and
// returns the context that carries it.
func (o clientOut) start(ctx context.Context, op, name, workflowID string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	if workflowID != "" {
		attrs = append(attrs, workflowIDKey.String(workflowID))
	}
	return o.t.tracer.Start(ctx, op+":"+name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
}

// started adds the ids of the workflow a call started to its span.
func started(span trace.Span, h *client.WorkflowHandle) {
	if h != nil {
		setIDs(span, workflowIDKey.String(h.ID()), runIDKey.String(h.RunID()))
	}
}

// updated adds the ids of the update a call sent, and of its workflow,
// to its span.
func updated(span trace.Span, h *client.UpdateHandle) {
	if h != nil {
		setIDs(span, updateIDKey.String(h.ID()), workflowIDKey.String(h.WorkflowID()), runIDKey.String(h.RunID()))
	}
}

// setIDs sets the attributes among ids whose values are not empty.
func setIDs(span trace.Span, ids ...attribute.KeyValue) {
	for _, a := range ids {
		if a.Value.AsString() != "" {
			span.SetAttributes(a)
		}
	}
}

func (o clientOut) StartWorkflow(ctx context.Context, in *client.StartWorkflowInput) (*client.WorkflowHandle, error) {
	ctx, span := o.start(ctx, "StartWorkflow", in.WorkflowType, in.Options.ID)
	o.t.inject(ctx, &in.Header)
	h, err := o.Next.StartWorkflow(ctx, in)
	started(span, h)
	end(span, err)
	return h, err
}

func (o clientOut) SignalWithStartWorkflow(ctx context.Context, in *client.SignalWithStartInput) (*client.WorkflowHandle, error) {
	ctx, span := o.start(ctx, "SignalWithStartWorkflow", in.WorkflowType, in.Options.ID)
	o.t.inject(ctx, &in.Header)
	h, err := o.Next.SignalWithStartWorkflow(ctx, in)
	started(span, h)
	end(span, err)
	return h, err
}

func (o clientOut) UpdateWithStartWorkflow(ctx context.Context, in *client.UpdateWithStartInput) (*client.UpdateHandle, error) {
	ctx, span := o.start(ctx, "UpdateWithStartWorkflow", in.UpdateName, in.Options.ID)
	o.t.inject(ctx, &in.Header)
	h, err := o.Next.UpdateWithStartWorkflow(ctx, in)
	updated(span, h)
	end(span, err)
	return h, err
}

func (o clientOut) SignalWorkflow(ctx context.Context, in *client.SignalWorkflowInput) error {
	if o.t.opts.DisableSignalTracing {
		return o.Next.SignalWorkflow(ctx, in)
	}
	ctx, span := o.start(ctx, "SignalWorkflow", in.SignalName, in.WorkflowID)
	o.t.inject(ctx, &in.Header)
	err := o.Next.SignalWorkflow(ctx, in)
	end(span, err)
	return err
}

func (o clientOut) QueryWorkflow(ctx context.Context, in *client.QueryWorkflowInput) (converter.Values, error) {
	if o.t.opts.DisableQueryTracing {
		return o.Next.QueryWorkflow(ctx, in)
	}
	ctx, span := o.start(ctx, "QueryWorkflow", in.QueryName, in.Workflow.ID())
	o.t.inject(ctx, &in.Header)
	v, err := o.Next.QueryWorkflow(ctx, in)
	end(span, err)
	return v, err
}

func (o clientOut) UpdateWorkflow(ctx context.Context, in *client.UpdateWorkflowInput) (*client.UpdateHandle, error) {
	if o.t.opts.DisableUpdateTracing {
		return o.Next.UpdateWorkflow(ctx, in)
	}
	ctx, span := o.start(ctx, "UpdateWorkflow", in.UpdateName, in.Workflow.ID())
	o.t.inject(ctx, &in.Header)
	h, err := o.Next.UpdateWorkflow(ctx, in)
	updated(span, h)
	end(span, err)
	return h, err
}
