package workflow_test

import (
	"context"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// onBothEnvs runs fn with an environment in process and with one on the
// dev server (testsuite.Options.Server): the same workflow code, both
// ways.
func onBothEnvs(t *testing.T, fn func(t *testing.T, env *testsuite.Env)) {
	t.Run("in-process", func(t *testing.T) { fn(t, testsuite.New(t, testsuite.Options{})) })
	t.Run("server", func(t *testing.T) {
		fn(t, testsuite.New(t, testsuite.Options{Server: &testsuite.Server{HostPort: srv.Address(), Namespace: srv.Namespace()}}))
	})
}

type handleReport struct {
	ID                          string
	DoneBefore, CancelledBefore bool
	DoneAfter, CancelledAfter   bool
	Canceled                    bool // the result is a cancellation
	InWorkflow, InGo            bool
	TimeNsIsNow                 bool
	Instance                    bool
}

type state struct{ n int }

// TestActivityHandleAndHelpers: an activity handle has its id, is not done
// or cancelled while the activity runs, and after Cancel it is both and
// its result is a cancellation; InWorkflow, TimeNs and Instance read the
// workflow's context. In process and on the server.
func TestActivityHandleAndHelpers(t *testing.T) {
	onBothEnvs(t, func(t *testing.T, env *testsuite.Env) {
		testenv.Must(t, env.RegisterActivity("Block", func(ctx context.Context) error {
			for ctx.Err() == nil {
				activity.RecordHeartbeat(ctx)
				select {
				case <-ctx.Done():
				case <-time.After(50 * time.Millisecond): // the heartbeat cadence, not a wait for an event
				}
			}
			return ctx.Err()
		}))
		testenv.Must(t, env.RegisterWorkflow("Handles", func(ctx workflow.Context) (handleReport, error) {
			var r handleReport
			st := &state{n: 1}
			workflow.SetInstance(ctx, st)
			r.Instance = workflow.Instance(ctx) == st
			r.InWorkflow = workflow.InWorkflow(ctx) && !workflow.InWorkflow(context.Background())
			r.TimeNsIsNow = workflow.TimeNs(ctx) == workflow.Now(ctx).UnixNano() && workflow.TimeNs(ctx) > 0
			opts := workflow.ActivityOptions{ActivityID: "blocker", StartToCloseTimeout: time.Minute, HeartbeatTimeout: 2 * time.Second,
				CancellationType: workflow.ActivityCancellationWaitCompleted}
			h := workflow.StartActivity[struct{}](ctx, opts, "Block")
			r.ID = h.ID()
			if err := workflow.Sleep(ctx, time.Second); err != nil { // the activity is running by then
				return r, err
			}
			r.DoneBefore, r.CancelledBefore = h.IsDone(), h.IsCancelled()
			h.Cancel()
			_, err := h.Get(ctx)
			r.Canceled = temporal.IsCanceledError(err)
			r.DoneAfter, r.CancelledAfter = h.IsDone(), h.IsCancelled()
			done := false
			workflow.Go(ctx, func(gctx workflow.Context) { r.InGo = workflow.InWorkflow(gctx); done = true })
			return r, workflow.Await(ctx, func() bool { return done })
		}))
		var r handleReport
		testenv.Must(t, env.ExecuteWorkflow(testsuite.StartOptions{}, "Handles").Get(&r))
		want := handleReport{ID: "blocker", DoneAfter: true, CancelledAfter: true, Canceled: true, InWorkflow: true, InGo: true, TimeNsIsNow: true, Instance: true}
		if r != want {
			t.Errorf("report %+v, want %+v", r, want)
		}
	})
}
