// Command demo runs the hello example end to end: it starts a worker, starts
// a Greeting workflow, waits for its result and prints it. It connects to
// TEMPORAL_ADDRESS (default localhost:7233).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/temporalgen/temporalgen/examples/hello"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

func main() {
	name := flag.String("name", "Temporal", "who to greet")
	pause := flag.Duration("pause", 2*time.Second, "durable timer between the two activities")
	flag.Parse()
	if err := run(*name, *pause); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(name string, pause time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := client.Dial(ctx, client.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer c.Close()

	w := worker.New(c, hello.TaskQueue, worker.Options{CacheSize: worker.DefaultCacheSize})
	if err := hello.Register(w); err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()

	id := fmt.Sprintf("greeting-%d", time.Now().UnixNano())
	h, err := c.StartWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: hello.TaskQueue},
		hello.GreetingWorkflowName, hello.GreetingInput{Name: name, Pause: pause})
	if err != nil {
		return err
	}
	fmt.Printf("started workflow %s (run %s)\n", h.ID(), h.RunID())
	result, err := client.Result[string](ctx, h)
	if err != nil {
		return err
	}
	fmt.Printf("result: %s\n", result)
	return nil
}
