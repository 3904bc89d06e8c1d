package engine

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	querypb "go.temporal.io/api/query/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/coro"
	"github.com/temporalgen/temporalgen/runtime/internal/sm"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// WorkflowFunc is the engine's shape of a workflow definition: it decodes
// its own input and encodes its own result.
type WorkflowFunc func(ctx *Context, input *commonpb.Payloads) (*commonpb.Payloads, error)

// Config holds what a run needs from its worker.
type Config struct {
	Namespace        string
	TaskQueue        string
	DataConverter    converter.DataConverter
	FailureConverter converter.FailureConverter
	Logger           *slog.Logger
	// Metrics receives workflow metrics (default: none).
	Metrics temporal.MetricsHandler
	// Lookup finds the definition of a workflow type.
	Lookup func(workflowType string) (*Definition, bool)
	// Coroutines, when set, is shared with other runs: finished
	// coroutines go there at the end of each task and new ones come from
	// there, so handlers do not start a goroutine each.
	Coroutines *coro.Pool
	// Attach, when set, is called when the workflow starts (its
	// WorkflowExecutionStarted event is applied, Info is known), before
	// any workflow code runs; it may call Run.Intercept.
	Attach func(r *Run)
}

// Definition is a registered workflow type.
type Definition struct {
	Fn WorkflowFunc
	// FailWorkflow, when set, is asked about every panic value and
	// nondeterminism error: true fails the workflow with it instead of
	// failing (and retrying) the workflow task.
	FailWorkflow func(v any) bool
	// Versioning is how runs move between worker deployment versions; a
	// worker without deployment versioning does not send it.
	Versioning enumspb.VersioningBehavior
}

// Task is the part of a workflow task the engine needs: the history events
// not yet applied to this run (all of them for a new run) and the id of the
// workflow task started event the server created for this task.
type Task struct {
	Events         []*historypb.HistoryEvent
	StartedEventID int64
	// Messages are the protocol messages (update requests) delivered with
	// the task; they are handled at the task's boundary.
	Messages []*protocolpb.Message
	// Queries are the queries delivered with the task, by id; they are
	// answered when the task completes (Output.QueryResults).
	Queries map[string]*querypb.WorkflowQuery
	// Replay marks every boundary as replaying: for replayers and for
	// query-only tasks, whose commands are never sent.
	Replay bool
	// Whole says the events are a whole recorded history (a replayer's):
	// every command of its completed tasks must be in it.
	Whole bool
}

// Run is the state of one workflow execution.
type Run struct {
	cfg         Config
	ms          *sm.Machines
	sched       *coro.Scheduler
	info        Info
	now         time.Time
	replaying   bool
	random      *random
	root        *Context
	rootScope   *scope
	fn          WorkflowFunc
	def         *Definition
	input       *commonpb.Payloads
	started     bool
	finished    bool // the workflow function returned (or a terminal command was issued)
	cancelReq   bool
	closed      bool
	lastEvent   int64 // id of the last event applied
	sdkRecorded bool  // history already names the SDK
	logger      *slog.Logger

	h              handlers
	readOnly       bool
	waitingUpdates int             // update coroutines waiting for a handler
	quiescent      bool            // every other coroutine is blocked: updates without handler are rejected
	admitted       []updateRequest // admitted in history, delivered at the next boundary

	patches    map[string]bool // answers of Patched so far
	patchIDs   []string        // patches used, for TemporalChangeVersion
	patchAhead map[string]bool // patch markers among the next command events

	instance any
	queries  map[string]*querypb.WorkflowQuery // of the task being answered

	locals       []*localActivity
	localAhead   map[int64]LocalActivityResult // local activity markers among the next command events
	cancelLocals []int64

	icpt *interception // nil without interceptors
}

// NewRun returns an empty run; its first task must start with the
// WorkflowExecutionStarted event.
func NewRun(cfg Config, workflowID, runID string) *Run {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = temporal.NopMetricsHandler{}
	}
	r := &Run{cfg: cfg, ms: sm.New(), sched: coro.NewWithPool(cfg.Coroutines)}
	r.info.WorkflowID, r.info.RunID = workflowID, runID
	return r
}

// Metrics returns the metrics handler of the run's worker.
func (r *Run) Metrics() temporal.MetricsHandler { return r.cfg.Metrics }

// Instance returns the value set with SetInstance.
func (r *Run) Instance() any { return r.instance }

// SetInstance records the workflow's instance (the generated struct).
func (r *Run) SetInstance(v any) { r.instance = v }

// Definition returns the definition of the run's workflow type, nil before
// the WorkflowExecutionStarted event is applied.
func (r *Run) Definition() *Definition { return r.def }

// Scheduler returns the coroutine scheduler, for the deadlock watchdog.
func (r *Run) Scheduler() *coro.Scheduler { return r.sched }

// LastEventID returns the id of the last history event applied.
func (r *Run) LastEventID() int64 { return r.lastEvent }

// SDKRecorded reports whether history already records the SDK's name, so
// completions need not send it again.
func (r *Run) SDKRecorded() bool { return r.sdkRecorded }

// Finished reports whether the workflow has issued its closing command.
func (r *Run) Finished() bool { return r.finished }

// Info returns what the run knows about its execution.
func (r *Run) Info() *Info { return &r.info }

// Now returns the workflow time.
func (r *Run) Now() time.Time { return r.now }

// Replaying reports whether the code running now is replaying history.
func (r *Run) Replaying() bool { return r.replaying }

// Logger returns the run's logger, silent while replaying.
func (r *Run) Logger() *slog.Logger {
	// Built on first use: most runs never log, and a logger with
	// attributes holds a preformatted buffer.
	if r.logger == nil {
		r.logger = slog.New(&replayHandler{run: r, next: r.cfg.Logger.Handler()}).With(
			"namespace", r.info.Namespace,
			"workflow_id", r.info.WorkflowID, "run_id", r.info.RunID, "workflow_type", r.info.WorkflowType, "attempt", r.info.Attempt)
	}
	return r.logger
}

// DataConverter returns the converter for payloads.
func (r *Run) DataConverter() converter.DataConverter { return r.cfg.DataConverter }

// Close unwinds every coroutine of the run. The run cannot be used after.
func (r *Run) Close() {
	if !r.closed {
		r.closed = true
		r.sched.Close()
	}
}

// apply applies the events of a task and runs workflow code at each
// workflow task boundary. It returns the commands of the last boundary
// (the task being answered). Errors are those of Step.
func (r *Run) apply(t Task) (Output, error) {
	var out Output
	live, err := requestsFromMessages(t.Messages)
	if err != nil {
		return out, err
	}
	events := t.Events
	for i, e := range events {
		if r.lastEvent != 0 && e.EventId != r.lastEvent+1 {
			return out, fmt.Errorf("engine: missing history events: got event %d after %d", e.EventId, r.lastEvent)
		}
		r.lastEvent = e.EventId
		handled, err := r.ms.HandleEvent(e)
		if err != nil {
			return out, err
		}
		if handled {
			continue
		}
		if e.EventType != enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED {
			if err := r.handleEvent(e); err != nil {
				return out, err
			}
			continue
		}
		// A started task that failed or timed out does not end the
		// sequence; neither does one the history ends on before the task
		// being answered.
		var next *historypb.HistoryEvent
		if i+1 < len(events) {
			next = events[i+1]
		}
		last := next == nil
		if !last && next.EventType != enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
			continue
		}
		if e.EventTime != nil {
			if ts := e.EventTime.AsTime(); ts.After(r.now) {
				r.now = ts
			}
		}
		r.replaying = t.Replay || !last || (t.StartedEventID != 0 && e.EventId < t.StartedEventID)
		r.info.HistoryLength = e.EventId
		if a := e.GetWorkflowTaskStartedEventAttributes(); a != nil {
			r.info.ContinueAsNewSuggested = a.GetSuggestContinueAsNew()
			r.info.HistorySizeBytes = a.GetHistorySizeBytes()
		}
		r.deliverUpdates(r.admitted)
		r.admitted = nil
		if last {
			r.patchAhead, r.localAhead = nil, nil
			r.deliverUpdates(live)
		} else {
			ahead := events[i+2:]
			r.patchAhead, r.localAhead = patchesAhead(ahead), localsAhead(ahead)
			r.deliverUpdates(acceptedAhead(ahead))
		}
		if err := r.runCode(); err != nil {
			return out, err
		}
		if _, err := r.resolveFromHistory(); err != nil {
			return out, err
		}
		if !last || t.Replay {
			r.ms.TakeCommands()
			r.markLocalsHanded()
			continue
		}
		out = r.completion()
	}
	r.sched.Trim()
	return out, nil
}

// handleEvent applies an event that is not about a command.
func (r *Run) handleEvent(e *historypb.HistoryEvent) error {
	switch e.EventType {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
		return r.start(e)
	case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
		if e.GetWorkflowTaskCompletedEventAttributes().GetSdkMetadata().GetSdkName() != "" {
			r.sdkRecorded = true
		}
		return checkFlags(e)
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
		a := e.GetWorkflowExecutionSignaledEventAttributes()
		r.signal(a.GetSignalName(), a.GetInput(), a.GetHeader())
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED:
		a := e.GetWorkflowExecutionUpdateAdmittedEventAttributes()
		r.admitted = append(r.admitted, updateRequest{msgID: a.GetRequest().GetMeta().GetUpdateId() + "/request", seqID: e.EventId, req: a.GetRequest()})
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
		r.cancelReq = true
		r.rootScope.cancel(temporal.NewCanceledError())
	}
	return nil
}

// checkFlags rejects histories that used SDK flags this runtime does not
// know: their behaviour cannot be reproduced.
func checkFlags(e *historypb.HistoryEvent) error {
	md := e.GetWorkflowTaskCompletedEventAttributes().GetSdkMetadata()
	if len(md.GetLangUsedFlags()) > 0 || len(md.GetCoreUsedFlags()) > 0 {
		return &temporal.NondeterminismError{EventID: e.EventId,
			Expected: fmt.Sprintf("WorkflowTaskCompleted with SDK flags lang=%v core=%v", md.GetLangUsedFlags(), md.GetCoreUsedFlags()),
			Actual:   "nothing it could: this runtime knows none of these flags"}
	}
	return nil
}

func (r *Run) start(e *historypb.HistoryEvent) error {
	a := e.GetWorkflowExecutionStartedEventAttributes()
	r.info = infoFromStart(r.cfg.Namespace, r.info.WorkflowID, r.info.RunID, a)
	if e.EventTime != nil {
		r.now = e.EventTime.AsTime()
		r.info.StartTime = r.now
	}
	def, ok := r.cfg.Lookup(r.info.WorkflowType)
	if !ok {
		return &UnknownWorkflowError{Type: r.info.WorkflowType}
	}
	r.def, r.fn, r.input = def, def.Fn, a.GetInput()
	r.rootScope = newScope(nil)
	r.root = &Context{run: r, scope: r.rootScope}
	if r.cfg.Attach != nil {
		r.cfg.Attach(r)
	}
	r.sched.Spawn("root", func(*coro.Coroutine) {
		res, err := r.execute(r.root, r.input)
		r.finish(res, err)
	})
	return nil
}

// finish issues the closing command for the workflow function's return.
func (r *Run) finish(res *commonpb.Payloads, err error) {
	if r.finished {
		return
	}
	r.finished = true
	if can, ok := asContinueAsNew(err); ok {
		r.continueAsNew(can)
		return
	}
	switch {
	case err == nil:
		r.ms.CompleteWorkflow(res)
	case r.cancelReq && isCanceled(err):
		var details *commonpb.Payloads
		var ce *temporal.CanceledError
		if errors.As(err, &ce) {
			details = ce.EncodedDetails()
			if details == nil && ce.HasDetails() {
				// Details given as Go values: encode them, or keep
				// the cancellation without them if they cannot be.
				details, _ = r.cfg.DataConverter.ToPayloads(ce.DetailValues()...)
			}
		}
		r.ms.CancelWorkflow(details)
	default:
		r.ms.FailWorkflow(r.cfg.FailureConverter.ErrorToFailure(err))
	}
}

func isCanceled(err error) bool {
	return temporal.IsCanceledError(err)
}

// runCode runs coroutines until all are blocked.
func (r *Run) runCode() error {
	if r.finished {
		return nil
	}
	if err := r.sched.Run(); err != nil {
		return r.failOrReturn(err)
	}
	if r.waitingUpdates > 0 && !r.finished {
		// Every coroutine is blocked: updates still without a handler
		// are rejected.
		r.quiescent = true
		err := r.sched.Run()
		r.quiescent = false
		if err != nil {
			return r.failOrReturn(err)
		}
	}
	if r.finished {
		r.warnUnfinished()
		r.sched.Close()
	}
	return nil
}

// failOrReturn fails the workflow with a panic the definition lists as a
// workflow failure; other errors are returned (they fail the task).
func (r *Run) failOrReturn(err error) error {
	var pe *coro.PanicError
	if r.def == nil || r.def.FailWorkflow == nil || !errors.As(err, &pe) || !r.def.FailWorkflow(pe.Value) {
		return err
	}
	r.finish(nil, panicFailure(pe.Value))
	r.warnUnfinished()
	r.sched.Close()
	return nil
}

// panicFailure is the error a panic the definition lists as a failure
// fails the workflow (or an update) with: an ApplicationError whose type
// is the panic value's Go type.
func panicFailure(v any) error {
	perr, ok := v.(error)
	if !ok {
		perr = fmt.Errorf("%v", v)
	}
	return temporal.NewApplicationErrorWithOptions(perr.Error(), temporal.ApplicationErrorOptions{Type: fmt.Sprintf("%T", v), Cause: perr})
}

// Go starts fn as a new coroutine of the run.
func (r *Run) Go(ctx *Context, name string, fn func(ctx *Context)) {
	r.sched.Spawn(name, func(*coro.Coroutine) { fn(ctx) })
}

// UnknownWorkflowError is returned when a task names a workflow type the
// worker has not registered.
type UnknownWorkflowError struct{ Type string }

func (e *UnknownWorkflowError) Error() string {
	return fmt.Sprintf("workflow type %q is not registered with this worker", e.Type)
}
