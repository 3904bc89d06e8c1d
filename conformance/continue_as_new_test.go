package conformance

// Features: continue_as_new/continue_as_same,
// signals_block_continue_as_new, updates_do_not_block_continue_as_new, and
// the Python suite's test_workflow_continue_as_new.

import (
	"context"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// runInfo is what each run of a chain reports about itself.
type runInfo struct {
	Run                 int
	Input               string
	RunID               string
	FirstExecutionRunID string
	ContinuedRunID      string
	Memo                string
	RunTimeout          time.Duration
	TaskTimeout         time.Duration
	MaxAttempts         int32
}

// TestContinueAsNewChain continues as new four times with the same
// arguments and no options: each run keeps the memo, timeouts, retry
// policy and input, and links to the run before it.
func TestContinueAsNewChain(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Chain", func(ctx workflow.Context, input string, run int, seen []runInfo) ([]runInfo, error) {
				info := workflow.GetInfo(ctx)
				memo, _ := workflow.MemoValue[string](ctx, "note")
				ri := runInfo{Run: run, Input: input, RunID: info.RunID, FirstExecutionRunID: info.FirstExecutionRunID,
					ContinuedRunID: info.ContinuedRunID, Memo: memo, RunTimeout: info.RunTimeout, TaskTimeout: info.TaskTimeout}
				if info.RetryPolicy != nil {
					ri.MaxAttempts = info.RetryPolicy.MaximumAttempts
				}
				seen = append(seen, ri)
				if run < 5 {
					return nil, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, input, run+1, seen)
				}
				return seen, nil
			}))
		})
		h := e.startOpts(client.StartWorkflowOptions{
			Memo:                map[string]any{"note": "kept"},
			WorkflowRunTimeout:  time.Minute,
			WorkflowTaskTimeout: 7 * time.Second,
			RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 2},
		}, "Chain", "same input", 1, []runInfo(nil))
		runs := result[[]runInfo](e, h)
		if len(runs) != 5 {
			t.Fatalf("%d runs, want 5", len(runs))
		}
		for i, r := range runs {
			want := runInfo{Run: i + 1, Input: "same input", RunID: r.RunID, FirstExecutionRunID: h.RunID(),
				Memo: "kept", RunTimeout: time.Minute, TaskTimeout: 7 * time.Second, MaxAttempts: 2}
			if i > 0 {
				want.ContinuedRunID = runs[i-1].RunID
			}
			if r != want {
				t.Errorf("run %d:\n got %+v\nwant %+v", i+1, r, want)
			}
		}
		if runs[0].RunID != h.RunID() {
			t.Errorf("first run %s, started %s", runs[0].RunID, h.RunID())
		}
	})
}

// blockingLocal is a local activity that blocks its first call until the
// test releases it; later calls (replays after a failed workflow task)
// return at once.
type blockingLocal struct {
	calls   atomic.Int32
	started chan struct{}
	release chan struct{}
}

func newBlockingLocal() *blockingLocal {
	return &blockingLocal{started: make(chan struct{}, 1), release: make(chan struct{})}
}

func (b *blockingLocal) run(ctx context.Context) error {
	if b.calls.Add(1) == 1 {
		b.started <- struct{}{}
		select {
		case <-b.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

var blockingLocalOpts = workflow.LocalActivityOptions{StartToCloseTimeout: 30 * time.Second}

// collectSignals sets a handler that appends the "sig" signal's argument
// to *got.
func collectSignals(ctx workflow.Context, got *[]string) {
	_ = workflow.SetSignalHandler(ctx, "sig", func(_ workflow.Context, args converter.Values) error {
		*got = append(*got, arg[string](args, 0))
		return nil
	}, workflow.SignalOptions{})
}

// TestSignalsBlockContinueAsNew: a signal that arrives while the workflow
// task that continues as new is running makes the server reject that
// completion; the signal is handled by the run before it continues.
func TestSignalsBlockContinueAsNew(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		la := newBlockingLocal()
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Block", la.run))
			testenv.Must(t, w.RegisterWorkflow("SignalThenCAN", func(ctx workflow.Context, carried []string) ([]string, error) {
				if carried != nil {
					return carried, nil // the second run
				}
				got := []string{}
				collectSignals(ctx, &got)
				if _, err := workflow.ExecuteLocalActivity[struct{}](ctx, blockingLocalOpts, "Block").Get(ctx); err != nil {
					return nil, err
				}
				return nil, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, got)
			}))
		})
		h := e.start("SignalThenCAN", []string(nil))
		recv(t, la.started, "the local activity")
		testenv.Must(t, h.Signal(e.ctx, "sig", "during the task"))
		close(la.release)
		got := result[[]string](e, h)
		if fmt.Sprint(got) != "[during the task]" {
			t.Errorf("the next run got %q, want the signal handled before continuing", got)
		}
		requireUnhandledCommand(t, e.history(h))
	})
}

// TestUpdatesDoNotBlockContinueAsNew: an update that arrives while the
// workflow task that continues as new is running does not stop it; the
// new run handles the update.
func TestUpdatesDoNotBlockContinueAsNew(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		la := newBlockingLocal()
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterActivity("Block", la.run))
			testenv.Must(t, w.RegisterWorkflow("UpdateThenCAN", func(ctx workflow.Context, second bool) (string, error) {
				handled := false
				_ = workflow.SetUpdateHandler(ctx, "whichRun", func(ctx workflow.Context, _ converter.Values) (any, error) {
					handled = true
					return workflow.GetInfo(ctx).RunID, nil
				}, workflow.UpdateOptions{})
				if !second {
					if _, err := workflow.ExecuteLocalActivity[struct{}](ctx, blockingLocalOpts, "Block").Get(ctx); err != nil {
						return "", err
					}
					return "", workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, true)
				}
				err := workflow.Await(ctx, func() bool { return handled })
				return workflow.GetInfo(ctx).RunID, err
			}))
		})
		h := e.start("UpdateThenCAN", false)
		recv(t, la.started, "the local activity")
		type outcome struct {
			runID string
			err   error
		}
		updated := make(chan outcome, 1)
		const updateID = "which-run"
		go func() {
			uh, err := e.c.GetWorkflow(h.ID(), "").StartUpdate(e.ctx, client.UpdateOptions{UpdateID: updateID}, "whichRun")
			if err != nil {
				updated <- outcome{"", err}
				return
			}
			v, err := client.UpdateResult[string](e.ctx, uh)
			updated <- outcome{v, err}
		}()
		// The update reaches the server while the first run's workflow
		// task (the one that continues as new) is still running.
		waitAdmitted(e, h.ID(), updateID)
		close(la.release)
		lastRun := result[string](e, e.c.GetWorkflow(h.ID(), ""))
		o := <-updated
		if o.err != nil {
			t.Fatalf("update: %v", o.err)
		}
		if o.runID == h.RunID() || o.runID != lastRun {
			t.Errorf("update handled by run %s; first run %s, last run %s", o.runID, h.RunID(), lastRun)
		}
	})
}

// requireUnhandledCommand checks that the server rejected a completion
// because of a new event: the workflow task failed with UnhandledCommand.
func requireUnhandledCommand(t *testing.T, evs []*historypb.HistoryEvent) {
	t.Helper()
	f := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED)
	if f == nil || f.GetWorkflowTaskFailedEventAttributes().Cause != enumspb.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND {
		t.Errorf("want a workflow task failed with UnhandledCommand (the signal raced the completion):\n%s", testenv.FormatHistory(evs))
	}
}
