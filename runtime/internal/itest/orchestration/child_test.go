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
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// never is an Await condition that never holds.
func never() bool { return false }

// setFlag returns a signal handler that sets *flag.
func setFlag(flag *bool) workflow.SignalHandlerFunc {
	return func(workflow.Context, converter.Values) error {
		*flag = true
		return nil
	}
}

// blockingChild blocks until it is cancelled; then it waits on a
// disconnected context for the "release" signal and returns the
// cancellation (so it closes as Canceled only once the test says so).
func blockingChild(ctx workflow.Context) (string, error) {
	released := false
	if err := workflow.SetSignalHandler(ctx, "release", setFlag(&released), workflow.SignalOptions{}); err != nil {
		return "", err
	}
	err := workflow.Await(ctx, never)
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	if werr := workflow.Await(dctx, func() bool { return released }); werr != nil {
		return "", werr
	}
	return "", err
}

// cancelParent starts a blockingChild with the given cancellation type,
// cancels it once it started, and records how the child's result
// resolved; the "resolved" query says whether it did. It then waits for
// the "finish" signal, so that it is still running while the server
// delivers the cancellation request.
func cancelParent(ctx workflow.Context, childID string, ct workflow.ChildWorkflowCancellationType) (errSummary, error) {
	resolved, finish := false, false
	if err := workflow.SetQueryHandler(ctx, "resolved", func(workflow.Context, converter.Values) (any, error) {
		return resolved, nil
	}, workflow.QueryOptions{}); err != nil {
		return errSummary{}, err
	}
	if err := workflow.SetSignalHandler(ctx, "finish", setFlag(&finish), workflow.SignalOptions{}); err != nil {
		return errSummary{}, err
	}
	cctx, cancel := workflow.WithCancel(ctx)
	h, err := workflow.StartChildWorkflow[string](cctx, workflow.ChildWorkflowOptions{
		WorkflowID:        childID,
		CancellationType:  ct,
		ParentClosePolicy: workflow.ParentClosePolicyAbandon,
	}, "BlockingChild")
	if err != nil {
		return errSummary{}, err
	}
	if _, err := h.Started().Get(ctx); err != nil {
		return errSummary{}, fmt.Errorf("child did not start: %w", err)
	}
	cancel()
	_, err = h.Get(ctx)
	sum := summarize(err)
	resolved = true
	if err := workflow.Await(ctx, func() bool { return finish }); err != nil {
		return errSummary{}, err
	}
	return sum, nil
}

func queryResolved(t *testing.T, h *client.WorkflowHandle) bool {
	t.Helper()
	v, err := client.Query[bool](testenv.Context(t), h, "resolved")
	if err != nil {
		t.Fatalf("query resolved: %v", err)
	}
	return v
}

func waitResolved(t *testing.T, h *client.WorkflowHandle) {
	t.Helper()
	waitFor(t, "the child's result to resolve in the parent", func(ctx context.Context) (bool, error) {
		return client.Query[bool](ctx, h, "resolved")
	})
}

// TestChildCancellationTypes cancels a running child with each
// cancellation type and observes the request on the child and in the
// parent's history, and when the parent's future resolves.
func TestChildCancellationTypes(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		for _, ct := range []workflow.ChildWorkflowCancellationType{
			workflow.ChildWorkflowCancellationWaitCompleted,
			workflow.ChildWorkflowCancellationTryCancel,
			workflow.ChildWorkflowCancellationAbandon,
			workflow.ChildWorkflowCancellationWaitRequested,
		} {
			t.Run(ct.String(), func(t *testing.T) {
				e := newEnv(t, cacheSize)
				e.worker(func(w *worker.Worker) {
					testenv.Must(t, w.RegisterWorkflow("CancelParent", cancelParent))
					testenv.Must(t, w.RegisterWorkflow("BlockingChild", blockingChild))
				})
				childID := testenv.UniqueID("child-" + ct.String())
				parent := e.start("CancelParent", childID, ct)
				child := e.c.GetWorkflow(childID, "")
				testenv.TerminateAtEnd(t, child)
				childCancelRequested := testenv.HasEvent(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)

				switch ct {
				case workflow.ChildWorkflowCancellationWaitCompleted:
					testenv.WaitHistory(t, child, "the cancel request on the child", childCancelRequested)
					if queryResolved(t, parent) {
						t.Errorf("WAIT_CANCELLATION_COMPLETED resolved before the child closed")
					}
					testenv.Must(t, child.Signal(testenv.Context(t), "release"))
					waitResolved(t, parent)
				case workflow.ChildWorkflowCancellationWaitRequested:
					waitResolved(t, parent)
					if evs := testenv.History(t, child); !childCancelRequested(evs) {
						t.Errorf("WAIT_CANCELLATION_REQUESTED resolved before the child had the request; child history:\n%s", testenv.FormatHistory(evs))
					}
					if st := status(t, child); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
						t.Errorf("child status %s, want RUNNING (it waits for release)", st)
					}
					testenv.Must(t, child.Signal(testenv.Context(t), "release"))
				case workflow.ChildWorkflowCancellationTryCancel:
					waitResolved(t, parent)
					testenv.WaitHistory(t, child, "the cancel request on the child", childCancelRequested)
					testenv.Must(t, child.Signal(testenv.Context(t), "release"))
				case workflow.ChildWorkflowCancellationAbandon:
					waitResolved(t, parent)
				}
				testenv.Must(t, parent.Signal(testenv.Context(t), "finish"))
				sum := testenv.Result[errSummary](t, parent)
				if !sum.ChildError || !sum.Canceled || sum.ChildWorkflowID != childID || sum.ChildWorkflowType != "BlockingChild" {
					t.Errorf("child result error = %+v, want a ChildWorkflowError for %s wrapping a CanceledError", sum, childID)
				}

				pevs := testenv.History(t, parent)
				cancelInitiated := testenv.Count(pevs, enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)
				if ct == workflow.ChildWorkflowCancellationAbandon {
					if cancelInitiated != 0 {
						t.Errorf("ABANDON sent a cancel request; parent history:\n%s", testenv.FormatHistory(pevs))
					}
					cevs := testenv.History(t, child)
					if childCancelRequested(cevs) {
						t.Errorf("ABANDON: child got a cancel request; child history:\n%s", testenv.FormatHistory(cevs))
					}
					if st := status(t, child); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
						t.Errorf("ABANDON: child status %s, want RUNNING", st)
					}
					return
				}
				if cancelInitiated != 1 {
					t.Errorf("%d RequestCancelExternalWorkflowExecutionInitiated events, want 1; parent history:\n%s", cancelInitiated, testenv.FormatHistory(pevs))
				} else if a := testenv.First(pevs, enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED).GetRequestCancelExternalWorkflowExecutionInitiatedEventAttributes(); !a.GetChildWorkflowOnly() || a.GetWorkflowExecution().GetWorkflowId() != childID {
					t.Errorf("cancel request attributes %v, want child-only for %s", a, childID)
				}
				// The child closes as cancelled once released.
				waitStatus(t, child, enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED)
				if ct == workflow.ChildWorkflowCancellationWaitCompleted && testenv.Count(pevs, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED) != 1 {
					t.Errorf("WAIT_CANCELLATION_COMPLETED: no ChildWorkflowExecutionCanceled in the parent; history:\n%s", testenv.FormatHistory(pevs))
				}
			})
		}
	})
}

// TestChildParentClosePolicies starts one child per parent close policy
// and observes what the server does to each once the parent completes.
func TestChildParentClosePolicies(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		policies := []workflow.ParentClosePolicy{
			workflow.ParentClosePolicyTerminate, workflow.ParentClosePolicyAbandon, workflow.ParentClosePolicyRequestCancel,
		}
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("BlockingChild", blockingChild))
			testenv.Must(t, w.RegisterWorkflow("PolicyParent", func(ctx workflow.Context, ids []string) ([]string, error) {
				var hs []workflow.ChildWorkflowHandle[string]
				for i, p := range policies {
					h, err := workflow.StartChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{WorkflowID: ids[i], ParentClosePolicy: p}, "BlockingChild")
					if err != nil {
						return nil, err
					}
					hs = append(hs, h)
				}
				var runs []string
				for _, h := range hs {
					r, err := h.Started().Get(ctx)
					if err != nil {
						return nil, err
					}
					runs = append(runs, r)
				}
				return runs, nil
			}))
		})
		ids := []string{testenv.UniqueID("pcp-terminate"), testenv.UniqueID("pcp-abandon"), testenv.UniqueID("pcp-request-cancel")}
		parent := e.start("PolicyParent", ids)
		runs := testenv.Result[[]string](t, parent)
		if len(runs) != 3 || slices.Contains(runs, "") {
			t.Fatalf("child run ids %q", runs)
		}
		term, aband, rc := e.c.GetWorkflow(ids[0], runs[0]), e.c.GetWorkflow(ids[1], runs[1]), e.c.GetWorkflow(ids[2], runs[2])
		for _, h := range []*client.WorkflowHandle{term, aband, rc} {
			testenv.TerminateAtEnd(t, h)
		}
		// The initiated events carry the policies.
		pevs := testenv.History(t, parent)
		var got []workflow.ParentClosePolicy
		for _, ev := range pevs {
			if a := ev.GetStartChildWorkflowExecutionInitiatedEventAttributes(); a != nil {
				got = append(got, a.GetParentClosePolicy())
			}
		}
		if !slices.Equal(got, policies) {
			t.Errorf("initiated events carry policies %v, want %v", got, policies)
		}
		waitStatus(t, term, enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED)
		testenv.WaitHistory(t, rc, "the REQUEST_CANCEL child's cancel request", testenv.HasEvent(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED))
		if st := status(t, rc); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			t.Errorf("REQUEST_CANCEL child status %s, want RUNNING (it waits for release)", st)
		}
		// The server applied the other two policies; the abandoned child
		// is untouched.
		if st := status(t, aband); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			t.Errorf("ABANDON child status %s, want RUNNING", st)
		}
		if evs := testenv.History(t, aband); testenv.Count(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED) != 0 {
			t.Errorf("ABANDON child got a cancel request; history:\n%s", testenv.FormatHistory(evs))
		}
	})
}

// TestChildStartDuplicateID starts a child whose id is taken by a running
// workflow.
func TestChildStartDuplicateID(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("BlockingChild", blockingChild))
			testenv.Must(t, w.RegisterWorkflow("DupParent", func(ctx workflow.Context, id string) ([]errSummary, error) {
				h, err := workflow.StartChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{WorkflowID: id}, "BlockingChild")
				if err != nil {
					return nil, err
				}
				_, serr := h.Started().Get(ctx)
				_, rerr := h.Get(ctx)
				return []errSummary{summarize(serr), summarize(rerr)}, nil
			}))
		})
		taken := e.startOpts(client.StartWorkflowOptions{ID: testenv.UniqueID("taken")}, "BlockingChild")
		parent := e.start("DupParent", taken.ID())
		got := testenv.Result[[]errSummary](t, parent)
		for i, s := range got {
			if !s.StartError || !s.AlreadyStarted || s.StartErrID != taken.ID() || s.ChildError {
				t.Errorf("error %d = %+v, want a ChildWorkflowStartError with AlreadyStarted for %s", i, s, taken.ID())
			}
		}
		evs := testenv.History(t, parent)
		f := testenv.First(evs, enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED)
		if f == nil || f.GetStartChildWorkflowExecutionFailedEventAttributes().GetCause() != enumspb.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS {
			t.Errorf("no StartChildWorkflowExecutionFailed(WORKFLOW_ALREADY_EXISTS); history:\n%s", testenv.FormatHistory(evs))
		}
		if st := status(t, taken); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			t.Errorf("the workflow holding the id is %s, want RUNNING", st)
		}
	})
}

// TestChildFailures checks the ChildWorkflowError the parent sees for a
// child that times out, fails, or is terminated.
func TestChildFailures(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("BlockingChild", blockingChild))
			testenv.Must(t, w.RegisterWorkflow("FailingChild", func(ctx workflow.Context) (string, error) {
				return "", temporal.NewApplicationError("child broke", "ChildBroke")
			}))
			testenv.Must(t, w.RegisterWorkflow("ChildRunner", func(ctx workflow.Context, childType, id string, timeout time.Duration) (errSummary, error) {
				h, err := workflow.StartChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{WorkflowID: id, ExecutionTimeout: timeout}, childType)
				if err != nil {
					return errSummary{}, err
				}
				_, err = h.Get(ctx)
				return summarize(err), nil
			}))
		})

		t.Run("timeout", func(t *testing.T) {
			id := testenv.UniqueID("timeout-child")
			parent := e.start("ChildRunner", "BlockingChild", id, 2*time.Second)
			sum := testenv.Result[errSummary](t, parent)
			if !sum.ChildError || sum.TimeoutType == "" || sum.ChildWorkflowID != id {
				t.Errorf("error = %+v, want a ChildWorkflowError for %s wrapping a TimeoutError", sum, id)
			}
			if evs := testenv.History(t, parent); testenv.Count(evs, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT) != 1 {
				t.Errorf("no ChildWorkflowExecutionTimedOut; history:\n%s", testenv.FormatHistory(evs))
			}
			if st := status(t, e.c.GetWorkflow(id, "")); st != enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT {
				t.Errorf("child status %s, want TIMED_OUT", st)
			}
		})
		t.Run("failure", func(t *testing.T) {
			id := testenv.UniqueID("failing-child")
			parent := e.start("ChildRunner", "FailingChild", id, time.Duration(0))
			sum := testenv.Result[errSummary](t, parent)
			if !sum.ChildError || sum.ChildWorkflowID != id || sum.ChildWorkflowType != "FailingChild" ||
				sum.AppErrType != "ChildBroke" || sum.AppErrMessage != "child broke" || sum.ChildRunID == "" {
				t.Errorf("error = %+v, want a ChildWorkflowError for %s (FailingChild) wrapping ApplicationError ChildBroke \"child broke\"", sum, id)
			}
		})
		t.Run("terminated", func(t *testing.T) {
			id := testenv.UniqueID("terminated-child")
			parent := e.start("ChildRunner", "BlockingChild", id, time.Duration(0))
			testenv.WaitHistory(t, parent, "the child to start", testenv.HasEvent(enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED))
			testenv.Must(t, e.c.GetWorkflow(id, "").Terminate(testenv.Context(t), "by the test"))
			sum := testenv.Result[errSummary](t, parent)
			if !sum.ChildError || !sum.Terminated || sum.ChildWorkflowID != id {
				t.Errorf("error = %+v, want a ChildWorkflowError for %s wrapping a TerminatedError", sum, id)
			}
			if evs := testenv.History(t, parent); testenv.Count(evs, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED) != 1 {
				t.Errorf("no ChildWorkflowExecutionTerminated; history:\n%s", testenv.FormatHistory(evs))
			}
		})
	})
}

// greetChild waits for the "greet" signal and returns its argument.
func greetChild(ctx workflow.Context) (string, error) {
	var got string
	if err := workflow.SetSignalHandler(ctx, "greet", func(_ workflow.Context, args converter.Values) error {
		return args.Get(0, &got)
	}, workflow.SignalOptions{}); err != nil {
		return "", err
	}
	if err := workflow.Await(ctx, func() bool { return got != "" }); err != nil {
		return "", err
	}
	return "greeted:" + got, nil
}

type handleReport struct {
	ID        string
	RunBefore string
	Started   string
	RunAfter  string
	SignalErr errSummary
	Result    string
}

// TestChildHandle checks the handle's id, first execution run id and
// start future, and signals the child through it.
func TestChildHandle(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("GreetChild", greetChild))
			testenv.Must(t, w.RegisterWorkflow("HandleParent", func(ctx workflow.Context, id string) (handleReport, error) {
				h, err := workflow.StartChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{WorkflowID: id}, "GreetChild")
				if err != nil {
					return handleReport{}, err
				}
				r := handleReport{ID: h.ID(), RunBefore: h.FirstExecutionRunID()}
				if r.Started, err = h.Started().Get(ctx); err != nil {
					return r, err
				}
				r.RunAfter = h.FirstExecutionRunID()
				_, serr := h.Signal(ctx, "greet", "hello").Get(ctx)
				r.SignalErr = summarize(serr)
				r.Result, err = h.Get(ctx)
				return r, err
			}))
		})
		id := testenv.UniqueID("greet-child")
		parent := e.start("HandleParent", id)
		r := testenv.Result[handleReport](t, parent)
		child := e.c.GetWorkflow(id, "")
		d, err := child.Describe(testenv.Context(t))
		testenv.Must(t, err)
		want := handleReport{ID: id, RunBefore: "", Started: d.RunID, RunAfter: d.RunID, SignalErr: errSummary{Nil: true}, Result: "greeted:hello"}
		if r != want {
			t.Errorf("handle report\n got %+v\nwant %+v", r, want)
		}
		if d.FirstExecutionRunID != d.RunID {
			t.Errorf("child FirstExecutionRunID %s != RunID %s", d.FirstExecutionRunID, d.RunID)
		}
		cevs := testenv.History(t, child)
		sig := testenv.First(cevs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
		if sig.GetWorkflowExecutionSignaledEventAttributes().GetSignalName() != "greet" {
			t.Errorf("child history has no greet signal:\n%s", testenv.FormatHistory(cevs))
		}
		pevs := testenv.History(t, parent)
		if testenv.Count(pevs, enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED) != 1 || testenv.Count(pevs, enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED) != 1 {
			t.Errorf("parent history lacks the external signal events:\n%s", testenv.FormatHistory(pevs))
		}
	})
}

// TestChildOptions starts a child with every ChildWorkflowOptions field
// set and finds each one on the child (Describe and its started event) or
// in the parent's initiated event.
func TestChildOptions(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		otherTQ := testenv.UniqueID("child-tq")
		retry := &temporal.RetryPolicy{InitialInterval: 3 * time.Second, BackoffCoefficient: 1.5, MaximumInterval: time.Minute, MaximumAttempts: 7, NonRetryableErrorTypes: []string{"Fatal"}}
		when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("OptionsParent", func(ctx workflow.Context, id string) (string, error) {
				h, err := workflow.StartChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{
					WorkflowID:            id,
					TaskQueue:             otherTQ,
					ExecutionTimeout:      time.Hour,
					RunTimeout:            30 * time.Minute,
					TaskTimeout:           7 * time.Second,
					WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
					ParentClosePolicy:     workflow.ParentClosePolicyAbandon,
					RetryPolicy:           retry,
					CronSchedule:          "0 0 1 1 *",
					Memo:                  map[string]any{"owner": "orchestration", "n": 7},
					SearchAttributes:      []temporal.SearchAttributeUpdate{keyKeyword.ValueSet("child-kw"), keyInt.ValueSet(11), keyDatetime.ValueSet(when)},
				}, "NeverRuns", "arg")
				if err != nil {
					return "", err
				}
				return h.Started().Get(ctx)
			}))
		})
		id := testenv.UniqueID("opts-child")
		parent := e.start("OptionsParent", id)
		runID := testenv.Result[string](t, parent)
		child := e.c.GetWorkflow(id, runID)
		testenv.TerminateAtEnd(t, child)
		d, err := child.Describe(testenv.Context(t))
		testenv.Must(t, err)
		if d.WorkflowType != "NeverRuns" || d.TaskQueue != otherTQ || d.WorkflowExecutionTimeout != time.Hour ||
			d.WorkflowRunTimeout != 30*time.Minute || d.WorkflowTaskTimeout != 7*time.Second || d.Status != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			t.Errorf("child description: type %s task queue %s timeouts %v/%v/%v status %s", d.WorkflowType, d.TaskQueue,
				d.WorkflowExecutionTimeout, d.WorkflowRunTimeout, d.WorkflowTaskTimeout, d.Status)
		}
		if pe := d.Info().GetParentExecution(); pe.GetWorkflowId() != parent.ID() || pe.GetRunId() != parent.RunID() {
			t.Errorf("child's parent execution %v, want %s/%s", pe, parent.ID(), parent.RunID())
		}
		var owner string
		var n int
		if err := d.MemoValue("owner", &owner); err != nil || owner != "orchestration" {
			t.Errorf("memo owner = %q, %v", owner, err)
		}
		if err := d.MemoValue("n", &n); err != nil || n != 7 {
			t.Errorf("memo n = %d, %v", n, err)
		}
		var kw string
		var iv int64
		var dt time.Time
		if err := d.SearchAttributeValue(saKeyword, &kw); err != nil || kw != "child-kw" {
			t.Errorf("search attribute %s = %q, %v", saKeyword, kw, err)
		}
		if err := d.SearchAttributeValue(saInt, &iv); err != nil || iv != 11 {
			t.Errorf("search attribute %s = %d, %v", saInt, iv, err)
		}
		if err := d.SearchAttributeValue(saDatetime, &dt); err != nil || !dt.Equal(when) {
			t.Errorf("search attribute %s = %v, %v", saDatetime, dt, err)
		}
		cevs := testenv.History(t, child)
		sa := testenv.First(cevs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).GetWorkflowExecutionStartedEventAttributes()
		if got := temporal.RetryPolicyFromProto(sa.GetRetryPolicy()); got == nil || got.InitialInterval != retry.InitialInterval ||
			got.BackoffCoefficient != retry.BackoffCoefficient || got.MaximumInterval != retry.MaximumInterval ||
			got.MaximumAttempts != retry.MaximumAttempts || !slices.Equal(got.NonRetryableErrorTypes, retry.NonRetryableErrorTypes) {
			t.Errorf("child retry policy %+v, want %+v", got, retry)
		}
		if sa.GetCronSchedule() != "0 0 1 1 *" {
			t.Errorf("child cron schedule %q", sa.GetCronSchedule())
		}
		if sa.GetFirstWorkflowTaskBackoff().AsDuration() <= 0 {
			t.Errorf("cron child has no first workflow task backoff")
		}
		var arg string
		if err := converter.NewValues(sa.GetInput(), e.c.DataConverter()).Get(0, &arg); err != nil || arg != "arg" {
			t.Errorf("child input %q, %v", arg, err)
		}
		init := testenv.First(testenv.History(t, parent), enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED).GetStartChildWorkflowExecutionInitiatedEventAttributes()
		if init.GetWorkflowIdReusePolicy() != enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE || init.GetParentClosePolicy() != enumspb.PARENT_CLOSE_POLICY_ABANDON ||
			init.GetNamespace() != srv.Namespace() {
			t.Errorf("initiated event: reuse policy %s, parent close policy %s, namespace %q", init.GetWorkflowIdReusePolicy(), init.GetParentClosePolicy(), init.GetNamespace())
		}
	})
}

// TestChildSignalBeforeStart signals a child through its handle before the
// child started: the signal must wait for the start instead of failing to
// find the child.
func TestChildSignalBeforeStart(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("GreetChild", greetChild))
			testenv.Must(t, w.RegisterWorkflow("EarlySignal", func(ctx workflow.Context) (handleReport, error) {
				h, err := workflow.StartChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{}, "GreetChild")
				if err != nil {
					return handleReport{}, err
				}
				r := handleReport{ID: h.ID(), RunBefore: h.FirstExecutionRunID()}
				_, serr := h.Signal(ctx, "greet", "early").Get(ctx)
				r.SignalErr = summarize(serr)
				r.Result, err = h.Get(ctx)
				r.RunAfter = h.FirstExecutionRunID()
				return r, err
			}))
		})
		h := e.start("EarlySignal")
		r := testenv.Result[handleReport](t, h)
		if !r.SignalErr.Nil || r.Result != "greeted:early" || r.RunBefore != "" || r.RunAfter == "" {
			t.Errorf("report %+v, want the early signal delivered once the child started", r)
		}
		// Default child id: the parent's run id and the child's number.
		if want := h.RunID() + "_1"; r.ID != want {
			t.Errorf("default child id %q, want %q", r.ID, want)
		}
		evs := testenv.History(t, h)
		if si, ci := testenv.IndexOf(evs, enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED), testenv.IndexOf(evs, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED); si < ci || testenv.Count(evs, enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED) != 0 {
			t.Errorf("the signal was not sent after the child started:\n%s", testenv.FormatHistory(evs))
		}
	})
}

// TestChildCancelBeforeStart cancels a child in the workflow task that
// starts it: no command is sent and both futures resolve as cancelled.
func TestChildCancelBeforeStart(t *testing.T) {
	t.Parallel()
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t, cacheSize)
		e.worker(func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("GreetChild", greetChild))
			testenv.Must(t, w.RegisterWorkflow("CancelBeforeStart", func(ctx workflow.Context) ([]errSummary, error) {
				cctx, cancel := workflow.WithCancel(ctx)
				h, err := workflow.StartChildWorkflow[string](cctx, workflow.ChildWorkflowOptions{}, "GreetChild")
				if err != nil {
					return nil, err
				}
				cancel()
				_, serr := h.Started().Get(ctx)
				_, rerr := h.Get(ctx)
				// A timer, so that without a cache the above replays.
				if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
					return nil, err
				}
				return []errSummary{summarize(serr), summarize(rerr)}, nil
			}))
		})
		h := e.start("CancelBeforeStart")
		r := testenv.Result[[]errSummary](t, h)
		if !r[0].Canceled || !r[1].Canceled || !r[1].ChildError {
			t.Errorf("started %+v, result %+v; want cancelled, and a ChildWorkflowError wrapping a cancellation", r[0], r[1])
		}
		if evs := testenv.History(t, h); testenv.Count(evs, enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) != 0 {
			t.Errorf("the cancelled child was started:\n%s", testenv.FormatHistory(evs))
		}
	})
}
