package activity

import (
	"context"
	"fmt"
	"log/slog"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Interceptor intercepts the activities (and local activities) a worker
// runs; register it with worker.Options.ActivityInterceptors, the first
// outermost. InterceptActivity is called for each attempt with the
// activity's context and returns the Inbound to call instead of next and
// the Outbound that the activity's calls to this package (GetInfo,
// GetLogger, GetMetricsHandler, RecordHeartbeat, HasHeartbeatDetails,
// GetHeartbeatDetails) go through instead of out; returning next and out
// unchanged intercepts nothing.
type Interceptor interface {
	InterceptActivity(ctx context.Context, next Inbound, out Outbound) (Inbound, Outbound)
}

// Outbound intercepts the calls an activity makes to this package. Each
// method should call the next Outbound's (OutboundBase does).
type Outbound interface {
	GetInfo(ctx context.Context) Info
	GetLogger(ctx context.Context) *slog.Logger
	GetMetricsHandler(ctx context.Context) temporal.MetricsHandler
	RecordHeartbeat(ctx context.Context, details ...any)
	HasHeartbeatDetails(ctx context.Context) bool
	GetHeartbeatDetails(ctx context.Context, ptrs ...any) error
}

// OutboundBase is an Outbound that calls Next: embed it and override the
// methods to intercept.
type OutboundBase struct{ Next Outbound }

// GetInfo calls Next.
func (b OutboundBase) GetInfo(ctx context.Context) Info { return b.Next.GetInfo(ctx) }

// GetLogger calls Next.
func (b OutboundBase) GetLogger(ctx context.Context) *slog.Logger { return b.Next.GetLogger(ctx) }

// GetMetricsHandler calls Next.
func (b OutboundBase) GetMetricsHandler(ctx context.Context) temporal.MetricsHandler {
	return b.Next.GetMetricsHandler(ctx)
}

// RecordHeartbeat calls Next.
func (b OutboundBase) RecordHeartbeat(ctx context.Context, details ...any) {
	b.Next.RecordHeartbeat(ctx, details...)
}

// HasHeartbeatDetails calls Next.
func (b OutboundBase) HasHeartbeatDetails(ctx context.Context) bool {
	return b.Next.HasHeartbeatDetails(ctx)
}

// GetHeartbeatDetails calls Next.
func (b OutboundBase) GetHeartbeatDetails(ctx context.Context, ptrs ...any) error {
	return b.Next.GetHeartbeatDetails(ctx, ptrs...)
}

// Root returns the Outbound every chain ends in: it does what this
// package's functions do without interceptors. Workers build chains on
// it; interceptors receive it (or a later layer) as out.
func Root() Outbound { return root{} }

type root struct{}

func (root) GetInfo(ctx context.Context) Info { return getInfo(mustEnv(ctx, "GetInfo")) }
func (root) GetLogger(ctx context.Context) *slog.Logger {
	return mustEnv(ctx, "GetLogger").Logger
}
func (root) GetMetricsHandler(ctx context.Context) temporal.MetricsHandler {
	return metricsOf(mustEnv(ctx, "GetMetricsHandler"))
}
func (root) RecordHeartbeat(ctx context.Context, details ...any) {
	if env := actctx.From(ctx); env != nil {
		recordHeartbeat(env, details)
	}
}
func (root) HasHeartbeatDetails(ctx context.Context) bool {
	env := actctx.From(ctx)
	return env != nil && len(env.HeartbeatDetails.GetPayloads()) > 0
}
func (root) GetHeartbeatDetails(ctx context.Context, ptrs ...any) error {
	return getHeartbeatDetails(mustEnv(ctx, "GetHeartbeatDetails"), ptrs)
}

// Inbound runs an activity attempt: ExecuteActivity should call the next
// Inbound's (InboundBase does), possibly with a changed context (values
// read from Header, a deadline, a span), or fail without calling on.
type Inbound interface {
	ExecuteActivity(ctx context.Context, in *ExecuteInput) (*commonpb.Payloads, error)
}

// ExecuteInput is the input of Inbound.ExecuteActivity: the activity
// task's header and its arguments, not decoded (GetInfo(ctx) has the
// rest).
type ExecuteInput struct {
	Header temporal.Header
	Args   converter.Values
}

// InboundBase is an Inbound that calls Next: embed it and override
// ExecuteActivity.
type InboundBase struct{ Next Inbound }

// ExecuteActivity calls Next.
func (b InboundBase) ExecuteActivity(ctx context.Context, in *ExecuteInput) (*commonpb.Payloads, error) {
	return b.Next.ExecuteActivity(ctx, in)
}

// InterceptorPanicError fails an activity attempt during which an
// activity interceptor panicked; it names the interceptor (its Go type).
type InterceptorPanicError struct {
	Interceptor string
	Value       any
}

func (e *InterceptorPanicError) Error() string {
	return fmt.Sprintf("activity interceptor %s panicked: %v", e.Interceptor, e.Value)
}
