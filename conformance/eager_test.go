package conformance

// Features: eager_workflow's successful_start (eager_activity's
// non_remote_activities_worker is in activity_test.go).

import (
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestEagerWorkflowSuccessfulStart is eager_workflow's successful_start:
// a workflow started through the client of a worker that polls its task
// queue runs its first workflow task on that worker straight from the
// start response. History shows it: the server accepted eager execution,
// and the first WorkflowTaskStarted carries the start request's ID (a
// polled task carries the poll's) and is followed by its completion.
func TestEagerWorkflowSuccessfulStart(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("EagerStart", func(_ workflow.Context) (string, error) { return "ran", nil }))
		})
		requestID := testenv.UniqueID("eager-start")
		h := e.startOpts(client.StartWorkflowOptions{RequestID: requestID}, "EagerStart")
		if got := result[string](e, h); got != "ran" {
			t.Errorf("result %q", got)
		}
		evs := testenv.History(t, h)
		if !evs[0].GetWorkflowExecutionStartedEventAttributes().GetEagerExecutionAccepted() {
			t.Error("WorkflowExecutionStarted: eager execution not accepted")
		}
		if len(evs) < 4 || evs[2].EventType != enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED || evs[3].EventType != enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
			t.Fatalf("the first workflow task was not started and completed at once:\n%s", testenv.FormatHistory(evs))
		}
		if got := evs[2].GetWorkflowTaskStartedEventAttributes().GetRequestId(); got != requestID {
			t.Errorf("first WorkflowTaskStarted request ID %q, want the start's %q: the task came from a poll", got, requestID)
		}
	})
}
