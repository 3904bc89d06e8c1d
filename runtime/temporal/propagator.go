package temporal

import (
	"context"

	commonpb "go.temporal.io/api/common/v1"
)

// Header is the header of a Temporal call (start, signal, query, update,
// activity, child workflow, ...): keys to payloads, as
// temporal.api.common.v1.Header carries them.
type Header = map[string]*commonpb.Payload

// ContextPropagator moves values of a Go context.Context into call
// headers and back out: the client calls Inject for every call it
// sends, the worker calls Extract when it runs an activity. Register it
// with client.Options.ContextPropagators; a workflow.ContextPropagator
// (which also moves values in and out of workflow contexts) carries them
// on through workflows into their activities and children.
//
// Inject writes into h, never nil; Extract reads h (possibly nil) and
// returns ctx with the values added. An error from either is logged and
// the call goes on without the propagator's values.
type ContextPropagator interface {
	Inject(ctx context.Context, h Header) error
	Extract(ctx context.Context, h Header) (context.Context, error)
}
