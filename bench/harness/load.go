package harness

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	querypb "go.temporal.io/api/query/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	updatepb "go.temporal.io/api/update/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/types/known/durationpb"
)

// loadgen is the load generator: plain gRPC calls, the same for every
// implementation under test, so no SDK client is measured.
type loadgen struct {
	svc workflowservice.WorkflowServiceClient
	ns  string
}

const identity = "bench-driver"

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func payloads(args ...any) *commonpb.Payloads {
	if len(args) == 0 {
		return nil
	}
	p := &commonpb.Payloads{}
	for _, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			panic(err)
		}
		p.Payloads = append(p.Payloads, &commonpb.Payload{
			Metadata: map[string][]byte{"encoding": []byte("json/plain")},
			Data:     b,
		})
	}
	return p
}

func decodeInt(p *commonpb.Payloads) (int, error) {
	if len(p.GetPayloads()) == 0 {
		return 0, fmt.Errorf("no payload")
	}
	var n int
	err := json.Unmarshal(p.Payloads[0].Data, &n)
	return n, err
}

// start starts a workflow and returns its run id.
func (l *loadgen) start(ctx context.Context, id, wfType, taskQueue string, args ...any) (string, error) {
	resp, err := l.svc.StartWorkflowExecution(ctx, &workflowservice.StartWorkflowExecutionRequest{
		Namespace:           l.ns,
		WorkflowId:          id,
		WorkflowType:        &commonpb.WorkflowType{Name: wfType},
		TaskQueue:           &taskqueuepb.TaskQueue{Name: taskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
		Input:               payloads(args...),
		WorkflowTaskTimeout: durationpb.New(10 * time.Second),
		Identity:            identity,
		RequestId:           newID(),
	})
	if err != nil {
		return "", fmt.Errorf("start %s %s: %w", wfType, id, err)
	}
	return resp.GetRunId(), nil
}

// wait long-polls for the close event of a run and fails unless the run
// completed.
func (l *loadgen) wait(ctx context.Context, id, runID string) (*historypb.HistoryEvent, error) {
	var token []byte
	for {
		resp, err := l.svc.GetWorkflowExecutionHistory(ctx, &workflowservice.GetWorkflowExecutionHistoryRequest{
			Namespace:              l.ns,
			Execution:              &commonpb.WorkflowExecution{WorkflowId: id, RunId: runID},
			WaitNewEvent:           true,
			HistoryEventFilterType: enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
			NextPageToken:          token,
		})
		if err != nil {
			if ctx.Err() == nil && isTimeout(err) {
				continue
			}
			return nil, fmt.Errorf("wait for %s: %w", id, err)
		}
		if evs := resp.GetHistory().GetEvents(); len(evs) > 0 {
			e := evs[len(evs)-1]
			if e.GetEventType() != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED {
				return e, fmt.Errorf("workflow %s closed with %s", id, e.GetEventType())
			}
			return e, nil
		}
		token = resp.GetNextPageToken()
	}
}

func (l *loadgen) signal(ctx context.Context, id, name string) error {
	_, err := l.svc.SignalWorkflowExecution(ctx, &workflowservice.SignalWorkflowExecutionRequest{
		Namespace:         l.ns,
		WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: id},
		SignalName:        name,
		Identity:          identity,
		RequestId:         newID(),
	})
	if err != nil {
		return fmt.Errorf("signal %s %s: %w", id, name, err)
	}
	return nil
}

func (l *loadgen) query(ctx context.Context, id, name string) (int, error) {
	resp, err := l.svc.QueryWorkflow(ctx, &workflowservice.QueryWorkflowRequest{
		Namespace: l.ns,
		Execution: &commonpb.WorkflowExecution{WorkflowId: id},
		Query:     &querypb.WorkflowQuery{QueryType: name},
	})
	if err != nil {
		return 0, fmt.Errorf("query %s %s: %w", id, name, err)
	}
	if r := resp.GetQueryRejected(); r != nil {
		return 0, fmt.Errorf("query %s %s rejected: %v", id, name, r)
	}
	return decodeInt(resp.GetQueryResult())
}

// update runs an update to completion and returns its int result.
func (l *loadgen) update(ctx context.Context, id, name string) (int, error) {
	req := &workflowservice.UpdateWorkflowExecutionRequest{
		Namespace:         l.ns,
		WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: id},
		WaitPolicy:        &updatepb.WaitPolicy{LifecycleStage: enumspb.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED},
		Request: &updatepb.Request{
			Meta:  &updatepb.Meta{UpdateId: newID(), Identity: identity},
			Input: &updatepb.Input{Name: name},
		},
	}
	for {
		resp, err := l.svc.UpdateWorkflowExecution(ctx, req)
		if err != nil {
			if ctx.Err() == nil && isTimeout(err) {
				continue
			}
			return 0, fmt.Errorf("update %s %s: %w", id, name, err)
		}
		if o := resp.GetOutcome(); o != nil {
			if f := o.GetFailure(); f != nil {
				return 0, fmt.Errorf("update %s %s failed: %s", id, name, f.GetMessage())
			}
			return decodeInt(o.GetSuccess())
		}
		// Not completed within the server's wait: ask again (same id).
	}
}

// history fetches the full history of a run.
func (l *loadgen) history(ctx context.Context, id, runID string) (*historypb.History, error) {
	h := &historypb.History{}
	var token []byte
	for {
		resp, err := l.svc.GetWorkflowExecutionHistory(ctx, &workflowservice.GetWorkflowExecutionHistoryRequest{
			Namespace:     l.ns,
			Execution:     &commonpb.WorkflowExecution{WorkflowId: id, RunId: runID},
			NextPageToken: token,
		})
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", id, err)
		}
		h.Events = append(h.Events, resp.GetHistory().GetEvents()...)
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return h, nil
		}
	}
}
