package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// batchTargets starts n workflows of workflowType on task queue tq,
// tagged with a search attribute no other test uses, and waits until
// visibility counts all of them. It returns the handles and the query
// selecting exactly them.
func batchTargets(t *testing.T, c *client.Client, n int, workflowType, tq string) ([]*client.WorkflowHandle, string) {
	t.Helper()
	tag := uniqueID(t.Name())
	var hs []*client.WorkflowHandle
	for range n {
		h, err := c.StartWorkflow(testCtx(t), client.StartWorkflowOptions{
			ID: uniqueID(t.Name()), TaskQueue: tq, WorkflowRunTimeout: 2 * time.Minute,
			SearchAttributes: map[string]any{"CustomKeywordField": tag},
		}, workflowType)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = h.Terminate(context.Background(), "test over") })
		hs = append(hs, h)
	}
	query := `CustomKeywordField = "` + tag + `"`
	awaitCount(t, c, query, int64(n))
	return hs, query
}

// awaitCount polls CountWorkflows until it reports want: the server runs
// a batch job's query once, against eventually consistent visibility.
func awaitCount(t *testing.T, c *client.Client, query string, want int64) {
	t.Helper()
	ctx := testCtx(t)
	for {
		n, err := c.CountWorkflows(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		if n == want {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: count stuck at %d, want %d", query, n, want)
		case <-time.After(50 * time.Millisecond): // polling interval, not synchronisation
		}
	}
}

// waitBatch waits for the job and checks that it completed n operations
// of type op without failures.
func waitBatch(t *testing.T, j *client.BatchJob, op enumspb.BatchOperationType, n int64) *client.BatchDescription {
	t.Helper()
	d, err := j.Wait(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.JobID != j.ID() || d.Operation != op || d.State != enumspb.BATCH_OPERATION_STATE_COMPLETED || !d.Done() ||
		d.TotalOperations != n || d.CompletedOperations != n || d.FailedOperations != 0 ||
		d.StartTime.IsZero() || d.CloseTime.Before(d.StartTime) || d.Raw() == nil {
		t.Fatalf("description %+v", d)
	}
	return d
}

// eventsOf returns the events of type typ in the history of h.
func eventsOf(t *testing.T, h *client.WorkflowHandle, typ enumspb.EventType) []*historypb.HistoryEvent {
	t.Helper()
	var evs []*historypb.HistoryEvent
	for _, ev := range fetchHistory(t, h) {
		if ev.GetEventType() == typ {
			evs = append(evs, ev)
		}
	}
	return evs
}

func TestBatchSignal(t *testing.T) {
	c := dial(t, client.Options{Identity: "batch-tester"})
	hs, query := batchTargets(t, c, 3, "TestWorkflow", taskQueue(t))
	j, err := c.BatchSignal(testCtx(t), client.BatchOptions{Query: query, Reason: "wake up"}, "sig", "payload", 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.ID()) != 36 {
		t.Errorf("default job ID %q", j.ID())
	}
	d := waitBatch(t, j, enumspb.BATCH_OPERATION_TYPE_SIGNAL, 3)
	if d.Reason != "wake up" || d.Identity != "batch-tester" {
		t.Errorf("reason %q identity %q", d.Reason, d.Identity)
	}
	for _, h := range hs {
		sigs := eventsOf(t, h, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
		if len(sigs) != 1 {
			t.Fatalf("%s: %d signals\n%s", h.ID(), len(sigs), dumpEvents(fetchHistory(t, h)))
		}
		a := sigs[0].GetWorkflowExecutionSignaledEventAttributes()
		var s string
		var n int
		if err := c.DataConverter().FromPayloads(a.GetInput(), &s, &n); err != nil || a.GetSignalName() != "sig" || s != "payload" || n != 7 {
			t.Errorf("%s: signal %q (%q, %d, %v)", h.ID(), a.GetSignalName(), s, n, err)
		}
	}
}

func TestBatchTerminate(t *testing.T) {
	c := dial(t, client.Options{})
	hs, query := batchTargets(t, c, 3, "TestWorkflow", taskQueue(t))
	j, err := c.BatchTerminate(testCtx(t), client.BatchOptions{Query: query, Reason: "decommissioned", JobID: uniqueID("terminate-job")})
	if err != nil {
		t.Fatal(err)
	}
	waitBatch(t, j, enumspb.BATCH_OPERATION_TYPE_TERMINATE, 3)
	for _, h := range hs {
		var te *temporal.TerminatedError
		if err := h.Get(testCtx(t), nil); !errors.As(err, &te) {
			t.Fatalf("%s: %v", h.ID(), err)
		}
		evs := eventsOf(t, h, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED)
		if len(evs) != 1 || evs[0].GetWorkflowExecutionTerminatedEventAttributes().GetReason() != "decommissioned" {
			t.Errorf("%s: terminated events %v", h.ID(), evs)
		}
	}
	awaitCount(t, c, query+` AND ExecutionStatus = "Terminated"`, 3)
}

func TestBatchCancel(t *testing.T) {
	c, tq := collectorClient(t)
	hs, query := batchTargets(t, c, 3, collectorWorkflowType, tq)
	j, err := c.BatchCancel(testCtx(t), client.BatchOptions{Query: query, Reason: "shutting down"})
	if err != nil {
		t.Fatal(err)
	}
	waitBatch(t, j, enumspb.BATCH_OPERATION_TYPE_CANCEL, 3)
	for _, h := range hs {
		var ce *temporal.CanceledError
		if err := h.Get(testCtx(t), nil); !errors.As(err, &ce) {
			t.Fatalf("%s: %v", h.ID(), err)
		}
		if evs := eventsOf(t, h, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED); len(evs) != 1 {
			t.Errorf("%s: %d cancel requests", h.ID(), len(evs))
		}
	}
}

func TestBatchExecutions(t *testing.T) {
	c := dial(t, client.Options{})
	a := start(t, c, client.StartWorkflowOptions{ID: uniqueID("batch-a")})
	b := start(t, c, client.StartWorkflowOptions{ID: uniqueID("batch-b")})
	t.Cleanup(func() {
		_ = a.Terminate(context.Background(), "cleanup")
		_ = b.Terminate(context.Background(), "cleanup")
	})
	// No visibility involved: the job acts on the listed workflows (the
	// first by run, the second's current run, and one that does not exist)
	// as soon as they exist.
	j, err := c.BatchSignal(testCtx(t), client.BatchOptions{
		Executions: []*commonpb.WorkflowExecution{
			{WorkflowId: a.ID(), RunId: a.RunID()},
			{WorkflowId: b.ID()},
			{WorkflowId: uniqueID("batch-missing")},
		},
		Reason: "listed",
	}, "listed-sig", "x")
	if err != nil {
		t.Fatal(err)
	}
	d, err := j.Wait(testCtx(t))
	if err != nil || d.TotalOperations != 3 || d.CompletedOperations+d.FailedOperations != 3 {
		t.Fatalf("description %+v, %v", d, err)
	}
	for _, h := range []*client.WorkflowHandle{a, b} {
		sigs := eventsOf(t, h, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
		if len(sigs) != 1 || sigs[0].GetWorkflowExecutionSignaledEventAttributes().GetSignalName() != "listed-sig" {
			t.Errorf("%s: signals %v", h.ID(), sigs)
		}
	}
}

func TestBatchStop(t *testing.T) {
	c := dial(t, client.Options{})
	_, query := batchTargets(t, c, 3, "TestWorkflow", taskQueue(t))
	// At one operation every 100s the job is still running when stopped.
	j, err := c.BatchSignal(testCtx(t), client.BatchOptions{Query: query, Reason: "slow", MaxOperationsPerSecond: 0.01}, "sig")
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Stop(testCtx(t), "changed my mind"); err != nil {
		t.Fatal(err)
	}
	d, err := j.Wait(testCtx(t))
	var bf *client.BatchFailedError
	if !errors.As(err, &bf) || bf.JobID != j.ID() || d == nil || d.State != enumspb.BATCH_OPERATION_STATE_FAILED || !d.Done() || bf.Description != d {
		t.Fatalf("wait: %+v, %v", d, err)
	}
	if !strings.Contains(err.Error(), "ended in state FAILED") {
		t.Errorf("message %q", err)
	}
	// Stopping again: the job has ended.
	var nf *client.NotFoundError
	if err := j.Stop(testCtx(t), "again"); !errors.As(err, &nf) || nf.BatchJobID != j.ID() {
		t.Errorf("second stop: %v", err)
	}
}

func TestBatchJobErrors(t *testing.T) {
	c := dial(t, client.Options{})
	ctx := testCtx(t)
	missing := c.GetBatchJob(uniqueID("no-such-job"))
	_, derr := missing.Describe(ctx)
	_, werr := missing.Wait(ctx)
	for name, err := range map[string]error{
		"describe": derr, "wait": werr, "stop": missing.Stop(ctx, "x"),
	} {
		var nf *client.NotFoundError
		if !errors.As(err, &nf) || nf.BatchJobID != missing.ID() || nf.Namespace != c.Namespace() || status.Code(err) != codes.NotFound {
			t.Errorf("%s: %v", name, err)
		} else if want := `batch job "` + missing.ID() + `" not found`; !strings.Contains(err.Error(), want) {
			t.Errorf("%s: message %q lacks %q", name, err, want)
		}
	}

	// A job ID is taken for good, also once the job has ended.
	opts := client.BatchOptions{Query: `CustomKeywordField = "` + uniqueID("nothing") + `"`, Reason: "empty", JobID: uniqueID("dup-job")}
	j, err := c.BatchTerminate(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := j.Wait(ctx); err != nil || d.TotalOperations != 0 {
		t.Fatalf("empty selection: %+v, %v", d, err)
	}
	_, err = c.BatchCancel(ctx, opts)
	var exists *client.BatchJobExistsError
	if !errors.As(err, &exists) || exists.JobID != opts.JobID || status.Code(err) != codes.AlreadyExists ||
		err.Error() != `client: start batch cancel: batch job "`+opts.JobID+`" already exists` {
		t.Errorf("duplicate job ID: %v", err)
	}

	// The server checks the query.
	// A query the server cannot run fails at start, before a job exists
	// that would retry it for ever.
	_, err = c.BatchCancel(ctx, client.BatchOptions{Query: "NoSuchAttribute = 1", Reason: "bad"})
	if status.Code(err) != codes.InvalidArgument || !strings.HasPrefix(err.Error(), "client: start batch cancel: check query: ") {
		t.Errorf("bad query: %v", err)
	}
}

func TestListBatchJobs(t *testing.T) {
	c := dial(t, client.Options{})
	j, err := c.BatchSignal(testCtx(t), client.BatchOptions{
		Executions: []*commonpb.WorkflowExecution{{WorkflowId: uniqueID("nobody")}}, Reason: "list me",
	}, "sig")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Wait(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	// Listing goes through visibility: poll until the job shows up ended.
	ctx := testCtx(t)
	for {
		var found *client.BatchJobInfo
		for info, err := range c.ListBatchJobs(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if info.JobID == j.ID() {
				found = info
				break
			}
		}
		if found != nil && found.State == enumspb.BATCH_OPERATION_STATE_COMPLETED {
			if found.StartTime.IsZero() || found.CloseTime.IsZero() {
				t.Errorf("listed %+v", found)
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("job %s not listed as completed (last %+v)", j.ID(), found)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
