package client_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"google.golang.org/grpc"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

const interactionWorkflowType = "Interaction"

// interactionWorkflow keeps a string state that the update setState
// replaces (returning the old state; its validator rejects ""). The update
// waitRelease blocks until the signal release. Both count their runs in
// "applied". The signal append collects strings. The workflow returns its
// state after the signal finish, once no handler runs; the signal
// finishNow ends it at once, abandoning running handlers.
func interactionWorkflow(ctx workflow.Context, initial string) (string, error) {
	state := initial
	applied := 0
	var appended []string
	released, finish, finishNow := false, false, false

	query := func(name string, fn func() any) error {
		return workflow.SetQueryHandler(ctx, name, func(workflow.Context, converter.Values) (any, error) { return fn(), nil }, workflow.QueryOptions{})
	}
	signal := func(name string, fn func(converter.Values) error) error {
		return workflow.SetSignalHandler(ctx, name, func(_ workflow.Context, args converter.Values) error { return fn(args) }, workflow.SignalOptions{})
	}
	err := errors.Join(
		query("state", func() any { return state }),
		query("applied", func() any { return applied }),
		query("appended", func() any { return appended }),
		signal("append", func(args converter.Values) error {
			var s string
			if err := args.Get(0, &s); err != nil {
				return err
			}
			appended = append(appended, s)
			return nil
		}),
		signal("release", func(converter.Values) error { released = true; return nil }),
		signal("finish", func(converter.Values) error { finish = true; return nil }),
		signal("finishNow", func(converter.Values) error { finishNow = true; return nil }),
		workflow.SetUpdateHandler(ctx, "setState", func(_ workflow.Context, args converter.Values) (any, error) {
			var s string
			if err := args.Get(0, &s); err != nil {
				return nil, err
			}
			applied++
			old := state
			state = s
			return old, nil
		}, workflow.UpdateOptions{Validator: func(_ workflow.Context, args converter.Values) error {
			var s string
			if err := args.Get(0, &s); err != nil {
				return err
			}
			if s == "" {
				return errors.New("state must not be empty")
			}
			return nil
		}}),
		workflow.SetUpdateHandler(ctx, "waitRelease", func(ctx workflow.Context, _ converter.Values) (any, error) {
			if err := workflow.Await(ctx, func() bool { return released }); err != nil {
				return nil, err
			}
			applied++
			return "released:" + state, nil
		}, workflow.UpdateOptions{}),
		workflow.SetUpdateHandler(ctx, "fail", func(workflow.Context, converter.Values) (any, error) {
			return nil, temporal.NewApplicationError("handler failed", "HandlerError", "detail")
		}, workflow.UpdateOptions{}),
	)
	if err != nil {
		return "", err
	}
	if err := workflow.Await(ctx, func() bool { return finishNow || finish && workflow.AllHandlersFinished(ctx) }); err != nil {
		return "", err
	}
	return state, nil
}

// interactionClient dials the server and runs a worker for
// interactionWorkflow on the test's task queue.
func interactionClient(t *testing.T) *client.Client {
	t.Helper()
	c := dial(t, client.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	w := worker.New(c, taskQueue(t), worker.Options{CacheSize: worker.DefaultCacheSize})
	if err := w.RegisterWorkflow(interactionWorkflowType, interactionWorkflow); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return c
}

func startInteraction(t *testing.T, c *client.Client, initial string) *client.WorkflowHandle {
	t.Helper()
	h, err := c.StartWorkflow(testCtx(t), client.StartWorkflowOptions{
		ID: uniqueID(t.Name()), TaskQueue: taskQueue(t), WorkflowRunTimeout: time.Minute,
	}, interactionWorkflowType, initial)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Terminate(context.Background(), "test cleanup") })
	return h
}

func query[T any](t *testing.T, h *client.WorkflowHandle, name string) T {
	t.Helper()
	v, err := client.Query[T](testCtx(t), h, name)
	if err != nil {
		t.Fatalf("query %s: %v", name, err)
	}
	return v
}

func finish(t *testing.T, h *client.WorkflowHandle) string {
	t.Helper()
	if err := h.Signal(testCtx(t), "finish"); err != nil {
		t.Fatal(err)
	}
	res, err := client.Result[string](testCtx(t), h)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func updateEvents(t *testing.T, h *client.WorkflowHandle) []string {
	t.Helper()
	var out []string
	for _, ev := range fetchHistory(t, h) {
		if name := ev.GetEventType().String(); strings.Contains(name, "Update") {
			out = append(out, name)
		}
	}
	return out
}

func TestQueryState(t *testing.T) {
	c := interactionClient(t)
	h := startInteraction(t, c, "initial")
	if got := query[string](t, h, "state"); got != "initial" {
		t.Errorf("state = %q", got)
	}
	vals, err := h.Query(testCtx(t), "state")
	var s string
	if err != nil || vals.Len() != 1 || vals.Get(0, &s) != nil || s != "initial" {
		t.Errorf("Query = %v (%d values, %q), %v", vals, vals.Len(), s, err)
	}
	// A query by a handle without run ID reaches the latest run.
	if got := query[int](t, c.GetWorkflow(h.ID(), ""), "applied"); got != 0 {
		t.Errorf("applied = %d", got)
	}
}

func TestQueryUnknown(t *testing.T) {
	c := interactionClient(t)
	h := startInteraction(t, c, "x")
	_, err := h.Query(testCtx(t), "nope")
	var qfe *client.QueryFailedError
	if !errors.As(err, &qfe) {
		t.Fatalf("err = %v", err)
	}
	if qfe.QueryType != "nope" || !strings.Contains(qfe.Message, "nope") || !strings.Contains(qfe.Message, "known queries") ||
		!strings.Contains(qfe.Message, "state") || !strings.Contains(qfe.Message, "appended") {
		t.Errorf("message %q", qfe.Message)
	}
	t.Logf("unknown query: %v", err)
}

func TestQueryRejectNotOpen(t *testing.T) {
	c := interactionClient(t)
	h := startInteraction(t, c, "closing")
	opts := client.QueryOptions{RejectCondition: enumspb.QUERY_REJECT_CONDITION_NOT_OPEN}
	if vals, err := h.QueryWithOptions(testCtx(t), opts, "state"); err != nil || vals.Len() != 1 {
		t.Fatalf("open workflow: %v", err)
	}
	finish(t, h)
	_, err := h.QueryWithOptions(testCtx(t), opts, "state")
	var qre *client.QueryRejectedError
	if !errors.As(err, &qre) || qre.Status != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Fatalf("err = %v", err)
	}
	t.Logf("rejected: %v", err)
	// Without the condition a worker answers for the closed workflow.
	if got := query[string](t, h, "state"); got != "closing" {
		t.Errorf("state of closed workflow = %q", got)
	}
}

func TestUpdateCompleted(t *testing.T) {
	c := interactionClient(t)
	h := startInteraction(t, c, "a")
	old, err := client.ExecuteUpdate[string](testCtx(t), h, "setState", "b")
	if err != nil || old != "a" {
		t.Fatalf("ExecuteUpdate = %q, %v", old, err)
	}
	vals, err := h.ExecuteUpdate(testCtx(t), "setState", "c")
	var s string
	if err != nil || vals.Decode(&s) != nil || s != "b" {
		t.Fatalf("ExecuteUpdate values = %q, %v", s, err)
	}
	if got := query[string](t, h, "state"); got != "c" {
		t.Errorf("state = %q", got)
	}
	if got := updateEvents(t, h); !slices.Equal(got, []string{"WorkflowExecutionUpdateAccepted", "WorkflowExecutionUpdateCompleted", "WorkflowExecutionUpdateAccepted", "WorkflowExecutionUpdateCompleted"}) {
		t.Errorf("update events %v", got)
	}
	if got := finish(t, h); got != "c" {
		t.Errorf("result %q", got)
	}
}

func TestUpdateRejectedByValidator(t *testing.T) {
	c := interactionClient(t)
	h := startInteraction(t, c, "a")
	_, err := client.ExecuteUpdate[string](testCtx(t), h, "setState", "")
	var ufe *client.UpdateFailedError
	var ae *temporal.ApplicationError
	if !errors.As(err, &ufe) || !errors.As(err, &ae) || ae.Message() != "state must not be empty" {
		t.Fatalf("err = %v", err)
	}
	t.Logf("rejected: %v", err)
	if got := query[int](t, h, "applied"); got != 0 {
		t.Errorf("applied = %d", got)
	}
	if got := updateEvents(t, h); len(got) != 0 {
		t.Errorf("rejected update left events in history: %v", got)
	}
}

func TestUpdateHandlerFails(t *testing.T) {
	c := interactionClient(t)
	h := startInteraction(t, c, "a")
	uh, err := h.StartUpdate(testCtx(t), client.UpdateOptions{}, "fail")
	if err != nil {
		t.Fatal(err)
	}
	err = uh.Get(testCtx(t), nil)
	var ufe *client.UpdateFailedError
	var ae *temporal.ApplicationError
	var detail string
	if !errors.As(err, &ufe) || ufe.UpdateName != "fail" || !errors.As(err, &ae) || ae.Type() != "HandlerError" ||
		ae.Details(&detail) != nil || detail != "detail" {
		t.Fatalf("err = %v", err)
	}
	// The workflow itself goes on.
	if got := finish(t, h); got != "a" {
		t.Errorf("result %q", got)
	}
}

func TestUpdateWaitForAccepted(t *testing.T) {
	c := interactionClient(t)
	h := startInteraction(t, c, "s")
	uh, err := h.StartUpdate(testCtx(t), client.UpdateOptions{WaitForStage: client.UpdateStageAccepted}, "waitRelease")
	if err != nil {
		t.Fatal(err)
	}
	if uh.WorkflowID() != h.ID() || uh.RunID() != h.RunID() || uh.ID() == "" {
		t.Errorf("handle %q %q %q", uh.WorkflowID(), uh.RunID(), uh.ID())
	}
	if got := query[int](t, h, "applied"); got != 0 {
		t.Errorf("handler finished before release: applied = %d", got)
	}
	// Get waits while the handler blocks.
	ctx, cancel := context.WithTimeout(testCtx(t), 1500*time.Millisecond)
	err = uh.Get(ctx, nil)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Get before release = %v, want deadline exceeded", err)
	}
	other := c.GetWorkflow(h.ID(), "").GetUpdateHandle(uh.ID())
	done := make(chan error, 1)
	var fromOther string
	go func() { done <- other.Get(testCtx(t), &fromOther) }()
	if err := h.Signal(testCtx(t), "release"); err != nil {
		t.Fatal(err)
	}
	got, err := client.UpdateResult[string](testCtx(t), uh)
	if err != nil || got != "released:s" {
		t.Errorf("result %q, %v", got, err)
	}
	if err := <-done; err != nil || fromOther != "released:s" {
		t.Errorf("second handle: %q, %v", fromOther, err)
	}
	if got := query[int](t, h, "applied"); got != 1 {
		t.Errorf("applied = %d", got)
	}
}

func TestUpdateSameIDTwice(t *testing.T) {
	c := interactionClient(t)
	h := startInteraction(t, c, "first")
	opts := client.UpdateOptions{UpdateID: "only-once"}
	for i, arg := range []string{"second", "third"} {
		uh, err := h.StartUpdate(testCtx(t), opts, "setState", arg)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := client.UpdateResult[string](testCtx(t), uh); err != nil || got != "first" {
			t.Errorf("call %d: result %q, %v", i, got, err)
		}
	}
	if got := query[int](t, h, "applied"); got != 1 {
		t.Errorf("applied = %d, want 1", got)
	}
	if got := query[string](t, h, "state"); got != "second" {
		t.Errorf("state = %q", got)
	}
	// Attaching by ID also works from a fresh handle.
	if got, err := client.UpdateResult[string](testCtx(t), c.GetWorkflow(h.ID(), "").GetUpdateHandle("only-once")); err != nil || got != "first" {
		t.Errorf("GetUpdateHandle result %q, %v", got, err)
	}
}

func TestUpdateUnknownID(t *testing.T) {
	c := interactionClient(t)
	h := startInteraction(t, c, "x")
	err := h.GetUpdateHandle("no-such-update").Get(testCtx(t), nil)
	var nfe *client.NotFoundError
	if !errors.As(err, &nfe) || nfe.UpdateID != "no-such-update" {
		t.Errorf("err = %v", err)
	}
	t.Logf("unknown update: %v", err)
}

func TestUpdateClosedWorkflow(t *testing.T) {
	c := interactionClient(t)
	h := startInteraction(t, c, "x")
	finish(t, h)
	_, err := h.StartUpdate(testCtx(t), client.UpdateOptions{}, "setState", "y")
	var nfe *client.NotFoundError
	if !errors.As(err, &nfe) {
		t.Errorf("err = %v", err)
	}
	t.Logf("update of closed workflow: %v", err)
}

func TestUpdateAbandoned(t *testing.T) {
	c := interactionClient(t)
	h := startInteraction(t, c, "x")
	uh, err := h.StartUpdate(testCtx(t), client.UpdateOptions{WaitForStage: client.UpdateStageAccepted}, "waitRelease")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Signal(testCtx(t), "finishNow"); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Result[string](testCtx(t), h); err != nil {
		t.Fatal(err)
	}
	err = uh.Get(testCtx(t), nil)
	var uae *client.UpdateAbandonedError
	if !errors.As(err, &uae) || uae.UpdateID != uh.ID() {
		t.Errorf("err = %v", err)
	}
	t.Logf("abandoned: %v", err)
	// The same from a fresh handle, which polls the closed workflow.
	err = h.GetUpdateHandle(uh.ID()).Get(testCtx(t), nil)
	if !errors.As(err, &uae) {
		t.Errorf("fresh handle: err = %v", err)
	}
}

func TestSignalWithStart(t *testing.T) {
	c := interactionClient(t)
	opts := client.StartWorkflowOptions{ID: uniqueID(t.Name()), TaskQueue: taskQueue(t), WorkflowRunTimeout: time.Minute}
	h1, err := c.SignalWithStartWorkflow(testCtx(t), opts, "append", []any{"one"}, interactionWorkflowType, "init")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h1.Terminate(context.Background(), "test cleanup") })
	if !h1.Started() || h1.RunID() == "" || h1.FirstExecutionRunID() != h1.RunID() {
		t.Errorf("first call: started %v run %q first %q", h1.Started(), h1.RunID(), h1.FirstExecutionRunID())
	}
	if got := query[[]string](t, h1, "appended"); !slices.Equal(got, []string{"one"}) {
		t.Errorf("appended after start = %q", got)
	}
	h2, err := c.SignalWithStartWorkflow(testCtx(t), opts, "append", []any{"two"}, interactionWorkflowType, "ignored")
	if err != nil {
		t.Fatal(err)
	}
	if h2.Started() || h2.RunID() != h1.RunID() {
		t.Errorf("second call: started %v run %q, want run %q", h2.Started(), h2.RunID(), h1.RunID())
	}
	if got := query[[]string](t, h1, "appended"); !slices.Equal(got, []string{"one", "two"}) {
		t.Errorf("appended = %q", got)
	}
	if got := query[string](t, h1, "state"); got != "init" {
		t.Errorf("state = %q", got)
	}
}

func TestUpdateWithStart(t *testing.T) {
	c := interactionClient(t)
	opts := client.StartWorkflowOptions{
		ID: uniqueID(t.Name()), TaskQueue: taskQueue(t), WorkflowRunTimeout: time.Minute,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}
	uh1, err := c.UpdateWithStartWorkflow(testCtx(t), opts, client.UpdateOptions{}, "setState", []any{"one"}, interactionWorkflowType, "init")
	if err != nil {
		t.Fatal(err)
	}
	wf := uh1.Workflow()
	t.Cleanup(func() { _ = wf.Terminate(context.Background(), "test cleanup") })
	if !wf.Started() || wf.RunID() == "" || wf.ID() != opts.ID || uh1.RunID() != wf.RunID() {
		t.Errorf("first call: started %v run %q id %q", wf.Started(), wf.RunID(), wf.ID())
	}
	if got, err := client.UpdateResult[string](testCtx(t), uh1); err != nil || got != "init" {
		t.Errorf("first update: %q, %v", got, err)
	}

	uh2, err := c.UpdateWithStartWorkflow(testCtx(t), opts, client.UpdateOptions{WaitForStage: client.UpdateStageAccepted}, "setState", []any{"two"}, interactionWorkflowType, "ignored")
	if err != nil {
		t.Fatal(err)
	}
	if uh2.Workflow().Started() || uh2.RunID() != wf.RunID() {
		t.Errorf("second call: started %v run %q, want %q", uh2.Workflow().Started(), uh2.RunID(), wf.RunID())
	}
	if got, err := client.UpdateResult[string](testCtx(t), uh2); err != nil || got != "one" {
		t.Errorf("second update: %q, %v", got, err)
	}
	if got := query[int](t, wf, "applied"); got != 2 {
		t.Errorf("applied = %d", got)
	}
	if got := finish(t, wf); got != "two" {
		t.Errorf("result %q", got)
	}

	// With conflict policy FAIL the start operation fails on the running
	// workflow (a new one here, as the first has closed).
	fail := opts
	fail.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL
	fail.ID = uniqueID(t.Name())
	if _, err := c.StartWorkflow(testCtx(t), fail, interactionWorkflowType, "x"); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateWithStartWorkflow(testCtx(t), fail, client.UpdateOptions{}, "setState", []any{"y"}, interactionWorkflowType, "x")
	var ase *client.WorkflowAlreadyStartedError
	if !errors.As(err, &ase) || !strings.Contains(err.Error(), "start operation") {
		t.Errorf("FAIL on running workflow: %v", err)
	}
	t.Logf("FAIL on running workflow: %v", err)
	_ = c.GetWorkflow(fail.ID, "").Terminate(testCtx(t), "test cleanup")

	// A validator rejection of the update arrives as the update's outcome.
	rej := opts
	rej.ID = uniqueID(t.Name())
	uh3, err := c.UpdateWithStartWorkflow(testCtx(t), rej, client.UpdateOptions{}, "setState", []any{""}, interactionWorkflowType, "x")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = uh3.Workflow().Terminate(context.Background(), "test cleanup") })
	var ufe *client.UpdateFailedError
	if err := uh3.Get(testCtx(t), nil); !errors.As(err, &ufe) || !strings.Contains(err.Error(), "state must not be empty") {
		t.Errorf("rejected update-with-start: %v", err)
	}
}

// TestUpdateOutlivesLongPoll waits for an update that takes longer than the
// server's long poll (1s in this package's server): StartUpdate and Get
// must ask again until the update completes.
func TestUpdateOutlivesLongPoll(t *testing.T) {
	c := interactionClient(t)
	h0 := startInteraction(t, c, "slow")
	var updateCalls, pollCalls atomic.Int32
	counter := grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		switch {
		case strings.HasSuffix(method, "/UpdateWorkflowExecution"):
			updateCalls.Add(1)
		case strings.HasSuffix(method, "/PollWorkflowExecutionUpdate"):
			pollCalls.Add(1)
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	})
	h := dial(t, client.Options{GRPCDialOptions: []grpc.DialOption{counter}}).GetWorkflow(h0.ID(), h0.RunID())
	type result struct {
		v   string
		err error
	}
	started := make(chan result, 1)
	go func() {
		v, err := client.ExecuteUpdate[string](testCtx(t), h, "waitRelease")
		started <- result{v, err}
	}()
	uh, err := h.StartUpdate(testCtx(t), client.UpdateOptions{UpdateID: "second", WaitForStage: client.UpdateStageAccepted}, "waitRelease")
	if err != nil {
		t.Fatal(err)
	}
	polled := make(chan result, 1)
	go func() {
		v, err := client.UpdateResult[string](testCtx(t), uh)
		polled <- result{v, err}
	}()
	// Release the updates only once both waiters have outlived a long
	// poll and asked again: StartUpdate (Accepted) took one
	// UpdateWorkflowExecution call, so ExecuteUpdate has made at least
	// three and UpdateResult at least two PollWorkflowExecutionUpdate
	// calls. A waiter that gives up when a long poll ends instead returns
	// before the release.
	ctx := testCtx(t)
	for u, p := updateCalls.Load(), pollCalls.Load(); u < 4 || p < 2; u, p = updateCalls.Load(), pollCalls.Load() {
		select {
		case r := <-started:
			t.Fatalf("ExecuteUpdate returned before the release: %q, %v", r.v, r.err)
		case r := <-polled:
			t.Fatalf("UpdateResult returned before the release: %q, %v", r.v, r.err)
		case <-ctx.Done():
			t.Fatalf("%d UpdateWorkflowExecution calls, %d PollWorkflowExecutionUpdate calls: long polls not repeated", u, p)
		case <-time.After(50 * time.Millisecond): // poll interval
		}
	}
	if err := h.Signal(testCtx(t), "release"); err != nil {
		t.Fatal(err)
	}
	for name, ch := range map[string]chan result{"ExecuteUpdate": started, "UpdateResult": polled} {
		if r := <-ch; r.err != nil || r.v != "released:slow" {
			t.Errorf("%s = %q, %v", name, r.v, r.err)
		}
	}
	t.Logf("%d UpdateWorkflowExecution calls, %d PollWorkflowExecutionUpdate calls", updateCalls.Load(), pollCalls.Load())
}
