package interop

// Shared plumbing: one dev server for the package (TestMain), clients of
// both SDKs, workers of both SDKs, and bounded waits.

import (
	"log/slog"
	"os"
	"testing"

	sdkclient "go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var srv *devserver.Server

func TestMain(m *testing.M) {
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
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
	e := &env{t: t, log: testenv.Logger(t, slog.LevelWarn), ourTQ: testenv.UniqueID("ours-" + t.Name()), sdkTQ: testenv.UniqueID("sdk-" + t.Name())}
	e.ours = testenv.Dial(t, srv, client.Options{Logger: e.log})

	sc, err := sdkclient.DialContext(testenv.Context(t), sdkclient.Options{
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
	testenv.StartWorker(e.t, e.ours, e.ourTQ, worker.Options{CacheSize: cacheSize, Logger: e.log}, register)
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
