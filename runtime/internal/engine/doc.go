// Package engine runs one workflow execution. It does no I/O and keeps no
// clock: the worker (or a test environment, or a replayer) gives it inputs
// and carries out what it returns. This comment is the manual of the core;
// package sm's is the manual of the command state machines.
//
// # One step function
//
// A Run is created with NewRun and driven only through Run.Step:
//
//	out, err := run.Step(engine.Input{Task: &engine.Task{Events: evs, StartedEventID: id, Messages: msgs, Queries: qs}})
//	for err == nil && out.WaitLocal {
//		// run out.RunLocal, cancel out.CancelLocal; if out.HeartbeatAfter
//		// passes first, step Input{Heartbeat: true}, complete the task
//		// with that output and step the new task the server returns
//		out, err = run.Step(engine.Input{LocalResults: results})
//	}
//	// err: fail the task (and drop the run). Otherwise complete it with
//	// out.Commands, out.Messages and out.QueryResults; keep the run
//	// cached only if out.Keep.
//
// Input is a workflow task (history events not applied yet, plus the
// update messages and queries delivered with it), the results of local
// activities, a heartbeat request, or a legacy query (Input.Query, with a
// Task that replays the history first when the run was not cached).
// Output says everything to do next; the caller decides nothing about
// workflow semantics. A nondeterminism error or panic the workflow's
// Definition.FailWorkflow lists comes back as a FailWorkflowExecution
// command, not an error.
//
// # Where an event becomes a command
//
// Step(Task) walks the events in order (apply in run.go). Each event goes
// first to sm.Machines.HandleEvent:
//
//   - an event that records a command (ActivityTaskScheduled,
//     TimerStarted, MarkerRecorded, ...) is matched against the oldest
//     command sent and not yet matched; a difference is a
//     *temporal.NondeterminismError;
//   - an event that resolves a command (ActivityTaskCompleted,
//     TimerFired, ChildWorkflowExecutionCompleted, ...) goes to the machine
//     of the command through its initiating event id; the machine calls
//     the callback the workflow code registered, which sets a Future;
//   - other events come back to the run (handleEvent): the start event
//     creates the root coroutine, signals are delivered or buffered,
//     cancel requests cancel the root scope, admitted updates wait for the
//     next boundary.
//
// A WorkflowTaskStarted event followed by WorkflowTaskCompleted (or ending
// the events) is a task boundary: the run's clock moves to the event's
// time, updates are delivered, and workflow code runs (runCode) as
// coroutines (package coro) until every one is blocked on a Future, a
// timer, a channel or Await. Workflow code issues commands through
// Context methods (ExecuteActivity, NewTimer, StartChild, ...), each of
// which creates a machine in sm. At a replayed boundary the commands are
// taken and marked sent, to be matched by the events that follow; at the
// last boundary (the task being answered) they are returned in
// Output.Commands.
//
// Replaying is per boundary: every boundary before the task's started
// event replays (logs are silent, side effects return what history
// recorded), the last one runs live. Task.Replay replays every boundary
// (query tasks); Task.Whole additionally checks that every command of a
// recorded history is in it (replayers).
//
// # What else lives here
//
//   - updates.go: update requests (from messages, or admitted events),
//     validators run read-only, accept/reject/complete protocol messages;
//   - local.go: local activities, handed to the worker through
//     Output.RunLocal, recorded as core_local_activity markers, retried
//     with a durable timer past the local retry threshold, matched with
//     markers ahead when replaying;
//   - queries.go: queries, run read-only against the state at the end of
//     the last boundary, and the built-in __stack_trace and
//     __temporal_workflow_metadata;
//   - child.go, nexus.go, patch.go, properties.go: children, Nexus
//     operations, Patched, memo and search attributes, continue-as-new;
//   - handlers.go: signal, query and update handlers, buffering, the
//     unfinished-handler warnings.
//
// The worker (runtime/worker) adds only what needs a clock, goroutines or
// the network: the deadlock watchdog around Step, the local activity
// runner, the heartbeat timer, the cache and the RPCs.
//
// # Tests
//
// The package is tested offline, without a server. Measure its coverage
// with
//
//	go test -count=1 -cover ./runtime/internal/engine/
//
// Most tests are scripts in testdata/*.txt, run by TestScripts through
// enginetest.RunScripts against a library of small workflows
// (scriptwf_test.go): a script starts a workflow, feeds events, signals,
// updates, queries and local activity results, and states the commands
// each task must issue; every task is also replayed with a new run. The
// format is documented on RunScripts; regenerate expected output with
//
//	go test ./runtime/internal/engine/ -run TestScripts -rewrite
package engine
