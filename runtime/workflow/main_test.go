package workflow_test

// Integration tests of signals, queries and updates (issue 4) against a real
// dev server. Every scenario runs twice: with the worker's workflow cache
// (worker.DefaultCacheSize) and without it (CacheSize 0: every workflow task
// replays the whole history).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	updatepb "go.temporal.io/api/update/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var srv *devserver.Server

func TestMain(m *testing.M) {
	os.Exit(devserver.RunMain(m, devserver.Options{
		DynamicConfig: map[string]string{
			// Update-with-start goes through ExecuteMultiOperation.
			"frontend.enableExecuteMultiOperation": "true",
		},
	}, func(s *devserver.Server) { srv = s }))
}

// scenarioTimeout bounds one subtest: every wait derives from it.
const scenarioTimeout = 3 * time.Minute

// env is one subtest's world: a client, a task queue of its own, the
// workflows to register and the worker (restartable) with its captured logs.
type env struct {
	t         *testing.T
	ctx       context.Context
	c         *client.Client
	tq        string
	cacheSize int
	logs      *testenv.LogBuffer

	mu        sync.Mutex
	workflows map[string]any
	funcs     map[string]struct {
		fn   worker.WorkflowFunc
		opts worker.RegisterOptions
	}
	w *worker.Worker
}

// forEachCache runs fn as two parallel subtests, one per cache mode
// (testenv.ForEachCacheParallel).
func forEachCache(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	testenv.ForEachCacheParallel(t, func(t *testing.T, cacheSize int) { fn(t, newEnv(t, cacheSize)) })
}

func newEnv(t *testing.T, cacheSize int) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), scenarioTimeout)
	t.Cleanup(cancel)
	c := testenv.Dial(t, srv, client.Options{})
	e := &env{
		t: t, ctx: ctx, c: c, cacheSize: cacheSize,
		tq:        testenv.UniqueID("tq-" + t.Name()),
		logs:      &testenv.LogBuffer{},
		workflows: map[string]any{},
		funcs: map[string]struct {
			fn   worker.WorkflowFunc
			opts worker.RegisterOptions
		}{},
	}
	t.Cleanup(func() {
		e.stopWorker()
		if t.Failed() {
			t.Logf("worker logs:\n%s", e.logs.String())
		}
	})
	return e
}

// register adds a workflow for the workers this env starts.
func (e *env) register(name string, fn any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.workflows[name] = fn
}

// registerFunc adds a reflection-free workflow with options.
func (e *env) registerFunc(name string, fn worker.WorkflowFunc, opts worker.RegisterOptions) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.funcs[name] = struct {
		fn   worker.WorkflowFunc
		opts worker.RegisterOptions
	}{fn, opts}
}

// startWorker starts a new worker on the env's task queue (stopping the
// previous one first): a new worker has an empty cache, so the next task of
// every workflow replays its whole history.
func (e *env) startWorker() {
	e.t.Helper()
	e.stopWorker()
	e.mu.Lock()
	defer e.mu.Unlock()
	w := worker.New(e.c, e.tq, worker.Options{
		CacheSize: e.cacheSize,
		Logger:    slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	for name, fn := range e.workflows {
		if err := w.RegisterWorkflow(name, fn); err != nil {
			e.t.Fatal(err)
		}
	}
	for name, f := range e.funcs {
		if err := w.RegisterWorkflowFuncWithOptions(name, f.fn, f.opts); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := w.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.w = w
}

// stopWorker stops the running worker, if any.
func (e *env) stopWorker() {
	e.mu.Lock()
	w := e.w
	e.w = nil
	e.mu.Unlock()
	if w != nil {
		w.Stop()
	}
}

// start starts a workflow with a unique id on the env's task queue.
func (e *env) start(workflowType string, args ...any) *client.WorkflowHandle {
	e.t.Helper()
	h, err := e.c.StartWorkflow(e.ctx, client.StartWorkflowOptions{
		ID:        testenv.UniqueID(e.t.Name() + "-" + workflowType),
		TaskQueue: e.tq,
	}, workflowType, args...)
	if err != nil {
		e.t.Fatalf("start %s: %v", workflowType, err)
	}
	return h
}

// signal sends a signal or fails the test.
func (e *env) signal(h *client.WorkflowHandle, name string, args ...any) {
	e.t.Helper()
	if err := h.Signal(e.ctx, name, args...); err != nil {
		e.t.Fatalf("signal %s: %v", name, err)
	}
}

// query runs a query and decodes its answer into a T, or fails the test.
func query[T any](e *env, h *client.WorkflowHandle, name string, args ...any) T {
	e.t.Helper()
	v, err := client.Query[T](e.ctx, h, name, args...)
	if err != nil {
		e.t.Fatalf("query %s: %v", name, err)
	}
	return v
}

// result waits for the workflow's result.
func result[T any](e *env, h *client.WorkflowHandle) T {
	e.t.Helper()
	v, err := client.Result[T](e.ctx, h)
	if err != nil {
		e.t.Fatalf("workflow %s: %v", h.ID(), err)
	}
	return v
}

// resultErr waits for the workflow and returns its result and error.
func resultErr[T any](e *env, h *client.WorkflowHandle) (T, error) { return client.Result[T](e.ctx, h) }

// queryErr runs a query and returns its decoded answer and error.
func queryErr[T any](e *env, h *client.WorkflowHandle, name string, args ...any) (T, error) {
	return client.Query[T](e.ctx, h, name, args...)
}

// eventually polls cond until it holds, failing the test at the env's
// deadline. cond's error is reported if the deadline passes.
func (e *env) eventually(what string, cond func() (bool, error)) {
	e.t.Helper()
	testenv.Eventually(e.t, e.ctx, what, cond)
}

// history returns the events recorded so far.
func (e *env) history(h *client.WorkflowHandle) []*historypb.HistoryEvent {
	e.t.Helper()
	hist, err := h.FetchHistory(e.ctx)
	if err != nil {
		e.t.Fatalf("history of %s: %v", h.ID(), err)
	}
	return hist.GetEvents()
}

// waitEvent waits until history has an event matching pred and returns it.
func (e *env) waitEvent(h *client.WorkflowHandle, what string, pred func(*historypb.HistoryEvent) bool) *historypb.HistoryEvent {
	e.t.Helper()
	var found *historypb.HistoryEvent
	e.eventually(what, func() (bool, error) {
		hist, err := h.FetchHistory(e.ctx)
		if err != nil {
			return false, err
		}
		for _, ev := range hist.GetEvents() {
			if pred(ev) {
				found = ev
				return true, nil
			}
		}
		return false, nil
	})
	return found
}

func isType(t enumspb.EventType) func(*historypb.HistoryEvent) bool {
	return func(ev *historypb.HistoryEvent) bool { return ev.EventType == t }
}

var updateEventTypes = []enumspb.EventType{
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
}

// --- updates over the raw service (independent of the client's update API)

// sendUpdate sends an update and waits until it reaches stage (ACCEPTED or
// COMPLETED), retrying the call while the server reports an earlier stage.
// An empty updateID is replaced by a random one.
func (e *env) sendUpdate(h *client.WorkflowHandle, updateID, name string, stage enumspb.UpdateWorkflowExecutionLifecycleStage, args ...any) (*workflowservice.UpdateWorkflowExecutionResponse, error) {
	return e.sendUpdateCtx(e.ctx, h, updateID, name, stage, args...)
}

// sendUpdateCtx is sendUpdate bounded by ctx.
func (e *env) sendUpdateCtx(ctx context.Context, h *client.WorkflowHandle, updateID, name string, stage enumspb.UpdateWorkflowExecutionLifecycleStage, args ...any) (*workflowservice.UpdateWorkflowExecutionResponse, error) {
	if updateID == "" {
		updateID = testenv.UniqueID("upd")
	}
	input, err := e.c.DataConverter().ToPayloads(args...)
	if err != nil {
		return nil, err
	}
	req := &workflowservice.UpdateWorkflowExecutionRequest{
		Namespace:         e.c.Namespace(),
		WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: h.ID(), RunId: h.RunID()},
		WaitPolicy:        &updatepb.WaitPolicy{LifecycleStage: stage},
		Request: &updatepb.Request{
			Meta:  &updatepb.Meta{UpdateId: updateID, Identity: "workflow_test"},
			Input: &updatepb.Input{Name: name, Args: input},
		},
	}
	for {
		resp, err := e.c.WorkflowService().UpdateWorkflowExecution(ctx, req)
		if err != nil {
			return nil, err
		}
		if resp.GetStage() >= stage || resp.GetOutcome() != nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
}

// pollUpdate waits for the outcome of an update.
func (e *env) pollUpdate(h *client.WorkflowHandle, updateID string) (*updatepb.Outcome, error) {
	for {
		resp, err := e.c.WorkflowService().PollWorkflowExecutionUpdate(e.ctx, &workflowservice.PollWorkflowExecutionUpdateRequest{
			Namespace: e.c.Namespace(),
			UpdateRef: &updatepb.UpdateRef{
				WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: h.ID(), RunId: h.RunID()},
				UpdateId:          updateID,
			},
			Identity:   "workflow_test",
			WaitPolicy: &updatepb.WaitPolicy{LifecycleStage: enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED},
		})
		if err != nil {
			return nil, err
		}
		if resp.GetOutcome() != nil {
			return resp.GetOutcome(), nil
		}
		if e.ctx.Err() != nil {
			return nil, e.ctx.Err()
		}
	}
}

// outcome decodes an update outcome: the success value into a T, a failure
// (rejection or handler error) into an error.
func outcome[T any](e *env, o *updatepb.Outcome) (T, error) {
	var v T
	if f := o.GetFailure(); f != nil {
		return v, e.c.FailureConverter().FailureToError(f)
	}
	if o.GetSuccess() == nil {
		return v, errors.New("update outcome has neither success nor failure")
	}
	if len(o.GetSuccess().GetPayloads()) == 0 {
		return v, nil
	}
	err := e.c.DataConverter().FromPayloads(o.GetSuccess(), &v)
	return v, err
}

// update executes an update to completion and decodes its outcome.
func update[T any](e *env, h *client.WorkflowHandle, updateID, name string, args ...any) (T, error) {
	var zero T
	resp, err := e.sendUpdate(h, updateID, name, enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED, args...)
	if err != nil {
		return zero, err
	}
	o := resp.GetOutcome()
	if o == nil {
		if o, err = e.pollUpdate(h, resp.GetUpdateRef().GetUpdateId()); err != nil {
			return zero, err
		}
	}
	return outcome[T](e, o)
}

// mustUpdate is update that fails the test on error.
func mustUpdate[T any](e *env, h *client.WorkflowHandle, name string, args ...any) T {
	e.t.Helper()
	v, err := update[T](e, h, "", name, args...)
	if err != nil {
		e.t.Fatalf("update %s: %v", name, err)
	}
	return v
}

// updateWithStart starts workflowType and sends an update in the same
// request (ExecuteMultiOperation); it returns the handle and the update's
// outcome.
func (e *env) updateWithStart(workflowType, updateID, updateName string, updateArgs ...any) (*client.WorkflowHandle, *updatepb.Outcome, error) {
	id := testenv.UniqueID(e.t.Name() + "-" + workflowType)
	input, err := e.c.DataConverter().ToPayloads(updateArgs...)
	if err != nil {
		return nil, nil, err
	}
	upd := &workflowservice.UpdateWorkflowExecutionRequest{
		Namespace:         e.c.Namespace(),
		WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: id},
		WaitPolicy:        &updatepb.WaitPolicy{LifecycleStage: enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED},
		Request: &updatepb.Request{
			Meta:  &updatepb.Meta{UpdateId: updateID, Identity: "workflow_test"},
			Input: &updatepb.Input{Name: updateName, Args: input},
		},
	}
	resp, err := e.c.WorkflowService().ExecuteMultiOperation(e.ctx, &workflowservice.ExecuteMultiOperationRequest{
		Namespace: e.c.Namespace(),
		Operations: []*workflowservice.ExecuteMultiOperationRequest_Operation{
			{Operation: &workflowservice.ExecuteMultiOperationRequest_Operation_StartWorkflow{StartWorkflow: &workflowservice.StartWorkflowExecutionRequest{
				Namespace:                e.c.Namespace(),
				WorkflowId:               id,
				WorkflowType:             &commonpb.WorkflowType{Name: workflowType},
				TaskQueue:                &taskqueuepb.TaskQueue{Name: e.tq, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
				Identity:                 "workflow_test",
				RequestId:                testenv.UniqueID("req"),
				WorkflowIdConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
			}}},
			{Operation: &workflowservice.ExecuteMultiOperationRequest_Operation_UpdateWorkflow{UpdateWorkflow: upd}},
		},
	})
	if err != nil {
		return nil, nil, err
	}
	rs := resp.GetResponses()
	if len(rs) != 2 {
		return nil, nil, fmt.Errorf("ExecuteMultiOperation returned %d responses", len(rs))
	}
	h := e.c.GetWorkflow(id, rs[0].GetStartWorkflow().GetRunId())
	o := rs[1].GetUpdateWorkflow().GetOutcome()
	if o == nil {
		o, err = e.pollUpdate(h, updateID)
	}
	return h, o, err
}

// signalWithStart starts workflowType with workflowArgs and a first signal
// (raw service).
func (e *env) signalWithStart(workflowType string, workflowArgs []any, signalName string, signalArgs ...any) *client.WorkflowHandle {
	e.t.Helper()
	id := testenv.UniqueID(e.t.Name() + "-" + workflowType)
	input, err := e.c.DataConverter().ToPayloads(signalArgs...)
	if err != nil {
		e.t.Fatal(err)
	}
	wfInput, err := e.c.DataConverter().ToPayloads(workflowArgs...)
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := e.c.WorkflowService().SignalWithStartWorkflowExecution(e.ctx, &workflowservice.SignalWithStartWorkflowExecutionRequest{
		Namespace:    e.c.Namespace(),
		WorkflowId:   id,
		WorkflowType: &commonpb.WorkflowType{Name: workflowType},
		TaskQueue:    &taskqueuepb.TaskQueue{Name: e.tq, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
		Input:        wfInput,
		Identity:     "workflow_test",
		RequestId:    testenv.UniqueID("req"),
		SignalName:   signalName,
		SignalInput:  input,
	})
	if err != nil {
		e.t.Fatalf("signal-with-start %s: %v", workflowType, err)
	}
	return e.c.GetWorkflow(id, resp.GetRunId())
}

// cli runs the temporal CLI against the dev server.
func (e *env) cli(args ...string) (string, error) {
	out, err := srv.CLI(e.ctx, args...)
	return string(out), err
}
