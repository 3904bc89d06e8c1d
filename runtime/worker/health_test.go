package worker_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// rpcRecorder counts the worker's gRPC calls by method name and reports
// when a long poll ends because the worker cancelled it.
type rpcRecorder struct {
	mu           sync.Mutex
	calls        map[string]int
	pollCanceled chan struct{}
	once         sync.Once
}

func newRPCRecorder() *rpcRecorder {
	return &rpcRecorder{calls: make(map[string]int), pollCanceled: make(chan struct{})}
}

func (r *rpcRecorder) dialOption() grpc.DialOption {
	return grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		err := invoker(ctx, method, req, reply, cc, opts...)
		name := method[strings.LastIndex(method, "/")+1:]
		r.mu.Lock()
		r.calls[name]++
		r.mu.Unlock()
		if strings.HasPrefix(name, "PollWorkflowTaskQueue") && status.Code(err) == codes.Canceled {
			r.once.Do(func() { close(r.pollCanceled) })
		}
		return err
	})
}

func (r *rpcRecorder) count(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[name]
}

// busyLoopWorkflow is deliberately bad workflow code: it runs for 3s
// without yielding.
func busyLoopWorkflow(ctx workflow.Context) (string, error) {
	start := time.Now()
	for time.Since(start) < 3*time.Second {
	}
	return "finished", nil
}

func TestDeadlockDetection(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("BusyLoop", busyLoopWorkflow))
			testenv.Must(t, w.RegisterWorkflow("Quick", func(ctx workflow.Context) (string, error) {
				if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
					return "", err
				}
				return "quick", nil
			}))
		})
		stuck := e.start("BusyLoop")
		testenv.TerminateAtEnd(t, stuck)
		evs := testenv.WaitHistory(t, stuck, "a failed workflow task", testenv.HasEvent(enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED))
		f := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED).GetWorkflowTaskFailedEventAttributes()
		msg := f.GetFailure().GetMessage() + "\n" + f.GetFailure().GetStackTrace()
		for _, s := range []string{"[TMPRL1101]", "busyLoopWorkflow"} {
			if !strings.Contains(msg, s) {
				t.Errorf("workflow task failure does not mention %q:\n%s", s, msg)
			}
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED); n != 0 {
			t.Errorf("the deadlocked workflow completed")
		}

		// The worker stays healthy.
		if got := testenv.Result[string](t, e.start("Quick")); got != "quick" {
			t.Errorf("Quick = %q", got)
		}
	})
}

func TestWorkerStopIsGraceful(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		rec := newRPCRecorder()
		e := newEnv(t, rec.dialOption())
		wfStarted, actStarted := make(chan struct{}), make(chan struct{})
		releaseWF, releaseAct := make(chan struct{}), make(chan struct{})
		var wfOnce, actOnce sync.Once
		var wfFinished, actFinished atomic.Bool
		w := e.worker(worker.Options{CacheSize: cacheSize, DeadlockTimeout: time.Minute}, func(w *worker.Worker) {
			// Holds its first workflow task until the test releases it.
			testenv.Must(t, w.RegisterWorkflow("HoldsTask", func(ctx workflow.Context) (string, error) {
				wfOnce.Do(func() { close(wfStarted) })
				select {
				case <-releaseWF:
				case <-e.done:
				}
				wfFinished.Store(true)
				return "released", nil
			}))
			testenv.Must(t, w.RegisterWorkflow("RunsActivity", func(ctx workflow.Context) (string, error) {
				return workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute}, "Holds").Get(ctx)
			}))
			testenv.Must(t, w.RegisterActivity("Holds", func(ctx context.Context) (string, error) {
				actOnce.Do(func() { close(actStarted) })
				select {
				case <-releaseAct:
				case <-e.done:
				}
				actFinished.Store(true)
				return "released", nil
			}))
		})
		ctx := testenv.Context(t)
		wait := func(ch <-chan struct{}, what string) {
			t.Helper()
			select {
			case <-ch:
			case <-ctx.Done():
				t.Fatalf("timed out waiting for %s", what)
			}
		}
		holder := e.start("HoldsTask")
		runner := e.start("RunsActivity")
		testenv.TerminateAtEnd(t, runner)
		wait(wfStarted, "the workflow task to start")
		wait(actStarted, "the activity to start")

		stopped := make(chan [2]bool, 1)
		go func() {
			w.Stop()
			stopped <- [2]bool{wfFinished.Load(), actFinished.Load()}
		}()
		// Stop has cancelled the long polls: it is under way.
		wait(rec.pollCanceled, "Stop to cancel the workflow task polls")
		select {
		case <-stopped:
			t.Fatal("Stop returned while a workflow task and an activity were in flight")
		default:
		}
		close(releaseWF)
		close(releaseAct)
		var fin [2]bool
		select {
		case fin = <-stopped:
		case <-ctx.Done():
			t.Fatal("Stop did not return after the in-flight work finished")
		}
		if !fin[0] || !fin[1] {
			t.Errorf("when Stop returned: workflow task finished %v, activity finished %v; want both", fin[0], fin[1])
		}
		// Their results reached the server before Stop returned.
		if evs := testenv.History(t, holder); testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) != 1 {
			t.Errorf("held workflow task was not completed before Stop returned; history:\n%s", testenv.FormatHistory(evs))
		}
		if evs := testenv.History(t, runner); testenv.Count(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) != 1 {
			t.Errorf("held activity was not completed before Stop returned; history:\n%s", testenv.FormatHistory(evs))
		}

		// A second Stop is a no-op.
		polls := rec.count("PollWorkflowTaskQueue") + rec.count("PollActivityTaskQueue")
		again := make(chan error, 1)
		go func() { again <- w.StopContext(ctx) }()
		select {
		case err := <-again:
			if err != nil {
				t.Errorf("second StopContext: %v", err)
			}
		case <-ctx.Done():
			t.Fatal("second Stop did not return")
		}
		w.Stop()
		if n := rec.count("PollWorkflowTaskQueue") + rec.count("PollActivityTaskQueue"); n != polls {
			t.Errorf("the worker polled %d more times after Stop", n-polls)
		}
	})
}

func TestUnknownWorkflowType(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		rec := newRPCRecorder()
		e := newEnv(t, rec.dialOption())
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Known", func(ctx workflow.Context) error { return nil }))
			testenv.Must(t, w.RegisterWorkflow("AlsoKnown", func(ctx workflow.Context) error { return nil }))
		})
		h := e.startOpts(client.StartWorkflowOptions{WorkflowTaskTimeout: time.Second}, "Nobody")
		testenv.TerminateAtEnd(t, h)

		// Wait until the server has moved past attempt 2: the worker has
		// received the retried task and, as designed, not reported it.
		ctx := testenv.Context(t)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			resp, err := e.c.WorkflowService().DescribeWorkflowExecution(ctx, &workflowservice.DescribeWorkflowExecutionRequest{
				Namespace: e.c.Namespace(),
				Execution: &commonpb.WorkflowExecution{WorkflowId: h.ID(), RunId: h.RunID()},
			})
			if err == nil && resp.GetPendingWorkflowTask().GetAttempt() >= 3 {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("workflow task never reached attempt 3 (last: %v, %v)", resp.GetPendingWorkflowTask(), err)
			case <-tick.C:
			}
		}

		evs := testenv.History(t, h)
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 1 {
			t.Fatalf("%d WorkflowTaskFailed events, want 1; history:\n%s", n, testenv.FormatHistory(evs))
		}
		if n := rec.count("RespondWorkflowTaskFailed"); n != 1 {
			t.Errorf("worker reported %d workflow task failures, want 1 (attempt 1 only)", n)
		}
		f := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED).GetWorkflowTaskFailedEventAttributes()
		msg := f.GetFailure().GetMessage()
		for _, s := range []string{`"Nobody"`, "not registered", "AlsoKnown, Known"} {
			if !strings.Contains(msg, s) {
				t.Errorf("failure message %q does not contain %q", msg, s)
			}
		}
	})
}

// TestServerRestart runs its own server, stops and restarts it between two
// workflows: the worker's pollers retry until the server is back.
func TestServerRestart(t *testing.T) {
	own, err := devserver.Start(devserver.Options{DBFile: filepath.Join(t.TempDir(), "db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = own.Stop() })
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		log := testenv.Logger(t, slog.LevelInfo)
		c := testenv.Dial(t, own, client.Options{Logger: log})
		tq := testenv.UniqueID("tq-" + t.Name())
		done := make(chan struct{})
		var once sync.Once
		testenv.StartWorker(t, c, tq, worker.Options{CacheSize: cacheSize, Logger: log}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Evolving", activityThenTimer))
			testenv.Must(t, w.RegisterActivity("Echo", echo))
		})
		t.Cleanup(func() { once.Do(func() { close(done) }) })
		run := func() {
			t.Helper()
			ctx := testenv.Context(t)
			var h *client.WorkflowHandle
			for {
				var err error
				h, err = c.StartWorkflow(ctx, client.StartWorkflowOptions{ID: testenv.UniqueID("restart"), TaskQueue: tq}, "Evolving", 100*time.Millisecond)
				if err == nil {
					break
				}
				if ctx.Err() != nil {
					t.Fatalf("start after restart: %v", err)
				}
				t.Logf("start failed, retrying: %v", err)
				select {
				case <-ctx.Done():
				case <-time.After(200 * time.Millisecond):
				}
			}
			if got := testenv.Result[string](t, h); got != "echo a" {
				t.Errorf("result %q", got)
			}
		}
		run()
		if err := own.Stop(); err != nil {
			t.Fatal(err)
		}
		if err := own.Restart(); err != nil {
			t.Fatal(err)
		}
		run()
	})
}

func TestWorkerStartErrors(t *testing.T) {
	e := newEnv(t)
	empty := worker.New(e.c, e.tq, worker.Options{Logger: e.log})
	if err := empty.Start(); err == nil || !strings.Contains(err.Error(), "nothing registered") {
		t.Errorf("Start with nothing registered = %v, want an error saying so", err)
	}
	empty.Stop() // never started: a no-op

	w := worker.New(e.c, e.tq, worker.Options{Logger: e.log})
	testenv.Must(t, w.RegisterWorkflow("Known", func(ctx workflow.Context) error { return nil }))
	if err := w.RegisterWorkflow("Known", func(ctx workflow.Context) error { return nil }); err == nil {
		t.Errorf("registering a workflow type twice succeeded")
	}
	if err := w.RegisterWorkflow("BadSignature", func(s string) error { return nil }); err == nil {
		t.Errorf("registering a workflow without a workflow.Context parameter succeeded")
	}
	if err := w.RegisterWorkflow("BadResults", func(ctx workflow.Context) (int, string) { return 0, "" }); err == nil {
		t.Errorf("registering a workflow with results (int, string) succeeded")
	}
	testenv.Must(t, w.Start())
	t.Cleanup(w.Stop)
	if err := w.Start(); err == nil {
		t.Errorf("second Start succeeded")
	}
}
