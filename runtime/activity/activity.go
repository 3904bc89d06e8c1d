// Package activity is the API that activity functions use to learn about
// the attempt they run in and to talk back to the worker.
//
// An activity function receives a context.Context as its first parameter.
// That context (or any context derived from it) carries the attempt's
// environment, which the functions of this package read:
//
//   - [GetInfo] describes the attempt: workflow and activity identifiers,
//     attempt number, timeouts and deadline.
//   - [RecordHeartbeat] reports progress. Heartbeats are throttled by the
//     worker and sent in the background, so calling it often is cheap and
//     never blocks on the network. A heartbeat is also how an activity
//     learns that cancellation was requested: the worker then cancels the
//     context, and an activity that returns ctx.Err() (or an error wrapping
//     context.Canceled, or a temporal.CanceledError) is reported canceled.
//   - [HasHeartbeatDetails] and [GetHeartbeatDetails] return the details
//     the previous attempt last recorded, so a retried attempt can resume
//     where the failed one stopped.
//   - [GetLogger] returns a logger tagged with the activity's identity.
//   - [GetDataConverter] returns the converter the worker uses.
//
// The context's deadline is the earlier of the start-to-close and
// schedule-to-close deadlines; the context is also canceled when the
// server reports the activity gone (timed out, workflow closed) and when
// the worker shuts down past its grace period.
//
// # Asynchronous completion
//
// An activity that is finished by something outside its function (a
// person approving a request, a callback from another system) returns
// [ErrResultPending]. The worker then reports nothing: the activity stays
// open on the server, the worker's execution slot is freed and the
// attempt's heartbeating stops. Whoever holds the task token
// (GetInfo(ctx).TaskToken) or the workflow ID, run ID and activity ID later
// completes, fails or cancels it, and may heartbeat it meanwhile, with the
// client's CompleteActivity, CompleteActivityByID,
// RecordActivityHeartbeat and RecordActivityHeartbeatByID. The activity's
// timeouts still apply: with a heartbeat timeout, the holder must
// heartbeat within it, and an activity nobody completes times out (and is
// retried per its retry policy, as a new attempt with a new task token).
// Local activities cannot complete asynchronously: returning
// ErrResultPending from one fails it without retries.
//
// Outside an activity ([IsActivity] false) the Get functions and GetInfo
// panic with a message saying so, since there is nothing sensible to
// return; RecordHeartbeat does nothing and HasHeartbeatDetails reports
// false, so helpers shared with non-activity code may call them freely.
package activity

import (
	"context"
	"log/slog"
	"time"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actctx"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// ErrResultPending, returned by an activity function (alone, or wrapped),
// tells the worker that the activity will be completed asynchronously
// through the client: the worker reports no outcome and leaves the task
// open. See "Asynchronous completion" in the package documentation.
var ErrResultPending = actctx.ErrResultPending

// Info describes the activity attempt a context belongs to.
type Info struct {
	TaskToken              []byte // opaque token identifying the attempt to the server
	WorkflowNamespace      string
	WorkflowID             string
	WorkflowRunID          string
	WorkflowType           string
	ActivityID             string
	ActivityType           string
	TaskQueue              string
	Attempt                int32     // 1 for the first attempt
	ScheduledTime          time.Time // when the activity was first scheduled
	StartedTime            time.Time // when this attempt started
	Deadline               time.Time // the context's deadline: the earlier of start-to-close and schedule-to-close
	HeartbeatTimeout       time.Duration
	ScheduleToCloseTimeout time.Duration
	StartToCloseTimeout    time.Duration
	IsLocal                bool // true for a local activity
}

// mustEnv returns the activity environment of ctx or panics naming fn.
func mustEnv(ctx context.Context, fn string) *actctx.Env {
	env := actctx.From(ctx)
	if env == nil {
		panic("activity." + fn + " called outside an activity: the context must be the one passed to the activity function or derived from it")
	}
	return env
}

// IsActivity reports whether ctx belongs to a running activity.
func IsActivity(ctx context.Context) bool {
	return actctx.From(ctx) != nil
}

// GetInfo returns information about the activity attempt ctx belongs to.
// It panics outside an activity.
func GetInfo(ctx context.Context) Info {
	env := mustEnv(ctx, "GetInfo")
	if o, ok := env.Outbound.(Outbound); ok {
		return o.GetInfo(ctx)
	}
	return getInfo(env)
}

func getInfo(env *actctx.Env) Info {
	info := Info(env.Info)
	info.TaskToken = append([]byte(nil), info.TaskToken...)
	return info
}

// GetLogger returns the activity's logger. Its records carry the activity
// ID and type, the workflow ID and run ID, and the attempt number. It
// panics outside an activity.
func GetLogger(ctx context.Context) *slog.Logger {
	env := mustEnv(ctx, "GetLogger")
	if o, ok := env.Outbound.(Outbound); ok {
		return o.GetLogger(ctx)
	}
	return env.Logger
}

// GetWorkerStopChannel returns a channel that is closed when the worker
// running the activity begins to stop (Worker.Stop): a long activity can
// save its progress (heartbeat details) and return before the grace
// period ends and its context is cancelled. It panics outside an
// activity.
func GetWorkerStopChannel(ctx context.Context) <-chan struct{} {
	return mustEnv(ctx, "GetWorkerStopChannel").WorkerStop
}

// GetMetricsHandler returns the handler for the activity's own metrics:
// the worker's (worker.Options.MetricsHandler) with the activity's
// namespace, task queue, activity type and workflow type as tags, or a
// temporal.NopMetricsHandler when the worker has none. It panics outside
// an activity.
func GetMetricsHandler(ctx context.Context) temporal.MetricsHandler {
	env := mustEnv(ctx, "GetMetricsHandler")
	if o, ok := env.Outbound.(Outbound); ok {
		return o.GetMetricsHandler(ctx)
	}
	return metricsOf(env)
}

func metricsOf(env *actctx.Env) temporal.MetricsHandler {
	if env.Metrics == nil {
		return temporal.NopMetricsHandler{}
	}
	return env.Metrics
}

// GetDataConverter returns the data converter the worker uses for this
// activity's arguments, results and heartbeat details. It panics outside
// an activity.
func GetDataConverter(ctx context.Context) converter.DataConverter {
	return mustEnv(ctx, "GetDataConverter").DataConverter
}

// RecordHeartbeat reports that the activity is alive and records details,
// which a later attempt can read back with GetHeartbeatDetails. It returns
// at once: the worker sends the first heartbeat immediately and batches
// later ones, sending the latest details at most once per throttle
// interval (80% of the heartbeat timeout, or 30s without one, at most
// 60s). Details that cannot be encoded are logged and dropped. Outside an
// activity it does nothing.
func RecordHeartbeat(ctx context.Context, details ...any) {
	env := actctx.From(ctx)
	if env == nil {
		return
	}
	if o, ok := env.Outbound.(Outbound); ok {
		o.RecordHeartbeat(ctx, details...)
		return
	}
	recordHeartbeat(env, details)
}

func recordHeartbeat(env *actctx.Env, details []any) {
	if env.Heartbeat == nil {
		return
	}
	p, err := env.DataConverter.ToPayloads(details...)
	if err != nil {
		env.Logger.Error("activity heartbeat details cannot be encoded; heartbeat dropped", "error", err)
		return
	}
	env.Heartbeat(p)
}

// HasHeartbeatDetails reports whether the previous attempt recorded
// heartbeat details. It reports false outside an activity.
func HasHeartbeatDetails(ctx context.Context) bool {
	env := actctx.From(ctx)
	if env == nil {
		return false
	}
	if o, ok := env.Outbound.(Outbound); ok {
		return o.HasHeartbeatDetails(ctx)
	}
	return len(env.HeartbeatDetails.GetPayloads()) > 0
}

// GetHeartbeatDetails decodes the heartbeat details the previous attempt
// last recorded into ptrs, in order. It returns temporal.ErrNoDetails when
// there are none, and a decoding error when a detail does not fit its
// pointer. It panics outside an activity.
func GetHeartbeatDetails(ctx context.Context, ptrs ...any) error {
	env := mustEnv(ctx, "GetHeartbeatDetails")
	if o, ok := env.Outbound.(Outbound); ok {
		return o.GetHeartbeatDetails(ctx, ptrs...)
	}
	return getHeartbeatDetails(env, ptrs)
}

func getHeartbeatDetails(env *actctx.Env, ptrs []any) error {
	if len(env.HeartbeatDetails.GetPayloads()) == 0 {
		return temporal.ErrNoDetails
	}
	return env.DataConverter.FromPayloads(env.HeartbeatDetails, ptrs...)
}
