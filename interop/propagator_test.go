package interop

// Context propagation across the SDKs: a value an sdk-go
// ContextPropagator writes into headers is read by ours, in workflows and
// activities, and the other way round.

import (
	"context"
	"testing"
	"time"

	sdkclient "go.temporal.io/sdk/client"
	sdkconverter "go.temporal.io/sdk/converter"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	sdkworkflow "go.temporal.io/sdk/workflow"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// tenantHeader is the header both SDKs' propagators use.
const tenantHeader = "tenant"

type tenantKey struct{}

func tenantIn(ctx interface{ Value(any) any }) string {
	v, _ := ctx.Value(tenantKey{}).(string)
	return v
}

// ourTenant is our propagator.
type ourTenant struct{}

func (ourTenant) Inject(ctx context.Context, h temporal.Header) error {
	return putOurs(h, tenantIn(ctx))
}
func (ourTenant) InjectFromWorkflow(ctx workflow.Context, h workflow.Header) error {
	return putOurs(h, tenantIn(ctx))
}
func (ourTenant) Extract(ctx context.Context, h temporal.Header) (context.Context, error) {
	v, err := getOurs(h)
	if v == "" {
		return ctx, err
	}
	return context.WithValue(ctx, tenantKey{}, v), nil
}
func (ourTenant) ExtractToWorkflow(ctx workflow.Context, h workflow.Header) (workflow.Context, error) {
	v, err := getOurs(h)
	if v == "" {
		return ctx, err
	}
	return workflow.WithValue(ctx, tenantKey{}, v), nil
}

func putOurs(h temporal.Header, v string) error {
	if v == "" {
		return nil
	}
	p, err := converter.Default().ToPayload(v)
	h[tenantHeader] = p
	return err
}

func getOurs(h temporal.Header) (string, error) {
	var v string
	if p := h[tenantHeader]; p != nil {
		return v, converter.Default().FromPayload(p, &v)
	}
	return "", nil
}

// sdkTenant is the same propagator for sdk-go.
type sdkTenant struct{}

func (sdkTenant) Inject(ctx context.Context, h sdkworkflow.HeaderWriter) error {
	return putSDK(h, tenantIn(ctx))
}
func (sdkTenant) InjectFromWorkflow(ctx sdkworkflow.Context, h sdkworkflow.HeaderWriter) error {
	return putSDK(h, tenantIn(ctx))
}
func (sdkTenant) Extract(ctx context.Context, h sdkworkflow.HeaderReader) (context.Context, error) {
	v, err := getSDK(h)
	if v == "" {
		return ctx, err
	}
	return context.WithValue(ctx, tenantKey{}, v), nil
}
func (sdkTenant) ExtractToWorkflow(ctx sdkworkflow.Context, h sdkworkflow.HeaderReader) (sdkworkflow.Context, error) {
	v, err := getSDK(h)
	if v == "" {
		return ctx, err
	}
	return sdkworkflow.WithValue(ctx, tenantKey{}, v), nil
}

func putSDK(h sdkworkflow.HeaderWriter, v string) error {
	if v == "" {
		return nil
	}
	p, err := sdkconverter.GetDefaultDataConverter().ToPayload(v)
	if err == nil {
		h.Set(tenantHeader, p)
	}
	return err
}

func getSDK(h sdkworkflow.HeaderReader) (string, error) {
	var v string
	if p, ok := h.Get(tenantHeader); ok {
		return v, sdkconverter.GetDefaultDataConverter().FromPayload(p, &v)
	}
	return "", nil
}

// TenantReport is what each hop saw.
type TenantReport struct {
	Workflow    string `json:"workflow"`
	OurActivity string `json:"ourActivity"`
	SDKActivity string `json:"sdkActivity"`
}

func tenantActivity(ctx context.Context) (string, error) { return tenantIn(ctx), nil }

// ourTenantWorkflow reports its tenant and runs TenantOf on both SDKs'
// task queues (the sdk-go one is its argument).
func ourTenantWorkflow(ctx workflow.Context, sdkTQ string) (TenantReport, error) {
	rep := TenantReport{Workflow: tenantIn(ctx)}
	var err error
	opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
	if rep.OurActivity, err = workflow.ExecuteActivity[string](ctx, opts, "TenantOf").Get(ctx); err != nil {
		return rep, err
	}
	opts.TaskQueue = sdkTQ
	rep.SDKActivity, err = workflow.ExecuteActivity[string](ctx, opts, "TenantOf").Get(ctx)
	return rep, err
}

func sdkTenantWorkflow(ctx sdkworkflow.Context, ourTQ string) (TenantReport, error) {
	rep := TenantReport{Workflow: tenantIn(ctx)}
	actx := sdkworkflow.WithActivityOptions(ctx, sdkworkflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	if err := sdkworkflow.ExecuteActivity(actx, "TenantOf").Get(ctx, &rep.SDKActivity); err != nil {
		return rep, err
	}
	actx = sdkworkflow.WithActivityOptions(ctx, sdkworkflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second, TaskQueue: ourTQ})
	err := sdkworkflow.ExecuteActivity(actx, "TenantOf").Get(ctx, &rep.OurActivity)
	return rep, err
}

// propagatingEnv has both SDKs' clients and workers with the tenant
// propagators.
func propagatingEnv(t *testing.T, cacheSize int) (*env, *client.Client, sdkclient.Client) {
	e := newEnv(t)
	ours := testenv.Dial(t, srv, client.Options{Logger: e.log, ContextPropagators: []temporal.ContextPropagator{ourTenant{}}})
	sdk, err := sdkclient.DialContext(testenv.Context(t), sdkclient.Options{
		HostPort: srv.Address(), Namespace: srv.Namespace(), Logger: sdklog.NewStructuredLogger(e.log),
		ContextPropagators: []sdkworkflow.ContextPropagator{sdkTenant{}},
	})
	testenv.Must(t, err)
	t.Cleanup(sdk.Close)
	testenv.StartWorker(t, ours, e.ourTQ, worker.Options{CacheSize: cacheSize, Logger: e.log}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("TenantReport", ourTenantWorkflow))
		testenv.Must(t, w.RegisterActivity("TenantOf", tenantActivity))
	})
	sw := sdkworker.New(sdk, e.sdkTQ, sdkworker.Options{})
	sw.RegisterWorkflowWithOptions(sdkTenantWorkflow, sdkworkflow.RegisterOptions{Name: "TenantReport"})
	sw.RegisterActivityWithOptions(tenantActivity, activityName("TenantOf"))
	testenv.Must(t, sw.Start())
	t.Cleanup(sw.Stop)
	return e, ours, sdk
}

func checkTenants(t *testing.T, rep TenantReport, want string) {
	t.Helper()
	if rep.Workflow != want || rep.OurActivity != want || rep.SDKActivity != want {
		t.Errorf("tenants seen: %+v, want %q everywhere", rep, want)
	}
}

// TestSDKPropagatorToOurWorker: sdk-go's client writes the header, our
// workflow reads it and carries it on to activities of both SDKs.
func TestSDKPropagatorToOurWorker(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e, _, sdk := propagatingEnv(t, cacheSize)
		ctx := context.WithValue(testenv.Context(t), tenantKey{}, "acme")
		run, err := sdk.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{TaskQueue: e.ourTQ}, "TenantReport", e.sdkTQ)
		testenv.Must(t, err)
		var rep TenantReport
		testenv.Must(t, run.Get(ctx, &rep))
		checkTenants(t, rep, "acme")
	})
}

// TestOurPropagatorToSDKWorker: our client writes the header, an sdk-go
// workflow reads it and carries it on to activities of both SDKs.
func TestOurPropagatorToSDKWorker(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e, ours, _ := propagatingEnv(t, cacheSize)
		ctx := context.WithValue(testenv.Context(t), tenantKey{}, "globex")
		h, err := ours.StartWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: e.sdkTQ}, "TenantReport", e.ourTQ)
		testenv.Must(t, err)
		var rep TenantReport
		testenv.Must(t, h.Get(ctx, &rep))
		checkTenants(t, rep, "globex")
	})
}
