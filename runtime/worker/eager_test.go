package worker_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// wireLog records what went over a client's connection, as a gRPC
// interceptor sees it: which start requests and activity commands asked
// for eager execution, and which workflow and activity tasks came in
// start and completion responses (eagerly) or from polls.
type wireLog struct {
	mu sync.Mutex
	// By workflow ID.
	askedStart  map[string]int  // start requests that asked for eager execution
	eagerStart  map[string]bool // the start response carried a workflow task
	polledFirst map[string]bool // a poll delivered the first workflow task
	// By activity type.
	askedActivity  map[string]int // ScheduleActivityTask commands asking for eager execution
	eagerActivity  map[string]int // activity tasks in completion responses
	polledActivity map[string]int // activity tasks from polls
	// eagerRoundTrip holds, by activity ID, when the completion whose
	// response brought the activity's task was sent and answered.
	eagerRoundTrip map[string][2]time.Time
}

func newWireLog() *wireLog {
	return &wireLog{
		askedStart: map[string]int{}, eagerStart: map[string]bool{}, polledFirst: map[string]bool{},
		askedActivity: map[string]int{}, eagerActivity: map[string]int{}, polledActivity: map[string]int{},
		eagerRoundTrip: map[string][2]time.Time{},
	}
}

// dialOption returns the interceptor that fills l.
func (l *wireLog) dialOption() grpc.DialOption {
	return grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		sent := time.Now()
		err := invoker(ctx, method, req, reply, cc, opts...)
		answered := time.Now()
		l.mu.Lock()
		defer l.mu.Unlock()
		switch r := reply.(type) {
		case *workflowservice.StartWorkflowExecutionResponse:
			q := req.(*workflowservice.StartWorkflowExecutionRequest)
			if q.RequestEagerExecution {
				l.askedStart[q.WorkflowId]++
			}
			if err == nil && len(r.GetEagerWorkflowTask().GetTaskToken()) > 0 {
				l.eagerStart[q.WorkflowId] = true
			}
		case *workflowservice.PollWorkflowTaskQueueResponse:
			if err == nil && r.GetStartedEventId() == 3 {
				l.polledFirst[r.GetWorkflowExecution().GetWorkflowId()] = true
			}
		case *workflowservice.RespondWorkflowTaskCompletedResponse:
			for _, c := range req.(*workflowservice.RespondWorkflowTaskCompletedRequest).Commands {
				if a := c.GetScheduleActivityTaskCommandAttributes(); a.GetRequestEagerExecution() {
					l.askedActivity[a.GetActivityType().GetName()]++
				}
			}
			for _, t := range r.GetActivityTasks() {
				l.eagerActivity[t.GetActivityType().GetName()]++
				l.eagerRoundTrip[t.GetActivityId()] = [2]time.Time{sent, answered}
			}
		case *workflowservice.PollActivityTaskQueueResponse:
			if err == nil && len(r.GetTaskToken()) > 0 {
				l.polledActivity[r.GetActivityType().GetName()]++
			}
		}
		return err
	})
}

// startFacts are what the wire log and history say about a workflow's
// start.
type startFacts struct {
	Asked, Eager, Polled bool // wireLog
	Accepted             bool // WorkflowExecutionStarted.eager_execution_accepted
	// FirstTaskByStart: the first WorkflowTaskStarted carries the start
	// request's ID (a poll's carries the poll's).
	FirstTaskByStart bool
	// FirstTaskCompleted: the first workflow task was completed, not
	// left to time out and retried.
	FirstTaskCompleted bool
}

func (l *wireLog) startFacts(t *testing.T, h *client.WorkflowHandle, requestID string) startFacts {
	t.Helper()
	evs := testenv.History(t, h)
	l.mu.Lock()
	defer l.mu.Unlock()
	f := startFacts{Asked: l.askedStart[h.ID()] > 0, Eager: l.eagerStart[h.ID()], Polled: l.polledFirst[h.ID()]}
	f.Accepted = evs[0].GetWorkflowExecutionStartedEventAttributes().GetEagerExecutionAccepted()
	f.FirstTaskCompleted = len(evs) > 3 && evs[3].EventType == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
	if st := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED); st != nil {
		f.FirstTaskByStart = st.GetWorkflowTaskStartedEventAttributes().GetRequestId() == requestID
	}
	return f
}

// TestEagerWorkflowStart starts a workflow from the client of a worker
// that polls its task queue: by default the start response brings the
// first workflow task, the worker runs it (no poll delivers it) and the
// history records the task as started by the start request; with eager
// start off on either side, the task comes from a poll.
func TestEagerWorkflowStart(t *testing.T) {
	eager := startFacts{Asked: true, Eager: true, Accepted: true, FirstTaskByStart: true, FirstTaskCompleted: true}
	lazy := startFacts{Polled: true, FirstTaskCompleted: true}
	cases := []struct {
		name   string
		start  client.StartWorkflowOptions
		worker worker.Options
		want   startFacts
	}{
		{"default", client.StartWorkflowOptions{}, worker.Options{}, eager},
		{"client_disabled", client.StartWorkflowOptions{DisableEagerExecution: true}, worker.Options{}, lazy},
		{"worker_disabled", client.StartWorkflowOptions{}, worker.Options{DisableEagerWorkflowStart: true}, lazy},
	}
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				wl := newWireLog()
				e := newEnv(t, wl.dialOption())
				opts := tc.worker
				opts.CacheSize = cacheSize
				e.worker(opts, func(w *worker.Worker) {
					testenv.Must(t, w.RegisterWorkflow("Greet", func(_ workflow.Context, name string) (string, error) {
						return "hello " + name, nil
					}))
				})
				start := tc.start
				start.RequestID = testenv.UniqueID("request")
				h := e.startOpts(start, "Greet", "eager")
				if got := testenv.Result[string](t, h); got != "hello eager" {
					t.Errorf("result %q", got)
				}
				if got := wl.startFacts(t, h, start.RequestID); got != tc.want {
					t.Errorf("start: %+v, want %+v\nhistory:\n%s", got, tc.want, testenv.DumpHistory(h))
				}
			})
		}
	})
}

// TestEagerWorkflowStartNotAsked: starts whose first workflow task is
// delayed (cron, start delay), or that go to a task queue no worker of
// the client polls, do not ask for eager execution.
func TestEagerWorkflowStartNotAsked(t *testing.T) {
	wl := newWireLog()
	e := newEnv(t, wl.dialOption())
	e.worker(worker.Options{}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Greet", func(_ workflow.Context, name string) (string, error) { return "hello " + name, nil }))
	})
	for _, opts := range []client.StartWorkflowOptions{
		{CronSchedule: "@every 1h"},
		{StartDelay: time.Hour},
		{TaskQueue: testenv.UniqueID("no-worker")},
	} {
		h := e.startOpts(opts, "Greet", "x")
		testenv.TerminateAtEnd(t, h)
		if f := wl.startFacts(t, h, ""); f.Asked || f.Eager {
			t.Errorf("start %+v: %+v, want no eager request", opts, f)
		}
	}
}

// TestEagerWorkflowStartReleasesUnusedSlot: a start that asks for eager
// execution but gets no task back (the workflow was running already and
// the conflict policy reuses it) gives the reserved slot back. The worker
// has three workflow task slots, two of which its pollers hold, so a
// later eager start is possible only if the slot came back.
func TestEagerWorkflowStartReleasesUnusedSlot(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		wl := newWireLog()
		e := newEnv(t, wl.dialOption())
		e.worker(worker.Options{CacheSize: cacheSize, WorkflowPollers: 2, MaxConcurrentWorkflowTasks: 3}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Greet", func(_ workflow.Context, name string) (string, error) { return "hello " + name, nil }))
			testenv.Must(t, w.RegisterWorkflow("Wait", func(ctx workflow.Context) (string, error) {
				var s string
				if err := workflow.SetSignalHandler(ctx, "go", func(_ workflow.Context, args converter.Values) error {
					return args.Get(0, &s)
				}, workflow.SignalOptions{}); err != nil {
					return "", err
				}
				err := workflow.Await(ctx, func() bool { return s != "" })
				return s, err
			}))
		})
		waiting := e.start("Wait")
		if f := wl.startFacts(t, waiting, ""); !f.Eager {
			t.Fatalf("first start: %+v, want an eager task", f)
		}
		// The duplicate asks as soon as the waiting workflow's first task
		// has given its slot back.
		testenv.Eventually(t, testenv.Context(t), "a duplicate start that asks for eager execution", func() (bool, error) {
			dup := e.startOpts(client.StartWorkflowOptions{ID: waiting.ID(), WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING}, "Wait")
			if dup.Started() {
				return false, fmt.Errorf("duplicate started a new run %s", dup.RunID())
			}
			wl.mu.Lock()
			defer wl.mu.Unlock()
			return wl.askedStart[waiting.ID()] > 1, nil // the first is the original start's
		})
		h := e.start("Greet", "again")
		if got := testenv.Result[string](t, h); got != "hello again" {
			t.Errorf("result %q", got)
		}
		if f := wl.startFacts(t, h, ""); !f.Asked || !f.Eager || f.Polled || !f.FirstTaskCompleted {
			t.Errorf("start after the unused reservation: %+v, want an eager task: the slot was not given back", f)
		}
		testenv.Must(t, waiting.Signal(testenv.Context(t), "go", "done"))
		if got := testenv.Result[string](t, waiting); got != "done" {
			t.Errorf("result %q", got)
		}
	})
}

// eagerActivityWorkflow runs Double once, then four at once (more than
// one completion may ask to run eagerly), then Remote, whose task queue
// is another worker's.
func eagerActivityWorkflow(ctx workflow.Context, remoteQueue string) (string, error) {
	opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
	a, err := workflow.ExecuteActivity[int](ctx, opts, "Double", 1).Get(ctx)
	if err != nil {
		return "", err
	}
	var fs []workflow.Future[int]
	for i := 2; i <= 5; i++ {
		fs = append(fs, workflow.ExecuteActivity[int](ctx, opts, "Double", i))
	}
	sum := a
	for _, f := range fs {
		n, err := f.Get(ctx)
		if err != nil {
			return "", err
		}
		sum += n
	}
	ropts := opts
	ropts.TaskQueue = remoteQueue
	r, err := workflow.ExecuteActivity[string](ctx, ropts, "Remote", sum).Get(ctx)
	if err != nil {
		return "", err
	}
	return r, nil
}

// TestEagerActivities: by default a completion that schedules activities
// on the worker's own task queue asks for up to three of them to run
// eagerly; they come back in the completion's response and run on the
// worker, and history records them started while the completion was
// in flight. An activity on another task queue, and every
// activity with DisableEagerActivities, goes through a poll.
func TestEagerActivities(t *testing.T) {
	cases := []struct {
		name                  string
		opts                  worker.Options
		eager, polled, remote int // Double eager and polled, Remote polled
	}{
		{"default", worker.Options{}, 4, 1, 1},
		{"disabled", worker.Options{DisableEagerActivities: true}, 0, 5, 1},
	}
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				wl := newWireLog()
				e := newEnv(t, wl.dialOption())
				remoteQueue := testenv.UniqueID("remote")
				testenv.StartWorker(t, e.c, remoteQueue, worker.Options{Logger: e.log}, func(w *worker.Worker) {
					testenv.Must(t, w.RegisterActivity("Remote", func(_ context.Context, n int) (string, error) { return fmt.Sprint("sum ", n), nil }))
				})
				opts := tc.opts
				opts.CacheSize = cacheSize
				e.worker(opts, func(w *worker.Worker) {
					testenv.Must(t, w.RegisterWorkflow("EagerActivities", eagerActivityWorkflow))
					testenv.Must(t, w.RegisterActivity("Double", func(_ context.Context, n int) (int, error) { return 2 * n, nil }))
				})
				h := e.start("EagerActivities", remoteQueue)
				if got := testenv.Result[string](t, h); got != "sum 30" {
					t.Errorf("result %q", got)
				}
				wl.mu.Lock()
				got := [5]int{wl.askedActivity["Double"], wl.eagerActivity["Double"], wl.polledActivity["Double"], wl.askedActivity["Remote"], wl.polledActivity["Remote"]}
				wl.mu.Unlock()
				if want := [5]int{tc.eager, tc.eager, tc.polled, 0, tc.remote}; got != want {
					t.Errorf("Double asked eager, delivered eagerly, polled; Remote asked eager, polled = %v, want %v", got, want)
				}
				evs := testenv.History(t, h)
				wl.mu.Lock()
				n := startedInRoundTrip(evs, wl.eagerRoundTrip)
				wl.mu.Unlock()
				if n != tc.eager {
					t.Errorf("%d activities started while the completion that scheduled them was in flight, want %d\nhistory:\n%s", n, tc.eager, testenv.FormatHistory(evs))
				}
			})
		}
	})
}

// startedInRoundTrip counts the activities whose ActivityTaskStarted
// event (written when they completed) has a time within the round trip
// of the workflow task completion that scheduled them and brought their
// tasks back (roundTrip, by activity ID): they started with no wait in
// the task queue, before the completing worker even had the answer.
func startedInRoundTrip(evs []*historypb.HistoryEvent, roundTrip map[string][2]time.Time) int {
	window := map[int64][2]time.Time{} // by scheduled event ID
	n := 0
	for _, e := range evs {
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
			if w, ok := roundTrip[a.GetActivityId()]; ok {
				window[e.EventId] = w
			}
		}
		if a := e.GetActivityTaskStartedEventAttributes(); a != nil {
			w, ok := window[a.GetScheduledEventId()]
			if at := e.GetEventTime().AsTime(); ok && !at.Before(w[0]) && !at.After(w[1]) {
				n++
			}
		}
	}
	return n
}
