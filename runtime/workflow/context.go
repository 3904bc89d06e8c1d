package workflow

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/engine"
)

// Context is the context of workflow code. It is passed to workflow
// functions and handlers by the worker and carries the execution's state;
// only contexts derived from it work with the functions of this package.
type Context interface {
	// Err returns a *temporal.CanceledError once the context is cancelled.
	Err() error
	// Value returns the value stored under key, or nil.
	Value(key any) any
}

// CancelFunc cancels a context and everything started with it.
type CancelFunc func()

func impl(ctx Context) *engine.Context {
	c, ok := ctx.(*engine.Context)
	if !ok || c == nil {
		panic(fmt.Sprintf("workflow: %T is not a workflow context; pass the workflow.Context your workflow function received", ctx))
	}
	return c
}

// WithCancel returns a child context and a function that cancels it and the
// activities, timers and waits started with it.
func WithCancel(ctx Context) (Context, CancelFunc) {
	c, cancel := impl(ctx).WithCancel()
	return c, cancel
}

// NewDisconnectedContext returns a context that is not cancelled when ctx
// is: use it for cleanup work after the workflow has been cancelled.
func NewDisconnectedContext(ctx Context) (Context, CancelFunc) {
	c, cancel := impl(ctx).Disconnected()
	return c, cancel
}

// WithValue returns a child context that carries key=val.
func WithValue(ctx Context, key, val any) Context { return impl(ctx).WithValue(key, val) }

// InWorkflow reports whether ctx is a workflow context.
func InWorkflow(ctx any) bool {
	c, ok := ctx.(*engine.Context)
	return ok && c != nil
}

// Now returns the workflow time in UTC: the time of the current workflow
// task, the same on every replay.
func Now(ctx Context) time.Time {
	c := impl(ctx)
	if ch := chainOf(c); ch != nil {
		return ch.out.Now(ctx)
	}
	return now(c)
}

func now(c *engine.Context) time.Time { return c.Run().Now().UTC() }

// TimeNs returns Now as nanoseconds since the Unix epoch.
func TimeNs(ctx Context) int64 { return Now(ctx).UnixNano() }

// IsReplaying reports whether the workflow code running now is replaying
// history (and so should not repeat external side effects such as logs).
func IsReplaying(ctx Context) bool { return impl(ctx).Run().Replaying() }

// GetLogger returns a logger that is silent while replaying and carries
// the workflow's id, run id and type.
func GetLogger(ctx Context) *slog.Logger {
	c := impl(ctx)
	if ch := chainOf(c); ch != nil {
		return ch.out.GetLogger(ctx)
	}
	return c.Run().Logger()
}

// Random returns the workflow's deterministic random source: replays draw
// the same numbers. Use it instead of math/rand in workflow code.
func Random(ctx Context) *rand.Rand {
	c := impl(ctx)
	if ch := chainOf(c); ch != nil {
		return ch.out.Random(ctx)
	}
	return c.Run().Rand()
}

// UUID4 returns a random (version 4) UUID drawn from Random.
func UUID4(ctx Context) string { return impl(ctx).Run().UUID4() }

// PayloadConverter returns the data converter the workflow's payloads use.
func PayloadConverter(ctx Context) converter.DataConverter { return impl(ctx).Run().DataConverter() }

// Go runs fn as a new coroutine of the workflow. Coroutines run one at a
// time, in a deterministic order; fn must only block through this package.
func Go(ctx Context, fn func(ctx Context)) {
	c := impl(ctx)
	c.Run().Go(c, "go", func(c *engine.Context) { fn(c) })
}

// Await blocks until cond returns true or ctx is cancelled (then it returns
// a *temporal.CanceledError). cond must only read workflow state.
func Await(ctx Context, cond func() bool) error { return impl(ctx).Await(cond) }

// AwaitWithTimeout is Await with a durable timeout: it returns false, nil
// when the timeout passes before cond holds.
func AwaitWithTimeout(ctx Context, timeout time.Duration, cond func() bool) (bool, error) {
	return impl(ctx).AwaitWithTimeout(timeout, cond)
}

// AwaitWithTimeoutOptions is AwaitWithTimeout whose timeout timer carries
// opts (the seed's wait_condition(timeout_summary=...)).
func AwaitWithTimeoutOptions(ctx Context, timeout time.Duration, opts TimerOptions, cond func() bool) (bool, error) {
	c := impl(ctx)
	md, err := converter.UserMetadata(c.Run().DataConverter(), opts.Summary, "")
	if err != nil {
		return false, fmt.Errorf("workflow: encoding the timer summary: %w", err)
	}
	return c.AwaitWithTimeoutMetadata(timeout, md, cond)
}

// TimerOptions configure a durable timer.
type TimerOptions struct {
	// Summary is a one-line description the Web UI shows for the timer
	// (user metadata on its command and TimerStarted event).
	Summary string
}

// Sleep blocks for d of workflow time using a durable timer. It returns a
// *temporal.CanceledError if ctx is cancelled first.
func Sleep(ctx Context, d time.Duration) error { return SleepWithOptions(ctx, d, TimerOptions{}) }

// SleepWithOptions is Sleep with a described timer.
func SleepWithOptions(ctx Context, d time.Duration, opts TimerOptions) error {
	c := impl(ctx)
	if ch := chainOf(c); ch != nil {
		_, _, err := ch.newTimer(ctx, &TimerInput{Duration: d, Options: opts}).f.Wait(c)
		return err
	}
	_, _, err := newTimer(c, d, opts).f.Wait(c)
	return err
}

// NewTimer starts a durable timer and returns a future that is ready when
// it fires (nil error) or when ctx is cancelled (*temporal.CanceledError).
func NewTimer(ctx Context, d time.Duration) Future[struct{}] {
	return NewTimerWithOptions(ctx, d, TimerOptions{})
}

// NewTimerWithOptions is NewTimer with a described timer.
func NewTimerWithOptions(ctx Context, d time.Duration, opts TimerOptions) Future[struct{}] {
	c := impl(ctx)
	if ch := chainOf(c); ch != nil {
		return ch.newTimer(ctx, &TimerInput{Duration: d, Options: opts})
	}
	return newTimer(c, d, opts)
}

func newTimer(c *engine.Context, d time.Duration, opts TimerOptions) Future[struct{}] {
	dc := c.Run().DataConverter()
	md, err := converter.UserMetadata(dc, opts.Summary, "")
	if err != nil {
		return failed[struct{}](dc, fmt.Errorf("workflow: encoding the timer summary: %w", err))
	}
	return Future[struct{}]{f: c.NewTimerWithMetadata(d, md), dc: dc}
}
