package activity

import (
	"context"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Interceptor intercepts the activities (and local activities) a worker
// runs; register it with worker.Options.ActivityInterceptors, the first
// outermost. InterceptActivity is called for each attempt with the
// activity's context and returns the Inbound to call instead of next.
type Interceptor interface {
	InterceptActivity(ctx context.Context, next Inbound) Inbound
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
