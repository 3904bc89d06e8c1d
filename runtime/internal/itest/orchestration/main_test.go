package orchestration_test

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

	"github.com/temporalgen/temporalgen/internal/devserver"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var srv *devserver.Server

// Custom search attributes registered with the dev server, one per type.
const (
	saKeyword     = "OrchKeyword"
	saText        = "OrchText"
	saInt         = "OrchInt"
	saDouble      = "OrchDouble"
	saBool        = "OrchBool"
	saDatetime    = "OrchDatetime"
	saKeywordList = "OrchKeywordList"
)

var (
	keyKeyword     = temporal.NewSearchAttributeKeyKeyword(saKeyword)
	keyText        = temporal.NewSearchAttributeKeyText(saText)
	keyInt         = temporal.NewSearchAttributeKeyInt(saInt)
	keyDouble      = temporal.NewSearchAttributeKeyDouble(saDouble)
	keyBool        = temporal.NewSearchAttributeKeyBool(saBool)
	keyDatetime    = temporal.NewSearchAttributeKeyDatetime(saDatetime)
	keyKeywordList = temporal.NewSearchAttributeKeyKeywordList(saKeywordList)
)

func TestMain(m *testing.M) {
	os.Exit(devserver.RunMain(m, devserver.Options{SearchAttributes: map[string]string{
		saKeyword:     "Keyword",
		saText:        "Text",
		saInt:         "Int",
		saDouble:      "Double",
		saBool:        "Bool",
		saDatetime:    "Datetime",
		saKeywordList: "KeywordList",
	}, DynamicConfig: map[string]string{
		// Small, so that TestInfoContinueAsNewSuggested gets there fast.
		"limit.historyCount.suggestContinueAsNew": fmt.Sprint(suggestCANAt),
	}}, func(s *devserver.Server) { srv = s }))
}

// suggestCANAt is the history length from which the server suggests
// continue-as-new.
const suggestCANAt = 60

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

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// testLogger returns a logger that writes to t.Log until the test ends.
func testLogger(t *testing.T) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
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

// env is one subtest's world: a client, a task queue of its own, and a
// channel closed when the test ends, before the workers stop, so that
// activities blocked on it return.
type env struct {
	t         *testing.T
	c         *client.Client
	log       *slog.Logger
	tq        string
	cacheSize int
	done      chan struct{}
	doneOnce  sync.Once
}

func (e *env) release() { e.doneOnce.Do(func() { close(e.done) }) }

func newEnv(t *testing.T, cacheSize int) *env {
	t.Helper()
	log := testLogger(t)
	e := &env{t: t, log: log, tq: uniqueID("tq-" + t.Name()), cacheSize: cacheSize, done: make(chan struct{})}
	c, err := client.Dial(testCtx(t), client.Options{HostPort: srv.Address(), Namespace: srv.Namespace(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	e.c = c
	return e
}

// worker starts a worker on the env's task queue with the env's cache
// size; it stops when the test ends (or earlier, by the caller).
func (e *env) worker(register func(w *worker.Worker)) *worker.Worker {
	e.t.Helper()
	return e.workerOn(e.tq, worker.Options{}, register)
}

// workerOn starts a worker on tq with opts (CacheSize and Logger filled
// in from the env).
func (e *env) workerOn(tq string, opts worker.Options, register func(w *worker.Worker)) *worker.Worker {
	e.t.Helper()
	opts.CacheSize = e.cacheSize
	if opts.Logger == nil {
		opts.Logger = e.log
	}
	w := worker.New(e.c, tq, opts)
	register(w)
	if err := w.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(w.Stop)
	e.t.Cleanup(e.release)
	return w
}

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
	terminateAtEnd(e.t, h)
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
		t.Fatalf("workflow %s: %v\nhistory:\n%s", h.ID(), err, dumpHistory(h))
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
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		hist, err := h.FetchHistory(ctx)
		if err == nil && cond(hist.GetEvents()) {
			return hist.GetEvents()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("workflow %s: timed out waiting for %s (last error %v); history:\n%s", h.ID(), what, err, dumpHistory(h))
		case <-tick.C:
		}
	}
}

// waitFor polls cond until it returns true; it fails the test after
// waitTimeout with the last error cond returned.
func waitFor(t *testing.T, what string, cond func(ctx context.Context) (bool, error)) {
	t.Helper()
	ctx := testCtx(t)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond(ctx)
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s (last error %v)", what, err)
		case <-tick.C:
		}
	}
}

// waitStatus polls Describe until the workflow has status st.
func waitStatus(t *testing.T, h *client.WorkflowHandle, st enumspb.WorkflowExecutionStatus) {
	t.Helper()
	waitFor(t, fmt.Sprintf("workflow %s to be %s", h.ID(), st), func(ctx context.Context) (bool, error) {
		d, err := h.Describe(ctx)
		if err != nil {
			return false, err
		}
		return d.Status == st, fmt.Errorf("status %s", d.Status)
	})
}

// status returns the workflow's current status.
func status(t *testing.T, h *client.WorkflowHandle) enumspb.WorkflowExecutionStatus {
	t.Helper()
	d, err := h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return d.Status
}

// hasEvent is a waitHistory condition: an event of type et exists.
func hasEvent(et enumspb.EventType) func([]*historypb.HistoryEvent) bool {
	return func(evs []*historypb.HistoryEvent) bool { return count(evs, et) > 0 }
}

// settled is a waitHistory condition: n events of type et exist and the
// workflow is idle (its last workflow task completed and no other is
// scheduled), so it processed them and waits for something else.
func settled(et enumspb.EventType, n int) func([]*historypb.HistoryEvent) bool {
	return func(evs []*historypb.HistoryEvent) bool {
		return count(evs, et) == n && idle(evs)
	}
}

// idle reports whether the last workflow task completed and no workflow
// task is scheduled after it.
func idle(evs []*historypb.HistoryEvent) bool {
	c := indexOfLast(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
	return c >= 0 && c > indexOfLast(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
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

// indexOfLast returns the index of the last event of type et, or -1.
func indexOfLast(evs []*historypb.HistoryEvent, et enumspb.EventType) int {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].EventType == et {
			return i
		}
	}
	return -1
}

// markers returns the MarkerRecorded events named name.
func markers(evs []*historypb.HistoryEvent, name string) []*historypb.HistoryEvent {
	var out []*historypb.HistoryEvent
	for _, e := range evs {
		if a := e.GetMarkerRecordedEventAttributes(); a != nil && a.MarkerName == name {
			out = append(out, e)
		}
	}
	return out
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
		if a := e.GetMarkerRecordedEventAttributes(); a != nil {
			fmt.Fprintf(&b, " %s", a.MarkerName)
		}
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
			fmt.Fprintf(&b, " %s", a.GetActivityType().GetName())
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func dumpHistory(h *client.WorkflowHandle) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hist, err := h.FetchHistory(ctx)
	if err != nil {
		return "(history unavailable: " + err.Error() + ")"
	}
	return formatHistory(hist.GetEvents())
}

// errSummary is what workflow code learned about an error, returned as
// (part of) the workflow result so that the test can check it.
type errSummary struct {
	Nil           bool
	Message       string
	Canceled      bool // temporal.IsCanceledError
	ActivityError bool
	ActivityType  string
	AppErrType    string
	AppErrMessage string
	TimeoutType   string
	Terminated    bool

	ChildError        bool
	ChildWorkflowID   string
	ChildWorkflowType string
	ChildRunID        string

	StartError     bool
	AlreadyStarted bool
	StartErrID     string

	ExternalError bool
	ExternalOp    string
	NotFound      bool
	ExternalCause string
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
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		s.AppErrType, s.AppErrMessage = app.Type(), app.Message()
	}
	var te *temporal.TimeoutError
	if errors.As(err, &te) {
		s.TimeoutType = te.TimeoutType().String()
	}
	var term *temporal.TerminatedError
	s.Terminated = errors.As(err, &term)
	var ce *temporal.ChildWorkflowError
	if errors.As(err, &ce) {
		s.ChildError = true
		s.ChildWorkflowID, s.ChildWorkflowType, s.ChildRunID = ce.WorkflowID(), ce.WorkflowType(), ce.RunID()
	}
	var se *temporal.ChildWorkflowStartError
	if errors.As(err, &se) {
		s.StartError, s.AlreadyStarted, s.StartErrID = true, se.AlreadyStarted(), se.WorkflowID
	}
	var ee *temporal.ExternalWorkflowError
	if errors.As(err, &ee) {
		s.ExternalError, s.ExternalOp, s.NotFound, s.ExternalCause = true, ee.Op, ee.NotFound(), ee.Cause
	}
	return s
}
