package worker

import (
	"time"

	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/sdkmetrics"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// workerMetrics are the workflow worker's SDK metrics; every method is a
// no-op on a nil scope (no MetricsHandler).
type workerMetrics struct {
	root *sdkmetrics.Scope // namespace, task_queue
	wf   *sdkmetrics.Scope // + worker_type WorkflowWorker
}

func newWorkerMetrics(h temporal.MetricsHandler, namespace, taskQueue string) workerMetrics {
	root := sdkmetrics.New(h, map[string]string{
		temporal.TagNamespace:  namespace,
		temporal.TagTaskQueue:  taskQueue,
		temporal.TagClientName: temporal.ClientNameValue,
	})
	return workerMetrics{root: root, wf: root.With(temporal.TagWorkerType, temporal.WorkerTypeWorkflow)}
}

// started reports the workflow worker and its pollers.
func (m workerMetrics) started(normal, sticky int) {
	m.wf.Inc(temporal.MetricWorkerStart)
	m.wf.Add(temporal.MetricPollerStart, int64(normal+sticky))
	m.wf.With(temporal.TagPollerType, temporal.PollerTypeWorkflowTask).Gauge(temporal.MetricNumPollers, float64(normal))
	if sticky > 0 {
		m.wf.With(temporal.TagPollerType, temporal.PollerTypeWorkflowStickyTask).Gauge(temporal.MetricNumPollers, float64(sticky))
	}
}

// polled reports a poll's result: empty (resp nil or without a task), or
// a task and its schedule-to-start latency.
func (m workerMetrics) polled(resp *workflowservice.PollWorkflowTaskQueueResponse) {
	if m.wf == nil {
		return
	}
	if len(resp.GetTaskToken()) == 0 {
		m.wf.Inc(temporal.MetricWorkflowTaskQueuePollEmpty)
		return
	}
	m.wf.Inc(temporal.MetricWorkflowTaskQueuePollSucceed)
	if s, t := resp.GetScheduledTime(), resp.GetStartedTime(); s != nil && t != nil {
		m.typed(resp).Record(temporal.MetricWorkflowTaskScheduleToStart, t.AsTime().Sub(s.AsTime()))
	}
}

func (m workerMetrics) typed(task *workflowservice.PollWorkflowTaskQueueResponse) *sdkmetrics.Scope {
	return m.wf.With(temporal.TagWorkflowType, task.GetWorkflowType().GetName())
}

// cacheLookup reports a sticky cache hit, or a miss: a task that had to
// replay history because its run was not cached.
func (m workerMetrics) cacheLookup(cached bool, events []*historypb.HistoryEvent) {
	switch {
	case m.wf == nil:
	case cached:
		m.wf.Inc(temporal.MetricStickyCacheHit)
	case len(events) > 0 && events[0].GetEventId() == 1 && !replays(events):
		// A new run's first task: nothing to miss.
	default:
		m.wf.Inc(temporal.MetricStickyCacheMiss)
	}
}

// cacheSize reports the cache's size and the runs it evicted to make room
// (forced evictions: runs dropped before they closed).
func (m workerMetrics) cacheSize(size, evicted int) {
	if m.wf == nil {
		return
	}
	m.wf.Gauge(temporal.MetricStickyCacheSize, float64(size))
	if evicted > 0 {
		m.wf.Add(temporal.MetricStickyCacheForcedEviction, int64(evicted))
	}
}

// dropped reports cached runs dropped before they closed: by a failed
// task or a stopping worker.
func (m workerMetrics) dropped(n int) {
	if m.wf != nil && n > 0 {
		m.wf.Add(temporal.MetricStickyCacheForcedEviction, int64(n))
	}
}

// replays reports whether events hold a completed workflow task, so that
// a new run stepping them replays.
func replays(events []*historypb.HistoryEvent) bool {
	for _, e := range events {
		if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
			return true
		}
	}
	return false
}

// executed reports a processed task's latency and its replay's (zero
// when a cached run took the task), as Temporal's other SDKs do.
func (m workerMetrics) executed(task *workflowservice.PollWorkflowTaskQueueResponse, start time.Time, replayed time.Duration) {
	if m.wf == nil {
		return
	}
	t := m.typed(task)
	t.Since(temporal.MetricWorkflowTaskExecutionLatency, start)
	t.Record(temporal.MetricWorkflowTaskReplayLatency, replayed)
}

// failed reports a failed workflow task.
func (m workerMetrics) failed(task *workflowservice.PollWorkflowTaskQueueResponse, cause enumspb.WorkflowTaskFailedCause) {
	if m.wf == nil {
		return
	}
	reason := "WorkflowError"
	if cause == enumspb.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR {
		reason = "NonDeterminismError"
	}
	m.typed(task).With(temporal.TagFailureReason, reason).Inc(temporal.MetricWorkflowTaskExecutionFailed)
}

// closed reports the run's close when the task's commands close it.
func (m workerMetrics) closed(task *workflowservice.PollWorkflowTaskQueueResponse, info *engine.Info, cmds []*commandpb.Command) {
	if m.wf == nil {
		return
	}
	for _, c := range cmds {
		var name string
		switch c.GetCommandType() {
		case enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
			name = temporal.MetricWorkflowCompleted
		case enumspb.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
			name = temporal.MetricWorkflowFailed
		case enumspb.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
			name = temporal.MetricWorkflowCanceled
		case enumspb.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
			name = temporal.MetricWorkflowContinueAsNew
		default:
			continue
		}
		t := m.typed(task)
		t.Inc(name)
		if !info.StartTime.IsZero() {
			t.Since(temporal.MetricWorkflowEndToEndLatency, info.StartTime)
		}
		return
	}
}

// slots reports the workflow task slots in use.
func (w *Worker) reportSlots() {
	if w.metrics.wf != nil {
		used, free := w.slots.Usage()
		w.metrics.wf.Slots(used, used+free)
	}
}
