// Package observability is the example app of `make demo` that shows what
// a worker and a client look like from outside: their SDK metrics, served
// for Prometheus at /metrics by contrib/otel's NewPrometheus, and their
// traces, made by contrib/otel's Tracer and exported with OpenTelemetry.
//
// The workflow, Order, runs an activity, waits for a signal and runs a
// child workflow that runs an activity of its own, so that one trace shows
// every kind of span the Tracer makes for them. Run dials the client,
// starts a worker, runs a number of Order workflows, scrapes its own
// /metrics endpoint and returns what it saw as a Report.
//
// It is a module of its own, like contrib/otel, so that the core module
// keeps no OpenTelemetry dependency.
package observability

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TaskQueue is the task queue the example worker polls unless
// Config.TaskQueue names another.
const TaskQueue = "observability"

// Names of the workflow, activity and signal types.
const (
	OrderWorkflowName    = "Order"
	ShipWorkflowName     = "Ship"
	ReserveActivityName  = "Reserve"
	DispatchActivityName = "Dispatch"
	ApproveSignalName    = "approve"
)

// CheckStockSpanName is the span Reserve starts itself, a child of its
// RunActivity span: activity code sees the Tracer's span in its context.
const CheckStockSpanName = "CheckStock"

// instrumentationName names the tracer of the spans this package starts
// itself (PlaceOrder, CheckStock).
const instrumentationName = "github.com/temporalgen/temporalgen/examples/observability"

// activityOptions returns the options of both activities.
func activityOptions() workflow.ActivityOptions {
	return workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3},
	}
}

// Order reserves stock for an order with the Reserve activity, waits for
// the approve signal (whose argument names the approver) and ships the
// order with a Ship child workflow.
func Order(ctx workflow.Context, orderID string) (string, error) {
	approver, approved := "", false
	err := workflow.SetSignalHandler(ctx, ApproveSignalName, func(_ workflow.Context, args converter.Values) error {
		if err := args.Get(0, &approver); err != nil {
			return err
		}
		approved = true
		return nil
	}, workflow.SignalOptions{Description: "approves the order; the argument names the approver"})
	if err != nil {
		return "", err
	}
	reservation, err := workflow.ExecuteActivity[string](ctx, activityOptions(), ReserveActivityName, orderID).Get(ctx)
	if err != nil {
		return "", err
	}
	if err := workflow.Await(ctx, func() bool { return approved }); err != nil {
		return "", err
	}
	parcel, err := workflow.ExecuteChildWorkflow[string](ctx,
		workflow.ChildWorkflowOptions{WorkflowID: orderID + "-ship"}, ShipWorkflowName, orderID).Get(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s, approved by %s, shipped as %s", reservation, approver, parcel), nil
}

// Ship dispatches an order with the Dispatch activity and returns the
// parcel's id.
func Ship(ctx workflow.Context, orderID string) (string, error) {
	return workflow.ExecuteActivity[string](ctx, activityOptions(), DispatchActivityName, orderID).Get(ctx)
}

// Reserve reserves the stock of an order. It traces its own work in a
// CheckStock span, started from the tracer provider of the span in its
// context (RunActivity's), so it needs no tracer of its own.
func Reserve(ctx context.Context, orderID string) (string, error) {
	tracer := trace.SpanFromContext(ctx).TracerProvider().Tracer(instrumentationName)
	_, span := tracer.Start(ctx, CheckStockSpanName, trace.WithAttributes(attribute.String("order.id", orderID)))
	defer span.End()
	return "stock reserved", nil
}

// Dispatch hands an order to the carrier and returns the parcel's id.
func Dispatch(_ context.Context, orderID string) (string, error) {
	return "parcel-" + orderID, nil
}

// Register registers the example's workflows and activities with w.
func Register(w *worker.Worker) error {
	if err := w.RegisterWorkflow(OrderWorkflowName, Order); err != nil {
		return err
	}
	if err := w.RegisterWorkflow(ShipWorkflowName, Ship); err != nil {
		return err
	}
	if err := w.RegisterActivity(ReserveActivityName, Reserve); err != nil {
		return err
	}
	return w.RegisterActivity(DispatchActivityName, Dispatch)
}
