package main

import (
	"context"
	"fmt"
	"time"

	sdkclient "go.temporal.io/sdk/client"

	"github.com/temporalgen/temporalgen/runtime/client"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// localWarmup workflows run before the measured ones.
const localWarmup = 20

// localLatency starts impl's worker and then, from the same process and
// client, runs n throughput workflows one at a time (after a warm-up),
// timing each from the start call to its result. Both SDKs start
// eagerly: the first workflow task comes back in the start response.
func localLatency(impl string, cfg config, n int) shape.LocalLatency {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var run func(id string) error
	var w runner
	switch impl {
	case shape.Ours:
		r, err := startOurs(cfg)
		if err != nil {
			return shape.LocalLatency{Error: err.Error()}
		}
		w = r
		c := r.(*oursWorker).c
		run = func(id string) error {
			h, err := c.StartWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: cfg.taskQueue}, shape.Throughput)
			if err != nil {
				return err
			}
			return h.Get(ctx, nil)
		}
	case shape.SDK:
		r, err := startSDK(cfg)
		if err != nil {
			return shape.LocalLatency{Error: err.Error()}
		}
		w = r
		c := r.(*sdkWorker).c
		run = func(id string) error {
			wr, err := c.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{ID: id, TaskQueue: cfg.taskQueue, EnableEagerStart: true}, shape.Throughput)
			if err != nil {
				return err
			}
			return wr.Get(ctx, nil)
		}
	default:
		return shape.LocalLatency{Error: fmt.Sprintf("no local latency run for %q", impl)}
	}
	defer w.Stop()
	var res shape.LocalLatency
	for i := range localWarmup + n {
		t0 := time.Now()
		if err := run(fmt.Sprintf("%s-local-%d-%d", cfg.taskQueue, time.Now().UnixNano(), i)); err != nil {
			return shape.LocalLatency{Error: err.Error()}
		}
		if i >= localWarmup {
			res.Millis = append(res.Millis, float64(time.Since(t0))/float64(time.Millisecond))
		}
	}
	return res
}
