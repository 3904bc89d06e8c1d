// Package worker hosts workflows and activities: it polls a task queue of a
// Temporal server, runs workflow tasks through the deterministic engine and
// activity tasks through registered functions, and answers the server.
//
//	c, _ := client.Dial(ctx, client.Options{})
//	w := worker.New(c, "orders", worker.Options{})
//	_ = w.RegisterWorkflow("Order", OrderWorkflow)
//	_ = w.RegisterActivity("Charge", Charge)
//	_ = w.Start()
//	defer w.Stop()
//
// Workflow executions stay in an LRU cache between tasks, and the server
// sends their next tasks to a sticky queue of this worker with only the new
// events. Options.CacheSize sets how many; with size 0 nothing is cached and
// every task replays the whole history, which is slower but behaves the
// same (tests run both ways). Use DefaultCacheSize unless memory is tight.
//
// Failed polls are retried on the Backoff schedule in Options.PollBackoff
// (by default 200ms doubling up to 10s, with jitter):
//
//	worker.Options{PollBackoff: worker.Backoff{Initial: time.Second, Max: time.Minute}}
//
// A workflow task that fails (a panic in workflow code, a nondeterministic
// replay, a coroutine that does not yield within the deadlock timeout) is
// reported to the server only on its first attempt; later attempts time out
// quietly, so history does not fill with failures.
//
// # Eager execution
//
// Two shortcuts past the task queue are on by default. Eager workflow
// start: when the worker's client starts a workflow on the worker's task
// queue and the worker has a free workflow task slot, the start response
// brings the first workflow task and this worker runs it, without a poll
// (Options.DisableEagerWorkflowStart, or client.StartWorkflowOptions.
// DisableEagerExecution for one start, turns it off). Eager activities:
// a workflow task completion that schedules activities on the worker's
// own task queue, of types registered here, asks the server to start up
// to three of them at once, with a slot reserved on the activity worker
// for each, and the activity tasks come back in the completion's response
// to run here (the server needs system.enableActivityEagerExecution=true;
// Options.DisableEagerActivities turns it off, and so does
// DisableActivityWorker). Either way the task is then handled exactly as
// a polled one, and a slot that no task came for is given back.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
	"github.com/temporalgen/temporalgen/runtime/internal/coro"
	"github.com/temporalgen/temporalgen/runtime/internal/gopool"
	"github.com/temporalgen/temporalgen/runtime/internal/wfreg"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// DefaultCacheSize is the recommended Options.CacheSize.
const DefaultCacheSize = 10000

// Options configure a Worker. The zero value is usable but caches nothing;
// set CacheSize to DefaultCacheSize for production.
type Options struct {
	// WorkflowPollers is the number of concurrent workflow task long polls
	// (default 2; with a cache, half of them poll the sticky queue).
	WorkflowPollers int
	// ActivityPollers is the number of concurrent activity task long polls
	// (default 2).
	ActivityPollers int
	// MaxConcurrentWorkflowTasks bounds workflow tasks processed at once
	// (default 100).
	MaxConcurrentWorkflowTasks int
	// MaxConcurrentActivities bounds activities running at once (default
	// 100).
	MaxConcurrentActivities int
	// CacheSize is the number of workflow executions kept in memory between
	// tasks; DefaultCacheSize is a good value. 0 disables the cache and the
	// sticky queue: every task replays the full history.
	CacheSize int
	// StickyScheduleToStartTimeout is how long the server waits for this
	// worker to pick up a sticky task before it moves the task to the
	// normal queue (default 5s).
	StickyScheduleToStartTimeout time.Duration
	// DeadlockTimeout is how long a workflow coroutine may run without
	// yielding before its task fails with [TMPRL1101] (default 2s).
	DeadlockTimeout time.Duration
	// MaxStuckWorkflows caps the workflow runs whose code may be stuck
	// (found by the deadlock detector, still running) on this worker.
	// A stuck run's later tasks are held, never run a second time; once
	// this many runs are stuck the worker polls no workflow tasks until
	// one returns (default DefaultMaxStuckWorkflows; negative: no cap).
	// The gauge StuckGaugeName on MetricsHandler follows the count.
	MaxStuckWorkflows int
	// DisableWorkflowWorker and DisableActivityWorker turn one half off.
	DisableWorkflowWorker bool
	DisableActivityWorker bool
	// Logger receives worker and workflow logs (default: the client's).
	Logger *slog.Logger
	// MetricsHandler receives the worker's SDK metrics (the names in
	// temporal's metric names: workflow and activity task latencies and
	// failures, workflow closes, cache hits, slots, pollers) and the
	// metrics of workflow code (workflow.MetricMeter). Default: the
	// client's (client.Options.MetricsHandler), else none.
	MetricsHandler temporal.MetricsHandler
	// PollBackoff paces retries after failed polls (and after failed
	// reports of activity outcomes); zero fields take the defaults listed
	// on Backoff.
	PollBackoff Backoff
	// WorkflowInterceptors intercept the worker's workflow runs, the first
	// outermost (see workflow.Interceptor). Context propagators come from
	// the client (client.Options.ContextPropagators).
	WorkflowInterceptors []workflow.Interceptor
	// ActivityInterceptors wrap every activity and local activity attempt,
	// the first outermost (see activity.Interceptor).
	ActivityInterceptors []activity.Interceptor
	// NexusInterceptors wrap every Nexus operation request this worker
	// serves, the first outermost (see NexusInterceptor).
	NexusInterceptors []NexusInterceptor

	// Identity names the worker in the server's records (pollers, task
	// completions, the Web UI's worker list). Default: the client's.
	Identity string
	// MaxConcurrentLocalActivities bounds the local activity attempts
	// running at once on this worker (default 100); a workflow task whose
	// local activities wait for a slot keeps heartbeating.
	MaxConcurrentLocalActivities int
	// WorkerActivitiesPerSecond caps the activity tasks this worker starts
	// per second (0: no cap); TaskQueueActivitiesPerSecond asks the server
	// to cap the task queue's dispatch rate for all its workers.
	WorkerActivitiesPerSecond    float64
	TaskQueueActivitiesPerSecond float64
	// DisableEagerWorkflowStart keeps the worker from taking the first
	// workflow task of workflows that its client starts on its task queue
	// from the start response (see client.StartWorkflowOptions.
	// DisableEagerExecution); they wait for a poll instead.
	DisableEagerWorkflowStart bool
	// DisableEagerActivities keeps workflow task completions from asking
	// the server to start the activities they schedule on this worker's
	// task queue at once and return them in the response, to run on this
	// worker without a poll. Eager activities need a server with
	// system.enableActivityEagerExecution on (off by default in server
	// 1.29) and are off anyway when DisableActivityWorker is set.
	DisableEagerActivities bool
}

func (o Options) withDefaults(c *client.Client) Options {
	if o.WorkflowPollers <= 0 {
		o.WorkflowPollers = 2
	}
	if o.ActivityPollers <= 0 {
		o.ActivityPollers = 2
	}
	if o.MaxConcurrentWorkflowTasks <= 0 {
		o.MaxConcurrentWorkflowTasks = 100
	}
	if o.MaxConcurrentActivities <= 0 {
		o.MaxConcurrentActivities = 100
	}
	if o.StickyScheduleToStartTimeout <= 0 {
		o.StickyScheduleToStartTimeout = 5 * time.Second
	}
	if o.DeadlockTimeout <= 0 {
		o.DeadlockTimeout = DefaultDeadlockTimeout
	}
	if o.MaxStuckWorkflows == 0 {
		o.MaxStuckWorkflows = DefaultMaxStuckWorkflows
	}
	if o.Logger == nil {
		o.Logger = c.Logger()
	}
	if o.MetricsHandler == nil {
		o.MetricsHandler = c.MetricsHandler()
	}
	if o.Identity == "" {
		o.Identity = c.Identity()
	}
	if o.MaxConcurrentLocalActivities <= 0 {
		o.MaxConcurrentLocalActivities = 100
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Worker polls one task queue for workflow and activity tasks.
type Worker struct {
	intercept *workflow.Interceptors // nil without interceptors and propagators
	client    *client.Client
	svc       workflowservice.WorkflowServiceClient
	taskQueue string
	opts      Options
	log       *slog.Logger
	metrics   workerMetrics
	dc        converter.DataConverter
	fc        converter.FailureConverter

	workflows  wfreg.Registry
	nexus      map[string]NexusOperation
	activities *actworker.Registry
	actPoller  *actworker.Poller
	locals     *actworker.Local // runs local activities

	// eagerActs is actPoller when workflow task completions may ask for
	// eager activities, else nil.
	eagerActs *actworker.Poller
	// unregisterEager withdraws the worker from its client's eager
	// workflow start candidates; nil when it is not one.
	unregisterEager func()
	// eagerMu guards eagerClosed, which StopContext sets before waiting
	// for the tasks in flight: a slot reserved for an eager workflow task
	// counts as one (tasks.Add) only while it is false.
	eagerMu     sync.Mutex
	eagerClosed bool

	versioningWarning sync.Once // see warnVersioning

	stopping chan struct{} // closed when Stop begins (activity.GetWorkerStopChannel)

	stickyQueue string
	cache       *cache
	watchdog    *coro.Watchdog
	stuck       *stuckRuns // runs whose code the watchdog found stuck

	// localCtx parents local activities; StopContext cancels it when its
	// grace period ends.
	localCtx    context.Context
	localCancel context.CancelFunc

	mu      sync.Mutex
	started bool
	stopped bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup // pollers
	tasks   sync.WaitGroup // workflow tasks in flight
	slots   chan struct{}
	// pool runs successor pollers (which go on to handle the next task)
	// and engine steps on goroutines whose stacks earlier tasks grew.
	pool *gopool.Pool
	// coroutines are finished workflow coroutines shared by all runs.
	coroutines *coro.Pool
	// stickyAttrs go with every completion of a run that stays cached;
	// requests share it, and nothing modifies it.
	stickyAttrs *taskqueuepb.StickyExecutionAttributes
}

// DefaultDeadlockTimeout is Options.DeadlockTimeout when it is not set.
const DefaultDeadlockTimeout = 2 * time.Second

// New returns a worker for taskQueue on c's namespace. Register workflows
// and activities, then Start it.
func New(c *client.Client, taskQueue string, opts Options) *Worker {
	opts = opts.withDefaults(c)
	w := &Worker{
		client:     c,
		svc:        c.WorkflowService(),
		taskQueue:  taskQueue,
		opts:       opts,
		log:        opts.Logger.With("task_queue", taskQueue),
		dc:         c.DataConverter(),
		fc:         c.FailureConverter(),
		nexus:      make(map[string]NexusOperation),
		activities: actworker.NewRegistry(),
		slots:      make(chan struct{}, opts.MaxConcurrentWorkflowTasks),
		pool:       gopool.New(gopool.DefaultMaxIdle, gopool.DefaultIdleTimeout),
		coroutines: coro.NewPool(idleCoroutines),
		stopping:   make(chan struct{}),
	}
	w.metrics = newWorkerMetrics(opts.MetricsHandler, c.Namespace(), taskQueue)
	w.stuck = newStuckRuns(opts.MaxStuckWorkflows, w.log, opts.MetricsHandler)
	w.locals = &actworker.Local{Activities: w.activities, DataConverter: w.dc, FailureConverter: w.fc, Logger: w.log, Propagators: c.ContextPropagators(), Interceptors: opts.ActivityInterceptors,
		Metrics: w.metrics.root.With(temporal.TagWorkerType, temporal.WorkerTypeLocalActivity),
		Slots:   make(chan struct{}, opts.MaxConcurrentLocalActivities), Stopping: w.stopping}
	w.intercept = workflow.NewInterceptors(opts.WorkflowInterceptors, c.ContextPropagators())
	w.localCtx, w.localCancel = context.WithCancel(context.Background())
	if opts.CacheSize > 0 {
		w.cache = newCache(opts.CacheSize)
		host, _ := os.Hostname()
		w.stickyQueue = fmt.Sprintf("%s:%s:%s", host, taskQueue, randomID())
		w.stickyAttrs = &taskqueuepb.StickyExecutionAttributes{
			WorkerTaskQueue:        w.taskQueueProto(true),
			ScheduleToStartTimeout: durationpb.New(opts.StickyScheduleToStartTimeout),
		}
	}
	return w
}

// StuckWorkflows returns the number of workflow runs whose code the
// deadlock detector found stuck and that have not returned since (see
// Options.MaxStuckWorkflows).
func (w *Worker) StuckWorkflows() int { return w.stuck.count() }

// PurgeCache closes every workflow run in the cache, freeing its memory
// and coroutines; a purged run's next task replays its history, as after
// an eviction. Runs whose task is in progress are not cached at that
// moment and stay untouched. Use it under memory pressure or in tests.
func (w *Worker) PurgeCache() {
	if w.cache != nil {
		w.metrics.dropped(w.cache.clear())
	}
}

// TaskQueue returns the task queue the worker polls.
func (w *Worker) TaskQueue() string { return w.taskQueue }

// Start starts polling. It fails if the worker has nothing registered or
// was started before.
func (w *Worker) Start() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return errors.New("worker: already started")
	}
	if w.workflows.Empty() && len(w.activities.Names()) == 0 && len(w.nexus) == 0 {
		return errors.New("worker: nothing registered: register a workflow or an activity before Start")
	}
	w.started = true
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	// The activity poller exists before the first workflow task, which
	// may hand it eager activities; it polls once the rest is started.
	if !w.opts.DisableActivityWorker && len(w.activities.Names()) > 0 {
		w.actPoller = actworker.New(actworker.Config{
			Service:           w.svc,
			Namespace:         w.client.Namespace(),
			TaskQueue:         w.taskQueue,
			Identity:          w.opts.Identity,
			DataConverter:     w.dc,
			FailureConverter:  w.fc,
			Pollers:           w.opts.ActivityPollers,
			MaxConcurrent:     w.opts.MaxConcurrentActivities,
			Logger:            w.opts.Logger, // the poller adds namespace and task queue
			Backoff:           w.opts.PollBackoff.policy(),
			Conn:              w.client.Conn(),
			Propagators:       w.client.ContextPropagators(),
			Interceptors:      w.opts.ActivityInterceptors,
			Metrics:           w.opts.MetricsHandler,
			RatePerSecond:     w.opts.WorkerActivitiesPerSecond,
			MaxTasksPerSecond: w.opts.TaskQueueActivitiesPerSecond,
			Stopping:          w.stopping,
		}, w.activities)
		if !w.opts.DisableEagerActivities {
			w.eagerActs = w.actPoller
		}
	}
	if !w.opts.DisableWorkflowWorker && !w.workflows.Empty() {
		w.watchdog = coro.NewWatchdog(w.opts.DeadlockTimeout)
		w.wg.Add(1)
		go func() { defer w.wg.Done(); w.watchdog.Loop(ctx) }()
		w.startWorkflowPollers(ctx)
		if !w.opts.DisableEagerWorkflowStart {
			w.unregisterEager = w.client.RegisterEagerWorker(w.taskQueue, &eagerStarter{w})
		}
	}
	if len(w.nexus) > 0 {
		w.startNexusPollers(ctx)
	}
	if w.actPoller != nil {
		w.actPoller.Start()
	}
	return nil
}

// Stop stops polling, waits for workflow tasks in flight (and their local
// activities) and for running activities (up to 30 seconds, then their
// contexts are cancelled; use StopContext for another bound), tells
// the server this worker's sticky queue is gone and drops the cache.
func (w *Worker) Stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = w.StopContext(ctx)
}

// StopContext is Stop with a deadline for running activities.
func (w *Worker) StopContext(ctx context.Context) error {
	w.mu.Lock()
	if !w.started || w.stopped {
		w.mu.Unlock()
		return nil
	}
	w.stopped = true
	w.mu.Unlock()
	close(w.stopping)
	if w.unregisterEager != nil {
		w.unregisterEager()
		w.eagerMu.Lock()
		w.eagerClosed = true
		w.eagerMu.Unlock()
	}
	w.cancel()
	// Activity polling stops at once too; running activities get until
	// ctx is done.
	actDone := make(chan error, 1)
	go func() {
		if w.actPoller == nil {
			actDone <- nil
			return
		}
		actDone <- w.actPoller.Stop(ctx)
	}()
	w.wg.Wait()
	// Workflow tasks in flight may be running local activities: past the
	// grace period they are cancelled, and their tasks fail without
	// recording them, so that another worker runs them again.
	tasksDone := make(chan struct{})
	go func() { w.tasks.Wait(); close(tasksDone) }()
	select {
	case <-tasksDone:
	case <-ctx.Done():
		w.localCancel()
		<-tasksDone
	}
	w.localCancel()
	err := <-actDone
	if w.stickyQueue != "" {
		w.shutdownSticky(ctx)
	}
	if w.cache != nil {
		w.metrics.dropped(w.cache.clear())
	}
	w.coroutines.Close()
	w.pool.Close()
	return err
}

// Run starts the worker and blocks until ctx is done, then stops it.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.Start(); err != nil {
		return err
	}
	<-ctx.Done()
	w.Stop()
	return nil
}

func (w *Worker) shutdownSticky(ctx context.Context) {
	_, err := w.svc.ShutdownWorker(ctx, &workflowservice.ShutdownWorkerRequest{
		Namespace:       w.client.Namespace(),
		StickyTaskQueue: w.stickyQueue,
		Identity:        w.opts.Identity,
		Reason:          "graceful shutdown",
	})
	if err != nil {
		w.log.Debug("shutdown worker call failed", "error", err)
	}
}
