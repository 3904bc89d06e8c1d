package conformance

// The harness: one dev server for the package, and an env per subtest with
// its own client, task queue and restartable worker. Every scenario runs
// through each(), once with the sticky cache (worker.DefaultCacheSize) and
// once with CacheSize 0 (every workflow task replays the whole history).

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var srv *devserver.Server

// Custom search attributes registered with the dev server.
const (
	saKeyword     = "ConfKeyword"
	saInt         = "ConfInt"
	saKeywordList = "ConfKeywordList"
)

var (
	keyKeyword     = temporal.NewSearchAttributeKeyKeyword(saKeyword)
	keyInt         = temporal.NewSearchAttributeKeyInt(saInt)
	keyKeywordList = temporal.NewSearchAttributeKeyKeywordList(saKeywordList)
)

func TestMain(m *testing.M) {
	os.Exit(devserver.RunMain(m, devserver.Options{
		SearchAttributes: map[string]string{
			saKeyword:     "Keyword",
			saInt:         "Int",
			saKeywordList: "KeywordList",
		},
		DynamicConfig: map[string]string{
			"frontend.enableExecuteMultiOperation": "true",
		},
	}, func(s *devserver.Server) { srv = s }))
}

// scenarioTimeout bounds one subtest; every wait derives from it.
const scenarioTimeout = 2 * time.Minute

// each runs fn as parallel subtests, one per cache mode.
func each(t *testing.T, fn func(t *testing.T, e *env)) { eachWith(t, client.Options{}, fn) }

// eachWith is each with client options (data and failure converters);
// the env's workers use the client's converters.
func eachWith(t *testing.T, copts client.Options, fn func(t *testing.T, e *env)) {
	t.Helper()
	testenv.ForEachCacheParallel(t, func(t *testing.T, cacheSize int) { fn(t, newEnv(t, cacheSize, copts)) })
}

// env is one subtest's world.
type env struct {
	t         *testing.T
	ctx       context.Context
	c         *client.Client
	tq        string
	cacheSize int
	logs      *testenv.LogBuffer
	// done is closed when the test ends, before workers stop, so that
	// activities blocked on it return.
	done     chan struct{}
	doneOnce sync.Once

	mu       sync.Mutex
	register func(w *worker.Worker)
	wopts    worker.Options
	w        *worker.Worker
}

func newEnv(t *testing.T, cacheSize int, copts client.Options) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), scenarioTimeout)
	t.Cleanup(cancel)
	logs := &testenv.LogBuffer{}
	copts.HostPort, copts.Namespace = srv.Address(), srv.Namespace()
	if copts.Logger == nil {
		copts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	c, err := client.Dial(ctx, copts)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, c: c, cacheSize: cacheSize, logs: logs, done: make(chan struct{}),
		tq: testenv.UniqueID("tq-" + t.Name())}
	t.Cleanup(func() {
		e.release()
		e.stopWorker()
		_ = c.Close()
		if t.Failed() {
			t.Logf("logs:\n%s", logs.String())
		}
	})
	return e
}

func (e *env) release() { e.doneOnce.Do(func() { close(e.done) }) }

// worker starts a worker on the env's task queue with the env's cache
// size; register registers its workflows and activities. The same
// registration is used by restartWorker.
func (e *env) worker(register func(w *worker.Worker)) *worker.Worker {
	return e.workerOpts(worker.Options{}, register)
}

func (e *env) workerOpts(opts worker.Options, register func(w *worker.Worker)) *worker.Worker {
	e.t.Helper()
	e.mu.Lock()
	e.register, e.wopts = register, opts
	e.mu.Unlock()
	return e.restartWorker()
}

// restartWorker stops the running worker and starts a new one (with an
// empty cache).
func (e *env) restartWorker() *worker.Worker {
	e.t.Helper()
	e.stopWorker()
	e.mu.Lock()
	defer e.mu.Unlock()
	opts := e.wopts
	opts.CacheSize = e.cacheSize
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	w := worker.New(e.c, e.tq, opts)
	e.register(w)
	if err := w.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.w = w
	return w
}

// stopWorker stops the running worker, if any.
func (e *env) stopWorker() {
	e.mu.Lock()
	w := e.w
	e.w = nil
	e.mu.Unlock()
	if w != nil {
		w.Stop()
	}
}

// start starts a workflow with a unique id on the env's task queue.
func (e *env) start(workflowType string, args ...any) *client.WorkflowHandle {
	e.t.Helper()
	return e.startOpts(client.StartWorkflowOptions{}, workflowType, args...)
}

func (e *env) startOpts(opts client.StartWorkflowOptions, workflowType string, args ...any) *client.WorkflowHandle {
	e.t.Helper()
	if opts.ID == "" {
		opts.ID = testenv.UniqueID(e.t.Name() + "-" + workflowType)
	}
	if opts.TaskQueue == "" {
		opts.TaskQueue = e.tq
	}
	h, err := e.c.StartWorkflow(e.ctx, opts, workflowType, args...)
	if err != nil {
		e.t.Fatalf("start %s: %v", workflowType, err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.c.GetWorkflow(h.ID(), "").Terminate(ctx, "test over")
	})
	return h
}

// result waits for the workflow's result.
func result[T any](e *env, h *client.WorkflowHandle) T {
	e.t.Helper()
	v, err := client.Result[T](e.ctx, h)
	if err != nil {
		e.t.Fatalf("workflow %s: %v\nhistory:\n%s", h.ID(), err, testenv.DumpHistory(h))
	}
	return v
}

// resultErr waits for the workflow and returns its result and error.
func resultErr[T any](e *env, h *client.WorkflowHandle) (T, error) { return client.Result[T](e.ctx, h) }

// history returns the events recorded so far.
func (e *env) history(h *client.WorkflowHandle) []*historypb.HistoryEvent {
	e.t.Helper()
	hist, err := h.FetchHistory(e.ctx)
	if err != nil {
		e.t.Fatalf("history of %s: %v", h.ID(), err)
	}
	return hist.GetEvents()
}

// eventually polls cond until it holds, failing the test at the env's
// deadline.
func (e *env) eventually(what string, cond func() (bool, error)) {
	e.t.Helper()
	testenv.Eventually(e.t, e.ctx, what, cond)
}

// waitEvent waits until h's history has an event of type et and returns
// the whole history.
func (e *env) waitEvent(h *client.WorkflowHandle, et enumspb.EventType) []*historypb.HistoryEvent {
	e.t.Helper()
	var evs []*historypb.HistoryEvent
	e.eventually(et.String(), func() (bool, error) {
		hist, err := h.FetchHistory(e.ctx)
		if err != nil {
			return false, err
		}
		evs = hist.GetEvents()
		return testenv.Count(evs, et) > 0, nil
	})
	return evs
}

// all returns the events of type et.
func all(evs []*historypb.HistoryEvent, et enumspb.EventType) []*historypb.HistoryEvent {
	var out []*historypb.HistoryEvent
	for _, ev := range evs {
		if ev.EventType == et {
			out = append(out, ev)
		}
	}
	return out
}

// wait blocks until ctx is done or the test ends.
func (e *env) wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-e.done:
		return errors.New("test over")
	}
}

// arg decodes handler argument i.
func arg[T any](args converter.Values, i int) T {
	var v T
	_ = args.Get(i, &v)
	return v
}
