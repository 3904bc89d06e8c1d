package worker_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/temporal/metricstest"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// nexusCaller calls the three operations of the "text" service: a
// synchronous one, one backed by a workflow run, and a workflow-run
// operation that it cancels.
func nexusCaller(ctx workflow.Context, endpoint string) (string, error) {
	c := workflow.NewNexusClient(endpoint, "text")
	opts := workflow.NexusOperationOptions{ScheduleToCloseTimeout: time.Minute}
	described := opts
	described.Summary = "upper-case it"
	up, err := workflow.ExecuteNexusOperation[string](ctx, c, "upper", "hello", described).Get(ctx)
	if err != nil {
		return "", fmt.Errorf("sync: %w", err)
	}
	h := workflow.StartNexusOperation[string](ctx, c, "run", "world", opts)
	token, err := h.Started().Get(ctx)
	if err != nil {
		return "", fmt.Errorf("async start: %w", err)
	}
	async, err := h.Get(ctx)
	if err != nil {
		return "", fmt.Errorf("async: %w", err)
	}
	_, failErr := workflow.ExecuteNexusOperation[string](ctx, c, "fail", "x", opts).Get(ctx)
	var ae *temporal.ApplicationError
	var ne *temporal.NexusOperationError
	failed := errors.As(failErr, &ne) && ne.Operation == "fail" && errors.As(ne.Cause, &ae) && ae.Type() == "Refused"

	cctx, cancel := workflow.WithCancel(ctx)
	blocked := workflow.StartNexusOperation[string](cctx, c, "run", "block", opts)
	if _, err := blocked.Started().Get(ctx); err != nil {
		return "", err
	}
	cancel()
	_, cancelErr := blocked.Get(ctx)
	return fmt.Sprintf("%s|%s|%s|failed=%v|canceled=%v", up, async, token, failed, temporal.IsCanceledError(cancelErr)), nil
}

func nexusBacking(ctx workflow.Context, in string) (string, error) {
	if in == "block" {
		return "", workflow.Await(ctx, func() bool { return false })
	}
	return "run:" + in, nil
}

func TestNexusOperations(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		endpoint := strings.ReplaceAll(testenv.UniqueID("ep"), "_", "-")
		out, err := srv.CLI(testenv.Context(t), "operator", "nexus", "endpoint", "create", "--name", endpoint,
			"--target-namespace", srv.Namespace(), "--target-task-queue", e.tq)
		if err != nil {
			t.Fatalf("creating endpoint: %v\n%s", err, out)
		}
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("NexusCaller", nexusCaller))
			testenv.Must(t, w.RegisterWorkflow("NexusBacking", nexusBacking))
			testenv.Must(t, w.RegisterNexusOperation("text", "upper", worker.NexusSyncOperation(func(_ context.Context, s string) (string, error) {
				return strings.ToUpper(s), nil
			})))
			testenv.Must(t, w.RegisterNexusOperation("text", "fail", worker.NexusSyncOperation(func(_ context.Context, s string) (string, error) {
				return "", temporal.NewNonRetryableApplicationError("no "+s, "Refused", nil)
			})))
			testenv.Must(t, w.RegisterNexusOperation("text", "run", worker.NexusWorkflowRunOperation(e.c, "NexusBacking", func(in string) client.StartWorkflowOptions {
				return client.StartWorkflowOptions{ID: testenv.UniqueID("backing-" + in), TaskQueue: e.tq}
			})))
		})
		h := e.start("NexusCaller", endpoint)
		got := testenv.Result[string](t, h)
		evs := testenv.History(t, h)
		// The middle part is the async operation's token: the backing
		// workflow's id, or "" when the backing workflow completed before
		// the server recorded the operation as started.
		parts := strings.Split(got, "|")
		if len(parts) != 5 || parts[0] != "HELLO" || parts[1] != "run:world" || parts[3] != "failed=true" || parts[4] != "canceled=true" ||
			(parts[2] != "" && !strings.HasPrefix(parts[2], "backing-world")) {
			t.Fatalf("result = %q\n%s", got, testenv.FormatHistory(evs))
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED); n != 4 {
			t.Fatalf("%d NexusOperationScheduled events, want 4", n)
		}
		if s := decoded(testenv.First(evs, enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED).GetUserMetadata().GetSummary()); s != "upper-case it" {
			t.Errorf("first Nexus operation's summary %q, want %q", s, "upper-case it")
		}
		if testenv.Count(evs, enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED) != 1 || testenv.Count(evs, enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCELED) != 1 {
			t.Fatalf("cancellation events missing:\n%s", testenv.FormatHistory(evs))
		}
	})
}

// nexusAudit is a Nexus interceptor that records the requests it sees and
// panics on the operation "trap".
type nexusAudit struct {
	mu    sync.Mutex
	calls []string
}

func (a *nexusAudit) InterceptNexusOperation(_ context.Context, next worker.NexusOperation) worker.NexusOperation {
	return nexusAuditOp{next, a}
}

type nexusAuditOp struct {
	next worker.NexusOperation
	a    *nexusAudit
}

func (o nexusAuditOp) Start(ctx context.Context, req *worker.NexusStartRequest) (*worker.NexusStartResult, error) {
	if req.Operation == "trap" {
		panic("audit log full")
	}
	o.a.mu.Lock()
	o.a.calls = append(o.a.calls, req.Service+"/"+req.Operation)
	o.a.mu.Unlock()
	return o.next.Start(ctx, req)
}

func (o nexusAuditOp) Cancel(ctx context.Context, req *worker.NexusCancelRequest) error {
	return o.next.Cancel(ctx, req)
}

// TestNexusInterceptorAndPanics checks that Nexus requests go through the
// worker's Nexus interceptors, and that a panicking interceptor or
// operation fails its request (retried by the server until the
// operation's timeout) while the worker goes on serving.
func TestNexusInterceptorAndPanics(t *testing.T) {
	e := newEnv(t)
	endpoint := strings.ReplaceAll(testenv.UniqueID("ep"), "_", "-")
	out, err := srv.CLI(testenv.Context(t), "operator", "nexus", "endpoint", "create", "--name", endpoint,
		"--target-namespace", srv.Namespace(), "--target-task-queue", e.tq)
	if err != nil {
		t.Fatalf("creating endpoint: %v\n%s", err, out)
	}
	audit := &nexusAudit{}
	metrics := metricstest.New()
	e.worker(worker.Options{NexusInterceptors: []worker.NexusInterceptor{audit}, MetricsHandler: metrics}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("NexusPanics", func(ctx workflow.Context, endpoint string) (string, error) {
			c := workflow.NewNexusClient(endpoint, "text")
			short := workflow.NexusOperationOptions{ScheduleToCloseTimeout: 2 * time.Second}
			trap := workflow.StartNexusOperation[string](ctx, c, "trap", "x", short)
			boom := workflow.StartNexusOperation[string](ctx, c, "boom", "x", short)
			_, trapErr := trap.Get(ctx)
			_, boomErr := boom.Get(ctx)
			up, err := workflow.ExecuteNexusOperation[string](ctx, c, "upper", "hello", workflow.NexusOperationOptions{ScheduleToCloseTimeout: time.Minute}).Get(ctx)
			return fmt.Sprintf("%s|trap failed=%v|boom failed=%v", up, trapErr != nil, boomErr != nil), err
		}))
		for _, op := range []string{"upper", "trap"} {
			testenv.Must(t, w.RegisterNexusOperation("text", op, worker.NexusSyncOperation(func(_ context.Context, s string) (string, error) {
				return strings.ToUpper(s), nil
			})))
		}
		testenv.Must(t, w.RegisterNexusOperation("text", "boom", worker.NexusSyncOperation(func(context.Context, string) (string, error) {
			panic("operation bug")
		})))
	})
	got := testenv.Result[string](t, e.start("NexusPanics", endpoint))
	if got != "HELLO|trap failed=true|boom failed=true" {
		t.Errorf("result %q", got)
	}
	audit.mu.Lock()
	calls := slices.Clone(audit.calls)
	audit.mu.Unlock()
	if !slices.Contains(calls, "text/upper") || !slices.Contains(calls, "text/boom") || slices.Contains(calls, "text/trap") {
		t.Errorf("interceptor saw %v, want text/upper and text/boom (and the trap panicking)", calls)
	}
	for _, op := range []string{"trap", "boom"} {
		tags := map[string]string{temporal.TagNexusService: "text", temporal.TagNexusOperation: op}
		if n := metrics.Count(temporal.MetricNexusTaskExecutionFailed, tags); n < 1 {
			t.Errorf("%s: %d failed Nexus tasks recorded, want at least 1", op, n)
		}
	}
}
