package temporalotel_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	temporalotel "github.com/temporalgen/temporalgen/contrib/otel"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// A worker whose metrics Prometheus scrapes at :9090/metrics.
func Example() {
	ctx := context.Background()
	prom, err := temporalotel.NewPrometheus(temporalotel.PrometheusOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer prom.Shutdown(ctx)

	mux := http.NewServeMux()
	mux.Handle("/metrics", prom.HTTPHandler())
	srv := &http.Server{Addr: ":9090", Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { log.Println(srv.ListenAndServe()) }()
	defer srv.Close()

	c, err := client.Dial(ctx, client.Options{HostPort: "localhost:7233", MetricsHandler: prom.Handler()})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// The worker sends its metrics to its client's handler.
	w := worker.New(c, "greetings", worker.Options{})
	if err := w.RegisterWorkflow("Greet", func(ctx workflow.Context, name string) (string, error) {
		return "Hello, " + name, nil
	}); err != nil {
		log.Fatal(err)
	}
	if err := w.Run(ctx); err != nil {
		log.Fatal(err)
	}
}

// The names a scrape shows for the runtime's metrics.
func ExampleNewPrometheus() {
	prom, err := temporalotel.NewPrometheus(temporalotel.PrometheusOptions{
		Tags: map[string]string{temporal.TagNamespace: "default"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer prom.Shutdown(context.Background())

	h := prom.Handler().WithTags(map[string]string{temporal.TagWorkflowType: "Greet"})
	h.Counter(temporal.MetricWorkflowCompleted).Inc(1)
	h.Counter(temporal.MetricStickyCacheForcedEviction).Inc(2)
	h.Gauge(temporal.MetricStickyCacheSize).Update(12)
	h.Timer(temporal.MetricWorkflowEndToEndLatency).Record(1200 * time.Millisecond)

	rec := httptest.NewRecorder()
	prom.HTTPHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for line := range strings.Lines(rec.Body.String()) {
		if strings.HasPrefix(line, "# TYPE") || !strings.HasPrefix(line, "#") && !strings.Contains(line, "_bucket") {
			fmt.Print(line)
		}
	}
	// Output:
	// # TYPE temporal_sticky_cache_size gauge
	// temporal_sticky_cache_size{namespace="default",workflow_type="Greet"} 12
	// # TYPE temporal_sticky_cache_total_forced_eviction_total counter
	// temporal_sticky_cache_total_forced_eviction_total{namespace="default",workflow_type="Greet"} 2
	// # TYPE temporal_workflow_completed_total counter
	// temporal_workflow_completed_total{namespace="default",workflow_type="Greet"} 1
	// # TYPE temporal_workflow_endtoend_latency_seconds histogram
	// temporal_workflow_endtoend_latency_seconds_sum{namespace="default",workflow_type="Greet"} 1.2
	// temporal_workflow_endtoend_latency_seconds_count{namespace="default",workflow_type="Greet"} 1
}

// Recording into a MeterProvider of your own; here a ManualReader reads it
// back.
func ExampleNewMetricsHandler() {
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer provider.Shutdown(context.Background())

	h := temporalotel.NewMetricsHandler(temporalotel.MetricsOptions{
		Meter: provider.Meter(temporalotel.MeterName),
		Tags:  map[string]string{temporal.TagNamespace: "default"},
	})
	h.WithTags(map[string]string{temporal.TagActivityType: "Hello"}).
		Timer(temporal.MetricActivityExecutionLatency).Record(30 * time.Millisecond)

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		log.Fatal(err)
	}
	m := rm.ScopeMetrics[0].Metrics[0]
	dp := m.Data.(metricdata.Histogram[float64]).DataPoints[0]
	fmt.Println(m.Name, m.Unit, dp.Count, dp.Sum, dp.Attributes.Len())
	// Output:
	// temporal_activity_execution_latency s 1 0.03 2
}
