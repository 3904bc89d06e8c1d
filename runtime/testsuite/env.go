package testsuite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"

	actapi "github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
	"github.com/temporalgen/temporalgen/runtime/internal/coro"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/gopool"
	"github.com/temporalgen/temporalgen/runtime/internal/wfreg"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// DefaultStartTime is the virtual time an environment starts at unless
// Options.StartTime says otherwise.
var defaultStartTime = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// Options configure an Env. The zero value is a time-skipping environment
// starting at 2026-01-01T00:00:00Z with the default converters.
type Options struct {
	// StartTime is the virtual time the environment starts at.
	StartTime time.Time
	// RealTime makes the clock follow real time: timers take as long as
	// they say. By default time jumps to the next timer whenever every
	// workflow is blocked.
	RealTime bool
	// Namespace and TaskQueue are what workflows see in their info
	// (default "default" and "testsuite").
	Namespace string
	TaskQueue string
	// DataConverter and FailureConverter default to the runtime's.
	DataConverter    converter.DataConverter
	FailureConverter converter.FailureConverter
	// Logger receives workflow and activity logs (default: the test's log
	// at warn level).
	Logger *slog.Logger
	// DeadlockTimeout bounds how long a workflow coroutine may run without
	// yielding, as on a worker (default worker.DefaultDeadlockTimeout).
	DeadlockTimeout time.Duration
	// ActivityIdle is how long (real time) the environment waits for
	// running activities when nothing else can happen, before it lets the
	// virtual clock move on around them (default 50ms): an activity that
	// blocks until it is cancelled or times out then meets its timeouts on
	// the virtual clock.
	ActivityIdle time.Duration
	// Server, when set, runs ExecuteWorkflow on a real Temporal server
	// instead, with a worker that has everything registered (mocks in
	// place of what they mock) and delayed callbacks on the real clock:
	// the same test, against the server.
	Server *Server
	// SkipReplayCheck turns off the replay of every run's history at the
	// end of ExecuteWorkflow (whole, and from every workflow task), which
	// fails the test on nondeterminism. Leave it on: it is the check no
	// other SDK's test environment makes; turn it off only to measure or
	// for very long histories (it costs about one more execution of the
	// workflow code per workflow task).
	SkipReplayCheck bool
	// MaxSteps bounds the workflow tasks of one ExecuteWorkflow (default
	// 100000), so a workflow that loops forever on timers ends the test.
	MaxSteps int
	// WorkflowInterceptors, ActivityInterceptors and ContextPropagators
	// are the worker's (worker.Options, client.Options.ContextPropagators):
	// workflows, their replays, activities and local activities run
	// through them as on a worker, so interceptors can be tested here.
	WorkflowInterceptors []workflow.Interceptor
	ActivityInterceptors []actapi.Interceptor
	ContextPropagators   []temporal.ContextPropagator
}

func (o Options) withDefaults(t testing.TB) Options {
	if o.StartTime.IsZero() {
		o.StartTime = defaultStartTime
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.TaskQueue == "" {
		o.TaskQueue = "testsuite"
	}
	if o.DataConverter == nil {
		o.DataConverter = converter.Default()
	}
	if o.FailureConverter == nil {
		o.FailureConverter = converter.NewFailureConverter(o.DataConverter, converter.FailureConverterOptions{})
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if o.DeadlockTimeout <= 0 {
		o.DeadlockTimeout = worker.DefaultDeadlockTimeout
	}
	if o.ActivityIdle <= 0 {
		o.ActivityIdle = 50 * time.Millisecond
	}
	if o.MaxSteps <= 0 {
		o.MaxSteps = 100000
	}
	return o
}

// standalone is the testing.TB of an Env created outside a test.
type standalone struct {
	testing.TB // nil: only the methods below are called
	cleanups   []func()
}

func (s *standalone) Helper()                           {}
func (s *standalone) Log(...any)                        {}
func (s *standalone) Errorf(string, ...any)             {} // Result.ReplayError reports it
func (s *standalone) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (s *standalone) Cleanup(f func())                  { s.cleanups = append(s.cleanups, f) }

func (s *standalone) cleanup() {
	for i := len(s.cleanups) - 1; i >= 0; i-- {
		s.cleanups[i]()
	}
	s.cleanups = nil
}

// testWriter writes logs to the test's log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Env is an in-process Temporal: it runs workflows on the runtime's engine
// with no server, skipping time, and plays the server's part in their
// histories. Register workflows and activities (or mocks), then
// ExecuteWorkflow. An Env runs one workflow at a time (with its children);
// it is not safe for concurrent use.
type Env struct {
	t    testing.TB
	opts Options

	workflows     wfreg.Registry
	activities    *actworker.Registry
	mocks         *actworker.Registry
	locals        *actworker.Local
	attach        func(*engine.Run) // the workflow interceptors' engine hook; nil without
	childMocks    wfreg.Registry
	workflowMocks map[string]*Mock        // counted as children start
	nexus         map[string]nexusHandler // mocks, by service/operation
	nexusOps      map[string]nexusHandler // registered operations, by service/operation
	conditions    []condition
	watchdog      *coro.Watchdog
	stopWatch     context.CancelFunc
	clock         clock
	mu            sync.Mutex // guards now for activity goroutines
	executions    []*execution
	byID          map[string]*execution // latest run of each workflow id
	results       chan attemptResult
	running       int // activity attempts running
	root          *execution
	fatal         error                        // ends the run: a test setup problem
	srv           *serverRun                   // with Options.Server
	stuck         chan *temporal.DeadlockError // from the watchdog
	abandoned     bool                         // a run deadlocked: its goroutine is never waited for
	coroutines    *coro.Pool                   // finished coroutines, reused by every run and replay
	goroutines    *gopool.Pool                 // runs activity attempts
	steps         int
	runSeq        int
	updates       []*update
}

// New returns an environment for test t; it is cleaned up with the test.
// Outside a test (an example, a tool) t may be nil: logs are then
// discarded unless Options.Logger is set, a nondeterministic replay is only
// reported by Result.ReplayError, misuse panics, and Close frees the
// environment.
func New(t testing.TB, opts Options) *Env {
	if t == nil {
		t = &standalone{}
		if opts.Logger == nil {
			opts.Logger = slog.New(slog.DiscardHandler)
		}
	}
	opts = opts.withDefaults(t)
	ctx, cancel := context.WithCancel(context.Background())
	e := &Env{
		t: t, opts: opts,
		activities:    actworker.NewRegistry(),
		mocks:         actworker.NewRegistry(),
		watchdog:      coro.NewWatchdog(opts.DeadlockTimeout),
		stopWatch:     cancel,
		byID:          make(map[string]*execution),
		workflowMocks: make(map[string]*Mock),
		nexus:         make(map[string]nexusHandler),
		nexusOps:      make(map[string]nexusHandler),
		results:       make(chan attemptResult, 64),
		stuck:         make(chan *temporal.DeadlockError, 1),
	}
	e.clock.now = opts.StartTime
	e.coroutines = coro.NewPool(64)
	e.goroutines = gopool.New(4, time.Minute)
	if opts.Server != nil {
		e.srv = &serverRun{}
	}
	e.locals = &actworker.Local{Activities: envActivities{e}, DataConverter: opts.DataConverter, FailureConverter: opts.FailureConverter,
		Logger: opts.Logger, Clock: virtualClock{e}, Propagators: opts.ContextPropagators, Interceptors: opts.ActivityInterceptors}
	e.attach = workflow.NewInterceptors(opts.WorkflowInterceptors, opts.ContextPropagators).AttachFunc()
	go e.watchdog.Loop(ctx)
	t.Cleanup(e.close)
	return e
}

// Close frees the environment: it is called when the test ends, and
// must be called by a user of New(nil, ...).
func (e *Env) Close() {
	if s, ok := e.t.(*standalone); ok {
		s.cleanup()
	}
}

func (e *Env) close() {
	e.stopWatch()
	if e.abandoned {
		return // a deadlocked run's coroutine keeps its goroutine
	}
	defer e.coroutines.Close()
	defer e.goroutines.Close()
	for _, x := range e.executions {
		x.closeRuns()
	}
}

// Now returns the virtual time (the real time with Options.Server).
func (e *Env) Now() time.Time {
	if e.srv != nil {
		return time.Now()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clock.now
}

// RegisterWorkflow registers a Go function as the workflow type name, as
// worker.Worker.RegisterWorkflow does.
func (e *Env) RegisterWorkflow(name string, fn any) error {
	adapted, err := wfreg.Adapt(name, fn, e.opts.DataConverter)
	if err != nil {
		return err
	}
	return e.workflows.Register(name, adapted, wfreg.Options{})
}

// RegisterWorkflowFuncWithOptions registers a reflection-free workflow
// type; generated Register functions call it.
func (e *Env) RegisterWorkflowFuncWithOptions(name string, fn worker.WorkflowFunc, opts worker.RegisterOptions) error {
	return e.workflows.Register(name, fn, wfreg.Options{FailWorkflowOn: opts.FailWorkflowOn, Versioning: opts.VersioningBehavior})
}

// RegisterDynamicWorkflowFuncWithOptions registers the workflow run for
// every type without its own registration.
func (e *Env) RegisterDynamicWorkflowFuncWithOptions(fn worker.WorkflowFunc, opts worker.RegisterOptions) error {
	return e.workflows.RegisterDynamic(fn, wfreg.Options{FailWorkflowOn: opts.FailWorkflowOn, Versioning: opts.VersioningBehavior})
}

// RegisterActivity registers a Go function as the activity type name.
func (e *Env) RegisterActivity(name string, fn any) error { return e.activities.Register(name, fn) }

// RegisterActivityFunc registers a reflection-free activity; generated
// Register functions call it.
func (e *Env) RegisterActivityFunc(name string, fn worker.ActivityFunc) error {
	return e.activities.RegisterFunc(name, actworker.Func(fn))
}

// RegisterActivities registers every exported method of v whose first
// parameter is a context.Context, named prefix+method name.
func (e *Env) RegisterActivities(prefix string, v any) error {
	return e.activities.RegisterStruct(prefix, v)
}

// RegisterDelayedCallback runs fn when the virtual clock has moved d past
// now, between workflow tasks: send signals, updates or cancellations
// from it.
func (e *Env) RegisterDelayedCallback(fn func(), d time.Duration) {
	if e.srv != nil {
		e.srv.later(d, fn)
		return
	}
	e.clock.after(d, fn)
}

// condition is a callback waiting for its condition.
type condition struct {
	holds func() bool
	fn    func()
}

// RegisterCallbackWhen runs fn once, between workflow tasks, as soon as
// holds reports true (it is asked after every workflow task): for
// example, send a signal once a query shows the workflow reached a step.
// holds may call QueryWorkflow.
func (e *Env) RegisterCallbackWhen(holds func() bool, fn func()) {
	e.conditions = append(e.conditions, condition{holds: holds, fn: fn})
}

// checkConditions runs the callbacks whose condition holds.
func (e *Env) checkConditions() {
	kept := e.conditions[:0]
	for _, c := range e.conditions {
		if c.holds() {
			c.fn()
			continue
		}
		kept = append(kept, c)
	}
	e.conditions = kept
}

// activity finds the implementation of an activity type: a mock first.
func (e *Env) activity(name string) (actworker.Func, error) {
	if fn, ok := e.mocks.Lookup(name); ok {
		return fn, nil
	}
	if fn, ok := e.activities.Lookup(name); ok {
		return fn, nil
	}
	known := append(e.activities.Names(), e.mocks.Names()...)
	return nil, fmt.Errorf("testsuite: activity %q is neither registered nor mocked; known activities: [%s]", name, strings.Join(known, ", "))
}

// errStuck reports a workflow blocked with nothing left that could wake it.
var errStuck = errors.New("testsuite: the workflow is blocked and nothing is scheduled that could unblock it")

// encode encodes arguments with the environment's converter.
func (e *Env) encode(args ...any) (*commonpb.Payloads, error) {
	p, err := e.opts.DataConverter.ToPayloads(args...)
	if err != nil {
		return nil, fmt.Errorf("testsuite: encoding arguments: %w", err)
	}
	return p, nil
}
