package sm

import (
	"fmt"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

func TestNextSeq(t *testing.T) {
	ms := newMachines()
	steps := []struct {
		kind string
		want int64
	}{{"activity", 1}, {"timer", 1}, {"activity", 2}, {"child_workflow", 1}, {"activity", 3}, {"timer", 2}}
	for _, s := range steps {
		if got := ms.NextSeq(s.kind); got != s.want {
			t.Fatalf("NextSeq(%q) = %d, want %d", s.kind, got, s.want)
		}
	}
	if got := ms.PeekSeq("activity"); got != 3 {
		t.Fatalf("PeekSeq(activity) = %d, want 3", got)
	}
	// ScheduleActivity and StartTimer share these sequences.
	if id := ms.ScheduleActivity(actAttrs("A"), TryCancel, func(Outcome) {}).ID(); id != "4" {
		t.Errorf("activity id = %q, want 4", id)
	}
	if id := ms.StartTimer(time.Second, func(bool) {}).ID(); id != "3" {
		t.Errorf("timer id = %q, want 3", id)
	}
}

func TestHandleEventNotAboutCommands(t *testing.T) {
	events := []*historypb.HistoryEvent{
		wfStarted(1),
		wftScheduled(2),
		wftStarted(3, 2),
		wftCompleted(4, 2, 3),
		ev(5, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
		ev(6, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED),
		ev(7, enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED),
		ev(8, enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT),
		ev(9, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED),
	}
	for _, e := range events {
		t.Run(e.EventType.String(), func(t *testing.T) {
			// Both on empty machines and with unsent (pending) commands.
			for _, pending := range []bool{false, true} {
				ms := newMachines()
				if pending {
					ms.StartTimer(time.Second, func(bool) {})
				}
				handled, err := ms.HandleEvent(e)
				if handled || err != nil {
					t.Fatalf("pending=%v: HandleEvent = %v, %v; want false, nil", pending, handled, err)
				}
			}
		})
	}
}

func TestCommandEventWithoutCommand(t *testing.T) {
	tests := []struct {
		e            *historypb.HistoryEvent
		wantExpected string
	}{
		{actScheduled(5, "1", "Charge"), "ActivityTaskScheduled(activityId=1, type=Charge)"},
		{actCancelRequested(5, 3), "ActivityTaskCancelRequested"},
		{timerStarted(5, "1"), "TimerStarted(timerId=1)"},
		{timerCanceled(5, "1", 3), "TimerCanceled(timerId=1)"},
		{markerRecorded(5, "Version"), "MarkerRecorded(name=Version)"},
		{wfCompleted(5), "WorkflowExecutionCompleted"},
		{wfFailed(5), "WorkflowExecutionFailed"},
		{wfCanceled(5), "WorkflowExecutionCanceled"},
		{wfContinuedAsNew(5), "WorkflowExecutionContinuedAsNew"},
		{ev(5, enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES), "UpsertWorkflowSearchAttributes"},
	}
	for _, tt := range tests {
		t.Run(tt.e.EventType.String(), func(t *testing.T) {
			// No command at all, and a command issued but not yet sent.
			for _, pending := range []bool{false, true} {
				ms := newMachines()
				if pending {
					issue(ms, cComplete)
				}
				handled, err := ms.HandleEvent(tt.e)
				nd := asND(t, err)
				if !handled {
					t.Errorf("handled = false for a command event")
				}
				if nd.EventID != 5 || nd.Expected != tt.wantExpected || nd.Actual != "" {
					t.Fatalf("pending=%v: error = %+v, want EventID 5, Expected %q, empty Actual", pending, nd, tt.wantExpected)
				}
				msg := nd.Error()
				for _, s := range []string{"history event 5", tt.wantExpected, "no matching command"} {
					if !strings.Contains(msg, s) {
						t.Errorf("message %q lacks %q", msg, s)
					}
				}
			}
		})
	}
}

func TestCommandEventMismatch(t *testing.T) {
	tests := []struct {
		name         string
		issue        func(ms *Machines)
		e            *historypb.HistoryEvent
		wantExpected string
		wantActual   string
	}{
		{
			name:         "timer in history, activity in code",
			issue:        func(ms *Machines) { ms.ScheduleActivity(actAttrs("Charge"), TryCancel, func(Outcome) {}) },
			e:            timerStarted(5, "1"),
			wantExpected: "TimerStarted(timerId=1)",
			wantActual:   "ScheduleActivityTask(activityId=1, type=Charge)",
		},
		{
			name:         "activity in history, timer in code",
			issue:        func(ms *Machines) { ms.StartTimer(time.Second, func(bool) {}) },
			e:            actScheduled(7, "1", "Charge"),
			wantExpected: "ActivityTaskScheduled(activityId=1, type=Charge)",
			wantActual:   "StartTimer(timerId=1)",
		},
		{
			name:         "activity type name differs",
			issue:        func(ms *Machines) { ms.ScheduleActivity(actAttrs("Charge"), TryCancel, func(Outcome) {}) },
			e:            actScheduled(5, "1", "Refund"),
			wantExpected: "ActivityTaskScheduled(activityId=1, type=Refund)",
			wantActual:   "ScheduleActivityTask(activityId=1, type=Charge)",
		},
		{
			name:         "activity id differs",
			issue:        func(ms *Machines) { ms.ScheduleActivity(actAttrs("Charge"), TryCancel, func(Outcome) {}) },
			e:            actScheduled(5, "2", "Charge"),
			wantExpected: "ActivityTaskScheduled(activityId=2, type=Charge)",
			wantActual:   "ScheduleActivityTask(activityId=1, type=Charge)",
		},
		{
			name: "explicit activity id differs",
			issue: func(ms *Machines) {
				a := actAttrs("Charge")
				a.ActivityId = "pay"
				ms.ScheduleActivity(a, TryCancel, func(Outcome) {})
			},
			e:            actScheduled(5, "1", "Charge"),
			wantExpected: "ActivityTaskScheduled(activityId=1, type=Charge)",
			wantActual:   "ScheduleActivityTask(activityId=pay, type=Charge)",
		},
		{
			name:         "marker in history, complete in code",
			issue:        func(ms *Machines) { ms.CompleteWorkflow(nil) },
			e:            markerRecorded(5, "Version"),
			wantExpected: "MarkerRecorded(name=Version)",
			wantActual:   "CompleteWorkflowExecution",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			tt.issue(ms)
			ms.TakeCommands()
			apply(t, ms, wftCompleted(tt.e.EventId-1, 2, 3))
			handled, err := ms.HandleEvent(tt.e)
			nd := asND(t, err)
			if !handled || nd.EventID != tt.e.EventId || nd.Expected != tt.wantExpected || nd.Actual != tt.wantActual {
				t.Fatalf("handled=%v error=%+v, want expected %q actual %q", handled, nd, tt.wantExpected, tt.wantActual)
			}
			msg := nd.Error()
			for _, s := range []string{"[TMPRL1100]", fmt.Sprintf("history event %d", tt.e.EventId), tt.wantExpected, tt.wantActual} {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q lacks %q", msg, s)
				}
			}
		})
	}
}

// Commands were sent, but history moved past the command events without
// recording them.
func TestHistoryMovedPastCommands(t *testing.T) {
	tests := []struct {
		name        string
		e           *historypb.HistoryEvent
		wantHandled bool
	}{
		{"WorkflowTaskScheduled", wftScheduled(5), false},
		{"WorkflowExecutionSignaled", ev(5, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED), false},
		{"WorkflowTaskStarted", wftStarted(5, 4), false},
		{"ActivityTaskStarted", actStarted(5, 3, "w"), true},
		{"ActivityTaskCompleted", actCompleted(5, 3, 0, nil), true},
		{"TimerFired", timerFired(5, "1", 3), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			ms.ScheduleActivity(actAttrs("Charge"), TryCancel, func(Outcome) {})
			ms.TakeCommands()
			handled, err := ms.HandleEvent(wftCompleted(4, 2, 3))
			if handled || err != nil {
				t.Fatalf("WorkflowTaskCompleted: %v, %v; it must not trigger the check", handled, err)
			}
			handled, err = ms.HandleEvent(tt.e)
			nd := asND(t, err)
			if handled != tt.wantHandled {
				t.Errorf("handled = %v, want %v", handled, tt.wantHandled)
			}
			want := "ScheduleActivityTask(activityId=1, type=Charge)"
			if nd.EventID != 5 || nd.Actual != want || nd.Expected != "" {
				t.Fatalf("error = %+v, want EventID 5, Actual %q, empty Expected", nd, want)
			}
			if !strings.Contains(nd.Error(), "history has no matching event") {
				t.Errorf("message = %q", nd.Error())
			}
		})
	}
}

func TestUnmatched(t *testing.T) {
	tests := []struct {
		name    string
		run     func(t *testing.T, ms *Machines)
		wantErr string // Actual of the error, "" for none
	}{
		{"empty", func(*testing.T, *Machines) {}, ""},
		{"issued, not sent", func(_ *testing.T, ms *Machines) { issue(ms, cTimer) }, ""},
		{"sent, no event", func(_ *testing.T, ms *Machines) { issue(ms, cTimer); ms.TakeCommands() }, "StartTimer(timerId=1)"},
		{"sent terminal, no event", func(_ *testing.T, ms *Machines) { issue(ms, cFail); ms.TakeCommands() }, "FailWorkflowExecution"},
		{"second of two unmatched", func(t *testing.T, ms *Machines) {
			issue(ms, cTimer)
			issue(ms, cSchedule)
			ms.TakeCommands()
			apply(t, ms, timerStarted(5, "1"))
		}, "ScheduleActivityTask(activityId=1, type=Charge)"},
		{"all matched", func(t *testing.T, ms *Machines) {
			issue(ms, cTimer)
			issue(ms, cSchedule)
			ms.TakeCommands()
			apply(t, ms, timerStarted(5, "1"), actScheduled(6, "1", "Charge"))
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			tt.run(t, ms)
			err := ms.Unmatched()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Unmatched() = %v, want nil", err)
				}
				return
			}
			nd := asND(t, err)
			if nd.Actual != tt.wantErr || nd.Expected != "" {
				t.Fatalf("Unmatched() = %+v, want Actual %q", nd, tt.wantErr)
			}
		})
	}
}

func TestResolvingEventForUnknownCommand(t *testing.T) {
	tests := []*historypb.HistoryEvent{
		actStarted(9, 42, "w"),
		actCompleted(9, 42, 0, nil),
		actFailed(9, 42, 0, appFailure("x"), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE, ""),
		actTimedOut(9, 42, 0, timeoutFailure(enumspb.TIMEOUT_TYPE_START_TO_CLOSE), enumspb.RETRY_STATE_TIMEOUT),
		actCanceled(9, 42, 0, nil),
		timerFired(9, "1", 42),
	}
	for _, e := range tests {
		t.Run(e.EventType.String(), func(t *testing.T) {
			ms := newMachines()
			// A matched, live machine at another id does not help.
			ms.StartTimer(time.Second, func(bool) {})
			ms.TakeCommands()
			apply(t, ms, timerStarted(5, "1"))
			handled, err := ms.HandleEvent(e)
			nd := asND(t, err)
			if !handled || nd.EventID != 9 || nd.Expected != e.EventType.String() || nd.Actual != "no command whose event is 42" {
				t.Fatalf("handled=%v error=%+v", handled, nd)
			}
		})
	}
}

// A full replay of a small history: two workflow tasks, an activity, a
// timer and completion.
func TestReplayHistory(t *testing.T) {
	ms := newMachines()
	var result Outcome
	var fired []bool
	apply(t, ms, wfStarted(1), wftScheduled(2), wftStarted(3, 2))
	ms.ScheduleActivity(actAttrs("Charge"), TryCancel, func(o Outcome) { result = o })
	ms.StartTimer(time.Minute, func(c bool) { fired = append(fired, c) })
	if got := commandTypes(ms.TakeCommands()); !equalTypes(got, []enumspb.CommandType{cSchedule, cTimer}) {
		t.Fatalf("task 1 commands = %v", got)
	}
	apply(t, ms, wftCompleted(4, 2, 3), actScheduled(5, "1", "Charge"), timerStarted(6, "1"),
		actStarted(7, 5, "w"), actCompleted(8, 5, 7, payloads("r")), wftScheduled(9), timerFired(10, "1", 6), wftStarted(11, 9))
	if result.Result == nil || len(fired) != 1 || fired[0] {
		t.Fatalf("after task 1: result=%v fired=%v", result, fired)
	}
	issue(ms, cComplete)
	if got := commandTypes(ms.TakeCommands()); !equalTypes(got, []enumspb.CommandType{cComplete}) {
		t.Fatalf("task 2 commands = %v", got)
	}
	if !ms.HasTerminal() {
		t.Fatalf("HasTerminal() = false with a sent, unmatched completion")
	}
	apply(t, ms, wftCompleted(12, 9, 11), wfCompleted(13))
	if err := ms.Unmatched(); err != nil {
		t.Fatalf("Unmatched() = %v", err)
	}
}
