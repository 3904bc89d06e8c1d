package temporalotel

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// IDGenerator returns the sdktrace.IDGenerator a TracerProvider needs
// for this package's workflow spans: it gives a span the trace and span
// ids the Tracer chose for it (a run's or handler's span, whose id is
// computed from the workflow so that it is the same on every replay),
// and asks fallback for every other span; nil means random ids. Pass it
// with sdktrace.WithIDGenerator, or use NewTracerProvider.
func IDGenerator(fallback sdktrace.IDGenerator) sdktrace.IDGenerator {
	if fallback == nil {
		fallback = randomIDs{}
	}
	return idGenerator{fallback}
}

// NewTracerProvider returns sdktrace.NewTracerProvider(opts...) with
// IDGenerator(nil) as its id generator: a provider a Tracer can use. A
// WithIDGenerator among opts is replaced; wrap it in IDGenerator
// yourself to keep it for the other spans.
func NewTracerProvider(opts ...sdktrace.TracerProviderOption) *sdktrace.TracerProvider {
	opts = append(opts[:len(opts):len(opts)], sdktrace.WithIDGenerator(IDGenerator(nil)))
	return sdktrace.NewTracerProvider(opts...)
}

// idsKey is the context key of the ids a span started from the context
// must have.
type idsKey struct{}

type ids struct {
	trace trace.TraceID
	span  trace.SpanID
}

// withIDs returns ctx asking the IDGenerator for the ids of sc.
func withIDs(ctx context.Context, sc trace.SpanContext) context.Context {
	return context.WithValue(ctx, idsKey{}, ids{sc.TraceID(), sc.SpanID()})
}

type idGenerator struct{ fallback sdktrace.IDGenerator }

// NewIDs returns the ids in ctx, for a span without a parent.
func (g idGenerator) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	if v, ok := ctx.Value(idsKey{}).(ids); ok && v.trace.IsValid() && v.span.IsValid() {
		return v.trace, v.span
	}
	return g.fallback.NewIDs(ctx)
}

// NewSpanID returns the span id in ctx, for a span whose parent is in
// traceID, when the ids in ctx are of that trace and the parent is not
// the span that got them (the context a span is started from is
// inherited by the contexts of its children).
func (g idGenerator) NewSpanID(ctx context.Context, traceID trace.TraceID) trace.SpanID {
	if v, ok := ctx.Value(idsKey{}).(ids); ok && v.trace == traceID && v.span.IsValid() &&
		trace.SpanContextFromContext(ctx).SpanID() != v.span {
		return v.span
	}
	return g.fallback.NewSpanID(ctx, traceID)
}

// randomIDs makes random, valid ids.
type randomIDs struct{}

func (randomIDs) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	var tid trace.TraceID
	for !tid.IsValid() {
		binary.BigEndian.PutUint64(tid[:8], rand.Uint64())
		binary.BigEndian.PutUint64(tid[8:], rand.Uint64())
	}
	return tid, randomIDs{}.NewSpanID(ctx, tid)
}

func (randomIDs) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	var sid trace.SpanID
	for !sid.IsValid() {
		binary.BigEndian.PutUint64(sid[:], rand.Uint64())
	}
	return sid
}

// runHash hashes a run's identity and the parts that follow, each
// length-prefixed so that no two lists hash alike.
func runHash(namespace, workflowID, runID string, more ...uint64) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	for _, s := range []string{"temporalotel", namespace, workflowID, runID} {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, m := range more {
		binary.BigEndian.PutUint64(n[:], m)
		h.Write(n[:])
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// runTraceID is the trace id of a run that no traced call started.
func runTraceID(namespace, workflowID, runID string) trace.TraceID {
	sum := runHash(namespace, workflowID, runID)
	var tid trace.TraceID
	copy(tid[:], sum[:])
	if !tid.IsValid() {
		tid[0] = 1
	}
	return tid
}

// runSpanID is the span id of the n-th long-lived span of a run (1 is
// its RunWorkflow).
func runSpanID(namespace, workflowID, runID string, n uint64) trace.SpanID {
	sum := runHash(namespace, workflowID, runID, n)
	var sid trace.SpanID
	copy(sid[:], sum[:])
	if !sid.IsValid() {
		sid[0] = 1
	}
	return sid
}

// probe starts a span asking for fixed ids and reports whether tr is a
// no-op (its span has no valid context: tracing is off), or an error
// when it does not honour the ids. The span is not ended, so it is not
// exported.
func probe(tr trace.Tracer) (off bool, err error) {
	want := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: runTraceID("", "temporalotel.probe", ""),
		SpanID:  runSpanID("", "temporalotel.probe", "", 0),
	})
	_, span := tr.Start(withIDs(context.Background(), want), "temporalotel.probe", trace.WithNewRoot())
	got := span.SpanContext()
	switch {
	case !got.IsValid():
		return true, nil
	case got.TraceID() != want.TraceID() || got.SpanID() != want.SpanID():
		return false, fmt.Errorf("temporalotel: the TracerProvider does not use temporalotel.IDGenerator; " +
			"build it with temporalotel.NewTracerProvider or sdktrace.WithIDGenerator(temporalotel.IDGenerator(nil)), " +
			"without which a workflow's spans cannot keep their ids across replays")
	}
	return false, nil
}
