package testenv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

// WaitTimeout bounds every wait of a test that uses Context.
const WaitTimeout = 60 * time.Second

// pollInterval is how often the polling helpers look again.
const pollInterval = 50 * time.Millisecond

// Context returns a context that ends after WaitTimeout or with the test.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// ForEachCache runs fn as two subtests, "cache" with the sticky cache
// (worker.DefaultCacheSize) and "nocache" without it (CacheSize 0: every
// workflow task replays the whole history).
func ForEachCache(t *testing.T, fn func(t *testing.T, cacheSize int)) {
	t.Helper()
	for _, m := range cacheModes() {
		t.Run(m.name, func(t *testing.T) { fn(t, m.size) })
	}
}

// ForEachCacheParallel is ForEachCache with t and both subtests parallel.
func ForEachCacheParallel(t *testing.T, fn func(t *testing.T, cacheSize int)) {
	t.Helper()
	t.Parallel()
	for _, m := range cacheModes() {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			fn(t, m.size)
		})
	}
}

type cacheMode struct {
	name string
	size int
}

func cacheModes() []cacheMode {
	return []cacheMode{{"cache", worker.DefaultCacheSize}, {"nocache", 0}}
}

// UniqueID returns prefix, with "/" and " " made harmless, and a random
// suffix, so that reruns and subtests never collide.
func UniqueID(prefix string) string {
	return fmt.Sprintf("%s-%08x", strings.NewReplacer("/", "-", " ", "_").Replace(prefix), rand.Uint32())
}

// Must fails the test if err is not nil.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Dial connects a new client to srv (opts.HostPort and opts.Namespace are
// set from it), closed when the test ends.
func Dial(t testing.TB, srv *devserver.Server, opts client.Options) *client.Client {
	t.Helper()
	opts.HostPort, opts.Namespace = srv.Address(), srv.Namespace()
	c, err := client.Dial(Context(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// StartWorker starts a worker on tq after register has registered its
// workflows and activities; it stops when the test ends.
func StartWorker(t testing.TB, c *client.Client, tq string, opts worker.Options, register func(w *worker.Worker)) *worker.Worker {
	t.Helper()
	w := worker.New(c, tq, opts)
	register(w)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return w
}

// Start starts a workflow; an empty opts.ID becomes UniqueID(workflowType)
// and an empty opts.TaskQueue becomes tq.
func Start(t testing.TB, c *client.Client, tq string, opts client.StartWorkflowOptions, workflowType string, args ...any) *client.WorkflowHandle {
	t.Helper()
	if opts.ID == "" {
		opts.ID = UniqueID(workflowType)
	}
	if opts.TaskQueue == "" {
		opts.TaskQueue = tq
	}
	h, err := c.StartWorkflow(Context(t), opts, workflowType, args...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TerminateAtEnd terminates h's workflow when the test ends, if it is
// still running.
func TerminateAtEnd(t testing.TB, h *client.WorkflowHandle) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = h.Terminate(ctx, "test over")
	})
}

// Result waits for the workflow's result; on error it fails the test with
// the workflow's history.
func Result[T any](t testing.TB, h *client.WorkflowHandle) T {
	t.Helper()
	v, err := client.Result[T](Context(t), h)
	if err != nil {
		t.Fatalf("workflow %s: %v\nhistory:\n%s", h.ID(), err, DumpHistory(h))
	}
	return v
}

// Eventually polls cond until it returns true; when ctx ends first it
// fails the test with the last error cond returned.
func Eventually(t testing.TB, ctx context.Context, what string, cond func() (bool, error)) {
	t.Helper()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		ok, err := cond()
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s (last error: %v)", what, err)
		case <-tick.C:
		}
	}
}
