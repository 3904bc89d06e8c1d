package client

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// signalFrontend fails the first failures signals with Unavailable and
// records the request ID of every signal it receives.
type signalFrontend struct {
	fakeFrontend
	failures   int
	requestIDs []string
}

func (f *signalFrontend) SignalWorkflowExecution(_ context.Context, req *workflowservice.SignalWorkflowExecutionRequest) (*workflowservice.SignalWorkflowExecutionResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requestIDs = append(f.requestIDs, req.GetRequestId())
	if len(f.requestIDs) <= f.failures {
		return nil, status.Error(codes.Unavailable, "frontend restarting")
	}
	return &workflowservice.SignalWorkflowExecutionResponse{}, nil
}

// TestRetriedSignalKeepsRequestID checks that a retried call is the same
// request: the server sees one request ID, which lets it drop duplicates.
func TestRetriedSignalKeepsRequestID(t *testing.T) {
	fake := &signalFrontend{failures: 2}
	addr := serveFrontend(t, fake)
	c, err := Dial(context.Background(), Options{HostPort: addr, DisableTLS: true, Retry: RetryOptions{Initial: 1, MaxInterval: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	if err := c.SignalWorkflow(context.Background(), "wf", "", "s", 1); err != nil {
		t.Fatal(err)
	}
	ids := fake.requestIDs
	if len(ids) != 3 || ids[0] == "" || ids[1] != ids[0] || ids[2] != ids[0] {
		t.Errorf("request IDs of the attempts = %q, want 3 equal non-empty IDs", ids)
	}

	// Disabled retries make one attempt.
	fake.requestIDs, fake.failures = nil, 1
	c2, err := Dial(context.Background(), Options{HostPort: addr, DisableTLS: true, Retry: RetryOptions{Disabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c2.Close() }()
	if err := c2.SignalWorkflow(context.Background(), "wf", "", "s", 1); status.Code(err) != codes.Unavailable {
		t.Errorf("signal without retries = %v, want Unavailable", err)
	}
	if len(fake.requestIDs) != 1 {
		t.Errorf("attempts without retries = %d, want 1", len(fake.requestIDs))
	}
}

// TestAPIKeyFunc checks that the key is asked for on every call (so that a
// rotated key is used at once) and that a failing callback fails the call
// without retrying it.
func TestAPIKeyFunc(t *testing.T) {
	fake := &fakeFrontend{}
	addr := serveFrontend(t, fake)
	var key atomic.Value
	key.Store("first")
	var fail atomic.Bool
	c, err := Dial(context.Background(), Options{HostPort: addr, DisableTLS: true, APIKeyFunc: func(context.Context) (string, error) {
		if fail.Load() {
			return "", errors.New("vault sealed")
		}
		return key.Load().(string), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	auth := func() []string {
		fake.mu.Lock()
		defer fake.mu.Unlock()
		return fake.md.Get("authorization")
	}
	if got := auth(); len(got) != 1 || got[0] != "Bearer first" {
		t.Errorf("authorization = %q, want Bearer first", got)
	}
	key.Store("second")
	if _, err := c.WorkflowService().GetSystemInfo(context.Background(), &workflowservice.GetSystemInfoRequest{}); err != nil {
		t.Fatal(err)
	}
	if got := auth(); len(got) != 1 || got[0] != "Bearer second" {
		t.Errorf("authorization after rotation = %q, want Bearer second", got)
	}
	// A header the caller set wins over the callback.
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer mine")
	if _, err := c.WorkflowService().GetSystemInfo(ctx, &workflowservice.GetSystemInfoRequest{}); err != nil {
		t.Fatal(err)
	}
	if got := auth(); len(got) != 1 || got[0] != "Bearer mine" {
		t.Errorf("authorization set by the caller = %q", got)
	}
	fail.Store(true)
	_, err = c.WorkflowService().GetSystemInfo(context.Background(), &workflowservice.GetSystemInfoRequest{})
	if status.Code(err) != codes.Unauthenticated || !strings.Contains(err.Error(), "vault sealed") {
		t.Errorf("call with a failing APIKeyFunc = %v, want Unauthenticated naming the cause", err)
	}

	if _, err := (Options{APIKey: "k", APIKeyFunc: func(context.Context) (string, error) { return "", nil }}).withDefaults(); err == nil {
		t.Error("APIKey together with APIKeyFunc accepted")
	}
	if o, _ := (Options{APIKeyFunc: func(context.Context) (string, error) { return "", nil }}).withDefaults(); o.TLS == nil {
		t.Error("APIKeyFunc did not imply TLS")
	}
}
