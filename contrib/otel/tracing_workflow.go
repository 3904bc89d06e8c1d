package temporalotel

import (
	"context"
	"maps"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// workflowInterceptor is Tracer.WorkflowInterceptor.
type workflowInterceptor struct{ t *Tracer }

func (w workflowInterceptor) InterceptWorkflow(info *workflow.Info, next workflow.Inbound, out workflow.Outbound) (workflow.Inbound, workflow.Outbound) {
	if w.t.off {
		return next, out
	}
	r := &run{t: w.t, namespace: info.Namespace, workflowID: info.WorkflowID, runID: info.RunID, workflowType: info.WorkflowType, start: info.StartTime}
	return runIn{workflow.InboundBase{Next: next}, r}, runOut{workflow.OutboundBase{Next: out}, r}
}

// run is the tracing state of one run, made anew each time the run is
// built (again after a cache eviction). Workflow code is single-threaded,
// so it needs no lock.
type run struct {
	t                            *Tracer
	namespace, workflowID, runID string
	workflowType                 string
	start                        time.Time
	spans                        uint64          // long-lived spans so far, in workflow-code order
	root                         context.Context // the RunWorkflow's, once ExecuteWorkflow was called
}

// spanCtxKey is the workflow-context key of the OpenTelemetry context
// whose span is the current one of workflow code: its run's or handler's
// (a span context the Tracer made up, see longSpan), or a query's or
// validator's live span.
type spanCtxKey struct{}

// current returns the OpenTelemetry context of workflow code at ctx:
// the handler's or run's.
func (r *run) current(ctx workflow.Context) context.Context {
	if c, ok := ctx.Value(spanCtxKey{}).(context.Context); ok {
		return c
	}
	if r.root != nil {
		return r.root
	}
	return context.Background()
}

// parent returns the context of the sender of a call into workflow code:
// the span context (and baggage) in header, or else the run's.
func (r *run) parent(h workflow.Header) context.Context {
	p := r.t.extract(context.Background(), h)
	if !trace.SpanContextFromContext(p).IsValid() && r.root != nil {
		return r.root
	}
	return p
}

func (r *run) attrs(more ...attribute.KeyValue) []attribute.KeyValue {
	return append([]attribute.KeyValue{workflowIDKey.String(r.workflowID), runIDKey.String(r.runID)}, more...)
}

// longSpan is a span that lasts as long as a run or handler: its ids are
// computed, so that they are the same on every replay, and it is
// exported only when it ends outside replay.
type longSpan struct {
	parent context.Context // the sender's, for the span's parent
	sc     trace.SpanContext
	ctx    context.Context // parent with sc as its span: the context of the code
	name   string
	start  time.Time
	attrs  []attribute.KeyValue
}

// long makes the run's next long-lived span, a child of parent's span
// (a root span without one).
func (r *run) long(parent context.Context, name string, start time.Time, attrs ...attribute.KeyValue) *longSpan {
	r.spans++
	ps := trace.SpanContextFromContext(parent)
	cfg := trace.SpanContextConfig{
		TraceID:    ps.TraceID(),
		SpanID:     runSpanID(r.namespace, r.workflowID, r.runID, r.spans),
		TraceFlags: ps.TraceFlags(),
		TraceState: ps.TraceState(),
	}
	if !ps.IsValid() {
		cfg.TraceID, cfg.TraceFlags = runTraceID(r.namespace, r.workflowID, r.runID), trace.FlagsSampled
	}
	sc := trace.NewSpanContext(cfg)
	return &longSpan{parent: parent, sc: sc, ctx: trace.ContextWithSpanContext(parent, sc), name: name, start: start, attrs: r.attrs(attrs...)}
}

// finish exports l, ended now with err, unless the code it spans returned
// while replaying: the workflow task that first ran the return exported
// it.
func (r *run) finish(ctx workflow.Context, l *longSpan, err error) {
	if workflow.IsReplaying(ctx) {
		return
	}
	_, span := r.t.tracer.Start(withIDs(l.parent, l.sc), l.name,
		trace.WithSpanKind(trace.SpanKindServer), trace.WithTimestamp(l.start), trace.WithAttributes(l.attrs...))
	end(span, err)
}

// runIn traces the calls into workflow code.
type runIn struct {
	workflow.InboundBase
	r *run
}

func (i runIn) ExecuteWorkflow(ctx workflow.Context, in *workflow.ExecuteWorkflowInput) (*commonpb.Payloads, error) {
	r := i.r
	l := r.long(r.t.extract(context.Background(), in.Header), "RunWorkflow:"+r.workflowType, r.start)
	r.root = l.ctx
	res, err := i.Next.ExecuteWorkflow(workflow.WithValue(ctx, spanCtxKey{}, l.ctx), in)
	r.finish(ctx, l, err)
	return res, err
}

func (i runIn) HandleSignal(ctx workflow.Context, in *workflow.HandleSignalInput) error {
	r := i.r
	if r.t.opts.DisableSignalTracing {
		return i.Next.HandleSignal(ctx, in)
	}
	l := r.long(r.parent(in.Header), "HandleSignal:"+in.Name, workflow.Now(ctx))
	err := i.Next.HandleSignal(workflow.WithValue(ctx, spanCtxKey{}, l.ctx), in)
	r.finish(ctx, l, err)
	return err
}

func (i runIn) ExecuteUpdate(ctx workflow.Context, in *workflow.UpdateInput) (any, error) {
	r := i.r
	if r.t.opts.DisableUpdateTracing {
		return i.Next.ExecuteUpdate(ctx, in)
	}
	l := r.long(r.parent(in.Header), "HandleUpdate:"+in.Name, workflow.Now(ctx), updateIDKey.String(in.ID))
	res, err := i.Next.ExecuteUpdate(workflow.WithValue(ctx, spanCtxKey{}, l.ctx), in)
	r.finish(ctx, l, err)
	return res, err
}

func (i runIn) HandleQuery(ctx workflow.Context, in *workflow.HandleQueryInput) (any, error) {
	r := i.r
	if r.t.opts.DisableQueryTracing {
		return i.Next.HandleQuery(ctx, in)
	}
	octx, span := r.t.tracer.Start(r.parent(in.Header), "HandleQuery:"+in.Name,
		trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(r.attrs()...))
	res, err := i.Next.HandleQuery(workflow.WithValue(ctx, spanCtxKey{}, octx), in)
	end(span, err)
	return res, err
}

func (i runIn) ValidateUpdate(ctx workflow.Context, in *workflow.UpdateInput) error {
	r := i.r
	if r.t.opts.DisableUpdateTracing || workflow.IsReplaying(ctx) {
		return i.Next.ValidateUpdate(ctx, in)
	}
	octx, span := r.t.tracer.Start(r.parent(in.Header), "ValidateUpdate:"+in.Name,
		trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(r.attrs(updateIDKey.String(in.ID))...))
	err := i.Next.ValidateUpdate(workflow.WithValue(ctx, spanCtxKey{}, octx), in)
	end(span, err)
	return err
}

// runOut traces the commands workflow code issues.
type runOut struct {
	workflow.OutboundBase
	r *run
}

// command starts the span of a new command, a child of the current
// span of workflow code, and returns the context to inject into the
// command's header; nil while replaying, when the command is not sent.
func (o runOut) command(ctx workflow.Context, op, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	if workflow.IsReplaying(ctx) {
		return nil, nil
	}
	return o.r.t.tracer.Start(o.r.current(ctx), op+":"+name,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(o.r.attrs(attrs...)...))
}

func (o runOut) StartActivity(ctx workflow.Context, in *workflow.ActivityInput) workflow.ActivityHandle[any] {
	var attrs []attribute.KeyValue
	if in.Options.ActivityID != "" {
		attrs = append(attrs, activityIDKey.String(in.Options.ActivityID))
	}
	octx, span := o.command(ctx, "StartActivity", in.Activity, attrs...)
	if span == nil {
		return o.Next.StartActivity(ctx, in)
	}
	o.r.t.inject(octx, &in.Header)
	h := o.Next.StartActivity(ctx, in)
	span.End()
	return h
}

func (o runOut) StartLocalActivity(ctx workflow.Context, in *workflow.LocalActivityInput) workflow.LocalActivityHandle[any] {
	var attrs []attribute.KeyValue
	if in.Options.ActivityID != "" {
		attrs = append(attrs, activityIDKey.String(in.Options.ActivityID))
	}
	octx, span := o.command(ctx, "StartActivity", in.Activity, attrs...)
	if span == nil {
		return o.Next.StartLocalActivity(ctx, in)
	}
	o.r.t.inject(octx, &in.Header)
	h := o.Next.StartLocalActivity(ctx, in)
	span.End()
	return h
}

func (o runOut) StartChildWorkflow(ctx workflow.Context, in *workflow.ChildWorkflowInput) (workflow.ChildWorkflowHandle[any], error) {
	octx, span := o.command(ctx, "StartChildWorkflow", in.WorkflowType)
	if span == nil {
		return o.Next.StartChildWorkflow(ctx, in)
	}
	o.r.t.inject(octx, &in.Header)
	h, err := o.Next.StartChildWorkflow(ctx, in)
	end(span, err)
	return h, err
}

func (o runOut) SignalWorkflow(ctx workflow.Context, in *workflow.SignalWorkflowInput) workflow.Future[struct{}] {
	if o.r.t.opts.DisableSignalTracing {
		return o.Next.SignalWorkflow(ctx, in)
	}
	op := "SignalExternalWorkflow"
	if in.Child != "" {
		op = "SignalChildWorkflow"
	}
	octx, span := o.command(ctx, op, in.Name)
	if span == nil {
		return o.Next.SignalWorkflow(ctx, in)
	}
	o.r.t.inject(octx, &in.Header)
	f := o.Next.SignalWorkflow(ctx, in)
	span.End()
	return f
}

func (o runOut) StartNexusOperation(ctx workflow.Context, in *workflow.NexusOperationInput) workflow.NexusOperationHandle[any] {
	octx, span := o.command(ctx, "StartNexusOperation", in.Client.Service+"/"+in.Operation)
	if span == nil {
		return o.Next.StartNexusOperation(ctx, in)
	}
	// Nexus headers are strings: the propagator's fields go in as they
	// are, as the other SDKs send them. The map may be the caller's.
	h := maps.Clone(in.Options.Header)
	if h == nil {
		h = map[string]string{}
	}
	o.r.t.prop.Inject(octx, propagation.MapCarrier(h))
	in.Options.Header = h
	res := o.Next.StartNexusOperation(ctx, in)
	span.End()
	return res
}

// NewContinueAsNewError makes the current span of workflow code the
// parent of the next run's RunWorkflow.
func (o runOut) NewContinueAsNewError(ctx workflow.Context, in *workflow.ContinueAsNewInput) error {
	o.r.t.inject(o.r.current(ctx), &in.Header)
	return o.Next.NewContinueAsNewError(ctx, in)
}
