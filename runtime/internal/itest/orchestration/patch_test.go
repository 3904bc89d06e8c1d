package orchestration_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

const patchID = "use-new-step"

// patchGen returns generation gen of a workflow that runs one activity
// step, waits for the "go" signal and returns which path it took:
//
//	1: before the patch: the Old step
//	2: Patched: the New step if patched, else the Old step
//	3: DeprecatePatch: the New step
//	4: patch removed: the New step
func patchGen(gen int) func(ctx workflow.Context) (string, error) {
	return func(ctx workflow.Context) (string, error) {
		step := "Old"
		switch gen {
		case 2:
			if workflow.Patched(ctx, patchID) {
				step = "New"
			}
		case 3:
			workflow.DeprecatePatch(ctx, patchID)
			step = "New"
		case 4:
			step = "New"
		}
		if _, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, step).Get(ctx); err != nil {
			return "", err
		}
		goSignal := false
		if err := workflow.SetSignalHandler(ctx, "go", setFlag(&goSignal), workflow.SignalOptions{}); err != nil {
			return "", err
		}
		if err := workflow.Await(ctx, func() bool { return goSignal }); err != nil {
			return "", err
		}
		return step, nil
	}
}

// patchMarkers returns the (id, deprecated) of the patch markers.
func patchMarkers(t *testing.T, evs []*historypb.HistoryEvent) []string {
	var out []string
	for _, m := range markers(evs, "core_patch") {
		var d struct {
			ID         string `json:"id"`
			Deprecated bool   `json:"deprecated"`
		}
		ps := m.GetMarkerRecordedEventAttributes().GetDetails()["patch-data"].GetPayloads()
		if len(ps) == 0 || json.Unmarshal(ps[0].GetData(), &d) != nil {
			t.Errorf("patch marker %d without readable patch-data", m.EventId)
			continue
		}
		s := d.ID
		if d.Deprecated {
			s += " (deprecated)"
		}
		out = append(out, s)
	}
	return out
}

func activityTypes(evs []*historypb.HistoryEvent) []string {
	var out []string
	for _, ev := range evs {
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			out = append(out, a.GetActivityType().GetName())
		}
	}
	return out
}

// TestPatchGenerations runs each workflow generation on its own worker:
// a workflow started on one generation is blocked, the worker is replaced
// by the next generation's, and the workflow finishes there, replaying
// the earlier generation's history.
func TestPatchGenerations(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		startGen := func(gen int) *worker.Worker {
			return e.workerOn(e.tq, worker.Options{}, func(w *worker.Worker) {
				testenv.Must(t, w.RegisterWorkflow("Patchy", patchGen(gen)))
				for _, step := range []string{"Old", "New"} {
					testenv.Must(t, w.RegisterActivity(step, func(context.Context) (string, error) { return step, nil }))
				}
			})
		}
		startBlocked := func() *client.WorkflowHandle {
			h := e.start("Patchy")
			testenv.WaitHistory(t, h, "the workflow to wait for its signal", settled(enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 1))
			return h
		}
		finish := func(h *client.WorkflowHandle, want string) []*historypb.HistoryEvent {
			t.Helper()
			testenv.Must(t, h.Signal(testenv.Context(t), "go"))
			if got := testenv.Result[string](t, h); got != want {
				t.Errorf("workflow %s took the %s path, want %s; history:\n%s", h.ID(), got, want, testenv.DumpHistory(h))
			}
			evs := testenv.History(t, h)
			if n := testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED); n != 0 {
				t.Errorf("workflow %s: %d failed workflow tasks:\n%s", h.ID(), n, testenv.FormatHistory(evs))
			}
			return evs
		}

		w1 := startGen(1)
		h1 := startBlocked()
		w1.Stop()

		w2 := startGen(2)
		h2 := startBlocked()
		evs := finish(h1, "Old") // generation-1 history on generation-2 code
		if m, a := patchMarkers(t, evs), activityTypes(evs); len(m) != 0 || !slices.Equal(a, []string{"Old"}) {
			t.Errorf("generation-1 workflow on generation 2: markers %v, activities %v; want none, [Old]", m, a)
		}
		w2.Stop()

		w3 := startGen(3)
		h3 := startBlocked()
		evs = finish(h2, "New") // generation-2 history on generation-3 code
		if m, a := patchMarkers(t, evs), activityTypes(evs); !slices.Equal(m, []string{patchID}) || !slices.Equal(a, []string{"New"}) {
			t.Errorf("generation-2 workflow: markers %v, activities %v; want [%s], [New]", m, a, patchID)
		}
		// The marker is followed by the TemporalChangeVersion upsert.
		mi := testenv.IndexOf(evs, enumspb.EVENT_TYPE_MARKER_RECORDED)
		if mi < 0 || mi+1 >= len(evs) || evs[mi+1].EventType != enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES {
			t.Errorf("no UpsertWorkflowSearchAttributes after the patch marker:\n%s", testenv.FormatHistory(evs))
		} else {
			var ids []string
			p := evs[mi+1].GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes().GetIndexedFields()["TemporalChangeVersion"]
			if err := client.DecodeSearchAttribute(p, &ids); err != nil || !slices.Equal(ids, []string{patchID}) {
				t.Errorf("upserted TemporalChangeVersion %v (%v), want [%s]", ids, err, patchID)
			}
		}
		d, err := h2.Describe(testenv.Context(t))
		testenv.Must(t, err)
		var cv []string
		if err := d.SearchAttributeValue("TemporalChangeVersion", &cv); err != nil || !slices.Contains(cv, patchID) {
			t.Errorf("Describe: TemporalChangeVersion %v (%v), want it to contain %s", cv, err, patchID)
		}
		w3.Stop()

		startGen(4)
		evs = finish(h3, "New") // generation-3 history on generation-4 code
		if m, a := patchMarkers(t, evs), activityTypes(evs); !slices.Equal(m, []string{patchID + " (deprecated)"}) || !slices.Equal(a, []string{"New"}) {
			t.Errorf("generation-3 workflow: markers %v, activities %v; want [%s (deprecated)], [New]", m, a, patchID)
		}
		h4 := startBlocked()
		evs = finish(h4, "New")
		if m := patchMarkers(t, evs); len(m) != 0 {
			t.Errorf("generation-4 workflow has patch markers %v", m)
		}
	})
}
