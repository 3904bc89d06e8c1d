package observability_test

// End-to-end tests against a real Temporal dev server
// (runtime/testsuite/devserver; the binary is ./bin/temporal of the
// repository or $TEMPORAL_CLI): Run's scrape counts the workflows and
// activities it ran, and its spans form one whole trace per workflow,
// each span exported once, to the stdout exporter or to an OTLP
// collector.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"

	"github.com/temporalgen/temporalgen/examples/observability"
	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
)

var srv *devserver.Server

// TestMain starts the dev server, except with -short: then only the tests
// that need none run, on a machine with no server and no temporal binary.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
}

func needServer(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the dev server; run without -short")
	}
}

// config returns a Config for the test's dev server and a task queue of
// its own.
func config(t *testing.T, workflows int) observability.Config {
	return observability.Config{
		HostPort:  srv.Address(),
		Namespace: srv.Namespace(),
		TaskQueue: testenv.UniqueID("observability"),
		Workflows: workflows,
		Logger:    testenv.Logger(t, slog.LevelWarn),
	}
}

// spansPerOrder is how many spans one Order workflow makes: PlaceOrder,
// StartWorkflow, RunWorkflow, StartActivity, RunActivity, CheckStock,
// SignalWorkflow, HandleSignal, StartChildWorkflow and the child's
// RunWorkflow, StartActivity and RunActivity.
const spansPerOrder = 12

// TestRun runs two workflows with the stdout exporter, with the worker's
// cache and without it: the scrape counts exactly the two workflows of
// each type and their activities, and the spans form one trace per
// workflow, StartWorkflow → RunWorkflow → StartActivity → RunActivity
// and the rest, with every span exported exactly once.
func TestRun(t *testing.T) {
	needServer(t)
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		const n = 2
		var out bytes.Buffer
		cfg := config(t, n)
		cfg.DisableCache = cacheSize == 0
		cfg.TraceOutput = &out
		reported := false
		cfg.OnReport = func(r observability.Report) {
			reported = true
			// /metrics is still up while OnReport runs.
			if body, err := get(t.Context(), r.MetricsURL); err != nil {
				t.Errorf("GET %s in OnReport: %v", r.MetricsURL, err)
			} else if !strings.Contains(body, "temporal_workflow_completed_total{") {
				t.Errorf("GET %s in OnReport: no temporal_workflow_completed_total in\n%s", r.MetricsURL, body)
			}
		}
		rep, err := observability.Run(testenv.Context(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !reported {
			t.Error("OnReport was not called")
		}
		if _, err := get(t.Context(), rep.MetricsURL); err == nil {
			t.Errorf("GET %s after Run: still served", rep.MetricsURL)
		}

		if len(rep.WorkflowIDs) != n || len(rep.Results) != n {
			t.Fatalf("%d workflow ids and %d results, want %d of each", len(rep.WorkflowIDs), len(rep.Results), n)
		}
		for i, res := range rep.Results {
			if want := "shipped as parcel-" + rep.WorkflowIDs[i]; !strings.HasSuffix(res, want) {
				t.Errorf("workflow %s: result %q, want it to end with %q", rep.WorkflowIDs[i], res, want)
			}
		}

		// Metrics.
		wantCompleted := map[string]int{observability.OrderWorkflowName: n, observability.ShipWorkflowName: n}
		if !maps.Equal(rep.Completed, wantCompleted) {
			t.Errorf("scraped temporal_workflow_completed_total %v, want %v\n%s", rep.Completed, wantCompleted, strings.Join(rep.ScrapeLines, "\n"))
		}
		wantActs := map[string]int{observability.ReserveActivityName: n, observability.DispatchActivityName: n}
		if !maps.Equal(rep.ActivityExecutions, wantActs) {
			t.Errorf("scraped activity executions %v, want %v", rep.ActivityExecutions, wantActs)
		}
		if len(rep.ScrapeLines) != 4 {
			t.Errorf("%d scrape lines, want 4 (2 workflow types, 2 activity types):\n%s", len(rep.ScrapeLines), strings.Join(rep.ScrapeLines, "\n"))
		}

		// Traces: one per workflow, whole.
		checkTraces(t, rep)
		if rep.TraceExporter != "stdouttrace" || rep.ExportErr != nil {
			t.Errorf("exporter %q, export error %v; want stdouttrace, none", rep.TraceExporter, rep.ExportErr)
		}
		exported := exportedIDs(t, &out)
		if len(exported) != rep.Spans || !maps.Equal(exported, reportedIDs(rep)) {
			t.Errorf("the stdout exporter wrote %d spans, want the %d reported, each once:\n%s", len(exported), rep.Spans, out.String())
		}
	})
}

// checkTraces checks that rep's spans are one trace per workflow, each
// with every span the workflow makes, in its place.
func checkTraces(t *testing.T, rep observability.Report) {
	t.Helper()
	if rep.Spans != len(rep.WorkflowIDs)*spansPerOrder {
		t.Errorf("%d spans, want %d per workflow", rep.Spans, spansPerOrder)
	}
	if len(rep.Traces) != len(rep.WorkflowIDs) {
		t.Errorf("%d traces (roots), want one per workflow:\n%s", len(rep.Traces), trees(rep))
	}
	var traced []string
	for _, root := range rep.Traces {
		if root.Name != observability.PlaceOrderSpanName || root.ParentID != "" {
			t.Errorf("a trace's root is %s (parent %q), want %s without a parent:\n%s", root.Name, root.ParentID, observability.PlaceOrderSpanName, root.Tree())
			continue
		}
		count := 0
		root.Walk(func(s *observability.Span) {
			count++
			if s.TraceID != root.TraceID {
				t.Errorf("%s is in trace %s, its root in %s", s.Name, s.TraceID, root.TraceID)
			}
		})
		if count != spansPerOrder {
			t.Errorf("a trace of %d spans, want %d:\n%s", count, spansPerOrder, root.Tree())
		}
		start := path(t, root, "StartWorkflow:Order")
		if start == nil {
			continue
		}
		id := start.WorkflowID
		traced = append(traced, id)
		run := path(t, start, "RunWorkflow:Order")
		if run == nil {
			continue
		}
		if run.WorkflowID != id {
			t.Errorf("RunWorkflow:Order of workflow %q below StartWorkflow:Order of %q", run.WorkflowID, id)
		}
		path(t, run, "StartActivity:Reserve", "RunActivity:Reserve", observability.CheckStockSpanName)
		if child := path(t, run, "StartChildWorkflow:Ship", "RunWorkflow:Ship"); child != nil && child.WorkflowID != id+"-ship" {
			t.Errorf("RunWorkflow:Ship of workflow %q, want %q", child.WorkflowID, id+"-ship")
		}
		path(t, run, "StartChildWorkflow:Ship", "RunWorkflow:Ship", "StartActivity:Dispatch", "RunActivity:Dispatch")
		if h := path(t, root, "SignalWorkflow:approve", "HandleSignal:approve"); h != nil && h.WorkflowID != id {
			t.Errorf("HandleSignal:approve of workflow %q, want %q", h.WorkflowID, id)
		}
	}
	slices.Sort(traced)
	if want := slices.Sorted(slices.Values(rep.WorkflowIDs)); !slices.Equal(traced, want) {
		t.Errorf("traces of workflows %v, want %v", traced, want)
	}
}

// path follows names down from s, each the name of exactly one child of
// the span before, and returns the last span; it reports a missing or
// doubled step and returns nil.
func path(t *testing.T, s *observability.Span, names ...string) *observability.Span {
	t.Helper()
	top := s
	for _, name := range names {
		var found []*observability.Span
		for _, c := range s.Children {
			if c.Name == name {
				found = append(found, c)
			}
		}
		if len(found) != 1 {
			t.Errorf("%s has %d children %s, want 1 (path %v):\n%s", s.Name, len(found), name, names, top.Tree())
			return nil
		}
		s = found[0]
	}
	return s
}

// trees returns every trace of rep as text.
func trees(rep observability.Report) string {
	var b strings.Builder
	for _, root := range rep.Traces {
		b.WriteString(root.Tree())
	}
	return b.String()
}

// reportedIDs returns the trace and span ids of rep's spans.
func reportedIDs(rep observability.Report) map[string]int {
	ids := map[string]int{}
	for _, root := range rep.Traces {
		root.Walk(func(s *observability.Span) { ids[s.TraceID+"/"+s.SpanID]++ })
	}
	return ids
}

// exportedIDs returns the trace and span ids of the spans the stdout
// exporter wrote to out, one JSON object a line, with how often each
// came.
func exportedIDs(t *testing.T, out io.Reader) map[string]int {
	t.Helper()
	ids := map[string]int{}
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var span struct {
			Name        string
			SpanContext struct{ TraceID, SpanID string }
		}
		if err := json.Unmarshal(sc.Bytes(), &span); err != nil || span.Name == "" {
			t.Errorf("the stdout exporter wrote %q (%v), want a span", sc.Text(), err)
			continue
		}
		ids[span.SpanContext.TraceID+"/"+span.SpanContext.SpanID]++
	}
	testenv.Must(t, sc.Err())
	return ids
}

// TestRunOTLP: with an OTLPEndpoint, the spans go to the collector there
// over gRPC, each once, with the example's service name, and none to
// TraceOutput.
func TestRunOTLP(t *testing.T) {
	needServer(t)
	col := startCollector(t)
	var out bytes.Buffer
	cfg := config(t, 1)
	cfg.OTLPEndpoint = col.url
	cfg.TraceOutput = &out
	rep, err := observability.Run(testenv.Context(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.ExportErr != nil || rep.TraceExporter != "otlptracegrpc "+col.url {
		t.Fatalf("exporter %q, export error %v; want otlptracegrpc %s, none", rep.TraceExporter, rep.ExportErr, col.url)
	}
	checkTraces(t, rep)
	got, services := col.received()
	if !maps.Equal(got, reportedIDs(rep)) {
		t.Errorf("the collector got spans %v, want the %d reported, each once: %v", got, rep.Spans, reportedIDs(rep))
	}
	if !slices.Equal(services, []string{observability.ServiceName}) {
		t.Errorf("the collector got service names %v, want [%s]", services, observability.ServiceName)
	}
	if out.Len() != 0 {
		t.Errorf("TraceOutput got %q with an OTLP endpoint", out.String())
	}
}

// collector is an OTLP trace collector on a loopback gRPC port.
type collector struct {
	coltracepb.UnimplementedTraceServiceServer
	url string

	mu       sync.Mutex
	ids      map[string]int
	services map[string]bool
}

// startCollector starts a collector that runs until the test ends.
func startCollector(t *testing.T) *collector {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	col := &collector{url: "http://" + ln.Addr().String(), ids: map[string]int{}, services: map[string]bool{}}
	gs := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(gs, col)
	served := make(chan error, 1)
	go func() { served <- gs.Serve(ln) }()
	t.Cleanup(func() {
		gs.Stop()
		if err := <-served; err != nil {
			t.Errorf("collector: %v", err)
		}
	})
	return col
}

// Export keeps the ids of the spans and the service names of their
// resources.
func (c *collector) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, rs := range req.GetResourceSpans() {
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.GetKey() == "service.name" {
				c.services[kv.GetValue().GetStringValue()] = true
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				c.ids[hex.EncodeToString(s.GetTraceId())+"/"+hex.EncodeToString(s.GetSpanId())]++
			}
		}
	}
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

// received returns the span ids the collector got, with how often each
// came, and the service names.
func (c *collector) received() (map[string]int, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.ids), slices.Sorted(maps.Keys(c.services))
}

// TestBadOTLPEndpoint: an OTLP endpoint that is not a URL fails Run
// before it dials anything, and Run closes the listener it was given.
func TestBadOTLPEndpoint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, err = observability.Run(t.Context(), observability.Config{
		HostPort:        "127.0.0.1:1", // never dialled
		OTLPEndpoint:    "localhost:4317",
		MetricsListener: ln,
	})
	if err == nil || !strings.Contains(err.Error(), "want a URL") {
		t.Fatalf("Run: %v, want an error asking for a URL", err)
	}
	if err := ln.Close(); err == nil { // closing twice fails
		t.Error("the metrics listener was still open after Run failed")
	}
}

// get GETs url and returns its body.
func get(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return string(body), err
}
