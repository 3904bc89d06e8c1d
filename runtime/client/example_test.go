package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// This example needs a running server and a worker for the "orders" task
// queue, so it is compiled but not run.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	c, err := client.Dial(ctx, client.Options{}) // $TEMPORAL_ADDRESS or localhost:7233
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	h, err := c.StartWorkflow(ctx, client.StartWorkflowOptions{
		ID:               "order-42",
		TaskQueue:        "orders",
		SearchAttributes: map[string]any{"CustomKeywordField": "priority"},
	}, "ProcessOrder", "order-42", 3)
	var already *client.WorkflowAlreadyStartedError
	switch {
	case errors.As(err, &already):
		h = c.GetWorkflow(already.WorkflowID, already.RunID)
	case err != nil:
		log.Fatal(err)
	}

	receipt, err := client.Result[string](ctx, h)
	var wee *temporal.WorkflowExecutionError
	var term *temporal.TerminatedError
	switch {
	case errors.As(err, &term):
		fmt.Println("terminated by an operator")
	case errors.As(err, &wee):
		fmt.Println("workflow failed:", wee.Unwrap())
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println("receipt:", receipt)
	}
}
