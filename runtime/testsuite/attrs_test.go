package testsuite

import (
	"testing"

	historypb "go.temporal.io/api/history/v1"
)

// TestSetAttributesOfAnyEvent: attributes the fast switch does not list
// are set through the descriptors, and a message that is no event's
// attributes is an internal bug.
func TestSetAttributesOfAnyEvent(t *testing.T) {
	ev := &historypb.HistoryEvent{}
	setAttributes(ev, &historypb.WorkflowExecutionTerminatedEventAttributes{Reason: "r"})
	if ev.GetWorkflowExecutionTerminatedEventAttributes().GetReason() != "r" {
		t.Fatalf("event %v", ev)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a history message that is not an event's attributes was accepted")
		}
	}()
	setAttributes(ev, &historypb.History{})
}
