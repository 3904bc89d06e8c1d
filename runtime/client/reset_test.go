package client_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

const collectorWorkflowType = "Collector"

// collectorWorkflow appends the argument of every "add" signal and "addU"
// update to a list, served by the query "items", and never returns.
func collectorWorkflow(ctx workflow.Context) error {
	var items []string
	add := func(args converter.Values) (string, error) {
		var s string
		if err := args.Get(0, &s); err != nil {
			return "", err
		}
		items = append(items, s)
		return s, nil
	}
	if err := workflow.SetSignalHandler(ctx, "add", func(_ workflow.Context, args converter.Values) error {
		_, err := add(args)
		return err
	}, workflow.SignalOptions{}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, "addU", func(_ workflow.Context, args converter.Values) (any, error) {
		return add(args)
	}, workflow.UpdateOptions{}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, "items", func(workflow.Context, converter.Values) (any, error) {
		return items, nil
	}, workflow.QueryOptions{}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return false })
}

// collectorClient dials the server and runs a worker for
// collectorWorkflow on the test's task queue.
func collectorClient(t *testing.T) (*client.Client, string) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c := dial(t, client.Options{Logger: log})
	tq := taskQueue(t)
	w := worker.New(c, tq, worker.Options{Logger: log})
	if err := w.RegisterWorkflow(collectorWorkflowType, collectorWorkflow); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return c, tq
}

func startCollector(t *testing.T, c *client.Client, tq string) *client.WorkflowHandle {
	t.Helper()
	// Not eagerly: that writes the first WorkflowTaskStarted in the start's
	// batch of events, and TestResetToLastWorkflowTaskAndEventID resets to
	// it, which the server allows only at a batch boundary.
	h, err := c.StartWorkflow(testCtx(t), client.StartWorkflowOptions{
		ID: uniqueID(t.Name()), TaskQueue: tq, WorkflowRunTimeout: 2 * time.Minute, DisableEagerExecution: true,
	}, collectorWorkflowType)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Terminate(context.Background(), "test over") })
	return h
}

// waitItems polls the query "items" until it returns want, in any order:
// the server reapplies signals and updates after a reset point in an order
// of its own, and the workflow runs the signals and updates of one
// workflow task in an order of its own too.
func waitItems(t *testing.T, h *client.WorkflowHandle, want ...string) {
	t.Helper()
	ctx := testCtx(t)
	want = slices.Sorted(slices.Values(want))
	var got []string
	for {
		var err error
		got, err = client.Query[[]string](ctx, h, "items")
		if err == nil && slices.Equal(slices.Sorted(slices.Values(got)), want) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("items %q (last error %v), want %q\nhistory:\n%s", got, err, want, dumpEvents(fetchHistory(t, h)))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// firstCompleted waits for the run's first workflow task to complete and
// returns the WorkflowTaskCompleted event ID.
func firstCompleted(t *testing.T, h *client.WorkflowHandle) int64 {
	t.Helper()
	ctx := testCtx(t)
	for {
		for _, ev := range fetchHistory(t, h) {
			if ev.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
				return ev.GetEventId()
			}
		}
		select {
		case <-ctx.Done():
			t.Fatal("the first workflow task did not complete")
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// feed waits for the first workflow task to complete, so that what
// follows comes after it, then sends the signal "add" a, the update "addU"
// u and the signal "add" b, and waits until the workflow holds all three.
func feed(t *testing.T, h *client.WorkflowHandle) {
	t.Helper()
	firstCompleted(t, h)
	ctx := testCtx(t)
	if err := h.Signal(ctx, "add", "a"); err != nil {
		t.Fatal(err)
	}
	if got, err := client.ExecuteUpdate[string](ctx, h, "addU", "u"); err != nil || got != "u" {
		t.Fatalf("update: %q, %v", got, err)
	}
	if err := h.Signal(ctx, "add", "b"); err != nil {
		t.Fatal(err)
	}
	waitItems(t, h, "a", "u", "b")
}

// resetEvent returns the WorkflowTaskFailed event with cause
// RESET_WORKFLOW that marks the reset point of a reset run, and the events
// after it.
func resetEvent(t *testing.T, evs []*historypb.HistoryEvent) (*historypb.HistoryEvent, []*historypb.HistoryEvent) {
	t.Helper()
	for i, ev := range evs {
		if a := ev.GetWorkflowTaskFailedEventAttributes(); a.GetCause() == enumspb.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW {
			return ev, evs[i+1:]
		}
	}
	t.Fatalf("no reset point in history:\n%s", formatEvents(evs))
	return nil, nil
}

func formatEvents(evs []*historypb.HistoryEvent) string {
	var b strings.Builder
	for _, ev := range evs {
		b.WriteString(ev.GetEventType().String())
		b.WriteByte('\n')
	}
	return b.String()
}

// reapplied lists the signal inputs and update arguments after the reset
// point, in order: what the server reapplied.
func reapplied(t *testing.T, after []*historypb.HistoryEvent) []string {
	t.Helper()
	var out []string
	dc := converter.Default()
	for _, ev := range after {
		var s string
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			if err := dc.FromPayloads(ev.GetWorkflowExecutionSignaledEventAttributes().GetInput(), &s); err != nil {
				t.Fatal(err)
			}
			out = append(out, "signal:"+s)
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED:
			if err := dc.FromPayloads(ev.GetWorkflowExecutionUpdateAdmittedEventAttributes().GetRequest().GetInput().GetArgs(), &s); err != nil {
				t.Fatal(err)
			}
			out = append(out, "update:"+s)
		}
	}
	return out
}

func TestResetToFirstWorkflowTask(t *testing.T) {
	c, tq := collectorClient(t)
	for _, tc := range []struct {
		name      string
		exclude   []enumspb.ResetReapplyExcludeType
		reapplied []string // events after the reset point
		items     []string // the new run's state
	}{
		{"all", nil, []string{"signal:a", "update:u", "signal:b"}, []string{"a", "u", "b"}},
		{"no signals", []enumspb.ResetReapplyExcludeType{enumspb.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL}, []string{"update:u"}, []string{"u"}},
		{"none", []enumspb.ResetReapplyExcludeType{enumspb.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL, enumspb.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := startCollector(t, c, tq)
			feed(t, h)
			old, err := h.Describe(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			// GetWorkflow has no run ID: Reset pins the current run itself.
			nh, err := c.GetWorkflow(h.ID(), "").Reset(testCtx(t), client.ResetOptions{
				To: client.ResetToFirstWorkflowTask, Reason: "test " + tc.name, ReapplyExcludeTypes: tc.exclude,
			})
			if err != nil {
				t.Fatal(err)
			}
			if nh.ID() != h.ID() || nh.RunID() == "" || nh.RunID() == old.RunID {
				t.Fatalf("new handle %s/%s, old run %s", nh.ID(), nh.RunID(), old.RunID)
			}
			if d, err := c.GetWorkflow(h.ID(), old.RunID).Describe(testCtx(t)); err != nil || d.Status != enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED {
				t.Fatalf("old run: %v, %v", d, err)
			}
			if items := tc.items; items != nil {
				waitItems(t, nh, items...)
			} else {
				waitItems(t, nh)
			}
			evs := fetchHistory(t, nh)
			point, after := resetEvent(t, evs)
			// The reset point is the end of the first workflow task: only
			// the start and that task precede it.
			if point.GetEventId() != 4 {
				t.Errorf("reset point is event %d:\n%s", point.GetEventId(), formatEvents(evs))
			}
			a := point.GetWorkflowTaskFailedEventAttributes()
			if a.GetBaseRunId() != old.RunID || a.GetNewRunId() != nh.RunID() || !strings.Contains(a.GetFailure().GetMessage(), "test "+tc.name) {
				t.Errorf("reset point %v", a)
			}
			if got := reapplied(t, after); !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(tc.reapplied))) {
				t.Errorf("reapplied %q, want %q\n%s", got, tc.reapplied, formatEvents(evs))
			}
		})
	}
}

func TestResetToLastWorkflowTaskAndEventID(t *testing.T) {
	c, tq := collectorClient(t)
	h := startCollector(t, c, tq)
	feed(t, h)
	d, err := h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	pinned := c.GetWorkflow(h.ID(), d.RunID)
	evs := fetchHistory(t, pinned)
	var lastCompleted, signaled int64
	for _, ev := range evs {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			lastCompleted = ev.GetEventId()
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			signaled = ev.GetEventId()
		}
	}

	// Not a workflow task event: the server refuses.
	_, err = pinned.Reset(testCtx(t), client.ResetOptions{EventID: signaled})
	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("reset to a signal event: %v", err)
	}
	// Bad options never reach the server.
	for name, opts := range map[string]client.ResetOptions{
		"no event":       {},
		"both":           {To: client.ResetToLastWorkflowTask, EventID: lastCompleted},
		"unknown target": {To: client.ResetPoint(9)},
	} {
		if _, err := pinned.Reset(testCtx(t), opts); err == nil || status.Code(err) != codes.Unknown {
			t.Errorf("%s: %v", name, err)
		}
	}

	// The last workflow task saw everything: the new run replays it all,
	// there is nothing after the reset point to reapply, and a retried
	// request (same request ID) does not reset again.
	opts := client.ResetOptions{To: client.ResetToLastWorkflowTask, Reason: "redo last", RequestID: uniqueID("reset")}
	nh, err := pinned.Reset(testCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	waitItems(t, nh, "a", "u", "b")
	nevs := fetchHistory(t, nh)
	point, after := resetEvent(t, nevs)
	if point.GetEventId() != lastCompleted {
		t.Errorf("reset point %d, want the last WorkflowTaskCompleted %d", point.GetEventId(), lastCompleted)
	}
	if got := reapplied(t, after); len(got) != 0 {
		t.Errorf("reapplied %q", got)
	}
	again, err := pinned.Reset(testCtx(t), opts)
	if err != nil || again.RunID() != nh.RunID() {
		t.Errorf("retried reset: run %v, %v; want %s", again, err, nh.RunID())
	}

	// An explicit event ID: the first WorkflowTaskCompleted of the new
	// run, after which everything came; it all comes back reapplied.
	nh2, err := nh.Reset(testCtx(t), client.ResetOptions{EventID: firstCompleted(t, nh), Reason: "by id"})
	if err != nil {
		t.Fatal(err)
	}
	waitItems(t, nh2, "a", "u", "b")
	_, after = resetEvent(t, fetchHistory(t, nh2))
	if got := slices.Sorted(slices.Values(reapplied(t, after))); !slices.Equal(got, []string{"signal:a", "signal:b", "update:u"}) {
		t.Errorf("reapplied %q", got)
	}

	// A WorkflowTaskStarted event is accepted too (server 1.29): the reset
	// point is then that task, written as failed.
	nh3, err := nh2.Reset(testCtx(t), client.ResetOptions{EventID: 3})
	if err != nil {
		t.Fatal(err)
	}
	point, _ = resetEvent(t, fetchHistory(t, nh3))
	if point.GetEventId() != 4 || point.GetWorkflowTaskFailedEventAttributes().GetStartedEventId() != 3 {
		t.Errorf("reset point %v", point)
	}
	waitItems(t, nh3, "a", "u", "b")
}

func dumpEvents(evs []*historypb.HistoryEvent) string {
	var b strings.Builder
	for _, ev := range evs {
		b.WriteString(ev.String())
		b.WriteByte('\n')
	}
	return b.String()
}
