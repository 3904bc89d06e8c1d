package worker_test

// Integration tests of the worker against a real Temporal dev server. One
// server serves the whole package (TestMain); TestServerRestart starts its
// own. Every scenario runs twice through testenv.ForEachCache: with the sticky
// cache (worker.DefaultCacheSize) and without it (CacheSize 0, so every
// workflow task replays the whole history).

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"

	"google.golang.org/grpc"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var srv *devserver.Server

func TestMain(m *testing.M) {
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
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
	log := testenv.Logger(t, slog.LevelInfo)
	e := &env{t: t, log: log, tq: testenv.UniqueID("tq-" + t.Name()), done: make(chan struct{})}
	e.c = testenv.Dial(t, srv, client.Options{Logger: log, GRPCDialOptions: dialOpts})
	return e
}

// worker starts a fresh worker on the env's task queue with the given
// cache size after register has registered its workflows and activities;
// it stops when the test ends, after release.
func (e *env) worker(opts worker.Options, register func(w *worker.Worker)) *worker.Worker {
	e.t.Helper()
	if opts.Logger == nil {
		opts.Logger = e.log
	}
	w := testenv.StartWorker(e.t, e.c, e.tq, opts, register)
	e.t.Cleanup(e.release)
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
	return testenv.Start(e.t, e.c, e.tq, opts, workflowType, args...)
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
