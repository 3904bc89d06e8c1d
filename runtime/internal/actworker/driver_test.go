package actworker_test

// This file drives workflows by hand over raw gRPC, standing in for the
// workflow runtime, so the activity poller can be tested against a real
// server.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
	"github.com/temporalgen/temporalgen/runtime/internal/backoff"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
)

// waitTimeout bounds every wait of a test on the server; reaching it means
// the test failed, never that it passed.
const waitTimeout = 90 * time.Second

// srv is the dev server shared by the integration tests.
var srv *devserver.Server

func TestMain(m *testing.M) {
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
}

// dial connects to server s.
func dial(t *testing.T, s *devserver.Server) workflowservice.WorkflowServiceClient {
	t.Helper()
	conn, err := grpc.NewClient(s.Address(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return workflowservice.NewWorkflowServiceClient(conn)
}

func uniqueName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

func normalQueue(name string) *taskqueuepb.TaskQueue {
	return &taskqueuepb.TaskQueue{Name: name, Kind: enumspb.TASK_QUEUE_KIND_NORMAL}
}

// testLogger returns a logger writing to the test log. hook, if not nil,
// sees every record.
func testLogger(t *testing.T, hook func(slog.Record)) *slog.Logger {
	return slog.New(&testHandler{t: t, hook: hook, mu: &sync.Mutex{}})
}

type testHandler struct {
	t     *testing.T
	hook  func(slog.Record)
	attrs []slog.Attr
	mu    *sync.Mutex
}

func (h *testHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *testHandler) Handle(_ context.Context, r slog.Record) error {
	if h.hook != nil {
		h.hook(r)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s", r.Level, r.Message)
	for _, a := range h.attrs {
		fmt.Fprintf(&sb, " %s", a)
	}
	r.Attrs(func(a slog.Attr) bool { fmt.Fprintf(&sb, " %s", a); return true })
	h.mu.Lock()
	defer h.mu.Unlock()
	h.t.Log(sb.String())
	return nil
}

func (h *testHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

func (h *testHandler) WithGroup(string) slog.Handler { return h }

// startPoller starts a Poller for reg on a fresh task queue and stops it
// when the test ends.
func startPoller(t *testing.T, svc workflowservice.WorkflowServiceClient, reg *actworker.Registry, edit func(*actworker.Config)) (*actworker.Poller, string) {
	t.Helper()
	cfg := actworker.Config{
		Service:   svc,
		Namespace: srv.Namespace(),
		TaskQueue: uniqueName("act"),
		Identity:  "actworker-test",
		Logger:    testLogger(t, nil),
		Backoff:   backoff.Policy{Initial: 20 * time.Millisecond, Max: 500 * time.Millisecond},
	}
	if edit != nil {
		edit(&cfg)
	}
	p := actworker.New(cfg, reg)
	p.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		// A test that stopped the poller itself may have seen (and checked)
		// context.Canceled; Stop repeats that result.
		if err := p.Stop(ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Stop: %v", err)
		}
	})
	return p, cfg.TaskQueue
}

// workflow is a workflow execution driven by hand: the test polls its
// workflow tasks and answers them with commands.
type workflow struct {
	t    *testing.T
	svc  workflowservice.WorkflowServiceClient
	ns   string
	tq   string
	exec *commonpb.WorkflowExecution
}

// startWorkflow starts a workflow on a fresh workflow task queue and
// terminates it when the test ends.
func startWorkflow(t *testing.T, svc workflowservice.WorkflowServiceClient, ns string) *workflow {
	t.Helper()
	w := &workflow{t: t, svc: svc, ns: ns, tq: uniqueName("wf")}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	id := uniqueName("wf-" + t.Name())
	resp, err := svc.StartWorkflowExecution(ctx, &workflowservice.StartWorkflowExecutionRequest{
		Namespace:           ns,
		WorkflowId:          id,
		WorkflowType:        &commonpb.WorkflowType{Name: "HandDriven"},
		TaskQueue:           normalQueue(w.tq),
		WorkflowTaskTimeout: durationpb.New(10 * time.Second),
		Identity:            "actworker-test-driver",
		RequestId:           uniqueName("req"),
	})
	if err != nil {
		t.Fatalf("StartWorkflowExecution: %v", err)
	}
	w.exec = &commonpb.WorkflowExecution{WorkflowId: id, RunId: resp.GetRunId()}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = svc.TerminateWorkflowExecution(ctx, &workflowservice.TerminateWorkflowExecutionRequest{
			Namespace: ns, WorkflowExecution: w.exec, Reason: "test over",
		})
	})
	return w
}

// nextTask long-polls until a workflow task arrives.
func (w *workflow) nextTask() *workflowservice.PollWorkflowTaskQueueResponse {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	for {
		task, err := w.svc.PollWorkflowTaskQueue(ctx, &workflowservice.PollWorkflowTaskQueueRequest{
			Namespace: w.ns, TaskQueue: normalQueue(w.tq), Identity: "actworker-test-driver",
		}, grpc.WaitForReady(true)) // rides out a server restart
		if err != nil {
			w.t.Fatalf("PollWorkflowTaskQueue: %v", err)
		}
		if len(task.GetTaskToken()) > 0 {
			return task
		}
	}
}

// complete answers a workflow task with commands.
func (w *workflow) complete(task *workflowservice.PollWorkflowTaskQueueResponse, cmds ...*commandpb.Command) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if _, err := w.svc.RespondWorkflowTaskCompleted(ctx, &workflowservice.RespondWorkflowTaskCompletedRequest{
		TaskToken: task.GetTaskToken(), Commands: cmds, Identity: "actworker-test-driver", Namespace: w.ns,
	}); err != nil {
		w.t.Fatalf("RespondWorkflowTaskCompleted: %v", err)
	}
}

// waitEvent answers workflow tasks without commands until one whose
// history holds an event of one of the given types, and returns that
// event. The returned task is left unanswered.
func (w *workflow) waitEvent(types ...enumspb.EventType) (*historypb.HistoryEvent, *workflowservice.PollWorkflowTaskQueueResponse) {
	w.t.Helper()
	for {
		task := w.nextTask()
		for _, ev := range task.GetHistory().GetEvents() {
			for _, typ := range types {
				if ev.GetEventType() == typ {
					return ev, task
				}
			}
		}
		w.complete(task)
	}
}

// activityOptions are the ScheduleActivityTask settings a test varies.
type activityOptions struct {
	Type             string
	TaskQueue        string
	Args             *commonpb.Payloads
	StartToClose     time.Duration // default 30s
	HeartbeatTimeout time.Duration
	MaxAttempts      int32 // 0: unlimited
}

func scheduleCommand(id string, o activityOptions) *commandpb.Command {
	stc := o.StartToClose
	if stc == 0 {
		stc = 30 * time.Second
	}
	attrs := &commandpb.ScheduleActivityTaskCommandAttributes{
		ActivityId:          id,
		ActivityType:        &commonpb.ActivityType{Name: o.Type},
		TaskQueue:           normalQueue(o.TaskQueue),
		Input:               o.Args,
		StartToCloseTimeout: durationpb.New(stc),
		RetryPolicy: &commonpb.RetryPolicy{
			InitialInterval:    durationpb.New(100 * time.Millisecond),
			BackoffCoefficient: 1,
			MaximumAttempts:    o.MaxAttempts,
		},
	}
	if o.HeartbeatTimeout > 0 {
		attrs.HeartbeatTimeout = durationpb.New(o.HeartbeatTimeout)
	}
	return &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
		Attributes:  &commandpb.Command_ScheduleActivityTaskCommandAttributes{ScheduleActivityTaskCommandAttributes: attrs},
	}
}

// closingEvents are the event types that end an activity.
var closingEvents = []enumspb.EventType{
	enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
	enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED,
	enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
	enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
}

// schedule answers the workflow's first task by scheduling one activity.
func (w *workflow) schedule(o activityOptions) {
	w.t.Helper()
	w.complete(w.nextTask(), scheduleCommand("1", o))
}

// runActivity starts a workflow that schedules one activity and returns the
// event that closed it.
func runActivity(t *testing.T, svc workflowservice.WorkflowServiceClient, o activityOptions) *historypb.HistoryEvent {
	t.Helper()
	w := startWorkflow(t, svc, srv.Namespace())
	w.schedule(o)
	ev, _ := w.waitEvent(closingEvents...)
	return ev
}

func requestCancelCommand(scheduledEventID int64) *commandpb.Command {
	return &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK,
		Attributes: &commandpb.Command_RequestCancelActivityTaskCommandAttributes{
			RequestCancelActivityTaskCommandAttributes: &commandpb.RequestCancelActivityTaskCommandAttributes{ScheduledEventId: scheduledEventID},
		},
	}
}
