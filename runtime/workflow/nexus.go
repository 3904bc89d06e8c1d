package workflow

import (
	"fmt"
	"time"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/sm"
)

// NexusClient calls the operations of one service behind one Nexus
// endpoint (the Python SDK's create_nexus_client).
type NexusClient struct {
	Endpoint string
	Service  string
	// DataConverter, if set, encodes the operation inputs and decodes the
	// results of this client instead of the workflow's data converter
	// (the seed's per-client serializer). It replaces that converter
	// entirely, payload codecs included: to keep the workflow's codecs,
	// wrap it, as in converter.WithCodecs(dc,
	// converter.Codecs(workflow.PayloadConverter(ctx))...). The handler
	// side must decode what it encodes. Failures are converted as usual.
	DataConverter converter.DataConverter
}

// NewNexusClient returns a client for service on endpoint.
func NewNexusClient(endpoint, service string) NexusClient {
	return NexusClient{Endpoint: endpoint, Service: service}
}

// NexusOperationCancellationType says what cancelling an operation waits
// for. The zero value, NexusOperationCancellationWaitCompleted, waits for
// the operation to end; values other than the constants below act as it.
type NexusOperationCancellationType int

// Nexus operation cancellation types.
const (
	NexusOperationCancellationWaitCompleted NexusOperationCancellationType = iota
	NexusOperationCancellationTryCancel
	NexusOperationCancellationWaitRequested
	NexusOperationCancellationAbandon

	numNexusOperationCancellationTypes // the count of the values above; keep last
)

// sm maps t to the state machines' type; values not declared above act as
// the default, NexusOperationCancellationWaitCompleted.
func (t NexusOperationCancellationType) sm() sm.NexusCancellationType {
	switch t {
	case NexusOperationCancellationTryCancel:
		return sm.NexusTryCancel
	case NexusOperationCancellationWaitRequested:
		return sm.NexusWaitRequested
	case NexusOperationCancellationAbandon:
		return sm.NexusAbandon
	}
	return sm.NexusWaitCompleted
}

// NexusOperationOptions configure one operation call.
type NexusOperationOptions struct {
	ScheduleToCloseTimeout time.Duration
	Header                 map[string]string
	CancellationType       NexusOperationCancellationType
	// Summary is a one-line description the Web UI shows for the
	// operation.
	Summary string
}

// NexusOperationHandle is a started Nexus operation whose result decodes
// into R.
type NexusOperationHandle[R any] struct {
	op *engine.NexusOperation
	f  Future[R]
	s  Future[string]
}

// Started returns a future for the operation token, ready once the
// operation started ("" for operations that completed synchronously).
func (h NexusOperationHandle[R]) Started() Future[string] { return h.s }

// Result returns a future for the operation's result.
func (h NexusOperationHandle[R]) Result() Future[R] { return h.f }

// Get waits for the operation's result.
func (h NexusOperationHandle[R]) Get(ctx Context) (R, error) { return h.f.Get(ctx) }

// Cancel cancels the operation according to its cancellation type.
func (h NexusOperationHandle[R]) Cancel() {
	if h.op != nil {
		h.op.Cancel()
	}
}

// StartNexusOperation starts operation on c's service with input.
// Cancelling ctx cancels the operation.
func StartNexusOperation[R any](ctx Context, c NexusClient, operation string, input any, opts NexusOperationOptions) NexusOperationHandle[R] {
	ec := impl(ctx)
	if ch := chainOf(ec); ch != nil {
		return nexusAs[R](ch.startNexusOperation(ctx, &NexusOperationInput{Client: c, Operation: operation, Input: input, Options: opts}))
	}
	return nexusAs[R](startNexusOperation(ec, c, operation, input, opts))
}

func startNexusOperation(ec *engine.Context, c NexusClient, operation string, input any, opts NexusOperationOptions) NexusOperationHandle[any] {
	dc := c.DataConverter
	if dc == nil {
		dc = ec.Run().DataConverter()
	}
	p, err := dc.ToPayload(input)
	if err != nil {
		err = fmt.Errorf("workflow: encoding input of Nexus operation %s: %w", operation, err)
		return NexusOperationHandle[any]{f: failed[any](dc, err), s: failed[string](dc, err)}
	}
	md, err := converter.UserMetadata(dc, opts.Summary, "")
	if err != nil {
		err = fmt.Errorf("workflow: encoding the summary of Nexus operation %s: %w", operation, err)
		return NexusOperationHandle[any]{f: failed[any](dc, err), s: failed[string](dc, err)}
	}
	op := ec.ExecuteNexusOperation(engine.NexusOptions{
		Endpoint: c.Endpoint, Service: c.Service, Operation: operation,
		ScheduleToCloseTimeout: opts.ScheduleToCloseTimeout, Header: opts.Header,
		CancellationType: opts.CancellationType.sm(), Metadata: md,
	}, p)
	return NexusOperationHandle[any]{op: op, f: Future[any]{f: op.Result, dc: dc}, s: Future[string]{f: op.Started, dc: dc}}
}

// ExecuteNexusOperation starts an operation and returns a future for its
// result.
func ExecuteNexusOperation[R any](ctx Context, c NexusClient, operation string, input any, opts NexusOperationOptions) Future[R] {
	return StartNexusOperation[R](ctx, c, operation, input, opts).Result()
}
