package orchestration_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// propsView is what the workflow sees of its memo and search attributes.
type propsView struct {
	MemoKeys     []string
	A            string
	B            int
	C            string
	Missing      string // MemoValue with a default
	MissingErr   string
	MissingIsKey bool // the error is a *workflow.MemoKeyError for "missing"
	InfoMemoKeys []string

	Keyword     string
	Text        string
	Int         int64
	Double      float64
	Bool        bool
	Datetime    time.Time
	KeywordList []string
	Present     []string // typed keys GetSearchAttribute finds
	InfoSAKeys  []string
}

var saWhen = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func viewProps(ctx workflow.Context) propsView {
	var v propsView
	v.MemoKeys = keys(workflow.Memo(ctx))
	v.A, _ = workflow.MemoValue[string](ctx, "a")
	v.B, _ = workflow.MemoValue[int](ctx, "b", -1)
	v.C, _ = workflow.MemoValue[string](ctx, "c", "")
	v.Missing, _ = workflow.MemoValue(ctx, "missing", "default")
	_, err := workflow.MemoValue[string](ctx, "missing")
	if err != nil {
		v.MissingErr = err.Error()
		var mk *workflow.MemoKeyError
		v.MissingIsKey = errors.As(err, &mk) && mk.Key == "missing"
	}
	v.InfoMemoKeys = keys(workflow.GetInfo(ctx).Memo.GetFields())
	present := func(name string, ok bool) {
		if ok {
			v.Present = append(v.Present, name)
		}
	}
	var ok bool
	v.Keyword, ok = workflow.GetSearchAttribute(ctx, keyKeyword)
	present(saKeyword, ok)
	v.Text, ok = workflow.GetSearchAttribute(ctx, keyText)
	present(saText, ok)
	v.Int, ok = workflow.GetSearchAttribute(ctx, keyInt)
	present(saInt, ok)
	v.Double, ok = workflow.GetSearchAttribute(ctx, keyDouble)
	present(saDouble, ok)
	v.Bool, ok = workflow.GetSearchAttribute(ctx, keyBool)
	present(saBool, ok)
	v.Datetime, ok = workflow.GetSearchAttribute(ctx, keyDatetime)
	present(saDatetime, ok)
	v.KeywordList, ok = workflow.GetSearchAttribute(ctx, keyKeywordList)
	present(saKeywordList, ok)
	v.InfoSAKeys = keys(workflow.GetInfo(ctx).SearchAttributes.GetIndexedFields())
	return v
}

// propsWorkflow changes its memo and sets every typed search attribute,
// waits for "next", removes the search attributes, waits for "finish",
// and returns what it saw at each stage.
func propsWorkflow(ctx workflow.Context) ([]propsView, error) {
	next, finish := false, false
	if err := workflow.SetSignalHandler(ctx, "next", setFlag(&next), workflow.SignalOptions{}); err != nil {
		return nil, err
	}
	if err := workflow.SetSignalHandler(ctx, "finish", setFlag(&finish), workflow.SignalOptions{}); err != nil {
		return nil, err
	}
	views := []propsView{viewProps(ctx)}
	if err := workflow.UpsertMemo(ctx, map[string]any{"a": "changed", "b": nil, "c": "added"}); err != nil {
		return nil, err
	}
	if err := workflow.UpsertSearchAttributes(ctx,
		keyKeyword.ValueSet("kw"),
		keyText.ValueSet("some searchable text"),
		keyInt.ValueSet(42),
		keyDouble.ValueSet(3.5),
		keyBool.ValueSet(true),
		keyDatetime.ValueSet(saWhen),
		keyKeywordList.ValueSet([]string{"x", "y"}),
	); err != nil {
		return nil, err
	}
	views = append(views, viewProps(ctx))
	if err := workflow.Await(ctx, func() bool { return next }); err != nil {
		return nil, err
	}
	if err := workflow.UpsertSearchAttributes(ctx,
		keyKeyword.ValueUnset(), keyText.ValueUnset(), keyInt.ValueUnset(), keyDouble.ValueUnset(),
		keyBool.ValueUnset(), keyDatetime.ValueUnset(), keyKeywordList.ValueUnset(),
	); err != nil {
		return nil, err
	}
	if err := workflow.UpsertMemo(ctx, map[string]any{"c": nil}); err != nil {
		return nil, err
	}
	views = append(views, viewProps(ctx))
	if err := workflow.Await(ctx, func() bool { return finish }); err != nil {
		return nil, err
	}
	// A last look after the wait: without a cache this is a replay.
	return append(views, viewProps(ctx)), nil
}

// TestMemoAndSearchAttributes upserts memo fields (add, change, remove)
// and search attributes of every type (set, then remove), and checks them
// through Describe and inside the workflow.
func TestMemoAndSearchAttributes(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) { testenv.Must(t, w.RegisterWorkflow("Props", propsWorkflow)) })
		h := e.startOpts(client.StartWorkflowOptions{
			Memo:             map[string]any{"a": "initial", "b": 2},
			SearchAttributes: map[string]any{saKeyword: "at-start"},
		}, "Props")

		testenv.WaitHistory(t, h, "the upserts", settled(enumspb.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, 1))
		d, err := h.Describe(testenv.Context(t))
		testenv.Must(t, err)
		var a, c string
		if err := d.MemoValue("a", &a); err != nil || a != "changed" {
			t.Errorf("Describe memo a = %q, %v; want changed", a, err)
		}
		if err := d.MemoValue("c", &c); err != nil || c != "added" {
			t.Errorf("Describe memo c = %q, %v; want added", c, err)
		}
		if _, ok := d.Memo["b"]; ok {
			t.Errorf("Describe memo still has b: %v", keys(d.Memo))
		}
		checkSA := func(name string, ptr any, want any, eq func() bool) {
			t.Helper()
			if err := d.SearchAttributeValue(name, ptr); err != nil || !eq() {
				t.Errorf("Describe search attribute %s = %v (%v), want %v", name, ptr, err, want)
			}
		}
		var kw, text string
		var iv int64
		var dv float64
		var bv bool
		var tv time.Time
		var kl []string
		checkSA(saKeyword, &kw, "kw", func() bool { return kw == "kw" })
		checkSA(saText, &text, "some searchable text", func() bool { return text == "some searchable text" })
		checkSA(saInt, &iv, 42, func() bool { return iv == 42 })
		checkSA(saDouble, &dv, 3.5, func() bool { return dv == 3.5 })
		checkSA(saBool, &bv, true, func() bool { return bv })
		checkSA(saDatetime, &tv, saWhen, func() bool { return tv.Equal(saWhen) })
		checkSA(saKeywordList, &kl, []string{"x", "y"}, func() bool { return slices.Equal(kl, []string{"x", "y"}) })
		for name, typ := range map[string]string{saKeyword: "Keyword", saText: "Text", saInt: "Int", saDouble: "Double", saBool: "Bool", saDatetime: "Datetime", saKeywordList: "KeywordList"} {
			if got := string(d.SearchAttributes[name].GetMetadata()["type"]); got != typ {
				t.Errorf("Describe search attribute %s has type %q, want %q", name, got, typ)
			}
		}

		testenv.Must(t, h.Signal(testenv.Context(t), "next"))
		testenv.WaitHistory(t, h, "the removals", settled(enumspb.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, 2))
		d, err = h.Describe(testenv.Context(t))
		testenv.Must(t, err)
		for _, name := range []string{saKeyword, saText, saInt, saDouble, saBool, saDatetime, saKeywordList} {
			if p, ok := d.SearchAttributes[name]; ok {
				t.Errorf("Describe still has search attribute %s = %s after its removal", name, p.GetData())
			}
		}
		if _, ok := d.Memo["c"]; ok {
			t.Errorf("Describe memo still has c after its removal: %v", keys(d.Memo))
		}

		testenv.Must(t, h.Signal(testenv.Context(t), "finish"))
		views := testenv.Result[[]propsView](t, h)
		if len(views) != 4 {
			t.Fatalf("%d views", len(views))
		}
		v0, v1, v2, v3 := views[0], views[1], views[2], views[3]
		if v0.A != "initial" || v0.B != 2 || v0.Missing != "default" || !v0.MissingIsKey || !slices.Equal(v0.MemoKeys, []string{"a", "b"}) || !slices.Equal(v0.InfoMemoKeys, v0.MemoKeys) {
			t.Errorf("at start: %+v", v0)
		}
		if v0.Keyword != "at-start" || !slices.Equal(v0.Present, []string{saKeyword}) {
			t.Errorf("at start: keyword %q, present %v", v0.Keyword, v0.Present)
		}
		if v1.A != "changed" || v1.B != -1 || v1.C != "added" || !slices.Equal(v1.MemoKeys, []string{"a", "c"}) || !slices.Equal(v1.InfoMemoKeys, v1.MemoKeys) {
			t.Errorf("after the memo upsert: %+v", v1)
		}
		all := []string{saKeyword, saText, saInt, saDouble, saBool, saDatetime, saKeywordList}
		if v1.Keyword != "kw" || v1.Text != "some searchable text" || v1.Int != 42 || v1.Double != 3.5 || !v1.Bool ||
			!v1.Datetime.Equal(saWhen) || !slices.Equal(v1.KeywordList, []string{"x", "y"}) || !slices.Equal(v1.Present, all) {
			t.Errorf("after the search attribute upsert: %+v", v1)
		}
		for _, name := range all {
			if !slices.Contains(v1.InfoSAKeys, name) {
				t.Errorf("GetInfo().SearchAttributes lacks %s: %v", name, v1.InfoSAKeys)
			}
		}
		for i, v := range []propsView{v2, v3} {
			if len(v.Present) != 0 {
				t.Errorf("view %d after the removal: present %v", i+2, v.Present)
			}
			for _, name := range all {
				if slices.Contains(v.InfoSAKeys, name) {
					t.Errorf("view %d: GetInfo().SearchAttributes still has %s", i+2, name)
				}
			}
			if !slices.Equal(v.MemoKeys, []string{"a"}) {
				t.Errorf("view %d: memo keys %v, want [a]", i+2, v.MemoKeys)
			}
		}
		evs := testenv.History(t, h)
		if n := testenv.Count(evs, enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES); n != 2 {
			t.Errorf("%d upsert events, want 2:\n%s", n, testenv.FormatHistory(evs))
		}
		mod := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED).GetWorkflowPropertiesModifiedEventAttributes().GetUpsertedMemo().GetFields()
		if _, ok := mod["b"]; !ok || len(mod) != 3 {
			t.Errorf("first WorkflowPropertiesModified memo %v, want a, b (removal) and c", keys(mod))
		}
	})
}
