package worker_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/temporal/metricstest"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestSDKMetrics runs a small workload on a worker whose client has a
// metrics handler (the worker takes it by default) and checks the SDK
// metrics it reported: counts of closes and activity executions, one
// failed workflow task, request counts by operation, cache hits with the
// cache and replays without it.
func TestSDKMetrics(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		h := metricstest.New()
		e.c = testenv.Dial(t, srv, client.Options{Logger: e.log, MetricsHandler: h})
		var flaky atomic.Int32
		// Every task is polled: the poll counts below rely on it.
		w := e.worker(worker.Options{CacheSize: cacheSize, DisableEagerWorkflowStart: true, DisableEagerActivities: true}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Metered", func(ctx workflow.Context) error {
				if _, err := workflow.ExecuteActivity[struct{}](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Act").Get(ctx); err != nil {
					return err
				}
				if _, err := workflow.ExecuteLocalActivity[struct{}](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Act").Get(ctx); err != nil {
					return err
				}
				return workflow.Sleep(ctx, time.Millisecond)
			}))
			testenv.Must(t, w.RegisterWorkflow("Failing", func(ctx workflow.Context) error {
				opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}}
				_, err := workflow.ExecuteActivity[struct{}](ctx, opts, "Fail").Get(ctx)
				return err
			}))
			testenv.Must(t, w.RegisterWorkflow("Flaky", func(ctx workflow.Context) error {
				if flaky.Add(1) == 1 {
					panic("first task fails")
				}
				return nil
			}))
			testenv.Must(t, w.RegisterActivity("Act", func(context.Context) error { return nil }))
			testenv.Must(t, w.RegisterActivity("Fail", func(context.Context) error { return errors.New("no") }))
		})
		const n = 3
		for range n {
			testenv.Must(t, e.start("Metered").Get(testenv.Context(t), nil))
		}
		if err := e.start("Failing").Get(testenv.Context(t), nil); err == nil {
			t.Fatal("Failing succeeded")
		}
		testenv.Must(t, e.start("Flaky").Get(testenv.Context(t), nil))
		w.Stop() // its last tasks' metrics are in once it returns

		tq := map[string]string{temporal.TagNamespace: "default", temporal.TagTaskQueue: e.tq}
		with := func(kv ...string) map[string]string {
			m := map[string]string{temporal.TagNamespace: "default", temporal.TagTaskQueue: e.tq}
			for i := 0; i < len(kv); i += 2 {
				m[kv[i]] = kv[i+1]
			}
			return m
		}
		exact := []struct {
			name string
			tags map[string]string
			want int64
		}{
			{temporal.MetricWorkflowCompleted, with(temporal.TagWorkflowType, "Metered"), n},
			{temporal.MetricWorkflowEndToEndLatency, with(temporal.TagWorkflowType, "Metered"), n},
			{temporal.MetricWorkflowFailed, with(temporal.TagWorkflowType, "Failing"), 1},
			{temporal.MetricWorkflowCompleted, with(temporal.TagWorkflowType, "Flaky"), 1},
			{temporal.MetricWorkflowTaskExecutionFailed, with(temporal.TagWorkflowType, "Flaky", temporal.TagFailureReason, "WorkflowError"), 1},
			{temporal.MetricActivityExecutionLatency, with(temporal.TagActivityType, "Act", temporal.TagWorkflowType, "Metered"), n},
			{temporal.MetricActivitySucceedEndToEndLatency, with(temporal.TagActivityType, "Act"), n},
			{temporal.MetricActivityScheduleToStartLatency, with(temporal.TagActivityType, "Act"), n},
			{temporal.MetricActivityExecutionFailed, with(temporal.TagActivityType, "Fail"), 1},
			{temporal.MetricLocalActivityTotal, with(temporal.TagActivityType, "Act", temporal.TagWorkerType, temporal.WorkerTypeLocalActivity), n},
			{temporal.MetricLocalActivityExecutionLatency, with(temporal.TagActivityType, "Act"), n},
			{temporal.MetricLocalActivitySucceedEndToEndLatency, with(temporal.TagActivityType, "Act"), n},
			{temporal.MetricWorkerStart, with(temporal.TagWorkerType, temporal.WorkerTypeWorkflow), 1},
			{temporal.MetricWorkerStart, with(temporal.TagWorkerType, temporal.WorkerTypeActivity), 1},
			{temporal.MetricRequest, map[string]string{temporal.TagNamespace: "default", temporal.TagOperation: "StartWorkflowExecution"}, n + 2},
			{temporal.MetricRequestLatency, map[string]string{temporal.TagOperation: "StartWorkflowExecution"}, n + 2},
		}
		for _, c := range exact {
			if got := h.Count(c.name, c.tags); got != c.want {
				t.Errorf("%s%v = %d, want %d", c.name, c.tags, got, c.want)
			}
		}
		atLeast := []struct {
			name string
			tags map[string]string
			min  int64
		}{
			{temporal.MetricWorkflowTaskExecutionLatency, with(temporal.TagWorkflowType, "Metered"), 2 * n},
			{temporal.MetricWorkflowTaskScheduleToStart, with(temporal.TagWorkflowType, "Metered"), 2 * n},
			{temporal.MetricWorkflowTaskQueuePollSucceed, tq, 3*n + 3},
			{temporal.MetricRequest, map[string]string{temporal.TagOperation: "RespondWorkflowTaskCompleted"}, 3*n + 3},
			{temporal.MetricLongRequest, map[string]string{temporal.TagOperation: "PollWorkflowTaskQueue"}, 3*n + 3},
			{temporal.MetricLongRequest, map[string]string{temporal.TagOperation: "PollActivityTaskQueue"}, n + 1},
		}
		for _, c := range atLeast {
			if got := h.Count(c.name, c.tags); got < c.min {
				t.Errorf("%s%v = %d, want at least %d", c.name, c.tags, got, c.min)
			}
		}
		for _, g := range []struct{ name, workerType string }{
			{temporal.MetricWorkerSlotsAvailable, temporal.WorkerTypeWorkflow},
			{temporal.MetricWorkerSlotsUsed, temporal.WorkerTypeActivity},
			{temporal.MetricNumPollers, temporal.WorkerTypeWorkflow},
			{temporal.MetricNumPollers, temporal.WorkerTypeActivity},
		} {
			if _, ok := h.GaugeValue(g.name, with(temporal.TagWorkerType, g.workerType)); !ok {
				t.Errorf("no gauge %s for %s", g.name, g.workerType)
			}
		}
		hits := h.Count(temporal.MetricStickyCacheHit, tq)
		replays := h.Count(temporal.MetricWorkflowTaskReplayLatency, with(temporal.TagWorkflowType, "Metered"))
		if cacheSize > 0 && hits < 2*n {
			t.Errorf("sticky cache hits = %d, want at least %d", hits, 2*n)
		}
		if cacheSize == 0 && (hits != 0 || replays < n) {
			t.Errorf("without a cache: %d cache hits (want 0) and %d replays (want at least %d)", hits, replays, n)
		}
	})
}

// TestWorkflowMetricMeter: workflow code records a described counter and
// a histogram through workflow.MetricMeter; each value is recorded once
// per execution, with the cache and without it (where every task
// replays), with the workflow's tags and the metric's metadata.
func TestWorkflowMetricMeter(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		h := metricstest.New()
		e.worker(worker.Options{CacheSize: cacheSize, MetricsHandler: h}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Orders", func(ctx workflow.Context) error {
				m := workflow.MetricMeter(ctx)
				for _, size := range []float64{2, 5} {
					m.CounterWith("orders", temporal.MetricOptions{Description: "orders placed", Unit: "{order}"}).Inc(1)
					m.Histogram("order_size", temporal.MetricOptions{Unit: "{item}"}).Record(size)
					if err := workflow.Sleep(ctx, time.Millisecond); err != nil { // a task each
						return err
					}
				}
				return nil
			}))
		})
		testenv.Must(t, e.start("Orders").Get(testenv.Context(t), nil))
		tags := map[string]string{temporal.TagWorkflowType: "Orders", temporal.TagTaskQueue: e.tq}
		orders := h.Series("orders", tags)
		if len(orders) != 1 || orders[0].Count != 2 || orders[0].Description != "orders placed" || orders[0].Unit != "{order}" {
			t.Errorf("orders: %+v, want one series counting 2 with its description and unit", orders)
		}
		sizes := h.Series("order_size", tags)
		if len(sizes) != 1 || sizes[0].Kind != "histogram" || !slices.Equal(sizes[0].Values, []float64{2, 5}) {
			t.Errorf("order_size: %+v, want the values 2 and 5 once each", sizes)
		}
	})
}
