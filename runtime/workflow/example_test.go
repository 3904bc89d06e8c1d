package workflow_test

import (
	"errors"
	"time"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// Order runs a payment activity, waits for an "approve" signal for up to a
// day, and answers "status" queries meanwhile.
func Order(ctx workflow.Context, orderID string) (string, error) {
	status := "charging"
	approved := false
	_ = workflow.SetQueryHandler(ctx, "status", func(workflow.Context, converter.Values) (any, error) {
		return status, nil
	}, workflow.QueryOptions{Description: "where the order is"})
	_ = workflow.SetSignalHandler(ctx, "approve", func(workflow.Context, converter.Values) error {
		approved = true
		return nil
	}, workflow.SignalOptions{})

	opts := workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 5},
	}
	if _, err := workflow.ExecuteActivity[string](ctx, opts, "Charge", orderID).Get(ctx); err != nil {
		var ae *temporal.ApplicationError
		if errors.As(err, &ae) && ae.Type() == "CardDeclined" {
			return "declined", nil
		}
		return "", err
	}
	status = "waiting for approval"
	ok, err := workflow.AwaitWithTimeout(ctx, 24*time.Hour, func() bool { return approved })
	if err != nil {
		return "", err
	}
	if !ok {
		return "expired", nil
	}
	return "approved", nil
}

// Example shows a workflow function using activities, a signal, a query
// and a durable timeout. Register it with a worker:
//
//	w.RegisterWorkflow("Order", Order)
func Example() {
	_ = Order
}
