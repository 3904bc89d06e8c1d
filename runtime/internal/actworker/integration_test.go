package actworker_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

func encode(t *testing.T, vs ...any) *commonpb.Payloads {
	t.Helper()
	p, err := converter.Default().ToPayloads(vs...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func decode(t *testing.T, p *commonpb.Payloads, ptrs ...any) {
	t.Helper()
	if err := converter.Default().FromPayloads(p, ptrs...); err != nil {
		t.Fatalf("decode %v: %v", p, err)
	}
}

func mustRegister(t *testing.T, reg *actworker.Registry, name string, fn any) {
	t.Helper()
	if err := reg.Register(name, fn); err != nil {
		t.Fatal(err)
	}
}

// requireFailed checks that ev is ActivityTaskFailed and returns its
// application failure info and failure.
func requireFailed(t *testing.T, ev *historypb.HistoryEvent) (*failurepb.Failure, *failurepb.ApplicationFailureInfo) {
	t.Helper()
	if ev.GetEventType() != enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED {
		t.Fatalf("closing event = %v, want ActivityTaskFailed (%v)", ev.GetEventType(), ev)
	}
	f := ev.GetActivityTaskFailedEventAttributes().GetFailure()
	info := f.GetApplicationFailureInfo()
	if info == nil {
		t.Fatalf("failure has no application info: %v", f)
	}
	return f, info
}

func TestActivityCompletes(t *testing.T) {
	svc := dial(t, srv)
	reg := actworker.NewRegistry()
	infos := make(chan activity.Info, 1)
	mustRegister(t, reg, "Add", func(ctx context.Context, a, b int) (int, error) {
		infos <- activity.GetInfo(ctx)
		activity.GetLogger(ctx).Info("adding", "a", a, "b", b)
		return a + b, nil
	})
	_, tq := startPoller(t, svc, reg, nil)

	ev := runActivity(t, svc, activityOptions{Type: "Add", TaskQueue: tq, Args: encode(t, 2, 3), HeartbeatTimeout: 5 * time.Second})
	if ev.GetEventType() != enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED {
		t.Fatalf("closing event = %v (%v)", ev.GetEventType(), ev)
	}
	var sum int
	decode(t, ev.GetActivityTaskCompletedEventAttributes().GetResult(), &sum)
	if sum != 5 {
		t.Fatalf("result = %d, want 5", sum)
	}
	info := <-infos
	if info.ActivityType != "Add" || info.ActivityID != "1" || info.TaskQueue != tq || info.Attempt != 1 ||
		info.WorkflowType != "HandDriven" || info.WorkflowNamespace != srv.Namespace() || len(info.TaskToken) == 0 ||
		info.HeartbeatTimeout != 5*time.Second || info.StartToCloseTimeout != 30*time.Second || info.IsLocal {
		t.Fatalf("unexpected info %+v", info)
	}
	if !info.Deadline.Equal(info.StartedTime.Add(30*time.Second)) || info.ScheduledTime.IsZero() {
		t.Fatalf("deadline %v, started %v, scheduled %v", info.Deadline, info.StartedTime, info.ScheduledTime)
	}
}

func TestActivityFailsNonRetryable(t *testing.T) {
	svc := dial(t, srv)
	reg := actworker.NewRegistry()
	var calls atomic.Int32
	mustRegister(t, reg, "Reject", func(ctx context.Context, s string) error {
		calls.Add(1)
		return temporal.NewNonRetryableApplicationError("bad input "+s, "BadInput", nil, "detail")
	})
	_, tq := startPoller(t, svc, reg, nil)

	ev := runActivity(t, svc, activityOptions{Type: "Reject", TaskQueue: tq, Args: encode(t, "x"), MaxAttempts: 5})
	f, info := requireFailed(t, ev)
	if f.GetMessage() != "bad input x" || info.GetType() != "BadInput" || !info.GetNonRetryable() {
		t.Fatalf("failure = %v", f)
	}
	var detail string
	decode(t, info.GetDetails(), &detail)
	if detail != "detail" {
		t.Fatalf("detail = %q", detail)
	}
	if rs := ev.GetActivityTaskFailedEventAttributes().GetRetryState(); rs != enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE {
		t.Fatalf("retry state = %v", rs)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("calls = %d, want 1", n)
	}
}

func TestActivityRetriedUntilMaximumAttempts(t *testing.T) {
	svc := dial(t, srv)
	reg := actworker.NewRegistry()
	var calls atomic.Int32
	mustRegister(t, reg, "Flaky", func(ctx context.Context) error {
		calls.Add(1)
		return temporal.NewApplicationError(fmt.Sprintf("attempt %d failed", activity.GetInfo(ctx).Attempt), "Flaky")
	})
	_, tq := startPoller(t, svc, reg, nil)

	ev := runActivity(t, svc, activityOptions{Type: "Flaky", TaskQueue: tq, MaxAttempts: 3})
	f, info := requireFailed(t, ev)
	if f.GetMessage() != "attempt 3 failed" || info.GetType() != "Flaky" || info.GetNonRetryable() {
		t.Fatalf("failure = %v", f)
	}
	if rs := ev.GetActivityTaskFailedEventAttributes().GetRetryState(); rs != enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED {
		t.Fatalf("retry state = %v", rs)
	}
	if n := calls.Load(); n != 3 {
		t.Fatalf("calls = %d, want 3", n)
	}
}

func TestHeartbeatDetailsReachNextAttempt(t *testing.T) {
	svc := dial(t, srv)
	reg := actworker.NewRegistry()
	mustRegister(t, reg, "Resume", func(ctx context.Context) (string, error) {
		if activity.GetInfo(ctx).Attempt == 1 {
			if activity.HasHeartbeatDetails(ctx) {
				return "", temporal.NewNonRetryableApplicationError("attempt 1 has heartbeat details", "Unexpected", nil)
			}
			activity.RecordHeartbeat(ctx, 1) // sent at once
			activity.RecordHeartbeat(ctx, 2) // throttled: travels with the failure
			return "", errors.New("crash after progress")
		}
		var progress int
		if err := activity.GetHeartbeatDetails(ctx, &progress); err != nil {
			return "", err
		}
		return fmt.Sprintf("resumed at %d on attempt %d", progress, activity.GetInfo(ctx).Attempt), nil
	})
	_, tq := startPoller(t, svc, reg, nil)

	ev := runActivity(t, svc, activityOptions{Type: "Resume", TaskQueue: tq, MaxAttempts: 3})
	if ev.GetEventType() != enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED {
		t.Fatalf("closing event = %v (%v)", ev.GetEventType(), ev)
	}
	var got string
	decode(t, ev.GetActivityTaskCompletedEventAttributes().GetResult(), &got)
	if got != "resumed at 2 on attempt 2" {
		t.Fatalf("result = %q", got)
	}
}

func TestActivityCanceledAfterHeartbeat(t *testing.T) {
	svc := dial(t, srv)
	reg := actworker.NewRegistry()
	started := make(chan struct{})
	mustRegister(t, reg, "Wait", func(ctx context.Context) error {
		close(started)
		for i := 0; ; i++ {
			activity.RecordHeartbeat(ctx, i)
			select {
			case <-ctx.Done():
				return temporal.NewCanceledError("cleaned up")
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	_, tq := startPoller(t, svc, reg, nil)

	w := startWorkflow(t, svc, srv.Namespace())
	w.schedule(activityOptions{Type: "Wait", TaskQueue: tq, HeartbeatTimeout: time.Second})
	<-started
	// A signal gives the hand-driven workflow a task in which to cancel.
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if _, err := svc.SignalWorkflowExecution(ctx, &workflowservice.SignalWorkflowExecutionRequest{
		Namespace: srv.Namespace(), WorkflowExecution: w.exec, SignalName: "cancel", Identity: "actworker-test-driver",
		RequestId: uniqueName("sig"),
	}); err != nil {
		t.Fatal(err)
	}
	_, task := w.waitEvent(enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
	var scheduledID int64
	for _, ev := range task.GetHistory().GetEvents() {
		if ev.GetEventType() == enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED {
			scheduledID = ev.GetEventId()
		}
	}
	w.complete(task, requestCancelCommand(scheduledID))

	ev, _ := w.waitEvent(closingEvents...)
	if ev.GetEventType() != enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED {
		t.Fatalf("closing event = %v (%v)", ev.GetEventType(), ev)
	}
	var details string
	decode(t, ev.GetActivityTaskCanceledEventAttributes().GetDetails(), &details)
	if details != "cleaned up" {
		t.Fatalf("cancel details = %q", details)
	}
}

func TestActivityNotRegistered(t *testing.T) {
	svc := dial(t, srv)
	reg := actworker.NewRegistry()
	mustRegister(t, reg, "Known", func(context.Context) error { return nil })
	mustRegister(t, reg, "Other", func(context.Context) error { return nil })
	_, tq := startPoller(t, svc, reg, nil)

	ev := runActivity(t, svc, activityOptions{Type: "Missing", TaskQueue: tq, MaxAttempts: 1})
	f, info := requireFailed(t, ev)
	if info.GetType() != actworker.ActivityNotRegisteredErrorType || info.GetNonRetryable() {
		t.Fatalf("failure = %v", f)
	}
	if !strings.Contains(f.GetMessage(), `"Missing"`) || !strings.Contains(f.GetMessage(), "[Known, Other]") {
		t.Fatalf("message = %q", f.GetMessage())
	}
}

func TestActivityPanics(t *testing.T) {
	svc := dial(t, srv)
	reg := actworker.NewRegistry()
	mustRegister(t, reg, "Explode", func(context.Context) error { panic("kaboom") })
	_, tq := startPoller(t, svc, reg, nil)

	ev := runActivity(t, svc, activityOptions{Type: "Explode", TaskQueue: tq, MaxAttempts: 1})
	f, info := requireFailed(t, ev)
	if info.GetType() != "PanicError" || f.GetMessage() != "kaboom" {
		t.Fatalf("failure = %v", f)
	}
	if !strings.Contains(f.GetStackTrace(), "integration_test.go") {
		t.Fatalf("stack trace does not show the panicking function:\n%s", f.GetStackTrace())
	}
}

func TestActivityArgumentDecodeError(t *testing.T) {
	svc := dial(t, srv)
	reg := actworker.NewRegistry()
	mustRegister(t, reg, "Double", func(_ context.Context, n int) (int, error) { return 2 * n, nil })
	_, tq := startPoller(t, svc, reg, nil)

	ev := runActivity(t, svc, activityOptions{Type: "Double", TaskQueue: tq, Args: encode(t, "not a number"), MaxAttempts: 5})
	f, info := requireFailed(t, ev)
	if info.GetType() != actworker.ArgumentDecodeErrorType || !info.GetNonRetryable() ||
		!strings.Contains(f.GetMessage(), "argument 1 into int") {
		t.Fatalf("failure = %v", f)
	}
}

func TestStopWaitsForRunningActivity(t *testing.T) {
	svc := dial(t, srv)
	reg := actworker.NewRegistry()
	started, release := make(chan struct{}), make(chan struct{})
	mustRegister(t, reg, "Slow", func(context.Context) (string, error) {
		close(started)
		<-release
		return "finished", nil
	})
	p, tq := startPoller(t, svc, reg, nil)

	w := startWorkflow(t, svc, srv.Namespace())
	w.schedule(activityOptions{Type: "Slow", TaskQueue: tq, MaxAttempts: 1})
	<-started
	stopped := make(chan error)
	go func() { stopped <- p.Stop(context.Background()) }()
	close(release)
	if err := <-stopped; err != nil {
		t.Fatalf("Stop = %v", err)
	}
	ev, _ := w.waitEvent(closingEvents...)
	if ev.GetEventType() != enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED {
		t.Fatalf("closing event = %v (%v)", ev.GetEventType(), ev)
	}
}

func TestStopCancelsActivitiesAfterGracePeriod(t *testing.T) {
	svc := dial(t, srv)
	reg := actworker.NewRegistry()
	started := make(chan struct{})
	mustRegister(t, reg, "Stubborn", func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	p, tq := startPoller(t, svc, reg, nil)

	w := startWorkflow(t, svc, srv.Namespace())
	w.schedule(activityOptions{Type: "Stubborn", TaskQueue: tq, MaxAttempts: 1})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // no grace period at all
	if err := p.Stop(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Stop = %v, want context.Canceled", err)
	}
	ev, _ := w.waitEvent(closingEvents...)
	f, info := requireFailed(t, ev)
	if info.GetType() != actworker.WorkerShutdownErrorType || info.GetNonRetryable() {
		t.Fatalf("failure = %v", f)
	}
}
