package engine

import (
	"errors"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/temporalgen/temporalgen/runtime/internal/sm"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// ActivityOptions are the engine's activity options; the public workflow
// package converts its own to these.
type ActivityOptions struct {
	ActivityID             string
	TaskQueue              string
	ScheduleToCloseTimeout time.Duration
	ScheduleToStartTimeout time.Duration
	StartToCloseTimeout    time.Duration
	HeartbeatTimeout       time.Duration
	RetryPolicy            *commonpb.RetryPolicy
	CancellationType       sm.ActivityCancellationType
	Header                 *commonpb.Header
	Metadata               *sdkpb.UserMetadata // the command's summary
	Priority               *commonpb.Priority
	UseWorkflowBuildID     bool
}

// ErrMissingTimeout is returned for activities with neither a
// schedule-to-close nor a start-to-close timeout; users match the public
// temporal.ErrMissingTimeout it stands for.
const ErrMissingTimeout = temporal.ErrMissingTimeout

// ExecuteActivity schedules an activity and returns a future for its
// result. Cancelling ctx cancels the activity.
func (c *Context) ExecuteActivity(opts ActivityOptions, activityType string, input *commonpb.Payloads) *Future {
	return c.StartActivity(opts, activityType, input).Result
}

// Activity is a scheduled activity.
type Activity struct {
	Result *Future
	m      *sm.Activity
}

// ID returns the activity id ("" if it was never scheduled).
func (a *Activity) ID() string {
	if a.m == nil {
		return ""
	}
	return a.m.ID()
}

// Cancel cancels the activity according to its cancellation type.
func (a *Activity) Cancel() {
	if a.m != nil {
		a.m.Cancel()
	}
}

// StartActivity schedules an activity and returns it. Cancelling ctx
// cancels it.
func (c *Context) StartActivity(opts ActivityOptions, activityType string, input *commonpb.Payloads) *Activity {
	f := NewFuture()
	act := &Activity{Result: f}
	if err := c.run.checkWritable("ExecuteActivity"); err != nil {
		f.SetPayloads(nil, err)
		return act
	}
	if err := c.Err(); err != nil {
		f.SetPayloads(nil, err)
		return act
	}
	if opts.ScheduleToCloseTimeout <= 0 && opts.StartToCloseTimeout <= 0 {
		f.SetPayloads(nil, ErrMissingTimeout)
		return act
	}
	r := c.run
	tq := opts.TaskQueue
	if tq == "" {
		tq = r.info.TaskQueue
	}
	attrs := &commandpb.ScheduleActivityTaskCommandAttributes{
		ActivityId:             opts.ActivityID,
		ActivityType:           &commonpb.ActivityType{Name: activityType},
		TaskQueue:              &taskqueuepb.TaskQueue{Name: tq, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
		Header:                 opts.Header,
		Input:                  input,
		ScheduleToCloseTimeout: dur(opts.ScheduleToCloseTimeout),
		ScheduleToStartTimeout: dur(opts.ScheduleToStartTimeout),
		StartToCloseTimeout:    dur(opts.StartToCloseTimeout),
		HeartbeatTimeout:       dur(opts.HeartbeatTimeout),
		RetryPolicy:            opts.RetryPolicy,
		Priority:               opts.Priority,
		UseWorkflowBuildId:     opts.UseWorkflowBuildID,
	}
	var stop func()
	a := r.ms.ScheduleActivity(attrs, opts.CancellationType, func(o sm.Outcome) {
		if stop != nil {
			stop()
		}
		if o.Failure != nil {
			f.SetPayloads(nil, r.cfg.FailureConverter.FailureToError(o.Failure))
			return
		}
		f.SetPayloads(o.Result, nil)
	})
	r.ms.AnnotateLast(opts.Metadata)
	if !a.Resolved() {
		stop = c.OnCancel(a.Cancel)
	}
	act.m = a
	return act
}

// NewTimer starts a durable timer. The future is ready with nil when the
// timer fires and with a *temporal.CanceledError when ctx is cancelled
// first. A zero duration is ready at once without a command.
func (c *Context) NewTimer(d time.Duration) *Future { return c.NewTimerWithMetadata(d, nil) }

// NewTimerWithMetadata is NewTimer with a summary on its command.
func (c *Context) NewTimerWithMetadata(d time.Duration, md *sdkpb.UserMetadata) *Future {
	f := NewFuture()
	if err := c.run.checkWritable("NewTimer"); err != nil {
		f.SetValue(nil, err)
		return f
	}
	if err := c.Err(); err != nil {
		f.SetValue(nil, err)
		return f
	}
	if d < 0 {
		f.SetValue(nil, errors.New("workflow: negative timer duration"))
		return f
	}
	if d == 0 {
		f.SetValue(nil, nil)
		return f
	}
	var stop func()
	t := c.run.ms.StartTimer(d, func(canceled bool) {
		if stop != nil {
			stop()
		}
		if canceled {
			f.SetValue(nil, temporal.NewCanceledError())
			return
		}
		f.SetValue(nil, nil)
	})
	c.run.ms.AnnotateLast(md)
	stop = c.OnCancel(t.Cancel)
	return f
}

// Await blocks until cond holds or ctx is cancelled.
func (c *Context) Await(cond func() bool) error {
	c.Wait(func() bool { return c.scope.canceled || cond() })
	if cond() {
		return nil
	}
	return c.Err()
}

// AwaitWithTimeout blocks until cond holds, the timeout passes (false) or
// ctx is cancelled (error).
func (c *Context) AwaitWithTimeout(d time.Duration, cond func() bool) (bool, error) {
	return c.AwaitWithTimeoutMetadata(d, nil, cond)
}

// AwaitWithTimeoutMetadata is AwaitWithTimeout with a summary on the
// timeout's timer.
func (c *Context) AwaitWithTimeoutMetadata(d time.Duration, md *sdkpb.UserMetadata, cond func() bool) (bool, error) {
	if cond() {
		return true, nil
	}
	tctx, cancel := c.WithCancel()
	timer := tctx.NewTimerWithMetadata(d, md)
	c.Wait(func() bool { return c.scope.canceled || timer.Ready() || cond() })
	ok := cond()
	cancel()
	if ok {
		return true, nil
	}
	if err := c.Err(); err != nil {
		return false, err
	}
	return false, nil
}

func dur(d time.Duration) *durationpb.Duration {
	if d <= 0 {
		return nil
	}
	return durationpb.New(d)
}
