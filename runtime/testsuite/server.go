package testsuite

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/wfreg"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

// Server points an Env at a real Temporal server (a dev server from
// package devserver, for example): the same test then runs there.
type Server struct {
	HostPort  string
	Namespace string
	// Timeout bounds one ExecuteWorkflow (default 2 minutes).
	Timeout time.Duration
}

// serverRun is the state of an ExecuteWorkflow on a real server.
type serverRun struct {
	c       *client.Client
	h       *client.WorkflowHandle
	ctx     context.Context
	mu      sync.Mutex
	wg      sync.WaitGroup
	pending []func() // callbacks registered before the start
}

// executeOnServer runs the workflow on Options.Server with a worker that
// has everything registered (mocks in place of what they mock), delayed
// callbacks on the real clock, and returns its result and history.
func (e *Env) executeOnServer(opts StartOptions, workflowType string, args ...any) *Result {
	e.t.Helper()
	so := *e.opts.Server
	if so.Timeout <= 0 {
		so.Timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), so.Timeout)
	defer cancel()
	c, err := client.Dial(ctx, client.Options{HostPort: so.HostPort, Namespace: so.Namespace,
		DataConverter: e.opts.DataConverter, FailureConverter: e.opts.FailureConverter, Logger: e.opts.Logger})
	if err != nil {
		e.t.Fatalf("testsuite: %v", err)
	}
	defer c.Close()
	tq := fmt.Sprintf("%s-%08x", e.opts.TaskQueue, rand.Uint32())
	w := worker.New(c, tq, worker.Options{Logger: e.opts.Logger, DeadlockTimeout: e.opts.DeadlockTimeout, CacheSize: worker.DefaultCacheSize})
	if err := e.registerOn(w); err != nil {
		e.t.Fatalf("testsuite: %v", err)
	}
	if err := w.Start(); err != nil {
		e.t.Fatalf("testsuite: %v", err)
	}
	defer w.Stop()
	id := fmt.Sprintf("%s-%08x", opts.ID, rand.Uint32())
	start := client.StartWorkflowOptions{ID: id, TaskQueue: tq, WorkflowRunTimeout: opts.RunTimeout}
	h, err := c.StartWorkflow(ctx, start, workflowType, args...)
	if err != nil {
		e.t.Fatalf("testsuite: %v", err)
	}
	e.srv.mu.Lock()
	e.srv.c, e.srv.h, e.srv.ctx = c, h, ctx
	pending := e.srv.pending
	e.srv.pending = nil
	e.srv.mu.Unlock()
	for _, fn := range pending {
		fn()
	}
	werr := h.GetWithOptions(ctx, nil, client.GetOptions{DisableFollowingRuns: true})
	e.srv.wg.Wait()
	hist, err := h.FetchHistory(ctx)
	if err != nil {
		e.t.Fatalf("testsuite: %v (the workflow ended with %v)", err, werr)
	}
	x := &execution{env: e, id: id, runID: h.RunID(), wfType: workflowType, lookup: e.workflows.Lookup, events: hist.GetEvents(),
		memo: make(map[string]*commonpb.Payload), attrs: make(map[string]*commonpb.Payload)}
	if n := len(x.events); n > 0 && isClose(x.events[n-1].EventType) {
		x.closeEvent = x.events[n-1]
	}
	if d, err := h.Describe(ctx); err == nil {
		for k, v := range d.Memo {
			x.memo[k] = v
		}
		for k, v := range d.SearchAttributes {
			x.attrs[k] = v
		}
	}
	res := &Result{env: e, x: x}
	if err := x.checkReplay(); err != nil {
		err = fmt.Errorf("testsuite: replaying workflow %s: %w", id, err)
		e.t.Errorf("%v", err)
		res.replayErr = err
	}
	return res
}

// registerOn registers the environment's workflows and activities with a
// worker, the mocks in place of what they replace.
func (e *Env) registerOn(w *worker.Worker) error {
	mocked := e.childMocks.Registrations()
	isMocked := func(name string) bool {
		return slices.ContainsFunc(mocked, func(r wfreg.Registration) bool { return r.Name == name })
	}
	for _, r := range e.workflows.Registrations() {
		if r.Name != "" && isMocked(r.Name) {
			continue
		}
		if err := registerWorkflow(w, r); err != nil {
			return err
		}
	}
	for _, r := range mocked {
		if err := registerWorkflow(w, r); err != nil {
			return err
		}
	}
	names := append(e.activities.Names(), e.mocks.Names()...)
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		fn, err := e.activity(name)
		if err != nil {
			return err
		}
		if err := w.RegisterActivityFunc(name, worker.ActivityFunc(fn)); err != nil {
			return err
		}
	}
	return nil
}

func registerWorkflow(w *worker.Worker, r wfreg.Registration) error {
	opts := worker.RegisterOptions{FailWorkflowOn: r.Opts.FailWorkflowOn, VersioningBehavior: r.Opts.Versioning}
	if r.Name == "" {
		return w.RegisterDynamicWorkflowFuncWithOptions(r.Fn, opts)
	}
	return w.RegisterWorkflowFuncWithOptions(r.Name, r.Fn, opts)
}

func isClose(t enumspb.EventType) bool {
	switch t {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
		return true
	}
	return false
}

// later runs fn d after the workflow started, on the real clock.
func (s *serverRun) later(d time.Duration, fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wg.Add(1)
	run := func() {
		time.AfterFunc(d, func() {
			defer s.wg.Done()
			fn()
		})
	}
	if s.h == nil {
		s.pending = append(s.pending, run)
		return
	}
	run()
}

func (s *serverRun) handle() (*client.WorkflowHandle, context.Context, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h == nil {
		return nil, nil, errNoWorkflow
	}
	return s.h, s.ctx, nil
}

func (s *serverRun) signal(name string, args ...any) error {
	h, ctx, err := s.handle()
	if err != nil {
		return err
	}
	return h.Signal(ctx, name, args...)
}

func (s *serverRun) cancel() error {
	h, ctx, err := s.handle()
	if err != nil {
		return err
	}
	return h.Cancel(ctx)
}

func (s *serverRun) query(name string, args ...any) (converter.Values, error) {
	h, ctx, err := s.handle()
	if err != nil {
		return converter.Values{}, err
	}
	return h.Query(ctx, name, args...)
}

// update sends an update and reports on cb: rejected when the server
// never accepted it.
func (s *serverRun) update(name, id string, cb UpdateCallbacks, args ...any) error {
	h, ctx, err := s.handle()
	if err != nil {
		return err
	}
	uh, err := h.StartUpdate(ctx, client.UpdateOptions{UpdateID: id, WaitForStage: client.UpdateStageAccepted}, name, args...)
	if err != nil {
		return err
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		vals, err := uh.Values(ctx)
		if err != nil && !s.accepted(uh.ID()) {
			if cb.OnReject != nil {
				cb.OnReject(errors.Unwrap(err))
			}
			return
		}
		if cb.OnAccept != nil {
			cb.OnAccept()
		}
		if cb.OnComplete != nil {
			var fe *client.UpdateFailedError
			if errors.As(err, &fe) {
				err = fe.Cause
			}
			cb.OnComplete(vals, err)
		}
	}()
	return nil
}

// accepted reports whether the history records the update's acceptance.
func (s *serverRun) accepted(updateID string) bool {
	hist, err := s.h.FetchHistory(s.ctx)
	if err != nil {
		return false
	}
	for _, ev := range hist.GetEvents() {
		if ev.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetProtocolInstanceId() == updateID {
			return true
		}
	}
	return false
}
