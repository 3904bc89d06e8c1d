package testenv

import (
	"context"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/runtime/client"
)

// History returns the events of h's workflow recorded so far.
func History(t testing.TB, h *client.WorkflowHandle) []*historypb.HistoryEvent {
	t.Helper()
	hist, err := h.FetchHistory(Context(t))
	if err != nil {
		t.Fatal(err)
	}
	return hist.GetEvents()
}

// WaitHistory polls h's history until cond holds and returns it; it fails
// the test after WaitTimeout.
func WaitHistory(t testing.TB, h *client.WorkflowHandle, what string, cond func([]*historypb.HistoryEvent) bool) []*historypb.HistoryEvent {
	t.Helper()
	ctx := Context(t)
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		hist, err := h.FetchHistory(ctx)
		if err == nil && cond(hist.GetEvents()) {
			return hist.GetEvents()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("workflow %s: timed out waiting for %s (last error %v); history:\n%s", h.ID(), what, err, DumpHistory(h))
		case <-tick.C:
		}
	}
}

// DumpHistory fetches h's history and formats it (FormatHistory), for
// failure messages; it never fails the test.
func DumpHistory(h *client.WorkflowHandle) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hist, err := h.FetchHistory(ctx)
	if err != nil {
		return "(history unavailable: " + err.Error() + ")"
	}
	return FormatHistory(hist.GetEvents())
}
