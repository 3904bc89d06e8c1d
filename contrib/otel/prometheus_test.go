package temporalotel

import (
	"context"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// scrape GETs url in the Prometheus text format and parses it.
func scrape(t testing.TB, ctx context.Context, url string) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := scrapeErr(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// scrapeErr is scrape returning its error.
func scrapeErr(ctx context.Context, url string) (map[string]*dto.MetricFamily, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/plain; version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		return nil, fmt.Errorf("GET %s: Content-Type %q", url, ct)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: parse: %w", url, err)
	}
	return fams, nil
}

// labelsOf returns a sample's labels.
func labelsOf(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, lp := range m.GetLabel() {
		out[lp.GetName()] = lp.GetValue()
	}
	return out
}

// sample returns the family's one sample whose labels include want, or
// fails.
func sample(t testing.TB, fams map[string]*dto.MetricFamily, name string, typ dto.MetricType, want map[string]string) *dto.Metric {
	t.Helper()
	m, err := findSample(fams, name, typ, want)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// findSample is sample returning its error.
func findSample(fams map[string]*dto.MetricFamily, name string, typ dto.MetricType, want map[string]string) (*dto.Metric, error) {
	f, ok := fams[name]
	if !ok {
		return nil, fmt.Errorf("no family %s; families: %v", name, slices.Sorted(maps.Keys(fams)))
	}
	if f.GetType() != typ {
		return nil, fmt.Errorf("%s: type %v, want %v", name, f.GetType(), typ)
	}
	var found *dto.Metric
	for _, m := range f.GetMetric() {
		got := labelsOf(m)
		match := true
		for k, v := range want {
			if got[k] != v {
				match = false
			}
		}
		if match {
			if found != nil {
				return nil, fmt.Errorf("%s: two samples match %v", name, want)
			}
			found = m
		}
	}
	if found == nil {
		var all []map[string]string
		for _, m := range f.GetMetric() {
			all = append(all, labelsOf(m))
		}
		return nil, fmt.Errorf("%s: no sample with labels %v; samples: %v", name, want, all)
	}
	return found, nil
}

func newPrometheus(t testing.TB, opts PrometheusOptions) *Prometheus {
	t.Helper()
	p, err := NewPrometheus(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p
}

func TestPrometheusScrape(t *testing.T) {
	p := newPrometheus(t, PrometheusOptions{Tags: map[string]string{"namespace": "default"}})
	h := p.Handler()
	wf := h.WithTags(map[string]string{"workflow_type": "Greet", "task_queue": "tq"})
	wf.Counter(temporal.MetricWorkflowCompleted).Inc(4)
	wf.Counter(temporal.MetricWorkflowCompleted).Inc(1)
	h.Counter(temporal.MetricLocalActivityTotal).Inc(1)
	h.Counter(temporal.MetricStickyCacheForcedEviction).Inc(2)
	h.Gauge(temporal.MetricStickyCacheSize).Update(3)
	act := h.WithTags(map[string]string{"activity_type": "Hello"})
	act.Timer(temporal.MetricActivityExecutionLatency).Record(30 * time.Millisecond)
	act.Timer(temporal.MetricActivityExecutionLatency).Record(2 * time.Second)
	h.WithTags(map[string]string{"my.tag": "a b/c"}).Counter("my.custom-metric").Inc(1)

	srv := httptest.NewServer(p.HTTPHandler())
	t.Cleanup(srv.Close)
	fams := scrape(t, t.Context(), srv.URL+"/metrics")

	c := sample(t, fams, "temporal_workflow_completed_total", dto.MetricType_COUNTER,
		map[string]string{"namespace": "default", "workflow_type": "Greet", "task_queue": "tq"})
	if v := c.GetCounter().GetValue(); v != 5 {
		t.Errorf("temporal_workflow_completed_total = %v, want 5", v)
	}
	if got := labelsOf(c); len(got) != 3 {
		t.Errorf("labels %v, want only namespace, workflow_type and task_queue (no otel_scope_*)", got)
	}
	if v := sample(t, fams, "temporal_local_activity_total", dto.MetricType_COUNTER, nil).GetCounter().GetValue(); v != 1 {
		t.Errorf("temporal_local_activity_total = %v, want 1", v)
	}
	if v := sample(t, fams, "temporal_sticky_cache_total_forced_eviction_total", dto.MetricType_COUNTER, nil).GetCounter().GetValue(); v != 2 {
		t.Errorf("temporal_sticky_cache_total_forced_eviction_total = %v, want 2", v)
	}
	if v := sample(t, fams, "temporal_sticky_cache_size", dto.MetricType_GAUGE, nil).GetGauge().GetValue(); v != 3 {
		t.Errorf("temporal_sticky_cache_size = %v, want 3", v)
	}
	if v := sample(t, fams, "my_custom_metric_total", dto.MetricType_COUNTER, map[string]string{"my_tag": "a b/c"}).GetCounter().GetValue(); v != 1 {
		t.Errorf("my_custom_metric_total = %v, want 1", v)
	}

	hist := sample(t, fams, "temporal_activity_execution_latency_seconds", dto.MetricType_HISTOGRAM,
		map[string]string{"namespace": "default", "activity_type": "Hello"}).GetHistogram()
	if hist.GetSampleCount() != 2 || math.Abs(hist.GetSampleSum()-2.03) > 1e-9 {
		t.Errorf("histogram count %d sum %v, want 2 and 2.03", hist.GetSampleCount(), hist.GetSampleSum())
	}
	cum := map[float64]uint64{}
	var bounds []float64
	for _, b := range hist.GetBucket() {
		cum[b.GetUpperBound()] = b.GetCumulativeCount()
		bounds = append(bounds, b.GetUpperBound())
	}
	if want := append(DefaultBuckets(), math.Inf(1)); !slices.Equal(bounds, want) {
		t.Errorf("bucket bounds %v, want %v", bounds, want)
	}
	if cum[0.025] != 0 || cum[0.05] != 1 || cum[1] != 1 || cum[2.5] != 2 || cum[60] != 2 || cum[math.Inf(1)] != 2 {
		t.Errorf("cumulative buckets %v", cum)
	}

	for name := range fams {
		if name == "target_info" || strings.HasPrefix(name, "otel_") {
			t.Errorf("unexpected family %s", name)
		}
	}
}

// TestPromName: the names a scrape shows are those of sdk-go's Prometheus
// naming (contrib/tally's NewPrometheusNamingScope with
// PrometheusSanitizeOptions), and promName, used in the docs and tests,
// says so too.
func TestPromName(t *testing.T) {
	cases := []struct{ kind, name, want string }{
		{"counter", temporal.MetricWorkflowCompleted, "temporal_workflow_completed_total"},
		{"counter", temporal.MetricLocalActivityTotal, "temporal_local_activity_total"},
		{"counter", temporal.MetricStickyCacheForcedEviction, "temporal_sticky_cache_total_forced_eviction_total"},
		{"counter", "my.custom-metric", "my_custom_metric_total"},
		{"counter", "2fast", "_2fast_total"},
		{"gauge", temporal.MetricWorkerSlotsAvailable, "temporal_worker_task_slots_available"},
		{"gauge", "queue.depth", "queue_depth"},
		{"timer", temporal.MetricActivityExecutionLatency, "temporal_activity_execution_latency_seconds"},
		{"timer", temporal.MetricWorkflowEndToEndLatency, "temporal_workflow_endtoend_latency_seconds"},
		{"timer", "wait_seconds", "wait_seconds"},
	}
	p := newPrometheus(t, PrometheusOptions{ErrorHandler: func(error) {}}) // "2fast" is no OTel name
	h := p.Handler()
	for _, c := range cases {
		if got := promName(c.kind, c.name); got != c.want {
			t.Errorf("promName(%s, %q) = %q, want %q", c.kind, c.name, got, c.want)
		}
		switch c.kind {
		case "counter":
			h.Counter(c.name).Inc(1)
		case "gauge":
			h.Gauge(c.name).Update(1)
		case "timer":
			h.Timer(c.name).Record(time.Millisecond)
		}
	}
	srv := httptest.NewServer(p.HTTPHandler())
	t.Cleanup(srv.Close)
	fams := scrape(t, t.Context(), srv.URL)
	types := map[string]dto.MetricType{"counter": dto.MetricType_COUNTER, "gauge": dto.MetricType_GAUGE, "timer": dto.MetricType_HISTOGRAM}
	for _, c := range cases {
		sample(t, fams, c.want, types[c.kind], nil)
	}
	if len(fams) != len(cases) {
		t.Errorf("families %v, want the %d of the cases", slices.Sorted(maps.Keys(fams)), len(cases))
	}
}

func TestPrometheusOwnRegistries(t *testing.T) {
	reg := prometheus.NewRegistry()
	a := newPrometheus(t, PrometheusOptions{Registry: reg})
	b := newPrometheus(t, PrometheusOptions{})
	if a.Registry() != reg || b.Registry() == reg || b.Registry() == nil {
		t.Fatal("Registry() is not the registry in use")
	}
	a.Handler().Counter("only_in_a").Inc(1)

	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) != 1 || fams[0].GetName() != "only_in_a_total" {
		t.Errorf("a's registry: %v", fams)
	}
	if fams, err := b.Registry().Gather(); err != nil || len(fams) != 0 {
		t.Errorf("b's registry: %v, %v", fams, err)
	}
	if fams, err := prometheus.DefaultGatherer.Gather(); err != nil {
		t.Fatal(err)
	} else {
		for _, f := range fams {
			if f.GetName() == "only_in_a_total" {
				t.Error("metric registered on the default registry")
			}
		}
	}
}

func TestPrometheusCustomBuckets(t *testing.T) {
	p := newPrometheus(t, PrometheusOptions{Buckets: []float64{0.5, 5}})
	p.Handler().Timer("t").Record(time.Second)
	fams, err := p.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) != 1 {
		t.Fatalf("families %v", fams)
	}
	var got []string
	for _, b := range fams[0].GetMetric()[0].GetHistogram().GetBucket() {
		got = append(got, fmt.Sprintf("%v:%d", b.GetUpperBound(), b.GetCumulativeCount()))
	}
	if want := []string{"0.5:0", "5:1"}; !slices.Equal(got, want) {
		t.Errorf("buckets %v, want %v", got, want)
	}
}

func TestPrometheusShutdown(t *testing.T) {
	p := newPrometheus(t, PrometheusOptions{})
	c := p.Handler().Counter("c")
	c.Inc(1)
	if fams, err := p.Registry().Gather(); err != nil || len(fams) != 1 {
		t.Fatalf("before shutdown: %v, %v", fams, err)
	}
	if err := p.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	c.Inc(1)                                                                         // dropped, no panic
	p.Handler().WithTags(map[string]string{"a": "b"}).Timer("t").Record(time.Second) // a new instrument after shutdown
	rec := httptest.NewRecorder()
	p.HTTPHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "c_total") {
		t.Errorf("after shutdown: %d %q", rec.Code, rec.Body.String())
	}
}
