package workflow_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestLocalActivityHandle runs in process: a handle names the local
// activity, and cancelling it during a durable retry backoff ends it
// cancelled.
func TestLocalActivityHandle(t *testing.T) {
	env := testsuite.New(t, testsuite.Options{})
	type report struct {
		ID               string
		DoneEarly, Done  bool
		Cancelled, Other bool
	}
	if err := env.RegisterWorkflow("Handles", func(ctx workflow.Context) (report, error) {
		opts := workflow.LocalActivityOptions{ActivityID: "la-1", StartToCloseTimeout: time.Minute,
			RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Hour}, LocalRetryThreshold: time.Second}
		h := workflow.StartLocalActivity[string](ctx, opts, "Down")
		r := report{ID: h.ID(), DoneEarly: h.IsDone()}
		if err := workflow.Sleep(ctx, 10*time.Minute); err != nil { // the first attempt failed; backing off for an hour
			return r, err
		}
		h.Cancel()
		_, err := h.Get(ctx)
		r.Done, r.Cancelled = h.IsDone(), h.IsCancelled() && temporal.IsCanceledError(err)
		ok := workflow.StartLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute}, "Up")
		s, err := ok.Get(ctx)
		r.Other = err == nil && s == "up" && !ok.IsCancelled()
		return r, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := env.RegisterActivity("Down", func(context.Context) (string, error) { return "", errors.New("down") }); err != nil {
		t.Fatal(err)
	}
	if err := env.RegisterActivity("Up", func(context.Context) (string, error) { return "up", nil }); err != nil {
		t.Fatal(err)
	}
	var r report
	if err := env.ExecuteWorkflow(testsuite.StartOptions{}, "Handles").Get(&r); err != nil {
		t.Fatal(err)
	}
	if want := (report{ID: "la-1", Done: true, Cancelled: true, Other: true}); r != want {
		t.Errorf("report %+v, want %+v", r, want)
	}
}
