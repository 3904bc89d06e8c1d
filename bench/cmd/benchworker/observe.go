package main

import (
	"context"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	sdkclient "go.temporal.io/sdk/client"
	sdkotel "go.temporal.io/sdk/contrib/opentelemetry"
	sdkinterceptor "go.temporal.io/sdk/interceptor"

	temporalotel "github.com/temporalgen/temporalgen/contrib/otel"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// With -observe, each implementation records its SDK metrics into an
// OpenTelemetry meter and traces every workflow and activity, as a
// production deployment would: both SDKs use the same OTel SDK (a
// ManualReader that is never read, and a batching span processor with an
// exporter that drops the batches), so the difference is their own cost.

type observability struct {
	meters *sdkmetric.MeterProvider
	traces *sdktrace.TracerProvider
}

func (o observability) shutdown() {
	_ = o.traces.Shutdown(context.Background())
	_ = o.meters.Shutdown(context.Background())
}

func newMeters() *sdkmetric.MeterProvider {
	return sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
}

// observeOurs sets our client and worker options up for metrics and
// tracing through contrib/otel.
func observeOurs(copts *client.Options, wopts *worker.Options) (observability, error) {
	o := observability{
		meters: newMeters(),
		traces: temporalotel.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter())),
	}
	copts.MetricsHandler = temporalotel.NewMetricsHandler(temporalotel.MetricsOptions{Meter: o.meters.Meter("bench")})
	tr, err := temporalotel.NewTracer(temporalotel.TracingOptions{TracerProvider: o.traces})
	if err != nil {
		return o, err
	}
	copts.Interceptors = append(copts.Interceptors, tr.ClientInterceptor())
	wopts.WorkflowInterceptors = append([]workflow.Interceptor(nil), tr.WorkflowInterceptor())
	wopts.ActivityInterceptors = append([]activity.Interceptor(nil), tr.ActivityInterceptor())
	return o, nil
}

// observeSDK does the same for go.temporal.io/sdk with its OpenTelemetry
// contrib module.
func observeSDK(copts *sdkclient.Options) (observability, error) {
	o := observability{
		meters: newMeters(),
		traces: sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter())),
	}
	copts.MetricsHandler = sdkotel.NewMetricsHandler(sdkotel.MetricsHandlerOptions{Meter: o.meters.Meter("bench")})
	ti, err := sdkotel.NewTracingInterceptor(sdkotel.TracerOptions{Tracer: o.traces.Tracer("bench")})
	if err != nil {
		return o, err
	}
	copts.Interceptors = append([]sdkinterceptor.ClientInterceptor(nil), ti)
	return o, nil
}
