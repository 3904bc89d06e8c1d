package directives_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/temporalgen/temporalgen/gen"
	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/internal/itest/directives"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var srv *devserver.Server

func TestMain(m *testing.M) {
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
}

// TestGeneratedIsCurrent: the committed generated files are what go
// generate writes.
func TestGeneratedIsCurrent(t *testing.T) {
	res, err := gen.Generate(gen.Config{Patterns: []string{"."}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Error(e)
	}
	for _, f := range res.Files {
		committed, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(committed, f.Content) {
			t.Errorf("%s is stale: run go generate ./runtime/internal/itest/directives", filepath.Base(f.Path))
		}
	}
}

// TestDirectivesOnServer runs the generated Tally on the dev server, with
// the cache and without: name= names the workflow type; init runs before
// a signal sent with signal-with-start reaches its handler; of the
// handlers still running when the workflow returns, only the one without
// unfinished=abandon is warned about.
func TestDirectivesOnServer(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		var logs testenv.LogBuffer
		log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
		c := testenv.Dial(t, srv, client.Options{Logger: log})
		tq := testenv.UniqueID("tq-" + t.Name())
		testenv.StartWorker(t, c, tq, worker.Options{CacheSize: cacheSize, Logger: log}, func(w *worker.Worker) {
			testenv.Must(t, directives.RegisterCounter(w))
		})
		ctx := testenv.Context(t)
		h, err := directives.SignalWithStartCounterAdd(ctx, c, client.StartWorkflowOptions{TaskQueue: tq}, directives.Input{Start: 100}, 5)
		testenv.Must(t, err)
		testenv.Must(t, h.Add(ctx, 2))
		testenv.Must(t, h.Linger(ctx))
		testenv.Must(t, h.Stall(ctx))
		held, err := h.StartHold(ctx, client.UpdateStageAccepted)
		testenv.Must(t, err)
		testenv.Must(t, h.Stop(ctx))
		rep, err := h.Result(ctx)
		testenv.Must(t, err)
		if want := (directives.Report{Total: 107, InitBeforeSignal: true, Type: "Tally"}); rep != want {
			t.Errorf("report %+v, want %+v", rep, want)
		}
		if d, err := h.Describe(ctx); err != nil || d.WorkflowType != "Tally" {
			t.Errorf("described type %v (%v), want Tally", d, err)
		}
		if _, err := held.Get(ctx); err == nil {
			t.Error("the abandoned update's caller got no error")
		}
		warnings := logs.Lines("TMPRL1102")
		if len(warnings) != 1 || !strings.Contains(warnings[0], "Stall") || strings.Contains(warnings[0], "Linger") || strings.Contains(warnings[0], "Hold") {
			t.Errorf("TMPRL1102 warnings %q, want one naming Stall only", warnings)
		}
	})
}

// TestDynamicWorkflowRawArguments: the generated dynamic workflow gets
// every argument undecoded, whatever the type and number: through the
// typed client, the untyped client and `temporal workflow start --type`.
func TestDynamicWorkflowRawArguments(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		log := testenv.Logger(t, slog.LevelWarn)
		c := testenv.Dial(t, srv, client.Options{Logger: log})
		tq := testenv.UniqueID("tq-" + t.Name())
		testenv.StartWorker(t, c, tq, worker.Options{CacheSize: cacheSize, Logger: log}, func(w *worker.Worker) {
			testenv.Must(t, directives.RegisterEcho(w))
		})
		ctx := testenv.Context(t)
		check := func(how string, h *client.WorkflowHandle, wantType string, wantArgs ...string) {
			t.Helper()
			var rep directives.EchoReport
			testenv.Must(t, h.Get(ctx, &rep))
			if rep.Type != wantType || !slices.Equal(rep.Args, wantArgs) {
				t.Errorf("%s: got %+v, want type %s args %q", how, rep, wantType, wantArgs)
			}
		}
		typed, err := directives.StartEcho(ctx, c, client.StartWorkflowOptions{TaskQueue: tq}, "Typed", "a string", 7, map[string]int{"k": 1})
		testenv.Must(t, err)
		check("typed client", typed.Untyped(), "Typed", `"a string"`, `7`, `{"k":1}`)

		untyped, err := c.StartWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: tq}, "Untyped", "only")
		testenv.Must(t, err)
		check("untyped client", untyped, "Untyped", `"only"`)

		id := testenv.UniqueID("cli")
		out, err := srv.CLI(ctx, "workflow", "start", "--type", "anything", "--task-queue", tq, "--workflow-id", id,
			"--input", `"hello"`, "--input", `[1,2]`)
		if err != nil {
			t.Fatalf("temporal workflow start: %v\n%s", err, out)
		}
		check("temporal workflow start", c.GetWorkflow(id, ""), "anything", `"hello"`, `[1,2]`)
	})
}
