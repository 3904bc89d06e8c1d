// Package client talks to a Temporal server on behalf of applications: it
// starts, signals, cancels, terminates, describes and lists workflows, and
// waits for their results. It is the client half of the temporalgen runtime
// and does not depend on the official Go SDK.
//
// # Connecting
//
// Dial connects and checks that the server answers:
//
//	c, err := client.Dial(ctx, client.Options{}) // localhost:7233, namespace "default"
//	if err != nil { ... }
//	defer c.Close()
//
// Empty options fall back to the environment: TEMPORAL_ADDRESS (else
// localhost:7233), TEMPORAL_NAMESPACE (else "default") and TEMPORAL_API_KEY.
// Dial retries an unreachable server until Options.DialTimeout (10s by
// default) and then fails with "client: cannot reach Temporal at ... within
// 10s: ...".
//
// Profiles: package envconfig loads the connection settings of a profile
// in temporal.toml (the file `temporal config set` writes) with the
// TEMPORAL_* environment variables on top, as the Temporal CLI and the other
// SDKs do, and returns Options to pass to Dial:
//
//	opts, err := envconfig.ClientOptions(envconfig.LoadOptions{}) // $TEMPORAL_PROFILE, else "default"
//	...
//	c, err := client.Dial(ctx, opts)
//
// Security: set Options.TLS for TLS (MTLS builds a configuration from
// certificate files for mutual TLS). An API key is sent as
// "authorization: Bearer <key>" on every call and, since a bearer token must
// not travel in clear text, turns TLS on with the system roots unless
// Options.TLS is set or Options.DisableTLS forces plaintext (e.g. towards a
// local TLS-terminating proxy). Options.Headers adds gRPC headers to every
// call. Every call also carries the headers client-name "temporalgen-go",
// client-version, temporal-namespace and supported-features
// "follows-next-run-id" (so that the server reports retry and cron
// successors in the real close events).
//
// # Workflows
//
// StartWorkflow returns a WorkflowHandle; GetWorkflow makes one for an
// existing workflow ID (and optionally a run ID) without an RPC:
//
//	h, err := c.StartWorkflow(ctx, client.StartWorkflowOptions{
//		ID:        "order-42",
//		TaskQueue: "orders",
//	}, "ProcessOrder", order)
//	...
//	var receipt Receipt
//	err = h.Get(ctx, &receipt) // or: receipt, err := client.Result[Receipt](ctx, h)
//
// Get long-polls the server for the close event of the run and, like the
// official Go SDK, follows continue-as-new, retries and cron runs to the end
// of the chain by default (GetWithOptions disables this; a run that
// continued as new then yields a *ContinuedAsNewError). A workflow that did
// not complete yields a *temporal.WorkflowExecutionError whose cause tells
// why: the workflow's failure, *temporal.CanceledError,
// *temporal.TerminatedError or *temporal.TimeoutError.
//
// When a worker made with this client polls the task queue and has a free
// workflow task slot, StartWorkflow asks for eager execution: the first
// workflow task comes back in the start response and that worker runs it
// at once, without a poll (eager workflow start). Starts with a cron
// schedule or a start delay, and signal-with-start and update-with-start,
// never ask; StartWorkflowOptions.DisableEagerExecution turns it off for
// one start and worker.Options.DisableEagerWorkflowStart for a worker.
//
// Handles also Cancel (ask the workflow to cancel), Terminate (end it at
// once), Signal, Describe (status, times, timeouts, memo and search
// attributes) and page through the History. Operations on a handle with a
// run ID act on exactly that run; without one, on the latest run.
//
// # Signals, queries and updates
//
// Signal sends a signal; SignalWithStartWorkflow signals the running
// workflow of an ID or starts it with the signal. Query (or the generic
// Query[T]) asks a query handler; a failing handler or unknown query type
// gives a *QueryFailedError with the worker's message, a query refused by
// QueryOptions.RejectCondition a *QueryRejectedError.
//
// ExecuteUpdate (or ExecuteUpdate[T]) runs an update and returns its
// result. StartUpdate returns once the update reaches
// UpdateOptions.WaitForStage (Accepted or Completed) with an UpdateHandle
// whose Get waits for the outcome; GetUpdateHandle attaches to an update by
// ID. An update ID makes an update idempotent: sending it again attaches to
// the first. UpdateWithStartWorkflow starts the workflow if needed and
// updates it in one request. A failed update (handler error or validator
// rejection) gives a *UpdateFailedError wrapping the converted failure; an
// update cut short by the workflow closing gives a *UpdateAbandonedError.
//
// Search attributes are given as plain Go values whose type selects the
// indexed type (string→Keyword, []string→KeywordList, integers→Int,
// floats→Double, bool→Bool, time.Time→Datetime). CountWorkflows and
// ListWorkflows run visibility queries over them.
//
// # Schedules
//
// CreateSchedule creates a schedule that starts a workflow
// (ScheduleWorkflowAction: ID, type, task queue, arguments, timeouts,
// retry policy, memo, search attributes) at the times of a ScheduleSpec:
// calendars (cron-like fields as ranges), intervals with an offset, cron
// expressions, with times to skip, start and end times, jitter and a time
// zone. SchedulePolicies set the overlap policy, the catchup window and
// pause-on-failure; ScheduleState starts it paused with a note or with a
// limited number of actions; TriggerImmediately and Backfill act right
// away. GetScheduleHandle makes a handle without an RPC:
//
//	h, err := c.CreateSchedule(ctx, client.ScheduleOptions{
//		ID:     "hourly-sync",
//		Spec:   client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Hour}}},
//		Action: &client.ScheduleWorkflowAction{WorkflowType: "Sync", TaskQueue: "sync"},
//	})
//
// The handle's Describe reports the schedule as the server holds it and
// what it did (recent actions, running workflows) and will do (next action
// times); Pause and Unpause take a note; Trigger acts now and Backfill
// takes the actions of past time ranges, both with an optional overlap
// policy; Delete removes the schedule (not its workflows). Update is a
// read-modify-write: its callback gets the description and returns the new
// schedule, written with the description's conflict token, and Update
// checks afterwards that a concurrent change did not make the server drop
// it, calling the callback again if it did (up to ScheduleUpdateAttempts
// times, then *ScheduleConflictError). ListSchedules iterates over the
// schedules matching a visibility query. Generated code offers the same
// with the workflow's typed input: ScheduleX and XScheduleAction.
//
// A spec or action the server rejects gives a *ScheduleError carrying the
// server's message; an existing ID a *ScheduleAlreadyExistsError; an
// unknown or deleted schedule a *ScheduleNotFoundError.
//
// # Batch jobs
//
// BatchSignal, BatchCancel and BatchTerminate start a server-side batch
// job acting on many workflows at once, selected by a visibility query or
// by an explicit list of executions (BatchOptions: exactly one of Query
// and Executions, and a Reason, are required):
//
//	job, err := c.BatchTerminate(ctx, client.BatchOptions{
//		Query:  `WorkflowType = "Order" AND ExecutionStatus = "Running"`,
//		Reason: "orders are being migrated",
//	})
//	if err != nil { ... }
//	d, err := job.Wait(ctx) // polls Describe until the job ends
//	fmt.Println(d.CompletedOperations, "of", d.TotalOperations)
//
// The server runs the query once, when the job starts, against eventually
// consistent visibility: wait until CountWorkflows sees freshly started
// workflows before selecting them. The client checks the query with
// CountWorkflows first, because a job whose query the server cannot run
// does not fail but retries it for ever. A workflow that has closed, or
// does not exist, counts as a completed operation, not a failure.
//
// GetBatchJob refers to a job by ID; Describe reports its state and
// counts, Stop ends a running job (it then ends FAILED, and Wait returns
// a *BatchFailedError) and ListBatchJobs iterates over the namespace's
// jobs. A job ID is taken for good: starting another job with it gives a
// *BatchJobExistsError; describing or stopping an unknown job (or
// stopping an ended one) a *NotFoundError with BatchJobID set. The
// server limits the number of concurrent jobs per namespace
// (frontend.MaxConcurrentBatchOperationPerNamespace, 1 by default) and
// their pace (BatchOptions.MaxOperationsPerSecond, worker.batcherRPS).
//
// # Errors
//
// Errors name the operation and workflow ID ("client: start workflow
// \"order-42\": ...") and wrap the gRPC status error, so status.Code and
// status.FromError still work. Server conditions with typed errors for
// errors.As are *WorkflowAlreadyStartedError, *NotFoundError and
// *BatchJobExistsError; a batch job that ended FAILED gives a
// *BatchFailedError.
//
// # Retries
//
// Every call is retried while the server answers Unavailable,
// ResourceExhausted (with longer waits), Aborted, Unknown or Internal, or
// DeadlineExceeded while the caller's context still has time, with
// exponential backoff and jitter (Options.Retry; see RetryOptions for the
// schedule and how to turn it off). The caller's context bounds the
// retries; a context without a deadline gets one minute. Calls that change
// state carry a request ID (start, signal, signal-with-start, cancel) or an
// update ID, set once per call, so a retry of a request the server already
// applied is recognised and not applied twice. Invalid arguments, missing
// workflows, conflicts and permission errors are returned at once. Long
// polls (Get, StartUpdate, UpdateHandle.Get) repeat on their own and ride
// out outages until their context ends. CheckHealth asks the server's gRPC
// health service. An API key that rotates can be given as
// Options.APIKeyFunc, asked before every call.
package client
