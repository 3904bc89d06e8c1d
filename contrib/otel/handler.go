package temporalotel

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// MeterName is the instrumentation scope name of the default Meter.
const MeterName = "temporalgen"

// MetricsOptions configures NewMetricsHandler. The zero value is usable.
type MetricsOptions struct {
	// Meter creates the instruments. Nil means
	// otel.GetMeterProvider().Meter(MeterName), the global provider's
	// meter (which follows a provider set later with
	// otel.SetMeterProvider).
	Meter metric.Meter
	// Tags are added to every metric, as if by WithTags.
	Tags map[string]string
	// Buckets are the histogram bucket boundaries, in seconds, advised to
	// the Meter for every timer (a View may override them). Nil means
	// DefaultBuckets().
	Buckets []float64
	// ErrorHandler is told when the Meter returns an error creating an
	// instrument: once per failing instrument, possibly from several
	// goroutines at once. If the Meter returned no instrument, the metric
	// drops its values (a no-op instrument); if it returned one anyway,
	// as the OpenTelemetry SDK does for a name outside OpenTelemetry's
	// syntax, that one is used. Nil means otel.Handle, OpenTelemetry's
	// global error handler.
	ErrorHandler func(error)
}

// DefaultBuckets returns the default histogram bucket boundaries for
// timers, in seconds: 1ms to 60s, a fresh slice on every call.
func DefaultBuckets() []float64 {
	return []float64{
		0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
		1, 2.5, 5, 10, 30, 60,
	}
}

// NewMetricsHandler returns a temporal.MetricsHandler that records
// through an OpenTelemetry Meter: a counter becomes an Int64Counter, a
// gauge a Float64Gauge and a timer a Float64Histogram of seconds (unit
// "s"), each named as the runtime names it. Tags become attributes.
//
// Instruments are created on first use and shared by every handler
// derived from the result through WithTags; it never panics.
func NewMetricsHandler(opts MetricsOptions) temporal.MetricsMeter {
	meter := opts.Meter
	if meter == nil {
		meter = otel.GetMeterProvider().Meter(MeterName)
	}
	onErr := opts.ErrorHandler
	if onErr == nil {
		onErr = otel.Handle
	}
	buckets := opts.Buckets
	if buckets == nil {
		buckets = DefaultBuckets()
	} else {
		buckets = append([]float64(nil), buckets...)
	}
	insts := &instruments{meter: meter, onErr: onErr, buckets: buckets}
	return newHandler(insts, nil, opts.Tags)
}

// instruments is what every handler derived from one NewMetricsHandler
// shares: the Meter and one instrument per name and kind.
type instruments struct {
	meter   metric.Meter
	onErr   func(error)
	buckets []float64

	counters   sync.Map // name → metric.Int64Counter
	gauges     sync.Map // name → metric.Float64Gauge
	histograms sync.Map // name → metric.Float64Histogram (timers, seconds)
	values     sync.Map // name → metric.Float64Histogram (Histogram: plain values)
}

// The instruments are made on first use of a name; the description and
// unit of that first use stay.

func (in *instruments) counter(name string, o temporal.MetricOptions) metric.Int64Counter {
	if v, ok := in.counters.Load(name); ok {
		return v.(metric.Int64Counter)
	}
	c, err := in.meter.Int64Counter(name, metric.WithDescription(o.Description), metric.WithUnit(o.Unit))
	return keep(in, &in.counters, "counter", name, c, err, metric.Int64Counter(noop.Int64Counter{}))
}

func (in *instruments) gauge(name string, o temporal.MetricOptions) metric.Float64Gauge {
	if v, ok := in.gauges.Load(name); ok {
		return v.(metric.Float64Gauge)
	}
	g, err := in.meter.Float64Gauge(name, metric.WithDescription(o.Description), metric.WithUnit(o.Unit))
	return keep(in, &in.gauges, "gauge", name, g, err, metric.Float64Gauge(noop.Float64Gauge{}))
}

func (in *instruments) histogram(name string, o temporal.MetricOptions) metric.Float64Histogram {
	if v, ok := in.histograms.Load(name); ok {
		return v.(metric.Float64Histogram)
	}
	h, err := in.meter.Float64Histogram(name,
		metric.WithDescription(o.Description),
		metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(in.buckets...))
	return keep(in, &in.histograms, "timer", name, h, err, metric.Float64Histogram(noop.Float64Histogram{}))
}

// value is a histogram of plain values, with the meter's default buckets.
func (in *instruments) value(name string, o temporal.MetricOptions) metric.Float64Histogram {
	if v, ok := in.values.Load(name); ok {
		return v.(metric.Float64Histogram)
	}
	h, err := in.meter.Float64Histogram(name, metric.WithDescription(o.Description), metric.WithUnit(o.Unit))
	return keep(in, &in.values, "histogram", name, h, err, metric.Float64Histogram(noop.Float64Histogram{}))
}

// keep caches the instrument the Meter returned for name, or nop if it
// returned none, and reports err if this call is the one that cached it
// (so once per name, however many goroutines raced to create it). An
// instrument returned with an error is kept: the OpenTelemetry SDK returns
// a working instrument beside its complaint about a name outside the
// OpenTelemetry syntax (such a name still reaches the exporter).
func keep[T any](in *instruments, cache *sync.Map, kind, name string, inst T, err error, nop T) T {
	what := "recorded anyway"
	if any(inst) == nil {
		inst, what = nop, "its values are dropped"
	}
	v, loaded := cache.LoadOrStore(name, inst)
	if !loaded && err != nil {
		in.onErr(fmt.Errorf("temporalotel: %s %q: %w (%s)", kind, name, err, what))
	}
	return v.(T)
}

// handler is one tag set over the shared instruments. Its counters,
// gauges and timers, bound to the tag set, are cached too, so that
// h.Counter(name).Inc(1) allocates nothing once the name has been seen.
type handler struct {
	insts *instruments
	tags  attribute.Set // never modified
	// The measurement options carrying tags; the slices point into the
	// arrays, and are empty without tags.
	addOpts []metric.AddOption
	recOpts []metric.RecordOption
	addOpt  [1]metric.AddOption
	recOpt  [1]metric.RecordOption

	counters sync.Map // name → *counter
	gauges   sync.Map // name → *gauge
	timers   sync.Map // name → *timer
	values   sync.Map // name → *value
}

// newHandler returns the handler of tags: parent's tags, then extra's,
// the later of two values for one key winning.
func newHandler(insts *instruments, parent *attribute.Set, extra map[string]string) *handler {
	n := len(extra)
	if parent != nil {
		n += parent.Len()
	}
	kvs := make([]attribute.KeyValue, 0, n)
	if parent != nil {
		for it := parent.Iter(); it.Next(); {
			kvs = append(kvs, it.Attribute())
		}
	}
	for k, v := range extra {
		kvs = append(kvs, attribute.String(k, v))
	}
	h := &handler{insts: insts, tags: attribute.NewSet(kvs...)} // NewSet keeps the last of duplicates
	if h.tags.Len() > 0 {
		opt := metric.WithAttributeSet(h.tags)
		h.addOpt[0], h.recOpt[0] = opt, opt
		h.addOpts, h.recOpts = h.addOpt[:], h.recOpt[:]
	}
	return h
}

// WithTags returns a handler whose metrics carry h's tags and tags (tags
// win on a clash).
func (h *handler) WithTags(tags map[string]string) temporal.MetricsHandler {
	if len(tags) == 0 {
		return h
	}
	return newHandler(h.insts, &h.tags, tags)
}

// Counter returns the Int64Counter name with h's tags.
func (h *handler) Counter(name string) temporal.MetricsCounter {
	return h.CounterWith(name, temporal.MetricOptions{})
}

// Gauge returns the Float64Gauge name with h's tags.
func (h *handler) Gauge(name string) temporal.MetricsGauge {
	return h.GaugeWith(name, temporal.MetricOptions{})
}

// Timer returns the Float64Histogram name (seconds) with h's tags.
func (h *handler) Timer(name string) temporal.MetricsTimer {
	return h.TimerWith(name, temporal.MetricOptions{})
}

// CounterWith is Counter with a description and unit for the instrument
// (when this is the first use of name).
func (h *handler) CounterWith(name string, o temporal.MetricOptions) temporal.MetricsCounter {
	if v, ok := h.counters.Load(name); ok {
		return v.(*counter)
	}
	v, _ := h.counters.LoadOrStore(name, &counter{inst: h.insts.counter(name, o), opts: h.addOpts})
	return v.(*counter)
}

// GaugeWith is Gauge with a description and unit.
func (h *handler) GaugeWith(name string, o temporal.MetricOptions) temporal.MetricsGauge {
	if v, ok := h.gauges.Load(name); ok {
		return v.(*gauge)
	}
	v, _ := h.gauges.LoadOrStore(name, &gauge{inst: h.insts.gauge(name, o), opts: h.recOpts})
	return v.(*gauge)
}

// TimerWith is Timer with a description (the unit is always seconds).
func (h *handler) TimerWith(name string, o temporal.MetricOptions) temporal.MetricsTimer {
	if v, ok := h.timers.Load(name); ok {
		return v.(*timer)
	}
	v, _ := h.timers.LoadOrStore(name, &timer{inst: h.insts.histogram(name, o), opts: h.recOpts})
	return v.(*timer)
}

// Histogram returns a Float64Histogram of plain values (in o.Unit) with
// h's tags.
func (h *handler) Histogram(name string, o temporal.MetricOptions) temporal.MetricsHistogram {
	if v, ok := h.values.Load(name); ok {
		return v.(*value)
	}
	v, _ := h.values.LoadOrStore(name, &value{inst: h.insts.value(name, o), opts: h.recOpts})
	return v.(*value)
}

type value struct {
	inst metric.Float64Histogram
	opts []metric.RecordOption
}

// Record records v.
func (v *value) Record(x float64) { v.inst.Record(context.Background(), x, v.opts...) }

type counter struct {
	inst metric.Int64Counter
	opts []metric.AddOption
}

// Inc adds delta; a negative delta is dropped, since a counter only
// grows.
func (c *counter) Inc(delta int64) {
	if delta < 0 {
		return
	}
	c.inst.Add(context.Background(), delta, c.opts...)
}

type gauge struct {
	inst metric.Float64Gauge
	opts []metric.RecordOption
}

// Update sets the gauge to v.
func (g *gauge) Update(v float64) { g.inst.Record(context.Background(), v, g.opts...) }

type timer struct {
	inst metric.Float64Histogram
	opts []metric.RecordOption
}

// Record records d, in seconds.
func (t *timer) Record(d time.Duration) {
	t.inst.Record(context.Background(), d.Seconds(), t.opts...)
}
