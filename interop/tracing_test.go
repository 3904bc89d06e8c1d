package interop

// Tracing across the SDKs: temporalotel's interceptors and sdk-go's
// OpenTelemetry tracing interceptor read each other's header, so one
// trace runs through clients, workflows and activities of both.

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	sdkactivity "go.temporal.io/sdk/activity"
	sdkclient "go.temporal.io/sdk/client"
	sdkotel "go.temporal.io/sdk/contrib/opentelemetry"
	sdkinterceptor "go.temporal.io/sdk/interceptor"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	sdkworkflow "go.temporal.io/sdk/workflow"

	temporalotel "github.com/temporalgen/temporalgen/contrib/otel"
	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

func traceGreet(_ context.Context, who string) (string, error) { return "hello " + who, nil }

// TestTracingCrossesSDKs: an sdk-go client starts our workflow, which
// runs an activity on an sdk-go worker; our client starts an sdk-go
// workflow, which runs an activity on our worker. Each is one trace
// whose spans name their parents across the SDKs.
func TestTracingCrossesSDKs(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		exporter := tracetest.NewInMemoryExporter()
		tp := temporalotel.NewTracerProvider(sdktrace.WithSyncer(exporter))
		t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
		ours, err := temporalotel.NewTracer(temporalotel.TracingOptions{TracerProvider: tp})
		testenv.Must(t, err)
		theirs, err := sdkotel.NewTracingInterceptor(sdkotel.TracerOptions{Tracer: tp.Tracer("sdk-go")})
		testenv.Must(t, err)

		log := testenv.Logger(t, slog.LevelWarn)
		ourTQ, sdkTQ := testenv.UniqueID("ours-"+t.Name()), testenv.UniqueID("sdk-"+t.Name())
		c := testenv.Dial(t, srv, client.Options{Logger: log, Interceptors: []client.Interceptor{ours.ClientInterceptor()}})
		testenv.StartWorker(t, c, ourTQ, worker.Options{
			CacheSize:            cacheSize,
			Logger:               log,
			WorkflowInterceptors: []workflow.Interceptor{ours.WorkflowInterceptor()},
			ActivityInterceptors: []activity.Interceptor{ours.ActivityInterceptor()},
		}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("OursCallsSDK", func(ctx workflow.Context) (string, error) {
				opts := workflow.ActivityOptions{TaskQueue: sdkTQ, StartToCloseTimeout: 10 * time.Second}
				return workflow.ExecuteActivity[string](ctx, opts, "SDKGreet", "ours").Get(ctx)
			}))
			testenv.Must(t, w.RegisterActivity("OurGreet", traceGreet))
		})

		sc, err := sdkclient.DialContext(testenv.Context(t), sdkclient.Options{
			HostPort:     srv.Address(),
			Namespace:    srv.Namespace(),
			Logger:       sdklog.NewStructuredLogger(log),
			Interceptors: []sdkinterceptor.ClientInterceptor{theirs},
		})
		testenv.Must(t, err)
		t.Cleanup(sc.Close)
		sw := sdkworker.New(sc, sdkTQ, sdkworker.Options{})
		sw.RegisterActivityWithOptions(traceGreet, sdkactivity.RegisterOptions{Name: "SDKGreet"})
		sw.RegisterWorkflowWithOptions(func(ctx sdkworkflow.Context) (string, error) {
			ctx = sdkworkflow.WithActivityOptions(ctx, sdkworkflow.ActivityOptions{TaskQueue: ourTQ, StartToCloseTimeout: 10 * time.Second})
			var s string
			err := sdkworkflow.ExecuteActivity(ctx, "OurGreet", "sdk").Get(ctx, &s)
			return s, err
		}, sdkworkflow.RegisterOptions{Name: "SDKCallsOurs"})
		testenv.Must(t, sw.Start())
		t.Cleanup(sw.Stop)

		ctx, root := tp.Tracer("test").Start(testenv.Context(t), "sdk client")
		run, err := sc.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{ID: testenv.UniqueID("ours-calls-sdk"), TaskQueue: ourTQ}, "OursCallsSDK")
		testenv.Must(t, err)
		var got string
		testenv.Must(t, run.Get(ctx, &got))
		if got != "hello ours" {
			t.Errorf("OursCallsSDK returned %q", got)
		}
		root.End()
		checkTrace(t, exporter, root, []string{
			" > sdk client",
			"sdk client > StartWorkflow:OursCallsSDK",
			"StartWorkflow:OursCallsSDK > RunWorkflow:OursCallsSDK",
			"RunWorkflow:OursCallsSDK > StartActivity:SDKGreet",
			"StartActivity:SDKGreet > RunActivity:SDKGreet",
		})

		exporter.Reset()
		ctx, root = tp.Tracer("test").Start(testenv.Context(t), "our client")
		h, err := c.StartWorkflow(ctx, client.StartWorkflowOptions{ID: testenv.UniqueID("sdk-calls-ours"), TaskQueue: sdkTQ}, "SDKCallsOurs")
		testenv.Must(t, err)
		if got := testenv.Result[string](t, h); got != "hello sdk" {
			t.Errorf("SDKCallsOurs returned %q", got)
		}
		root.End()
		checkTrace(t, exporter, root, []string{
			" > our client",
			"our client > StartWorkflow:SDKCallsOurs",
			"StartWorkflow:SDKCallsOurs > RunWorkflow:SDKCallsOurs",
			"RunWorkflow:SDKCallsOurs > StartActivity:OurGreet",
			"StartActivity:OurGreet > RunActivity:OurGreet",
		})
	})
}

// checkTrace checks that the exported spans are one trace, root's, each
// span once, with the tree want ("parent > child" lines).
func checkTrace(t *testing.T, exporter *tracetest.InMemoryExporter, root trace.Span, want []string) {
	t.Helper()
	spans := exporter.GetSpans()
	names := map[trace.SpanID]string{}
	for _, s := range spans {
		if _, dup := names[s.SpanContext.SpanID()]; dup {
			t.Errorf("span %s exported twice", s.Name)
		}
		names[s.SpanContext.SpanID()] = s.Name
		if s.SpanContext.TraceID() != root.SpanContext().TraceID() {
			t.Errorf("span %s is in trace %s, want %s", s.Name, s.SpanContext.TraceID(), root.SpanContext().TraceID())
		}
	}
	var got []string
	for _, s := range spans {
		parent := ""
		if s.Parent.IsValid() {
			var ok bool
			if parent, ok = names[s.Parent.SpanID()]; !ok {
				t.Errorf("span %s names parent %s, which was not exported", s.Name, s.Parent.SpanID())
			}
		}
		got = append(got, parent+" > "+s.Name)
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
