package greeter_test

// End-to-end test of the generated API against a real Temporal dev
// server (runtime/testsuite/devserver; the binary is ./bin/temporal of the module
// or $TEMPORAL_CLI). Everything goes through the typed functions and
// handles of greeter_temporal.go: no workflow, signal, query, update or
// activity name appears here.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/examples/greeter"
	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var srv *devserver.Server

// TestMain starts the dev server, except with -short: then only the unit
// tests (unit_test.go, on the in-process test environment) run, on a
// machine with no server and no temporal binary.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
}

// TestGreeter runs the example with the sticky cache on and with cache
// size 0 (every workflow task replays the whole history).
func TestGreeter(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the dev server; run without -short")
	}
	testenv.ForEachCache(t, testGreeter)
}

func testGreeter(t *testing.T, cacheSize int) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	log := testenv.Logger(t, slog.LevelWarn)
	c, err := client.Dial(ctx, client.Options{HostPort: srv.Address(), Namespace: srv.Namespace(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	// A task queue of its own, so that the two subtests do not share
	// workers; the workflows' default (greetings) is overridden below.
	tq := fmt.Sprintf("greetings-%s-%08x", t.Name(), rand.Uint32())
	tq = strings.ReplaceAll(tq, "/", "-")
	w := worker.New(c, tq, worker.Options{CacheSize: cacheSize, Logger: log})
	if err := greeter.Register(w, &greeter.Activities{Punctuation: "!"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	id := fmt.Sprintf("greeter-%08x", rand.Uint32())
	h, err := greeter.StartGreeter(ctx, c, client.StartWorkflowOptions{ID: id, TaskQueue: tq}, greeter.GreetInput{Greeting: "Hello", Expect: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = h.Terminate(context.Background(), "test over") }()

	// Signal, then query until the signal shows.
	if err := h.AddName(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	waitNames(ctx, t, h, []string{"ada"})

	// A signal whose argument does not decode into the parameter type is
	// logged and dropped; the workflow carries on.
	if err := h.Untyped().Signal(ctx, greeter.GreeterAddNameSignalName, 42); err != nil {
		t.Fatal(err)
	}

	// An update the validator accepts.
	n, err := h.Rename(ctx, greeter.Rename{From: "ada", To: "Ada"})
	if err != nil || n != 1 {
		t.Fatalf("Rename = %d, %v; want 1, nil", n, err)
	}

	// An update the validator rejects: a typed *client.UpdateFailedError
	// carrying the validator's message, and the workflow is unaffected.
	_, err = h.Rename(ctx, greeter.Rename{From: "nobody", To: "x"})
	var ufe *client.UpdateFailedError
	if !errors.As(err, &ufe) || !strings.Contains(err.Error(), "no such name") {
		t.Fatalf("rejected Rename: %v (%T), want an UpdateFailedError about the unknown name", err, err)
	}

	// The same update through StartRename/GetRename and a typed handle.
	uh, err := h.StartRename(ctx, greeter.Rename{From: "Ada", To: "Ada L."}, client.UpdateStageAccepted)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := h.GetRename(uh.ID()).Get(ctx); err != nil || n != 1 {
		t.Fatalf("GetRename(%q).Get = %d, %v; want 1, nil", uh.ID(), n, err)
	}
	waitNames(ctx, t, h, []string{"Ada L."})

	// The second name completes the workflow: the Compose activity method
	// (through ComposeActivity) greets each name, the Shouter child
	// (through StartShouterChild) shouts them with the Shout local
	// activity.
	if err := h.AddName(ctx, "grace"); err != nil {
		t.Fatal(err)
	}
	got, err := h.Result(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := "HELLO, ADA L.! HELLO, GRACE!"; got != want {
		t.Errorf("result %q, want %q", got, want)
	}

	// A handle from GetGreeter sees the same, finished workflow.
	again := greeter.GetGreeter(c, h.ID(), "")
	desc, err := again.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if desc.Status != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED || desc.WorkflowType != greeter.GreeterWorkflowName {
		t.Errorf("Describe: status %s, type %q", desc.Status, desc.WorkflowType)
	}
	if got2, err := again.Result(ctx); err != nil || got2 != got {
		t.Errorf("GetGreeter(...).Result = %q, %v", got2, err)
	}
	// Signal-with-start starts a second workflow and delivers its first
	// name before the run method looks.
	h2, err := greeter.SignalWithStartGreeterAddName(ctx, c, client.StartWorkflowOptions{ID: id + "-sws", TaskQueue: tq},
		greeter.GreetInput{Greeting: "Hi", Expect: 1}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := h2.Result(ctx); err != nil || got != "HI, BOB!" {
		t.Errorf("signal-with-start: result %q, %v", got, err)
	}

	children := 0
	for ev, err := range again.Untyped().History(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.GetEventType() == enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED {
			children++
		}
	}
	if children != 1 {
		t.Errorf("%d completed child workflows in the history, want 1", children)
	}
}

// waitNames queries until the workflow's names equal want.
func waitNames(ctx context.Context, t *testing.T, h *greeter.GreeterHandle, want []string) {
	t.Helper()
	var got []string
	var err error
	for {
		if got, err = h.Names(ctx); err == nil && slices.Equal(got, want) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("Names = %q, %v; want %q", got, err, want)
		case <-time.After(50 * time.Millisecond): // poll interval
		}
	}
}
