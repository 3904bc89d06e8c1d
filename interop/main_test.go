package interop

// Shared plumbing: one dev server for the package (TestMain), clients of
// both SDKs, workers of both SDKs, and bounded waits.

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	sdkclient "go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/temporalgen/temporalgen/internal/devserver"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var srv *devserver.Server

func TestMain(m *testing.M) {
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
}

// waitTimeout bounds every wait of a test.
const waitTimeout = 60 * time.Second

// testCtx returns a context that ends after waitTimeout or with the test.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

func uniqueID(prefix string) string {
	return fmt.Sprintf("%s-%08x", strings.NewReplacer("/", "-", " ", "_").Replace(prefix), rand.Uint32())
}

// forEachCache runs fn as two subtests: our worker with the sticky cache
// and without it (every workflow task replays the whole history).
func forEachCache(t *testing.T, fn func(t *testing.T, cacheSize int)) {
	t.Helper()
	for _, tc := range []struct {
		name string
		size int
	}{{"cache", worker.DefaultCacheSize}, {"nocache", 0}} {
		t.Run(tc.name, func(t *testing.T) { fn(t, tc.size) })
	}
}

// testLogger returns a logger that writes warnings and errors to t.Log
// until the test ends (worker goroutines may outlive it).
func testLogger(t *testing.T) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// env is one (sub)test's world: a client of each SDK and a task queue for
// each SDK's worker.
type env struct {
	t     *testing.T
	log   *slog.Logger
	ours  *client.Client
	sdk   sdkclient.Client
	ourTQ string // served by our worker
	sdkTQ string // served by the sdk-go worker
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, log: testLogger(t), ourTQ: uniqueID("ours-" + t.Name()), sdkTQ: uniqueID("sdk-" + t.Name())}
	c, err := client.Dial(testCtx(t), client.Options{
		HostPort:  srv.Address(),
		Namespace: srv.Namespace(),
		Logger:    e.log,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	e.ours = c

	sc, err := sdkclient.DialContext(testCtx(t), sdkclient.Options{
		HostPort:  srv.Address(),
		Namespace: srv.Namespace(),
		Logger:    sdklog.NewStructuredLogger(e.log),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sc.Close)
	e.sdk = sc
	return e
}

// ourWorker starts our worker on e.ourTQ; it stops when the test ends.
func (e *env) ourWorker(cacheSize int, register func(w *worker.Worker)) {
	e.t.Helper()
	w := worker.New(e.ours, e.ourTQ, worker.Options{CacheSize: cacheSize, Logger: e.log})
	register(w)
	if err := w.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(w.Stop)
}

// sdkWorker starts an sdk-go worker on e.sdkTQ; it stops when the test
// ends.
func (e *env) sdkWorker(register func(w sdkworker.Worker)) {
	e.t.Helper()
	w := sdkworker.New(e.sdk, e.sdkTQ, sdkworker.Options{})
	register(w)
	if err := w.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(w.Stop)
}

// must fails the test on a registration error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
