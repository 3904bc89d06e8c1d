package actworker

import (
	"context"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// invoke runs fn through the interceptors list (Invoke directly without
// any).
func invoke(ctx context.Context, list []activity.Interceptor, fn Func, dc converter.DataConverter, header *commonpb.Header, input *commonpb.Payloads) (*commonpb.Payloads, error) {
	if len(list) == 0 {
		return Invoke(ctx, fn, dc, input)
	}
	var in activity.Inbound = rootInbound{fn, dc}
	for i := len(list) - 1; i >= 0; i-- {
		name := fmt.Sprintf("%T", list[i])
		next, err := interceptActivity(ctx, list[i], name, in)
		if err != nil {
			return nil, err
		}
		in = guardedInbound{name, next}
	}
	return in.ExecuteActivity(ctx, &activity.ExecuteInput{Header: header.GetFields(), Args: converter.NewValues(input, dc)})
}

func interceptActivity(ctx context.Context, x activity.Interceptor, name string, next activity.Inbound) (out activity.Inbound, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = panicFailure(name, p)
		}
	}()
	if out = x.InterceptActivity(ctx, next); out == nil {
		return nil, fmt.Errorf("activity interceptor %s: InterceptActivity returned nil", name)
	}
	return out, nil
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
