// Command demo runs the observability example end to end: a worker and a
// client whose SDK metrics are served for Prometheus at /metrics and whose
// calls are traced with OpenTelemetry. It runs a few Order workflows, then
// prints some of the scraped metrics, the spans of one workflow as a tree
// and where the spans went. It connects to TEMPORAL_ADDRESS (default
// localhost:7233) in TEMPORAL_NAMESPACE (default "default").
//
// The spans go to a file (-trace-file, one JSON object a line, by the
// OpenTelemetry stdout exporter) or, with OTEL_EXPORTER_OTLP_ENDPOINT set
// (or -otlp), to an OTLP collector over gRPC. -serve keeps /metrics up
// after the run, until interrupted:
//
//	go run ./cmd/demo -serve
//	OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 go run ./cmd/demo
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/temporalgen/temporalgen/examples/observability"
)

func main() {
	n := flag.Int("n", 3, "how many workflows to run")
	metricsAddr := flag.String("metrics-addr", "127.0.0.1:9464", "address to serve /metrics at (another free port if taken)")
	traceFile := flag.String("trace-file", filepath.Join(os.TempDir(), "temporalgen-observability-traces.jsonl"),
		"file the stdout exporter writes the spans to, one JSON object a line ('-': standard output)")
	otlp := flag.String("otlp", os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"),
		"OTLP gRPC collector URL to send the spans to instead of -trace-file (default $OTEL_EXPORTER_OTLP_ENDPOINT)")
	serve := flag.Bool("serve", false, "keep serving /metrics after the workflows, until interrupted (Ctrl-C)")
	flag.Parse()
	if err := run(*n, *metricsAddr, *traceFile, *otlp, *serve); err != nil {
		fmt.Fprintln(os.Stderr, "observability demo:", err)
		os.Exit(1)
	}
}

func run(n int, metricsAddr, traceFile, otlp string, serve bool) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	var out io.Writer = os.Stdout
	if otlp == "" && traceFile != "-" {
		f, err := os.Create(traceFile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, f.Close()) }()
		out = f
	}
	ln, err := listen(metricsAddr)
	if err != nil {
		return err
	}
	cfg := observability.Config{
		Workflows:       n,
		MetricsListener: ln,
		OTLPEndpoint:    otlp,
		TraceOutput:     out,
		Logger:          slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		OnReport: func(r observability.Report) {
			printReport(r, traceFile)
			if serve {
				fmt.Printf("\nserving %s until interrupted (Ctrl-C)\n", r.MetricsURL)
				<-ctx.Done()
			}
		},
	}
	_, err = observability.Run(runCtx, cfg)
	return err
}

// printReport prints what the run showed.
func printReport(r observability.Report, traceFile string) {
	for i, id := range r.WorkflowIDs {
		fmt.Printf("workflow %s: %s\n", id, r.Results[i])
	}

	fmt.Printf("\nmetrics: %s (scraped after the run)\n", r.MetricsURL)
	for _, line := range r.ScrapeLines {
		fmt.Printf("  %s\n", line)
	}
	fmt.Printf("  (the whole scrape: run with -serve, then curl -s %s)\n", r.MetricsURL)

	fmt.Printf("\ntraces: %d spans in %d traces, one per workflow\n", r.Spans, len(r.Traces))
	for i, root := range r.Traces {
		if i == 0 {
			fmt.Printf("the first, span by span (a child below its parent):\n")
			for line := range strings.Lines(root.Tree()) {
				fmt.Printf("  %s", line)
			}
			continue
		}
		count := 0
		root.Walk(func(*observability.Span) { count++ })
		fmt.Printf("  %s %s: trace %s, %d spans\n", root.Name, orderOf(root), root.TraceID, count)
	}
	switch {
	case r.ExportErr != nil:
		fmt.Printf("the spans could not all be exported: %v\n", r.ExportErr)
	case strings.HasPrefix(r.TraceExporter, "otlptracegrpc"):
		fmt.Printf("the spans went to the OTLP collector at %s\n", strings.TrimPrefix(r.TraceExporter, "otlptracegrpc "))
	case traceFile == "-":
		fmt.Printf("the spans went to standard output (stdouttrace), above\n")
	default:
		fmt.Printf("the spans went to %s (stdouttrace, one JSON object a line)\n", traceFile)
	}
}

// orderOf returns the workflow id of the first span below root that has
// one.
func orderOf(root *observability.Span) string {
	id := ""
	root.Walk(func(s *observability.Span) {
		if id == "" && s.WorkflowID != "" {
			id = s.WorkflowID
		}
	})
	return id
}

// listen listens on addr or, if it is taken, on another port of its host.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	host, _, splitErr := net.SplitHostPort(addr)
	if splitErr != nil {
		return nil, err
	}
	ln, err2 := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err2 != nil {
		return nil, errors.Join(err, err2)
	}
	fmt.Printf("metrics: %s is taken (%v); using %s\n", addr, err, ln.Addr())
	return ln, nil
}
