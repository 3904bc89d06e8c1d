package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

const (
	asyncWorkflowType = "AsyncCompletion"
	asyncActivityType = "AsyncActivity"
	asyncActivityID   = "async-1"
)

// asyncReport is what asyncWorkflow saw of its activity's outcome.
type asyncReport struct {
	Result       string
	Canceled     bool
	CancelDetail string
	AppMessage   string
	AppType      string
	AppDetail    string
	NonRetryable bool
	TimeoutType  string
	LastBeat     string // the timeout's last heartbeat details
	Err          string // any other error
}

// asyncWorkflow runs one attempt of asyncActivityType and reports how it
// ended. mode "heartbeat-timeout" gives the activity a 2s heartbeat
// timeout; mode "cancel" waits for the activity's cancellation once the
// workflow is canceled.
func asyncWorkflow(ctx workflow.Context, mode string) (asyncReport, error) {
	opts := workflow.ActivityOptions{
		ActivityID:          asyncActivityID,
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
	}
	switch mode {
	case "heartbeat-timeout":
		opts.HeartbeatTimeout = 2 * time.Second
	case "cancel":
		opts.CancellationType = workflow.ActivityCancellationWaitCompleted
	}
	res, err := workflow.ExecuteActivity[string](ctx, opts, asyncActivityType, mode).Get(ctx)
	var r asyncReport
	var appErr *temporal.ApplicationError
	var canceled *temporal.CanceledError
	var timeout *temporal.TimeoutError
	switch {
	case err == nil:
		r.Result = res
	case errors.As(err, &canceled):
		r.Canceled = true
		if canceled.HasDetails() {
			if derr := canceled.Details(&r.CancelDetail); derr != nil {
				r.Err = derr.Error()
			}
		}
	case errors.As(err, &appErr):
		r.AppMessage, r.AppType, r.NonRetryable = appErr.Message(), appErr.Type(), appErr.NonRetryable()
		if derr := appErr.Details(&r.AppDetail); derr != nil {
			r.Err = derr.Error()
		}
	case errors.As(err, &timeout):
		r.TimeoutType = timeout.TimeoutType().String()
		if timeout.HasLastHeartbeatDetails() {
			if derr := timeout.LastHeartbeatDetails(&r.LastBeat); derr != nil {
				r.Err = derr.Error()
			}
		}
	default:
		r.Err = fmt.Sprintf("%T: %v", err, err)
	}
	return r, nil
}

// asyncEnv is a worker whose asyncActivityType hands its activity.Info
// to the test and returns activity.ErrResultPending.
type asyncEnv struct {
	t     *testing.T
	c     *client.Client
	infos chan activity.Info
}

func newAsyncEnv(t *testing.T) *asyncEnv {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := &asyncEnv{t: t, c: dial(t, client.Options{Logger: log}), infos: make(chan activity.Info, 1)}
	w := worker.New(e.c, taskQueue(t), worker.Options{Logger: log})
	if err := w.RegisterWorkflow(asyncWorkflowType, asyncWorkflow); err != nil {
		t.Fatal(err)
	}
	if err := w.RegisterActivity(asyncActivityType, func(ctx context.Context, mode string) (string, error) {
		e.infos <- activity.GetInfo(ctx)
		return "", activity.ErrResultPending
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return e
}

// start starts asyncWorkflow in mode and waits for its activity to return
// ErrResultPending, returning the attempt's info.
func (e *asyncEnv) start(mode string) (*client.WorkflowHandle, activity.Info) {
	e.t.Helper()
	h, err := e.c.StartWorkflow(testCtx(e.t), client.StartWorkflowOptions{
		ID: uniqueID(e.t.Name()), TaskQueue: taskQueue(e.t), WorkflowRunTimeout: time.Minute,
	}, asyncWorkflowType, mode)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = h.Terminate(context.Background(), "test over") })
	select {
	case info := <-e.infos:
		if len(info.TaskToken) == 0 || info.WorkflowID != h.ID() || info.ActivityID != asyncActivityID {
			e.t.Fatalf("activity info %+v", info)
		}
		return h, info
	case <-testCtx(e.t).Done():
		e.t.Fatal("the activity did not start")
	}
	return nil, activity.Info{}
}

func (e *asyncEnv) report(h *client.WorkflowHandle) asyncReport {
	e.t.Helper()
	r, err := client.Result[asyncReport](testCtx(e.t), h)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// wantNotFound checks that err wraps a *client.NotFoundError whose message
// names the activity with want.
func wantNotFound(t *testing.T, err error, want string) *client.NotFoundError {
	t.Helper()
	var nf *client.NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("error %v (%T), want a *client.NotFoundError", err, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not name the activity (%q)", err, want)
	}
	return nf
}

func TestAsyncCompleteByToken(t *testing.T) {
	e := newAsyncEnv(t)
	h, info := e.start("token")
	if err := e.c.CompleteActivity(testCtx(t), info.TaskToken, "done by token", nil); err != nil {
		t.Fatal(err)
	}
	if r := e.report(h); r.Result != "done by token" {
		t.Fatalf("report %+v", r)
	}
	// The attempt is over: the token names nothing any more.
	err := e.c.CompleteActivity(testCtx(t), info.TaskToken, "again", nil)
	if nf := wantNotFound(t, err, "activity with task token"); string(nf.TaskToken) != string(info.TaskToken) {
		t.Errorf("NotFoundError.TaskToken = %x", nf.TaskToken)
	}
	if _, err := e.c.RecordActivityHeartbeat(testCtx(t), info.TaskToken, "late"); err == nil {
		t.Error("heartbeat of a completed activity succeeded")
	} else {
		wantNotFound(t, err, "activity with task token")
	}
}

func TestAsyncCompleteByID(t *testing.T) {
	e := newAsyncEnv(t)
	h, info := e.start("id")
	if err := e.c.CompleteActivityByID(testCtx(t), h.ID(), info.WorkflowRunID, info.ActivityID, "done by id", nil); err != nil {
		t.Fatal(err)
	}
	if r := e.report(h); r.Result != "done by id" {
		t.Fatalf("report %+v", r)
	}
	err := e.c.CompleteActivityByID(testCtx(t), h.ID(), "", info.ActivityID, "again", nil)
	nf := wantNotFound(t, err, fmt.Sprintf("activity %q of workflow %q", asyncActivityID, h.ID()))
	if nf.ActivityID != asyncActivityID || nf.WorkflowID != h.ID() {
		t.Errorf("NotFoundError %+v", nf)
	}
}

func TestAsyncFail(t *testing.T) {
	e := newAsyncEnv(t)
	h, info := e.start("fail")
	failure := temporal.NewApplicationError("approval refused", "Refused", "by Ada")
	if err := e.c.CompleteActivity(testCtx(t), info.TaskToken, nil, failure); err != nil {
		t.Fatal(err)
	}
	r := e.report(h)
	if r.AppMessage != "approval refused" || r.AppType != "Refused" || r.AppDetail != "by Ada" || r.Err != "" {
		t.Fatalf("report %+v", r)
	}
}

func TestAsyncFailByID(t *testing.T) {
	e := newAsyncEnv(t)
	h, info := e.start("fail-id")
	failure := temporal.NewNonRetryableApplicationError("bad order", "BadOrder", nil, "order 7")
	if err := e.c.CompleteActivityByID(testCtx(t), h.ID(), "", info.ActivityID, nil, failure); err != nil {
		t.Fatal(err)
	}
	r := e.report(h)
	if r.AppMessage != "bad order" || r.AppType != "BadOrder" || r.AppDetail != "order 7" || !r.NonRetryable {
		t.Fatalf("report %+v", r)
	}
}

// pendingHeartbeat returns the heartbeat details DescribeWorkflowExecution
// shows for the workflow's pending activity.
func pendingHeartbeat(t *testing.T, h *client.WorkflowHandle) string {
	t.Helper()
	d, err := h.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	pending := d.Raw().GetPendingActivities()
	if len(pending) != 1 || pending[0].GetActivityId() != asyncActivityID {
		t.Fatalf("pending activities %v", pending)
	}
	var s string
	if pending[0].GetHeartbeatDetails() == nil {
		return ""
	}
	if err := converter.Default().FromPayloads(pending[0].GetHeartbeatDetails(), &s); err != nil {
		t.Fatalf("heartbeat details %v: %v", pending[0].GetHeartbeatDetails(), err)
	}
	return s
}

func TestAsyncHeartbeat(t *testing.T) {
	e := newAsyncEnv(t)
	h, info := e.start("heartbeat")
	res, err := e.c.RecordActivityHeartbeat(testCtx(t), info.TaskToken, "by token")
	if err != nil || res != (client.ActivityHeartbeatResult{}) {
		t.Fatalf("heartbeat by token: %+v, %v", res, err)
	}
	if got := pendingHeartbeat(t, h); got != "by token" {
		t.Errorf("details after heartbeat by token = %q", got)
	}
	res, err = e.c.RecordActivityHeartbeatByID(testCtx(t), h.ID(), "", asyncActivityID, "by id")
	if err != nil || res != (client.ActivityHeartbeatResult{}) {
		t.Fatalf("heartbeat by id: %+v, %v", res, err)
	}
	if got := pendingHeartbeat(t, h); got != "by id" {
		t.Errorf("details after heartbeat by id = %q", got)
	}
	if err := e.c.CompleteActivity(testCtx(t), info.TaskToken, "done", nil); err != nil {
		t.Fatal(err)
	}
	if r := e.report(h); r.Result != "done" {
		t.Fatalf("report %+v", r)
	}
	_, err = e.c.RecordActivityHeartbeatByID(testCtx(t), h.ID(), "", asyncActivityID, "late")
	wantNotFound(t, err, fmt.Sprintf("activity %q", asyncActivityID))
}

func TestAsyncCancel(t *testing.T) {
	e := newAsyncEnv(t)
	h, info := e.start("cancel")
	if res, err := e.c.RecordActivityHeartbeat(testCtx(t), info.TaskToken); err != nil || res.CancelRequested {
		t.Fatalf("heartbeat before cancellation: %+v, %v", res, err)
	}
	// Before the workflow asks, the server refuses a cancellation and the
	// activity stays open.
	err := e.c.CompleteActivity(testCtx(t), info.TaskToken, nil, temporal.NewCanceledError("too early"))
	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("unrequested cancellation: %v", err)
	}
	if got := pendingHeartbeat(t, h); got != "" {
		t.Fatalf("heartbeat details %q", got)
	}
	if err := h.Cancel(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	// The workflow requests the activity's cancellation in its next
	// workflow task; heartbeats tell the holder.
	ctx := testCtx(t)
	for {
		res, err := e.c.RecordActivityHeartbeatByID(ctx, h.ID(), "", asyncActivityID)
		if err != nil {
			t.Fatal(err)
		}
		if res.CancelRequested {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("heartbeats never reported the cancellation request")
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err := e.c.CompleteActivity(testCtx(t), info.TaskToken, nil, temporal.NewCanceledError("cleaned up")); err != nil {
		t.Fatal(err)
	}
	if r := e.report(h); !r.Canceled || r.CancelDetail != "cleaned up" {
		t.Fatalf("report %+v", r)
	}
}

func TestAsyncHeartbeatTimeout(t *testing.T) {
	e := newAsyncEnv(t)
	h, info := e.start("heartbeat-timeout")
	if _, err := e.c.RecordActivityHeartbeat(testCtx(t), info.TaskToken, "last words"); err != nil {
		t.Fatal(err)
	}
	// Nobody heartbeats any more (the worker stopped when the activity
	// returned ErrResultPending): the server times the activity out.
	r := e.report(h)
	if r.TimeoutType != enumspb.TIMEOUT_TYPE_HEARTBEAT.String() || r.LastBeat != "last words" {
		t.Fatalf("report %+v", r)
	}
	err := e.c.CompleteActivity(testCtx(t), info.TaskToken, "too late", nil)
	wantNotFound(t, err, "activity with task token")
}

// TestAsyncHeartbeatTimeoutNoHeartbeat: an async activity nobody ever
// heartbeats or completes times out after its heartbeat timeout too, with
// no last details, well before its start-to-close timeout.
func TestAsyncHeartbeatTimeoutNoHeartbeat(t *testing.T) {
	e := newAsyncEnv(t)
	h, _ := e.start("heartbeat-timeout")
	r := e.report(h)
	if r.TimeoutType != enumspb.TIMEOUT_TYPE_HEARTBEAT.String() || r.LastBeat != "" || r.Err != "" {
		t.Fatalf("report %+v", r)
	}
}

func TestAsyncBadInput(t *testing.T) {
	c := dial(t, client.Options{})
	ctx := testCtx(t)
	for name, err := range map[string]error{
		"no token":         c.CompleteActivity(ctx, nil, "x", nil),
		"pending outcome":  c.CompleteActivity(ctx, []byte("token"), nil, activity.ErrResultPending),
		"no activity id":   c.CompleteActivityByID(ctx, "wf", "", "", "x", nil),
		"no workflow id":   c.CompleteActivityByID(ctx, "", "", "a", "x", nil),
		"unencodable":      c.CompleteActivity(ctx, []byte("token"), func() {}, nil),
		"heartbeat no id":  func() error { _, err := c.RecordActivityHeartbeatByID(ctx, "wf", "", ""); return err }(),
		"heartbeat no tok": func() error { _, err := c.RecordActivityHeartbeat(ctx, nil); return err }(),
	} {
		if err == nil || !strings.HasPrefix(err.Error(), "client: ") {
			t.Errorf("%s: error %v", name, err)
		}
	}
	// A token the server cannot decode is the server's InvalidArgument,
	// not a NotFoundError.
	err := c.CompleteActivity(ctx, []byte("not a token"), "x", nil)
	var nf *client.NotFoundError
	if err == nil || errors.As(err, &nf) {
		t.Errorf("garbage token: %v", err)
	}
}
