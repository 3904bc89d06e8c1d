package temporalotel_test

// Integration tests of the tracing interceptors against a real Temporal
// dev server (one for them all, see server). Each scenario
// runs with the sticky cache and with CacheSize 0, where every workflow
// task replays the whole history in a fresh run, and must give the same
// trace.

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	enumspb "go.temporal.io/api/enums/v1"

	temporalotel "github.com/temporalgen/temporalgen/contrib/otel"
	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// devServer is the dev server of the tracing tests, started by the
// first test that asks for it (so that the package's unit tests need
// none) and stopped by TestMain.
var devServer struct {
	once sync.Once
	srv  *devserver.Server
	err  error
}

// server returns the tracing tests' dev server, starting it if need be.
func server(t *testing.T) *devserver.Server {
	t.Helper()
	devServer.once.Do(func() { devServer.srv, devServer.err = devserver.Start(devserver.Options{}) })
	if devServer.err != nil {
		t.Fatal(devServer.err)
	}
	return devServer.srv
}

func TestMain(m *testing.M) {
	code := m.Run()
	if devServer.srv != nil {
		if err := devServer.srv.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "devserver: stop: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// traced is one subtest's world: an exporter, a provider and Tracer on
// it, a traced client and a worker with the Tracer's interceptors.
type traced struct {
	t        *testing.T
	exporter *tracetest.InMemoryExporter
	provider *sdktrace.TracerProvider
	c        *client.Client // traced
	plain    *client.Client // not traced
	tq       string
}

func newTraced(t *testing.T, cacheSize int, opts temporalotel.TracingOptions, register func(e *traced, w *worker.Worker)) *traced {
	t.Helper()
	e := &traced{t: t, exporter: tracetest.NewInMemoryExporter(), tq: testenv.UniqueID("tq-" + t.Name())}
	// The syncer exports each span as it ends: every span of a call is
	// exported by the time the call returns.
	e.provider = temporalotel.NewTracerProvider(sdktrace.WithSyncer(e.exporter))
	t.Cleanup(func() { _ = e.provider.Shutdown(context.Background()) })
	opts.TracerProvider = e.provider
	tr, err := temporalotel.NewTracer(opts)
	testenv.Must(t, err)
	log := testenv.Logger(t, slog.LevelWarn)
	e.c = testenv.Dial(t, server(t), client.Options{Logger: log, Interceptors: []client.Interceptor{tr.ClientInterceptor()}})
	e.plain = testenv.Dial(t, server(t), client.Options{Logger: log})
	testenv.StartWorker(t, e.c, e.tq, worker.Options{
		CacheSize:            cacheSize,
		Logger:               log,
		WorkflowInterceptors: []workflow.Interceptor{tr.WorkflowInterceptor()},
		ActivityInterceptors: []activity.Interceptor{tr.ActivityInterceptor()},
		NexusInterceptors:    []worker.NexusInterceptor{tr.NexusInterceptor()},
	}, func(w *worker.Worker) { register(e, w) })
	return e
}

var activityOpts = workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}

// greet greets who, and the tenant in the baggage if there is one.
func greet(ctx context.Context, who string) (string, error) {
	s := "hello " + who
	if tenant := baggage.FromContext(ctx).Member("tenant").Value(); tenant != "" {
		s += "@" + tenant
	}
	return s, nil
}

// tracedWorkflow runs an activity, a local activity and a child, a
// signal handler that runs an activity and an update handler that runs
// one, waits for both handlers and sleeps on a timer: many workflow
// tasks, and handlers that last across them.
func tracedWorkflow(ctx workflow.Context) (string, error) {
	var signalled, state string
	if err := workflow.SetSignalHandler(ctx, "go", func(ctx workflow.Context, _ converter.Values) error {
		var err error
		signalled, err = workflow.ExecuteActivity[string](ctx, activityOpts, "SignalGreet", "signal").Get(ctx)
		return err
	}, workflow.SignalOptions{}); err != nil {
		return "", err
	}
	if err := workflow.SetUpdateHandler(ctx, "set", func(ctx workflow.Context, args converter.Values) (any, error) {
		var v string
		if err := args.Get(0, &v); err != nil {
			return nil, err
		}
		got, err := workflow.ExecuteActivity[string](ctx, activityOpts, "UpdateGreet", v).Get(ctx)
		state = got
		return got, err
	}, workflow.UpdateOptions{Validator: func(_ workflow.Context, args converter.Values) error {
		var v string
		if err := args.Get(0, &v); err != nil || v == "" {
			return fmt.Errorf("set needs a value")
		}
		return nil
	}}); err != nil {
		return "", err
	}
	if err := workflow.SetQueryHandler(ctx, "state", func(workflow.Context, converter.Values) (any, error) {
		return state, nil
	}, workflow.QueryOptions{}); err != nil {
		return "", err
	}

	main, err := workflow.ExecuteActivity[string](ctx, activityOpts, "Greet", "main").Get(ctx)
	if err != nil {
		return "", err
	}
	local, err := workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}, "LocalGreet", "local").Get(ctx)
	if err != nil {
		return "", err
	}
	child, err := workflow.ExecuteChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{}, "TracedChild").Get(ctx)
	if err != nil {
		return "", err
	}
	if err := workflow.Await(ctx, func() bool { return signalled != "" && state != "" }); err != nil {
		return "", err
	}
	if err := workflow.Sleep(ctx, time.Second); err != nil {
		return "", err
	}
	return strings.Join([]string{main, local, child, signalled, state}, ", "), nil
}

func tracedChild(ctx workflow.Context) (string, error) {
	return workflow.ExecuteActivity[string](ctx, activityOpts, "ChildGreet", "child").Get(ctx)
}

func registerTraced(t *testing.T) func(e *traced, w *worker.Worker) {
	return func(_ *traced, w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Traced", tracedWorkflow))
		testenv.Must(t, w.RegisterWorkflow("TracedChild", tracedChild))
		for _, name := range []string{"Greet", "LocalGreet", "ChildGreet", "SignalGreet", "UpdateGreet"} {
			testenv.Must(t, w.RegisterActivity(name, greet))
		}
	}
}

// wantTraced is the tree of TestTrace, "parent > child" for each span
// (a root's parent is empty), sorted.
var wantTraced = sorted(
	" > client",
	"client > StartWorkflow:Traced",
	"StartWorkflow:Traced > RunWorkflow:Traced",
	"RunWorkflow:Traced > StartActivity:Greet",
	"StartActivity:Greet > RunActivity:Greet",
	"RunWorkflow:Traced > StartActivity:LocalGreet",
	"StartActivity:LocalGreet > RunActivity:LocalGreet",
	"RunWorkflow:Traced > StartChildWorkflow:TracedChild",
	"StartChildWorkflow:TracedChild > RunWorkflow:TracedChild",
	"RunWorkflow:TracedChild > StartActivity:ChildGreet",
	"StartActivity:ChildGreet > RunActivity:ChildGreet",
	"client > SignalWorkflow:go",
	"SignalWorkflow:go > HandleSignal:go",
	"HandleSignal:go > StartActivity:SignalGreet",
	"StartActivity:SignalGreet > RunActivity:SignalGreet",
	"client > UpdateWorkflow:set",
	"UpdateWorkflow:set > ValidateUpdate:set",
	"UpdateWorkflow:set > HandleUpdate:set",
	"HandleUpdate:set > StartActivity:UpdateGreet",
	"StartActivity:UpdateGreet > RunActivity:UpdateGreet",
	"client > QueryWorkflow:state",
	"QueryWorkflow:state > HandleQuery:state",
)

func sorted(s ...string) []string { slices.Sort(s); return s }

// runTraced runs tracedWorkflow under a span "client" of the test's
// own, whose context has the baggage tenant=acme, sending it the signal,
// update and query it expects, and checks its results: every activity
// saw the baggage. It returns the workflow and the client span.
func runTraced(t *testing.T, e *traced) (*client.WorkflowHandle, trace.Span) {
	t.Helper()
	member, err := baggage.NewMember("tenant", "acme")
	testenv.Must(t, err)
	bag, err := baggage.New(member)
	testenv.Must(t, err)
	ctx, root := e.provider.Tracer("test").Start(baggage.ContextWithBaggage(testenv.Context(t), bag), "client")
	h, err := e.c.StartWorkflow(ctx, client.StartWorkflowOptions{ID: testenv.UniqueID("traced"), TaskQueue: e.tq}, "Traced")
	testenv.Must(t, err)
	testenv.TerminateAtEnd(t, h)
	testenv.Must(t, h.Signal(ctx, "go"))
	v, err := h.ExecuteUpdate(ctx, "set", "update")
	testenv.Must(t, err)
	var updated string
	testenv.Must(t, v.Get(0, &updated))
	state, err := client.Query[string](ctx, h, "state")
	testenv.Must(t, err)
	if updated != "hello update@acme" || state != "hello update@acme" {
		t.Errorf("update returned %q and the query %q, want hello update@acme", updated, state)
	}
	res, err := client.Result[string](ctx, h)
	testenv.Must(t, err)
	if want := "hello main@acme, hello local@acme, hello child@acme, hello signal@acme, hello update@acme"; res != want {
		t.Errorf("result %q, want %q", res, want)
	}
	root.End()
	return h, root
}

// TestTrace checks the whole trace of tracedWorkflow, then that the
// cached and uncached runs gave the same one.
func TestTrace(t *testing.T) {
	shapes := map[int][]string{}
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newTraced(t, cacheSize, temporalotel.TracingOptions{}, registerTraced(t))
		h, root := runTraced(t, e)

		spans := e.exporter.GetSpans()
		got := checkTree(t, spans, root.SpanContext().TraceID())
		if !slices.Equal(got, wantTraced) {
			t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantTraced, "\n"))
		}
		shapes[cacheSize] = got

		run := byName(t, spans, "RunWorkflow:Traced")
		if attrs := attrMap(run); attrs["temporalWorkflowID"] != h.ID() || attrs["temporalRunID"] != h.RunID() {
			t.Errorf("RunWorkflow attributes %v, want the workflow's id %s and run id %s", attrs, h.ID(), h.RunID())
		}
		started := testenv.History(t, h)[0].GetEventTime().AsTime()
		if !run.StartTime.Equal(started) {
			t.Errorf("RunWorkflow starts at %v, want the workflow's start %v", run.StartTime, started)
		}
		if act := attrMap(byName(t, spans, "RunActivity:Greet")); act["temporalActivityID"] == "" || act["temporalWorkflowID"] != h.ID() {
			t.Errorf("RunActivity attributes %v, want the activity id and the workflow id", act)
		}
		if upd := attrMap(byName(t, spans, "HandleUpdate:set")); upd["temporalUpdateID"] == "" {
			t.Errorf("HandleUpdate attributes %v, want the update id", upd)
		}
		for _, s := range spans {
			want := trace.SpanKindServer
			if strings.HasPrefix(s.Name, "Start") || strings.HasPrefix(s.Name, "Signal") || strings.HasPrefix(s.Name, "Update") || strings.HasPrefix(s.Name, "Query") {
				want = trace.SpanKindClient
			}
			if s.Name == "client" {
				want = trace.SpanKindInternal
			}
			if s.SpanKind != want {
				t.Errorf("span %s has kind %v, want %v", s.Name, s.SpanKind, want)
			}
		}
	})
	if !t.Failed() && !slices.Equal(shapes[worker.DefaultCacheSize], shapes[0]) {
		t.Errorf("the trace with the cache differs from the one without:\n%s\nvs\n%s",
			strings.Join(shapes[worker.DefaultCacheSize], "\n"), strings.Join(shapes[0], "\n"))
	}
}

// TestTraceDisabled: without signal, query and update tracing, the
// handlers' commands are children of the run, and the baggage the run
// started with reaches their activities.
func TestTraceDisabled(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newTraced(t, cacheSize, temporalotel.TracingOptions{DisableSignalTracing: true, DisableQueryTracing: true, DisableUpdateTracing: true}, registerTraced(t))
		_, root := runTraced(t, e)
		got := checkTree(t, e.exporter.GetSpans(), root.SpanContext().TraceID())
		want := sorted(
			" > client",
			"client > StartWorkflow:Traced",
			"StartWorkflow:Traced > RunWorkflow:Traced",
			"RunWorkflow:Traced > StartActivity:Greet",
			"StartActivity:Greet > RunActivity:Greet",
			"RunWorkflow:Traced > StartActivity:LocalGreet",
			"StartActivity:LocalGreet > RunActivity:LocalGreet",
			"RunWorkflow:Traced > StartChildWorkflow:TracedChild",
			"StartChildWorkflow:TracedChild > RunWorkflow:TracedChild",
			"RunWorkflow:TracedChild > StartActivity:ChildGreet",
			"StartActivity:ChildGreet > RunActivity:ChildGreet",
			"RunWorkflow:Traced > StartActivity:SignalGreet",
			"StartActivity:SignalGreet > RunActivity:SignalGreet",
			"RunWorkflow:Traced > StartActivity:UpdateGreet",
			"StartActivity:UpdateGreet > RunActivity:UpdateGreet",
		)
		if !slices.Equal(got, want) {
			t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// checkTree checks what makes spans one sound trace: each exported once,
// all in trace tid, every parent exported (but the root's), and every
// command's span within the span of the run or handler that issued it. It returns
// the tree as "parent > child" lines, sorted.
func checkTree(t *testing.T, spans tracetest.SpanStubs, tid trace.TraceID) []string {
	t.Helper()
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, s := range spans {
		if prev, dup := byID[s.SpanContext.SpanID()]; dup {
			t.Errorf("span id %s exported twice: %s and %s", s.SpanContext.SpanID(), prev.Name, s.Name)
		}
		byID[s.SpanContext.SpanID()] = s
		if s.SpanContext.TraceID() != tid {
			t.Errorf("span %s is in trace %s, want %s", s.Name, s.SpanContext.TraceID(), tid)
		}
	}
	var lines []string
	for _, s := range spans {
		parent := ""
		if s.Parent.IsValid() {
			p, ok := byID[s.Parent.SpanID()]
			if !ok {
				t.Errorf("span %s names parent %s, which was not exported", s.Name, s.Parent.SpanID())
			}
			parent = p.Name
			long := strings.HasPrefix(p.Name, "RunWorkflow:") || strings.HasPrefix(p.Name, "HandleSignal:") || strings.HasPrefix(p.Name, "HandleUpdate:")
			if long && s.SpanKind == trace.SpanKindClient && (s.StartTime.Before(p.StartTime) || s.EndTime.After(p.EndTime)) {
				t.Errorf("span %s [%v, %v] is not within its parent %s [%v, %v]", s.Name, s.StartTime, s.EndTime, p.Name, p.StartTime, p.EndTime)
			}
		}
		lines = append(lines, parent+" > "+s.Name)
	}
	slices.Sort(lines)
	return lines
}

func byName(t *testing.T, spans tracetest.SpanStubs, name string) tracetest.SpanStub {
	t.Helper()
	for _, s := range spans {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no span %s", name)
	return tracetest.SpanStub{}
}

func attrMap(s tracetest.SpanStub) map[string]string {
	m := map[string]string{}
	for _, a := range s.Attributes {
		m[string(a.Key)] = a.Value.Emit()
	}
	return m
}

// againWorkflow runs an activity and continues as new once; its query
// "n" returns n.
func againWorkflow(ctx workflow.Context, n int) (int, error) {
	if err := workflow.SetQueryHandler(ctx, "n", func(workflow.Context, converter.Values) (any, error) { return n, nil }, workflow.QueryOptions{}); err != nil {
		return 0, err
	}
	if _, err := workflow.ExecuteActivity[string](ctx, activityOpts, "Greet", fmt.Sprint(n)).Get(ctx); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, n+1)
	}
	return n, nil
}

// TestContinueAsNewUntracedStart: a workflow started by a client without
// tracing is the root of its trace, with a trace id of its own that
// every replay agrees on, and its next run is its child. A query of the
// closed first run, from a client without tracing, replays its whole
// history and adds its own span, a child of the run, and nothing else.
func TestContinueAsNewUntracedStart(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newTraced(t, cacheSize, temporalotel.TracingOptions{}, func(_ *traced, w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Again", againWorkflow))
			testenv.Must(t, w.RegisterActivity("Greet", greet))
		})
		h := testenv.Start(t, e.plain, e.tq, client.StartWorkflowOptions{}, "Again", 0)
		testenv.TerminateAtEnd(t, h)
		if n := testenv.Result[int](t, h); n != 1 {
			t.Fatalf("result %d, want 1 (after one continue-as-new)", n)
		}
		// h names the first run.
		if n, err := client.Query[int](testenv.Context(t), h, "n"); err != nil || n != 0 {
			t.Fatalf("query n of the first run = %d, %v; want 0", n, err)
		}

		spans := e.exporter.GetSpans()
		var runs []tracetest.SpanStub
		for _, s := range spans {
			if s.Name == "RunWorkflow:Again" {
				runs = append(runs, s)
			}
		}
		if len(runs) != 2 {
			t.Fatalf("%d RunWorkflow spans, want 2", len(runs))
		}
		first, second := runs[0], runs[1]
		if first.Parent.IsValid() {
			first, second = second, first
		}
		got := checkTree(t, spans, first.SpanContext.TraceID())
		want := sorted(
			" > RunWorkflow:Again",
			"RunWorkflow:Again > StartActivity:Greet",
			"StartActivity:Greet > RunActivity:Greet",
			"RunWorkflow:Again > RunWorkflow:Again",
			"RunWorkflow:Again > HandleQuery:n",
			"RunWorkflow:Again > StartActivity:Greet",
			"StartActivity:Greet > RunActivity:Greet",
		)
		if !slices.Equal(got, want) {
			t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if second.Parent.SpanID() != first.SpanContext.SpanID() {
			t.Errorf("the second run's parent is %s, want the first run's span %s", second.Parent.SpanID(), first.SpanContext.SpanID())
		}
		if first.Status.Code != 0 || len(first.Events) != 0 {
			t.Errorf("the run that continued as new has status %v and events %v, want neither", first.Status, first.Events)
		}
		if attrMap(first)["temporalRunID"] == attrMap(second)["temporalRunID"] {
			t.Errorf("both runs have run id %s", attrMap(first)["temporalRunID"])
		}
	})
}

// headerOp is a synchronous Nexus operation that echoes its input and
// keeps the Nexus header of the request.
type headerOp struct {
	mu     sync.Mutex
	header map[string]string
}

func (o *headerOp) Start(_ context.Context, req *worker.NexusStartRequest) (*worker.NexusStartResult, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.header = maps.Clone(req.Header)
	return &worker.NexusStartResult{Result: req.Input}, nil
}

func (*headerOp) Cancel(context.Context, *worker.NexusCancelRequest) error { return nil }

// TestNexusTrace: a Nexus operation's span context goes to the handler
// in the Nexus header, next to the caller's own fields, whose map is
// not changed; the handler's span is its child, and the parent of the
// workflow a workflow-run operation starts.
func TestNexusTrace(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		op := &headerOp{}
		e := newTraced(t, cacheSize, temporalotel.TracingOptions{}, func(e *traced, w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("NexusCaller", func(ctx workflow.Context, endpoint string) (string, error) {
				c := workflow.NewNexusClient(endpoint, "svc")
				opts := workflow.NexusOperationOptions{ScheduleToCloseTimeout: time.Minute, Header: map[string]string{"tenant": "acme"}}
				echo, err := workflow.ExecuteNexusOperation[string](ctx, c, "echo", "x", opts).Get(ctx)
				if err != nil {
					return "", err
				}
				if len(opts.Header) != 1 {
					return "", fmt.Errorf("the caller's Nexus header became %v", opts.Header)
				}
				run, err := workflow.ExecuteNexusOperation[string](ctx, c, "run", "y", opts).Get(ctx)
				return echo + run, err
			}))
			testenv.Must(t, w.RegisterWorkflow("NexusBacking", func(_ workflow.Context, in string) (string, error) { return in, nil }))
			testenv.Must(t, w.RegisterNexusOperation("svc", "echo", op))
			testenv.Must(t, w.RegisterNexusOperation("svc", "run", worker.NexusWorkflowRunOperation(e.c, "NexusBacking", func(string) client.StartWorkflowOptions {
				return client.StartWorkflowOptions{ID: testenv.UniqueID("backing"), TaskQueue: e.tq}
			})))
		})
		endpoint := strings.ReplaceAll(testenv.UniqueID("ep"), "_", "-")
		srv := server(t)
		if out, err := srv.CLI(testenv.Context(t), "operator", "nexus", "endpoint", "create", "--name", endpoint,
			"--target-namespace", srv.Namespace(), "--target-task-queue", e.tq); err != nil {
			t.Fatalf("creating endpoint: %v\n%s", err, out)
		}
		ctx, root := e.provider.Tracer("test").Start(testenv.Context(t), "client")
		h, err := e.c.StartWorkflow(ctx, client.StartWorkflowOptions{ID: testenv.UniqueID("nexus"), TaskQueue: e.tq}, "NexusCaller", endpoint)
		testenv.Must(t, err)
		testenv.TerminateAtEnd(t, h)
		if got := testenv.Result[string](t, h); got != "xy" {
			t.Errorf("result %q, want xy", got)
		}
		root.End()
		spans := e.exporter.GetSpans()
		got := checkTree(t, spans, root.SpanContext().TraceID())
		want := sorted(
			" > client",
			"client > StartWorkflow:NexusCaller",
			"StartWorkflow:NexusCaller > RunWorkflow:NexusCaller",
			"RunWorkflow:NexusCaller > StartNexusOperation:svc/echo",
			"StartNexusOperation:svc/echo > RunStartNexusOperationHandler:svc/echo",
			"RunWorkflow:NexusCaller > StartNexusOperation:svc/run",
			"StartNexusOperation:svc/run > RunStartNexusOperationHandler:svc/run",
			"RunStartNexusOperationHandler:svc/run > StartWorkflow:NexusBacking",
			"StartWorkflow:NexusBacking > RunWorkflow:NexusBacking",
		)
		if !slices.Equal(got, want) {
			t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}

		op.mu.Lock()
		header := op.header
		op.mu.Unlock()
		sc := trace.SpanContextFromContext(propagation.TraceContext{}.Extract(context.Background(), propagation.MapCarrier(header)))
		if start := byName(t, spans, "StartNexusOperation:svc/echo"); sc.SpanID() != start.SpanContext.SpanID() || header["tenant"] != "acme" {
			t.Errorf("the handler's Nexus header %v carries span %s, want StartNexusOperation's %s and tenant=acme", header, sc.SpanID(), start.SpanContext.SpanID())
		}
	})
}

// adder adds the numbers it is sent by signal or update "add" until the
// sum reaches 3.
func adder(ctx workflow.Context) (int, error) {
	sum := 0
	add := func(_ workflow.Context, args converter.Values) (any, error) {
		var n int
		err := args.Get(0, &n)
		sum += n
		return sum, err
	}
	if err := workflow.SetSignalHandler(ctx, "add", func(ctx workflow.Context, args converter.Values) error {
		_, err := add(ctx, args)
		return err
	}, workflow.SignalOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetUpdateHandler(ctx, "add", add, workflow.UpdateOptions{}); err != nil {
		return 0, err
	}
	err := workflow.Await(ctx, func() bool { return sum >= 3 })
	return sum, err
}

// TestWithStartTrace: signal-with-start starts the run and signals it
// under one span; update-with-start onto the running workflow is the
// parent of the update's handler.
func TestWithStartTrace(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newTraced(t, cacheSize, temporalotel.TracingOptions{}, func(_ *traced, w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Adder", adder))
		})
		ctx, root := e.provider.Tracer("test").Start(testenv.Context(t), "client")
		opts := client.StartWorkflowOptions{ID: testenv.UniqueID("adder"), TaskQueue: e.tq}
		h, err := e.c.SignalWithStartWorkflow(ctx, opts, "add", []any{1}, "Adder")
		testenv.Must(t, err)
		testenv.TerminateAtEnd(t, h)
		opts.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
		u, err := e.c.UpdateWithStartWorkflow(ctx, opts, client.UpdateOptions{}, "add", []any{2}, "Adder")
		testenv.Must(t, err)
		var sum int
		testenv.Must(t, u.Get(ctx, &sum))
		if sum != 3 || testenv.Result[int](t, h) != 3 {
			t.Errorf("sum %d after the update, want 3", sum)
		}
		root.End()
		got := checkTree(t, e.exporter.GetSpans(), root.SpanContext().TraceID())
		want := sorted(
			" > client",
			"client > SignalWithStartWorkflow:Adder",
			"SignalWithStartWorkflow:Adder > RunWorkflow:Adder",
			"SignalWithStartWorkflow:Adder > HandleSignal:add",
			"client > UpdateWithStartWorkflow:add",
			"UpdateWithStartWorkflow:add > HandleUpdate:add",
		)
		if !slices.Equal(got, want) {
			t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// pinger starts a child, signals it once through the child's handle and
// once as an external workflow, and waits for it.
func pinger(ctx workflow.Context) (int, error) {
	child, err := workflow.StartChildWorkflow[int](ctx, workflow.ChildWorkflowOptions{}, "Ponger")
	if err != nil {
		return 0, err
	}
	if _, err := child.Started().Get(ctx); err != nil {
		return 0, err
	}
	if _, err := child.Signal(ctx, "ping").Get(ctx); err != nil {
		return 0, err
	}
	if _, err := workflow.GetExternalWorkflowHandle(ctx, child.ID(), "").Signal(ctx, "ping").Get(ctx); err != nil {
		return 0, err
	}
	return child.Get(ctx)
}

// ponger returns after two pings.
func ponger(ctx workflow.Context) (int, error) {
	pings := 0
	if err := workflow.SetSignalHandler(ctx, "ping", func(workflow.Context, converter.Values) error {
		pings++
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return 0, err
	}
	err := workflow.Await(ctx, func() bool { return pings == 2 })
	return pings, err
}

// TestWorkflowSignalsTrace: a workflow's signals to its child, through
// the child's handle and as an external workflow, are the parents of the
// child's handlers.
func TestWorkflowSignalsTrace(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newTraced(t, cacheSize, temporalotel.TracingOptions{}, func(_ *traced, w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Pinger", pinger))
			testenv.Must(t, w.RegisterWorkflow("Ponger", ponger))
		})
		h := testenv.Start(t, e.plain, e.tq, client.StartWorkflowOptions{}, "Pinger")
		testenv.TerminateAtEnd(t, h)
		if n := testenv.Result[int](t, h); n != 2 {
			t.Fatalf("result %d, want 2", n)
		}
		spans := e.exporter.GetSpans()
		got := checkTree(t, spans, byName(t, spans, "RunWorkflow:Pinger").SpanContext.TraceID())
		want := sorted(
			" > RunWorkflow:Pinger",
			"RunWorkflow:Pinger > StartChildWorkflow:Ponger",
			"StartChildWorkflow:Ponger > RunWorkflow:Ponger",
			"RunWorkflow:Pinger > SignalChildWorkflow:ping",
			"SignalChildWorkflow:ping > HandleSignal:ping",
			"RunWorkflow:Pinger > SignalExternalWorkflow:ping",
			"SignalExternalWorkflow:ping > HandleSignal:ping",
		)
		if !slices.Equal(got, want) {
			t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
