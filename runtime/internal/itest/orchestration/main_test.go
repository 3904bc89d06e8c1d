package orchestration_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
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
	log := testenv.Logger(t, slog.LevelWarn)
	e := &env{t: t, log: log, tq: testenv.UniqueID("tq-" + t.Name()), cacheSize: cacheSize, done: make(chan struct{})}
	e.c = testenv.Dial(t, srv, client.Options{Logger: log})
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
	w := testenv.StartWorker(e.t, e.c, tq, opts, register)
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
	h := testenv.Start(e.t, e.c, e.tq, opts, workflowType, args...)
	testenv.TerminateAtEnd(e.t, h)
	return h
}

// waitFor polls cond until it returns true; it fails the test after
// testenv.WaitTimeout with the last error cond returned.
func waitFor(t *testing.T, what string, cond func(ctx context.Context) (bool, error)) {
	t.Helper()
	ctx := testenv.Context(t)
	testenv.Eventually(t, ctx, what, func() (bool, error) { return cond(ctx) })
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
	d, err := h.Describe(testenv.Context(t))
	if err != nil {
		t.Fatal(err)
	}
	return d.Status
}

// settled is a waitHistory condition: n events of type et exist and the
// workflow is idle (its last workflow task completed and no other is
// scheduled), so it processed them and waits for something else.
func settled(et enumspb.EventType, n int) func([]*historypb.HistoryEvent) bool {
	return func(evs []*historypb.HistoryEvent) bool {
		return testenv.Count(evs, et) == n && idle(evs)
	}
}

// idle reports whether the last workflow task completed and no workflow
// task is scheduled after it.
func idle(evs []*historypb.HistoryEvent) bool {
	c := testenv.IndexOfLast(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
	return c >= 0 && c > testenv.IndexOfLast(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
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
