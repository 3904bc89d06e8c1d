package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"time"

	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// LocalLatencyResult is the unloaded start→result latency of one
// implementation: workflows run one at a time, started from the worker's
// own process with eager start.
type LocalLatencyResult struct {
	N        int
	P50, P99 time.Duration
}

// localLatency runs the unloaded latency measurement for ours and sdk-go,
// each in a benchworker of its own (-mode local-latency), on a dev server
// of its own with eager activities on (both SDKs ask for them), so that
// the measurement goes past the lazy protocol's task queue hops.
func (h *harness) localLatency(ctx context.Context) error {
	srv, err := devserver.Start(devserver.Options{
		Binary: h.cfg.TemporalCLI,
		DynamicConfig: map[string]string{
			"system.enableActivityEagerExecution":  "true",
			"matching.numTaskqueueReadPartitions":  "1",
			"matching.numTaskqueueWritePartitions": "1",
		},
	})
	if err != nil {
		return err
	}
	defer func() { _ = srv.Stop() }()
	h.rep.LocalLatency = map[string]*LocalLatencyResult{}
	for _, impl := range []string{shape.Ours, shape.SDK} {
		tq := fmt.Sprintf("local-%s-%s", impl, newID()[:8])
		cmd := exec.CommandContext(ctx, h.cfg.WorkerBin, "-mode", "local-latency", "-impl", impl,
			"-addr", srv.Address(), "-ns", srv.Namespace(), "-tq", tq, "-reps", fmt.Sprint(h.cfg.LocalLatencyOps))
		cmd.Stderr = &prefixWriter{prefix: "[" + impl + " local] ", w: h.log}
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("%s local latency: %w", impl, err)
		}
		var r shape.LocalLatency
		if err := json.Unmarshal(out, &r); err != nil {
			return fmt.Errorf("%s local latency: %q: %w", impl, out, err)
		}
		if r.Error != "" {
			return fmt.Errorf("%s local latency: %s", impl, r.Error)
		}
		ds := make([]time.Duration, len(r.Millis))
		for i, m := range r.Millis {
			ds[i] = time.Duration(m * float64(time.Millisecond))
		}
		res := &LocalLatencyResult{N: len(ds), P50: percentile(ds, 0.50), P99: percentile(ds, 0.99)}
		h.rep.LocalLatency[impl] = res
		fmt.Fprintf(h.log, "bench: local latency %-4s p50 %v p99 %v (%d workflows)\n", impl, res.P50.Round(time.Microsecond), res.P99.Round(time.Microsecond), res.N)
	}
	return nil
}
