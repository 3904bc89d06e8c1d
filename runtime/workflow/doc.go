// Package workflow is the API used inside workflow code.
//
// A workflow is a Go function (or, with temporalgen, a struct with
// //temporal: directives) whose first parameter is a workflow.Context.
// Workflow code must be deterministic: given the same history, it must
// issue the same commands in the same order, because the worker replays it
// from history whenever its in-memory state is gone. So it uses this
// package instead of the usual facilities:
//
//   - time: Now, Sleep, NewTimer, AwaitWithTimeout (durable timers);
//   - concurrency: Go (coroutines that run one at a time, in a fixed
//     order), Await, NewChannel, NewSelector, NewMutex, NewSemaphore,
//     AsCompleted — never go statements, Go channels or sync;
//   - randomness: Random and UUID4, seeded from the execution;
//   - side effects: activities (ExecuteActivity, ExecuteLocalActivity),
//     child workflows (ExecuteChildWorkflow), Nexus operations, and
//     signals to other workflows (GetExternalWorkflowHandle);
//   - logging: GetLogger, which stays silent while replaying.
//
// Cancelling a context (WithCancel, or the workflow being cancelled by a
// client) cancels the timers, activities and children started with it.
// NewDisconnectedContext gives cleanup code a context that the workflow's
// cancellation does not reach.
//
// Workflows talk to the outside world through handlers: SetSignalHandler,
// SetQueryHandler and SetUpdateHandler (and their dynamic variants), which
// temporalgen registers for you from //temporal:signal, :query and :update
// methods. Queries and update validators run read-only: anything that
// would change history returns a *temporal.ReadOnlyContextError.
//
// Code that changes while executions are running uses Patched and
// DeprecatePatch; a workflow that would grow a long history continues as
// new by returning NewContinueAsNewError.
//
// The determinism rules are checked before deploy by temporalgen's
// analyzer (temporalgen vet), and recorded histories can be replayed
// against new code with worker.NewReplayer.
//
// # Interceptors and context propagators
//
// An Interceptor (worker.Options.WorkflowInterceptors) wraps each run's
// calls: its Inbound sees the workflow function, signals, queries and
// updates (with their validators) and their headers; its Outbound sees
// every call that issues a command — activities, local activities, child
// workflows, signals to children and external workflows, external
// cancellation, timers (and Sleep), continue-as-new, Nexus operations —
// and Now, Random, Patched, GetLogger and MetricMeter. Embed InboundBase
// and OutboundBase and override what you need:
//
//	type audit struct{ workflow.OutboundBase }
//
//	func (a audit) StartActivity(ctx workflow.Context, in *workflow.ActivityInput) workflow.ActivityHandle[any] {
//		workflow.GetLogger(ctx).Info("activity", "type", in.Activity)
//		return a.Next.StartActivity(ctx, in)
//	}
//
// Interceptors run inside workflow code: they are replayed with it and
// must be as deterministic (IsReplaying tells them when their side
// effects would repeat). The first listed is outermost. A panic in an
// interceptor fails the workflow task with an *InterceptorPanicError
// naming it; the worker keeps running. Without interceptors and
// propagators the calls take their direct path and allocate nothing
// more.
//
// A ContextPropagator (client.Options.ContextPropagators) moves values
// between contexts and headers: the client writes them from the caller's
// context.Context into every start, signal, query and update; the worker
// reads them into the workflow's Context for the workflow function and
// each handler (the values of the call that started it), writes them
// from the workflow's Context into the headers of its activities, local
// activities, children, signals and continue-as-new, and reads them into
// each activity's context.Context. A header a propagator cannot read is
// logged and skipped; the call goes on.
package workflow
