package worker_test

// Integration tests of the worker against a real Temporal dev server. One
// server serves the whole package (TestMain); TestServerRestart starts its
// own. Every scenario runs twice through forEachCache: with the sticky
// cache (worker.DefaultCacheSize) and without it (CacheSize 0, so every
// workflow task replays the whole history).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/grpc"

	"github.com/temporalgen/temporalgen/internal/devserver"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var srv *devserver.Server

func TestMain(m *testing.M) {
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
}

// waitTimeout bounds every wait of a test.
const waitTimeout = 60 * time.Second

// testCtx returns a context that ends after waitTimeout or with the test.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// forEachCache runs fn as two subtests: with the sticky cache and without
// it (full replay on every task).
func forEachCache(t *testing.T, fn func(t *testing.T, cacheSize int)) {
	t.Helper()
	for _, tc := range []struct {
		name string
		size int
	}{{"cache", worker.DefaultCacheSize}, {"nocache", 0}} {
		t.Run(tc.name, func(t *testing.T) { fn(t, tc.size) })
	}
}

// testLogger returns a logger that writes to t.Log until the test ends
// (worker goroutines, e.g. abandoned deadlocked coroutines, may outlive
// it). Register it before anything that logs, so that its cleanup runs
// last.
func testLogger(t *testing.T) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type testWriter struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// dialServer connects a new client to s, closed when the test ends.
func dialServer(t *testing.T, s *devserver.Server, log *slog.Logger, dialOpts ...grpc.DialOption) *client.Client {
	t.Helper()
	c, err := client.Dial(testCtx(t), client.Options{
		HostPort:        s.Address(),
		Namespace:       s.Namespace(),
		Logger:          log,
		GRPCDialOptions: dialOpts,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// env is one subtest's world: a client, a task queue of its own, and a
// channel closed when the test ends, before the worker stops, so that
// activities blocked on it return.
type env struct {
	t        *testing.T
	c        *client.Client
	log      *slog.Logger
	tq       string
	done     chan struct{}
	doneOnce sync.Once
}

// release closes done (once).
func (e *env) release() { e.doneOnce.Do(func() { close(e.done) }) }

func newEnv(t *testing.T, dialOpts ...grpc.DialOption) *env {
	t.Helper()
	log := testLogger(t)
	e := &env{t: t, log: log, tq: uniqueID("tq-" + t.Name()), done: make(chan struct{})}
	e.c = dialServer(t, srv, log, dialOpts...)
	return e
}

// worker starts a fresh worker on the env's task queue with the given
// cache size after register has registered its workflows and activities;
// it stops when the test ends.
func (e *env) worker(opts worker.Options, register func(w *worker.Worker)) *worker.Worker {
	e.t.Helper()
	return startWorker(e.t, e.c, e.tq, opts, e.log, e.release, register)
}

// startWorker starts a worker and arranges for it to stop at the end of the
// test, after calling release (which must be idempotent).
func startWorker(t *testing.T, c *client.Client, tq string, opts worker.Options, log *slog.Logger, release func(), register func(w *worker.Worker)) *worker.Worker {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = log
	}
	w := worker.New(c, tq, opts)
	register(w)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	t.Cleanup(release)
	return w
}

type workflowHandle = *client.WorkflowHandle

// start starts a workflow on the env's task queue.
func (e *env) start(workflowType string, args ...any) *client.WorkflowHandle {
	e.t.Helper()
	return e.startOpts(client.StartWorkflowOptions{}, workflowType, args...)
}

func (e *env) startOpts(opts client.StartWorkflowOptions, workflowType string, args ...any) *client.WorkflowHandle {
	e.t.Helper()
	if opts.ID == "" {
		opts.ID = uniqueID(workflowType)
	}
	if opts.TaskQueue == "" {
		opts.TaskQueue = e.tq
	}
	h, err := e.c.StartWorkflow(testCtx(e.t), opts, workflowType, args...)
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

// terminateAtEnd terminates h's workflow when the test ends, if it is
// still running.
func terminateAtEnd(t *testing.T, h *client.WorkflowHandle) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = h.Terminate(ctx, "test over")
	})
}

// result waits for the workflow's result.
func result[T any](t *testing.T, h *client.WorkflowHandle) T {
	t.Helper()
	v, err := client.Result[T](testCtx(t), h)
	if err != nil {
		t.Fatalf("workflow %s: %v\nhistory:\n%s", h.ID(), err, dumpHistory(t, h))
	}
	return v
}

func uniqueID(prefix string) string {
	return fmt.Sprintf("%s-%08x", strings.NewReplacer("/", "-", " ", "_").Replace(prefix), rand.Uint32())
}

// history returns the events recorded so far.
func history(t *testing.T, h *client.WorkflowHandle) []*historypb.HistoryEvent {
	t.Helper()
	hist, err := h.FetchHistory(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return hist.GetEvents()
}

// waitHistory polls h's history until cond holds and returns it; it fails
// the test after waitTimeout.
func waitHistory(t *testing.T, h *client.WorkflowHandle, what string, cond func([]*historypb.HistoryEvent) bool) []*historypb.HistoryEvent {
	t.Helper()
	ctx := testCtx(t)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		hist, err := h.FetchHistory(ctx)
		if err == nil && cond(hist.GetEvents()) {
			return hist.GetEvents()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("workflow %s: timed out waiting for %s (last error %v); history:\n%s", h.ID(), what, err, formatHistory(hist.GetEvents()))
		case <-tick.C:
		}
	}
}

// hasEvent is a waitHistory condition: an event of type et exists.
func hasEvent(et enumspb.EventType) func([]*historypb.HistoryEvent) bool {
	return func(evs []*historypb.HistoryEvent) bool { return count(evs, et) > 0 }
}

func count(evs []*historypb.HistoryEvent, et enumspb.EventType) int {
	n := 0
	for _, e := range evs {
		if e.EventType == et {
			n++
		}
	}
	return n
}

// first returns the first event of type et, or nil.
func first(evs []*historypb.HistoryEvent, et enumspb.EventType) *historypb.HistoryEvent {
	for _, e := range evs {
		if e.EventType == et {
			return e
		}
	}
	return nil
}

// indexOf returns the index of the first event of type et, or -1.
func indexOf(evs []*historypb.HistoryEvent, et enumspb.EventType) int {
	for i, e := range evs {
		if e.EventType == et {
			return i
		}
	}
	return -1
}

func formatHistory(evs []*historypb.HistoryEvent) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "  %3d %s", e.EventId, strings.TrimPrefix(e.EventType.String(), "EVENT_TYPE_"))
		if a := e.GetWorkflowTaskFailedEventAttributes(); a != nil {
			fmt.Fprintf(&b, " cause=%s msg=%.300q", a.Cause, a.GetFailure().GetMessage())
		}
		if a := e.GetWorkflowExecutionFailedEventAttributes(); a != nil {
			fmt.Fprintf(&b, " msg=%.300q", a.GetFailure().GetMessage())
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func dumpHistory(t *testing.T, h *client.WorkflowHandle) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hist, err := h.FetchHistory(ctx)
	if err != nil {
		return "(history unavailable: " + err.Error() + ")"
	}
	return formatHistory(hist.GetEvents())
}

// errSummary is what workflow code learned about an error, returned as the
// workflow result so that the test can check it.
type errSummary struct {
	Nil           bool
	Message       string
	Canceled      bool // temporal.IsCanceledError
	ActivityError bool
	ActivityType  string
	RetryState    string
	AppErrType    string
	AppErrMessage string
	TimeoutType   string
}

func summarize(err error) errSummary {
	if err == nil {
		return errSummary{Nil: true}
	}
	s := errSummary{Message: err.Error(), Canceled: temporal.IsCanceledError(err)}
	var ae *temporal.ActivityError
	if errors.As(err, &ae) {
		s.ActivityError = true
		s.ActivityType = ae.ActivityType()
		s.RetryState = ae.RetryState().String()
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		s.AppErrType, s.AppErrMessage = app.Type(), app.Message()
	}
	var te *temporal.TimeoutError
	if errors.As(err, &te) {
		s.TimeoutType = te.TimeoutType().String()
	}
	return s
}

// blockUntilDone blocks until ctx is done or the test ends.
func (e *env) blockUntilDone(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-e.done:
		return errors.New("test over")
	}
}
