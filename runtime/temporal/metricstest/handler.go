// Package metricstest is an in-memory temporal.MetricsHandler for tests:
// it keeps every counter, gauge and timer it is sent, by name and tags,
// so a test can check what a client, worker or workflow reported.
//
//	h := metricstest.New()
//	c, _ := client.Dial(ctx, client.Options{MetricsHandler: h})
//	// ... run a workflow ...
//	n := h.Count(temporal.MetricWorkflowCompleted, map[string]string{"workflow_type": "Order"})
package metricstest

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Handler records metrics. The zero value is not usable; call New.
type Handler struct {
	s    *store
	tags map[string]string
}

type store struct {
	mu     sync.Mutex
	series map[string]*Series // by name and tags
}

// Series is one metric with one set of tags.
type Series struct {
	Name   string
	Kind   string // "counter", "gauge", "timer" or "histogram"
	Tags   map[string]string
	Count  int64           // counter: the sum; timer, histogram: the number of records
	Value  float64         // gauge: the latest value
	Times  []time.Duration // timer: every record
	Values []float64       // histogram: every record
	// Description and Unit are those the metric was first made with
	// (temporal.MetricsMeter).
	Description, Unit string
}

// New returns an empty handler.
func New() *Handler { return &Handler{s: &store{series: make(map[string]*Series)}} }

// WithTags returns a handler that adds tags to every metric; it shares the
// records of h.
func (h *Handler) WithTags(tags map[string]string) temporal.MetricsHandler {
	t := maps.Clone(h.tags)
	if t == nil {
		t = make(map[string]string, len(tags))
	}
	maps.Copy(t, tags)
	return &Handler{s: h.s, tags: t}
}

// Counter returns the counter name.
func (h *Handler) Counter(name string) temporal.MetricsCounter {
	return metric{h: h, name: name, kind: "counter"}
}

// Gauge returns the gauge name.
func (h *Handler) Gauge(name string) temporal.MetricsGauge {
	return metric{h: h, name: name, kind: "gauge"}
}

// Timer returns the timer name.
func (h *Handler) Timer(name string) temporal.MetricsTimer {
	return metric{h: h, name: name, kind: "timer"}
}

// CounterWith returns the counter name, described by o.
func (h *Handler) CounterWith(name string, o temporal.MetricOptions) temporal.MetricsCounter {
	return metric{h, name, "counter", o}
}

// GaugeWith returns the gauge name, described by o.
func (h *Handler) GaugeWith(name string, o temporal.MetricOptions) temporal.MetricsGauge {
	return metric{h, name, "gauge", o}
}

// TimerWith returns the timer name, described by o.
func (h *Handler) TimerWith(name string, o temporal.MetricOptions) temporal.MetricsTimer {
	return metric{h, name, "timer", o}
}

// Histogram returns the histogram name, described by o.
func (h *Handler) Histogram(name string, o temporal.MetricOptions) temporal.MetricsHistogram {
	return histogram{metric{h, name, "histogram", o}}
}

type metric struct {
	h    *Handler
	name string
	kind string
	o    temporal.MetricOptions
}

func (m metric) Inc(d int64)      { m.h.s.update(m, func(s *Series) { s.Count += d }) }
func (m metric) Update(v float64) { m.h.s.update(m, func(s *Series) { s.Value = v }) }
func (m metric) Record(d time.Duration) {
	m.h.s.update(m, func(s *Series) { s.Count++; s.Times = append(s.Times, d) })
}

type histogram struct{ m metric }

func (h histogram) Record(v float64) {
	h.m.h.s.update(h.m, func(s *Series) { s.Count++; s.Values = append(s.Values, v) })
}

func (st *store) update(m metric, f func(*Series)) {
	key := seriesKey(m.name, m.h.tags)
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.series[key]
	if s == nil {
		s = &Series{Name: m.name, Kind: m.kind, Tags: maps.Clone(m.h.tags), Description: m.o.Description, Unit: m.o.Unit}
		st.series[key] = s
	}
	f(s)
}

func seriesKey(name string, tags map[string]string) string {
	var b strings.Builder
	b.WriteString(name)
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		b.WriteString("\x00" + k + "=" + tags[k])
	}
	return b.String()
}

// Series returns copies of every series named name whose tags include
// match (nil matches all), in a stable order.
func (h *Handler) Series(name string, match map[string]string) []Series {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	var out []Series
	for _, s := range h.s.series {
		if s.Name != name || !includes(s.Tags, match) {
			continue
		}
		c := *s
		c.Tags = maps.Clone(s.Tags)
		c.Times = slices.Clone(s.Times)
		c.Values = slices.Clone(s.Values)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return seriesKey(out[i].Name, out[i].Tags) < seriesKey(out[j].Name, out[j].Tags) })
	return out
}

// Count returns the sum of a counter, or the number of records of a
// timer, over the series named name whose tags include match.
func (h *Handler) Count(name string, match map[string]string) int64 {
	var n int64
	for _, s := range h.Series(name, match) {
		n += s.Count
	}
	return n
}

// GaugeValue returns the latest value of the gauge named name with tags
// including match, and whether there is one (the first in Series order
// when several match).
func (h *Handler) GaugeValue(name string, match map[string]string) (float64, bool) {
	s := h.Series(name, match)
	if len(s) == 0 {
		return 0, false
	}
	return s[0].Value, true
}

// Names returns the names of every metric recorded, sorted.
func (h *Handler) Names() []string {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	seen := make(map[string]bool)
	for _, s := range h.s.series {
		seen[s.Name] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

func includes(tags, match map[string]string) bool {
	for k, v := range match {
		if tags[k] != v {
			return false
		}
	}
	return true
}
