package client_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
)

var srv *devserver.Server

func TestMain(m *testing.M) {
	os.Exit(devserver.RunMain(m, devserver.Options{
		SearchAttributes: map[string]string{
			"CustomKeywordField":     "Keyword",
			"CustomKeywordListField": "KeywordList",
			"CustomIntField":         "Int",
			"CustomDoubleField":      "Double",
			"CustomBoolField":        "Bool",
			"CustomDatetimeField":    "Datetime",
		},
		// Long polls for history end after 1s instead of 20s, so that tests
		// waiting longer (TestGetTimedOut) see empty long-poll answers.
		DynamicConfig: map[string]string{"history.longPollExpirationInterval": `"1s"`,
			// Batch tests may overlap: the default allows one job at a time.
			"frontend.MaxConcurrentBatchOperationPerNamespace": "10"},
	}, func(s *devserver.Server) { srv = s }))
}

// testCtx returns a context bounded well within the test timeout.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t *testing.T, opts client.Options) *client.Client {
	t.Helper()
	opts.HostPort = srv.Address()
	opts.Namespace = srv.Namespace()
	c, err := client.Dial(testCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// taskQueue returns a task queue name no other test uses.
func taskQueue(t *testing.T) string { return "tq-" + t.Name() }

// uniqueID returns prefix with a random suffix, so that reruns (-count) on
// the same server do not collide.
func uniqueID(prefix string) string {
	return fmt.Sprintf("%s-%016x", prefix, rand.Uint64())
}

func start(t *testing.T, c *client.Client, opts client.StartWorkflowOptions, args ...any) *client.WorkflowHandle {
	t.Helper()
	if opts.TaskQueue == "" {
		opts.TaskQueue = taskQueue(t)
	}
	h, err := c.StartWorkflow(testCtx(t), opts, "TestWorkflow", args...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func fetchHistory(t *testing.T, h *client.WorkflowHandle) []*historypb.HistoryEvent {
	t.Helper()
	hist, err := h.FetchHistory(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return hist.GetEvents()
}

func TestDial(t *testing.T) {
	c := dial(t, client.Options{})
	if c.Namespace() != srv.Namespace() || c.Identity() == "" || c.SystemInfo().GetServerVersion() == "" {
		t.Errorf("namespace %q identity %q info %v", c.Namespace(), c.Identity(), c.SystemInfo())
	}
	if _, err := c.CountWorkflows(testCtx(t), ""); err != nil {
		t.Errorf("server rejected a call: %v", err)
	}
}

func TestStartWithAllOptions(t *testing.T) {
	c := dial(t, client.Options{Identity: "tester"})
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	retry := &temporal.RetryPolicy{
		InitialInterval:        2 * time.Second,
		BackoffCoefficient:     3,
		MaximumInterval:        time.Minute,
		MaximumAttempts:        5,
		NonRetryableErrorTypes: []string{"Fatal"},
	}
	id := uniqueID("all-options")
	h := start(t, c, client.StartWorkflowOptions{
		ID:                       id,
		WorkflowExecutionTimeout: time.Hour,
		WorkflowRunTimeout:       30 * time.Minute,
		WorkflowTaskTimeout:      7 * time.Second,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		RetryPolicy:              retry,
		CronSchedule:             "0 0 1 1 *",
		Memo:                     map[string]any{"owner": "team-a", "limits": map[string]int{"max": 3}},
		SearchAttributes: map[string]any{
			"CustomKeywordField":     "kw",
			"CustomKeywordListField": []string{"a", "b"},
			"CustomIntField":         42,
			"CustomDoubleField":      2.5,
			"CustomBoolField":        true,
			"CustomDatetimeField":    when,
		},
		RequestID: "req-all-options",
	}, "arg1", 2)
	t.Cleanup(func() { _ = h.Terminate(context.Background(), "cleanup") })
	if h.ID() != id || h.RunID() == "" || h.FirstExecutionRunID() != h.RunID() || !h.Started() {
		t.Fatalf("handle %q %q %q", h.ID(), h.RunID(), h.FirstExecutionRunID())
	}

	d, err := h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.WorkflowID != h.ID() || d.RunID != h.RunID() || d.WorkflowType != "TestWorkflow" || d.TaskQueue != taskQueue(t) ||
		d.Status != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING || d.StartTime.IsZero() || !d.CloseTime.IsZero() ||
		d.HistoryLength < 1 || d.Raw() == nil {
		t.Errorf("description: %+v", d)
	}
	if d.WorkflowExecutionTimeout != time.Hour || d.WorkflowRunTimeout != 30*time.Minute || d.WorkflowTaskTimeout != 7*time.Second {
		t.Errorf("timeouts: %v %v %v", d.WorkflowExecutionTimeout, d.WorkflowRunTimeout, d.WorkflowTaskTimeout)
	}
	var owner string
	var limits map[string]int
	if err := d.MemoValue("owner", &owner); err != nil || owner != "team-a" {
		t.Errorf("memo owner = %q, %v", owner, err)
	}
	if err := d.MemoValue("limits", &limits); err != nil || limits["max"] != 3 {
		t.Errorf("memo limits = %v, %v", limits, err)
	}
	if err := d.MemoValue("missing", &owner); err == nil {
		t.Errorf("missing memo decoded")
	}
	var (
		kw     string
		kwList []string
		n      int64
		f      float64
		b      bool
		tm     time.Time
	)
	for key, ptr := range map[string]any{
		"CustomKeywordField": &kw, "CustomKeywordListField": &kwList, "CustomIntField": &n,
		"CustomDoubleField": &f, "CustomBoolField": &b, "CustomDatetimeField": &tm,
	} {
		if err := d.SearchAttributeValue(key, ptr); err != nil {
			t.Errorf("search attribute %s: %v", key, err)
		}
	}
	if kw != "kw" || !slices.Equal(kwList, []string{"a", "b"}) || n != 42 || f != 2.5 || !b || !tm.Equal(when) {
		t.Errorf("search attributes: %q %v %d %v %v %v", kw, kwList, n, f, b, tm)
	}

	// Retry policy, cron schedule, input and identity are in the started event.
	events := fetchHistory(t, h)
	started := events[0].GetWorkflowExecutionStartedEventAttributes()
	if started == nil {
		t.Fatalf("first event is %v", events[0].GetEventType())
	}
	if got := temporal.RetryPolicyFromProto(started.GetRetryPolicy()); got == nil ||
		got.InitialInterval != retry.InitialInterval || got.BackoffCoefficient != 3 || got.MaximumInterval != time.Minute ||
		got.MaximumAttempts != 5 || !slices.Equal(got.NonRetryableErrorTypes, []string{"Fatal"}) {
		t.Errorf("retry policy: %+v", got)
	}
	if started.GetCronSchedule() != "0 0 1 1 *" || started.GetIdentity() != "tester" {
		t.Errorf("cron %q identity %q", started.GetCronSchedule(), started.GetIdentity())
	}
	var a1 string
	var a2 int
	if err := c.DataConverter().FromPayloads(started.GetInput(), &a1, &a2); err != nil || a1 != "arg1" || a2 != 2 {
		t.Errorf("input = %q %d, %v", a1, a2, err)
	}
}

func TestStartDelay(t *testing.T) {
	c := dial(t, client.Options{})
	h := start(t, c, client.StartWorkflowOptions{StartDelay: 90 * time.Minute})
	t.Cleanup(func() { _ = h.Terminate(context.Background(), "cleanup") })
	d, err := h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.ExecutionTime.Sub(d.StartTime); got != 90*time.Minute {
		t.Errorf("execution time - start time = %v", got)
	}
	events := fetchHistory(t, h)
	if got := events[0].GetWorkflowExecutionStartedEventAttributes().GetFirstWorkflowTaskBackoff().AsDuration(); got != 90*time.Minute {
		t.Errorf("first workflow task backoff = %v", got)
	}
}

func TestStartRequiresTaskQueue(t *testing.T) {
	c := dial(t, client.Options{})
	_, err := c.StartWorkflow(testCtx(t), client.StartWorkflowOptions{ID: "no-tq"}, "TestWorkflow")
	if err == nil || err.Error() != `client: start workflow "no-tq": StartWorkflowOptions.TaskQueue is required` {
		t.Errorf("err = %v", err)
	}
}

func TestAlreadyStarted(t *testing.T) {
	c := dial(t, client.Options{})
	id := uniqueID("dup")
	opts := client.StartWorkflowOptions{
		ID:                       id,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
	}
	first := start(t, c, opts)
	check := func(what string) {
		t.Helper()
		o := opts
		o.TaskQueue = taskQueue(t)
		_, err := c.StartWorkflow(testCtx(t), o, "TestWorkflow")
		var ase *client.WorkflowAlreadyStartedError
		if !errors.As(err, &ase) {
			t.Fatalf("%s: err = %v", what, err)
		}
		if ase.WorkflowID != id || ase.RunID != first.RunID() || ase.WorkflowType != "TestWorkflow" {
			t.Errorf("%s: %+v", what, ase)
		}
		if status.Code(err) != codes.AlreadyExists || !strings.HasPrefix(err.Error(), `client: start workflow "`+id+`": `) {
			t.Errorf("%s: code %v, message %q", what, status.Code(err), err)
		}
	}
	check("running, conflict policy FAIL")

	// USE_EXISTING returns the running run instead.
	o := opts
	o.TaskQueue = taskQueue(t)
	o.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
	h, err := c.StartWorkflow(testCtx(t), o, "TestWorkflow")
	if err != nil || h.RunID() != first.RunID() || h.Started() {
		t.Errorf("USE_EXISTING: %v, run %q started %v", err, h.RunID(), h.Started())
	}

	if err := first.Terminate(testCtx(t), "done"); err != nil {
		t.Fatal(err)
	}
	check("closed, reuse policy REJECT_DUPLICATE")
}

func TestCancelRecordsRequest(t *testing.T) {
	c := dial(t, client.Options{})
	h := start(t, c, client.StartWorkflowOptions{})
	t.Cleanup(func() { _ = h.Terminate(context.Background(), "cleanup") })
	if err := h.Cancel(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	events := fetchHistory(t, h)
	last := events[len(events)-1]
	if last.GetEventType() != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED ||
		last.GetWorkflowExecutionCancelRequestedEventAttributes().GetIdentity() != c.Identity() {
		t.Errorf("last event %v", last)
	}
}

func TestHistoryPaging(t *testing.T) {
	var historyCalls atomic.Int32
	c := dial(t, client.Options{GRPCDialOptions: []grpc.DialOption{historyCallCounter(&historyCalls)}})
	h := start(t, c, client.StartWorkflowOptions{})
	t.Cleanup(func() { _ = h.Terminate(context.Background(), "cleanup") })
	const signals = 30
	for i := range signals {
		if err := c.SignalWorkflow(testCtx(t), h.ID(), h.RunID(), "sig", i); err != nil {
			t.Fatal(err)
		}
	}

	historyCalls.Store(0)
	var ids []int64
	var signaled int
	for ev, err := range h.HistoryWithOptions(testCtx(t), client.HistoryOptions{PageSize: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.GetEventId())
		if a := ev.GetWorkflowExecutionSignaledEventAttributes(); a != nil {
			var i int
			if err := c.DataConverter().FromPayloads(a.GetInput(), &i); err != nil || i != signaled || a.GetSignalName() != "sig" {
				t.Errorf("signal %d: %v %v", signaled, a, err)
			}
			signaled++
		}
	}
	if signaled != signals || len(ids) <= signals {
		t.Fatalf("%d events, %d signals", len(ids), signaled)
	}
	for i, id := range ids {
		if id != int64(i+1) {
			t.Fatalf("event ids %v", ids)
		}
	}
	if got, min := historyCalls.Load(), int32((len(ids)+9)/10); got < min {
		t.Errorf("%d history pages for %d events of page size 10", got, len(ids))
	}

	// Breaking out of the iteration stops it.
	n := 0
	for range h.History(testCtx(t)) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("iteration continued after break")
	}
}

func TestNotFound(t *testing.T) {
	c := dial(t, client.Options{})
	h := c.GetWorkflow("does-not-exist", "")
	check := func(op string, err error) {
		t.Helper()
		var nf *client.NotFoundError
		if !errors.As(err, &nf) || nf.WorkflowID != "does-not-exist" || status.Code(err) != codes.NotFound {
			t.Errorf("%s: err = %v", op, err)
		}
		if !strings.Contains(err.Error(), `"does-not-exist"`) || !strings.Contains(err.Error(), "not found") {
			t.Errorf("%s: unclear message %q", op, err)
		}
	}
	_, err := h.Describe(testCtx(t))
	check("describe", err)
	check("get", h.Get(testCtx(t), nil))
	check("terminate", h.Terminate(testCtx(t), "x"))
	check("cancel", h.Cancel(testCtx(t)))
	check("signal", h.Signal(testCtx(t), "s"))
	_, err = h.FetchHistory(testCtx(t))
	check("history", err)
}

func TestCountAndListWorkflows(t *testing.T) {
	c := dial(t, client.Options{})
	tag := uniqueID("list-test")
	var want []string
	for range 3 {
		h := start(t, c, client.StartWorkflowOptions{SearchAttributes: map[string]any{"CustomKeywordField": tag}})
		t.Cleanup(func() { _ = h.Terminate(context.Background(), "cleanup") })
		want = append(want, h.ID())
	}
	slices.Sort(want)
	query := `CustomKeywordField = "` + tag + `"`

	// Visibility is eventually consistent: poll until all three are counted.
	ctx := testCtx(t)
	for {
		n, err := c.CountWorkflows(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		if n == 3 {
			break
		}
		if n > 3 {
			t.Fatalf("count = %d", n)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("count stuck at %d", n)
		case <-time.After(50 * time.Millisecond): // polling interval, not synchronisation
		}
	}
	for _, pageSize := range []int32{0, 2} { // default, and two pages
		var got []string
		for info, err := range client.ListWorkflowsPaged(c, ctx, query, pageSize) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, info.GetExecution().GetWorkflowId())
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("page size %d: listed %v, want %v", pageSize, got, want)
		}
	}
	n := 0
	for _, err := range c.ListWorkflows(ctx, query) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 {
		t.Errorf("ListWorkflows yielded %d", n)
	}
	if _, err := c.CountWorkflows(ctx, "NoSuchAttribute = 1"); err == nil || status.Code(err) != codes.InvalidArgument {
		t.Errorf("bad query: %v", err)
	}
}
