package orchestration_test

import (
	"sync"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// countingHandler is a temporal.MetricsHandler that counts what it
// receives per metric name.
type countingHandler struct {
	mu      *sync.Mutex
	tags    map[string]string
	counts  map[string]int64 // counter name → sum of deltas
	updates map[string]int   // gauge or timer name → number of records
	tagged  map[string]map[string]string
}

func newCountingHandler() *countingHandler {
	return &countingHandler{mu: &sync.Mutex{}, counts: map[string]int64{}, updates: map[string]int{}, tagged: map[string]map[string]string{}}
}

func (h *countingHandler) WithTags(tags map[string]string) temporal.MetricsHandler {
	merged := map[string]string{}
	for k, v := range h.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[k] = v
	}
	c := *h
	c.tags = merged
	return &c
}

func (h *countingHandler) Counter(name string) temporal.MetricsCounter {
	return counterFunc(func(d int64) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.counts[name] += d
		h.tagged[name] = h.tags
	})
}

func (h *countingHandler) Gauge(name string) temporal.MetricsGauge {
	return gaugeFunc(func(float64) { h.record(name) })
}

func (h *countingHandler) Timer(name string) temporal.MetricsTimer {
	return timerFunc(func(time.Duration) { h.record(name) })
}

func (h *countingHandler) record(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.updates[name]++
	h.tagged[name] = h.tags
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }

// TestMetricMeterSilentOnReplay counts what workflow code records through
// MetricMeter across three workflow tasks: each call counts once, also
// when every task replays the earlier ones (no cache).
func TestMetricMeterSilentOnReplay(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		mh := newCountingHandler()
		e.workerOn(e.tq, worker.Options{MetricsHandler: mh}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Metered", func(ctx workflow.Context) (string, error) {
				m := workflow.MetricMeter(ctx).WithTags(map[string]string{"step": "all"})
				m.Counter("orch_steps").Inc(1)
				m.Gauge("orch_gauge").Update(1.5)
				if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
					return "", err
				}
				m.Counter("orch_steps").Inc(2)
				if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
					return "", err
				}
				m.Counter("orch_steps").Inc(3)
				m.Timer("orch_timer").Record(time.Second)
				return "done", nil
			}))
		})
		h := e.start("Metered")
		testenv.Result[string](t, h)
		mh.mu.Lock()
		defer mh.mu.Unlock()
		if got := mh.counts["orch_steps"]; got != 6 {
			t.Errorf("orch_steps = %d, want 6 (1+2+3, nothing on replay)", got)
		}
		if g, tm := mh.updates["orch_gauge"], mh.updates["orch_timer"]; g != 1 || tm != 1 {
			t.Errorf("gauge updated %d times, timer recorded %d times; want 1 and 1", g, tm)
		}
		tags := mh.tagged["orch_steps"]
		if tags["workflow_type"] != "Metered" || tags["task_queue"] != e.tq || tags["step"] != "all" {
			t.Errorf("tags %v", tags)
		}
	})
}
