package temporal

import "time"

// MetricsHandler is where the runtime and workflow code send metrics;
// adapt it to Prometheus, OpenTelemetry or anything else. The zero
// configuration uses NopMetricsHandler.
type MetricsHandler interface {
	// WithTags returns a handler that adds tags to every metric.
	WithTags(tags map[string]string) MetricsHandler
	Counter(name string) MetricsCounter
	Gauge(name string) MetricsGauge
	Timer(name string) MetricsTimer
}

// MetricsCounter counts.
type MetricsCounter interface{ Inc(delta int64) }

// MetricsGauge holds the latest value.
type MetricsGauge interface{ Update(v float64) }

// MetricsTimer records durations.
type MetricsTimer interface{ Record(d time.Duration) }

// NopMetricsHandler drops every metric.
type NopMetricsHandler struct{}

// WithTags returns the handler itself.
func (NopMetricsHandler) WithTags(map[string]string) MetricsHandler { return NopMetricsHandler{} }

// Counter returns a counter that does nothing.
func (NopMetricsHandler) Counter(string) MetricsCounter { return nop{} }

// Gauge returns a gauge that does nothing.
func (NopMetricsHandler) Gauge(string) MetricsGauge { return nop{} }

// Timer returns a timer that does nothing.
func (NopMetricsHandler) Timer(string) MetricsTimer { return nop{} }

type nop struct{}

func (nop) Inc(int64)            {}
func (nop) Update(float64)       {}
func (nop) Record(time.Duration) {}

// MetricOptions describe a metric to handlers that keep metadata (see
// MetricsMeter); others ignore them.
type MetricOptions struct {
	Description string
	// Unit is the metric's unit in UCUM form: "s", "ms", "By", "{order}".
	Unit string
}

// MetricsHistogram records the distribution of a value.
type MetricsHistogram interface{ Record(v float64) }

// MetricsMeter is a MetricsHandler that also takes descriptions and units
// and makes histograms of plain values (the Python SDK's MetricMeter:
// create_counter, create_gauge, create_histogram with description and
// unit). contrib/otel's handler and metricstest's implement it; AsMeter
// adapts any other handler.
type MetricsMeter interface {
	MetricsHandler
	CounterWith(name string, o MetricOptions) MetricsCounter
	GaugeWith(name string, o MetricOptions) MetricsGauge
	TimerWith(name string, o MetricOptions) MetricsTimer
	Histogram(name string, o MetricOptions) MetricsHistogram
}

// AsMeter returns h as a MetricsMeter: h itself when it is one, else a
// wrapper whose ...With methods drop the options and whose histograms
// record nothing (a plain handler has none). A nil h is a
// NopMetricsHandler.
func AsMeter(h MetricsHandler) MetricsMeter {
	switch m := h.(type) {
	case nil:
		return NopMetricsHandler{}
	case MetricsMeter:
		return m
	}
	return plainMeter{h}
}

type plainMeter struct{ MetricsHandler }

func (p plainMeter) CounterWith(name string, _ MetricOptions) MetricsCounter { return p.Counter(name) }
func (p plainMeter) GaugeWith(name string, _ MetricOptions) MetricsGauge     { return p.Gauge(name) }
func (p plainMeter) TimerWith(name string, _ MetricOptions) MetricsTimer     { return p.Timer(name) }
func (plainMeter) Histogram(string, MetricOptions) MetricsHistogram          { return nopHistogram{} }

// CounterWith returns a counter that does nothing.
func (NopMetricsHandler) CounterWith(string, MetricOptions) MetricsCounter { return nop{} }

// GaugeWith returns a gauge that does nothing.
func (NopMetricsHandler) GaugeWith(string, MetricOptions) MetricsGauge { return nop{} }

// TimerWith returns a timer that does nothing.
func (NopMetricsHandler) TimerWith(string, MetricOptions) MetricsTimer { return nop{} }

// Histogram returns a histogram that does nothing.
func (NopMetricsHandler) Histogram(string, MetricOptions) MetricsHistogram { return nopHistogram{} }

type nopHistogram struct{}

func (nopHistogram) Record(float64) {}
