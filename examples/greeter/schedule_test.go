package greeter_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/temporalgen/temporalgen/examples/greeter"
	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
)

// TestGreeterSchedule schedules Greeter workflows through the generated
// ScheduleGreeter and GreeterScheduleAction: the input is a GreetInput,
// checked by the compiler, and comes back typed from Describe.
func TestGreeterSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the dev server; run without -short")
	}
	ctx := testenv.Context(t)
	log := testenv.Logger(t, slog.LevelWarn)
	c := testenv.Dial(t, srv, client.Options{Logger: log})
	tq := strings.ReplaceAll(testenv.UniqueID("greetings-"+t.Name()), "/", "-")
	testenv.StartWorker(t, c, tq, worker.Options{CacheSize: worker.DefaultCacheSize, Logger: log}, func(w *worker.Worker) {
		testenv.Must(t, greeter.Register(w, &greeter.Activities{Punctuation: "!"}))
	})

	// No times in the spec: the schedule acts when triggered, the first
	// time right away.
	id := testenv.UniqueID("greeter-schedule")
	h, err := greeter.ScheduleGreeter(ctx, c, client.ScheduleOptions{
		ID:                 id,
		Action:             &client.ScheduleWorkflowAction{ID: id + "-run", TaskQueue: tq},
		TriggerImmediately: true,
	}, greeter.GreetInput{Greeting: "Hello", Expect: 1})
	testenv.Must(t, err)
	t.Cleanup(func() { _ = h.Delete(context.Background()) })

	run := waitRun(t, ctx, h, 1)
	g := greeter.GetGreeter(c, run.WorkflowID, run.FirstExecutionRunID)
	testenv.Must(t, g.AddName(ctx, "ada"))
	if out, err := g.Result(ctx); err != nil || out != "HELLO, ADA!" {
		t.Fatalf("first run: %q, %v", out, err)
	}

	// The described action decodes into the workflow's input type; a typed
	// Update replaces it, keeping the action's other options.
	d, err := h.Describe(ctx)
	testenv.Must(t, err)
	var in greeter.GreetInput
	if err := d.Schedule.Action.DecodeArgs(&in); err != nil || in != (greeter.GreetInput{Greeting: "Hello", Expect: 1}) {
		t.Fatalf("described input %+v, %v", in, err)
	}
	if d.Schedule.Action.WorkflowType != greeter.GreeterWorkflowName || d.Schedule.Action.TaskQueue != tq {
		t.Errorf("action %+v", d.Schedule.Action)
	}
	err = h.Update(ctx, func(d *client.ScheduleDescription) (*client.ScheduleUpdate, error) {
		s := d.Schedule
		s.Action = greeter.GreeterScheduleAction(*s.Action, greeter.GreetInput{Greeting: "Bye", Expect: 1})
		return &client.ScheduleUpdate{Schedule: s}, nil
	})
	testenv.Must(t, err)
	testenv.Must(t, h.Trigger(ctx, client.ScheduleTriggerOptions{}))
	run = waitRun(t, ctx, h, 2)
	if !strings.HasPrefix(run.WorkflowID, id+"-run-") {
		t.Errorf("workflow ID %q does not start with the action's ID", run.WorkflowID)
	}
	g = greeter.GetGreeter(c, run.WorkflowID, run.FirstExecutionRunID)
	testenv.Must(t, g.AddName(ctx, "grace"))
	if out, err := g.Result(ctx); err != nil || out != "BYE, GRACE!" {
		t.Fatalf("second run: %q, %v", out, err)
	}
}

// waitRun describes h until it has taken n actions and returns the
// workflow of the last one.
func waitRun(t *testing.T, ctx context.Context, h *client.ScheduleHandle, n int) client.ScheduleWorkflowExecution {
	t.Helper()
	var last client.ScheduleWorkflowExecution
	testenv.Eventually(t, ctx, "the schedule's action", func() (bool, error) {
		d, err := h.Describe(ctx)
		if err != nil {
			return false, err
		}
		if len(d.Info.RecentActions) < n {
			return false, nil
		}
		last = d.Info.RecentActions[len(d.Info.RecentActions)-1].Workflow
		return true, nil
	})
	return last
}
