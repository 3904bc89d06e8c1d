package testsuite

import (
	"context"
	"fmt"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/runtime/worker"
)

// nexusHandler runs a mocked Nexus operation: the decoded input in, the
// result (or error) out.
type nexusHandler func(ctx context.Context, input *commonpb.Payload) (*commonpb.Payload, error)

// OnNexusOperation mocks the Nexus operation service/operation (on any
// endpoint) with fn, which runs in process as a synchronous operation:
// its input decoded into I, its result encoded from O, an error failing
// the operation. Nexus operations are not simulated otherwise.
func OnNexusOperation[I, O any](e *Env, service, operation string, fn func(ctx context.Context, in I) (O, error)) *Mock {
	m := e.newMock("nexus operation", service+"/"+operation)
	dc := e.opts.DataConverter
	e.nexus[service+"/"+operation] = func(ctx context.Context, p *commonpb.Payload) (*commonpb.Payload, error) {
		m.calls.Add(1)
		var in I
		if p != nil {
			if err := dc.FromPayload(p, &in); err != nil {
				return nil, fmt.Errorf("testsuite: decoding the input of Nexus operation %s/%s: %w", service, operation, err)
			}
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		return dc.ToPayload(out)
	}
	return m
}

// RegisterNexusOperation serves the Nexus operation service/operation (on
// any endpoint) with op, as a worker does; generated RegisterXNexus
// functions call it. The operation must complete synchronously (an
// asynchronous start fails the test) and, unlike on a server, any error
// it returns fails the operation at once. A mock of the same operation
// (OnNexusOperation) takes its place. Operations run in process only, not
// with Options.Server.
func (e *Env) RegisterNexusOperation(service, operation string, op worker.NexusOperation) error {
	key := service + "/" + operation
	if _, dup := e.nexusOps[key]; dup {
		return fmt.Errorf("testsuite: Nexus operation %s is already registered", key)
	}
	dc := e.opts.DataConverter
	e.nexusOps[key] = func(ctx context.Context, p *commonpb.Payload) (*commonpb.Payload, error) {
		res, err := op.Start(ctx, &worker.NexusStartRequest{Service: service, Operation: operation, Input: p, DataConverter: dc})
		if err != nil {
			return nil, err
		}
		if res.Token != "" {
			err := fmt.Errorf("testsuite: Nexus operation %s started asynchronously (token %q): the test environment runs synchronous operations only; mock it with OnNexusOperation", key, res.Token)
			e.fail(err)
			return nil, err
		}
		return res.Result, nil
	}
	return nil
}

// scheduleNexus records the operation and, at the same virtual time, runs
// its mock and records the outcome.
func (x *execution) scheduleNexus(a *commandpb.ScheduleNexusOperationCommandAttributes, completed int64) {
	ev := x.add(enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED, &historypb.NexusOperationScheduledEventAttributes{
		Endpoint: a.Endpoint, Service: a.Service, Operation: a.Operation, Input: a.Input,
		ScheduleToCloseTimeout: a.ScheduleToCloseTimeout, NexusHeader: a.NexusHeader,
		WorkflowTaskCompletedEventId: completed, RequestId: fmt.Sprintf("nexus-%d", len(x.events))})
	fn, ok := x.env.nexus[a.Service+"/"+a.Operation]
	if !ok {
		fn, ok = x.env.nexusOps[a.Service+"/"+a.Operation]
	}
	if !ok {
		x.env.fail(fmt.Errorf("testsuite: Nexus operation %s/%s (endpoint %s) is neither mocked nor registered: use testsuite.OnNexusOperation or Env.RegisterNexusOperation", a.Service, a.Operation, a.Endpoint))
		return
	}
	scheduled := ev.EventId
	x.env.clock.after(0, func() {
		if !x.open() {
			return
		}
		res, err := fn(context.Background(), a.Input)
		if err != nil {
			// As the server does: the handler's failure is the cause of
			// a Nexus operation failure.
			f := &failurepb.Failure{Message: "nexus operation completed unsuccessfully", Cause: x.env.opts.FailureConverter.ErrorToFailure(err),
				FailureInfo: &failurepb.Failure_NexusOperationExecutionFailureInfo{NexusOperationExecutionFailureInfo: &failurepb.NexusOperationFailureInfo{
					ScheduledEventId: scheduled, Endpoint: a.Endpoint, Service: a.Service, Operation: a.Operation}}}
			x.add(enumspb.EVENT_TYPE_NEXUS_OPERATION_FAILED, &historypb.NexusOperationFailedEventAttributes{ScheduledEventId: scheduled, Failure: f})
			return
		}
		x.add(enumspb.EVENT_TYPE_NEXUS_OPERATION_COMPLETED, &historypb.NexusOperationCompletedEventAttributes{ScheduledEventId: scheduled, Result: res})
	})
}
