package temporalotel

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// countingIDs is a fallback IDGenerator that hands out fixed ids and
// counts its calls.
type countingIDs struct{ calls int }

var (
	fallbackTrace = trace.TraceID{0xfa, 1}
	fallbackSpan  = trace.SpanID{0xfa, 2}
)

func (c *countingIDs) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	c.calls++
	return fallbackTrace, fallbackSpan
}

func (c *countingIDs) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	c.calls++
	return fallbackSpan
}

func TestIDGenerator(t *testing.T) {
	want := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5, 6}})
	fb := &countingIDs{}
	g := IDGenerator(fb)
	ctx := withIDs(context.Background(), want)

	if tid, sid := g.NewIDs(ctx); tid != want.TraceID() || sid != want.SpanID() || fb.calls != 0 {
		t.Errorf("NewIDs with ids in the context = %s %s (fallback called %d times), want %s %s from the context", tid, sid, fb.calls, want.TraceID(), want.SpanID())
	}
	if sid := g.NewSpanID(ctx, want.TraceID()); sid != want.SpanID() || fb.calls != 0 {
		t.Errorf("NewSpanID in the requested trace = %s, want %s", sid, want.SpanID())
	}
	if sid := g.NewSpanID(ctx, trace.TraceID{9}); sid != fallbackSpan || fb.calls != 1 {
		t.Errorf("NewSpanID in another trace = %s (fallback calls %d), want the fallback's %s", sid, fb.calls, fallbackSpan)
	}
	if tid, sid := g.NewIDs(context.Background()); tid != fallbackTrace || sid != fallbackSpan || fb.calls != 2 {
		t.Errorf("NewIDs without ids = %s %s, want the fallback's", tid, sid)
	}

	random := IDGenerator(nil)
	seen := map[trace.SpanID]bool{}
	for range 100 {
		tid, sid := random.NewIDs(context.Background())
		sid2 := random.NewSpanID(context.Background(), tid)
		if !tid.IsValid() || !sid.IsValid() || !sid2.IsValid() {
			t.Fatalf("random ids %s %s %s are not valid", tid, sid, sid2)
		}
		seen[sid], seen[sid2] = true, true
	}
	if len(seen) != 200 {
		t.Errorf("200 random span ids had only %d distinct values", len(seen))
	}
	if tid, sid := random.NewIDs(ctx); tid != want.TraceID() || sid != want.SpanID() {
		t.Errorf("IDGenerator(nil).NewIDs ignored the requested ids: %s %s", tid, sid)
	}
}

// TestIDGeneratorInProvider: a span started from a context asking for
// ids gets them, root or child of a remote parent; the spans started
// from its context do not.
func TestIDGeneratorInProvider(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	tr := tp.Tracer("test")

	root := trace.NewSpanContext(trace.SpanContextConfig{TraceID: runTraceID("ns", "wf", "run"), SpanID: runSpanID("ns", "wf", "run", 1), TraceFlags: trace.FlagsSampled})
	ctx, span := tr.Start(withIDs(context.Background(), root), "root")
	if got := span.SpanContext(); got.TraceID() != root.TraceID() || got.SpanID() != root.SpanID() {
		t.Errorf("root span has ids %s %s, want %s %s", got.TraceID(), got.SpanID(), root.TraceID(), root.SpanID())
	}
	_, inner := tr.Start(ctx, "inner")
	if inner.SpanContext().SpanID() == root.SpanID() {
		t.Errorf("a span started from the returned context reused the requested span id")
	}

	remote := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{7}, SpanID: trace.SpanID{8}, TraceFlags: trace.FlagsSampled, Remote: true})
	child := trace.NewSpanContext(trace.SpanContextConfig{TraceID: remote.TraceID(), SpanID: runSpanID("ns", "wf", "run", 2)})
	_, cs := tr.Start(withIDs(trace.ContextWithRemoteSpanContext(context.Background(), remote), child), "child")
	if got := cs.SpanContext(); got.TraceID() != remote.TraceID() || got.SpanID() != child.SpanID() {
		t.Errorf("child span has ids %s %s, want %s %s", got.TraceID(), got.SpanID(), remote.TraceID(), child.SpanID())
	}
	cs.End()
	if ended := rec.Ended(); len(ended) != 1 || ended[0].Parent().SpanID() != remote.SpanID() {
		t.Errorf("ended spans %v, want the child of the remote parent", ended)
	}
}

func TestRunIDs(t *testing.T) {
	a := runSpanID("ns", "wf", "run", 1)
	if a != runSpanID("ns", "wf", "run", 1) {
		t.Errorf("runSpanID is not stable")
	}
	distinct := map[trace.SpanID]string{}
	for name, sid := range map[string]trace.SpanID{
		"base": a, "counter": runSpanID("ns", "wf", "run", 2), "namespace": runSpanID("ns2", "wf", "run", 1),
		"workflow": runSpanID("ns", "wf2", "run", 1), "run": runSpanID("ns", "wf", "run2", 1),
		"shifted": runSpanID("n", "swf", "run", 1),
	} {
		if other, dup := distinct[sid]; dup {
			t.Errorf("span ids of %s and %s collide", name, other)
		}
		distinct[sid] = name
	}
	if runTraceID("ns", "wf", "run") == runTraceID("ns", "wf", "run2") {
		t.Errorf("two runs have the same root trace id")
	}
	if !runTraceID("", "", "").IsValid() || !runSpanID("", "", "", 0).IsValid() {
		t.Errorf("ids of empty names are not valid")
	}
}

func TestNewTracerChecksProvider(t *testing.T) {
	if _, err := NewTracer(TracingOptions{TracerProvider: NewTracerProvider()}); err != nil {
		t.Errorf("NewTracer with NewTracerProvider: %v", err)
	}
	if _, err := NewTracer(TracingOptions{TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithIDGenerator(IDGenerator(&countingIDs{})))}); err != nil {
		t.Errorf("NewTracer with IDGenerator(fallback): %v", err)
	}
	// Sampling everything out still honours the ids.
	if _, err := NewTracer(TracingOptions{TracerProvider: NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))}); err != nil {
		t.Errorf("NewTracer with a provider that samples nothing: %v", err)
	}
	_, err := NewTracer(TracingOptions{TracerProvider: sdktrace.NewTracerProvider()})
	if err == nil || !strings.Contains(err.Error(), "temporalotel: the TracerProvider does not use temporalotel.IDGenerator") {
		t.Errorf("NewTracer with a provider of random ids: err = %v, want the IDGenerator error", err)
	}

	tr, err := NewTracer(TracingOptions{TracerProvider: noop.NewTracerProvider()})
	if err != nil {
		t.Fatalf("NewTracer with a no-op provider: %v", err)
	}
	next := client.OutboundBase{}
	if out := tr.ClientInterceptor().InterceptClient(next); out != client.Outbound(next) {
		t.Errorf("a no-op provider's client interceptor wrapped the chain: %T", out)
	}
	in, out := workflow.InboundBase{}, workflow.OutboundBase{}
	if gi, gout := tr.WorkflowInterceptor().InterceptWorkflow(&workflow.Info{}, in, out); gi != workflow.Inbound(in) || gout != workflow.Outbound(out) {
		t.Errorf("a no-op provider's workflow interceptor wrapped the chain: %T %T", gi, gout)
	}
}

func TestHeaderCodec(t *testing.T) {
	tp := NewTracerProvider()
	tr, err := NewTracer(TracingOptions{TracerProvider: tp})
	if err != nil {
		t.Fatal(err)
	}
	member, _ := baggage.NewMember("tenant", "acme")
	bag, _ := baggage.New(member)
	ctx, span := tp.Tracer("test").Start(baggage.ContextWithBaggage(context.Background(), bag), "sender")
	var h temporal.Header
	tr.inject(ctx, &h)

	p := h[DefaultHeaderKey]
	if p == nil {
		t.Fatalf("inject wrote no %s field: %v", DefaultHeaderKey, h)
	}
	if enc := string(p.GetMetadata()["encoding"]); enc != "json/plain" {
		t.Errorf("header encoding %q, want json/plain", enc)
	}
	var fields map[string]string
	if err := json.Unmarshal(p.GetData(), &fields); err != nil {
		t.Fatalf("header data %q is not a JSON object of strings: %v", p.GetData(), err)
	}
	if !strings.Contains(fields["traceparent"], span.SpanContext().SpanID().String()) || fields["baggage"] != "tenant=acme" {
		t.Errorf("header fields %v, want the sender's traceparent and baggage", fields)
	}

	got := tr.extract(context.Background(), h)
	if sc := trace.SpanContextFromContext(got); !sc.IsRemote() || sc.SpanID() != span.SpanContext().SpanID() || sc.TraceID() != span.SpanContext().TraceID() {
		t.Errorf("extracted span context %v, want the sender's, remote", sc)
	}
	if v := baggage.FromContext(got).Member("tenant").Value(); v != "acme" {
		t.Errorf("extracted baggage tenant=%q, want acme", v)
	}

	// Another header key: the default field is not read.
	other, _ := NewTracer(TracingOptions{TracerProvider: tp, HeaderKey: "trace"})
	if sc := trace.SpanContextFromContext(other.extract(context.Background(), h)); sc.IsValid() {
		t.Errorf("a tracer with header key %q read %s", "trace", DefaultHeaderKey)
	}

	garbage := map[string]*commonpb.Payload{
		"not json":        {Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte("{not json")},
		"not a map":       {Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`[1,2]`)},
		"bad encoding":    {Metadata: map[string][]byte{"encoding": []byte("binary/unknown")}, Data: []byte{1, 2}},
		"no traceparent":  mustPayload(t, map[string]string{"other": "x"}),
		"bad traceparent": mustPayload(t, map[string]string{"traceparent": "00-zz-yy-01"}),
	}
	for name, p := range garbage {
		ctx := tr.extract(context.Background(), temporal.Header{DefaultHeaderKey: p})
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			t.Errorf("%s: extracted span context %v, want none", name, sc)
		}
		// What is started from it is a new root.
		_, s := tp.Tracer("test").Start(ctx, "after "+name)
		if ro := s.(sdktrace.ReadOnlySpan); ro.Parent().IsValid() {
			t.Errorf("%s: span started from the header has parent %v, want a new root", name, ro.Parent())
		}
	}

	// Nothing to carry: the header is left alone.
	var empty temporal.Header
	tr.inject(context.Background(), &empty)
	if empty != nil {
		t.Errorf("inject of a context without a span made header %v", empty)
	}
}

func mustPayload(t *testing.T, v any) *commonpb.Payload {
	t.Helper()
	p, err := converter.Default().ToPayload(v)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEndStatus(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tr := NewTracerProvider(sdktrace.WithSpanProcessor(rec)).Tracer("test")
	cases := []struct {
		name   string
		err    error
		status codes.Code
		events int
	}{
		{"nil", nil, codes.Unset, 0},
		{"failure", errors.New("boom"), codes.Error, 1},
		{"application error", temporal.NewApplicationError("bad input", "Bad"), codes.Error, 1},
		{"benign", temporal.NewApplicationErrorWithOptions("later", temporal.ApplicationErrorOptions{Type: "Retry", Category: enumspb.APPLICATION_ERROR_CATEGORY_BENIGN}), codes.Unset, 1},
		{"canceled", temporal.NewCanceledError(), codes.Unset, 1},
		{"continue as new", &workflow.ContinueAsNewError{}, codes.Unset, 0},
	}
	for _, c := range cases {
		_, span := tr.Start(context.Background(), c.name)
		end(span, c.err)
	}
	ended := rec.Ended()
	if len(ended) != len(cases) {
		t.Fatalf("%d spans ended, want %d", len(ended), len(cases))
	}
	for i, c := range cases {
		if got := ended[i].Status().Code; got != c.status || len(ended[i].Events()) != c.events {
			t.Errorf("%s: status %v with %d events, want %v with %d", c.name, got, len(ended[i].Events()), c.status, c.events)
		}
	}
}
