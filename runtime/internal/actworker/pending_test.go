package actworker_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
)

// TestActivityResultPending runs two activities that return
// activity.ErrResultPending on a poller with a single slot: the second can
// only start once the first freed its slot. Neither is reported by the
// worker; the test completes both by task token, as a client would.
func TestActivityResultPending(t *testing.T) {
	svc := dial(t, srv)
	reg := actworker.NewRegistry()
	tokens := make(chan []byte, 2)
	mustRegister(t, reg, "Async", func(ctx context.Context, n int) (int, error) {
		activity.RecordHeartbeat(ctx, n)
		tokens <- activity.GetInfo(ctx).TaskToken
		return 0, fmt.Errorf("handed out: %w", activity.ErrResultPending)
	})
	pendingLogs := make(chan struct{}, 2)
	hook := func(r slog.Record) {
		if r.Level == slog.LevelDebug && strings.HasPrefix(r.Message, "activity result pending") {
			pendingLogs <- struct{}{}
		}
	}
	_, tq := startPoller(t, svc, reg, func(c *actworker.Config) {
		c.MaxConcurrent = 1
		c.Logger = testLogger(t, hook)
	})

	w := startWorkflow(t, svc, srv.Namespace())
	w.complete(w.nextTask(),
		scheduleCommand("1", activityOptions{Type: "Async", TaskQueue: tq, Args: encode(t, 1), StartToClose: time.Minute}),
		scheduleCommand("2", activityOptions{Type: "Async", TaskQueue: tq, Args: encode(t, 2), StartToClose: time.Minute}))

	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	var got [][]byte
	logged := 0
	for len(got) < 2 || logged < 2 {
		select {
		case tok := <-tokens:
			got = append(got, tok)
		case <-pendingLogs:
			logged++
		case <-ctx.Done():
			t.Fatalf("%d of 2 activities started, %d logged a pending result: the first did not free its slot", len(got), logged)
		}
	}
	for i, tok := range got {
		if _, err := svc.RespondActivityTaskCompleted(ctx, &workflowservice.RespondActivityTaskCompletedRequest{
			TaskToken: tok, Result: encode(t, 100+i), Identity: "async-completer", Namespace: srv.Namespace(),
		}); err != nil {
			t.Fatalf("completing activity %d by token: %v", i, err)
		}
	}

	// Both activities close, completed with the results the test sent
	// (never failed or completed by the worker).
	results := map[int]bool{}
	for len(results) < 2 {
		task := w.nextTask()
		for _, ev := range task.GetHistory().GetEvents() {
			switch ev.GetEventType() {
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
				a := ev.GetActivityTaskCompletedEventAttributes()
				if a.GetIdentity() != "async-completer" {
					t.Errorf("activity completed by %q", a.GetIdentity())
				}
				var n int
				decode(t, a.GetResult(), &n)
				results[n] = true
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED, enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
				t.Fatalf("activity closed by %v: %v", ev.GetEventType(), ev)
			}
		}
		w.complete(task)
	}
	if !results[100] || !results[101] {
		t.Fatalf("results %v, want 100 and 101", results)
	}
}
