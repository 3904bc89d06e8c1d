// Package actworker polls an activity task queue and runs the activities it
// receives.
//
// A [Registry] maps activity type names to implementations of the raw
// [Func] shape; generated code registers those directly, while
// [Registry.Register] and [Registry.RegisterStruct] adapt hand-written Go
// functions and methods through reflection.
//
// A [Poller] built with [New] runs Config.Pollers long-poll loops against
// PollActivityTaskQueue. Each loop first takes one of Config.MaxConcurrent
// execution slots and only then polls, so the worker never accepts a task
// it has no room to run. Poll errors (including a server that is down) are
// logged at warn level and retried forever with Config.Backoff until the
// poller stops; the backoff resets after a successful poll.
//
// A poll loop that receives a task runs it itself, after starting a
// successor loop (on a pooled goroutine) to keep polling, so every task
// runs on a goroutine of its own, with a context that carries the
// activity environment read by package runtime/activity, and whose
// deadline is the earlier of start-to-close and schedule-to-close. The
// outcome is reported with one of the Respond RPCs:
//
//   - success: RespondActivityTaskCompleted with the encoded result;
//   - an error: RespondActivityTaskFailed with the error converted by the
//     FailureConverter and the last recorded heartbeat details;
//   - a panic: RespondActivityTaskFailed with a temporal.PanicError carrying
//     the panic value and stack trace;
//   - after the server requested cancellation (learned from a heartbeat
//     response), an error that is context.Canceled or a
//     temporal.CanceledError: RespondActivityTaskCanceled;
//   - an unknown activity type: a retryable failure of type
//     "ActivityNotRegisteredError" listing the registered names, so that a
//     correctly configured worker can pick up a later attempt.
//
// Nothing is reported when the activity returns activity.ErrResultPending
// (actctx.ErrResultPending): the task stays open on the server until the
// client completes, fails or cancels it by task token or IDs; the slot is
// freed and the attempt's heartbeats stop as for any other outcome.
//
// Nothing is reported either when the attempt's deadline passed (the server has
// already timed it out) or when a heartbeat answered NotFound (the
// activity or its workflow is gone); the context is canceled in the latter
// case. A heartbeat response reporting the activity paused or reset also
// cancels the context. Respond RPCs are retried with backoff on
// Unavailable, ResourceExhausted and DeadlineExceeded; NotFound is dropped.
//
// Heartbeats are throttled per attempt: the first is sent at once, later
// ones within the throttle interval (80% of the heartbeat timeout, 30s
// without one, at most 60s) only replace the pending details, which are
// sent when the interval ends. The RPC runs on a per-attempt goroutine, so
// activity.RecordHeartbeat never blocks.
//
// Tasks also come without a poll, in the response to a workflow task
// completion that asked for eager execution: [Poller.TryReserve] takes a
// free slot without waiting, [Poller.RunEager] runs such a task in it
// through the same execute path, and [Poller.Release] returns a slot no
// task came for (see eager.go).
//
// [Poller.Stop] shuts down gracefully: it cancels the outstanding long
// polls, waits for running activities until its context is done, then
// cancels their contexts and waits for them to return. Activities that
// return context.Canceled because of the shutdown are reported as
// retryable failures of type "WorkerShutdown", so another worker retries
// them.
//
// Local activities run here too, through [Local], with no task queue:
// [Local.Run] takes the engine's request, runs attempts in the worker's
// process under the same registry and activity context, and retries them
// with [Retry] (the activity retry policy with the server's defaults,
// delays computed by package backoff) while the next delay stays within
// the request's local retry threshold; a longer delay is returned to the
// workflow, which waits it out on a durable timer.
package actworker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"golang.org/x/time/rate"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/backoff"
	"github.com/temporalgen/temporalgen/runtime/internal/gopool"
	"github.com/temporalgen/temporalgen/runtime/internal/sdkmetrics"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Defaults for zero Config fields.
const (
	DefaultPollers       = 2
	DefaultMaxConcurrent = 100
)

// pollTimeout bounds one long poll; the server answers an idle poll
// with an empty task well before this.
const pollTimeout = 70 * time.Second

// Config configures a Poller. Service, Namespace and TaskQueue are
// required; the other fields have defaults.
type Config struct {
	Service   workflowservice.WorkflowServiceClient
	Namespace string
	TaskQueue string
	// Identity names this worker in the server's records; default
	// "pid@hostname".
	Identity string
	// DataConverter encodes results and heartbeat details and is handed to
	// activity functions; default converter.Default().
	DataConverter converter.DataConverter
	// FailureConverter converts activity errors to failures; default
	// converter.NewFailureConverter(DataConverter, {}).
	FailureConverter converter.FailureConverter
	// Pollers is the number of concurrent long polls; default 2.
	Pollers int
	// MaxConcurrent bounds the activities running at once; default 100.
	MaxConcurrent int
	// MaxTasksPerSecond, when positive, asks the server to dispatch at most
	// this many tasks per second from the task queue (shared by all its
	// workers).
	MaxTasksPerSecond float64
	// Logger receives the poller's and activities' logs; default
	// slog.Default().
	Logger *slog.Logger
	// Backoff paces retries of failed polls and Respond RPCs; zero fields
	// take backoff.DefaultPolicy values.
	Backoff backoff.Policy
	// Conn, when set, is the connection Service uses: a poll that failed
	// while it was down is retried as soon as it is back (backoff.WaitConn).
	Conn *grpc.ClientConn
	// Propagators read the activity task's header into the activity's
	// context (temporal.ContextPropagator.Extract).
	Propagators []temporal.ContextPropagator
	// Interceptors wrap each attempt (activity.Interceptor).
	Interceptors []activity.Interceptor
	// Metrics receives the activity worker's SDK metrics; nil: none.
	Metrics temporal.MetricsHandler
	// RatePerSecond, when positive, caps the activity tasks this poller
	// starts per second (it waits before polling).
	RatePerSecond float64
	// Stopping is closed when the worker begins to stop; activities read
	// it with activity.GetWorkerStopChannel. Nil: never.
	Stopping <-chan struct{}
}

// errWorkerShutdown is the cancellation cause of activity contexts canceled
// because Stop's grace period ran out.
var errWorkerShutdown = errors.New("worker is shutting down")

// Poller polls one activity task queue and executes the tasks. Create it
// with New, then call Start once and Stop once.
type Poller struct {
	cfg Config
	reg *Registry
	log *slog.Logger
	m   *sdkmetrics.Scope // nil without Config.Metrics

	slots chan struct{} // one element per running or polling execution slot
	rate  *rate.Limiter // nil without Config.RatePerSecond

	pollCtx    context.Context // canceled by Stop to end long polls
	pollCancel context.CancelFunc
	actCtx     context.Context // parent of every activity context
	actCancel  context.CancelCauseFunc

	pollWG sync.WaitGroup // poll loops
	actWG  sync.WaitGroup // running activities and slots reserved for eager ones
	pool   *gopool.Pool   // runs activities on goroutines kept for reuse

	// eagerMu guards stopping, which Stop sets first, so that every
	// actWG.Add of TryReserve comes before Stop's actWG.Wait.
	eagerMu  sync.Mutex
	stopping bool

	startOnce sync.Once
	stopOnce  sync.Once
	stopErr   error
}

// New returns a Poller for cfg executing the activities of reg. It does not
// contact the server until Start.
func New(cfg Config, reg *Registry) *Poller {
	if cfg.Identity == "" {
		host, _ := os.Hostname()
		cfg.Identity = fmt.Sprintf("%d@%s", os.Getpid(), host)
	}
	if cfg.DataConverter == nil {
		cfg.DataConverter = converter.Default()
	}
	if cfg.FailureConverter == nil {
		cfg.FailureConverter = converter.NewFailureConverter(cfg.DataConverter, converter.FailureConverterOptions{})
	}
	if cfg.Pollers <= 0 {
		cfg.Pollers = DefaultPollers
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = DefaultMaxConcurrent
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if reg == nil {
		reg = NewRegistry()
	}
	p := &Poller{
		cfg:   cfg,
		reg:   reg,
		pool:  gopool.New(gopool.DefaultMaxIdle, gopool.DefaultIdleTimeout),
		log:   cfg.Logger.With("namespace", cfg.Namespace, "task_queue", cfg.TaskQueue),
		slots: make(chan struct{}, cfg.MaxConcurrent),
	}
	if cfg.RatePerSecond > 0 {
		p.rate = rate.NewLimiter(rate.Limit(cfg.RatePerSecond), 1)
	}
	p.m = sdkmetrics.New(cfg.Metrics, map[string]string{
		temporal.TagNamespace: cfg.Namespace, temporal.TagTaskQueue: cfg.TaskQueue,
		temporal.TagClientName: temporal.ClientNameValue, temporal.TagWorkerType: temporal.WorkerTypeActivity,
	})
	p.pollCtx, p.pollCancel = context.WithCancel(context.Background())
	p.actCtx, p.actCancel = context.WithCancelCause(context.Background())
	return p
}

// Start launches the poll loops. Calls after the first, or after Stop, do
// nothing.
func (p *Poller) Start() {
	p.startOnce.Do(func() {
		if p.pollCtx.Err() != nil {
			return
		}
		p.log.Debug("activity poller starting", "pollers", p.cfg.Pollers, "max_concurrent", p.cfg.MaxConcurrent)
		// One request serves every poll: gRPC has encoded it when a call
		// returns.
		req := p.pollRequest()
		p.m.Inc(temporal.MetricWorkerStart)
		p.m.Add(temporal.MetricPollerStart, int64(p.cfg.Pollers))
		p.m.With(temporal.TagPollerType, temporal.PollerTypeActivityTask).Gauge(temporal.MetricNumPollers, float64(p.cfg.Pollers))
		for range p.cfg.Pollers {
			p.pollWG.Add(1)
			go p.pollLoop(req, 0)
		}
	})
}

// Stop stops polling, cancelling outstanding long polls, and waits for
// running activities to finish and report. If ctx is done first, it
// cancels the activities' contexts and waits up to abandonAfter more for
// them to return (activities that ignore cancellation are abandoned); it
// then returns ctx's error. It returns nil when every activity finished
// within the grace period. Later calls return the first call's result.
func (p *Poller) Stop(ctx context.Context) error {
	p.stopOnce.Do(func() {
		p.startOnce.Do(func() {}) // a Start after Stop must not launch loops
		p.eagerMu.Lock()
		p.stopping = true
		p.eagerMu.Unlock()
		p.pollCancel()
		p.pollWG.Wait()
		done := make(chan struct{})
		go func() {
			p.actWG.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-ctx.Done():
			p.log.Warn("activity worker stop: grace period over, canceling running activities", "error", ctx.Err())
			p.actCancel(errWorkerShutdown)
			// Activities that ignore cancellation are abandoned after a
			// last short wait, so Stop cannot hang on them; the server
			// times them out and retries them elsewhere.
			t := time.NewTimer(abandonAfter)
			select {
			case <-done:
			case <-t.C:
				p.log.Warn("activity worker stop: activities ignored cancellation and were abandoned")
			}
			t.Stop()
			p.stopErr = ctx.Err()
		}
		p.actCancel(errWorkerShutdown)
		p.pool.Close()
		p.log.Debug("activity poller stopped")
	})
	return p.stopErr
}

// abandonAfter is how long Stop waits for activities it cancelled.
const abandonAfter = 5 * time.Second

// pollRequest returns the PollActivityTaskQueue request of this poller.
func (p *Poller) pollRequest() *workflowservice.PollActivityTaskQueueRequest {
	req := &workflowservice.PollActivityTaskQueueRequest{
		Namespace: p.cfg.Namespace,
		TaskQueue: &taskqueuepb.TaskQueue{Name: p.cfg.TaskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
		Identity:  p.cfg.Identity,
	}
	if p.cfg.MaxTasksPerSecond > 0 {
		req.TaskQueueMetadata = &taskqueuepb.TaskQueueMetadata{MaxTasksPerSecond: wrapperspb.Double(p.cfg.MaxTasksPerSecond)}
	}
	return req
}

// pollLoop takes a slot and polls, until Stop cancels pollCtx, as one of
// the poll loops counted in pollWG. When a task arrives it hands polling on
// to a successor and runs the task itself, so that the activity starts at
// once on the goroutine, and thread, that received it.
func (p *Poller) pollLoop(req *workflowservice.PollActivityTaskQueueRequest, failures int) {
	for {
		select {
		case p.slots <- struct{}{}:
			p.reportSlots()
		case <-p.pollCtx.Done():
			p.pollWG.Done()
			return
		}
		if p.rate != nil && p.rate.Wait(p.pollCtx) != nil {
			<-p.slots
			p.pollWG.Done()
			return
		}
		task, err := p.poll(req)
		if err != nil {
			<-p.slots
			p.reportSlots()
			if p.pollCtx.Err() != nil {
				p.pollWG.Done()
				return
			}
			failures++
			delay := p.cfg.Backoff.Delay(failures)
			p.log.Warn("activity task poll failed; retrying", "error", err, "failures", failures, "retry_in", delay)
			reconnected, werr := backoff.WaitConn(p.pollCtx, p.cfg.Conn, delay)
			if werr != nil {
				p.pollWG.Done()
				return
			}
			if reconnected {
				p.log.Info("activity task polling: connection back; polling again", "failures", failures)
				failures = 0
			}
			continue
		}
		if failures > 0 {
			p.log.Info("activity task polling recovered", "failures", failures)
			failures = 0
		}
		if len(task.GetTaskToken()) == 0 {
			<-p.slots // the long poll expired without a task
			p.reportSlots()
			p.m.Inc(temporal.MetricActivityPollNoTask)
			continue
		}
		p.actWG.Add(1)
		p.pollWG.Add(1)
		p.pool.Go(func() { p.pollLoop(req, 0) })
		p.pollWG.Done() // this goroutine is no longer a poll loop
		p.execute(task)
		<-p.slots
		p.reportSlots()
		p.actWG.Done()
		return
	}
}

// reportSlots reports the execution slots in use.
func (p *Poller) reportSlots() {
	if p.m != nil {
		p.m.Slots(len(p.slots), cap(p.slots))
	}
}

func (p *Poller) poll(req *workflowservice.PollActivityTaskQueueRequest) (*workflowservice.PollActivityTaskQueueResponse, error) {
	ctx, cancel := context.WithTimeout(p.pollCtx, pollTimeout)
	defer cancel()
	return p.cfg.Service.PollActivityTaskQueue(ctx, req)
}
