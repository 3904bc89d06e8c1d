package directives_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
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
