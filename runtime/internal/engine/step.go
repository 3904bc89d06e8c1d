package engine

import (
	"errors"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	querypb "go.temporal.io/api/query/v1"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Input is what one Step takes. Exactly one of Task, LocalResults and
// Heartbeat is set; Query may come alone or with a Task that brings a
// run that was not cached up to date first.
type Input struct {
	// Task is a workflow task: the history events not applied yet, with
	// the update messages and queries delivered alongside.
	Task *Task
	// LocalResults are the outcomes of local activities the worker ran
	// for an earlier Output.RunLocal.
	LocalResults []LocalActivityResult
	// Heartbeat says the task is about to time out while local
	// activities run: the output holds the commands so far, to complete
	// the task with and ask the server for a new one; the new task comes
	// back as the next Input.Task.
	Heartbeat bool
	// Query is the query of a legacy query task (answered with
	// RespondQueryTaskCompleted). Its answer is Output.QueryAnswer.
	Query *querypb.WorkflowQuery
}

// Output says everything the worker must do after a Step.
type Output struct {
	// Commands and Messages complete the task. They are meaningful when
	// WaitLocal is false (or after a Heartbeat input).
	Commands []*commandpb.Command
	Messages []*protocolpb.Message
	// QueryResults answer the queries of Task.Queries, by query id. They
	// are given with the completion (or heartbeat) of the task they came
	// with.
	QueryResults map[string]*querypb.WorkflowQueryResult
	// QueryAnswer answers Input.Query.
	QueryAnswer *querypb.WorkflowQueryResult

	// RunLocal are local activities to start now; CancelLocal are
	// sequence numbers of running ones to cancel.
	RunLocal    []LocalActivityRequest
	CancelLocal []int64
	// WaitLocal is set while local activities run: the task cannot
	// complete until their results come back as Input.LocalResults.
	WaitLocal bool
	// HeartbeatAfter is how long the worker may wait for local
	// activities, counted from the start of the task (or of the last
	// heartbeat), before it must step a Heartbeat to keep the task alive.
	HeartbeatAfter time.Duration

	// Keep says the run may stay cached for the workflow's next task: it
	// has not finished and nothing went wrong.
	Keep bool
}

// defaultTaskTimeout is assumed when the start event gives no workflow
// task timeout.
const defaultTaskTimeout = 10 * time.Second

// Step is the one way into a run: it applies an input, runs workflow code
// until every coroutine is blocked, and says what to do next.
//
// An error fails the workflow task: *temporal.NondeterminismError,
// *coro.PanicError (workflow code panicked), *UnknownWorkflowError, or a
// plain error for a history that cannot be processed; the run must be
// dropped after it. A nondeterminism error or panic the definition lists
// in FailWorkflow is not an error: the output then fails the workflow.
// A query task's errors are not errors either: they are in QueryAnswer.
func (r *Run) Step(in Input) (Output, error) {
	if r.closed {
		return Output{}, errors.New("engine: run is closed")
	}
	switch {
	case in.Query != nil:
		return r.stepQuery(in)
	case in.Heartbeat:
		return r.output(r.heartbeat()), nil
	case in.Task != nil:
		r.queries = in.Task.Queries
		c, err := r.apply(*in.Task)
		if err == nil && in.Task.Whole {
			err = r.checkWhole(in.Task)
		}
		return r.settle(c, err, !in.Task.Replay && !in.Task.Whole)
	default:
		c, err := r.resolveLocals(in.LocalResults)
		return r.settle(c, err, true)
	}
}

// stepQuery replays the task's events, if any, and answers the query.
func (r *Run) stepQuery(in Input) (Output, error) {
	if in.Task != nil {
		t := *in.Task
		t.Replay = true
		if _, err := r.apply(t); err != nil {
			return Output{}, err
		}
	}
	res, err := r.query(in.Query.GetQueryType(), in.Query.GetQueryArgs(), in.Query.GetHeader())
	return Output{QueryAnswer: r.queryResult(res, err), Keep: !r.finished}, nil
}

// checkWhole, for a task that holds a whole recorded history, reports
// commands the history should have recorded but does not. Commands of a
// task the history has not completed yet are not in it.
func (r *Run) checkWhole(t *Task) error {
	if n := len(t.Events); n > 0 && t.Events[n-1].EventType == enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED {
		return nil
	}
	return r.ms.Unmatched()
}

// settle turns the result of applying an input into the output: on a
// live task, a nondeterminism error the workflow asked to be failed with
// becomes a FailWorkflowExecution command; other errors are returned.
func (r *Run) settle(c Output, err error, live bool) (Output, error) {
	if err != nil {
		var nd *temporal.NondeterminismError
		if !live || !errors.As(err, &nd) || r.def == nil || r.def.FailWorkflow == nil || !r.def.FailWorkflow(nd) {
			return Output{}, err
		}
		// The workflow asked for nondeterminism to fail it, not the task.
		if nd.WorkflowID == "" {
			nd.WorkflowID, nd.RunID = r.info.WorkflowID, r.info.RunID
		}
		r.finished = true
		return Output{Commands: []*commandpb.Command{{
			CommandType: enumspb.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
			Attributes: &commandpb.Command_FailWorkflowExecutionCommandAttributes{
				FailWorkflowExecutionCommandAttributes: &commandpb.FailWorkflowExecutionCommandAttributes{Failure: r.cfg.FailureConverter.ErrorToFailure(err)},
			},
		}}}, nil
	}
	return r.output(c), nil
}

// output adds the query answers and the cache decision to a completion.
func (r *Run) output(out Output) Output {
	out.Keep = !r.finished
	if out.WaitLocal {
		timeout := r.info.TaskTimeout
		if timeout <= 0 {
			timeout = defaultTaskTimeout
		}
		out.HeartbeatAfter = timeout * 8 / 10
		return out
	}
	out.QueryResults = r.answerQueries()
	return out
}

// answerQueries answers the queries delivered with the task being
// completed, against the state the task left.
func (r *Run) answerQueries() map[string]*querypb.WorkflowQueryResult {
	if len(r.queries) == 0 {
		return nil
	}
	out := make(map[string]*querypb.WorkflowQueryResult, len(r.queries))
	for id, q := range r.queries {
		out[id] = r.queryResult(r.query(q.GetQueryType(), q.GetQueryArgs(), q.GetHeader()))
	}
	r.queries = nil
	return out
}

func (r *Run) queryResult(res *commonpb.Payloads, err error) *querypb.WorkflowQueryResult {
	if err != nil {
		return &querypb.WorkflowQueryResult{
			ResultType:   enumspb.QUERY_RESULT_TYPE_FAILED,
			ErrorMessage: err.Error(),
			Failure:      r.cfg.FailureConverter.ErrorToFailure(err),
		}
	}
	return &querypb.WorkflowQueryResult{ResultType: enumspb.QUERY_RESULT_TYPE_ANSWERED, Answer: res}
}
