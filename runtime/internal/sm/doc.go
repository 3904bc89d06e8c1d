// Package sm holds the pure command state machines of a workflow run.
//
// Workflow code issues commands (schedule an activity, start a timer,
// complete the workflow, ...) through Machines; each command gets a small
// state machine. History events are fed to HandleEvent in order: an event
// that mirrors a command (ActivityTaskScheduled, TimerStarted, ...) is
// matched against the oldest command not yet matched, and any difference is
// a *temporal.NondeterminismError; an event that resolves a command
// (ActivityTaskCompleted, TimerFired, ...) is routed to its machine through
// the id of the event that initiated it, and the machine calls the callback
// workflow code registered.
//
// There are no goroutines, clocks or network calls here: events in,
// commands and callbacks out.
//
// # Machines and their tables
//
// Every lifecycle is a machine with its own state type (with a String
// method) and a declared transition table (table.go): the set of
// (state, trigger) -> state moves it may take. A trigger is either a
// history event type or a call: "sent" (TakeCommands handed the command
// over), a Cancel of some cancellation type, "cancel delivered" (the
// cancel request of a WaitCancellationRequested child or Nexus operation
// reached its target) or "skipped" (history moved past an optional
// command). Two kinds of wrong move are told apart:
//
//   - a history event the current state does not take is history
//     disagreeing with the workflow code: HandleEvent returns a
//     *temporal.NondeterminismError and the state does not change;
//   - a call the table does not declare is a bug in this package and
//     panics with the machine, the state and the trigger. Calls that do
//     nothing (Cancel after the command resolved, a second Cancel) are
//     declared as moves from a state to itself.
//
// Machines.Observe reports every move, for tests and debugging.
//
// Some tables declare event orders a server does not write (a second
// ActivityTaskStarted, a child that closes without
// ChildWorkflowExecutionStarted, the outcome event of an external cancel
// for an external signal, ...): the machines have always accepted them,
// and the tables keep doing so; tightening one is removing its row.
//
// Each machine, where its command comes from, what it takes and its table
// in brief (the tables themselves are next to each machine):
//
//   - activity (activity.go, activityState): ScheduleActivity, from
//     workflow.ExecuteActivity. created -sent-> sent -ActivityTaskScheduled->
//     scheduled -ActivityTaskStarted-> started; Completed, Failed, TimedOut
//     or Canceled -> done from every open state. Cancel before Scheduled
//     drops the command (done); after it, WaitCancellationCompleted issues a
//     RequestCancelActivityTask and waits (cancel requested), TryCancel
//     issues it and resolves at once (canceled), Abandon resolves at once
//     without it (canceled); canceled absorbs the closing event. The cancel
//     request is a record machine ("activity cancel request",
//     ActivityTaskCancelRequested).
//   - timer (timer.go, timerState): StartTimer, from workflow.Sleep and
//     timers, and from local activity backoff. created -sent-> sent
//     -TimerStarted-> started -TimerFired-> fired. Cancel resolves at once
//     (canceled): before sent it drops the command, after it it issues a
//     CancelTimer ("timer cancel", TimerCanceled). TimerFired must carry the
//     timer's id.
//   - child workflow (child.go, childState): StartChild, from child
//     workflow starts. created -sent-> sent -StartChildWorkflowExecutionInitiated->
//     initiated -ChildWorkflowExecutionStarted-> started; the start failure
//     and the five closing events -> done. Cancel before sent drops it;
//     after, every type but Abandon issues a RequestCancelExternal (an
//     external cancel machine, ChildWorkflowOnly); Abandon and TryCancel
//     resolve at once, WaitCancellationRequested on "cancel delivered", the
//     others on the closing event. The cancel states come as "pending" and
//     "started" so the table shows whether onStart is still owed.
//   - external signal (external_signal.go) and external cancel
//     (external_cancel.go), externalState: SignalExternal and
//     CancelExternal, from external workflow handles (and Child.Cancel).
//     created -sent-> sent -Initiated-> initiated, then delivered
//     (ExternalWorkflowExecutionSignaled / CancelRequested) or failed
//     (SignalExternal.../RequestCancelExternal...Failed). Cancel drops an
//     unsent request (canceled) and is a no-op after.
//   - Nexus operation (nexus.go, nexusState): ScheduleNexusOperation, from
//     Nexus clients. created -sent-> sent -NexusOperationScheduled->
//     scheduled -NexusOperationStarted-> started; Completed, Failed,
//     Canceled, TimedOut -> done; the cancel request's replies are taken
//     in every open state. Cancel works as for a child, the request being a
//     RequestCancelNexusOperation ("nexus cancel request",
//     NexusOperationCancelRequested); for NexusWaitRequested
//     NexusOperationCancelRequestCompleted is "cancel delivered".
//   - record machines (record.go, recordState): issued -sent-> sent -event->
//     recorded, then nothing; an event naming them as initiator is
//     nondeterministic. They are: marker (marker.go, RecordMarker), patch
//     marker and its optional change version upsert, which may be
//     "skipped" (patch.go, RecordPatch from workflow.Patched), local
//     activity marker (local.go, RecordMarker from local activities),
//     upsert search attributes and modify properties (properties.go),
//     protocol message (protocol.go, update acceptances and responses:
//     UpdateAccepted, UpdateRejected, UpdateCompleted), and the commands
//     that close the run: complete workflow, fail workflow, cancel
//     workflow, continue-as-new (workflow.go).
//
// Two machines own no command of their own; they track a lifecycle that
// spans several commands and the worker:
//
//   - update (update.go, updateState): Update, from each update request
//     the engine is given (live in a task's messages, or on replay from
//     UpdateAdmitted/UpdateAccepted events); the same update id again is
//     the same machine, which is how duplicates are dropped. admitted
//     -validated-> validated -Accept-> accepted -Complete-> completed, or
//     admitted/validated -Reject-> rejected. Accept and Complete each
//     issue a ProtocolMessage command (recorded by UpdateAccepted and
//     UpdateCompleted) and queue the message itself for TakeMessages; a
//     rejection is a message only, so a speculative workflow task that
//     only rejected updates leaves no trace in history (the server drops
//     it). Replaying, nothing is queued.
//   - local activity (localactivity.go, localState): LocalActivity, from
//     workflow.ExecuteLocalActivity. scheduled -handed-> running (the
//     worker runs it), or, replaying, scheduled -handed before-> ran
//     before when a replayed task ended with it pending; any of these
//     -resolved-> resolved (a result from the worker, or a marker ahead in
//     history) or -backoff-> backing off (a durable timer, then a new
//     machine for the next attempt). Cancel resolves it at once unless it
//     waits for completion of an activity already handed out; only a
//     running one is cancelled in the worker. Its marker is the local
//     activity marker above.
//
// # Tests
//
// The tests drive every machine through Machines with real history event
// protos, and check that every declared transition is taken by at least
// one of them (transitions_test.go): a row no test exercises fails the
// run, listed. Statement coverage (above 99% at the time of writing) is
// measured with
//
//	go test -count=1 -cover ./runtime/internal/sm/
package sm
