package testsuite_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// markingConverter is the default data converter that marks the payloads
// it encodes and counts the ones it decodes: a per-client serializer
// whose use can be seen from both sides.
type markingConverter struct {
	converter.DataConverter
	decoded *atomic.Int64
}

func (m markingConverter) ToPayload(v any) (*commonpb.Payload, error) {
	p, err := m.DataConverter.ToPayload(v)
	if p != nil {
		p.Metadata["marked"] = []byte("yes")
	}
	return p, err
}

func (m markingConverter) FromPayloads(ps *commonpb.Payloads, ptrs ...any) error {
	m.decoded.Add(1)
	return m.DataConverter.FromPayloads(ps, ptrs...)
}

// inspectOp is a Nexus operation that reports whether its input payload
// was marked.
type inspectOp struct{}

func (inspectOp) Start(_ context.Context, req *worker.NexusStartRequest) (*worker.NexusStartResult, error) {
	p, err := req.DataConverter.ToPayload("marked=" + string(req.Input.GetMetadata()["marked"]))
	return &worker.NexusStartResult{Result: p}, err
}

func (inspectOp) Cancel(context.Context, *worker.NexusCancelRequest) error { return nil }

// asyncOp starts asynchronously, which the environment does not simulate.
type asyncOp struct{}

func (asyncOp) Start(context.Context, *worker.NexusStartRequest) (*worker.NexusStartResult, error) {
	return &worker.NexusStartResult{Token: "t1"}, nil
}

func (asyncOp) Cancel(context.Context, *worker.NexusCancelRequest) error { return nil }

// TestRegisterNexusOperation serves operations registered as on a worker
// (what generated RegisterXNexus functions do): results, an
// ApplicationError failing the operation, a mock taking a registered
// operation's place, duplicate registrations, and a client's own
// DataConverter encoding the input and decoding the result.
func TestRegisterNexusOperation(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterNexusOperation("text", "upper", worker.NexusSyncOperation(func(_ context.Context, s string) (string, error) {
		return strings.ToUpper(s), nil
	})))
	must(t, env.RegisterNexusOperation("text", "refuse", worker.NexusSyncOperation(func(_ context.Context, s string) (string, error) {
		return "", temporal.NewNonRetryableApplicationError("no "+s, "Refused", nil)
	})))
	must(t, env.RegisterNexusOperation("text", "mocked", worker.NexusSyncOperation(func(context.Context, string) (string, error) {
		return "registered", nil
	})))
	must(t, env.RegisterNexusOperation("text", "inspect", inspectOp{}))
	if err := env.RegisterNexusOperation("text", "upper", inspectOp{}); err == nil || !strings.Contains(err.Error(), "text/upper is already registered") {
		t.Errorf("second registration: %v", err)
	}
	mock := testsuite.OnNexusOperation(env, "text", "mocked", func(context.Context, string) (string, error) { return "mock", nil }).Times(1)
	var decoded atomic.Int64
	must(t, env.RegisterWorkflow("Caller", func(ctx workflow.Context) (string, error) {
		c := workflow.NewNexusClient("endpoint", "text")
		opts := workflow.NexusOperationOptions{}
		up, err := workflow.ExecuteNexusOperation[string](ctx, c, "upper", "hi", opts).Get(ctx)
		if err != nil {
			return "", err
		}
		_, err = workflow.ExecuteNexusOperation[string](ctx, c, "refuse", "way", opts).Get(ctx)
		var ne *temporal.NexusOperationError
		var ae *temporal.ApplicationError
		if !errors.As(err, &ne) || !errors.As(err, &ae) || ae.Type() != "Refused" {
			return "", errors.New("refuse did not fail with the handler's ApplicationError")
		}
		m, err := workflow.ExecuteNexusOperation[string](ctx, c, "mocked", "", opts).Get(ctx)
		if err != nil {
			return "", err
		}
		plain, err := workflow.ExecuteNexusOperation[string](ctx, c, "inspect", "x", opts).Get(ctx)
		if err != nil {
			return "", err
		}
		c.DataConverter = markingConverter{DataConverter: workflow.PayloadConverter(ctx), decoded: &decoded}
		marked, err := workflow.ExecuteNexusOperation[string](ctx, c, "inspect", "x", opts).Get(ctx)
		return strings.Join([]string{up, m, plain, marked}, "|"), err
	}))
	var got string
	must(t, env.ExecuteWorkflow(testsuite.StartOptions{}, "Caller").Get(&got))
	if got != "HI|mock|marked=|marked=yes" {
		t.Errorf("result %q", got)
	}
	if decoded.Load() == 0 {
		t.Error("the client's DataConverter decoded no result")
	}
	if mock.Calls() != 1 {
		t.Errorf("mock called %d times", mock.Calls())
	}
}

func TestRegisterNexusOperationAsyncFailsTheTest(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterNexusOperation("svc", "later", asyncOp{}))
	must(t, env.RegisterWorkflow("Caller", func(ctx workflow.Context) (string, error) {
		return workflow.ExecuteNexusOperation[string](ctx, workflow.NewNexusClient("e", "svc"), "later", 1, workflow.NexusOperationOptions{}).Get(ctx)
	}))
	err := env.ExecuteWorkflow(testsuite.StartOptions{}, "Caller").Err()
	if err == nil || !strings.Contains(err.Error(), "svc/later started asynchronously") {
		t.Errorf("error %v, want one about the asynchronous start", err)
	}
}
