package replaytest

// The recorder: with -record, TestRecord starts a dev server, runs every
// scenario against a worker hosting the original workflows, and writes
// each execution's history with `temporal workflow show --output json`,
// the way users export histories for their own replay tests:
//
//	go test ./runtime/worker/replaytest/ -run TestRecord -record
//
// Without -record nothing here runs and no server is started.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/examples/hello"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

var record = flag.Bool("record", false, "record testdata/histories again against a dev server (overwrites the files)")

// historiesDir is testdata/histories at the module root.
var historiesDir = filepath.Join("..", "..", "..", "testdata", "histories")

var srv *devserver.Server

func TestMain(m *testing.M) {
	flag.Parse()
	if !*record {
		os.Exit(m.Run())
	}
	os.Exit(devserver.RunMain(m, devserver.Options{}, func(s *devserver.Server) { srv = s }))
}

// recording is one history to write: the execution and the file name
// under historiesDir ("good/x.json" or "bad/x.json").
type recording struct {
	file       string
	workflowID string
	runID      string
}

// recorder is a scenario's world during recording.
type recorder struct {
	t   *testing.T
	ctx context.Context
	c   *client.Client
	tq  string
	out []recording
}

func (r *recorder) start(workflowType string, args ...any) *client.WorkflowHandle {
	r.t.Helper()
	h, err := r.c.StartWorkflow(r.ctx, client.StartWorkflowOptions{
		ID:        fmt.Sprintf("%s-%08x", workflowType, rand.Uint32()),
		TaskQueue: r.tq,
	}, workflowType, args...)
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// wait waits for the workflow to close (successfully or not).
func (r *recorder) wait(h *client.WorkflowHandle) {
	r.t.Helper()
	err := h.Get(r.ctx, nil)
	r.t.Logf("%s closed: %v", h.ID(), err)
	if r.ctx.Err() != nil {
		r.t.Fatalf("%s: %v", h.ID(), r.ctx.Err())
	}
}

func (r *recorder) keep(file string, h *client.WorkflowHandle) {
	r.out = append(r.out, recording{file: file, workflowID: h.ID(), runID: h.RunID()})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// scenarios run the original workflows; each keeps the executions to save.
var scenarios = []struct {
	name string
	run  func(r *recorder)
}{
	{"greeting", func(r *recorder) {
		for _, file := range []string{"good/greeting.json", "bad/greeting.json"} {
			h := r.start(hello.GreetingWorkflowName, hello.GreetingInput{Name: "World", Pause: 200 * time.Millisecond})
			r.wait(h)
			r.keep(file, h)
		}
	}},
	{"messages", func(r *recorder) {
		for _, file := range []string{"good/messages.json", "bad/messages.json"} {
			h := r.start("Messages", 1)
			must(r.t, h.Signal(r.ctx, "add", 2))
			if _, err := client.Query[int](r.ctx, h, "total"); err != nil {
				r.t.Fatal(err)
			}
			if _, err := client.ExecuteUpdate[int](r.ctx, h, "set", 10); err != nil {
				r.t.Fatal(err)
			}
			if _, err := client.ExecuteUpdate[int](r.ctx, h, "set", -1); err == nil {
				r.t.Fatal("the validator accepted -1")
			}
			must(r.t, h.Signal(r.ctx, "add", 5))
			must(r.t, h.Signal(r.ctx, "done"))
			r.wait(h)
			r.keep(file, h)
		}
		// An open execution: recorded while it waits for "done".
		h := r.start("Messages", 1)
		must(r.t, h.Signal(r.ctx, "add", 2))
		if _, err := client.ExecuteUpdate[int](r.ctx, h, "set", 7); err != nil {
			r.t.Fatal(err)
		}
		if v, err := client.Query[int](r.ctx, h, "total"); err != nil || v != 7 {
			r.t.Fatalf("total %d, %v", v, err)
		}
		r.keep("good/messages_open.json", h)
	}},
	{"child", func(r *recorder) {
		h := r.start("Parent", "Kid")
		r.wait(h)
		r.keep("good/child_parent.json", h)
		hist, err := h.FetchHistory(r.ctx)
		must(r.t, err)
		n := 0
		for _, e := range hist.GetEvents() {
			if a := e.GetChildWorkflowExecutionCompletedEventAttributes(); a != nil {
				n++
				// The second child waited for a signal.
				if n == 2 {
					r.out = append(r.out, recording{file: "good/child_child.json", workflowID: a.GetWorkflowExecution().GetWorkflowId(), runID: a.GetWorkflowExecution().GetRunId()})
				}
			}
		}
		h = r.start("Parent", "Kid")
		r.wait(h)
		r.keep("bad/child_parent.json", h)
	}},
	{"continue_as_new", func(r *recorder) {
		for _, prefix := range []string{"good", "bad"} {
			h := r.start("Looper", 1, 3)
			r.wait(h)
			r.out = append(r.out, recording{file: prefix + "/continue_as_new_first.json", workflowID: h.ID(), runID: h.RunID()})
			if prefix == "good" {
				last := r.c.GetWorkflow(h.ID(), "")
				d, err := last.Describe(r.ctx)
				must(r.t, err)
				r.out = append(r.out, recording{file: "good/continue_as_new_last.json", workflowID: h.ID(), runID: d.Info().GetExecution().GetRunId()})
			}
		}
	}},
	{"local_activity_backoff", func(r *recorder) {
		for _, file := range []string{"good/local_activity_backoff.json", "bad/local_activity_backoff.json"} {
			h := r.start("LocalBackoff")
			r.wait(h)
			r.keep(file, h)
		}
	}},
	{"patch", func(r *recorder) {
		// Generation 1 runs on a worker of its own.
		w := worker.New(r.c, r.tq+"-gen1", worker.Options{CacheSize: worker.DefaultCacheSize, Logger: slog.New(slog.DiscardHandler)})
		must(r.t, w.RegisterWorkflow("Patched", patchGen(1)))
		must(r.t, registerActivities(w))
		must(r.t, w.Start())
		defer w.Stop()
		for _, file := range []string{"good/patch_gen1.json", "bad/patch_gen1.json"} {
			h, err := r.c.StartWorkflow(r.ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("Patched-gen1-%08x", rand.Uint32()), TaskQueue: r.tq + "-gen1"}, "Patched", "old")
			must(r.t, err)
			r.wait(h)
			r.keep(file, h)
		}
		h := r.start("Patched", "new")
		r.wait(h)
		r.keep("good/patch_gen2.json", h)
	}},
	{"fanout", func(r *recorder) {
		for _, file := range []string{"good/fanout.json", "bad/fanout.json"} {
			h := r.start("FanOut", "n")
			r.wait(h)
			r.keep(file, h)
		}
	}},
	{"failed", func(r *recorder) {
		h := r.start("Failing", "F")
		r.wait(h)
		r.keep("good/failed.json", h)
	}},
	{"cancelled", func(r *recorder) {
		for _, file := range []string{"good/cancelled.json", "bad/cancelled.json"} {
			h := r.start("Cancellable")
			waitFor(r, h, enumspb.EVENT_TYPE_TIMER_STARTED)
			must(r.t, h.Cancel(r.ctx))
			r.wait(h)
			r.keep(file, h)
		}
	}},
}

// waitFor polls h's history until an event of type et is in it.
func waitFor(r *recorder, h *client.WorkflowHandle, et enumspb.EventType) {
	r.t.Helper()
	for {
		hist, err := h.FetchHistory(r.ctx)
		must(r.t, err)
		for _, e := range hist.GetEvents() {
			if e.EventType == et {
				return
			}
		}
		select {
		case <-r.ctx.Done():
			r.t.Fatalf("%s: no %s event", h.ID(), et)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestRecord(t *testing.T) {
	if !*record {
		t.Skip("run with -record to record testdata/histories against a dev server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := client.Dial(ctx, client.Options{HostPort: srv.Address(), Namespace: srv.Namespace(), Logger: slog.New(slog.DiscardHandler)})
	must(t, err)
	defer c.Close()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			tq := fmt.Sprintf("record-%s-%08x", sc.name, rand.Uint32())
			w := worker.New(c, tq, worker.Options{CacheSize: worker.DefaultCacheSize, Logger: slog.New(slog.DiscardHandler)})
			must(t, registerOriginals(w))
			must(t, registerActivities(w))
			must(t, w.Start())
			defer w.Stop()
			r := &recorder{t: t, ctx: ctx, c: c, tq: tq}
			sc.run(r)
			for _, rec := range r.out {
				out, err := srv.CLI(ctx, "workflow", "show", "-w", rec.workflowID, "-r", rec.runID, "--output", "json")
				must(t, err)
				if !json.Valid(out) {
					t.Fatalf("%s: the CLI wrote invalid JSON", rec.file)
				}
				if _, err := worker.ParseHistoryJSON(out); err != nil {
					t.Fatalf("%s: %v", rec.file, err)
				}
				path := filepath.Join(historiesDir, filepath.FromSlash(rec.file))
				must(t, os.MkdirAll(filepath.Dir(path), 0o755))
				must(t, os.WriteFile(path, out, 0o644))
				t.Logf("wrote %s (%s run %s)", path, rec.workflowID, rec.runID)
			}
			// The replayer also reads them straight from the server.
			rp := worker.NewReplayer(worker.ReplayerOptions{})
			must(t, registerOriginals(rp))
			for _, rec := range r.out {
				if err := rp.ReplayWorkflow(ctx, c, rec.workflowID, rec.runID); err != nil {
					t.Errorf("%s: %v", rec.file, err)
				}
			}
			// Open executions are closed once recorded.
			for _, rec := range r.out {
				_ = c.GetWorkflow(rec.workflowID, rec.runID).Terminate(ctx, "recorded")
			}
		})
	}
}
