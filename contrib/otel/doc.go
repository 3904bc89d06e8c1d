// Package temporalotel exports the metrics of the temporalgen runtime (its
// client, its worker and workflow code's workflow.MetricMeter) through
// OpenTelemetry, and from there to Prometheus, and traces its calls with
// OpenTelemetry (see NewTracer).
//
// It is a module of its own, github.com/temporalgen/temporalgen/contrib/otel,
// so that OpenTelemetry and the Prometheus client stay out of the
// dependencies of programs that do not use them.
//
// # Wiring
//
// The runtime sends every metric to a temporal.MetricsHandler. Give the
// client one in client.Options.MetricsHandler; a worker uses its client's
// unless worker.Options.MetricsHandler names another.
//
// With an OpenTelemetry MeterProvider of your own (an OTLP exporter, say):
//
//	h := temporalotel.NewMetricsHandler(temporalotel.MetricsOptions{
//		Meter: provider.Meter(temporalotel.MeterName),
//	})
//	c, err := client.Dial(ctx, client.Options{MetricsHandler: h})
//
// Without a Meter, NewMetricsHandler uses the global provider's
// (otel.GetMeterProvider), so a provider installed with otel.SetMeterProvider,
// before or after, receives the metrics.
//
// For Prometheus, NewPrometheus builds everything: an OpenTelemetry
// MeterProvider read by OpenTelemetry's Prometheus exporter, a
// prometheus.Registry of its own (not the global one) and the HTTP handler
// that serves it:
//
//	prom, err := temporalotel.NewPrometheus(temporalotel.PrometheusOptions{})
//	if err != nil {
//		return err
//	}
//	defer prom.Shutdown(context.Background())
//	mux := http.NewServeMux()
//	mux.Handle("/metrics", prom.HTTPHandler())
//	go http.ListenAndServe(":9090", mux)
//	c, err := client.Dial(ctx, client.Options{MetricsHandler: prom.Handler()})
//
// Prometheus.Registry returns the registry, to register more collectors
// (the Go runtime's, say) on the same endpoint.
//
// # Instruments
//
// Each runtime metric becomes the OpenTelemetry instrument of the same
// name:
//
//	Counter(name).Inc(n)     Int64Counter, Add(n); a negative n is dropped
//	Gauge(name).Update(v)    Float64Gauge, Record(v)
//	Timer(name).Record(d)    Float64Histogram, unit "s", Record(d.Seconds())
//
// Tags, from MetricsOptions.Tags and WithTags, become string attributes;
// WithTags's tags win over the ones it inherits. Timers advise bucket
// boundaries for latencies, DefaultBuckets (1ms to 60s) unless
// MetricsOptions.Buckets says otherwise; a View on the MeterProvider can
// still change them.
//
// An instrument is created the first time its name is used and then shared
// by every handler derived from the same NewMetricsHandler. Each handler
// also keeps the counters, gauges and timers it has handed out, bound to its
// attribute set, so that recording, h.Counter(name).Inc(1) included,
// allocates nothing; WithTags builds the attribute set once. If the Meter
// returns an error creating an instrument, MetricsOptions.ErrorHandler (by
// default otel.Handle) is told once for that name, and the metric drops its
// values unless the Meter returned an instrument anyway. Nothing panics.
//
// # Names in Prometheus
//
// NewPrometheus names the series as sdk-go does with its Prometheus setup
// (contrib/tally's NewPrometheusNamingScope and PrometheusSanitizeOptions),
// so dashboards and alerts written for sdk-go workers work unchanged:
//
//   - a counter gets "_total", unless its name already ends with it;
//   - a timer's histogram gets "_seconds", unless its name already ends
//     with it, and its series are that name plus "_bucket", "_sum" and
//     "_count";
//   - a gauge keeps its name;
//   - characters outside [a-zA-Z0-9_:] in names and tag names become "_".
//
// For example:
//
//	runtime name                                  kind     scraped name
//	temporal_workflow_completed                   counter  temporal_workflow_completed_total
//	temporal_request_failure                      counter  temporal_request_failure_total
//	temporal_local_activity_total                 counter  temporal_local_activity_total
//	temporal_sticky_cache_total_forced_eviction   counter  temporal_sticky_cache_total_forced_eviction_total
//	temporal_activity_execution_latency           timer    temporal_activity_execution_latency_seconds_bucket, _sum, _count
//	temporal_workflow_endtoend_latency            timer    temporal_workflow_endtoend_latency_seconds_bucket, _sum, _count
//	temporal_sticky_cache_size                    gauge    temporal_sticky_cache_size
//	temporal_worker_task_slots_available          gauge    temporal_worker_task_slots_available
//	my.orders-placed (workflow code)              counter  my_orders_placed_total
//
// and so for every name in runtime/temporal/metric_names.go (and their
// per-attempt forms, temporal_request_attempt and the like): the timers
// are the names with "_latency" in them and get _seconds; the gauges,
// temporal_sticky_cache_size, temporal_num_pollers,
// temporal_worker_task_slots_available, temporal_worker_task_slots_used and
// temporal_workflow_active_thread_count (and the worker's
// temporal_worker_stuck_workflows), stay as they are; the rest are counters
// and get _total.
//
// Two differences from sdk-go remain. Tag values are exported as they are,
// where sdk-go's sanitize options turn every character outside
// [a-zA-Z0-9_] in them into "_" (a task queue "orders-eu" is "orders-eu"
// here, "orders_eu" there). And bucket boundaries are DefaultBuckets, not
// tally's.
//
// To match, NewPrometheus sets the exporter up unlike its defaults: the
// suffixes come from a View of its own (the exporter's own suffixing drops
// a "total" word from inside a counter's name, turning
// temporal_sticky_cache_total_forced_eviction into
// temporal_sticky_cache_forced_eviction_total), and there is neither a
// target_info series nor otel_scope_* labels. Keep that in mind when
// pointing the OpenTelemetry Prometheus exporter at NewMetricsHandler
// yourself.
//
// # Tracing
//
// NewTracer returns a Tracer whose interceptors trace client calls,
// workflow runs and their handlers, the commands workflow code issues,
// activities and Nexus handlers, with the span names and header format
// of Temporal's other SDKs. Its TracerProvider must take span ids from
// IDGenerator (NewTracerProvider builds one that does), so that the
// spans of workflow code keep their ids across replays: every span is
// exported exactly once, and the trace is the same however often a run
// replayed. NewTracer's documentation is the manual.
package temporalotel
