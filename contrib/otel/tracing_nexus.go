package temporalotel

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/temporalgen/temporalgen/runtime/worker"
)

// nexusInterceptor is Tracer.NexusInterceptor.
type nexusInterceptor struct{ t *Tracer }

func (n nexusInterceptor) InterceptNexusOperation(_ context.Context, next worker.NexusOperation) worker.NexusOperation {
	if n.t.off {
		return next
	}
	return nexusOp{next, n.t}
}

// nexusOp traces the requests to a Nexus operation the worker serves.
type nexusOp struct {
	next worker.NexusOperation
	t    *Tracer
}

// Start runs the start request under RunStartNexusOperationHandler, a
// child of the span context in the request's Nexus header (the caller's
// StartNexusOperation), carried by the handler's context: a workflow
// the handler starts with a traced client is its child.
func (o nexusOp) Start(ctx context.Context, req *worker.NexusStartRequest) (*worker.NexusStartResult, error) {
	ctx = o.t.prop.Extract(ctx, propagation.MapCarrier(req.Header))
	ctx, span := o.t.tracer.Start(ctx, "RunStartNexusOperationHandler:"+req.Service+"/"+req.Operation, trace.WithSpanKind(trace.SpanKindServer))
	res, err := o.next.Start(ctx, req)
	end(span, err)
	return res, err
}

// Cancel runs the cancel request under RunCancelNexusOperationHandler
// (the request carries no header: the span is a child of the span in
// ctx, if any).
func (o nexusOp) Cancel(ctx context.Context, req *worker.NexusCancelRequest) error {
	ctx, span := o.t.tracer.Start(ctx, "RunCancelNexusOperationHandler:"+req.Service+"/"+req.Operation, trace.WithSpanKind(trace.SpanKindServer))
	err := o.next.Cancel(ctx, req)
	end(span, err)
	return err
}
