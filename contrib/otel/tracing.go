package temporalotel

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// DefaultHeaderKey is the Temporal header field that carries the span
// context, the one every Temporal SDK uses.
const DefaultHeaderKey = "_tracer-data"

// instrumentationName names the tracer this package asks its
// TracerProvider for.
const instrumentationName = "github.com/temporalgen/temporalgen/contrib/otel"

// The span attributes, spelt as Temporal's SDKs spell them.
const (
	workflowIDKey = attribute.Key("temporalWorkflowID")
	runIDKey      = attribute.Key("temporalRunID")
	activityIDKey = attribute.Key("temporalActivityID")
	updateIDKey   = attribute.Key("temporalUpdateID")
)

// TracingOptions configure NewTracer. The zero value traces everything
// through the global TracerProvider.
type TracingOptions struct {
	// TracerProvider makes the spans; nil means otel.GetTracerProvider(),
	// read once by NewTracer. It must take its ids from IDGenerator (see
	// NewTracer); a no-op provider turns tracing off.
	TracerProvider trace.TracerProvider
	// TextMapPropagator writes span contexts into headers and reads
	// them back; nil means the W3C trace context and baggage
	// propagators, which is what the other Temporal SDKs use.
	TextMapPropagator propagation.TextMapPropagator
	// HeaderKey is the header field of the span context; empty means
	// DefaultHeaderKey.
	HeaderKey string
	// DisableSignalTracing, DisableQueryTracing and
	// DisableUpdateTracing leave out the spans of signals (sending and
	// handling), queries and updates. SignalWithStartWorkflow and
	// UpdateWithStartWorkflow, which start workflows, are traced all the
	// same.
	DisableSignalTracing bool
	DisableQueryTracing  bool
	DisableUpdateTracing bool
}

// Tracer traces Temporal calls with OpenTelemetry: its interceptors
// start the spans of the client's calls, of workflow runs and their
// handlers, of the commands workflows issue and of activities, and
// carry the span context from each call to the code it runs in the
// calls' Temporal headers. One Tracer serves any number of clients and
// workers; it is safe for concurrent use.
type Tracer struct {
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
	key    string
	opts   TracingOptions
	off    bool // the provider is a no-op: the interceptors do nothing
}

// NewTracer returns a Tracer that makes its spans with
// opts.TracerProvider. Register its interceptors:
//
//	tp := temporalotel.NewTracerProvider(sdktrace.WithBatcher(exporter))
//	tr, err := temporalotel.NewTracer(temporalotel.TracingOptions{TracerProvider: tp})
//	c, err := client.Dial(ctx, client.Options{Interceptors: []client.Interceptor{tr.ClientInterceptor()}})
//	w := worker.New(c, "queue", worker.Options{
//		WorkflowInterceptors: []workflow.Interceptor{tr.WorkflowInterceptor()},
//		ActivityInterceptors: []activity.Interceptor{tr.ActivityInterceptor()},
//		NexusInterceptors:    []worker.NexusInterceptor{tr.NexusInterceptor()}, // if it serves Nexus operations
//	})
//
// The spans, named Operation:Name as by Temporal's other SDKs, are
//
//   - the client's calls, kind Client: StartWorkflow:<type>,
//     SignalWithStartWorkflow:<type>, UpdateWithStartWorkflow:<update>,
//     SignalWorkflow:<signal>, QueryWorkflow:<query> and
//     UpdateWorkflow:<update>, children of the span in the call's context;
//   - the workflow's side, kind Server: RunWorkflow:<type> for a run,
//     HandleSignal:<signal>, HandleQuery:<query>, ValidateUpdate:<update>
//     and HandleUpdate:<update>, children of the span that sent the call
//     (a handler called without one is a child of its run);
//   - the commands workflow code issues, kind Client, children of the run
//     or handler that issued them: StartActivity:<type> (local
//     activities too), StartChildWorkflow:<type>,
//     SignalChildWorkflow:<signal>, SignalExternalWorkflow:<signal> and
//     StartNexusOperation:<service>/<operation>;
//   - RunActivity:<type>, kind Server, for each attempt of an activity,
//     a child of its StartActivity; the activity's context carries it, so
//     spans the activity starts are its children;
//   - RunStartNexusOperationHandler:<service>/<operation> and
//     RunCancelNexusOperationHandler:<service>/<operation>, kind Server,
//     for the Nexus requests a worker serves, the start a child of the
//     caller's StartNexusOperation (whose span context travels in the
//     Nexus header, as plain header fields); the handler's context
//     carries it.
//
// Each span has the attributes temporalWorkflowID and temporalRunID
// where they apply, temporalActivityID on RunActivity and
// temporalUpdateID on updates. An error sets the span's status to Error,
// except a benign application error, a cancellation and continue-as-new
// (a continue-as-new run's RunWorkflow is the parent of the next run's).
//
// The span context travels in the header field opts.HeaderKey as a JSON
// map of the propagator's fields (traceparent, tracestate, baggage), the
// format of go.temporal.io/sdk and the other SDKs, so traces cross
// between workers and clients of any of them. A header that cannot be
// read is ignored: the span starts a new trace and the call goes on.
//
// Workflow code replays: after a cache eviction, or with a worker
// CacheSize of 0 for every workflow task, a run is rebuilt from its
// history. The spans are made so that each is exported exactly once
// and the trace is the same however often the run replayed:
//
//   - a command's span is made only when the command is new (not while
//     replaying), and it starts and ends at once;
//   - a run's and a signal or update handler's span lives as long as the
//     run or handler, possibly across workflow tasks and replays. It is
//     exported once, when the run or handler returns outside replay, with
//     its start time (the workflow's start time, the workflow time of the
//     handler's start) and an id computed from the workflow's namespace,
//     id, run id and the span's place among the run's spans, so that the
//     spans started in it in earlier workflow tasks, by other workers or
//     by earlier replays, name it as their parent;
//   - queries, which are not in the history, and update validators, which
//     do not run on replay, get ordinary spans.
//
// For those computed ids the TracerProvider must take span ids from this
// package: build it with NewTracerProvider, or pass
// sdktrace.WithIDGenerator(temporalotel.IDGenerator(nil)) to
// sdktrace.NewTracerProvider. NewTracer checks it and returns an error
// otherwise. A no-op provider (the global one before
// otel.SetTracerProvider, for example) turns tracing off instead: the
// interceptors then change nothing. Set the global provider before
// calling NewTracer if you use it.
//
// What replay cannot undo: a run that never returns (terminated, timed
// out, or failed by a workflow task that panics) exports no RunWorkflow
// span, and the spans started in it name a parent that is not exported;
// a workflow task whose completion the server refuses or never gets
// (the worker died, the task timed out) is run again, and the spans its
// first attempt exported are exported again. A run that no traced call
// started is the root of a trace of its own, marked sampled for its
// children: with a sampler that drops some root spans, such a run's span
// may be dropped while its children are kept.
func NewTracer(opts TracingOptions) (*Tracer, error) {
	tp := opts.TracerProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	t := &Tracer{tracer: tp.Tracer(instrumentationName), prop: opts.TextMapPropagator, key: opts.HeaderKey, opts: opts}
	if t.prop == nil {
		t.prop = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	}
	if t.key == "" {
		t.key = DefaultHeaderKey
	}
	off, err := probe(t.tracer)
	if err != nil {
		return nil, err
	}
	t.off = off
	return t, nil
}

// ClientInterceptor returns the interceptor to list in
// client.Options.Interceptors.
func (t *Tracer) ClientInterceptor() client.Interceptor { return clientInterceptor{t} }

// WorkflowInterceptor returns the interceptor to list in
// worker.Options.WorkflowInterceptors.
func (t *Tracer) WorkflowInterceptor() workflow.Interceptor { return workflowInterceptor{t} }

// ActivityInterceptor returns the interceptor to list in
// worker.Options.ActivityInterceptors.
func (t *Tracer) ActivityInterceptor() activity.Interceptor { return activityInterceptor{t} }

// NexusInterceptor returns the interceptor to list in
// worker.Options.NexusInterceptors.
func (t *Tracer) NexusInterceptor() worker.NexusInterceptor { return nexusInterceptor{t} }

// inject writes the span context of ctx (and whatever else the
// propagator carries, such as baggage) into *h under the header key,
// making *h if it is nil. A context without anything to carry leaves
// *h alone.
func (t *Tracer) inject(ctx context.Context, h *temporal.Header) {
	carrier := propagation.MapCarrier{}
	t.prop.Inject(ctx, carrier)
	if len(carrier) == 0 {
		return
	}
	p, err := converter.Default().ToPayload(map[string]string(carrier))
	if err != nil {
		return // a map of strings always encodes
	}
	if *h == nil {
		*h = temporal.Header{}
	}
	(*h)[t.key] = p
}

// extract returns ctx with what the propagator reads from h's header
// field: the sender's span context as a remote parent, and baggage. A
// missing or unreadable field returns ctx unchanged, so that the span
// started from it begins a new trace.
func (t *Tracer) extract(ctx context.Context, h temporal.Header) context.Context {
	p := h[t.key]
	if p == nil {
		return ctx
	}
	var fields map[string]string
	if err := converter.Default().FromPayload(p, &fields); err != nil || len(fields) == 0 {
		return ctx
	}
	return t.prop.Extract(ctx, propagation.MapCarrier(fields))
}

// end ends span, recording err: its status becomes Error unless err is
// benign (see failed).
func end(span trace.Span, err error) {
	if err != nil && !continuedAsNew(err) && !errors.Is(err, activity.ErrResultPending) {
		span.RecordError(err)
		if failed(err) {
			span.SetStatus(codes.Error, err.Error())
		}
	}
	span.End()
}

// failed reports whether err, returned by a traced call, is a failure:
// benign application errors and cancellations are not.
func failed(err error) bool {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Category() == enumspb.APPLICATION_ERROR_CATEGORY_BENIGN {
		return false
	}
	return !temporal.IsCanceledError(err)
}

// continuedAsNew reports whether err closes a run by continuing it as
// new.
func continuedAsNew(err error) bool {
	var can *workflow.ContinueAsNewError
	return errors.As(err, &can)
}
