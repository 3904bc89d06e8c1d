package engine

import (
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	sdkpb "go.temporal.io/api/sdk/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/sm"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// NexusOptions are the engine's Nexus operation options.
type NexusOptions struct {
	Endpoint               string
	Service                string
	Operation              string
	ScheduleToCloseTimeout time.Duration
	Header                 map[string]string
	CancellationType       sm.NexusCancellationType
	Metadata               *sdkpb.UserMetadata // the command's summary
}

// NexusOperation is a scheduled Nexus operation: Started is ready with
// the operation token ("" for synchronous operations), Result with the
// result payloads.
type NexusOperation struct {
	Started *Future
	Result  *Future
	m       *sm.Nexus
}

// Cancel cancels the operation according to its cancellation type.
func (n *NexusOperation) Cancel() {
	if n.m != nil {
		n.m.Cancel()
	}
}

// ExecuteNexusOperation schedules a Nexus operation. Cancelling ctx
// cancels it according to opts.CancellationType.
func (c *Context) ExecuteNexusOperation(opts NexusOptions, input *commonpb.Payload) *NexusOperation {
	r := c.run
	op := &NexusOperation{Started: NewFuture(), Result: NewFuture()}
	fail := func(err error) *NexusOperation {
		op.Started.SetValue(nil, err)
		op.Result.SetPayloads(nil, err)
		return op
	}
	if err := r.checkWritable("ExecuteNexusOperation"); err != nil {
		return fail(err)
	}
	if err := c.Err(); err != nil {
		return fail(err)
	}
	var stop func()
	op.m = r.ms.ScheduleNexusOperation(&commandpb.ScheduleNexusOperationCommandAttributes{
		Endpoint:               opts.Endpoint,
		Service:                opts.Service,
		Operation:              opts.Operation,
		Input:                  input,
		ScheduleToCloseTimeout: dur(opts.ScheduleToCloseTimeout),
		NexusHeader:            opts.Header,
	}, opts.CancellationType, func(token string, _ bool) {
		op.Started.SetValue(token, nil)
	}, func(o sm.NexusOutcome) {
		if stop != nil {
			stop()
		}
		if o.Failure != nil {
			err := r.cfg.FailureConverter.FailureToError(o.Failure)
			if err == nil {
				err = temporal.NewApplicationError(o.Failure.GetMessage(), "NexusOperationError")
			}
			op.Result.SetPayloads(nil, err)
			return
		}
		var p *commonpb.Payloads
		if o.Result != nil {
			p = &commonpb.Payloads{Payloads: []*commonpb.Payload{o.Result}}
		}
		op.Result.SetPayloads(p, nil)
	})
	r.ms.AnnotateLast(opts.Metadata)
	stop = c.OnCancel(op.m.Cancel)
	return op
}
