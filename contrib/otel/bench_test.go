package temporalotel

import (
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// The benchmarks record into a real sdk/metric MeterProvider (read by a
// ManualReader), with the tags a worker metric carries.
//
//	go test -run '^$' -bench . -benchmem ./contrib/otel

func benchHandler(b *testing.B) temporal.MetricsHandler {
	mp, _ := manual(b)
	return NewMetricsHandler(MetricsOptions{Meter: mp.Meter("bench")}).WithTags(map[string]string{
		temporal.TagNamespace: "default", temporal.TagTaskQueue: "tq", temporal.TagWorkflowType: "Greet",
	})
}

// BenchmarkCounterInc: Inc on a counter held by the caller.
func BenchmarkCounterInc(b *testing.B) {
	c := benchHandler(b).Counter(temporal.MetricWorkflowCompleted)
	b.ReportAllocs()
	for b.Loop() {
		c.Inc(1)
	}
}

// BenchmarkCounterLookupInc: h.Counter(name).Inc(1), the lookup included.
func BenchmarkCounterLookupInc(b *testing.B) {
	h := benchHandler(b)
	h.Counter(temporal.MetricWorkflowCompleted).Inc(1)
	b.ReportAllocs()
	for b.Loop() {
		h.Counter(temporal.MetricWorkflowCompleted).Inc(1)
	}
}

// BenchmarkGaugeUpdate: Update on a gauge held by the caller.
func BenchmarkGaugeUpdate(b *testing.B) {
	g := benchHandler(b).Gauge(temporal.MetricStickyCacheSize)
	b.ReportAllocs()
	for b.Loop() {
		g.Update(3)
	}
}

// BenchmarkTimerRecord: h.Timer(name).Record(d), the lookup included.
func BenchmarkTimerRecord(b *testing.B) {
	h := benchHandler(b)
	h.Timer(temporal.MetricActivityExecutionLatency).Record(time.Millisecond)
	b.ReportAllocs()
	for b.Loop() {
		h.Timer(temporal.MetricActivityExecutionLatency).Record(25 * time.Millisecond)
	}
}

// BenchmarkTimerRecordParallel: BenchmarkTimerRecord from all Ps.
func BenchmarkTimerRecordParallel(b *testing.B) {
	h := benchHandler(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Timer(temporal.MetricActivityExecutionLatency).Record(25 * time.Millisecond)
		}
	})
}

// BenchmarkWithTagsInc: a fresh WithTags for every Inc, as code that tags
// per task does; WithTags builds the attribute set and the new handler's
// caches.
func BenchmarkWithTagsInc(b *testing.B) {
	h := benchHandler(b)
	tags := map[string]string{temporal.TagActivityType: "Hello"}
	b.ReportAllocs()
	for b.Loop() {
		h.WithTags(tags).Counter(temporal.MetricActivityExecutionFailed).Inc(1)
	}
}
