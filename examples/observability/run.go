package observability

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	temporalotel "github.com/temporalgen/temporalgen/contrib/otel"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// ServiceName is the service.name of the traces' resource, the name a
// tracing backend lists them under.
const ServiceName = "temporalgen-observability-example"

// PlaceOrderSpanName is the span Run starts around each order: the root of
// the order's trace, the parent of the client's StartWorkflow and
// SignalWorkflow spans.
const PlaceOrderSpanName = "PlaceOrder"

// Config configures Run. The zero value runs one workflow against
// $TEMPORAL_ADDRESS, serves /metrics on a free loopback port and writes
// the spans to standard output.
type Config struct {
	// HostPort and Namespace are the client's; empty means
	// $TEMPORAL_ADDRESS and $TEMPORAL_NAMESPACE, as with client.Dial.
	HostPort  string
	Namespace string
	// TaskQueue is the worker's task queue; empty means TaskQueue.
	TaskQueue string
	// Workflows is how many Order workflows to run; 0 means 1.
	Workflows int
	// DisableCache turns the worker's workflow cache off (CacheSize 0),
	// so that every workflow task replays the run from its history: the
	// traces come out the same.
	DisableCache bool

	// MetricsListener, if set, is where /metrics is served; Run closes
	// it. Otherwise Run listens on MetricsAddr, by default 127.0.0.1:0
	// (a free port).
	MetricsListener net.Listener
	MetricsAddr     string

	// OTLPEndpoint, if set, sends the spans to an OTLP collector over
	// gRPC at this URL (http://localhost:4317, say; http means without
	// TLS). Otherwise the stdout exporter writes them to TraceOutput,
	// one JSON object a line, by default to os.Stdout.
	OTLPEndpoint string
	TraceOutput  io.Writer

	// Logger is the client's and the worker's; nil means theirs.
	Logger *slog.Logger

	// OnReport, if set, is called with the report while /metrics is
	// still served (the worker has stopped by then, so the scrape shows
	// the final numbers); Run tears everything down when it returns. A
	// program that wants to keep /metrics up blocks in it.
	OnReport func(Report)
}

// Report is what Run saw.
type Report struct {
	// MetricsURL is the URL /metrics was served at.
	MetricsURL string
	// WorkflowIDs and Results are the Order workflows' ids and results,
	// in the order they were started.
	WorkflowIDs []string
	Results     []string

	// Completed is temporal_workflow_completed_total by workflow type,
	// and ActivityExecutions temporal_activity_execution_latency_seconds's
	// sample count by activity type, both for the task queue, as the
	// scrape of MetricsURL showed them after the worker stopped.
	Completed          map[string]int
	ActivityExecutions map[string]int
	// ScrapeLines are the scrape's lines of those two series.
	ScrapeLines []string

	// Spans is how many spans ended, and Traces are their trees, one
	// root per trace (a span whose parent did not end here is a root
	// too), by start time.
	Spans  int
	Traces []*Span
	// TraceExporter says where the spans went: "otlptracegrpc <url>" or
	// "stdouttrace".
	TraceExporter string
	// ExportErr is the exporter's error when flushing the spans (an
	// unreachable collector, say), nil if they were exported.
	ExportErr error
}

// Run runs the example: it sets up metrics and tracing, dials the client
// with the Prometheus handler and the tracing client interceptor, starts a
// worker with the tracing workflow and activity interceptors, runs
// cfg.Workflows Order workflows (each started, signalled and waited for in
// a PlaceOrder span), stops the worker, flushes the spans, scrapes its own
// /metrics endpoint and returns what it found.
func Run(ctx context.Context, cfg Config) (rep Report, err error) {
	if cfg.TaskQueue == "" {
		cfg.TaskQueue = TaskQueue
	}
	if cfg.Workflows <= 0 {
		cfg.Workflows = 1
	}
	if cfg.MetricsAddr == "" {
		cfg.MetricsAddr = "127.0.0.1:0"
	}
	if cfg.TraceOutput == nil {
		cfg.TraceOutput = os.Stdout
	}
	ln := cfg.MetricsListener
	serving := false
	defer func() {
		if ln != nil && !serving {
			_ = ln.Close()
		}
	}()
	// Teardown runs even when ctx is done (after Ctrl-C, say), bounded.
	cleanup := func(f func(context.Context) error) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		err = errors.Join(err, f(cctx))
	}

	// Traces: the exporter, and a log of the ended spans for the report.
	var exp sdktrace.SpanExporter
	exp, rep.TraceExporter, err = newExporter(ctx, cfg)
	if err != nil {
		return rep, err
	}
	spans := &spanLog{}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(attribute.String("service.name", ServiceName)))
	if err != nil {
		return rep, err
	}
	// NewTracerProvider adds the id generator the workflow spans need.
	tp := temporalotel.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithSpanProcessor(spans), sdktrace.WithResource(res))
	defer cleanup(tp.Shutdown)
	tracer, err := temporalotel.NewTracer(temporalotel.TracingOptions{TracerProvider: tp})
	if err != nil {
		return rep, err
	}

	// Metrics: the Prometheus handler and /metrics.
	prom, err := temporalotel.NewPrometheus(temporalotel.PrometheusOptions{})
	if err != nil {
		return rep, err
	}
	defer cleanup(prom.Shutdown)
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			return rep, fmt.Errorf("metrics: %w", err)
		}
	}
	rep.MetricsURL = "http://" + ln.Addr().String() + "/metrics"
	mux := http.NewServeMux()
	mux.Handle("/metrics", prom.HTTPHandler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	serving = true // hs closes ln
	defer cleanup(func(context.Context) error {
		_ = hs.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("metrics: %w", err)
		}
		return nil
	})

	// The client and the worker, with both.
	c, err := client.Dial(ctx, client.Options{
		HostPort:       cfg.HostPort,
		Namespace:      cfg.Namespace,
		Logger:         cfg.Logger,
		MetricsHandler: prom.Handler(),
		Interceptors:   []client.Interceptor{tracer.ClientInterceptor()},
	})
	if err != nil {
		return rep, err
	}
	defer c.Close()
	cacheSize := worker.DefaultCacheSize
	if cfg.DisableCache {
		cacheSize = 0
	}
	w := worker.New(c, cfg.TaskQueue, worker.Options{
		Logger:               cfg.Logger,
		CacheSize:            cacheSize,
		WorkflowInterceptors: []workflow.Interceptor{tracer.WorkflowInterceptor()},
		ActivityInterceptors: []activity.Interceptor{tracer.ActivityInterceptor()},
	})
	if err := Register(w); err != nil {
		return rep, err
	}
	if err := w.Start(); err != nil {
		return rep, err
	}
	defer w.Stop()

	rep.WorkflowIDs, rep.Results, err = placeOrders(ctx, c, cfg, tp.Tracer(instrumentationName))
	if err != nil {
		return rep, err
	}
	// Stop waits for the workflow tasks and activities in flight, so the
	// metrics they record and the spans they end are all in once it
	// returns.
	w.Stop()
	fctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := tp.ForceFlush(fctx); err != nil {
		rep.ExportErr = fmt.Errorf("%s: %w", rep.TraceExporter, err)
	}
	ended := spans.ended()
	rep.Spans, rep.Traces = len(ended), spanTrees(ended)

	sc, err := scrape(ctx, rep.MetricsURL, cfg.TaskQueue)
	if err != nil {
		return rep, err
	}
	rep.Completed, rep.ActivityExecutions, rep.ScrapeLines = sc.completed, sc.activities, sc.lines
	if cfg.OnReport != nil {
		cfg.OnReport(rep)
	}
	return rep, nil
}

// placeOrders starts cfg.Workflows Order workflows, each in a PlaceOrder
// span of its own, approves each with a signal from inside that span and
// waits for all of them. It returns their ids and results.
func placeOrders(ctx context.Context, c *client.Client, cfg Config, tracer trace.Tracer) (ids, results []string, err error) {
	type order struct {
		ctx  context.Context
		span trace.Span
		h    *client.WorkflowHandle
	}
	var orders []order
	defer func() {
		for _, o := range orders {
			if err != nil {
				o.span.SetStatus(codes.Error, err.Error())
			}
			o.span.End() // a no-op for a span already ended
		}
	}()
	prefix := fmt.Sprintf("order-%d", time.Now().UnixNano())
	for i := range cfg.Workflows {
		id := fmt.Sprintf("%s-%d", prefix, i+1)
		octx, span := tracer.Start(ctx, PlaceOrderSpanName, trace.WithAttributes(attribute.String("order.id", id)))
		o := order{ctx: octx, span: span}
		orders = append(orders, o)
		o.h, err = c.StartWorkflow(octx, client.StartWorkflowOptions{
			ID: id, TaskQueue: cfg.TaskQueue, WorkflowExecutionTimeout: 2 * time.Minute,
		}, OrderWorkflowName, id)
		if err != nil {
			return nil, nil, err
		}
		orders[i] = o
		ids = append(ids, id)
	}
	for _, o := range orders {
		if err := o.h.Signal(o.ctx, ApproveSignalName, "the observability example"); err != nil {
			return nil, nil, err
		}
	}
	for _, o := range orders {
		res, err := client.Result[string](o.ctx, o.h)
		if err != nil {
			return nil, nil, fmt.Errorf("workflow %s: %w", o.h.ID(), err)
		}
		o.span.End()
		results = append(results, res)
	}
	return ids, results, nil
}

// newExporter returns the span exporter cfg asks for and its description.
func newExporter(ctx context.Context, cfg Config) (sdktrace.SpanExporter, string, error) {
	if cfg.OTLPEndpoint == "" {
		// Without WithPrettyPrint: one JSON object a line.
		exp, err := stdouttrace.New(stdouttrace.WithWriter(cfg.TraceOutput))
		return exp, "stdouttrace", err
	}
	u, err := url.Parse(cfg.OTLPEndpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("OTLP endpoint %q: want a URL such as http://localhost:4317", cfg.OTLPEndpoint)
	}
	exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(cfg.OTLPEndpoint))
	return exp, "otlptracegrpc " + cfg.OTLPEndpoint, err
}
