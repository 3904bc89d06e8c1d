package workflow

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Interceptor intercepts the workflow runs of a worker (register it with
// worker.Options.Interceptors). InterceptWorkflow is called once per run
// when its workflow starts, on every worker that runs it — again after a
// cache eviction, when the run is rebuilt by replay — before any workflow
// code runs. It returns the run's inbound interceptor, which wraps next,
// and its outbound one, which wraps out; returning next and out unchanged
// intercepts nothing. Both run inside workflow code: they must be
// deterministic like it (use the Context's functions, never the clock,
// network or global state) and they see IsReplaying.
type Interceptor interface {
	InterceptWorkflow(info *Info, next Inbound, out Outbound) (Inbound, Outbound)
}

// Header is the header of a call: string keys to payloads, as
// temporal.api.common.v1.Header carries them. Interceptors and
// ContextPropagators read and write it; a nil Header is empty (writers
// must make it first).
type Header = temporal.Header

// Inbound intercepts the calls the worker makes into workflow code. Each
// method should call the next interceptor's (InboundBase does); it may
// change the context (WithValue) or the input first, or return without
// calling on.
type Inbound interface {
	// ExecuteWorkflow runs the workflow function; the result is the
	// encoded return value.
	ExecuteWorkflow(ctx Context, in *ExecuteWorkflowInput) (*commonpb.Payloads, error)
	// HandleSignal runs a signal handler.
	HandleSignal(ctx Context, in *HandleSignalInput) error
	// HandleQuery runs a query handler (read-only: it must not block or
	// issue commands); the result is encoded by the worker.
	HandleQuery(ctx Context, in *HandleQueryInput) (any, error)
	// ValidateUpdate runs an update's validator, read-only like a query;
	// an error rejects the update. It is not called on replay.
	ValidateUpdate(ctx Context, in *UpdateInput) error
	// ExecuteUpdate runs an accepted update's handler.
	ExecuteUpdate(ctx Context, in *UpdateInput) (any, error)
}

// ExecuteWorkflowInput is the input of Inbound.ExecuteWorkflow.
type ExecuteWorkflowInput struct {
	Header Header
	Args   converter.Values // the start request's arguments, not decoded
	l      *layers
	next   engine.WorkflowFunc
}

// HandleSignalInput is the input of Inbound.HandleSignal.
type HandleSignalInput struct {
	Name   string
	Args   converter.Values
	Header Header
	l      *layers
	next   func(*engine.Context, string, converter.Values) error
}

// HandleQueryInput is the input of Inbound.HandleQuery.
type HandleQueryInput struct {
	Name   string
	Args   converter.Values
	Header Header
	l      *layers
	next   func(*engine.Context, string, converter.Values) (any, error)
}

// UpdateInput is the input of Inbound.ValidateUpdate and ExecuteUpdate.
type UpdateInput struct {
	Name   string
	ID     string
	Args   converter.Values
	Header Header
	l      *layers
	next   func(*engine.Context, string, converter.Values) (any, error)
	valid  func(*engine.Context, string, converter.Values) error
}

// Outbound intercepts the calls workflow code makes: every call that
// issues a command, and the side-effect-free helpers whose result
// interceptors may want to change (Now, Random, GetLogger, MetricMeter,
// Patched). Each method should call the next interceptor's (OutboundBase
// does). The handles and futures returned carry undecoded results: the
// public function that was called decodes them into its type.
type Outbound interface {
	StartActivity(ctx Context, in *ActivityInput) ActivityHandle[any]
	StartLocalActivity(ctx Context, in *LocalActivityInput) LocalActivityHandle[any]
	StartChildWorkflow(ctx Context, in *ChildWorkflowInput) (ChildWorkflowHandle[any], error)
	// SignalWorkflow signals a child (in.Child) or an external workflow.
	SignalWorkflow(ctx Context, in *SignalWorkflowInput) Future[struct{}]
	CancelExternalWorkflow(ctx Context, in *CancelExternalInput) Future[struct{}]
	NewTimer(ctx Context, in *TimerInput) Future[struct{}]
	NewContinueAsNewError(ctx Context, in *ContinueAsNewInput) error
	StartNexusOperation(ctx Context, in *NexusOperationInput) NexusOperationHandle[any]
	Now(ctx Context) time.Time
	Random(ctx Context) *rand.Rand
	Patched(ctx Context, patchID string, deprecated bool) bool
	GetLogger(ctx Context) *slog.Logger
	MetricMeter(ctx Context) temporal.MetricsHandler
}

// ActivityInput is the input of Outbound.StartActivity.
type ActivityInput struct {
	Activity string
	Options  ActivityOptions
	Args     []any // encoded after the last interceptor
	Header   Header
	l        *layers
}

// LocalActivityInput is the input of Outbound.StartLocalActivity.
type LocalActivityInput struct {
	Activity string
	Options  LocalActivityOptions
	Args     []any
	Header   Header
	l        *layers
}

// ChildWorkflowInput is the input of Outbound.StartChildWorkflow.
type ChildWorkflowInput struct {
	WorkflowType string
	Options      ChildWorkflowOptions
	Args         []any
	Header       Header
	l            *layers
}

// SignalWorkflowInput is the input of Outbound.SignalWorkflow.
type SignalWorkflowInput struct {
	// Child is the child workflow's id when the signal goes to a child
	// through its handle; WorkflowID and RunID name the target otherwise.
	Child      string
	WorkflowID string
	RunID      string
	Name       string
	Args       []any
	Header     Header
	l          *layers
	child      *engine.Child
}

// CancelExternalInput is the input of Outbound.CancelExternalWorkflow.
type CancelExternalInput struct {
	WorkflowID string
	RunID      string
	l          *layers
}

// TimerInput is the input of Outbound.NewTimer (Sleep calls it too).
type TimerInput struct {
	Duration time.Duration
	Options  TimerOptions
	l        *layers
}

// ContinueAsNewInput is the input of Outbound.NewContinueAsNewError.
type ContinueAsNewInput struct {
	Options ContinueAsNewOptions
	Args    []any
	Header  Header
	l       *layers
}

// NexusOperationInput is the input of Outbound.StartNexusOperation; the
// Nexus header is Options.Header (string values, as Nexus carries them).
type NexusOperationInput struct {
	Client    NexusClient
	Operation string
	Input     any
	Options   NexusOperationOptions
	l         *layers
}

// InterceptorPanicError is the panic a worker raises, failing the
// workflow task, when a workflow interceptor panics: it names the
// interceptor (its Go type) and keeps the value it panicked with.
type InterceptorPanicError struct {
	Interceptor string
	Value       any
}

func (e *InterceptorPanicError) Error() string {
	return fmt.Sprintf("workflow interceptor %s panicked: %v", e.Interceptor, e.Value)
}

// Unwrap returns the panic value if it is an error.
func (e *InterceptorPanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
