package observability

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// workflowIDKey is the attribute temporalotel puts the workflow id in.
const workflowIDKey = "temporalWorkflowID"

// Span is an ended span, with the spans whose parent it is.
type Span struct {
	Name string
	// Kind is the span kind: "client", "server", "internal", ...
	Kind string
	// TraceID, SpanID and ParentID are hex; ParentID is empty for a span
	// started without a parent.
	TraceID, SpanID, ParentID string
	// WorkflowID is the temporalWorkflowID attribute, empty for spans
	// without one.
	WorkflowID string
	Start, End time.Time
	// Children are the spans started from this one, by start time.
	Children []*Span
}

// Walk calls fn for s and every span below it, parents first.
func (s *Span) Walk(fn func(*Span)) {
	fn(s)
	for _, c := range s.Children {
		c.Walk(fn)
	}
}

// Tree returns s and the spans below it as an indented list, one span a
// line: its name, kind, workflow id (if any) and duration.
func (s *Span) Tree() string {
	var b strings.Builder
	s.tree(&b, 0)
	return b.String()
}

func (s *Span) tree(b *strings.Builder, depth int) {
	fmt.Fprintf(b, "%s%s [%s]", strings.Repeat("  ", depth), s.Name, s.Kind)
	if s.WorkflowID != "" {
		fmt.Fprintf(b, " workflow %s", s.WorkflowID)
	}
	fmt.Fprintf(b, " %v\n", s.End.Sub(s.Start).Round(100*time.Microsecond))
	for _, c := range s.Children {
		c.tree(b, depth+1)
	}
}

// spanLog is a span processor that keeps every span that ends, for the
// report; the exporter's processor is another.
type spanLog struct {
	mu    sync.Mutex
	spans []sdktrace.ReadOnlySpan
}

func (l *spanLog) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

func (l *spanLog) OnEnd(s sdktrace.ReadOnlySpan) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.spans = append(l.spans, s)
}

func (l *spanLog) Shutdown(context.Context) error   { return nil }
func (l *spanLog) ForceFlush(context.Context) error { return nil }

// ended returns the spans that ended so far.
func (l *spanLog) ended() []sdktrace.ReadOnlySpan {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.spans)
}

// spanTrees links ended spans to their parents and returns the roots
// (the spans whose parent is not among them), by start time.
func spanTrees(ended []sdktrace.ReadOnlySpan) []*Span {
	type key struct{ trace, span string }
	byID := make(map[key]*Span, len(ended))
	all := make([]*Span, 0, len(ended))
	for _, ro := range ended {
		sc := ro.SpanContext()
		s := &Span{
			Name:    ro.Name(),
			Kind:    ro.SpanKind().String(),
			TraceID: sc.TraceID().String(),
			SpanID:  sc.SpanID().String(),
			Start:   ro.StartTime(),
			End:     ro.EndTime(),
		}
		if p := ro.Parent(); p.IsValid() {
			s.ParentID = p.SpanID().String()
		}
		for _, kv := range ro.Attributes() {
			if string(kv.Key) == workflowIDKey {
				s.WorkflowID = kv.Value.Emit()
			}
		}
		byID[key{s.TraceID, s.SpanID}] = s
		all = append(all, s)
	}
	var roots []*Span
	for _, s := range all {
		if p, ok := byID[key{s.TraceID, s.ParentID}]; ok && s.ParentID != "" {
			p.Children = append(p.Children, s)
		} else {
			roots = append(roots, s)
		}
	}
	byStart := func(a, b *Span) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Name, b.Name))
	}
	for _, s := range all {
		slices.SortFunc(s.Children, byStart)
	}
	slices.SortFunc(roots, byStart)
	return roots
}
