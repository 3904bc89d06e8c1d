package temporalotel

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// manual returns a MeterProvider read by a ManualReader, shut down when
// the test ends.
func manual(t testing.TB) (*sdkmetric.MeterProvider, *sdkmetric.ManualReader) {
	t.Helper()
	r := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	return mp, r
}

// collect reads every metric, by name.
func collect(t *testing.T, r *sdkmetric.ManualReader) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// key renders an attribute set as "k=v,k=v" (sorted).
func key(s attribute.Set) string {
	out := ""
	for i, kv := range s.ToSlice() {
		if i > 0 {
			out += ","
		}
		out += string(kv.Key) + "=" + kv.Value.Emit()
	}
	return out
}

func sums(t *testing.T, m metricdata.Metrics) map[string]int64 {
	t.Helper()
	s, ok := m.Data.(metricdata.Sum[int64])
	if !ok {
		t.Fatalf("%s: data %T, want Sum[int64]", m.Name, m.Data)
	}
	if !s.IsMonotonic || s.Temporality != metricdata.CumulativeTemporality {
		t.Errorf("%s: monotonic %v temporality %v, want a cumulative counter", m.Name, s.IsMonotonic, s.Temporality)
	}
	out := map[string]int64{}
	for _, dp := range s.DataPoints {
		out[key(dp.Attributes)] = dp.Value
	}
	return out
}

func TestCounterSumsByTags(t *testing.T) {
	mp, r := manual(t)
	h := NewMetricsHandler(MetricsOptions{Meter: mp.Meter("test"), Tags: map[string]string{"namespace": "ns"}})

	h.Counter(temporal.MetricWorkflowCompleted).Inc(2)
	a := h.WithTags(map[string]string{"workflow_type": "A"})
	a.Counter(temporal.MetricWorkflowCompleted).Inc(3)
	for range 2 {
		h.WithTags(map[string]string{"workflow_type": "B"}).Counter(temporal.MetricWorkflowCompleted).Inc(1)
	}
	a.Counter(temporal.MetricWorkflowCompleted).Inc(-7) // dropped: counters only grow
	a.Counter(temporal.MetricWorkflowCompleted).Inc(0)

	ms := collect(t, r)
	m, ok := ms[temporal.MetricWorkflowCompleted]
	if !ok {
		t.Fatalf("no %s in %v", temporal.MetricWorkflowCompleted, ms)
	}
	got := sums(t, m)
	want := map[string]int64{
		"namespace=ns":                 2,
		"namespace=ns,workflow_type=A": 3,
		"namespace=ns,workflow_type=B": 2,
	}
	if len(got) != len(want) {
		t.Fatalf("series %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s{%s} = %d, want %d (all: %v)", m.Name, k, got[k], v, got)
		}
	}
}

func TestGaugeHoldsLastValue(t *testing.T) {
	mp, r := manual(t)
	h := NewMetricsHandler(MetricsOptions{Meter: mp.Meter("test")})
	g := h.Gauge(temporal.MetricStickyCacheSize)
	g.Update(3)
	g.Update(7.5)
	h.WithTags(map[string]string{"worker_type": "ActivityWorker"}).Gauge(temporal.MetricStickyCacheSize).Update(-1)

	m := collect(t, r)[temporal.MetricStickyCacheSize]
	gd, ok := m.Data.(metricdata.Gauge[float64])
	if !ok {
		t.Fatalf("data %T, want Gauge[float64]", m.Data)
	}
	got := map[string]float64{}
	for _, dp := range gd.DataPoints {
		got[key(dp.Attributes)] = dp.Value
	}
	want := map[string]float64{"": 7.5, "worker_type=ActivityWorker": -1}
	if len(got) != len(want) || got[""] != 7.5 || got["worker_type=ActivityWorker"] != -1 {
		t.Errorf("gauge points %v, want %v", got, want)
	}
}

func TestTimerIsHistogramOfSeconds(t *testing.T) {
	mp, r := manual(t)
	h := NewMetricsHandler(MetricsOptions{Meter: mp.Meter("test")}).
		WithTags(map[string]string{"activity_type": "Greet"})
	tm := h.Timer(temporal.MetricActivityExecutionLatency)
	tm.Record(1500 * time.Millisecond)
	tm.Record(20 * time.Millisecond)
	tm.Record(20 * time.Millisecond)

	m := collect(t, r)[temporal.MetricActivityExecutionLatency]
	if m.Unit != "s" {
		t.Errorf("unit %q, want s", m.Unit)
	}
	hd, ok := m.Data.(metricdata.Histogram[float64])
	if !ok {
		t.Fatalf("data %T, want Histogram[float64]", m.Data)
	}
	if len(hd.DataPoints) != 1 {
		t.Fatalf("%d points, want 1", len(hd.DataPoints))
	}
	dp := hd.DataPoints[0]
	if k := key(dp.Attributes); k != "activity_type=Greet" {
		t.Errorf("attributes %s", k)
	}
	if dp.Count != 3 || math.Abs(dp.Sum-1.54) > 1e-9 {
		t.Errorf("count %d sum %v, want 3 and 1.54", dp.Count, dp.Sum)
	}
	if !slices.Equal(dp.Bounds, DefaultBuckets()) {
		t.Errorf("bounds %v, want DefaultBuckets %v", dp.Bounds, DefaultBuckets())
	}
	// 20ms falls in (0.01, 0.025], 1.5s in (1, 2.5].
	want := make([]uint64, len(dp.Bounds)+1)
	want[slices.Index(dp.Bounds, 0.025)] = 2
	want[slices.Index(dp.Bounds, 2.5)] = 1
	if !slices.Equal(dp.BucketCounts, want) {
		t.Errorf("bucket counts %v, want %v", dp.BucketCounts, want)
	}
}

func TestCustomBuckets(t *testing.T) {
	mp, r := manual(t)
	buckets := []float64{0.1, 1}
	h := NewMetricsHandler(MetricsOptions{Meter: mp.Meter("test"), Buckets: buckets})
	buckets[0] = 99 // the handler keeps its own copy
	h.Timer("t").Record(time.Second / 2)
	hd := collect(t, r)["t"].Data.(metricdata.Histogram[float64])
	if got := hd.DataPoints[0].Bounds; !slices.Equal(got, []float64{0.1, 1}) {
		t.Errorf("bounds %v, want [0.1 1]", got)
	}
	if got := hd.DataPoints[0].BucketCounts; !slices.Equal(got, []uint64{0, 1, 0}) {
		t.Errorf("bucket counts %v, want [0 1 0]", got)
	}
}

func TestWithTagsMergesAndCopies(t *testing.T) {
	mp, r := manual(t)
	base := map[string]string{"namespace": "ns", "task_queue": "q1"}
	h := NewMetricsHandler(MetricsOptions{Meter: mp.Meter("test"), Tags: base})
	override := map[string]string{"task_queue": "q2", "workflow_type": "W"}
	child := h.WithTags(override)
	// Changing the callers' maps afterwards changes nothing.
	base["namespace"], override["workflow_type"] = "changed", "changed"
	child.Counter("c").Inc(1)
	h.Counter("c").Inc(10)
	if h.WithTags(nil) != h {
		t.Error("WithTags(nil) returned a new handler")
	}

	got := sums(t, collect(t, r)["c"])
	if got["namespace=ns,task_queue=q2,workflow_type=W"] != 1 || got["namespace=ns,task_queue=q1"] != 10 || len(got) != 2 {
		t.Errorf("series %v", got)
	}
}

// countingMeter counts instrument creations and can fail them.
type countingMeter struct {
	metric.Meter
	counters, gauges, histograms atomic.Int32
	fail                         bool
	withInstrument               bool // return the instrument beside the error
}

func (m *countingMeter) Int64Counter(name string, opts ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	m.counters.Add(1)
	c, err := m.Meter.Int64Counter(name, opts...)
	if m.fail {
		if !m.withInstrument {
			c = nil
		}
		return c, errors.New("refused")
	}
	return c, err
}

func (m *countingMeter) Float64Gauge(name string, opts ...metric.Float64GaugeOption) (metric.Float64Gauge, error) {
	m.gauges.Add(1)
	if m.fail {
		return nil, errors.New("refused")
	}
	return m.Meter.Float64Gauge(name, opts...)
}

func (m *countingMeter) Float64Histogram(name string, opts ...metric.Float64HistogramOption) (metric.Float64Histogram, error) {
	m.histograms.Add(1)
	if m.fail {
		return nil, errors.New("refused")
	}
	return m.Meter.Float64Histogram(name, opts...)
}

func TestInstrumentsCreatedOncePerName(t *testing.T) {
	mp, r := manual(t)
	cm := &countingMeter{Meter: mp.Meter("test")}
	h := NewMetricsHandler(MetricsOptions{Meter: cm})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			hh := h.WithTags(map[string]string{"i": string(rune('a' + i%2))})
			for range 100 {
				hh.Counter("c").Inc(1)
				hh.Gauge("g").Update(1)
				hh.Timer("t").Record(time.Millisecond)
			}
		})
	}
	wg.Wait()
	// A race may call the Meter more than once for a name (the first
	// stored wins), but never once per use.
	for what, n := range map[string]int32{"counter": cm.counters.Load(), "gauge": cm.gauges.Load(), "histogram": cm.histograms.Load()} {
		if n < 1 || n > 8 {
			t.Errorf("%s created %d times for 8 handlers × 100 uses", what, n)
		}
	}
	if got := sums(t, collect(t, r)["c"]); got["i=a"] != 400 || got["i=b"] != 400 {
		t.Errorf("counter %v, want 400 each", got)
	}
	// Sequentially, each name is created exactly once.
	before := cm.counters.Load()
	h.Counter("c2").Inc(1)
	h.WithTags(map[string]string{"x": "y"}).Counter("c2").Inc(1)
	h.Counter("c2").Inc(1)
	if n := cm.counters.Load() - before; n != 1 {
		t.Errorf("c2 created %d times, want 1", n)
	}
}

func TestInstrumentErrorsReportedOnceAndDropped(t *testing.T) {
	mp, r := manual(t)
	cm := &countingMeter{Meter: mp.Meter("test"), fail: true}
	var mu sync.Mutex
	var errs []error
	h := NewMetricsHandler(MetricsOptions{Meter: cm, ErrorHandler: func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}})
	for range 3 {
		hh := h.WithTags(map[string]string{"k": "v"})
		hh.Counter("c").Inc(1)
		hh.Gauge("g").Update(1)
		hh.Timer("t").Record(time.Second)
		h.Counter("c").Inc(1)
	}
	if len(errs) != 3 {
		t.Fatalf("errors %v, want one each for c, g and t", errs)
	}
	for i, name := range []string{`counter "c"`, `gauge "g"`, `timer "t"`} {
		if msg := errs[i].Error(); !strings.Contains(msg, name) || !strings.Contains(msg, "refused") || !strings.Contains(msg, "dropped") {
			t.Errorf("error %d: %q, want it to name %s, the cause and the drop", i, msg, name)
		}
	}
	if ms := collect(t, r); len(ms) != 0 {
		t.Errorf("refused instruments recorded: %v", ms)
	}
}

func TestInstrumentReturnedWithErrorIsKept(t *testing.T) {
	mp, r := manual(t)
	cm := &countingMeter{Meter: mp.Meter("test"), fail: true, withInstrument: true}
	var n atomic.Int32
	h := NewMetricsHandler(MetricsOptions{Meter: cm, ErrorHandler: func(error) { n.Add(1) }})
	h.Counter("c").Inc(4)
	h.Counter("c").Inc(1)
	if n.Load() != 1 {
		t.Errorf("%d errors, want 1", n.Load())
	}
	if got := sums(t, collect(t, r)["c"]); got[""] != 5 {
		t.Errorf("counter %v, want 5", got)
	}
}

// TestSDKNameComplaint: the OpenTelemetry SDK rejects "1bad" as an
// instrument name but returns a working instrument; the handler reports
// the error and records anyway, and never panics.
func TestSDKNameComplaint(t *testing.T) {
	mp, r := manual(t)
	var errs []error
	h := NewMetricsHandler(MetricsOptions{Meter: mp.Meter("test"), ErrorHandler: func(err error) { errs = append(errs, err) }})
	h.Counter("1bad").Inc(1)
	h.Counter("1bad").Inc(1)
	if len(errs) != 1 || !errors.Is(errs[0], sdkmetric.ErrInstrumentName) {
		t.Errorf("errors %v, want one ErrInstrumentName", errs)
	}
	if got := sums(t, collect(t, r)["1bad"]); got[""] != 2 {
		t.Errorf("counter %v, want 2", got)
	}
}

func TestDefaultMeterIsGlobal(t *testing.T) {
	// No Meter: the global provider's (a no-op unless one is set). It must
	// work and not panic; the global provider is not changed here, since
	// that would be process-wide state.
	h := NewMetricsHandler(MetricsOptions{})
	h.Counter("c").Inc(1)
	h.Gauge("g").Update(1)
	h.Timer("t").Record(time.Second)
	hh, ok := h.(*handler)
	if !ok {
		t.Fatalf("handler %T", h)
	}
	if hh.insts.meter != otel.GetMeterProvider().Meter(MeterName) {
		t.Errorf("meter %v, want the global provider's %q", hh.insts.meter, MeterName)
	}
}

func TestDefaultBucketsFresh(t *testing.T) {
	a := DefaultBuckets()
	a[0] = 42
	b := DefaultBuckets()
	if b[0] != 0.001 || b[len(b)-1] != 60 || !slices.IsSorted(b) {
		t.Errorf("DefaultBuckets %v", b)
	}
}

// TestMeterDescriptionsUnitsHistograms: the handler is a
// temporal.MetricsMeter: counters and gauges carry the description and
// unit of their first use, and Histogram records plain values in its
// unit.
func TestMeterDescriptionsUnitsHistograms(t *testing.T) {
	mp, r := manual(t)
	h := temporal.AsMeter(NewMetricsHandler(MetricsOptions{Meter: mp.Meter("test")}).WithTags(map[string]string{"shop": "a"}))
	h.CounterWith("orders", temporal.MetricOptions{Description: "orders placed", Unit: "{order}"}).Inc(2)
	h.CounterWith("orders", temporal.MetricOptions{Description: "ignored: not the first use"}).Inc(1)
	h.GaugeWith("queue_depth", temporal.MetricOptions{Unit: "{item}"}).Update(7)
	hist := h.Histogram("order_size", temporal.MetricOptions{Description: "items per order", Unit: "{item}"})
	for _, v := range []float64{1, 3, 8} {
		hist.Record(v)
	}
	got := collect(t, r)
	if m := got["orders"]; m.Description != "orders placed" || m.Unit != "{order}" || sums(t, m)["shop=a"] != 3 {
		t.Errorf("orders: description %q unit %q sums %v", m.Description, m.Unit, sums(t, m))
	}
	if m := got["queue_depth"]; m.Unit != "{item}" {
		t.Errorf("queue_depth unit %q", m.Unit)
	}
	m := got["order_size"]
	hd, ok := m.Data.(metricdata.Histogram[float64])
	if !ok || m.Unit != "{item}" || m.Description != "items per order" {
		t.Fatalf("order_size: data %T unit %q description %q", m.Data, m.Unit, m.Description)
	}
	if len(hd.DataPoints) != 1 || hd.DataPoints[0].Count != 3 || hd.DataPoints[0].Sum != 12 {
		t.Errorf("order_size points %+v, want one of count 3 and sum 12", hd.DataPoints)
	}
}
