package workflow

import "github.com/temporalgen/temporalgen/runtime/temporal"

// ContextPropagator is a temporal.ContextPropagator that also moves its
// values in and out of workflow contexts: ExtractToWorkflow runs when the
// workflow function or a handler starts (on the header of the start,
// signal, query or update), InjectFromWorkflow when workflow code starts
// an activity, local activity or child workflow, signals a workflow or
// continues as new. Both run inside workflow code and must be
// deterministic (WithValue and Value only). Register it with
// client.Options.ContextPropagators; workers use their client's.
type ContextPropagator interface {
	temporal.ContextPropagator
	InjectFromWorkflow(ctx Context, h Header) error
	ExtractToWorkflow(ctx Context, h Header) (Context, error)
}
