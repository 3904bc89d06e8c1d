package worker

import (
	"context"
	"errors"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	querypb "go.temporal.io/api/query/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
)

// answerQueries answers the queries attached to a workflow task, after the
// task's events have been applied.
func (w *Worker) answerQueries(run *engine.Run, queries map[string]*querypb.WorkflowQuery) map[string]*querypb.WorkflowQueryResult {
	if len(queries) == 0 {
		return nil
	}
	out := make(map[string]*querypb.WorkflowQueryResult, len(queries))
	for id, q := range queries {
		res, err := run.Query(q.GetQueryType(), q.GetQueryArgs())
		if err != nil {
			out[id] = &querypb.WorkflowQueryResult{
				ResultType:   enumspb.QUERY_RESULT_TYPE_FAILED,
				ErrorMessage: err.Error(),
				Failure:      w.fc.ErrorToFailure(err),
			}
			continue
		}
		out[id] = &querypb.WorkflowQueryResult{ResultType: enumspb.QUERY_RESULT_TYPE_ANSWERED, Answer: res}
	}
	return out
}

// answerLegacyQuery answers a query task (one that carries `query`): the
// run is brought up to date by replaying history when it is not cached,
// queried, and answered with RespondQueryTaskCompleted.
func (w *Worker) answerLegacyQuery(ctx context.Context, task *workflowservice.PollWorkflowTaskQueueResponse, run *engine.Run, events []*historypb.HistoryEvent, cached bool) {
	var answer *commonpb.Payloads
	var err error
	if !cached {
		_, err = w.apply(run, func() (engine.Completion, error) {
			return run.Apply(engine.Task{Events: events, Replay: true})
		})
	}
	if err == nil {
		answer, err = run.Query(task.Query.GetQueryType(), task.Query.GetQueryArgs())
	}
	// Return the run to the cache before answering: the answer may let a
	// client send the workflow its next task at once.
	putBack := err == nil || (cached && !errors.Is(err, errDeadlock))
	if putBack && w.cache != nil && !run.Finished() {
		w.cache.put(task.GetWorkflowExecution().GetRunId(), run)
	} else if !errors.Is(err, errDeadlock) { // a stuck run is never touched again
		defer run.Close()
	}
	req := &workflowservice.RespondQueryTaskCompletedRequest{
		TaskToken: task.TaskToken,
		Namespace: w.client.Namespace(),
	}
	if err != nil {
		req.CompletedType = enumspb.QUERY_RESULT_TYPE_FAILED
		req.ErrorMessage = err.Error()
		req.Failure = w.fc.ErrorToFailure(err)
	} else {
		req.CompletedType = enumspb.QUERY_RESULT_TYPE_ANSWERED
		req.QueryResult = answer
	}
	if _, rerr := w.svc.RespondQueryTaskCompleted(ctx, req); rerr != nil {
		w.log.Warn("answering query failed", "workflow_id", task.GetWorkflowExecution().GetWorkflowId(), "query", task.Query.GetQueryType(), "error", rerr)
	}
}
