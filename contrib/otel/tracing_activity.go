package temporalotel

import (
	"context"

	"go.opentelemetry.io/otel/trace"
	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
)

// activityInterceptor is Tracer.ActivityInterceptor.
type activityInterceptor struct{ t *Tracer }

func (a activityInterceptor) InterceptActivity(_ context.Context, next activity.Inbound, out activity.Outbound) (activity.Inbound, activity.Outbound) {
	if a.t.off {
		return next, out
	}
	return activityIn{activity.InboundBase{Next: next}, a.t}, out
}

// activityIn traces an activity attempt: RunActivity, a child of the
// StartActivity span in the task's header, carried by the context the
// activity runs with.
type activityIn struct {
	activity.InboundBase
	t *Tracer
}

func (i activityIn) ExecuteActivity(ctx context.Context, in *activity.ExecuteInput) (*commonpb.Payloads, error) {
	info := activity.GetInfo(ctx)
	opts := []trace.SpanStartOption{
		trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(workflowIDKey.String(info.WorkflowID), runIDKey.String(info.WorkflowRunID), activityIDKey.String(info.ActivityID)),
	}
	if !info.StartedTime.IsZero() {
		opts = append(opts, trace.WithTimestamp(info.StartedTime))
	}
	ctx, span := i.t.tracer.Start(i.t.extract(ctx, in.Header), "RunActivity:"+info.ActivityType, opts...)
	res, err := i.Next.ExecuteActivity(ctx, in)
	end(span, err)
	return res, err
}
