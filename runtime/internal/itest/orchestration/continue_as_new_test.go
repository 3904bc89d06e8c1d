package orchestration_test

import (
	"slices"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// runRecord is what one run of a continue-as-new chain saw of itself.
type runRecord struct {
	RunID, FirstRunID, ContinuedRunID string
	TaskQueue                         string
	RunTimeout, TaskTimeout           time.Duration
	Memo                              string
	MemoErr                           string
	Keyword                           string
	KeywordOK                         bool
	Int                               int64
	RetryPolicy                       *temporal.RetryPolicy
	Attempt                           int32
}

func recordRun(ctx workflow.Context) runRecord {
	in := workflow.GetInfo(ctx)
	r := runRecord{
		RunID: in.RunID, FirstRunID: in.FirstExecutionRunID, ContinuedRunID: in.ContinuedRunID,
		TaskQueue: in.TaskQueue, RunTimeout: in.RunTimeout, TaskTimeout: in.TaskTimeout,
		RetryPolicy: in.RetryPolicy, Attempt: in.Attempt,
	}
	m, err := workflow.MemoValue[string](ctx, "m")
	r.Memo = m
	if err != nil {
		r.MemoErr = err.Error()
	}
	r.Keyword, r.KeywordOK = workflow.GetSearchAttribute(ctx, keyKeyword)
	r.Int, _ = workflow.GetSearchAttribute(ctx, keyInt)
	return r
}

// chainWorkflow records each run and continues as new until it has n
// records; a timer in each run makes the uncached worker replay it.
func chainWorkflow(ctx workflow.Context, n int, recs []runRecord) ([]runRecord, error) {
	if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return nil, err
	}
	recs = append(recs, recordRun(ctx))
	if len(recs) < n {
		return nil, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, n, recs)
	}
	return recs, nil
}

// TestContinueAsNewChain runs a chain of 5 runs whose memo, search
// attributes and retry policy are given at start only, and follows it
// with the client from the first run.
func TestContinueAsNewChain(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Chain", chainWorkflow))
		})
		retry := &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 3, MaximumInterval: time.Minute, MaximumAttempts: 5, NonRetryableErrorTypes: []string{"Fatal"}}
		h := e.startOpts(client.StartWorkflowOptions{
			Memo:                map[string]any{"m": "carried"},
			SearchAttributes:    map[string]any{saKeyword: "chain-kw", saInt: 5},
			RetryPolicy:         retry,
			WorkflowRunTimeout:  20 * time.Minute,
			WorkflowTaskTimeout: 9 * time.Second,
		}, "Chain", 5, []runRecord(nil))
		firstRun := h.RunID()
		recs, err := client.Result[[]runRecord](testenv.Context(t), e.c.GetWorkflow(h.ID(), firstRun))
		if err != nil {
			t.Fatalf("Result from the first run: %v\nhistory:\n%s", err, testenv.DumpHistory(h))
		}
		if len(recs) != 5 {
			t.Fatalf("%d records, want 5: %+v", len(recs), recs)
		}
		for i, r := range recs {
			wantPrev := ""
			if i > 0 {
				wantPrev = recs[i-1].RunID
			}
			if r.ContinuedRunID != wantPrev {
				t.Errorf("run %d: ContinuedRunID %q, want the previous run %q", i+1, r.ContinuedRunID, wantPrev)
			}
			if r.FirstRunID != firstRun {
				t.Errorf("run %d: FirstExecutionRunID %q, want %q", i+1, r.FirstRunID, firstRun)
			}
			if r.Memo != "carried" || r.MemoErr != "" {
				t.Errorf("run %d: memo m = %q (%s), want carried", i+1, r.Memo, r.MemoErr)
			}
			if r.Keyword != "chain-kw" || r.Int != 5 {
				t.Errorf("run %d: search attributes %q/%d, want chain-kw/5", i+1, r.Keyword, r.Int)
			}
			if p := r.RetryPolicy; p == nil || p.InitialInterval != retry.InitialInterval || p.MaximumAttempts != retry.MaximumAttempts ||
				p.BackoffCoefficient != retry.BackoffCoefficient || p.MaximumInterval != retry.MaximumInterval || !slices.Equal(p.NonRetryableErrorTypes, retry.NonRetryableErrorTypes) {
				t.Errorf("run %d: retry policy %+v, want %+v", i+1, p, retry)
			}
			if r.TaskQueue != e.tq || r.RunTimeout != 20*time.Minute || r.TaskTimeout != 9*time.Second {
				t.Errorf("run %d: task queue %s, timeouts %v/%v", i+1, r.TaskQueue, r.RunTimeout, r.TaskTimeout)
			}
		}
		if recs[0].RunID != firstRun {
			t.Errorf("first record's run %s, want %s", recs[0].RunID, firstRun)
		}
		// The server agrees: the latest run's memo and search attributes.
		d, err := e.c.GetWorkflow(h.ID(), "").Describe(testenv.Context(t))
		testenv.Must(t, err)
		var m, kw string
		if d.RunID != recs[4].RunID || d.MemoValue("m", &m) != nil || m != "carried" || d.SearchAttributeValue(saKeyword, &kw) != nil || kw != "chain-kw" {
			t.Errorf("latest run %s: memo %q, keyword %q; want run %s, carried, chain-kw", d.RunID, m, kw, recs[4].RunID)
		}
		evs := testenv.History(t, e.c.GetWorkflow(h.ID(), firstRun))
		if testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) != 1 {
			t.Errorf("first run did not continue as new:\n%s", testenv.FormatHistory(evs))
		}
	})
}

// TestContinueAsNewOptions continues as new onto another task queue with
// new timeouts, memo, search attributes and retry policy.
func TestContinueAsNewOptions(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		tq2 := testenv.UniqueID("can-tq2")
		newRetry := &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2, MaximumInterval: 50 * time.Second, MaximumAttempts: 9}
		wf := func(ctx workflow.Context, step int) (runRecord, error) {
			if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
				return runRecord{}, err
			}
			if step == 0 {
				return runRecord{}, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{
					TaskQueue:        tq2,
					RunTimeout:       17 * time.Minute,
					TaskTimeout:      4 * time.Second,
					Memo:             map[string]any{"m": "new"},
					SearchAttributes: []temporal.SearchAttributeUpdate{keyKeyword.ValueSet("new-kw")},
					RetryPolicy:      newRetry,
				}, 1)
			}
			return recordRun(ctx), nil
		}
		for _, tq := range []string{e.tq, tq2} {
			e.workerOn(tq, worker.Options{}, func(w *worker.Worker) { testenv.Must(t, w.RegisterWorkflow("CANOptions", wf)) })
		}
		h := e.startOpts(client.StartWorkflowOptions{
			Memo:                map[string]any{"m": "old"},
			SearchAttributes:    map[string]any{saKeyword: "old-kw", saInt: 3},
			RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 2},
			WorkflowRunTimeout:  time.Hour,
			WorkflowTaskTimeout: 10 * time.Second,
		}, "CANOptions", 0)
		r := testenv.Result[runRecord](t, h)
		if r.TaskQueue != tq2 || r.RunTimeout != 17*time.Minute || r.TaskTimeout != 4*time.Second {
			t.Errorf("second run: task queue %s, timeouts %v/%v; want %s, 17m, 4s", r.TaskQueue, r.RunTimeout, r.TaskTimeout, tq2)
		}
		if r.Memo != "new" {
			t.Errorf("second run: memo m = %q (%s), want new", r.Memo, r.MemoErr)
		}
		if r.Keyword != "new-kw" {
			t.Errorf("second run: keyword %q, want new-kw", r.Keyword)
		}
		if p := r.RetryPolicy; p == nil || p.InitialInterval != newRetry.InitialInterval || p.MaximumAttempts != newRetry.MaximumAttempts {
			t.Errorf("second run: retry policy %+v, want %+v", p, newRetry)
		}
		if r.ContinuedRunID != h.RunID() {
			t.Errorf("second run: ContinuedRunID %q, want %q", r.ContinuedRunID, h.RunID())
		}
		d, err := e.c.GetWorkflow(h.ID(), "").Describe(testenv.Context(t))
		testenv.Must(t, err)
		if d.TaskQueue != tq2 || d.WorkflowRunTimeout != 17*time.Minute || d.WorkflowTaskTimeout != 4*time.Second {
			t.Errorf("Describe: task queue %s, timeouts %v/%v", d.TaskQueue, d.WorkflowRunTimeout, d.WorkflowTaskTimeout)
		}
		var m, kw string
		if d.MemoValue("m", &m) != nil || m != "new" || d.SearchAttributeValue(saKeyword, &kw) != nil || kw != "new-kw" {
			t.Errorf("Describe: memo %q, keyword %q; want new, new-kw", m, kw)
		}
		t.Logf("second run: memo/search attributes given at start and not overridden: Int=%d (Describe has %d search attributes: %v)", r.Int, len(d.SearchAttributes), keys(d.SearchAttributes))
	})
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestContinueAsNewCarriesUpserts continues as new after upserting memo
// and search attributes: the next run starts with the current values.
func TestContinueAsNewCarriesUpserts(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("CANUpsert", func(ctx workflow.Context, run int) (runRecord, error) {
				if run == 0 {
					if err := workflow.UpsertMemo(ctx, map[string]any{"m": "upserted"}); err != nil {
						return runRecord{}, err
					}
					if err := workflow.UpsertSearchAttributes(ctx, keyKeyword.ValueSet("upserted-kw"), keyInt.ValueUnset()); err != nil {
						return runRecord{}, err
					}
					return runRecord{}, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, 1)
				}
				return recordRun(ctx), nil
			}))
		})
		h := e.startOpts(client.StartWorkflowOptions{
			Memo:             map[string]any{"m": "start"},
			SearchAttributes: map[string]any{saKeyword: "start-kw", saInt: 4},
		}, "CANUpsert", 0)
		r := testenv.Result[runRecord](t, h)
		if r.Memo != "upserted" || r.Keyword != "upserted-kw" || r.Int != 0 || r.ContinuedRunID != h.RunID() {
			t.Errorf("next run: memo %q, keyword %q, int %d, continued from %q; want upserted, upserted-kw, removed, %s",
				r.Memo, r.Keyword, r.Int, r.ContinuedRunID, h.RunID())
		}
	})
}
