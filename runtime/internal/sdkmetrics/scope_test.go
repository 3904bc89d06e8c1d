package sdkmetrics_test

import (
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/runtime/internal/sdkmetrics"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/temporal/metricstest"
)

func TestNoHandlerIsNil(t *testing.T) {
	for _, h := range []temporal.MetricsHandler{nil, temporal.NopMetricsHandler{}, &temporal.NopMetricsHandler{}} {
		s := sdkmetrics.New(h, map[string]string{"a": "b"})
		if s != nil {
			t.Errorf("New(%T) = %v, want nil", h, s)
		}
		// Every method is a no-op on nil.
		s.With("k", "v").Inc("x")
		s.Add("x", 2)
		s.Record("x", time.Second)
		s.Since("x", time.Now())
		s.Gauge("x", 1)
		s.Slots(1, 2)
		if s.Handler() != nil {
			t.Error("nil scope has a handler")
		}
	}
}

func TestScope(t *testing.T) {
	h := metricstest.New()
	s := sdkmetrics.New(h, map[string]string{"namespace": "ns"})
	if s.With("workflow_type", "A") != s.With("workflow_type", "A") {
		t.Error("With does not cache its child scopes")
	}
	s.With("workflow_type", "A").Inc("done")
	s.With("workflow_type", "A").Add("done", 2)
	s.With("workflow_type", "B").Record("took", time.Second)
	s.Slots(3, 10)
	if n := h.Count("done", map[string]string{"namespace": "ns", "workflow_type": "A"}); n != 3 {
		t.Errorf("done = %d, want 3", n)
	}
	if n := h.Count("took", map[string]string{"workflow_type": "B"}); n != 1 {
		t.Errorf("took records = %d, want 1", n)
	}
	used, _ := h.GaugeValue(temporal.MetricWorkerSlotsUsed, nil)
	free, _ := h.GaugeValue(temporal.MetricWorkerSlotsAvailable, nil)
	if used != 3 || free != 7 {
		t.Errorf("slots used %v available %v, want 3 and 7", used, free)
	}
}
