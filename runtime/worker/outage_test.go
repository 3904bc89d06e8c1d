package worker_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// outage is how long TestServerOutage keeps the server down: long enough
// for every poller's backoff to reach its cap.
const outage = 30 * time.Second

// TestServerOutage kills the server (SIGKILL) with a workflow in flight,
// keeps it down for 30 s and restarts it on its database file. The worker
// must stay up and pick up work again soon after the server answers (the
// bound asserted here is loose; the test logs the figures), and a client
// call made during the outage must end within its deadline with an error
// that says what happened.
func TestServerOutage(t *testing.T) {
	own, err := devserver.Start(devserver.Options{DBFile: filepath.Join(t.TempDir(), "db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = own.Stop() })
	log := testenv.Logger(t, slog.LevelError)
	c := testenv.Dial(t, own, client.Options{Logger: log})
	tq := testenv.UniqueID("tq-outage")

	// The activity records when it first runs after the restart.
	var back atomic.Pointer[time.Time]
	var ranAfter atomic.Pointer[time.Time]
	stamp := func(_ context.Context, s string) (string, error) {
		if b := back.Load(); b != nil {
			now := time.Now()
			ranAfter.CompareAndSwap(nil, &now)
		}
		return "stamped " + s, nil
	}
	waitThenStamp := func(ctx workflow.Context) (string, error) {
		var s string
		if err := workflow.SetSignalHandler(ctx, "go", func(_ workflow.Context, args converter.Values) error {
			return args.Get(0, &s)
		}, workflow.SignalOptions{}); err != nil {
			return "", err
		}
		if err := workflow.Await(ctx, func() bool { return s != "" }); err != nil {
			return "", err
		}
		return workflow.ExecuteActivity[string](ctx, echoOpts, "Stamp", s).Get(ctx)
	}
	testenv.StartWorker(t, c, tq, worker.Options{Logger: log}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("WaitThenStamp", waitThenStamp))
		testenv.Must(t, w.RegisterActivity("Stamp", stamp))
	})
	ctx := testenv.Context(t)
	inFlight := testenv.Start(t, c, tq, client.StartWorkflowOptions{}, "WaitThenStamp")
	// The first workflow task has run: the workflow waits for its signal.
	testenv.WaitHistory(t, inFlight, "first workflow task completed", testenv.HasEvent(enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED))

	if err := own.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()

	// A call during the outage ends within its deadline, saying why.
	const deadline = 3 * time.Second
	cctx, cancel := context.WithTimeout(ctx, deadline)
	t0 := time.Now()
	err = inFlight.Signal(cctx, "go", "early")
	took := time.Since(t0)
	cancel()
	if err == nil {
		t.Fatal("signal to a killed server succeeded")
	}
	if took > deadline+time.Second {
		t.Errorf("signal during the outage returned after %v, deadline %v", took, deadline)
	}
	if msg := err.Error(); !strings.Contains(msg, "Unavailable") || !strings.Contains(msg, "gave up after") {
		t.Errorf("signal during the outage: %q does not say the server was unavailable and the call gave up", msg)
	}
	t.Logf("signal during the outage failed after %v: %v", took.Round(time.Millisecond), err)

	// The outage itself: nothing to wait for but time.
	time.Sleep(outage - time.Since(killed))
	if err := own.Restart(); err != nil {
		t.Fatal(err)
	}
	answering := time.Now()
	back.Store(&answering)

	// A call made once the server answers succeeds.
	if err := inFlight.Signal(ctx, "go", "late"); err != nil {
		t.Fatalf("signal after the restart: %v", err)
	}
	signalled := time.Since(answering)
	if got := testenv.Result[string](t, inFlight); got != "stamped late" {
		t.Errorf("result = %q, want %q", got, "stamped late")
	}
	resumed := ranAfter.Load().Sub(answering)
	t.Logf("server down %v; after it answered: signal accepted in %v, activity ran in %v",
		answering.Sub(killed).Round(time.Millisecond), signalled.Round(time.Millisecond), resumed.Round(time.Millisecond))
	if resumed > 5*time.Second {
		t.Errorf("the worker took %v after the server was back to run the workflow's activity, want under 5s", resumed)
	}

	// New work goes through as well.
	h := testenv.Start(t, c, tq, client.StartWorkflowOptions{}, "WaitThenStamp")
	testenv.Must(t, h.Signal(ctx, "go", "new"))
	if got := testenv.Result[string](t, h); got != "stamped new" {
		t.Errorf("new workflow result = %q", got)
	}
}
