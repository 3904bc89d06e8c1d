package workflow

import (
	"log/slog"
	"math/rand/v2"
	"time"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// InboundBase is an Inbound that calls Next for every method: embed it
// and override the methods to intercept.
type InboundBase struct{ Next Inbound }

// ExecuteWorkflow calls Next.
func (b InboundBase) ExecuteWorkflow(ctx Context, in *ExecuteWorkflowInput) (*commonpb.Payloads, error) {
	return b.Next.ExecuteWorkflow(ctx, in)
}

// HandleSignal calls Next.
func (b InboundBase) HandleSignal(ctx Context, in *HandleSignalInput) error {
	return b.Next.HandleSignal(ctx, in)
}

// HandleQuery calls Next.
func (b InboundBase) HandleQuery(ctx Context, in *HandleQueryInput) (any, error) {
	return b.Next.HandleQuery(ctx, in)
}

// ValidateUpdate calls Next.
func (b InboundBase) ValidateUpdate(ctx Context, in *UpdateInput) error {
	return b.Next.ValidateUpdate(ctx, in)
}

// ExecuteUpdate calls Next.
func (b InboundBase) ExecuteUpdate(ctx Context, in *UpdateInput) (any, error) {
	return b.Next.ExecuteUpdate(ctx, in)
}

// OutboundBase is an Outbound that calls Next for every method: embed it
// and override the methods to intercept.
type OutboundBase struct{ Next Outbound }

// StartActivity calls Next.
func (b OutboundBase) StartActivity(ctx Context, in *ActivityInput) ActivityHandle[any] {
	return b.Next.StartActivity(ctx, in)
}

// StartLocalActivity calls Next.
func (b OutboundBase) StartLocalActivity(ctx Context, in *LocalActivityInput) LocalActivityHandle[any] {
	return b.Next.StartLocalActivity(ctx, in)
}

// StartChildWorkflow calls Next.
func (b OutboundBase) StartChildWorkflow(ctx Context, in *ChildWorkflowInput) (ChildWorkflowHandle[any], error) {
	return b.Next.StartChildWorkflow(ctx, in)
}

// SignalWorkflow calls Next.
func (b OutboundBase) SignalWorkflow(ctx Context, in *SignalWorkflowInput) Future[struct{}] {
	return b.Next.SignalWorkflow(ctx, in)
}

// CancelExternalWorkflow calls Next.
func (b OutboundBase) CancelExternalWorkflow(ctx Context, in *CancelExternalInput) Future[struct{}] {
	return b.Next.CancelExternalWorkflow(ctx, in)
}

// NewTimer calls Next.
func (b OutboundBase) NewTimer(ctx Context, in *TimerInput) Future[struct{}] {
	return b.Next.NewTimer(ctx, in)
}

// NewContinueAsNewError calls Next.
func (b OutboundBase) NewContinueAsNewError(ctx Context, in *ContinueAsNewInput) error {
	return b.Next.NewContinueAsNewError(ctx, in)
}

// StartNexusOperation calls Next.
func (b OutboundBase) StartNexusOperation(ctx Context, in *NexusOperationInput) NexusOperationHandle[any] {
	return b.Next.StartNexusOperation(ctx, in)
}

// Now calls Next.
func (b OutboundBase) Now(ctx Context) time.Time { return b.Next.Now(ctx) }

// Random calls Next.
func (b OutboundBase) Random(ctx Context) *rand.Rand { return b.Next.Random(ctx) }

// Patched calls Next.
func (b OutboundBase) Patched(ctx Context, patchID string, deprecated bool) bool {
	return b.Next.Patched(ctx, patchID, deprecated)
}

// GetLogger calls Next.
func (b OutboundBase) GetLogger(ctx Context) *slog.Logger { return b.Next.GetLogger(ctx) }

// MetricMeter calls Next.
func (b OutboundBase) MetricMeter(ctx Context) temporal.MetricsHandler {
	return b.Next.MetricMeter(ctx)
}
