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
package workflow
