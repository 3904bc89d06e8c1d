package actworker

import (
	"context"
	"fmt"
	"log/slog"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// InvokeWith runs fn through the interceptors list (Invoke directly without
// any). The attempt's outbound chain goes into its environment, where the
// activity package's functions find it.
func InvokeWith(ctx context.Context, list []activity.Interceptor, fn Func, dc converter.DataConverter, header *commonpb.Header, input *commonpb.Payloads) (*commonpb.Payloads, error) {
	if len(list) == 0 {
		return Invoke(ctx, fn, dc, input)
	}
	var in activity.Inbound = rootInbound{fn, dc}
	out := activity.Root()
	for i := len(list) - 1; i >= 0; i-- {
		name := fmt.Sprintf("%T", list[i])
		nextIn, nextOut, err := interceptActivity(ctx, list[i], name, in, out)
		if err != nil {
			return nil, err
		}
		in, out = guardedInbound{name, nextIn}, guardedOutbound{name, nextOut}
	}
	if env := actctx.From(ctx); env != nil {
		env.Outbound = out
	}
	return in.ExecuteActivity(ctx, &activity.ExecuteInput{Header: header.GetFields(), Args: converter.NewValues(input, dc)})
}

func interceptActivity(ctx context.Context, x activity.Interceptor, name string, next activity.Inbound, out activity.Outbound) (in activity.Inbound, o activity.Outbound, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = panicFailure(name, p)
		}
	}()
	if in, o = x.InterceptActivity(ctx, next, out); in == nil || o == nil {
		return nil, nil, fmt.Errorf("activity interceptor %s: InterceptActivity returned a nil Inbound or Outbound", name)
	}
	return in, o, nil
}

// panicFailure is the non-retryable failure of an attempt whose
// interceptor panicked: retrying would panic again.
func panicFailure(name string, p any) error {
	e := &activity.InterceptorPanicError{Interceptor: name, Value: p}
	return temporal.NewApplicationErrorWithOptions(e.Error(), temporal.ApplicationErrorOptions{Type: "InterceptorPanicError", NonRetryable: true, Cause: e})
}

// rootInbound runs the activity function; Invoke turns its panics into
// errors.
type rootInbound struct {
	fn Func
	dc converter.DataConverter
}

func (r rootInbound) ExecuteActivity(ctx context.Context, in *activity.ExecuteInput) (*commonpb.Payloads, error) {
	return Invoke(ctx, r.fn, r.dc, in.Args.Payloads())
}

// guardedInbound turns a panic of the interceptor it wraps into the
// attempt's failure; what it calls is guarded too, so a panic it sees is
// its own interceptor's.
type guardedInbound struct {
	name string
	next activity.Inbound
}

func (g guardedInbound) ExecuteActivity(ctx context.Context, in *activity.ExecuteInput) (res *commonpb.Payloads, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, panicFailure(g.name, p)
		}
	}()
	return g.next.ExecuteActivity(ctx, in)
}

// guardedOutbound names the interceptor in a panic of its outbound layer:
// the panic goes on, as an *activity.InterceptorPanicError, into the
// activity code that made the call, and fails the attempt unless that
// code recovers. A panic already named by a later layer passes as it is.
type guardedOutbound struct {
	name string
	next activity.Outbound
}

func (g guardedOutbound) blame() {
	if p := recover(); p != nil {
		if _, named := p.(*activity.InterceptorPanicError); !named {
			p = &activity.InterceptorPanicError{Interceptor: g.name, Value: p}
		}
		panic(p)
	}
}

func (g guardedOutbound) GetInfo(ctx context.Context) activity.Info {
	defer g.blame()
	return g.next.GetInfo(ctx)
}

func (g guardedOutbound) GetLogger(ctx context.Context) *slog.Logger {
	defer g.blame()
	return g.next.GetLogger(ctx)
}

func (g guardedOutbound) GetMetricsHandler(ctx context.Context) temporal.MetricsHandler {
	defer g.blame()
	return g.next.GetMetricsHandler(ctx)
}

func (g guardedOutbound) RecordHeartbeat(ctx context.Context, details ...any) {
	defer g.blame()
	g.next.RecordHeartbeat(ctx, details...)
}

func (g guardedOutbound) HasHeartbeatDetails(ctx context.Context) bool {
	defer g.blame()
	return g.next.HasHeartbeatDetails(ctx)
}

func (g guardedOutbound) GetHeartbeatDetails(ctx context.Context, ptrs ...any) error {
	defer g.blame()
	return g.next.GetHeartbeatDetails(ctx, ptrs...)
}
