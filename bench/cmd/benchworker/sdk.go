package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"go.temporal.io/sdk/activity"
	sdkclient "go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// The workflows of package shape written against go.temporal.io/sdk, in
// that SDK's idiom (signal channels instead of handlers).

func sdkActivityCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
}

func sdkThroughput(ctx workflow.Context) error {
	return workflow.ExecuteActivity(sdkActivityCtx(ctx), shape.Noop).Get(ctx, nil)
}

func sdkPark(ctx workflow.Context) error {
	if !workflow.IsReplaying(ctx) {
		started.Add(1)
	}
	workflow.GetSignalChannel(ctx, shape.SigWake).Receive(ctx, nil)
	return nil
}

func sdkLatency(ctx workflow.Context) (int, error) {
	count := 0
	workflow.Go(ctx, func(ctx workflow.Context) {
		ch := workflow.GetSignalChannel(ctx, shape.SigInc)
		for {
			ch.Receive(ctx, nil)
			count++
		}
	})
	if err := workflow.SetQueryHandler(ctx, shape.QryCount, func() (int, error) { return count, nil }); err != nil {
		return 0, err
	}
	if err := workflow.SetUpdateHandler(ctx, shape.UpdAdd, func(ctx workflow.Context) (int, error) {
		count++
		return count, nil
	}); err != nil {
		return 0, err
	}
	workflow.GetSignalChannel(ctx, shape.SigDone).Receive(ctx, nil)
	return count, nil
}

func sdkRecSignals(ctx workflow.Context, n int) (int, error) {
	ch := workflow.GetSignalChannel(ctx, shape.SigS)
	count := 0
	for count < n {
		ch.Receive(ctx, nil)
		count++
	}
	return count, nil
}

func sdkRecTimers(ctx workflow.Context, batches int) error {
	fs := make([]workflow.Future, shape.TimerBatch)
	for range batches {
		for i := range fs {
			fs[i] = workflow.NewTimer(ctx, time.Millisecond)
		}
		for _, f := range fs {
			if err := f.Get(ctx, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func sdkRecActivities(ctx workflow.Context, batches int) error {
	actx := sdkActivityCtx(ctx)
	fs := make([]workflow.Future, shape.ActivityBatch)
	for range batches {
		for i := range fs {
			fs[i] = workflow.ExecuteActivity(actx, shape.Noop)
		}
		for _, f := range fs {
			if err := f.Get(ctx, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func sdkNoop(context.Context) error { return nil }

var sdkWorkflows = map[string]any{
	shape.Throughput:    sdkThroughput,
	shape.Park:          sdkPark,
	shape.Latency:       sdkLatency,
	shape.RecSignals:    sdkRecSignals,
	shape.RecTimers:     sdkRecTimers,
	shape.RecActivities: sdkRecActivities,
}

func sdkLogger(level slog.Level) sdklog.Logger {
	return sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
}

type sdkWorker struct {
	c   sdkclient.Client
	w   sdkworker.Worker
	obs *observability // nil without -observe
}

func (s *sdkWorker) Stop() {
	s.w.Stop()
	s.c.Close()
	if s.obs != nil {
		s.obs.shutdown()
	}
}

// startSDK runs a go.temporal.io/sdk worker with its default options
// (sticky cache 10000, 2 workflow and 2 activity pollers, 1000 concurrent
// workflow tasks and activities).
func startSDK(cfg config) (runner, error) {
	copts := sdkclient.Options{HostPort: cfg.addr, Namespace: cfg.namespace, Logger: sdkLogger(slog.LevelWarn)}
	var obs *observability
	if cfg.observe {
		o, err := observeSDK(&copts)
		if err != nil {
			return nil, err
		}
		obs = &o
	}
	c, err := sdkclient.Dial(copts)
	if err != nil {
		return nil, err
	}
	w := sdkworker.New(c, cfg.taskQueue, sdkworker.Options{})
	for name, fn := range sdkWorkflows {
		w.RegisterWorkflowWithOptions(fn, workflow.RegisterOptions{Name: name})
	}
	w.RegisterActivityWithOptions(sdkNoop, activity.RegisterOptions{Name: shape.Noop})
	if err := w.Start(); err != nil {
		return nil, err
	}
	return &sdkWorker{c: c, w: w, obs: obs}, nil
}
