package testsuite_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

type tenantKey struct{}

// tenants carries a tenant in the header "tenant".
type tenants struct{}

func tenantOf(ctx interface{ Value(any) any }) string {
	s, _ := ctx.Value(tenantKey{}).(string)
	return s
}

func putTenant(h temporal.Header, v string) error {
	if v == "" {
		return nil
	}
	p, err := converter.Default().ToPayload(v)
	h["tenant"] = p
	return err
}

func getTenant(h temporal.Header) (string, error) {
	var v string
	if p := h["tenant"]; p != nil {
		return v, converter.Default().FromPayload(p, &v)
	}
	return "", nil
}

func (tenants) Inject(ctx context.Context, h temporal.Header) error {
	return putTenant(h, tenantOf(ctx))
}
func (tenants) InjectFromWorkflow(ctx workflow.Context, h workflow.Header) error {
	return putTenant(h, tenantOf(ctx))
}
func (tenants) Extract(ctx context.Context, h temporal.Header) (context.Context, error) {
	v, err := getTenant(h)
	return context.WithValue(ctx, tenantKey{}, v), err
}
func (tenants) ExtractToWorkflow(ctx workflow.Context, h workflow.Header) (workflow.Context, error) {
	v, err := getTenant(h)
	return workflow.WithValue(ctx, tenantKey{}, v), err
}

// stamper stamps every activity it starts with the header "stamped".
type stamper struct{}

func (stamper) InterceptWorkflow(_ *workflow.Info, in workflow.Inbound, out workflow.Outbound) (workflow.Inbound, workflow.Outbound) {
	return in, stampOut{workflow.OutboundBase{Next: out}}
}

type stampOut struct{ workflow.OutboundBase }

func (o stampOut) StartActivity(ctx workflow.Context, in *workflow.ActivityInput) workflow.ActivityHandle[any] {
	if in.Header == nil {
		in.Header = workflow.Header{}
	}
	in.Header["stamped"], _ = converter.Default().ToPayload("yes")
	return o.Next.StartActivity(ctx, in)
}

// seen records the "stamped" header of every activity attempt.
type seen struct {
	mu  sync.Mutex
	got []string
}

func (s *seen) InterceptActivity(_ context.Context, next activity.Inbound, out activity.Outbound) (activity.Inbound, activity.Outbound) {
	return seenIn{activity.InboundBase{Next: next}, s}, out
}

type seenIn struct {
	activity.InboundBase
	s *seen
}

func (i seenIn) ExecuteActivity(ctx context.Context, in *activity.ExecuteInput) (*commonpb.Payloads, error) {
	var v string
	if p := in.Header["stamped"]; p != nil {
		_ = converter.Default().FromPayload(p, &v)
	}
	i.s.mu.Lock()
	i.s.got = append(i.s.got, activity.GetInfo(ctx).ActivityType+" stamped="+v)
	i.s.mu.Unlock()
	return i.Next.ExecuteActivity(ctx, in)
}

// TestInterceptorsAndPropagators: the environment runs workflows,
// activities and local activities through the worker's interceptors and
// context propagators, and its replay check passes through them too.
func TestInterceptorsAndPropagators(t *testing.T) {
	s := &seen{}
	env := testsuite.New(t, testsuite.Options{
		WorkflowInterceptors: []workflow.Interceptor{stamper{}},
		ActivityInterceptors: []activity.Interceptor{s},
		ContextPropagators:   []temporal.ContextPropagator{tenants{}},
	})
	must(t, env.RegisterActivity("Tenant", func(ctx context.Context) (string, error) { return tenantOf(ctx), nil }))
	must(t, env.RegisterWorkflow("Child", func(ctx workflow.Context) (string, error) { return tenantOf(ctx), nil }))
	must(t, env.RegisterWorkflow("Parent", func(ctx workflow.Context) ([]string, error) {
		act, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Tenant").Get(ctx)
		if err != nil {
			return nil, err
		}
		local, err := workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute}, "Tenant").Get(ctx)
		if err != nil {
			return nil, err
		}
		child, err := workflow.ExecuteChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{}, "Child").Get(ctx)
		return []string{tenantOf(ctx), act, local, child}, err
	}))
	h := temporal.Header{}
	must(t, putTenant(h, "acme"))
	r := env.ExecuteWorkflow(testsuite.StartOptions{Header: &commonpb.Header{Fields: h}}, "Parent")
	var got []string
	must(t, r.Get(&got))
	if want := []string{"acme", "acme", "acme", "acme"}; !slices.Equal(got, want) {
		t.Errorf("tenants seen by workflow, activity, local activity, child: %v, want %v", got, want)
	}
	if want := []string{"Tenant stamped=yes", "Tenant stamped="}; !slices.Equal(s.got, want) {
		t.Errorf("activity interceptor saw %v, want %v", s.got, want)
	}
}
