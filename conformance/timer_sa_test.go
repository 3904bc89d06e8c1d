package conformance

// Features: timer (StartTimer/CancelTimer semantics; the Python suite's
// test_workflow_sleep_task_cancellation, test_workflow_cancel_unsent and
// test_workflow_wait_condition_timeout) and search_attributes/set and
// upsert (plus the Python suite's test_workflow_search_attributes and
// test_workflow_memo).

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// TestTimer: a timer fires after its duration of workflow time; a
// cancelled timer leaves TimerCanceled and resolves as cancelled; a timer
// cancelled in the task that started it never reaches the server; an
// AwaitWithTimeout whose condition does not hold times out.
func TestTimer(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Timers", func(ctx workflow.Context) ([]string, error) {
				var out []string
				before := workflow.Now(ctx)
				if err := workflow.Sleep(ctx, time.Second); err != nil {
					return nil, err
				}
				out = append(out, fmt.Sprint("slept ", workflow.Now(ctx).Sub(before) >= time.Second))

				// Cancelled after it was sent.
				cctx, cancel := workflow.WithCancel(ctx)
				long := workflow.NewTimer(cctx, time.Hour)
				if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
					return nil, err
				}
				cancel()
				_, err := long.Get(ctx)
				out = append(out, "sent then cancelled: "+describeErr(err))

				// Cancelled before it was sent.
				uctx, ucancel := workflow.WithCancel(ctx)
				unsent := workflow.NewTimer(uctx, time.Hour)
				ucancel()
				_, err = unsent.Get(ctx)
				out = append(out, "unsent: "+describeErr(err))

				ok, err := workflow.AwaitWithTimeout(ctx, 100*time.Millisecond, func() bool { return false })
				out = append(out, fmt.Sprint("await timed out ", !ok && err == nil))
				return out, nil
			}))
		})
		h := e.start("Timers")
		got := result[[]string](e, h)
		want := []string{"slept true", "sent then cancelled: canceled", "unsent: canceled", "await timed out true"}
		if !slices.Equal(got, want) {
			t.Errorf("result %q, want %q", got, want)
		}
		evs := e.history(h)
		// 1s, 10ms, 1h (cancelled), 100ms: the unsent one is absent.
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_STARTED); n != 4 {
			t.Errorf("%d timers started, want 4:\n%s", n, testenv.FormatHistory(evs))
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_CANCELED); n != 1 {
			t.Errorf("%d timers cancelled, want 1:\n%s", n, testenv.FormatHistory(evs))
		}
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_TIMER_FIRED); n != 3 {
			t.Errorf("%d timers fired, want 3:\n%s", n, testenv.FormatHistory(evs))
		}
	})
}

// TestSearchAttributes covers set (attributes given at start are visible
// to the workflow and in Describe) and upsert (two upserts; an unset
// removes a key).
func TestSearchAttributes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("SearchAttrs", func(ctx workflow.Context) ([]string, error) {
				var out []string
				kw, ok := workflow.GetSearchAttribute(ctx, keyKeyword)
				n, _ := workflow.GetSearchAttribute(ctx, keyInt)
				out = append(out, fmt.Sprintf("start: %s %v %d", kw, ok, n))
				if err := workflow.UpsertSearchAttributes(ctx, keyKeyword.ValueSet("upserted"), keyKeywordList.ValueSet([]string{"a", "b"})); err != nil {
					return nil, err
				}
				if err := workflow.UpsertSearchAttributes(ctx, keyInt.ValueUnset(), keyInt.ValueUnset()); err != nil {
					return nil, err
				}
				kw, _ = workflow.GetSearchAttribute(ctx, keyKeyword)
				_, hasInt := workflow.GetSearchAttribute(ctx, keyInt)
				list, _ := workflow.GetSearchAttribute(ctx, keyKeywordList)
				out = append(out, fmt.Sprintf("after: %s %v %v", kw, hasInt, list))
				return out, workflow.Sleep(ctx, 10*time.Millisecond)
			}))
		})
		h := e.startOpts(client.StartWorkflowOptions{SearchAttributes: map[string]any{saKeyword: "at start", saInt: 42}}, "SearchAttrs")
		got := result[[]string](e, h)
		want := []string{"start: at start true 42", "after: upserted false [a b]"}
		if !slices.Equal(got, want) {
			t.Errorf("workflow saw %q, want %q", got, want)
		}
		if n := testenv.Count(e.history(h), enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES); n != 2 {
			t.Errorf("%d upsert events, want 2", n)
		}
		d, err := h.Describe(e.ctx)
		testenv.Must(t, err)
		var kw string
		var list []string
		testenv.Must(t, d.SearchAttributeValue(saKeyword, &kw))
		testenv.Must(t, d.SearchAttributeValue(saKeywordList, &list))
		if kw != "upserted" || fmt.Sprint(list) != "[a b]" {
			t.Errorf("Describe: %s=%q %s=%v", saKeyword, kw, saKeywordList, list)
		}
		var n int64
		if err := d.SearchAttributeValue(saInt, &n); err == nil {
			t.Errorf("Describe still has %s=%d after it was unset", saInt, n)
		}
	})
}

// TestMemo is the Python suite's test_workflow_memo: typed reads with and
// without a default, a missing key, upserts that change, add and remove
// keys, seen by the workflow and by Describe.
func TestMemo(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Memo", func(ctx workflow.Context) ([]string, error) {
				var out []string
				n, err := workflow.MemoValue[int](ctx, "count")
				out = append(out, fmt.Sprint("count ", n, " ", err))
				d, err := workflow.MemoValue(ctx, "absent", "default")
				out = append(out, fmt.Sprint("absent ", d, " ", err))
				_, err = workflow.MemoValue[string](ctx, "absent")
				var mk *workflow.MemoKeyError
				out = append(out, fmt.Sprint("missing key error ", errors.As(err, &mk)))
				if err := workflow.UpsertMemo(ctx, map[string]any{"count": 2, "added": "yes", "gone": nil}); err != nil {
					return nil, err
				}
				n, _ = workflow.MemoValue[int](ctx, "count")
				_, gone := workflow.Memo(ctx)["gone"]
				out = append(out, fmt.Sprint("after ", n, " ", gone))
				return out, nil
			}))
		})
		h := e.startOpts(client.StartWorkflowOptions{Memo: map[string]any{"count": 1, "gone": "soon"}}, "Memo")
		got := result[[]string](e, h)
		want := []string{"count 1 <nil>", "absent default <nil>", "missing key error true", "after 2 false"}
		if !slices.Equal(got, want) {
			t.Errorf("workflow saw %q, want %q", got, want)
		}
		d, err := h.Describe(e.ctx)
		testenv.Must(t, err)
		var n int
		var added string
		testenv.Must(t, d.MemoValue("count", &n))
		testenv.Must(t, d.MemoValue("added", &added))
		if n != 2 || added != "yes" {
			t.Errorf("Describe memo count=%d added=%q", n, added)
		}
		if _, ok := d.Info().GetMemo().GetFields()["gone"]; ok {
			t.Error("Describe still has the removed memo key")
		}
	})
}
