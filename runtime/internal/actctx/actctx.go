// Package actctx carries an activity's execution environment inside its
// context.Context.
//
// The activity worker (and, later, the local-activity executor) builds an
// [Env] for every activity attempt and attaches it with [With]; the public
// runtime/activity package reads it back with [From] to serve GetInfo,
// RecordHeartbeat, GetHeartbeatDetails, GetLogger and GetDataConverter.
// Keeping the value here, rather than in either of those packages, lets
// both sides share it without an import cycle and without exposing the
// context key.
package actctx

import (
	"context"
	"errors"
	"log/slog"
	"time"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Info describes one activity attempt. Its fields match those of
// activity.Info one for one, so that package converts it directly.
type Info struct {
	TaskToken              []byte
	WorkflowNamespace      string
	WorkflowID             string
	WorkflowRunID          string
	WorkflowType           string
	ActivityID             string
	ActivityType           string
	TaskQueue              string
	Attempt                int32
	ScheduledTime          time.Time
	StartedTime            time.Time
	Deadline               time.Time
	HeartbeatTimeout       time.Duration
	ScheduleToCloseTimeout time.Duration
	StartToCloseTimeout    time.Duration
	IsLocal                bool
}

// Env is the environment of one running activity attempt. The executor
// fills every field before the activity function runs and does not change
// it afterwards, so readers need no locking.
type Env struct {
	// Info describes the attempt.
	Info Info
	// Heartbeat records heartbeat details that were already encoded with
	// DataConverter. It must return without waiting for the network. Nil
	// means heartbeats are dropped (for example for local activities).
	Heartbeat func(details *commonpb.Payloads)
	// HeartbeatDetails are the details the previous attempt last recorded,
	// nil on a first attempt or when it recorded none.
	HeartbeatDetails *commonpb.Payloads
	// DataConverter encodes heartbeat details and decodes
	// HeartbeatDetails. Never nil.
	DataConverter converter.DataConverter
	// Logger is the activity's logger, already carrying the activity's
	// identifying attributes. Never nil.
	Logger *slog.Logger
	// Metrics is the activity's metrics handler (nil: none), tagged with
	// the activity and workflow types.
	Metrics temporal.MetricsHandler
	// Outbound is the activity.Outbound chain of the attempt's
	// interceptors; nil without interceptors.
	Outbound any
	// WorkerStop is closed when the worker begins to stop (nil: never).
	WorkerStop <-chan struct{}
}

// ErrResultPending is returned by an activity function that will be
// completed later, through the client, by its task token or its IDs. It is
// exported as activity.ErrResultPending; the executors recognise it with
// errors.Is.
var ErrResultPending = errors.New("activity result pending: it will be completed asynchronously through the client")

// key is the unexported context key under which an *Env is stored.
type key struct{}

// With returns a copy of ctx carrying env.
func With(ctx context.Context, env *Env) context.Context {
	return context.WithValue(ctx, key{}, env)
}

// From returns the Env stored in ctx, or nil when ctx does not belong to
// an activity.
func From(ctx context.Context) *Env {
	if ctx == nil {
		return nil
	}
	env, _ := ctx.Value(key{}).(*Env)
	return env
}
