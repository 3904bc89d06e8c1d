package testsuite

import (
	"fmt"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	querypb "go.temporal.io/api/query/v1"
	updatepb "go.temporal.io/api/update/v1"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// StartOptions configure the workflow under test.
type StartOptions struct {
	// ID is the workflow id (default "test-workflow").
	ID string
	// RunTimeout, when set, bounds the run on the virtual clock.
	RunTimeout time.Duration
	// Memo and SearchAttributes are the start's, as encoded payloads.
	Memo             map[string]*commonpb.Payload
	SearchAttributes map[string]*commonpb.Payload
	// Header is the start request's header.
	Header *commonpb.Header
}

// ExecuteWorkflow runs the workflow type with args until it closes (or a
// workflow task fails, or nothing can happen any more), skipping time
// whenever every workflow is blocked, and replays its history to check
// it is deterministic. Callbacks registered with RegisterDelayedCallback
// run at their virtual times meanwhile.
func (e *Env) ExecuteWorkflow(opts StartOptions, workflowType string, args ...any) *Result {
	e.t.Helper()
	if e.root != nil {
		e.t.Fatalf("testsuite: ExecuteWorkflow called twice on one Env; use a new Env per workflow run")
	}
	if opts.ID == "" {
		opts.ID = "test-workflow"
	}
	if e.srv != nil {
		return e.executeOnServer(opts, workflowType, args...)
	}
	input, err := e.encode(args...)
	if err != nil {
		e.t.Fatalf("%v", err)
	}
	a := &historypb.WorkflowExecutionStartedEventAttributes{Input: input, Header: opts.Header, Identity: identity}
	if opts.RunTimeout > 0 {
		a.WorkflowRunTimeout = durationpb.New(opts.RunTimeout)
	}
	if len(opts.Memo) > 0 {
		a.Memo = &commonpb.Memo{Fields: opts.Memo}
	}
	if len(opts.SearchAttributes) > 0 {
		a.SearchAttributes = &commonpb.SearchAttributes{IndexedFields: opts.SearchAttributes}
	}
	e.root = e.startExecution(opts.ID, workflowType, a, nil, 0)
	res := &Result{env: e, x: e.root}
	// The loop and the replay check run on a goroutine of their own,
	// watched step by step: if workflow code stops yielding, the test
	// goroutine gets the deadlock and returns, and that goroutine is left
	// in the workflow code (as a worker leaves it).
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		e.loop()
		if e.fatal == nil {
			res.replayErr = e.replayCheck()
		}
	}()
	select {
	case <-finished:
	case dl := <-e.stuck:
		e.abandoned = true
		e.fatal = dl
		return res
	}
	if res.replayErr != nil {
		e.t.Errorf("%v", res.replayErr)
	}
	return res
}

// loop plays the server until the workflow under test closes.
func (e *Env) loop() {
	for e.root.open() && e.fatal == nil {
		if x := e.due(); x != nil {
			if e.steps++; e.steps > e.opts.MaxSteps {
				e.fail(fmt.Errorf("testsuite: more than %d workflow tasks; the workflow does not end (Options.MaxSteps)", e.opts.MaxSteps))
				return
			}
			x.workflowTask()
			if x.err != nil && x == e.root {
				return
			}
			if e.root.open() {
				e.checkConditions()
			}
			continue
		}
		if e.takeResults(0) {
			continue
		}
		if it := e.clock.due(); it != nil {
			it.fn()
			continue
		}
		if e.running > 0 && e.takeResults(e.opts.ActivityIdle) {
			continue
		}
		at, ok := e.clock.next()
		if !ok {
			if e.running > 0 {
				e.takeResults(time.Hour) // only activities can move things on
				continue
			}
			e.fail(fmt.Errorf("%w\n%s", errStuck, e.stacks()))
			return
		}
		if e.opts.RealTime {
			time.Sleep(at.Sub(e.clock.now))
		}
		e.mu.Lock()
		e.clock.now = at
		e.mu.Unlock()
	}
}

// due returns an open run with events it has not seen, in start order.
func (e *Env) due() *execution {
	for _, x := range e.executions {
		if x.open() && (x.pending || len(x.updates) > 0) && x.run != nil {
			return x
		}
	}
	return nil
}

// takeResults applies the activity results that arrive within wait.
func (e *Env) takeResults(wait time.Duration) bool {
	if e.running == 0 {
		return false
	}
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case r := <-e.results:
		e.finished(r)
		return true
	default:
	}
	if timeout == nil {
		return false
	}
	select {
	case r := <-e.results:
		e.finished(r)
		return true
	case <-timeout:
		return false
	}
}

// fail ends the run with a problem of the test's setup.
func (e *Env) fail(err error) {
	if e.fatal == nil {
		e.fatal = err
	}
}

// stacks describes where every open workflow is blocked.
func (e *Env) stacks() string {
	var b strings.Builder
	for _, x := range e.executions {
		if !x.open() || x.run == nil {
			continue
		}
		out, err := x.run.Step(engine.Input{Query: &querypb.WorkflowQuery{QueryType: "__stack_trace"}})
		if err != nil || out.QueryAnswer.GetAnswer() == nil {
			continue
		}
		var s string
		if converter.Default().FromPayloads(out.QueryAnswer.GetAnswer(), &s) == nil {
			fmt.Fprintf(&b, "workflow %s (%s) is blocked at:\n%s\n", x.id, x.wfType, s)
		}
	}
	return b.String()
}

// SignalWorkflow sends a signal to the workflow under test (call it from
// a delayed callback).
func (e *Env) SignalWorkflow(name string, args ...any) error {
	if e.srv != nil {
		return e.srv.signal(name, args...)
	}
	if e.root == nil || !e.root.open() {
		return errNoWorkflow
	}
	input, err := e.encode(args...)
	if err != nil {
		return err
	}
	e.root.signal(name, input, nil)
	return nil
}

// SignalWorkflowByID signals any open workflow of the environment.
func (e *Env) SignalWorkflowByID(workflowID, name string, args ...any) error {
	x := e.target(&commonpb.WorkflowExecution{WorkflowId: workflowID})
	if x == nil {
		return fmt.Errorf("testsuite: no open workflow %q", workflowID)
	}
	input, err := e.encode(args...)
	if err != nil {
		return err
	}
	x.signal(name, input, nil)
	return nil
}

// CancelWorkflow requests cancellation of the workflow under test.
func (e *Env) CancelWorkflow() error {
	if e.srv != nil {
		return e.srv.cancel()
	}
	if e.root == nil || !e.root.open() {
		return errNoWorkflow
	}
	e.root.requestCancel("testsuite: CancelWorkflow")
	return nil
}

// UpdateWorkflow sends an update to the workflow under test; cb hears how
// it ends. An empty id gets one.
func (e *Env) UpdateWorkflow(name, id string, cb UpdateCallbacks, args ...any) error {
	if e.srv != nil {
		return e.srv.update(name, id, cb, args...)
	}
	if e.root == nil || !e.root.open() {
		return errNoWorkflow
	}
	if id == "" {
		id = fmt.Sprintf("update-%d", len(e.updates)+1)
	}
	input, err := e.encode(args...)
	if err != nil {
		return err
	}
	u := &update{id: id, cb: cb, req: &updatepb.Request{
		Meta:  &updatepb.Meta{UpdateId: id, Identity: identity},
		Input: &updatepb.Input{Name: name, Args: input},
	}}
	e.updates = append(e.updates, u)
	e.root.updates = append(e.root.updates, u)
	return nil
}

// QueryWorkflow queries the workflow under test, also after it closed.
func (e *Env) QueryWorkflow(name string, args ...any) (converter.Values, error) {
	if e.srv != nil {
		return e.srv.query(name, args...)
	}
	if e.root == nil || e.root.run == nil {
		return converter.Values{}, errNoWorkflow
	}
	input, err := e.encode(args...)
	if err != nil {
		return converter.Values{}, err
	}
	out, err := e.root.run.Step(engine.Input{Query: &querypb.WorkflowQuery{QueryType: name, QueryArgs: input}})
	if err != nil {
		return converter.Values{}, err
	}
	a := out.QueryAnswer
	if a.GetResultType() != enumspb.QUERY_RESULT_TYPE_ANSWERED {
		return converter.Values{}, e.opts.FailureConverter.FailureToError(a.GetFailure())
	}
	return converter.NewValues(a.GetAnswer(), e.opts.DataConverter), nil
}

// Result is how the workflow under test ended.
type Result struct {
	env       *Env
	x         *execution
	replayErr error
}

// Err returns the workflow's error: nil when it completed; a
// *temporal.WorkflowExecutionError wrapping the cause when it failed,
// was cancelled or continued as new (a *ContinuedAsNewError); the error of
// a failed workflow task (a panic, *temporal.NondeterminismError or
// *temporal.DeadlockError) or of the test's setup otherwise.
func (r *Result) Err() error {
	if r.env.fatal != nil {
		return r.env.fatal
	}
	if r.x.err != nil {
		return r.x.err
	}
	ev := r.x.closeEvent
	if ev == nil {
		return errStuck
	}
	var cause error
	switch ev.EventType {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
		return nil
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
		cause = r.env.opts.FailureConverter.FailureToError(ev.GetWorkflowExecutionFailedEventAttributes().GetFailure())
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
		cause = temporal.NewCanceledErrorFromWire("", ev.GetWorkflowExecutionCanceledEventAttributes().GetDetails(), r.env.opts.DataConverter)
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
		a := ev.GetWorkflowExecutionContinuedAsNewEventAttributes()
		cause = &ContinuedAsNewError{WorkflowType: a.GetWorkflowType().GetName(), Input: converter.NewValues(a.GetInput(), r.env.opts.DataConverter)}
	}
	return temporal.NewWorkflowExecutionError(r.x.id, r.x.runID, r.x.wfType, cause)
}

// Get decodes the workflow's result into ptrs, or returns Err.
func (r *Result) Get(ptrs ...any) error {
	if err := r.Err(); err != nil {
		return err
	}
	res := r.x.closeEvent.GetWorkflowExecutionCompletedEventAttributes().GetResult()
	if len(ptrs) == 0 || len(res.GetPayloads()) == 0 {
		return nil
	}
	return converter.NewValues(res, r.env.opts.DataConverter).Decode(ptrs...)
}

// ReplayError is the nondeterminism the replay check found (the test has
// already failed with it), nil when the run replayed cleanly.
func (r *Result) ReplayError() error { return r.replayErr }

// Memo returns the workflow's memo at its end.
func (r *Result) Memo() map[string]*commonpb.Payload { return r.x.memo }

// SearchAttributes returns the workflow's search attributes at its end.
func (r *Result) SearchAttributes() map[string]*commonpb.Payload { return r.x.attrs }

// ContinuedAsNewError says the workflow continued as new, and with what.
type ContinuedAsNewError struct {
	WorkflowType string
	Input        converter.Values
}

func (e *ContinuedAsNewError) Error() string {
	return "continued as new: " + e.WorkflowType
}
