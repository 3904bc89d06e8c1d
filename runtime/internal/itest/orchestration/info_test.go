package orchestration_test

import (
	"context"
	"fmt"
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

// infoView is workflow.Info made JSON friendly.
type infoView struct {
	Namespace, WorkflowID, RunID, FirstExecutionRunID, ContinuedRunID string
	WorkflowType, TaskQueue                                           string
	Attempt                                                           int32
	CronSchedule                                                      string
	StartTime                                                         time.Time
	ExecutionTimeout, RunTimeout, TaskTimeout                         time.Duration
	RetryPolicy                                                       *temporal.RetryPolicy
	HasParent                                                         bool
	ParentNamespace, ParentWorkflowID, ParentRunID                    string
	HasRoot                                                           bool
	RootWorkflowID, RootRunID                                         string
	HistoryLength                                                     int64
	Expires                                                           time.Time
	MemoKeys, SAKeys                                                  []string
	HasHeader                                                         bool
}

func viewInfo(ctx workflow.Context) infoView {
	in := workflow.GetInfo(ctx)
	v := infoView{
		Namespace: in.Namespace, WorkflowID: in.WorkflowID, RunID: in.RunID, FirstExecutionRunID: in.FirstExecutionRunID,
		ContinuedRunID: in.ContinuedRunID, WorkflowType: in.WorkflowType, TaskQueue: in.TaskQueue, Attempt: in.Attempt,
		CronSchedule: in.CronSchedule, StartTime: in.StartTime, ExecutionTimeout: in.ExecutionTimeout,
		RunTimeout: in.RunTimeout, TaskTimeout: in.TaskTimeout, RetryPolicy: in.RetryPolicy,
		HistoryLength: in.HistoryLength, Expires: in.WorkflowExecutionExpires,
		MemoKeys: keys(in.Memo.GetFields()), SAKeys: keys(in.SearchAttributes.GetIndexedFields()),
		HasHeader: in.Header != nil,
	}
	if in.Parent != nil {
		v.HasParent, v.ParentNamespace, v.ParentWorkflowID, v.ParentRunID = true, in.Parent.Namespace, in.Parent.WorkflowID, in.Parent.RunID
	}
	if in.Root != nil {
		v.HasRoot, v.RootWorkflowID, v.RootRunID = true, in.Root.WorkflowID, in.Root.RunID
	}
	return v
}

// infoWorkflow returns its info after a timer (so that without a cache it
// comes from a replay).
func infoWorkflow(ctx workflow.Context) (infoView, error) {
	if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return infoView{}, err
	}
	return viewInfo(ctx), nil
}

// TestInfoChild checks every Info field of a child workflow, including
// its parent and root.
func TestInfoChild(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		retry := &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2, MaximumInterval: 20 * time.Second, MaximumAttempts: 3}
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("InfoChild", infoWorkflow))
			testenv.Must(t, w.RegisterWorkflow("InfoParent", func(ctx workflow.Context, childID string) ([]infoView, error) {
				c, err := workflow.ExecuteChildWorkflow[infoView](ctx, workflow.ChildWorkflowOptions{
					WorkflowID: childID, ExecutionTimeout: time.Hour, RunTimeout: 30 * time.Minute, TaskTimeout: 6 * time.Second,
					RetryPolicy: retry, Memo: map[string]any{"k": "v"}, SearchAttributes: []temporal.SearchAttributeUpdate{keyBool.ValueSet(true)},
				}, "InfoChild").Get(ctx)
				return []infoView{viewInfo(ctx), c}, err
			}))
		})
		childID := testenv.UniqueID("info-child")
		parent := e.start("InfoParent", childID)
		views := testenv.Result[[]infoView](t, parent)
		p, c := views[0], views[1]
		child := e.c.GetWorkflow(childID, c.RunID)
		cevs := testenv.History(t, child)
		started := cevs[0].GetEventTime().AsTime()
		if !c.StartTime.Equal(started) {
			t.Errorf("child StartTime %v, want its started event's time %v", c.StartTime, started)
		}
		if c.Expires.IsZero() || !c.Expires.After(started) {
			t.Errorf("child WorkflowExecutionExpires %v, want about an hour after %v", c.Expires, started)
		}
		if c.HistoryLength < 3 {
			t.Errorf("child HistoryLength %d", c.HistoryLength)
		}
		if c.RetryPolicy == nil || c.RetryPolicy.InitialInterval != retry.InitialInterval || c.RetryPolicy.MaximumAttempts != retry.MaximumAttempts {
			t.Errorf("child RetryPolicy %+v, want %+v", c.RetryPolicy, retry)
		}
		got := c
		got.StartTime, got.Expires, got.HistoryLength, got.RetryPolicy = time.Time{}, time.Time{}, 0, nil
		want := infoView{
			Namespace: srv.Namespace(), WorkflowID: childID, RunID: c.RunID, FirstExecutionRunID: c.RunID,
			WorkflowType: "InfoChild", TaskQueue: e.tq, Attempt: 1,
			ExecutionTimeout: time.Hour, RunTimeout: 30 * time.Minute, TaskTimeout: 6 * time.Second,
			HasParent: true, ParentNamespace: srv.Namespace(), ParentWorkflowID: parent.ID(), ParentRunID: parent.RunID(),
			HasRoot: true, RootWorkflowID: parent.ID(), RootRunID: parent.RunID(),
			MemoKeys: []string{"k"}, SAKeys: []string{saBool}, HasHeader: c.HasHeader,
		}
		if !equalInfo(got, want) {
			t.Errorf("child info\n got %+v\nwant %+v", got, want)
		}
		if c.RunID == "" {
			t.Errorf("child RunID empty")
		}
		if p.HasParent {
			t.Errorf("top-level workflow has a parent: %+v", p)
		}
		t.Logf("top-level workflow: Root set %v (%s/%s)", p.HasRoot, p.RootWorkflowID, p.RootRunID)
	})
}

func equalInfo(a, b infoView) bool {
	ma, mb, sa, sb := a.MemoKeys, b.MemoKeys, a.SAKeys, b.SAKeys
	a.MemoKeys, b.MemoKeys, a.SAKeys, b.SAKeys = nil, nil, nil, nil
	return a.Namespace == b.Namespace && slices.Equal(ma, mb) && slices.Equal(sa, sb) &&
		a.WorkflowID == b.WorkflowID && a.RunID == b.RunID && a.FirstExecutionRunID == b.FirstExecutionRunID &&
		a.ContinuedRunID == b.ContinuedRunID && a.WorkflowType == b.WorkflowType && a.TaskQueue == b.TaskQueue &&
		a.Attempt == b.Attempt && a.CronSchedule == b.CronSchedule && a.ExecutionTimeout == b.ExecutionTimeout &&
		a.RunTimeout == b.RunTimeout && a.TaskTimeout == b.TaskTimeout && a.HasParent == b.HasParent &&
		a.ParentNamespace == b.ParentNamespace && a.ParentWorkflowID == b.ParentWorkflowID && a.ParentRunID == b.ParentRunID &&
		a.HasRoot == b.HasRoot && a.RootWorkflowID == b.RootWorkflowID && a.RootRunID == b.RootRunID && a.HasHeader == b.HasHeader
}

// TestInfoCron checks CronSchedule in the info of a cron workflow's run.
func TestInfoCron(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) { testenv.Must(t, w.RegisterWorkflow("InfoCron", infoWorkflow)) })
		h := e.startOpts(client.StartWorkflowOptions{CronSchedule: "@every 1s"}, "InfoCron")
		var v infoView
		if err := h.GetWithOptions(testenv.Context(t), &v, client.GetOptions{DisableFollowingRuns: true}); err != nil {
			t.Fatalf("first cron run: %v\nhistory:\n%s", err, testenv.DumpHistory(h))
		}
		if v.CronSchedule != "@every 1s" || v.RunID != h.RunID() || v.Attempt != 1 {
			t.Errorf("cron run info: schedule %q run %s attempt %d; want @every 1s, %s, 1", v.CronSchedule, v.RunID, v.Attempt, h.RunID())
		}
	})
}

// TestInfoRetryAttempt fails the first attempt of a workflow with a retry
// policy; the second attempt sees Attempt 2.
func TestInfoRetryAttempt(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("InfoRetry", func(ctx workflow.Context) (infoView, error) {
				if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
					return infoView{}, err
				}
				if workflow.GetInfo(ctx).Attempt == 1 {
					return infoView{}, temporal.NewApplicationError("first attempt fails", "FirstAttempt")
				}
				return viewInfo(ctx), nil
			}))
		})
		h := e.startOpts(client.StartWorkflowOptions{RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 2}}, "InfoRetry")
		v := testenv.Result[infoView](t, h)
		if v.Attempt != 2 || v.FirstExecutionRunID != h.RunID() || v.RunID == h.RunID() {
			t.Errorf("retry info: attempt %d, first run %s, run %s; want 2, %s, a new run", v.Attempt, v.FirstExecutionRunID, v.RunID, h.RunID())
		}
		evs := testenv.History(t, e.c.GetWorkflow(h.ID(), h.RunID()))
		if f := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED); f == nil || f.GetWorkflowExecutionFailedEventAttributes().GetNewExecutionRunId() != v.RunID {
			t.Errorf("first attempt did not fail into run %s:\n%s", v.RunID, testenv.FormatHistory(evs))
		}
		t.Logf("attempt 2: ContinuedRunID %q (first run %s)", v.ContinuedRunID, h.RunID())
	})
}

// TestInfoContinuedAndHistoryLength checks ContinuedRunID after
// continue-as-new and that HistoryLength grows with each workflow task.
func TestInfoContinuedAndHistoryLength(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("InfoLengths", func(ctx workflow.Context, run int) (historyGrowth, error) {
				var g historyGrowth
				record := func() {
					in := workflow.GetInfo(ctx)
					g.Lengths = append(g.Lengths, in.HistoryLength)
					g.Sizes = append(g.Sizes, in.HistorySize)
					g.Suggested = g.Suggested || in.ContinueAsNewSuggested
				}
				record()
				for range 2 {
					if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
						return g, err
					}
					record()
				}
				if run == 0 {
					return g, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, 1)
				}
				return g, nil
			}))
			testenv.Must(t, w.RegisterWorkflow("InfoContinued", func(ctx workflow.Context, run int) (infoView, error) {
				if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
					return infoView{}, err
				}
				if run == 0 {
					return infoView{}, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, 1)
				}
				return viewInfo(ctx), nil
			}))
		})
		h := e.start("InfoContinued", 0)
		v := testenv.Result[infoView](t, h)
		if v.ContinuedRunID != h.RunID() || v.FirstExecutionRunID != h.RunID() || v.RunID == h.RunID() || v.Attempt != 1 {
			t.Errorf("continued run: ContinuedRunID %q FirstExecutionRunID %q RunID %q attempt %d; want %s, %s, a new run, 1",
				v.ContinuedRunID, v.FirstExecutionRunID, v.RunID, v.Attempt, h.RunID(), h.RunID())
		}

		hl := e.start("InfoLengths", 0)
		g := testenv.Result[historyGrowth](t, hl)
		lengths := g.Lengths
		if len(lengths) != 3 || lengths[0] != 3 || !(lengths[0] < lengths[1] && lengths[1] < lengths[2]) {
			t.Errorf("HistoryLength over the second run %v, want [3, growing...]", lengths)
		}
		if len(g.Sizes) != 3 || g.Sizes[0] <= 0 || !(g.Sizes[0] < g.Sizes[1] && g.Sizes[1] < g.Sizes[2]) {
			t.Errorf("HistorySize over the second run %v, want positive and growing", g.Sizes)
		}
		if g.Suggested {
			t.Errorf("ContinueAsNewSuggested in a short history")
		}
		// HistoryLength is the id of the workflow task started event.
		evs := testenv.History(t, e.c.GetWorkflow(hl.ID(), ""))
		var startedIDs []int64
		for _, ev := range evs {
			if ev.EventType == enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED {
				startedIDs = append(startedIDs, ev.EventId)
			}
		}
		if len(startedIDs) < 3 || !slices.Equal(lengths, startedIDs[:3]) {
			t.Errorf("HistoryLength %v, workflow task started ids %v", lengths, startedIDs)
		}
	})
}

type historyGrowth struct {
	Lengths, Sizes []int64
	Suggested      bool
}

// TestInfoContinueAsNewSuggested runs activities until the server
// suggests continue-as-new (TestMain sets the threshold to suggestCANAt
// events), then continues as new.
func TestInfoContinueAsNewSuggested(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Noop", func(context.Context) (string, error) { return "", nil }))
			testenv.Must(t, w.RegisterWorkflow("Suggested", func(ctx workflow.Context, run int) (int64, error) {
				if run == 1 {
					return workflow.GetInfo(ctx).HistoryLength, nil
				}
				for i := 0; !workflow.GetInfo(ctx).ContinueAsNewSuggested; i++ {
					if i == 3*suggestCANAt {
						return 0, temporal.NewApplicationError("continue-as-new never suggested", "NotSuggested")
					}
					if _, err := workflow.ExecuteActivity[string](ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Noop").Get(ctx); err != nil {
						return 0, err
					}
				}
				if n := workflow.GetInfo(ctx).HistoryLength; n < suggestCANAt {
					return 0, temporal.NewApplicationError(fmt.Sprintf("suggested at %d events", n), "TooEarly")
				}
				return 0, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, 1)
			}))
		})
		h := e.start("Suggested", 0)
		if n := testenv.Result[int64](t, h); n != 3 {
			t.Errorf("continued run started at history length %d, want 3", n)
		}
	})
}
