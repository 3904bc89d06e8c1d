package temporalotel_test

import (
	"context"
	"log"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	temporalotel "github.com/temporalgen/temporalgen/contrib/otel"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// A client and a worker that trace their calls. The exporter here keeps
// the spans in memory; an OTLP exporter sends them to a collector.
func ExampleNewTracer() {
	ctx := context.Background()
	exporter := tracetest.NewInMemoryExporter()
	// NewTracerProvider is sdktrace.NewTracerProvider with the
	// IDGenerator the workflow spans need.
	tp := temporalotel.NewTracerProvider(sdktrace.WithBatcher(exporter))
	defer tp.Shutdown(ctx)
	tr, err := temporalotel.NewTracer(temporalotel.TracingOptions{TracerProvider: tp})
	if err != nil {
		log.Fatal(err)
	}

	c, err := client.Dial(ctx, client.Options{
		HostPort:     "localhost:7233",
		Interceptors: []client.Interceptor{tr.ClientInterceptor()},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	w := worker.New(c, "greetings", worker.Options{
		WorkflowInterceptors: []workflow.Interceptor{tr.WorkflowInterceptor()},
		ActivityInterceptors: []activity.Interceptor{tr.ActivityInterceptor()},
		NexusInterceptors:    []worker.NexusInterceptor{tr.NexusInterceptor()},
	})
	if err := w.RegisterWorkflow("Greet", func(ctx workflow.Context, name string) (string, error) {
		return "Hello, " + name, nil
	}); err != nil {
		log.Fatal(err)
	}
	if err := w.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
