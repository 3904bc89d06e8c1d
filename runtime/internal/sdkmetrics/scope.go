// Package sdkmetrics sends the client's and worker's own metrics (the
// names in runtime/temporal/metric_names.go) to a temporal.MetricsHandler.
//
// A *Scope is a handler with a fixed set of tags. Its methods do nothing
// on a nil *Scope, and New returns nil for a nil or no-op handler, so
// code without metrics pays one nil check per metric:
//
//	m := sdkmetrics.New(h, map[string]string{"namespace": ns})
//	m.With("workflow_type", t).Inc(temporal.MetricWorkflowCompleted)
//
// With caches its child scopes by tag, so a tag value seen before costs
// a map look-up, not a handler's WithTags.
package sdkmetrics

import (
	"sync"
	"time"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Scope sends metrics with a fixed set of tags.
type Scope struct {
	h        temporal.MetricsHandler
	children sync.Map // tag → *Scope
}

type tag struct{ key, value string }

// New returns a scope on h with tags, or nil when h is nil or a
// temporal.NopMetricsHandler.
func New(h temporal.MetricsHandler, tags map[string]string) *Scope {
	switch h.(type) {
	case nil, temporal.NopMetricsHandler, *temporal.NopMetricsHandler:
		return nil
	}
	if len(tags) > 0 {
		h = h.WithTags(tags)
	}
	return &Scope{h: h}
}

// With returns the scope with one more tag.
func (s *Scope) With(key, value string) *Scope {
	if s == nil {
		return nil
	}
	t := tag{key, value}
	if c, ok := s.children.Load(t); ok {
		return c.(*Scope)
	}
	c, _ := s.children.LoadOrStore(t, &Scope{h: s.h.WithTags(map[string]string{key: value})})
	return c.(*Scope)
}

// Handler returns the scope's handler (nil for a nil scope).
func (s *Scope) Handler() temporal.MetricsHandler {
	if s == nil {
		return nil
	}
	return s.h
}

// Inc adds one to a counter.
func (s *Scope) Inc(name string) {
	if s != nil {
		s.h.Counter(name).Inc(1)
	}
}

// Add adds n to a counter.
func (s *Scope) Add(name string, n int64) {
	if s != nil {
		s.h.Counter(name).Inc(n)
	}
}

// Record records a duration on a timer.
func (s *Scope) Record(name string, d time.Duration) {
	if s != nil {
		s.h.Timer(name).Record(d)
	}
}

// Since records the time since t on a timer.
func (s *Scope) Since(name string, t time.Time) {
	if s != nil {
		s.h.Timer(name).Record(time.Since(t))
	}
}

// Gauge sets a gauge.
func (s *Scope) Gauge(name string, v float64) {
	if s != nil {
		s.h.Gauge(name).Update(v)
	}
}

// Slots reports a worker's task slots: in use and still free.
func (s *Scope) Slots(used, capacity int) {
	if s != nil {
		s.h.Gauge(temporal.MetricWorkerSlotsUsed).Update(float64(used))
		s.h.Gauge(temporal.MetricWorkerSlotsAvailable).Update(float64(capacity - used))
	}
}
