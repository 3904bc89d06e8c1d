package interop

// The SDK metrics' names: the same workload on sdk-go and on our SDK, each
// with a recording handler; every name sdk-go emits must be one we emit.

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	sdkactivity "go.temporal.io/sdk/activity"
	sdkclient "go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdktemporal "go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	sdkworkflow "go.temporal.io/sdk/workflow"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/temporal/metricstest"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// sdkNames is an sdk-go metrics handler that records the names it is sent.
type sdkNames struct {
	mu    *sync.Mutex
	names map[string]bool
}

func newSDKNames() sdkNames { return sdkNames{mu: &sync.Mutex{}, names: map[string]bool{}} }

func (h sdkNames) add(name string) {
	h.mu.Lock()
	h.names[name] = true
	h.mu.Unlock()
}

func (h sdkNames) WithTags(map[string]string) sdkclient.MetricsHandler { return h }
func (h sdkNames) Counter(name string) sdkclient.MetricsCounter {
	return sdkCounter(func(int64) { h.add(name) })
}
func (h sdkNames) Gauge(name string) sdkclient.MetricsGauge {
	return sdkGauge(func(float64) { h.add(name) })
}
func (h sdkNames) Timer(name string) sdkclient.MetricsTimer {
	return sdkTimer(func(time.Duration) { h.add(name) })
}

func (h sdkNames) sorted() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Sorted(maps.Keys(h.names))
}

type (
	sdkCounter func(int64)
	sdkGauge   func(float64)
	sdkTimer   func(time.Duration)
)

func (f sdkCounter) Inc(v int64)          { f(v) }
func (f sdkGauge) Update(v float64)       { f(v) }
func (f sdkTimer) Record(v time.Duration) { f(v) }

// The workload, for each SDK: a workflow that runs an activity, a local
// activity, a child and a timer and waits for a signal; one whose
// activity fails; one that fails; one whose first workflow task panics.

func ourMetered(ctx workflow.Context) error {
	if _, err := workflow.ExecuteActivity[struct{}](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Act").Get(ctx); err != nil {
		return err
	}
	if _, err := workflow.ExecuteLocalActivity[struct{}](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Act").Get(ctx); err != nil {
		return err
	}
	if _, err := workflow.ExecuteChildWorkflow[struct{}](ctx, workflow.ChildWorkflowOptions{}, "MeteredChild").Get(ctx); err != nil {
		return err
	}
	if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return err
	}
	pinged := false
	if err := workflow.SetSignalHandler(ctx, "ping", func(workflow.Context, converter.Values) error { pinged = true; return nil }, workflow.SignalOptions{}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return pinged })
}

func ourFailingActivity(ctx workflow.Context) error {
	opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1}}
	_, err := workflow.ExecuteActivity[struct{}](ctx, opts, "Fail").Get(ctx)
	if err == nil {
		return errors.New("activity Fail succeeded")
	}
	return nil
}

func sdkMetered(ctx sdkworkflow.Context) error {
	actx := sdkworkflow.WithActivityOptions(ctx, sdkworkflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	if err := sdkworkflow.ExecuteActivity(actx, "Act").Get(ctx, nil); err != nil {
		return err
	}
	lctx := sdkworkflow.WithLocalActivityOptions(ctx, sdkworkflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second})
	if err := sdkworkflow.ExecuteLocalActivity(lctx, "Act").Get(ctx, nil); err != nil {
		return err
	}
	if err := sdkworkflow.ExecuteChildWorkflow(ctx, "MeteredChild").Get(ctx, nil); err != nil {
		return err
	}
	if err := sdkworkflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return err
	}
	sdkworkflow.GetSignalChannel(ctx, "ping").Receive(ctx, nil)
	return nil
}

func sdkFailingActivity(ctx sdkworkflow.Context) error {
	actx := sdkworkflow.WithActivityOptions(ctx, sdkworkflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second, RetryPolicy: &sdktemporal.RetryPolicy{MaximumAttempts: 1}})
	if err := sdkworkflow.ExecuteActivity(actx, "Fail").Get(ctx, nil); err == nil {
		return errors.New("activity Fail succeeded")
	}
	return nil
}

// TestMetricNamesSupersetOfSDKGo runs the workload on both SDKs and checks
// that our worker and client emit every metric name sdk-go emits.
func TestMetricNamesSupersetOfSDKGo(t *testing.T) {
	e := newEnv(t)
	ctx := testenv.Context(t)
	act := func(context.Context) error { return nil }
	fail := func(context.Context) error { return errors.New("no") }
	child := func(workflow.Context) error { return nil }
	sdkChild := func(sdkworkflow.Context) error { return nil }
	failing := func(workflow.Context) error { return errors.New("failed on purpose") }
	sdkFailing := func(sdkworkflow.Context) error { return errors.New("failed on purpose") }
	var ourFlaky, sdkFlaky sync.Once
	flaky := func(workflow.Context) error { ourFlaky.Do(func() { panic("first task fails") }); return nil }
	sdkFlakyWF := func(sdkworkflow.Context) error { sdkFlaky.Do(func() { panic("first task fails") }); return nil }

	// sdk-go.
	names := newSDKNames()
	sc, err := sdkclient.DialContext(ctx, sdkclient.Options{
		HostPort: srv.Address(), Namespace: srv.Namespace(), Logger: sdklog.NewStructuredLogger(e.log), MetricsHandler: names,
	})
	testenv.Must(t, err)
	defer sc.Close()
	sw := sdkworker.New(sc, e.sdkTQ, sdkworker.Options{})
	sw.RegisterWorkflowWithOptions(sdkMetered, sdkworkflow.RegisterOptions{Name: "Metered"})
	sw.RegisterWorkflowWithOptions(sdkChild, sdkworkflow.RegisterOptions{Name: "MeteredChild"})
	sw.RegisterWorkflowWithOptions(sdkFailingActivity, sdkworkflow.RegisterOptions{Name: "FailingActivity"})
	sw.RegisterWorkflowWithOptions(sdkFailing, sdkworkflow.RegisterOptions{Name: "Failing"})
	sw.RegisterWorkflowWithOptions(sdkFlakyWF, sdkworkflow.RegisterOptions{Name: "Flaky"})
	sw.RegisterActivityWithOptions(act, activityName("Act"))
	sw.RegisterActivityWithOptions(fail, activityName("Fail"))
	testenv.Must(t, sw.Start())
	for _, wt := range []string{"Metered", "FailingActivity", "Failing", "Flaky"} {
		run, err := sc.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{TaskQueue: e.sdkTQ}, wt)
		testenv.Must(t, err)
		if wt == "Metered" {
			testenv.Must(t, sc.SignalWorkflow(ctx, run.GetID(), "", "ping", "x"))
		}
		err = run.Get(ctx, nil)
		if (err != nil) != (wt == "Failing") {
			t.Fatalf("sdk-go %s: %v", wt, err)
		}
	}
	sw.Stop()

	// Ours.
	ours := metricstest.New()
	oc := testenv.Dial(t, srv, client.Options{Logger: e.log, MetricsHandler: ours})
	ow := worker.New(oc, e.ourTQ, worker.Options{CacheSize: worker.DefaultCacheSize, Logger: e.log})
	testenv.Must(t, ow.RegisterWorkflow("Metered", ourMetered))
	testenv.Must(t, ow.RegisterWorkflow("MeteredChild", child))
	testenv.Must(t, ow.RegisterWorkflow("FailingActivity", ourFailingActivity))
	testenv.Must(t, ow.RegisterWorkflow("Failing", failing))
	testenv.Must(t, ow.RegisterWorkflow("Flaky", flaky))
	testenv.Must(t, ow.RegisterActivity("Act", act))
	testenv.Must(t, ow.RegisterActivity("Fail", fail))
	testenv.Must(t, ow.Start())
	for _, wt := range []string{"Metered", "FailingActivity", "Failing", "Flaky"} {
		h, err := oc.StartWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: e.ourTQ}, wt)
		testenv.Must(t, err)
		if wt == "Metered" {
			testenv.Must(t, h.Signal(ctx, "ping", "x"))
		}
		err = h.Get(ctx, nil)
		if (err != nil) != (wt == "Failing") {
			t.Fatalf("ours %s: %v", wt, err)
		}
	}
	ow.Stop()

	sdk := names.sorted()
	have := map[string]bool{}
	for _, n := range ours.Names() {
		have[n] = true
	}
	var missing []string
	for _, n := range sdk {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Errorf("sdk-go emitted %d metric names, we emit %d; missing: %v", len(sdk), len(have), missing)
	}
	if len(sdk) < 20 {
		t.Errorf("sdk-go emitted only %d names (%v): the workload did not run as intended", len(sdk), sdk)
	}
	t.Logf("sdk-go: %d names %v; ours: %d names", len(sdk), sdk, len(have))
}

func activityName(name string) sdkactivity.RegisterOptions {
	return sdkactivity.RegisterOptions{Name: name}
}
