package testsuite

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"

	actapi "github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
)

// ActivityOptions configure an ActivityEnv.
type ActivityOptions struct {
	// Info is what activity.GetInfo returns; empty fields get test values
	// (attempt 1, type "test-activity", ...). Info.Deadline, when set,
	// becomes the context's deadline.
	Info actapi.Info
	// HeartbeatDetails are the details the "previous attempt" recorded,
	// what activity.GetHeartbeatDetails returns.
	HeartbeatDetails []any
	// DataConverter defaults to the runtime's; Logger to the test's log.
	DataConverter converter.DataConverter
	Logger        *slog.Logger
}

// ActivityEnv runs one activity function at a time, in process, with the
// context a worker gives it, and records its heartbeats.
type ActivityEnv struct {
	t       testing.TB
	opts    ActivityOptions
	mu      sync.Mutex
	beats   []converter.Values
	cancel  context.CancelFunc
	running bool
}

// NewActivityEnv returns an activity environment for test t.
func NewActivityEnv(t testing.TB, opts ActivityOptions) *ActivityEnv {
	if opts.DataConverter == nil {
		opts.DataConverter = converter.Default()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	i := &opts.Info
	if i.ActivityType == "" {
		i.ActivityType = "test-activity"
	}
	if i.ActivityID == "" {
		i.ActivityID = "1"
	}
	if i.WorkflowID == "" {
		i.WorkflowID, i.WorkflowRunID, i.WorkflowType = "test-workflow", "00000000-0000-4000-8000-000000000001", "test-workflow-type"
	}
	if i.WorkflowNamespace == "" {
		i.WorkflowNamespace = "default"
	}
	if i.TaskQueue == "" {
		i.TaskQueue = "testsuite"
	}
	if i.Attempt == 0 {
		i.Attempt = 1
	}
	if i.ScheduledTime.IsZero() {
		i.ScheduledTime = time.Now()
	}
	if i.StartedTime.IsZero() {
		i.StartedTime = i.ScheduledTime
	}
	return &ActivityEnv{t: t, opts: opts}
}

// ExecuteActivity calls fn, a function of an activity's shape
// (func(context.Context, A...) (R, error) or func(context.Context, A...)
// error), with args encoded and decoded as a worker would, and returns its
// result values or error. A panic comes back as a *temporal.PanicError;
// activity.ErrResultPending comes back as it is (there is nothing to
// complete asynchronously: the test checks errors.Is and carries on).
func (a *ActivityEnv) ExecuteActivity(fn any, args ...any) (converter.Values, error) {
	reg := actworker.NewRegistry()
	name := a.opts.Info.ActivityType
	if err := reg.Register(name, fn); err != nil {
		return converter.Values{}, err
	}
	f, _ := reg.Lookup(name)
	input, err := a.opts.DataConverter.ToPayloads(args...)
	if err != nil {
		return converter.Values{}, fmt.Errorf("testsuite: encoding arguments: %w", err)
	}
	var details *commonpb.Payloads
	if len(a.opts.HeartbeatDetails) > 0 {
		if details, err = a.opts.DataConverter.ToPayloads(a.opts.HeartbeatDetails...); err != nil {
			return converter.Values{}, fmt.Errorf("testsuite: encoding heartbeat details: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	if !a.opts.Info.Deadline.IsZero() {
		ctx, cancel = context.WithDeadline(context.Background(), a.opts.Info.Deadline)
	}
	defer cancel()
	a.mu.Lock()
	a.cancel, a.running = cancel, true
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.running = false
		a.mu.Unlock()
	}()
	i := a.opts.Info
	env := &actctx.Env{
		Info: actctx.Info{TaskToken: i.TaskToken, WorkflowNamespace: i.WorkflowNamespace, WorkflowID: i.WorkflowID,
			WorkflowRunID: i.WorkflowRunID, WorkflowType: i.WorkflowType, ActivityID: i.ActivityID, ActivityType: i.ActivityType,
			TaskQueue: i.TaskQueue, Attempt: i.Attempt, ScheduledTime: i.ScheduledTime, StartedTime: i.StartedTime,
			Deadline: i.Deadline, HeartbeatTimeout: i.HeartbeatTimeout, ScheduleToCloseTimeout: i.ScheduleToCloseTimeout,
			StartToCloseTimeout: i.StartToCloseTimeout, IsLocal: i.IsLocal},
		HeartbeatDetails: details,
		DataConverter:    a.opts.DataConverter,
		Logger:           a.opts.Logger.With("activity_type", i.ActivityType, "activity_id", i.ActivityID),
		Heartbeat: func(p *commonpb.Payloads) {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.beats = append(a.beats, converter.NewValues(p, a.opts.DataConverter))
		},
	}
	res, err := actworker.Invoke(actctx.With(ctx, env), f, a.opts.DataConverter, input)
	if err != nil {
		return converter.Values{}, err
	}
	return converter.NewValues(res, a.opts.DataConverter), nil
}

// Heartbeats returns the details of every heartbeat recorded so far, in
// order.
func (a *ActivityEnv) Heartbeats() []converter.Values {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]converter.Values(nil), a.beats...)
}

// Cancel cancels the running activity's context, as a worker does when
// the server asks for cancellation (call it from the activity's heartbeat
// or another goroutine).
func (a *ActivityEnv) Cancel() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.running {
		a.cancel()
	}
}
