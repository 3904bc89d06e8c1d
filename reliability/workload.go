package reliability

import (
	"context"
	"fmt"
	"time"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Names of the workload's workflow types, activities, signal and update.
const (
	WorkflowType = "ChaosWorkflow"
	ChildType    = "ChaosChild"
	ActivityName = "ChaosActivity"
	LocalName    = "ChaosLocal"
	SignalName   = "bump"
	UpdateName   = "count"
)

// Signals and Updates are how many of each the driver sends every workflow.
const (
	Signals = 5
	Updates = 2
)

// Result is what a workload workflow returns.
type Result struct {
	Activity string `json:"activity"` // the activity's result
	Signals  int    `json:"signals"`  // signals received
	Updates  int    `json:"updates"`  // updates completed
	Child    string `json:"child"`    // the child's result
	Local    string `json:"local"`    // the local activity's result
}

// activityOpts bound an attempt so that one on a killed worker is retried
// elsewhere within seconds.
var activityOpts = workflow.ActivityOptions{
	StartToCloseTimeout: 5 * time.Second,
	RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 200 * time.Millisecond, MaximumInterval: time.Second},
}

var localOpts = workflow.LocalActivityOptions{StartToCloseTimeout: 5 * time.Second}

// Workflow is the workload: it runs an activity, takes Signals signals and
// Updates updates (each update returns the count of updates so far, so
// the driver sees 1 and 2), sleeps on a timer, runs a child workflow and
// a local activity, and returns what it counted.
func Workflow(ctx workflow.Context, name string) (Result, error) {
	var r Result
	if err := workflow.SetSignalHandler(ctx, SignalName, func(workflow.Context, converter.Values) error {
		r.Signals++
		return nil
	}, workflow.SignalOptions{}); err != nil {
		return r, err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateName, func(workflow.Context, converter.Values) (any, error) {
		r.Updates++
		return r.Updates, nil
	}, workflow.UpdateOptions{}); err != nil {
		return r, err
	}
	var err error
	if r.Activity, err = workflow.ExecuteActivity[string](ctx, activityOpts, ActivityName, name).Get(ctx); err != nil {
		return r, err
	}
	if err := workflow.Await(ctx, func() bool { return r.Signals >= Signals && r.Updates >= Updates }); err != nil {
		return r, err
	}
	if err := workflow.Sleep(ctx, time.Second); err != nil {
		return r, err
	}
	if r.Child, err = workflow.ExecuteChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{}, ChildType, name).Get(ctx); err != nil {
		return r, err
	}
	if r.Local, err = workflow.ExecuteLocalActivity[string](ctx, localOpts, LocalName, name).Get(ctx); err != nil {
		return r, err
	}
	return r, nil
}

// Child is the workload's child workflow.
func Child(ctx workflow.Context, name string) (string, error) {
	return "child " + name, nil
}

// Activity is the workload's activity (also run as the local activity).
func Activity(_ context.Context, name string) (string, error) {
	return fmt.Sprintf("done %s", name), nil
}

// Register registers the workload on w.
func Register(w *worker.Worker) error {
	for _, err := range []error{
		w.RegisterWorkflow(WorkflowType, Workflow),
		w.RegisterWorkflow(ChildType, Child),
		w.RegisterActivity(ActivityName, Activity),
		w.RegisterActivity(LocalName, Activity),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
