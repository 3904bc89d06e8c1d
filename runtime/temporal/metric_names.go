package temporal

// The metrics the client and worker send to their MetricsHandler
// (client.Options.MetricsHandler, worker.Options.MetricsHandler). The
// names are the ones Temporal's SDKs use, so dashboards and alerts made
// for them work unchanged. Counters count events, gauges hold a level,
// timers record durations; the tags each carries are listed beside it
// (every metric also has namespace and, for worker metrics, task_queue).
const (
	// Client and worker RPCs, tag operation (the RPC's name). Long polls
	// are the long_request ones.
	MetricRequest                      = "temporal_request"
	MetricRequestFailure               = "temporal_request_failure" // also tag status_code
	MetricRequestLatency               = "temporal_request_latency"
	MetricRequestResourceExhausted     = "temporal_request_resource_exhausted"
	MetricLongRequest                  = "temporal_long_request"
	MetricLongRequestFailure           = "temporal_long_request_failure"
	MetricLongRequestLatency           = "temporal_long_request_latency"
	MetricLongRequestResourceExhausted = "temporal_long_request_resource_exhausted"
	// MetricAttemptSuffix ends the names of the same metrics counted per
	// attempt, retries included (temporal_request_attempt, ...).
	MetricAttemptSuffix = "_attempt"

	// Workflow executions closed by this worker, tag workflow_type.
	MetricWorkflowCompleted     = "temporal_workflow_completed"
	MetricWorkflowFailed        = "temporal_workflow_failed"
	MetricWorkflowCanceled      = "temporal_workflow_canceled"
	MetricWorkflowContinueAsNew = "temporal_workflow_continue_as_new"
	// MetricWorkflowEndToEndLatency is the time from the run's start to
	// its close.
	MetricWorkflowEndToEndLatency = "temporal_workflow_endtoend_latency"

	// Workflow tasks, tag workflow_type (the poll counters have none).
	MetricWorkflowTaskQueuePollEmpty     = "temporal_workflow_task_queue_poll_empty"
	MetricWorkflowTaskQueuePollSucceed   = "temporal_workflow_task_queue_poll_succeed"
	MetricWorkflowTaskScheduleToStart    = "temporal_workflow_task_schedule_to_start_latency"
	MetricWorkflowTaskExecutionLatency   = "temporal_workflow_task_execution_latency"
	MetricWorkflowTaskReplayLatency      = "temporal_workflow_task_replay_latency"
	MetricWorkflowTaskExecutionFailed    = "temporal_workflow_task_execution_failed" // also tag failure_reason
	MetricWorkflowTaskNoCompletion       = "temporal_workflow_task_no_completion"
	MetricWorkflowActiveThreadCount      = "temporal_workflow_active_thread_count"
	MetricCorruptedSignals               = "temporal_corrupted_signals"
	MetricUnregisteredActivityInvocation = "temporal_unregistered_activity_invocation"

	// Activity tasks, tag activity_type (and workflow_type).
	MetricActivityPollNoTask             = "temporal_activity_poll_no_task"
	MetricActivityScheduleToStartLatency = "temporal_activity_schedule_to_start_latency"
	MetricActivityExecutionLatency       = "temporal_activity_execution_latency"
	MetricActivitySucceedEndToEndLatency = "temporal_activity_succeed_endtoend_latency"
	MetricActivityExecutionFailed        = "temporal_activity_execution_failed"
	MetricActivityExecutionCanceled      = "temporal_activity_execution_cancelled"

	// Local activities, tag activity_type and workflow_type.
	MetricLocalActivityTotal                  = "temporal_local_activity_total"
	MetricLocalActivityExecutionCanceled      = "temporal_local_activity_execution_cancelled"
	MetricLocalActivityExecutionFailed        = "temporal_local_activity_execution_failed"
	MetricLocalActivityExecutionLatency       = "temporal_local_activity_execution_latency"
	MetricLocalActivitySucceedEndToEndLatency = "temporal_local_activity_succeed_endtoend_latency"

	// Nexus tasks, tags nexus_service and nexus_operation.
	MetricNexusPollNoTask                 = "temporal_nexus_poll_no_task"
	MetricNexusTaskScheduleToStartLatency = "temporal_nexus_task_schedule_to_start_latency"
	MetricNexusTaskExecutionLatency       = "temporal_nexus_task_execution_latency"
	MetricNexusTaskExecutionFailed        = "temporal_nexus_task_execution_failed"
	MetricNexusTaskEndToEndLatency        = "temporal_nexus_task_endtoend_latency"

	// The workflow cache (worker.Options.CacheSize).
	MetricStickyCacheHit            = "temporal_sticky_cache_hit"
	MetricStickyCacheMiss           = "temporal_sticky_cache_miss"
	MetricStickyCacheSize           = "temporal_sticky_cache_size"
	MetricStickyCacheForcedEviction = "temporal_sticky_cache_total_forced_eviction"

	// Workers and their pollers, tag worker_type (and poller_type).
	MetricWorkerStart          = "temporal_worker_start"
	MetricPollerStart          = "temporal_poller_start"
	MetricNumPollers           = "temporal_num_pollers"
	MetricWorkerSlotsAvailable = "temporal_worker_task_slots_available"
	MetricWorkerSlotsUsed      = "temporal_worker_task_slots_used"
)

// Tag names and values of the SDK metrics.
const (
	TagNamespace      = "namespace"
	TagTaskQueue      = "task_queue"
	TagWorkflowType   = "workflow_type"
	TagActivityType   = "activity_type"
	TagOperation      = "operation"
	TagWorkerType     = "worker_type"
	TagPollerType     = "poller_type"
	TagClientName     = "client_name"
	TagFailureReason  = "failure_reason"
	TagStatusCode     = "status_code"
	TagNexusService   = "nexus_service"
	TagNexusOperation = "nexus_operation"

	// worker_type values.
	WorkerTypeWorkflow      = "WorkflowWorker"
	WorkerTypeActivity      = "ActivityWorker"
	WorkerTypeLocalActivity = "LocalActivityWorker"
	WorkerTypeNexus         = "NexusWorker"

	// poller_type values.
	PollerTypeWorkflowTask       = "workflow_task"
	PollerTypeWorkflowStickyTask = "workflow_sticky_task"
	PollerTypeActivityTask       = "activity_task"
	PollerTypeNexusTask          = "nexus_task"

	// ClientNameValue is the client_name tag of every metric.
	ClientNameValue = "temporalgen_go"
)
