package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

// The workflows of package shape written against our runtime.

var oursActivityOptions = workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}

func oursThroughput(ctx workflow.Context) error {
	_, err := workflow.ExecuteActivity[struct{}](ctx, oursActivityOptions, shape.Noop).Get(ctx)
	return err
}

func oursPark(ctx workflow.Context) error {
	if !workflow.IsReplaying(ctx) {
		started.Add(1)
	}
	woken := false
	if err := workflow.SetSignalHandler(ctx, shape.SigWake, func(workflow.Context, converter.Values) error {
		woken = true
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return woken })
}

func oursLatency(ctx workflow.Context) (int, error) {
	count, done := 0, false
	if err := workflow.SetSignalHandler(ctx, shape.SigInc, func(workflow.Context, converter.Values) error {
		count++
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetSignalHandler(ctx, shape.SigDone, func(workflow.Context, converter.Values) error {
		done = true
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetQueryHandler(ctx, shape.QryCount, func(workflow.Context, converter.Values) (any, error) {
		return count, nil
	}, workflow.QueryOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetUpdateHandler(ctx, shape.UpdAdd, func(workflow.Context, converter.Values) (any, error) {
		count++
		return count, nil
	}, workflow.UpdateOptions{}); err != nil {
		return 0, err
	}
	err := workflow.Await(ctx, func() bool { return done })
	return count, err
}

func oursRecSignals(ctx workflow.Context, n int) (int, error) {
	count := 0
	if err := workflow.SetSignalHandler(ctx, shape.SigS, func(workflow.Context, converter.Values) error {
		count++
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return 0, err
	}
	err := workflow.Await(ctx, func() bool { return count >= n })
	return count, err
}

func oursRecTimers(ctx workflow.Context, batches int) error {
	fs := make([]workflow.Future[struct{}], shape.TimerBatch)
	for range batches {
		for i := range fs {
			fs[i] = workflow.NewTimer(ctx, time.Millisecond)
		}
		for _, f := range fs {
			if _, err := f.Get(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

func oursRecActivities(ctx workflow.Context, batches int) error {
	fs := make([]workflow.Future[struct{}], shape.ActivityBatch)
	for range batches {
		for i := range fs {
			fs[i] = workflow.ExecuteActivity[struct{}](ctx, oursActivityOptions, shape.Noop)
		}
		for _, f := range fs {
			if _, err := f.Get(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

func oursNoop(context.Context) error { return nil }

// oursWorkflows is shared by the worker and the replayer. Workflows are
// registered reflection-free, the way temporalgen's generated code
// registers them (decode the input, call, encode the result).
var oursWorkflows = map[string]worker.WorkflowFunc{
	shape.Throughput:    raw0(oursThroughput),
	shape.Park:          raw0(oursPark),
	shape.Latency:       raw0R(oursLatency),
	shape.RecSignals:    raw1R(oursRecSignals),
	shape.RecTimers:     raw1(oursRecTimers),
	shape.RecActivities: raw1(oursRecActivities),
}

func raw0(fn func(workflow.Context) error) worker.WorkflowFunc {
	return func(ctx workflow.Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) { return nil, fn(ctx) }
}

func raw0R[R any](fn func(workflow.Context) (R, error)) worker.WorkflowFunc {
	return func(ctx workflow.Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
		r, err := fn(ctx)
		if err != nil {
			return nil, err
		}
		return workflow.PayloadConverter(ctx).ToPayloads(r)
	}
}

func raw1[A any](fn func(workflow.Context, A) error) worker.WorkflowFunc {
	return func(ctx workflow.Context, in *commonpb.Payloads) (*commonpb.Payloads, error) {
		var a A
		if err := converter.NewValues(in, workflow.PayloadConverter(ctx)).Get(0, &a); err != nil {
			return nil, err
		}
		return nil, fn(ctx, a)
	}
}

func raw1R[A, R any](fn func(workflow.Context, A) (R, error)) worker.WorkflowFunc {
	return func(ctx workflow.Context, in *commonpb.Payloads) (*commonpb.Payloads, error) {
		var a A
		if err := converter.NewValues(in, workflow.PayloadConverter(ctx)).Get(0, &a); err != nil {
			return nil, err
		}
		r, err := fn(ctx, a)
		if err != nil {
			return nil, err
		}
		return workflow.PayloadConverter(ctx).ToPayloads(r)
	}
}

// OursOptions are the worker options the benchmark uses: the default
// cache, and pollers and concurrency equal to go.temporal.io/sdk's
// defaults (2 workflow and 2 activity pollers, 1000 concurrent workflow
// tasks and activities).
var OursOptions = worker.Options{
	CacheSize:                  worker.DefaultCacheSize,
	WorkflowPollers:            2,
	ActivityPollers:            2,
	MaxConcurrentWorkflowTasks: 1000,
	MaxConcurrentActivities:    1000,
}

type oursWorker struct {
	c   *client.Client
	w   *worker.Worker
	obs *observability // nil without -observe
}

func (o *oursWorker) Stop() {
	o.w.Stop()
	o.c.Close()
	if o.obs != nil {
		o.obs.shutdown()
	}
}

func startOurs(cfg config) (runner, error) {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	copts := client.Options{HostPort: cfg.addr, Namespace: cfg.namespace, Logger: logger}
	opts := OursOptions
	opts.Logger = logger
	var obs *observability
	if cfg.observe {
		o, err := observeOurs(&copts, &opts)
		if err != nil {
			return nil, err
		}
		obs = &o
	}
	c, err := client.Dial(ctx, copts)
	if err != nil {
		return nil, err
	}
	w := worker.New(c, cfg.taskQueue, opts)
	for name, fn := range oursWorkflows {
		if err := w.RegisterWorkflowFunc(name, fn); err != nil {
			return nil, err
		}
	}
	// Reflection-free too, as generated code registers activities.
	noop := func(ctx context.Context, _ converter.DataConverter, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
		return nil, oursNoop(ctx)
	}
	if err := w.RegisterActivityFunc(shape.Noop, noop); err != nil {
		return nil, err
	}
	if err := w.Start(); err != nil {
		return nil, err
	}
	return &oursWorker{c: c, w: w, obs: obs}, nil
}
