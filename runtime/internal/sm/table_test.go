package sm

import (
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
)

func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
		}
	}()
	f()
	return ""
}

// A move the machine's own code attempts that its table does not declare
// is a bug and panics, naming the machine, the state and the trigger.
func TestTableUndeclaredMovePanics(t *testing.T) {
	tab := newTable("test", "a test event", one(recordIssued, callSent, recordSent))
	ms := newMachines()
	s := recordSent
	msg := panicMessage(func() { tab.fire(ms, &s, callCancel) })
	for _, want := range []string{"test machine", "state sent", "on Cancel"} {
		if !strings.Contains(msg, want) {
			t.Errorf("panic %q lacks %q", msg, want)
		}
	}
	if s != recordSent {
		t.Errorf("state moved to %s", s)
	}
	// The real machines panic the same way.
	tm := ms.StartTimer(1, func(bool) {})
	tm.state = timerDoneFired
	if msg := panicMessage(tm.sent); !strings.Contains(msg, "timer machine has no transition from state fired on sent") {
		t.Errorf("panic = %q", msg)
	}
}

func TestTableDuplicatePanics(t *testing.T) {
	msg := panicMessage(func() {
		newTable("dup", "", one(recordIssued, callSent, recordSent), one(recordIssued, callSent, recordRecorded))
	})
	if !strings.Contains(msg, "dup machine declares issued on sent twice") {
		t.Fatalf("panic = %q", msg)
	}
}

// A history event the state does not take is a NondeterminismError, and
// leaves the state as it was.
func TestTableTakeRejects(t *testing.T) {
	tab := newTable("test", "a test event", one(recordSent, on(enumspb.EVENT_TYPE_MARKER_RECORDED), recordRecorded))
	s := recordSent
	err := tab.take(newMachines(), &s, timerStarted(5, "1"))
	if nd := asND(t, err); nd.EventID != 5 || nd.Actual != "a test event" || s != recordSent {
		t.Fatalf("error = %+v, state %s", nd, s)
	}
}

func TestTriggerNames(t *testing.T) {
	tests := []struct {
		tr   trigger
		want string
	}{
		{on(enumspb.EVENT_TYPE_TIMER_FIRED), "TimerFired"},
		{callSent, "sent"},
		{callCancel, "Cancel"},
		{callCancelTry, "Cancel(TryCancel)"},
		{callCancelWait, "Cancel(WaitCancellationCompleted)"},
		{callCancelWaitRequested, "Cancel(WaitCancellationRequested)"},
		{callAbandon, "Cancel(Abandon)"},
		{callCancelDelivered, "cancel delivered"},
		{callSkipped, "skipped"},
		{trigger(-42), "(41)"},
	}
	for _, tt := range tests {
		if got := tt.tr.String(); got != tt.want {
			t.Errorf("trigger(%d).String() = %q, want %q", int32(tt.tr), got, tt.want)
		}
	}
	if got := activityState(99).String(); got != "(99)" {
		t.Errorf("unknown state = %q", got)
	}
}

func TestObserveOff(t *testing.T) {
	ms := New()
	var n int
	ms.Observe(func(Transition) { n++ })
	ms.StartTimer(1, func(bool) {})
	ms.TakeCommands()
	ms.Observe(nil)
	ms.CompleteWorkflow(nil)
	ms.TakeCommands()
	if n != 1 {
		t.Fatalf("observed %d transitions, want 1 (the timer's sent)", n)
	}
}
