package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
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
// *temporal.NondeterminismError, a panic of workflow code, or a malformed
// history.
type ReplayError struct {
	WorkflowID string
	RunID      string
	EventID    int64 // the last event applied
	Err        error
}

func (e *ReplayError) Error() string {
	return fmt.Sprintf("replay of workflow %s (run %s) failed at event %d: %v", e.WorkflowID, e.RunID, e.EventID, e.Err)
}

func (e *ReplayError) Unwrap() error { return e.Err }

// ReplayHistory replays one execution's history. workflowID and runID are
// used in messages and in workflow.GetInfo; an empty runID stands for the
// run id the history was recorded with (its original execution run id).
func (r *Replayer) ReplayHistory(workflowID, runID string, h *historypb.History) error {
	events := h.GetEvents()
	if len(events) == 0 || events[0].GetWorkflowExecutionStartedEventAttributes() == nil {
		return &ReplayError{WorkflowID: workflowID, RunID: runID, Err: errors.New("history does not start with WorkflowExecutionStarted")}
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
	defer run.Close()
	_, err := run.Step(engine.Input{Task: &engine.Task{Events: events, StartedEventID: math.MaxInt64, Whole: true}})
	if err != nil {
		var nd *temporal.NondeterminismError
		if errors.As(err, &nd) && nd.WorkflowID == "" {
			nd.WorkflowID, nd.RunID = workflowID, runID
		}
		return &ReplayError{WorkflowID: workflowID, RunID: runID, EventID: run.LastEventID(), Err: err}
	}
	return nil
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
