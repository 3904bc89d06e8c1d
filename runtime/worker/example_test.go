package worker_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

func greet(ctx workflow.Context, name string) (string, error) {
	opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
	return workflow.ExecuteActivity[string](ctx, opts, "Compose", name).Get(ctx)
}

func compose(_ context.Context, name string) (string, error) { return "Hello, " + name, nil }

// Example runs a worker for the "greetings" task queue until ctx is done.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.Dial(ctx, client.Options{}) // TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ...
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer c.Close()
	w := worker.New(c, "greetings", worker.Options{CacheSize: worker.DefaultCacheSize})
	if err := w.RegisterWorkflow("Greet", greet); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	if err := w.RegisterActivity("Compose", compose); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	_ = w.Run(ctx) // polls until ctx is done, then stops gracefully
}

// ExampleReplayer replays a history exported with
// `temporal workflow show -w ID --output json > history.json`.
func ExampleReplayer() {
	r := worker.NewReplayer(worker.ReplayerOptions{})
	if err := r.RegisterWorkflow("Greet", greet); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	if err := r.ReplayHistoryFile("history.json"); err != nil {
		fmt.Fprintln(os.Stderr, "nondeterministic change:", err)
	}
}
