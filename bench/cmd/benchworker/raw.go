package main

// The raw gRPC loop: a minimal hand-written worker on go.temporal.io/api
// that does only what the benchmark workloads need, as a bound on what any
// worker can get out of the server. It polls the normal and a sticky queue
// (one poller each) and keeps a few fields of state per open run, so it
// gets only new events after a run's first task, like the SDKs do.
//
// It implements Throughput, Park and Latency (signals, queries both on
// workflow tasks and as query tasks, and updates through protocol
// messages); the Rec* workflows exist only for the replayers and fail here.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"strconv"
	"sync"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	querypb "go.temporal.io/api/query/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	updatepb "go.temporal.io/api/update/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/temporalgen/temporalgen/bench/internal/shape"
)

const (
	rawMaxConcurrent = 1000
	// pollTimeout bounds a long poll; the server answers empty after 60s.
	pollTimeout = 70 * time.Second
)

type rawWorker struct {
	conn     *grpc.ClientConn
	svc      workflowservice.WorkflowServiceClient
	ns, tq   string
	sticky   string
	identity string

	cancel context.CancelFunc
	pollers,
	tasks sync.WaitGroup
	sem chan struct{}

	mu   sync.Mutex
	runs map[string]*rawRun
}

// rawRun is the state of one open run.
type rawRun struct {
	mu          sync.Mutex
	wfType      string
	lastEventID int64
	tasksDone   int  // WorkflowTaskCompleted events seen
	counted     bool // Park: counted in started
	scheduled   bool // Throughput: activity scheduled
	completed   bool // Throughput: activity completed
	woken       bool // Park: wake; Latency: done
	count       int  // Latency: inc signals + updates
	updates     map[string]bool
}

func startRaw(cfg config) (runner, error) {
	conn, err := grpc.NewClient(cfg.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	w := &rawWorker{
		conn:     conn,
		svc:      workflowservice.NewWorkflowServiceClient(conn),
		ns:       cfg.namespace,
		tq:       cfg.taskQueue,
		sticky:   fmt.Sprintf("%s:%s:raw-%d", host, cfg.taskQueue, os.Getpid()),
		identity: fmt.Sprintf("%d@%s-raw", os.Getpid(), host),
		sem:      make(chan struct{}, rawMaxConcurrent),
		runs:     make(map[string]*rawRun),
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	normal := &taskqueuepb.TaskQueue{Name: w.tq, Kind: enumspb.TASK_QUEUE_KIND_NORMAL}
	sticky := &taskqueuepb.TaskQueue{Name: w.sticky, Kind: enumspb.TASK_QUEUE_KIND_STICKY, NormalName: w.tq}
	w.pollers.Add(4)
	go w.pollWorkflows(ctx, normal)
	go w.pollWorkflows(ctx, sticky)
	go w.pollActivities(ctx)
	go w.pollActivities(ctx)
	return w, nil
}

func (w *rawWorker) Stop() {
	w.cancel()
	w.pollers.Wait()
	w.tasks.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = w.svc.ShutdownWorker(ctx, &workflowservice.ShutdownWorkerRequest{
		Namespace: w.ns, StickyTaskQueue: w.sticky, Identity: w.identity, Reason: "bench done",
	})
	w.conn.Close()
}

func (w *rawWorker) pollWorkflows(ctx context.Context, q *taskqueuepb.TaskQueue) {
	defer w.pollers.Done()
	for ctx.Err() == nil {
		w.sem <- struct{}{}
		pctx, cancel := context.WithTimeout(ctx, pollTimeout)
		t, err := w.svc.PollWorkflowTaskQueue(pctx, &workflowservice.PollWorkflowTaskQueueRequest{
			Namespace: w.ns, TaskQueue: q, Identity: w.identity,
		})
		cancel()
		if err != nil || len(t.GetTaskToken()) == 0 {
			<-w.sem
			if err != nil && ctx.Err() == nil && status.Code(err) != codes.DeadlineExceeded {
				log.Printf("poll workflow task: %v", err)
				time.Sleep(100 * time.Millisecond)
			}
			continue
		}
		w.tasks.Add(1)
		go func() {
			defer func() { <-w.sem; w.tasks.Done() }()
			if err := w.handleWorkflowTask(t); err != nil {
				log.Printf("workflow task of %s: %v", t.GetWorkflowExecution().GetWorkflowId(), err)
			}
		}()
	}
}

func (w *rawWorker) pollActivities(ctx context.Context) {
	defer w.pollers.Done()
	q := &taskqueuepb.TaskQueue{Name: w.tq, Kind: enumspb.TASK_QUEUE_KIND_NORMAL}
	for ctx.Err() == nil {
		w.sem <- struct{}{}
		pctx, cancel := context.WithTimeout(ctx, pollTimeout)
		t, err := w.svc.PollActivityTaskQueue(pctx, &workflowservice.PollActivityTaskQueueRequest{
			Namespace: w.ns, TaskQueue: q, Identity: w.identity,
		})
		cancel()
		if err != nil || len(t.GetTaskToken()) == 0 {
			<-w.sem
			if err != nil && ctx.Err() == nil && status.Code(err) != codes.DeadlineExceeded {
				log.Printf("poll activity task: %v", err)
				time.Sleep(100 * time.Millisecond)
			}
			continue
		}
		w.tasks.Add(1)
		go func() {
			defer func() { <-w.sem; w.tasks.Done() }()
			// Every activity of the workloads is a no-op.
			_, err := w.svc.RespondActivityTaskCompleted(context.Background(), &workflowservice.RespondActivityTaskCompletedRequest{
				Namespace: w.ns, TaskToken: t.TaskToken, Identity: w.identity,
			})
			if err != nil {
				log.Printf("respond activity: %v", err)
			}
		}()
	}
}

// run returns the state of the task's run brought up to date with the
// task's events, fetching the full history when the task does not follow
// on from what the state has seen.
func (w *rawWorker) run(t *workflowservice.PollWorkflowTaskQueueResponse) (*rawRun, error) {
	runID := t.GetWorkflowExecution().GetRunId()
	w.mu.Lock()
	r := w.runs[runID]
	if r == nil {
		r = &rawRun{}
		w.runs[runID] = r
	}
	w.mu.Unlock()
	r.mu.Lock()

	events := t.GetHistory().GetEvents()
	token := t.GetNextPageToken()
	switch {
	case len(events) > 0 && events[0].GetEventId() == 1:
		r.reset() // full history: start over
	case len(events) > 0 && events[0].GetEventId() == r.lastEventID+1:
	case len(events) == 0 && r.lastEventID > 0: // query task on the sticky queue
	default:
		r.reset()
		events, token = nil, nil
		if err := w.pages(t.GetWorkflowExecution(), nil, r); err != nil {
			r.mu.Unlock()
			return nil, err
		}
	}
	for _, e := range events {
		r.apply(e)
	}
	if len(token) > 0 {
		if err := w.pages(t.GetWorkflowExecution(), token, r); err != nil {
			r.mu.Unlock()
			return nil, err
		}
	}
	return r, nil
}

// pages applies the history of ex from token (nil: from the start).
func (w *rawWorker) pages(ex *commonpb.WorkflowExecution, token []byte, r *rawRun) error {
	for {
		resp, err := w.svc.GetWorkflowExecutionHistory(context.Background(), &workflowservice.GetWorkflowExecutionHistoryRequest{
			Namespace: w.ns, Execution: ex, NextPageToken: token,
		})
		if err != nil {
			return err
		}
		for _, e := range resp.GetHistory().GetEvents() {
			r.apply(e)
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return nil
		}
	}
}

// reset forgets everything but the lock.
func (r *rawRun) reset() {
	r.wfType, r.lastEventID, r.tasksDone = "", 0, 0
	r.counted, r.scheduled, r.completed, r.woken = false, false, false, false
	r.count, r.updates = 0, nil
}

func (r *rawRun) apply(e *historypb.HistoryEvent) {
	if e.GetEventId() <= r.lastEventID {
		return
	}
	r.lastEventID = e.GetEventId()
	switch e.GetEventType() {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
		r.wfType = e.GetWorkflowExecutionStartedEventAttributes().GetWorkflowType().GetName()
	case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
		r.tasksDone++
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
		r.scheduled = true
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
		r.completed = true
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
		switch e.GetWorkflowExecutionSignaledEventAttributes().GetSignalName() {
		case shape.SigInc:
			r.count++
		case shape.SigWake, shape.SigDone:
			r.woken = true
		}
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
		r.addUpdate(e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetProtocolInstanceId())
	}
}

// addUpdate counts an update once, whether it is seen first as a message
// or as an accepted event.
func (r *rawRun) addUpdate(id string) bool {
	if r.updates[id] {
		return false
	}
	if r.updates == nil {
		r.updates = make(map[string]bool)
	}
	r.updates[id] = true
	r.count++
	return true
}

func jsonPayloads(v any) *commonpb.Payloads {
	b, _ := json.Marshal(v)
	return &commonpb.Payloads{Payloads: []*commonpb.Payload{{
		Metadata: map[string][]byte{"encoding": []byte("json/plain")},
		Data:     b,
	}}}
}

func (w *rawWorker) handleWorkflowTask(t *workflowservice.PollWorkflowTaskQueueResponse) error {
	r, err := w.run(t)
	if err != nil {
		return err
	}
	defer r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	if q := t.GetQuery(); q != nil { // a query task: answer from the state
		_, err := w.svc.RespondQueryTaskCompleted(ctx, &workflowservice.RespondQueryTaskCompletedRequest{
			Namespace: w.ns, TaskToken: t.TaskToken,
			CompletedType: enumspb.QUERY_RESULT_TYPE_ANSWERED,
			QueryResult:   jsonPayloads(r.count),
		})
		return err
	}

	if r.wfType == shape.Park && !r.counted && r.tasksDone == 0 {
		r.counted = true
		started.Add(1)
	}

	var (
		commands []*commandpb.Command
		messages []*protocolpb.Message
	)
	for _, m := range t.GetMessages() {
		var req updatepb.Request
		if m.GetBody().UnmarshalTo(&req) != nil {
			continue
		}
		id := req.GetMeta().GetUpdateId()
		if r.wfType != shape.Latency || req.GetInput().GetName() != shape.UpdAdd || !r.addUpdate(id) {
			continue
		}
		accept, _ := anypb.New(&updatepb.Acceptance{
			AcceptedRequestMessageId:         m.GetId(),
			AcceptedRequestSequencingEventId: m.GetEventId(),
			AcceptedRequest:                  &req,
		})
		done, _ := anypb.New(&updatepb.Response{
			Meta:    req.GetMeta(),
			Outcome: &updatepb.Outcome{Value: &updatepb.Outcome_Success{Success: jsonPayloads(r.count)}},
		})
		for _, msg := range []*protocolpb.Message{
			{Id: id + "/accept", ProtocolInstanceId: m.GetProtocolInstanceId(), Body: accept},
			{Id: id + "/complete", ProtocolInstanceId: m.GetProtocolInstanceId(), Body: done},
		} {
			messages = append(messages, msg)
			commands = append(commands, &commandpb.Command{
				CommandType: enumspb.COMMAND_TYPE_PROTOCOL_MESSAGE,
				Attributes: &commandpb.Command_ProtocolMessageCommandAttributes{
					ProtocolMessageCommandAttributes: &commandpb.ProtocolMessageCommandAttributes{MessageId: msg.Id},
				},
			})
		}
	}

	finish := false
	var result *commonpb.Payloads
	switch r.wfType {
	case shape.Throughput:
		switch {
		case r.completed:
			finish = true
		case !r.scheduled:
			r.scheduled = true
			commands = append(commands, &commandpb.Command{
				CommandType: enumspb.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
				Attributes: &commandpb.Command_ScheduleActivityTaskCommandAttributes{
					ScheduleActivityTaskCommandAttributes: &commandpb.ScheduleActivityTaskCommandAttributes{
						ActivityId:          "1",
						ActivityType:        &commonpb.ActivityType{Name: shape.Noop},
						TaskQueue:           &taskqueuepb.TaskQueue{Name: w.tq, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
						StartToCloseTimeout: durationpb.New(10 * time.Second),
					},
				},
			})
		}
	case shape.Park:
		finish = r.woken
	case shape.Latency:
		finish = r.woken
		result = jsonPayloads(r.count)
	default:
		_, err := w.svc.RespondWorkflowTaskFailed(ctx, &workflowservice.RespondWorkflowTaskFailedRequest{
			Namespace: w.ns, TaskToken: t.TaskToken, Identity: w.identity,
			Cause: enumspb.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
		})
		return errors.Join(fmt.Errorf("the raw loop does not run workflow type %q", r.wfType), err)
	}
	if finish {
		commands = append(commands, &commandpb.Command{
			CommandType: enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
			Attributes: &commandpb.Command_CompleteWorkflowExecutionCommandAttributes{
				CompleteWorkflowExecutionCommandAttributes: &commandpb.CompleteWorkflowExecutionCommandAttributes{Result: result},
			},
		})
	}

	var queries map[string]*querypb.WorkflowQueryResult
	if len(t.GetQueries()) > 0 {
		queries = make(map[string]*querypb.WorkflowQueryResult, len(t.GetQueries()))
		for id := range t.GetQueries() {
			queries[id] = &querypb.WorkflowQueryResult{
				ResultType: enumspb.QUERY_RESULT_TYPE_ANSWERED,
				Answer:     jsonPayloads(r.count),
			}
		}
	}

	_, err = w.svc.RespondWorkflowTaskCompleted(ctx, &workflowservice.RespondWorkflowTaskCompletedRequest{
		Namespace: w.ns, TaskToken: t.TaskToken, Identity: w.identity,
		Commands: commands, Messages: messages, QueryResults: queries,
		StickyAttributes: &taskqueuepb.StickyExecutionAttributes{
			WorkerTaskQueue:        &taskqueuepb.TaskQueue{Name: w.sticky, Kind: enumspb.TASK_QUEUE_KIND_STICKY, NormalName: w.tq},
			ScheduleToStartTimeout: durationpb.New(5 * time.Second),
		},
	})
	if finish || err != nil {
		// Done, or the state may be ahead of the server: forget the run.
		w.mu.Lock()
		delete(w.runs, t.GetWorkflowExecution().GetRunId())
		w.mu.Unlock()
	}
	if err != nil {
		return fmt.Errorf("respond (%s): %w", strconv.Itoa(len(commands))+" commands", err)
	}
	return nil
}
