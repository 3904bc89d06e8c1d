package actworker_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/actworker"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
)

// TestPollerSurvivesServerRestart schedules an activity, takes the server
// down, starts the poller against the dead server, and checks that once the
// server is back the poller runs the activity scheduled before the outage.
func TestPollerSurvivesServerRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own dev server")
	}
	own, err := devserver.Start(devserver.Options{DBFile: filepath.Join(t.TempDir(), "temporal.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = own.Stop() })
	svc := dial(t, own)

	reg := actworker.NewRegistry()
	mustRegister(t, reg, "Echo", func(_ context.Context, s string) (string, error) { return "echo " + s, nil })
	tq := uniqueName("act")

	w := startWorkflow(t, svc, own.Namespace())
	w.schedule(activityOptions{Type: "Echo", TaskQueue: tq, Args: encode(t, "after restart")})

	if err := own.Stop(); err != nil {
		t.Fatal(err)
	}
	pollFailed := make(chan struct{}, 1)
	p := actworker.New(actworker.Config{
		Service:   svc,
		Namespace: own.Namespace(),
		TaskQueue: tq,
		Logger: testLogger(t, func(r slog.Record) {
			if r.Level != slog.LevelWarn || !strings.Contains(r.Message, "poll failed") {
				return
			}
			retried := false
			r.Attrs(func(a slog.Attr) bool {
				retried = retried || a.Key == "failures" && a.Value.Int64() >= 2
				return true
			})
			if retried {
				select {
				case pollFailed <- struct{}{}:
				default:
				}
			}
		}),
	}, reg)
	p.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := p.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	<-pollFailed // the poller noticed the outage and retried after backing off

	if err := own.Restart(); err != nil {
		t.Fatal(err)
	}
	ev, _ := w.waitEvent(closingEvents...)
	if ev.GetEventType() != enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED {
		t.Fatalf("closing event = %v (%v)", ev.GetEventType(), ev)
	}
	var got string
	decode(t, ev.GetActivityTaskCompletedEventAttributes().GetResult(), &got)
	if got != "echo after restart" {
		t.Fatalf("result = %q", got)
	}
}
