package client_test

// Tests of WorkflowHandle.Get on every kind of close event. Where a worker
// is needed they act as one, polling workflow tasks and answering them with
// raw gRPC calls.

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// answerTask polls one workflow task from the test's task queue, checks it
// belongs to runID (when not empty) and completes it with command. It
// returns the run the task belonged to.
func answerTask(t *testing.T, c *client.Client, runID string, command *commandpb.Command) string {
	t.Helper()
	ctx := testCtx(t)
	var task *workflowservice.PollWorkflowTaskQueueResponse
	for len(task.GetTaskToken()) == 0 { // empty answer: long poll expired
		var err error
		task, err = c.WorkflowService().PollWorkflowTaskQueue(ctx, &workflowservice.PollWorkflowTaskQueueRequest{
			Namespace: c.Namespace(),
			TaskQueue: &taskqueuepb.TaskQueue{Name: taskQueue(t), Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
			Identity:  c.Identity(),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := task.GetWorkflowExecution().GetRunId(); runID != "" && got != runID {
		t.Fatalf("task for run %s, want %s", got, runID)
	}
	_, err := c.WorkflowService().RespondWorkflowTaskCompleted(ctx, &workflowservice.RespondWorkflowTaskCompletedRequest{
		Namespace: c.Namespace(),
		TaskToken: task.GetTaskToken(),
		Commands:  []*commandpb.Command{command},
		Identity:  c.Identity(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return task.GetWorkflowExecution().GetRunId()
}

func payloads(t *testing.T, c *client.Client, vs ...any) *commonpb.Payloads {
	t.Helper()
	p, err := c.DataConverter().ToPayloads(vs...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func completeCmd(result *commonpb.Payloads) *commandpb.Command {
	return &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_CompleteWorkflowExecutionCommandAttributes{
			CompleteWorkflowExecutionCommandAttributes: &commandpb.CompleteWorkflowExecutionCommandAttributes{Result: result},
		},
	}
}

func failCmd(c *client.Client, err error) *commandpb.Command {
	return &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_FailWorkflowExecutionCommandAttributes{
			FailWorkflowExecutionCommandAttributes: &commandpb.FailWorkflowExecutionCommandAttributes{
				Failure: c.FailureConverter().ErrorToFailure(err),
			},
		},
	}
}

type result struct {
	Total int
	Note  string
}

func TestGetCompleted(t *testing.T) {
	c := dial(t, client.Options{})
	h := start(t, c, client.StartWorkflowOptions{})
	answerTask(t, c, h.RunID(), completeCmd(payloads(t, c, result{Total: 3, Note: "ok"})))

	got, err := client.Result[result](testCtx(t), h)
	if err != nil || got != (result{Total: 3, Note: "ok"}) {
		t.Errorf("Result = %+v, %v", got, err)
	}
	if err := h.Get(testCtx(t), nil); err != nil {
		t.Errorf("Get(nil) = %v", err)
	}
}

func TestGetCompletedWithoutResult(t *testing.T) {
	c := dial(t, client.Options{})
	h := start(t, c, client.StartWorkflowOptions{})
	answerTask(t, c, h.RunID(), completeCmd(nil))
	v := "untouched"
	if err := h.Get(testCtx(t), &v); err != nil || v != "untouched" {
		t.Errorf("Get = %q, %v", v, err)
	}
}

func TestGetFailed(t *testing.T) {
	c := dial(t, client.Options{})
	h := start(t, c, client.StartWorkflowOptions{})
	answerTask(t, c, h.RunID(), failCmd(c, temporal.NewApplicationError("card declined", "PaymentError", "order-1")))

	err := h.Get(testCtx(t), nil)
	var wee *temporal.WorkflowExecutionError
	var app *temporal.ApplicationError
	if !errors.As(err, &wee) || !errors.As(err, &app) || wee.RunID() != h.RunID() {
		t.Fatalf("err = %v", err)
	}
	var detail string
	if app.Type() != "PaymentError" || !strings.Contains(app.Error(), "card declined") || app.Details(&detail) != nil || detail != "order-1" {
		t.Errorf("application error %v type %q detail %q", app, app.Type(), detail)
	}
}

func TestGetCanceled(t *testing.T) {
	c := dial(t, client.Options{})
	h := start(t, c, client.StartWorkflowOptions{})
	if err := h.Cancel(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	answerTask(t, c, h.RunID(), &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_CancelWorkflowExecutionCommandAttributes{
			CancelWorkflowExecutionCommandAttributes: &commandpb.CancelWorkflowExecutionCommandAttributes{
				Details: payloads(t, c, "cleaned up"),
			},
		},
	})
	err := h.Get(testCtx(t), nil)
	var wee *temporal.WorkflowExecutionError
	var ce *temporal.CanceledError
	if !errors.As(err, &wee) || !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	var detail string
	if err := ce.Details(&detail); err != nil || detail != "cleaned up" {
		t.Errorf("details %q, %v", detail, err)
	}
}

func TestGetFollowsContinueAsNew(t *testing.T) {
	c := dial(t, client.Options{})
	h := start(t, c, client.StartWorkflowOptions{})
	answerTask(t, c, h.RunID(), &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
		Attributes: &commandpb.Command_ContinueAsNewWorkflowExecutionCommandAttributes{
			ContinueAsNewWorkflowExecutionCommandAttributes: &commandpb.ContinueAsNewWorkflowExecutionCommandAttributes{
				WorkflowType: &commonpb.WorkflowType{Name: "NextWorkflow"},
				TaskQueue:    &taskqueuepb.TaskQueue{Name: taskQueue(t), Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
			},
		},
	})
	second := answerTask(t, c, "", failCmd(c, errors.New("second run failed")))
	if second == h.RunID() {
		t.Fatal("continue-as-new did not start a new run")
	}

	// Followed by default: the outcome of the second run, named after it.
	err := h.Get(testCtx(t), nil)
	var wee *temporal.WorkflowExecutionError
	if !errors.As(err, &wee) || wee.RunID() != second || wee.WorkflowType() != "NextWorkflow" || !strings.Contains(err.Error(), "second run failed") {
		t.Errorf("followed Get: %v", err)
	}
	// Not followed on request.
	err = h.GetWithOptions(testCtx(t), nil, client.GetOptions{DisableFollowingRuns: true})
	var can *client.ContinuedAsNewError
	if !errors.As(err, &can) || can.RunID != h.RunID() || can.NewRunID != second || can.WorkflowType != "NextWorkflow" || errors.As(err, &wee) {
		t.Errorf("unfollowed Get: %v", err)
	}
}

func TestGetFollowsRetry(t *testing.T) {
	c := dial(t, client.Options{})
	h := start(t, c, client.StartWorkflowOptions{RetryPolicy: &temporal.RetryPolicy{
		InitialInterval: 10 * time.Millisecond,
		MaximumAttempts: 2,
	}})
	answerTask(t, c, h.RunID(), failCmd(c, temporal.NewApplicationError("flaky", "Flaky")))
	retried := answerTask(t, c, "", completeCmd(payloads(t, c, "second time lucky")))
	if retried == h.RunID() {
		t.Fatal("retry did not start a new run")
	}
	got, err := client.Result[string](testCtx(t), h)
	if err != nil || got != "second time lucky" {
		t.Errorf("followed Get = %q, %v", got, err)
	}
	err = h.GetWithOptions(testCtx(t), nil, client.GetOptions{DisableFollowingRuns: true})
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != "Flaky" {
		t.Errorf("unfollowed Get = %v", err)
	}
}

// TestGetWaitsForClose completes the workflow while Get may already be
// blocked in its long poll; both orders must work.
func TestGetWaitsForClose(t *testing.T) {
	c := dial(t, client.Options{})
	h := start(t, c, client.StartWorkflowOptions{})
	done := make(chan error, 1)
	var got string
	go func() { done <- h.Get(testCtx(t), &got) }()
	answerTask(t, c, h.RunID(), completeCmd(payloads(t, c, "late")))
	if err := <-done; err != nil || got != "late" {
		t.Errorf("Get = %q, %v", got, err)
	}
}

func TestTerminateThenGet(t *testing.T) {
	c := dial(t, client.Options{})
	h := start(t, c, client.StartWorkflowOptions{})
	if err := h.Terminate(testCtx(t), "operator said so", "detail", 7); err != nil {
		t.Fatal(err)
	}
	err := h.Get(testCtx(t), nil)
	var wee *temporal.WorkflowExecutionError
	var te *temporal.TerminatedError
	if !errors.As(err, &wee) || !errors.As(err, &te) {
		t.Fatalf("err = %v", err)
	}
	if wee.WorkflowID() != h.ID() || wee.RunID() != h.RunID() || wee.WorkflowType() != "TestWorkflow" {
		t.Errorf("execution error names %q %q %q", wee.WorkflowID(), wee.RunID(), wee.WorkflowType())
	}

	// A handle without run ID resolves the latest run and reports it.
	_, err = client.Result[string](testCtx(t), c.GetWorkflow(h.ID(), ""))
	if !errors.As(err, &wee) || !errors.As(err, &te) || wee.RunID() != h.RunID() || wee.WorkflowType() != "TestWorkflow" {
		t.Errorf("latest-run handle: %v", err)
	}

	events := fetchHistory(t, h)
	last := events[len(events)-1].GetWorkflowExecutionTerminatedEventAttributes()
	var detail string
	var n int
	if err := c.DataConverter().FromPayloads(last.GetDetails(), &detail, &n); err != nil || last.GetReason() != "operator said so" || detail != "detail" || n != 7 {
		t.Errorf("terminated event %v: %v", last, err)
	}

	if err := h.Get(testCtx(t), "not a pointer"); err == nil {
		t.Errorf("Get accepted a non-pointer")
	}
}

// historyCallCounter returns a dial option counting GetWorkflowExecutionHistory
// calls into n.
func historyCallCounter(n *atomic.Int32) grpc.DialOption {
	return grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if strings.HasSuffix(method, "/GetWorkflowExecutionHistory") {
			n.Add(1)
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	})
}

func TestGetTimedOut(t *testing.T) {
	var polls atomic.Int32
	c := dial(t, client.Options{GRPCDialOptions: []grpc.DialOption{historyCallCounter(&polls)}})
	h := start(t, c, client.StartWorkflowOptions{WorkflowExecutionTimeout: 2 * time.Second})
	err := h.Get(testCtx(t), nil)
	var wee *temporal.WorkflowExecutionError
	var te *temporal.TimeoutError
	if !errors.As(err, &wee) || !errors.As(err, &te) || wee.RunID() != h.RunID() {
		t.Fatalf("err = %v", err)
	}
	// The server's 1s long polls expired at least once before the 2s
	// timeout fired, so Get had to poll again.
	if polls.Load() < 2 {
		t.Errorf("%d history polls", polls.Load())
	}
}

func TestGetRespectsContext(t *testing.T) {
	c := dial(t, client.Options{})
	h := start(t, c, client.StartWorkflowOptions{})
	t.Cleanup(func() { _ = h.Terminate(context.Background(), "cleanup") })
	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan error, 1)
	go func() { done <- h.Get(ctx, nil) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}
