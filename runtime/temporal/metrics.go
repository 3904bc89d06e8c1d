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
