package worker_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/temporal/metricstest"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// tenantKey is where tenantPropagator keeps the tenant in Go and in
// workflow contexts.
type tenantKey struct{}

// tenantPropagator carries a tenant name in the header "tenant".
type tenantPropagator struct{}

func (tenantPropagator) Inject(ctx context.Context, h temporal.Header) error {
	if v, ok := ctx.Value(tenantKey{}).(string); ok {
		return putTenant(h, v)
	}
	return nil
}

func (tenantPropagator) Extract(ctx context.Context, h temporal.Header) (context.Context, error) {
	v, ok, err := getTenant(h)
	if !ok || err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, tenantKey{}, v), nil
}

func (tenantPropagator) InjectFromWorkflow(ctx workflow.Context, h workflow.Header) error {
	if v, ok := ctx.Value(tenantKey{}).(string); ok {
		return putTenant(h, v)
	}
	return nil
}

func (tenantPropagator) ExtractToWorkflow(ctx workflow.Context, h workflow.Header) (workflow.Context, error) {
	v, ok, err := getTenant(h)
	if !ok || err != nil {
		return ctx, err
	}
	return workflow.WithValue(ctx, tenantKey{}, v), nil
}

func putTenant(h temporal.Header, v string) error {
	p, err := converter.Default().ToPayload(v)
	h["tenant"] = p
	return err
}

func getTenant(h temporal.Header) (string, bool, error) {
	p := h["tenant"]
	if p == nil {
		return "", false, nil
	}
	var v string
	err := converter.Default().FromPayload(p, &v)
	return v, err == nil, err
}

func tenantOf(ctx interface{ Value(any) any }) string {
	v, _ := ctx.Value(tenantKey{}).(string)
	return v
}

// tenantWorkflow reports the tenant it, its handlers, activities and
// child see.
func tenantWorkflow(ctx workflow.Context) (string, error) {
	var fromSignal string
	if err := workflow.SetSignalHandler(ctx, "sig", func(ctx workflow.Context, _ converter.Values) error {
		fromSignal = tenantOf(ctx)
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return "", err
	}
	if err := workflow.SetQueryHandler(ctx, "tenant", func(ctx workflow.Context, _ converter.Values) (any, error) {
		return tenantOf(ctx), nil
	}, workflow.QueryOptions{}); err != nil {
		return "", err
	}
	if err := workflow.Await(ctx, func() bool { return fromSignal != "" }); err != nil {
		return "", err
	}
	opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
	act, err := workflow.ExecuteActivity[string](ctx, opts, "WhoAmI").Get(ctx)
	if err != nil {
		return "", err
	}
	local, err := workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}, "WhoAmI").Get(ctx)
	if err != nil {
		return "", err
	}
	child, err := workflow.ExecuteChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{}, "TenantChild").Get(ctx)
	if err != nil {
		return "", err
	}
	if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
		return "", err
	}
	return fmt.Sprintf("wf=%s signal=%s activity=%s local=%s child=%s", tenantOf(ctx), fromSignal, act, local, child), nil
}

// recorder is a workflow interceptor that records, outside replay, the
// calls it sees, and stamps a header on every activity it schedules.
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) add(ctx workflow.Context, s string) {
	if workflow.IsReplaying(ctx) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

func (r *recorder) InterceptWorkflow(info *workflow.Info, next workflow.Inbound, out workflow.Outbound) (workflow.Inbound, workflow.Outbound) {
	return recordIn{workflow.InboundBase{Next: next}, r}, recordOut{workflow.OutboundBase{Next: out}, r}
}

type recordIn struct {
	workflow.InboundBase
	r *recorder
}

func (i recordIn) ExecuteWorkflow(ctx workflow.Context, in *workflow.ExecuteWorkflowInput) (*commonpb.Payloads, error) {
	i.r.add(ctx, "execute "+workflow.GetInfo(ctx).WorkflowType)
	return i.Next.ExecuteWorkflow(ctx, in)
}

func (i recordIn) HandleSignal(ctx workflow.Context, in *workflow.HandleSignalInput) error {
	i.r.add(ctx, "signal "+in.Name)
	return i.Next.HandleSignal(ctx, in)
}

func (i recordIn) HandleQuery(ctx workflow.Context, in *workflow.HandleQueryInput) (any, error) {
	// Queries are answered on a replayed state: record them always.
	i.r.mu.Lock()
	i.r.calls = append(i.r.calls, "query "+in.Name)
	i.r.mu.Unlock()
	return i.Next.HandleQuery(ctx, in)
}

type recordOut struct {
	workflow.OutboundBase
	r *recorder
}

func (o recordOut) StartActivity(ctx workflow.Context, in *workflow.ActivityInput) workflow.ActivityHandle[any] {
	o.r.add(ctx, "activity "+in.Activity)
	if in.Header == nil {
		in.Header = workflow.Header{}
	}
	p, _ := converter.Default().ToPayload("recorder")
	in.Header["stamped-by"] = p
	return o.Next.StartActivity(ctx, in)
}

func (o recordOut) StartLocalActivity(ctx workflow.Context, in *workflow.LocalActivityInput) workflow.LocalActivityHandle[any] {
	o.r.add(ctx, "local activity "+in.Activity)
	return o.Next.StartLocalActivity(ctx, in)
}

func (o recordOut) StartChildWorkflow(ctx workflow.Context, in *workflow.ChildWorkflowInput) (workflow.ChildWorkflowHandle[any], error) {
	o.r.add(ctx, "child "+in.WorkflowType)
	return o.Next.StartChildWorkflow(ctx, in)
}

func (o recordOut) NewTimer(ctx workflow.Context, in *workflow.TimerInput) workflow.Future[struct{}] {
	o.r.add(ctx, "timer "+in.Duration.String())
	return o.Next.NewTimer(ctx, in)
}

func TestInterceptorsAndPropagators(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.c = testenv.Dial(t, srv, client.Options{Logger: e.log, ContextPropagators: []temporal.ContextPropagator{tenantPropagator{}}})
		rec, act := &recorder{}, &actRecorder{}
		e.worker(worker.Options{CacheSize: cacheSize, WorkflowInterceptors: []workflow.Interceptor{rec}, ActivityInterceptors: []activity.Interceptor{act}}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Tenant", tenantWorkflow))
			testenv.Must(t, w.RegisterWorkflow("TenantChild", func(ctx workflow.Context) (string, error) { return tenantOf(ctx), nil }))
			testenv.Must(t, w.RegisterActivity("WhoAmI", func(ctx context.Context) (string, error) { return tenantOf(ctx), nil }))
		})
		ctx := testenv.Context(t)
		h, err := e.c.StartWorkflow(context.WithValue(ctx, tenantKey{}, "acme"), client.StartWorkflowOptions{TaskQueue: e.tq}, "Tenant")
		testenv.Must(t, err)
		testenv.TerminateAtEnd(t, h)

		got, err := client.Query[string](context.WithValue(ctx, tenantKey{}, "gamma"), h, "tenant")
		testenv.Must(t, err)
		if got != "gamma" {
			t.Errorf("query handler saw tenant %q, want the query's own, gamma", got)
		}
		testenv.Must(t, h.Signal(context.WithValue(ctx, tenantKey{}, "beta"), "sig", "x"))

		want := "wf=acme signal=beta activity=acme local=acme child=acme"
		if res := testenv.Result[string](t, h); res != want {
			t.Errorf("result %q, want %q", res, want)
		}

		calls := rec.seen()
		for _, c := range []string{"execute Tenant", "query tenant", "signal sig", "activity WhoAmI", "local activity WhoAmI", "child TenantChild", "timer 1ms", "execute TenantChild"} {
			if n := countOf(calls, c); n != 1 {
				t.Errorf("interceptor saw %q %d times outside replay, want once; all calls: %q", c, n, calls)
			}
		}

		act.mu.Lock()
		acts := slices.Clone(act.calls)
		act.mu.Unlock()
		slices.Sort(acts)
		if want := []string{"WhoAmI local=false stamped-by=recorder", "WhoAmI local=true stamped-by="}; !slices.Equal(acts, want) {
			t.Errorf("activity interceptor saw %q, want %q", acts, want)
		}

		evs := testenv.History(t, h)
		sched := testenv.First(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).GetActivityTaskScheduledEventAttributes()
		var by, tenant string
		testenv.Must(t, converter.Default().FromPayload(sched.GetHeader().GetFields()["stamped-by"], &by))
		testenv.Must(t, converter.Default().FromPayload(sched.GetHeader().GetFields()["tenant"], &tenant))
		if by != "recorder" || tenant != "acme" {
			t.Errorf("activity header: stamped-by %q tenant %q, want recorder and acme", by, tenant)
		}
		start := evs[0].GetWorkflowExecutionStartedEventAttributes()
		if start.GetHeader().GetFields()["tenant"] == nil {
			t.Errorf("start event has no tenant header: %v", start.GetHeader())
		}
	})
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// panicky is an interceptor whose StartActivity panics.
type panicky struct{}

func (panicky) InterceptWorkflow(_ *workflow.Info, next workflow.Inbound, out workflow.Outbound) (workflow.Inbound, workflow.Outbound) {
	return next, panickyOut{workflow.OutboundBase{Next: out}}
}

type panickyOut struct{ workflow.OutboundBase }

func (panickyOut) StartActivity(workflow.Context, *workflow.ActivityInput) workflow.ActivityHandle[any] {
	panic("audit backend unreachable")
}

func TestPanickingInterceptorFailsTask(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize, WorkflowInterceptors: []workflow.Interceptor{&recorder{}, panicky{}}}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Pipeline", pipelineWorkflow))
			testenv.Must(t, w.RegisterWorkflow("Quick", func(ctx workflow.Context) (string, error) { return "ok", nil }))
		})
		h := e.start("Pipeline", "x")
		testenv.TerminateAtEnd(t, h)
		evs := testenv.WaitHistory(t, h, "a failed workflow task", testenv.HasEvent(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED))
		msg := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED).GetWorkflowTaskFailedEventAttributes().GetFailure().GetMessage()
		if !strings.Contains(msg, "workflow interceptor worker_test.panicky panicked: audit backend unreachable") {
			t.Errorf("task failure %q does not name the interceptor and its panic", msg)
		}
		if testenv.Count(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) != 0 {
			t.Errorf("an activity was scheduled despite the panic")
		}
		// The worker is healthy: other workflows complete.
		if got := testenv.Result[string](t, e.start("Quick")); got != "ok" {
			t.Errorf("Quick returned %q", got)
		}
	})
}

// clientAuth is a client interceptor that records the calls it sees and
// puts an "auth" header on those that carry one.
type clientAuth struct {
	mu    sync.Mutex
	calls []string
}

func (a *clientAuth) InterceptClient(next client.Outbound) client.Outbound {
	return clientAuthOut{client.OutboundBase{Next: next}, a}
}

func (a *clientAuth) add(s string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, s)
}

func authHeader(h *temporal.Header) {
	if *h == nil {
		*h = temporal.Header{}
	}
	p, _ := converter.Default().ToPayload("token-1")
	(*h)["auth"] = p
}

type clientAuthOut struct {
	client.OutboundBase
	a *clientAuth
}

func (o clientAuthOut) StartWorkflow(ctx context.Context, in *client.StartWorkflowInput) (*client.WorkflowHandle, error) {
	o.a.add("start " + in.WorkflowType)
	authHeader(&in.Header)
	return o.Next.StartWorkflow(ctx, in)
}

func (o clientAuthOut) SignalWorkflow(ctx context.Context, in *client.SignalWorkflowInput) error {
	o.a.add("signal " + in.SignalName)
	authHeader(&in.Header)
	return o.Next.SignalWorkflow(ctx, in)
}

func (o clientAuthOut) QueryWorkflow(ctx context.Context, in *client.QueryWorkflowInput) (converter.Values, error) {
	o.a.add("query " + in.QueryName)
	authHeader(&in.Header)
	return o.Next.QueryWorkflow(ctx, in)
}

func (o clientAuthOut) UpdateWorkflow(ctx context.Context, in *client.UpdateWorkflowInput) (*client.UpdateHandle, error) {
	o.a.add("update " + in.UpdateName)
	authHeader(&in.Header)
	return o.Next.UpdateWorkflow(ctx, in)
}

func (o clientAuthOut) DescribeWorkflow(ctx context.Context, in *client.DescribeWorkflowInput) (*client.WorkflowDescription, error) {
	o.a.add("describe")
	return o.Next.DescribeWorkflow(ctx, in)
}

func (o clientAuthOut) CancelWorkflow(ctx context.Context, in *client.CancelWorkflowInput) error {
	o.a.add("cancel")
	return o.Next.CancelWorkflow(ctx, in)
}

// authz is a workflow interceptor that rejects updates and ignores
// signals without the "auth" header.
type authz struct{}

func (authz) InterceptWorkflow(_ *workflow.Info, next workflow.Inbound, out workflow.Outbound) (workflow.Inbound, workflow.Outbound) {
	return authzIn{workflow.InboundBase{Next: next}}, out
}

type authzIn struct{ workflow.InboundBase }

func (i authzIn) ValidateUpdate(ctx workflow.Context, in *workflow.UpdateInput) error {
	if in.Header["auth"] == nil {
		return temporal.NewApplicationError("unauthenticated update "+in.Name, "Unauthenticated")
	}
	return i.Next.ValidateUpdate(ctx, in)
}

func (i authzIn) HandleSignal(ctx workflow.Context, in *workflow.HandleSignalInput) error {
	if in.Header["auth"] == nil {
		workflow.GetLogger(ctx).Warn("unauthenticated signal dropped", "signal", in.Name)
		return nil
	}
	return i.Next.HandleSignal(ctx, in)
}

// counterWorkflow counts "inc" updates and signals until cancelled.
func counterWorkflow(ctx workflow.Context) (int, error) {
	n := 0
	inc := func(workflow.Context, converter.Values) (any, error) { n++; return n, nil }
	if err := workflow.SetUpdateHandler(ctx, "inc", inc, workflow.UpdateOptions{
		Validator: func(workflow.Context, converter.Values) error { return nil },
	}); err != nil {
		return 0, err
	}
	if err := workflow.SetSignalHandler(ctx, "inc", func(ctx workflow.Context, args converter.Values) error {
		_, err := inc(ctx, args)
		return err
	}, workflow.SignalOptions{}); err != nil {
		return 0, err
	}
	if err := workflow.SetQueryHandler(ctx, "n", func(workflow.Context, converter.Values) (any, error) { return n, nil }, workflow.QueryOptions{}); err != nil {
		return 0, err
	}
	err := workflow.Await(ctx, func() bool { return false })
	return n, err
}

func TestClientInterceptor(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		auth := &clientAuth{}
		authed := testenv.Dial(t, srv, client.Options{Logger: e.log, Interceptors: []client.Interceptor{auth}})
		e.worker(worker.Options{CacheSize: cacheSize, WorkflowInterceptors: []workflow.Interceptor{authz{}}}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Counter", counterWorkflow))
		})
		ctx := testenv.Context(t)
		h, err := authed.StartWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: e.tq}, "Counter")
		testenv.Must(t, err)
		testenv.TerminateAtEnd(t, h)

		v, err := h.ExecuteUpdate(ctx, "inc")
		testenv.Must(t, err)
		var n int
		testenv.Must(t, v.Get(0, &n))
		if n != 1 {
			t.Errorf("authenticated update returned %d, want 1", n)
		}
		testenv.Must(t, h.Signal(ctx, "inc"))

		// The same calls without the interceptor: the update is rejected
		// by the workflow interceptor, the signal dropped.
		plain := e.c.GetWorkflow(h.ID(), "")
		_, err = plain.ExecuteUpdate(ctx, "inc")
		var uf *client.UpdateFailedError
		if !errors.As(err, &uf) || !strings.Contains(err.Error(), "unauthenticated update inc") {
			t.Errorf("update without auth: err = %v, want an UpdateFailedError naming it unauthenticated", err)
		}
		testenv.Must(t, plain.Signal(ctx, "inc"))
		testenv.WaitHistory(t, h, "both signals", func(evs []*historypb.HistoryEvent) bool {
			return testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) == 2 &&
				testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) >= 3
		})
		got, err := client.Query[int](ctx, h, "n")
		testenv.Must(t, err)
		if got != 2 {
			t.Errorf("counter %d, want 2 (authenticated update and signal only)", got)
		}
		_, err = h.Describe(ctx)
		testenv.Must(t, err)
		testenv.Must(t, h.Cancel(ctx))

		auth.mu.Lock()
		calls := slices.Clone(auth.calls)
		auth.mu.Unlock()
		want := []string{"start Counter", "update inc", "signal inc", "query n", "describe", "cancel"}
		if !slices.Equal(calls, want) {
			t.Errorf("client interceptor saw %q, want %q", calls, want)
		}
	})
}

// panickySignal is a client interceptor whose SignalWorkflow panics.
type panickySignal struct{}

func (panickySignal) InterceptClient(next client.Outbound) client.Outbound {
	return panickySignalOut{client.OutboundBase{Next: next}}
}

type panickySignalOut struct{ client.OutboundBase }

func (panickySignalOut) SignalWorkflow(context.Context, *client.SignalWorkflowInput) error {
	panic("tenant lookup failed")
}

func TestPanickingClientInterceptor(t *testing.T) {
	e := newEnv(t)
	c := testenv.Dial(t, srv, client.Options{Logger: e.log, Interceptors: []client.Interceptor{&clientAuth{}, panickySignal{}}})
	err := c.SignalWorkflow(testenv.Context(t), "no-such-workflow", "", "s")
	var pe *client.InterceptorPanicError
	if !errors.As(err, &pe) || pe.Interceptor != "worker_test.panickySignal" || !strings.Contains(err.Error(), "client interceptor worker_test.panickySignal panicked: tenant lookup failed") {
		t.Fatalf("err = %v, want an InterceptorPanicError naming worker_test.panickySignal", err)
	}
}

// actRecorder is an activity interceptor that records each attempt with
// the "stamped-by" header it carries.
type actRecorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *actRecorder) InterceptActivity(_ context.Context, next activity.Inbound, out activity.Outbound) (activity.Inbound, activity.Outbound) {
	return actRecorderIn{activity.InboundBase{Next: next}, r}, out
}

type actRecorderIn struct {
	activity.InboundBase
	r *actRecorder
}

func (i actRecorderIn) ExecuteActivity(ctx context.Context, in *activity.ExecuteInput) (*commonpb.Payloads, error) {
	var by string
	if p := in.Header["stamped-by"]; p != nil {
		_ = converter.Default().FromPayload(p, &by)
	}
	info := activity.GetInfo(ctx)
	i.r.mu.Lock()
	i.r.calls = append(i.r.calls, fmt.Sprintf("%s local=%t stamped-by=%s", info.ActivityType, info.IsLocal, by))
	i.r.mu.Unlock()
	return i.Next.ExecuteActivity(ctx, in)
}

// panickyAct is an activity interceptor that panics.
type panickyAct struct{}

func (panickyAct) InterceptActivity(_ context.Context, next activity.Inbound, out activity.Outbound) (activity.Inbound, activity.Outbound) {
	return panickyActIn{}, out
}

type panickyActIn struct{}

func (panickyActIn) ExecuteActivity(context.Context, *activity.ExecuteInput) (*commonpb.Payloads, error) {
	panic("quota service down")
}

func TestPanickingActivityInterceptor(t *testing.T) {
	e := newEnv(t)
	e.worker(worker.Options{ActivityInterceptors: []activity.Interceptor{&actRecorder{}, panickyAct{}}}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Pipeline", pipelineWorkflow))
		testenv.Must(t, w.RegisterActivity("Upper", func(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil }))
	})
	h := e.start("Pipeline", "x")
	_, err := client.Result[string](testenv.Context(t), h)
	if err == nil || !strings.Contains(err.Error(), "activity interceptor worker_test.panickyAct panicked: quota service down") {
		t.Fatalf("workflow error %v, want the activity to fail naming the interceptor", err)
	}
	evs := testenv.History(t, h)
	if n := testenv.Count(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED); n != 1 {
		t.Errorf("%d activity attempts, want 1 (an interceptor panic is not retried)", n)
	}
}

// badHeader is a propagator that cannot read any header it is given.
type badHeader struct{ tenantPropagator }

func (badHeader) Extract(ctx context.Context, h temporal.Header) (context.Context, error) {
	if len(h) == 0 {
		return ctx, nil
	}
	return ctx, errors.New("undecodable header")
}

func (badHeader) ExtractToWorkflow(ctx workflow.Context, h workflow.Header) (workflow.Context, error) {
	if len(h) == 0 {
		return ctx, nil
	}
	return ctx, errors.New("undecodable header")
}

// TestUndecodableHeaderIsSkipped: a propagator that fails to read a
// header is logged and skipped; the others' values still arrive and the
// workflow and its activity run.
func TestUndecodableHeaderIsSkipped(t *testing.T) {
	e := newEnv(t)
	var logs testenv.LogBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e.c = testenv.Dial(t, srv, client.Options{Logger: e.log, ContextPropagators: []temporal.ContextPropagator{badHeader{}, tenantPropagator{}}})
	e.worker(worker.Options{Logger: log}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Tenant", func(ctx workflow.Context) (string, error) {
			act, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "WhoAmI").Get(ctx)
			return tenantOf(ctx) + "/" + act, err
		}))
		testenv.Must(t, w.RegisterActivity("WhoAmI", func(ctx context.Context) (string, error) { return tenantOf(ctx), nil }))
	})
	h, err := e.c.StartWorkflow(context.WithValue(testenv.Context(t), tenantKey{}, "acme"), client.StartWorkflowOptions{TaskQueue: e.tq}, "Tenant")
	testenv.Must(t, err)
	if got := testenv.Result[string](t, h); got != "acme/acme" {
		t.Errorf("result %q, want acme/acme", got)
	}
	for _, where := range []string{"could not read the header", "could not read the activity's header"} {
		if lines := logs.Lines(where, "worker_test.badHeader", "undecodable header"); len(lines) == 0 {
			t.Errorf("no warning %q naming the propagator:\n%s", where, logs.String())
		}
	}
}

// outRecorder is an activity interceptor whose Outbound records the
// activity's calls to the activity package and tags its logger.
type outRecorder struct {
	mu    sync.Mutex
	calls []string
	panic atomic.Bool // GetInfo panics
}

func (r *outRecorder) InterceptActivity(_ context.Context, next activity.Inbound, out activity.Outbound) (activity.Inbound, activity.Outbound) {
	return next, outRecorderOut{activity.OutboundBase{Next: out}, r}
}

func (r *outRecorder) add(s string) {
	r.mu.Lock()
	r.calls = append(r.calls, s)
	r.mu.Unlock()
}

type outRecorderOut struct {
	activity.OutboundBase
	r *outRecorder
}

func (o outRecorderOut) GetInfo(ctx context.Context) activity.Info {
	if o.r.panic.Load() {
		panic("info service down")
	}
	o.r.add("GetInfo")
	return o.Next.GetInfo(ctx)
}

func (o outRecorderOut) GetLogger(ctx context.Context) *slog.Logger {
	o.r.add("GetLogger")
	return o.Next.GetLogger(ctx).With("audited", true)
}

func (o outRecorderOut) GetMetricsHandler(ctx context.Context) temporal.MetricsHandler {
	o.r.add("GetMetricsHandler")
	return o.Next.GetMetricsHandler(ctx)
}

func (o outRecorderOut) RecordHeartbeat(ctx context.Context, details ...any) {
	o.r.add(fmt.Sprint("RecordHeartbeat", details))
	o.Next.RecordHeartbeat(ctx, details...)
}

func (o outRecorderOut) HasHeartbeatDetails(ctx context.Context) bool {
	o.r.add("HasHeartbeatDetails")
	return o.Next.HasHeartbeatDetails(ctx)
}

// TestActivityOutboundInterceptor checks that an activity's calls to the
// activity package go through the interceptors' Outbound, in activities
// and local activities, that GetMetricsHandler is the worker's handler
// tagged with the activity, and that a panicking Outbound fails the
// attempt naming its interceptor.
func TestActivityOutboundInterceptor(t *testing.T) {
	e := newEnv(t)
	rec := &outRecorder{}
	metrics := metricstest.New()
	var logs testenv.LogBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	e.worker(worker.Options{ActivityInterceptors: []activity.Interceptor{rec}, MetricsHandler: metrics, Logger: log}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Audited", func(ctx workflow.Context) (string, error) {
			a, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}}, "Audit").Get(ctx)
			if err != nil {
				return "", err
			}
			l, err := workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Audit").Get(ctx)
			return a + "," + l, err
		}))
		testenv.Must(t, w.RegisterActivity("Audit", func(ctx context.Context) (string, error) {
			activity.RecordHeartbeat(ctx, 42)
			_ = activity.HasHeartbeatDetails(ctx)
			activity.GetMetricsHandler(ctx).Counter("audits").Inc(1)
			activity.GetLogger(ctx).Info("audit done")
			return activity.GetInfo(ctx).ActivityType, nil
		}))
	})
	got := testenv.Result[string](t, e.start("Audited"))
	if got != "Audit,Audit" {
		t.Errorf("result %q, want Audit,Audit", got)
	}
	want := []string{"RecordHeartbeat[42]", "HasHeartbeatDetails", "GetMetricsHandler", "GetLogger", "GetInfo"}
	rec.mu.Lock()
	calls := slices.Clone(rec.calls)
	rec.mu.Unlock()
	if !slices.Equal(calls, append(slices.Clone(want), want...)) {
		t.Errorf("outbound calls %v, want %v twice", calls, want)
	}
	if n := len(logs.Lines("audit done", "audited=true")); n != 2 {
		t.Errorf("%d audited log lines, want 2:\n%s", n, logs.String())
	}
	for _, wt := range []string{temporal.WorkerTypeActivity, temporal.WorkerTypeLocalActivity} {
		tags := map[string]string{temporal.TagActivityType: "Audit", temporal.TagWorkflowType: "Audited", temporal.TagWorkerType: wt, temporal.TagTaskQueue: e.tq}
		if n := metrics.Count("audits", tags); n != 1 {
			t.Errorf("audits%v = %d, want 1", tags, n)
		}
	}

	rec.panic.Store(true)
	err := e.start("Audited").Get(testenv.Context(t), nil)
	if err == nil || !strings.Contains(err.Error(), "activity interceptor *worker_test.outRecorder panicked: info service down") {
		t.Errorf("workflow error %v, want the activity's failure naming the interceptor", err)
	}
}
