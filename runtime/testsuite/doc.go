// Package testsuite runs workflows in process, with no server and no
// network, on a virtual clock: a workflow that sleeps for 30 days
// finishes in microseconds. It drives the same engine Step the worker
// does, and plays the server's part in memory, so a test sees the history
// a server would have written.
//
// # A test
//
//	env := testsuite.New(t, testsuite.Options{})
//	_ = greeter.Register(env, &greeter.Activities{Punctuation: "!"}) // generated Register functions take an Env
//	env.RegisterDelayedCallback(func() { _ = env.SignalWorkflow("AddName", "ada") }, time.Hour)
//	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Greeter", greeter.GreetInput{Greeting: "Hello", Expect: 1})
//	var out string
//	if err := res.Get(&out); err != nil { t.Fatal(err) }
//
// temporalgen also writes typed helpers into <pkg>_temporal_test.go: for
// a workflow X, XInEnv{Env} with Execute(opts, in) (R, *Result, error)
// and one method per signal, query and update; OnXWorkflow(env, fn) and,
// for an activity A, OnAActivity(env, fn), typed mocks the compiler
// checks.
//
// # Time
//
// The clock starts at Options.StartTime (2026-01-01T00:00:00Z by default)
// and only moves when every workflow is blocked: it then jumps to the next
// thing due — a timer, an activity retry or timeout, a delayed callback.
// workflow.Now follows it. Options.RealTime makes timers take real time.
//
// # Activities
//
// Registered activities run in process, each attempt on its own goroutine
// with the activity context a worker gives (activity.GetInfo, heartbeats,
// cancellation). The retry policy is applied on the virtual clock, with
// the server's defaults; heartbeat details carry over to the next
// attempt. Timeouts are virtual too: an attempt that has not returned
// after Options.ActivityIdle of real time, when nothing else can happen,
// lets the clock move on, and meets its start-to-close, schedule-to-close
// or heartbeat timeout there. OnActivity replaces an activity (registered
// or not) with a mock of the same shape, and returns a *Mock that counts
// calls and checks, when the test ends, what Times or AtLeastOnce asked;
// a mock of another shape fails the test naming the activity. Local
// activities use the same implementations and mocks and retry on the
// virtual clock. An activity that returns activity.ErrResultPending stays
// open, as on a server, until a callback completes it with
// Env.CompleteActivity (its task token from activity.GetInfo) or one of
// its timeouts passes on the virtual clock; Env.RecordActivityHeartbeat
// heartbeats it meanwhile and reports a cancellation request.
//
// # Workflows
//
// Children run in the same environment (OnWorkflow mocks one); signals and
// cancellations between workflows of the environment are delivered;
// continue-as-new of the workflow under test ends the run with a
// *ContinuedAsNewError saying what the next run gets (a child that
// continues as new runs on). From delayed callbacks a test sends
// signals (SignalWorkflow), updates with callbacks for acceptance,
// rejection and completion (UpdateWorkflow), and cancellation
// (CancelWorkflow), or from callbacks that run as soon as a condition
// holds (RegisterCallbackWhen, asked after every workflow task — it may
// query the workflow); QueryWorkflow works during and after the run.
// Nexus operations run against mocks (OnNexusOperation, typed by the
// operation's input and output) or registered handlers
// (RegisterNexusOperation, which generated RegisterXNexus functions
// call), as synchronous operations.
//
// # Determinism
//
// Every ExecuteWorkflow ends by replaying each run's history with fresh
// engines: the whole history, as a Replayer does, and from every workflow
// task boundary, as a worker without a cache does, comparing the commands.
// A difference fails the test (Result.ReplayError holds it, a
// *temporal.NondeterminismError where the engine found one). The deadlock
// detector runs as on a worker (Options.DeadlockTimeout).
//
// # Results and history
//
// Result.Get decodes the result; Result.Err is nil, a
// *temporal.WorkflowExecutionError wrapping the failure, the failed
// workflow task's error (a panic, *temporal.NondeterminismError,
// *temporal.DeadlockError), or a problem of the test itself: an activity
// neither registered nor mocked (named, with the known ones), or a
// workflow blocked with nothing scheduled (with the coroutines' stacks).
// Result.HistoryJSON writes the history as `temporal workflow show
// --output json` does, ready to be a worker.Replayer fixture; Result.Memo
// and Result.SearchAttributes are the values at the end.
//
// # One activity
//
// NewActivityEnv runs a single activity function with the context a
// worker gives it: a chosen activity.Info (its Deadline becomes the
// context's), the previous attempt's heartbeat details, the heartbeats it
// records (Heartbeats), cancellation (Cancel), and panics turned into
// *temporal.PanicError.
//
// # Interceptors and propagators
//
// Options.WorkflowInterceptors, ActivityInterceptors and
// ContextPropagators are the worker's: workflows (and their replays),
// activities and local activities run through them as on a worker, and a
// StartOptions.Header reaches the workflow through the propagators, so
// interceptors are tested like the workflows they wrap.
//
// # Against a real server
//
// Options.Server runs the same test on a Temporal server instead (package
// devserver starts one): ExecuteWorkflow then starts a worker with
// everything registered, mocks in place of what they mock, and runs the
// delayed callbacks on the real clock. The differential suite of this
// repository (runtime/internal/itest/differential) runs its scenarios both
// ways and compares the histories event by event.
//
// Not simulated yet: asynchronous Nexus operations, workflow run
// timeouts, cron schedules, and terminate.
package testsuite
