package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/coro"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/wfreg"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// ReplayerOptions configure a Replayer. The zero value uses the default
// converters and discards workflow logs.
type ReplayerOptions struct {
	DataConverter    converter.DataConverter
	FailureConverter converter.FailureConverter
	Logger           *slog.Logger
	// WorkflowInterceptors and ContextPropagators should be the workers':
	// interceptors run inside workflow code, so replay must run them too.
	WorkflowInterceptors []workflow.Interceptor
	ContextPropagators   []temporal.ContextPropagator
	// DeadlockTimeout is how long a workflow coroutine may run without
	// yielding before the replay fails with a *temporal.DeadlockError
	// ([TMPRL1101]), as on a worker (default DefaultDeadlockTimeout;
	// negative: no limit, e.g. to step through workflow code in a
	// debugger). Go cannot stop the stuck code: its goroutine keeps
	// running until it returns.
	DeadlockTimeout time.Duration
}

// Replayer replays recorded workflow histories against the registered
// workflow code, without a server, to catch nondeterministic changes before
// they are deployed. Use it in CI with histories exported by
// `temporal workflow show --output json`.
type Replayer struct {
	opts      ReplayerOptions
	workflows wfreg.Registry
}

// NewReplayer returns a replayer with nothing registered.
func NewReplayer(opts ReplayerOptions) *Replayer {
	if opts.DataConverter == nil {
		opts.DataConverter = converter.Default()
	}
	if opts.FailureConverter == nil {
		opts.FailureConverter = converter.NewFailureConverter(opts.DataConverter, converter.FailureConverterOptions{})
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.DeadlockTimeout == 0 {
		opts.DeadlockTimeout = DefaultDeadlockTimeout
	}
	return &Replayer{opts: opts}
}

// RegisterWorkflow registers a Go function as a workflow type, like
// Worker.RegisterWorkflow.
func (r *Replayer) RegisterWorkflow(name string, fn any) error {
	adapted, err := wfreg.Adapt(name, fn, r.opts.DataConverter)
	if err != nil {
		return err
	}
	return r.RegisterWorkflowFunc(name, adapted)
}

// RegisterWorkflowFunc registers a reflection-free workflow type.
func (r *Replayer) RegisterWorkflowFunc(name string, fn WorkflowFunc) error {
	return r.RegisterWorkflowFuncWithOptions(name, fn, RegisterOptions{})
}

// RegisterWorkflowFuncWithOptions registers a reflection-free workflow
// type with options, like Worker.RegisterWorkflowFuncWithOptions.
func (r *Replayer) RegisterWorkflowFuncWithOptions(name string, fn WorkflowFunc, opts RegisterOptions) error {
	return r.workflows.Register(name, fn, opts.wfreg())
}

// RegisterDynamicWorkflowFuncWithOptions registers the workflow replayed
// for types without their own registration.
func (r *Replayer) RegisterDynamicWorkflowFuncWithOptions(fn WorkflowFunc, opts RegisterOptions) error {
	return r.workflows.RegisterDynamic(fn, opts.wfreg())
}

// ReplayError reports a history that did not replay. It wraps the cause: a
// *temporal.NondeterminismError, a panic of workflow code, a
// *temporal.DeadlockError, or a *HistoryError for a malformed history.
type ReplayError struct {
	WorkflowID string
	RunID      string
	EventID    int64 // the last event applied
	Err        error
}

func (e *ReplayError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "replay of workflow %s", e.WorkflowID)
	if e.RunID != "" {
		fmt.Fprintf(&b, " (run %s)", e.RunID)
	}
	b.WriteString(" failed")
	if e.EventID != 0 {
		fmt.Fprintf(&b, " at event %d", e.EventID)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *ReplayError) Unwrap() error { return e.Err }

// HistoryError is the cause of a ReplayError for a history that is not
// the history of a workflow execution (edited by hand, cut in the middle,
// or of another kind): before replaying, the replayer checks that it
// starts with WorkflowExecutionStarted, that its event ids count 1, 2,
// 3, ..., and that every event has the attributes of its type.
type HistoryError struct {
	Index     int               // position of the offending event, from 0; -1 for an empty history
	EventID   int64             // its id, as the history gives it
	EventType enumspb.EventType // its type, as the history gives it
	Reason    string
}

func (e *HistoryError) Error() string {
	if e.Index < 0 {
		return "malformed history: " + e.Reason
	}
	return fmt.Sprintf("malformed history: event %d (%s, at index %d): %s", e.EventID, e.EventType, e.Index, e.Reason)
}

// checkHistory returns a *HistoryError for the first event of a whole
// recorded history that the engine cannot apply.
func checkHistory(events []*historypb.HistoryEvent) error {
	if len(events) == 0 {
		return &HistoryError{Index: -1, Reason: "the history has no events"}
	}
	attrs := (&historypb.HistoryEvent{}).ProtoReflect().Descriptor().Oneofs().ByName("attributes")
	for i, e := range events {
		bad := func(format string, args ...any) error {
			return &HistoryError{Index: i, EventID: e.GetEventId(), EventType: e.GetEventType(), Reason: fmt.Sprintf(format, args...)}
		}
		if id := int64(i) + 1; e.GetEventId() != id {
			return bad("want event id %d: the ids of a history count 1, 2, 3, ...", id)
		}
		typ := e.GetEventType()
		switch {
		case i == 0 && typ != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
			return bad("a history starts with WorkflowExecutionStarted")
		case i > 0 && typ == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
			return bad("only the first event of a history is WorkflowExecutionStarted")
		}
		// The attributes field of each event type is named after it:
		// EVENT_TYPE_TIMER_FIRED has timer_fired_event_attributes.
		name, ok := eventTypeName(typ)
		if !ok {
			return bad("unknown event type %d", int32(typ))
		}
		field := attrs.Fields().ByName(protoreflect.Name(name + "_event_attributes"))
		set := e.ProtoReflect().WhichOneof(attrs)
		switch {
		case set == nil:
			return bad("the event has no attributes")
		case set != field:
			return bad("the event has %s, not the attributes of its type", set.Name())
		}
	}
	return nil
}

// eventTypeName returns the snake-case name of an event type without its
// prefix ("timer_fired"), and false for types this version of the API
// does not know.
func eventTypeName(t enumspb.EventType) (string, bool) {
	v := t.Descriptor().Values().ByNumber(protoreflect.EnumNumber(t))
	if v == nil || t == enumspb.EVENT_TYPE_UNSPECIFIED {
		return "", false
	}
	return strings.ToLower(strings.TrimPrefix(string(v.Name()), "EVENT_TYPE_")), true
}

// ReplayHistory replays one execution's history. workflowID and runID are
// used in messages and in workflow.GetInfo; an empty runID stands for the
// run id the history was recorded with (its original execution run id).
func (r *Replayer) ReplayHistory(workflowID, runID string, h *historypb.History) error {
	events := h.GetEvents()
	if err := checkHistory(events); err != nil {
		return &ReplayError{WorkflowID: workflowID, RunID: runID, Err: err}
	}
	if runID == "" {
		// Default child workflow ids derive from the run id: use the one
		// the history was recorded with.
		runID = events[0].GetWorkflowExecutionStartedEventAttributes().GetOriginalExecutionRunId()
	}
	run := engine.NewRun(engine.Config{
		Namespace:        "replay",
		DataConverter:    r.opts.DataConverter,
		FailureConverter: r.opts.FailureConverter,
		Logger:           r.opts.Logger,
		Lookup:           r.workflows.Lookup,
		Attach:           workflow.NewInterceptors(r.opts.WorkflowInterceptors, r.opts.ContextPropagators).AttachFunc(),
	}, workflowID, runID)
	stuck, err := r.step(run, engine.Input{Task: &engine.Task{Events: events, StartedEventID: math.MaxInt64, Whole: true}})
	if stuck != nil {
		// The run's code is still running: the run must not be touched
		// again, not even closed.
		stuck.WorkflowID, stuck.RunID = workflowID, runID
		return &ReplayError{WorkflowID: workflowID, RunID: runID, Err: stuck}
	}
	defer run.Close()
	if err != nil {
		var nd *temporal.NondeterminismError
		if errors.As(err, &nd) && nd.WorkflowID == "" {
			nd.WorkflowID, nd.RunID = workflowID, runID
		}
		return &ReplayError{WorkflowID: workflowID, RunID: runID, EventID: run.LastEventID(), Err: err}
	}
	return nil
}

// step runs the replay's engine step under a deadlock watchdog (unless
// DeadlockTimeout is negative). A non-nil stuck says a coroutine stopped
// yielding; the step then goes on without the replayer.
func (r *Replayer) step(run *engine.Run, in engine.Input) (stuck *temporal.DeadlockError, err error) {
	if r.opts.DeadlockTimeout < 0 {
		_, err := run.Step(in)
		return nil, err
	}
	d := coro.NewWatchdog(r.opts.DeadlockTimeout)
	ctx, cancel := context.WithCancel(context.Background())
	looped := make(chan struct{})
	go func() { defer close(looped); d.Loop(ctx) }()
	defer func() { cancel(); <-looped }()
	err, s := coro.Guard(d, run.Scheduler(), nil, func() error {
		_, err := run.Step(in)
		return err
	})
	if s != nil {
		return &temporal.DeadlockError{Coroutine: s.Coroutine, Timeout: r.opts.DeadlockTimeout, Stack: s.Stack}, nil
	}
	return nil, err
}

// ParseHistoryJSON reads a history as written by
// `temporal workflow show --output json` (or any protojson History).
func ParseHistoryJSON(data []byte) (*historypb.History, error) {
	var h historypb.History
	if err := (temporalproto.CustomJSONUnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("worker: parsing history JSON: %w", err)
	}
	return &h, nil
}

// ReplayHistoryFile replays a history JSON file.
func (r *Replayer) ReplayHistoryFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	h, err := ParseHistoryJSON(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return r.ReplayHistory(path, "", h)
}

// ReplayWorkflow fetches an execution's history from the server and
// replays it.
func (r *Replayer) ReplayWorkflow(ctx context.Context, c *client.Client, workflowID, runID string) error {
	h, err := c.GetWorkflow(workflowID, runID).FetchHistory(ctx)
	if err != nil {
		return err
	}
	return r.ReplayHistory(workflowID, runID, h)
}
