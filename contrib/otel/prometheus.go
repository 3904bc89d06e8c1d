package temporalotel

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/otlptranslator"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// PrometheusOptions configures NewPrometheus. The zero value is usable.
type PrometheusOptions struct {
	// Registry is where the metrics are registered and what HTTPHandler
	// serves. Nil means a new registry of the Prometheus value's own
	// (never prometheus.DefaultRegisterer).
	Registry *prometheus.Registry
	// Tags are added to every metric, as MetricsOptions.Tags.
	Tags map[string]string
	// Buckets are the timers' histogram bucket boundaries in seconds, as
	// MetricsOptions.Buckets. Nil means DefaultBuckets().
	Buckets []float64
	// ErrorHandler is told of instruments that could not be created and
	// of failed scrapes, as MetricsOptions.ErrorHandler. Nil means
	// otel.Handle.
	ErrorHandler func(error)
}

// Prometheus exposes the runtime's metrics for a Prometheus scrape: an
// OpenTelemetry MeterProvider of its own whose only reader is the
// OpenTelemetry Prometheus exporter, registered on one
// prometheus.Registry. Names are translated as sdk-go's Prometheus setup
// translates them (see the package documentation).
type Prometheus struct {
	provider *metric.MeterProvider
	registry *prometheus.Registry
	handler  temporal.MetricsHandler
	http     http.Handler
}

// NewPrometheus builds the exporter, its MeterProvider and a
// MetricsHandler on it. Call Shutdown when done.
func NewPrometheus(opts PrometheusOptions) (*Prometheus, error) {
	reg := opts.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	exp, err := otelprom.New(
		otelprom.WithRegisterer(reg),
		// Names get their suffixes from promView, so that they come out as
		// sdk-go's; the exporter only escapes them to Prometheus' legacy
		// character set.
		otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithoutSuffixes),
		otelprom.WithoutTargetInfo(),
		otelprom.WithoutScopeInfo(),
	)
	if err != nil {
		return nil, fmt.Errorf("temporalotel: prometheus exporter: %w", err)
	}
	provider := metric.NewMeterProvider(
		metric.WithReader(exp),
		metric.WithView(promView),
		metric.WithResource(resource.Empty()),
	)
	var errLog promhttp.Logger
	if opts.ErrorHandler != nil {
		errLog = errorLogger(opts.ErrorHandler)
	}
	return &Prometheus{
		provider: provider,
		registry: reg,
		handler: NewMetricsHandler(MetricsOptions{
			Meter:        provider.Meter(MeterName),
			Tags:         opts.Tags,
			Buckets:      opts.Buckets,
			ErrorHandler: opts.ErrorHandler,
		}),
		http: promhttp.HandlerFor(reg, promhttp.HandlerOpts{
			ErrorLog:      errLog,
			ErrorHandling: promhttp.ContinueOnError,
		}),
	}, nil
}

// Handler returns the MetricsHandler to give the client
// (client.Options.MetricsHandler) or worker.
func (p *Prometheus) Handler() temporal.MetricsHandler { return p.handler }

// HTTPHandler returns the handler that serves the registry in the
// Prometheus exposition format, typically mounted at /metrics.
func (p *Prometheus) HTTPHandler() http.Handler { return p.http }

// Registry returns the registry the metrics are on, e.g. to register
// collectors.NewGoCollector beside them.
func (p *Prometheus) Registry() *prometheus.Registry { return p.registry }

// Shutdown stops the MeterProvider: later scrapes no longer report the
// runtime's metrics and later measurements are dropped.
func (p *Prometheus) Shutdown(ctx context.Context) error { return p.provider.Shutdown(ctx) }

// promName returns the name a scrape shows for the runtime's metric name
// of the given kind ("counter", "gauge" or "timer"): promView's suffix,
// then the exporter's escaping.
func promName(kind, name string) string {
	switch kind {
	case "counter":
		name = withSuffix(name, "_total")
	case "timer":
		name = withSuffix(name, "_seconds")
	}
	return escapeName(name)
}

func withSuffix(name, suffix string) string {
	if strings.HasSuffix(name, suffix) {
		return name
	}
	return name + suffix
}

// escapeName does what the exporter's UnderscoreEscapingWithoutSuffixes
// does to a name: each run of characters outside [a-zA-Z0-9_:] becomes
// one "_", and a leading digit gets a "_" before it.
func escapeName(name string) string {
	valid := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ':' || r == '_'
	}
	name = strings.Join(strings.FieldsFunc(name, func(r rune) bool { return !valid(r) }), "_")
	if name != "" && name[0] >= '0' && name[0] <= '9' {
		name = "_" + name
	}
	return name
}

// promView renames counters and second histograms as sdk-go's Prometheus
// naming does; the rest keep their names.
func promView(inst metric.Instrument) (metric.Stream, bool) {
	s := metric.Stream{Name: inst.Name, Description: inst.Description, Unit: inst.Unit}
	switch {
	case inst.Kind == metric.InstrumentKindCounter:
		s.Name = withSuffix(inst.Name, "_total")
	case inst.Kind == metric.InstrumentKindHistogram && inst.Unit == "s":
		s.Name = withSuffix(inst.Name, "_seconds")
	}
	return s, true
}

// errorLogger adapts an ErrorHandler to promhttp's Logger.
type errorLogger func(error)

func (f errorLogger) Println(v ...any) { f(fmt.Errorf("temporalotel: scrape: %s", fmt.Sprint(v...))) }
