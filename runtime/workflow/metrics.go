package workflow

import (
	"time"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// MetricMeter returns the worker's metrics handler, tagged with the
// workflow's type and task queue, that records nothing while the workflow
// replays: each value is counted once per execution, not once per replay.
// It is a temporal.MetricsMeter: counters, gauges and timers with a
// description and unit, and histograms, which reach handlers that keep
// them (contrib/otel's); a plain handler gets the metrics without their
// metadata and no histograms.
func MetricMeter(ctx Context) temporal.MetricsMeter {
	c := impl(ctx)
	if ch := chainOf(c); ch != nil {
		return temporal.AsMeter(ch.out.MetricMeter(ctx))
	}
	return metricMeter(c)
}

func metricMeter(c *engine.Context) temporal.MetricsMeter {
	r := c.Run()
	in := r.Info()
	return replaySafe{run: r, h: temporal.AsMeter(r.Metrics().WithTags(map[string]string{
		"workflow_type": in.WorkflowType, "task_queue": in.TaskQueue, "namespace": in.Namespace,
	}))}
}

type replaySafe struct {
	run *engine.Run
	h   temporal.MetricsMeter
}

func (m replaySafe) WithTags(tags map[string]string) temporal.MetricsHandler {
	return replaySafe{run: m.run, h: temporal.AsMeter(m.h.WithTags(tags))}
}

func (m replaySafe) CounterWith(name string, o temporal.MetricOptions) temporal.MetricsCounter {
	return replayCounter{m.run, m.h.CounterWith(name, o)}
}

func (m replaySafe) GaugeWith(name string, o temporal.MetricOptions) temporal.MetricsGauge {
	return replayGauge{m.run, m.h.GaugeWith(name, o)}
}

func (m replaySafe) TimerWith(name string, o temporal.MetricOptions) temporal.MetricsTimer {
	return replayTimer{m.run, m.h.TimerWith(name, o)}
}

func (m replaySafe) Histogram(name string, o temporal.MetricOptions) temporal.MetricsHistogram {
	return replayHistogram{m.run, m.h.Histogram(name, o)}
}

type replayHistogram struct {
	run *engine.Run
	h   temporal.MetricsHistogram
}

func (h replayHistogram) Record(v float64) {
	if !h.run.Replaying() {
		h.h.Record(v)
	}
}

func (m replaySafe) Counter(name string) temporal.MetricsCounter {
	return replayCounter{m.run, m.h.Counter(name)}
}

func (m replaySafe) Gauge(name string) temporal.MetricsGauge {
	return replayGauge{m.run, m.h.Gauge(name)}
}

func (m replaySafe) Timer(name string) temporal.MetricsTimer {
	return replayTimer{m.run, m.h.Timer(name)}
}

type replayCounter struct {
	run *engine.Run
	c   temporal.MetricsCounter
}

func (c replayCounter) Inc(d int64) {
	if !c.run.Replaying() {
		c.c.Inc(d)
	}
}

type replayGauge struct {
	run *engine.Run
	g   temporal.MetricsGauge
}

func (g replayGauge) Update(v float64) {
	if !g.run.Replaying() {
		g.g.Update(v)
	}
}

type replayTimer struct {
	run *engine.Run
	t   temporal.MetricsTimer
}

func (t replayTimer) Record(d time.Duration) {
	if !t.run.Replaying() {
		t.t.Record(d)
	}
}

// Instance returns the value registered with SetInstance: for generated
// workflows, the workflow struct (the Python SDK's workflow.instance()).
func Instance(ctx Context) any { return impl(ctx).Run().Instance() }

// SetInstance records the workflow's instance; generated code calls it.
func SetInstance(ctx Context, v any) { impl(ctx).Run().SetInstance(v) }
