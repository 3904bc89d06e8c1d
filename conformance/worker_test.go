package conformance

// Features: worker_shutdown/poll_complete_on_shutdown, bugs/go
// activity_start_race, and the Python suite's test_replayer.py behaviours
// that need a server (histories from the client, unregistered types).

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// waitForSignal returns the "go" signal's argument.
func waitForSignal(ctx workflow.Context) (string, error) {
	var got string
	seen := false
	_ = workflow.SetSignalHandler(ctx, "go", func(_ workflow.Context, args converter.Values) error {
		seen = true
		return args.Get(0, &got)
	}, workflow.SignalOptions{})
	err := workflow.Await(ctx, func() bool { return seen })
	return got, err
}

// pollTracker is a client interceptor that follows the workflow task long
// polls of each task queue (a sticky queue counts under its normal queue):
// how many are in flight, and how many ended because the caller cancelled
// them. Waiters are woken on every change, so tests wait for a poll state
// instead of sleeping. One tracker may serve several envs: they have
// distinct task queues.
type pollTracker struct {
	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every change
	inflight map[string]int
	canceled map[string]int
}

func newPollTracker() *pollTracker {
	return &pollTracker{changed: make(chan struct{}), inflight: map[string]int{}, canceled: map[string]int{}}
}

// options returns client options that route the client's calls through p.
func (p *pollTracker) options() client.Options {
	return client.Options{GRPCDialOptions: []grpc.DialOption{grpc.WithChainUnaryInterceptor(p.intercept)}}
}

func (p *pollTracker) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	r, ok := req.(*workflowservice.PollWorkflowTaskQueueRequest)
	if !ok {
		return invoker(ctx, method, req, reply, cc, opts...)
	}
	tq := r.GetTaskQueue().GetNormalName()
	if tq == "" {
		tq = r.GetTaskQueue().GetName()
	}
	p.update(func() { p.inflight[tq]++ })
	err := invoker(ctx, method, req, reply, cc, opts...)
	p.update(func() {
		p.inflight[tq]--
		if err != nil && errors.Is(ctx.Err(), context.Canceled) {
			p.canceled[tq]++
		}
	})
	return err
}

func (p *pollTracker) update(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
	close(p.changed)
	p.changed = make(chan struct{})
}

// state returns the polls of tq in flight and the number cancelled so far.
func (p *pollTracker) state(tq string) (inflight, canceled int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inflight[tq], p.canceled[tq]
}

// wait waits until cond holds for the polls of tq, or ctx is done.
func (p *pollTracker) wait(ctx context.Context, tq string, cond func(inflight, canceled int) bool) error {
	for {
		p.mu.Lock()
		in, c, changed := p.inflight[tq], p.canceled[tq], p.changed
		p.mu.Unlock()
		if cond(in, c) {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("%w (%d polls in flight, %d cancelled)", ctx.Err(), in, c)
		}
	}
}

// await waits until cond holds for the polls of e's task queue, failing
// the test at the env's deadline. Call it from the test's goroutine.
func (p *pollTracker) await(e *env, what string, cond func(inflight, canceled int) bool) {
	e.t.Helper()
	if err := p.wait(e.ctx, e.tq, cond); err != nil {
		e.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// TestWorkerShutdownPollComplete is worker_shutdown/poll_complete_on_shutdown:
// a worker with long polls outstanding stops promptly (it cancels its polls
// rather than waiting them out), and the workflow it was running continues
// on a new worker without any workflow task failing.
func TestWorkerShutdownPollComplete(t *testing.T) {
	const pollers = 2
	polls := newPollTracker()
	eachWith(t, polls.options(), func(t *testing.T, e *env) {
		e.workerOpts(worker.Options{WorkflowPollers: pollers}, func(w *worker.Worker) { testenv.Must(t, w.RegisterWorkflow("WaitForSignal", waitForSignal)) })
		h := e.start("WaitForSignal")
		e.waitEvent(h, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
		polls.await(e, "every poller to be back in a long poll", func(inflight, _ int) bool { return inflight == pollers })
		_, canceledBefore := polls.state(e.tq)
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			e.stopWorker()
		}()
		select {
		case <-stopped:
		case <-e.ctx.Done():
			t.Fatal("Stop did not return with only idle long polls outstanding")
		}
		// Stop cancelled its idle polls: none outlived it, and each ended
		// by cancellation, not by the server's long poll expiring.
		inflight, canceled := polls.state(e.tq)
		if inflight != 0 {
			t.Errorf("%d workflow task polls still in flight after Stop returned", inflight)
		}
		if n := canceled - canceledBefore; n != pollers {
			t.Errorf("Stop cancelled %d of its %d outstanding long polls", n, pollers)
		}
		e.restartWorker()
		testenv.Must(t, h.Signal(e.ctx, "go", "after restart"))
		if got := result[string](e, h); got != "after restart" {
			t.Errorf("result %q", got)
		}
		evs := e.history(h)
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
			t.Errorf("%d workflow task failures:\n%s", n, testenv.FormatHistory(evs))
		}
		// A workflow task may time out once, for a reason outside the
		// worker: the server (1.29.1) can still hand a task to a normal
		// queue long poll that the client has just cancelled (only sticky
		// polls are cancelled server-side, by ShutdownWorker); that task
		// never reaches any worker and times out start-to-close, and the
		// retry goes to the new worker. A schedule-to-start timeout would
		// mean the task went to the old worker's sticky queue, which Stop
		// must have released.
		timeouts := all(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)
		if len(timeouts) > 1 {
			t.Errorf("%d workflow task timeouts, want at most 1 (the server's poll race):\n%s", len(timeouts), testenv.FormatHistory(evs))
		}
		for _, ev := range timeouts {
			if tt := ev.GetWorkflowTaskTimedOutEventAttributes().GetTimeoutType(); tt != enumspb.TIMEOUT_TYPE_START_TO_CLOSE {
				t.Errorf("workflow task timed out %s, want only the start-to-close timeout of the server's poll race:\n%s", tt, testenv.FormatHistory(evs))
			}
		}
	})
}

// TestActivityStartRace is bugs/go activity_start_race: a history in which
// ActivityTaskStarted is recorded between a WorkflowTaskScheduled and its
// WorkflowTaskStarted (a signal raced the activity's start) replays.
func TestActivityStartRace(t *testing.T) {
	t.Parallel()
	dc := converter.Default()
	in, _ := dc.ToPayloads("x")
	out, _ := dc.ToPayloads("echo x")
	ev := func(id int64, et enumspb.EventType, attrs any) *historypb.HistoryEvent {
		e := &historypb.HistoryEvent{EventId: id, EventType: et}
		switch a := attrs.(type) {
		case *historypb.WorkflowExecutionStartedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{WorkflowExecutionStartedEventAttributes: a}
		case *historypb.WorkflowTaskScheduledEventAttributes:
			e.Attributes = &historypb.HistoryEvent_WorkflowTaskScheduledEventAttributes{WorkflowTaskScheduledEventAttributes: a}
		case *historypb.WorkflowTaskStartedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_WorkflowTaskStartedEventAttributes{WorkflowTaskStartedEventAttributes: a}
		case *historypb.WorkflowTaskCompletedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_WorkflowTaskCompletedEventAttributes{WorkflowTaskCompletedEventAttributes: a}
		case *historypb.ActivityTaskScheduledEventAttributes:
			e.Attributes = &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{ActivityTaskScheduledEventAttributes: a}
		case *historypb.ActivityTaskStartedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_ActivityTaskStartedEventAttributes{ActivityTaskStartedEventAttributes: a}
		case *historypb.ActivityTaskCompletedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_ActivityTaskCompletedEventAttributes{ActivityTaskCompletedEventAttributes: a}
		case *historypb.WorkflowExecutionSignaledEventAttributes:
			e.Attributes = &historypb.HistoryEvent_WorkflowExecutionSignaledEventAttributes{WorkflowExecutionSignaledEventAttributes: a}
		case *historypb.WorkflowExecutionCompletedEventAttributes:
			e.Attributes = &historypb.HistoryEvent_WorkflowExecutionCompletedEventAttributes{WorkflowExecutionCompletedEventAttributes: a}
		}
		return e
	}
	tq := &taskqueuepb.TaskQueue{Name: "race"}
	h := &historypb.History{Events: []*historypb.HistoryEvent{
		ev(1, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, &historypb.WorkflowExecutionStartedEventAttributes{
			WorkflowType: &commonpb.WorkflowType{Name: "Race"}, TaskQueue: tq, Input: in,
			WorkflowTaskTimeout: durationpb.New(10 * time.Second), OriginalExecutionRunId: "run", FirstExecutionRunId: "run"}),
		ev(2, enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, &historypb.WorkflowTaskScheduledEventAttributes{TaskQueue: tq}),
		ev(3, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, &historypb.WorkflowTaskStartedEventAttributes{ScheduledEventId: 2}),
		ev(4, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, &historypb.WorkflowTaskCompletedEventAttributes{ScheduledEventId: 2, StartedEventId: 3}),
		ev(5, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, &historypb.ActivityTaskScheduledEventAttributes{
			ActivityId: "1", ActivityType: &commonpb.ActivityType{Name: "Echo"}, TaskQueue: tq, Input: in, WorkflowTaskCompletedEventId: 4}),
		ev(6, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, &historypb.WorkflowExecutionSignaledEventAttributes{SignalName: "poke"}),
		ev(7, enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, &historypb.WorkflowTaskScheduledEventAttributes{TaskQueue: tq}),
		ev(8, enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED, &historypb.ActivityTaskStartedEventAttributes{ScheduledEventId: 5, Attempt: 1}),
		ev(9, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, &historypb.WorkflowTaskStartedEventAttributes{ScheduledEventId: 7}),
		ev(10, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, &historypb.WorkflowTaskCompletedEventAttributes{ScheduledEventId: 7, StartedEventId: 9}),
		ev(11, enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, &historypb.ActivityTaskCompletedEventAttributes{ScheduledEventId: 5, StartedEventId: 8, Result: out}),
		ev(12, enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, &historypb.WorkflowTaskScheduledEventAttributes{TaskQueue: tq}),
		ev(13, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, &historypb.WorkflowTaskStartedEventAttributes{ScheduledEventId: 12}),
		ev(14, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, &historypb.WorkflowTaskCompletedEventAttributes{ScheduledEventId: 12, StartedEventId: 13}),
		ev(15, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, &historypb.WorkflowExecutionCompletedEventAttributes{Result: out, WorkflowTaskCompletedEventId: 14}),
	}}
	r := worker.NewReplayer(worker.ReplayerOptions{})
	testenv.Must(t, r.RegisterWorkflow("Race", func(ctx workflow.Context, s string) (string, error) {
		_ = workflow.SetSignalHandler(ctx, "poke", func(workflow.Context, converter.Values) error { return nil }, workflow.SignalOptions{})
		return workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Echo", s).Get(ctx)
	}))
	if err := r.ReplayHistory("race", "run", h); err != nil {
		t.Fatal(err)
	}
	// The same history cut at each workflow task.
	for _, cut := range []int{3, 9, 13} {
		if err := r.ReplayHistory("race", "run", &historypb.History{Events: h.Events[:cut]}); err != nil {
			t.Errorf("cut after event %d: %v", cut, err)
		}
	}
}

// TestReplayerFromClient is test_replayer.py's multiple-from-client case:
// five executions are fetched from the server and replayed with changed
// code that breaks the two that took the changed path; and a history of
// an unregistered type fails with an error that is not a
// NondeterminismError.
func TestReplayerFromClient(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		branch := func(ctx workflow.Context, timer bool) (string, error) {
			if timer {
				return "timer", workflow.Sleep(ctx, 10*time.Millisecond)
			}
			return workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Echo", "x").Get(ctx)
		}
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Echo", echo))
			testenv.Must(t, w.RegisterWorkflow("Branch", branch))
		})
		var ids []string
		for i := range 5 {
			h := e.start("Branch", i%3 == 0) // runs 0 and 3 take the timer
			result[string](e, h)
			ids = append(ids, h.ID())
		}
		changed := worker.NewReplayer(worker.ReplayerOptions{})
		testenv.Must(t, changed.RegisterWorkflow("Branch", func(ctx workflow.Context, timer bool) (string, error) {
			if timer {
				// The timer became an activity.
				return workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Echo", "x").Get(ctx)
			}
			return branch(ctx, false)
		}))
		var failed []int
		for i, id := range ids {
			err := changed.ReplayWorkflow(e.ctx, e.c, id, "")
			var nd *temporal.NondeterminismError
			var re *worker.ReplayError
			switch {
			case err == nil:
			case errors.As(err, &nd) && errors.As(err, &re) && re.WorkflowID == id && nd.EventID > 0:
				failed = append(failed, i)
			default:
				t.Errorf("run %d: %v", i, err)
			}
		}
		if len(failed) != 2 || failed[0] != 0 || failed[1] != 3 {
			t.Errorf("nondeterministic runs %v, want [0 3]", failed)
		}
		unregistered := worker.NewReplayer(worker.ReplayerOptions{})
		testenv.Must(t, unregistered.RegisterWorkflow("Other", branch))
		err := unregistered.ReplayWorkflow(e.ctx, e.c, ids[0], "")
		var nd *temporal.NondeterminismError
		if err == nil || errors.As(err, &nd) {
			t.Errorf("unregistered type: %v, want an error that is not a NondeterminismError", err)
		}
	})
}
