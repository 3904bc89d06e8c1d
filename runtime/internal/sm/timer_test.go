package sm

import (
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
)

func TestStartTimerCommands(t *testing.T) {
	tests := []struct {
		name  string
		durs  []time.Duration
		wants []string
	}{
		{"one", []time.Duration{time.Second}, []string{"1"}},
		{"three", []time.Duration{time.Second, time.Minute, 90 * time.Millisecond}, []string{"1", "2", "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			var timers []*Timer
			for _, d := range tt.durs {
				timers = append(timers, ms.StartTimer(d, func(bool) {}))
			}
			// The activity sequence is separate from the timer one.
			ms.ScheduleActivity(actAttrs("Charge"), TryCancel, func(Outcome) {})
			cmds := ms.TakeCommands()
			if len(cmds) != len(tt.durs)+1 {
				t.Fatalf("TakeCommands() = %v", commandTypes(cmds))
			}
			for i, d := range tt.durs {
				c := cmds[i]
				if c.CommandType != enumspb.COMMAND_TYPE_START_TIMER {
					t.Fatalf("command %d = %s, want StartTimer", i, c.CommandType)
				}
				a := c.GetStartTimerCommandAttributes()
				if a.GetTimerId() != tt.wants[i] || timers[i].ID() != tt.wants[i] {
					t.Errorf("timer %d id = %q / %q, want %q", i, a.GetTimerId(), timers[i].ID(), tt.wants[i])
				}
				if got := a.GetStartToFireTimeout().AsDuration(); got != d {
					t.Errorf("timer %d timeout = %v, want %v", i, got, d)
				}
			}
			if id := cmds[len(tt.durs)].GetScheduleActivityTaskCommandAttributes().GetActivityId(); id != "1" {
				t.Errorf("activity id = %q, want 1 (own sequence)", id)
			}
		})
	}
}

func TestTimerLifecycle(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, ms *Machines, tm *Timer, f *fires)
		want []bool // callback calls
	}{
		{
			name: "fires",
			run: func(t *testing.T, ms *Machines, tm *Timer, f *fires) {
				ms.TakeCommands()
				apply(t, ms, wftCompleted(4, 2, 3), timerStarted(5, "1"))
				if tm.Resolved() || len(f.got) != 0 {
					t.Fatalf("resolved by TimerStarted")
				}
				apply(t, ms, timerFired(6, "1", 5))
				tm.Cancel() // no-op once fired
				if cmds := ms.TakeCommands(); len(cmds) != 0 {
					t.Fatalf("Cancel after fire issued %v", commandTypes(cmds))
				}
			},
			want: []bool{false},
		},
		{
			name: "cancel before sent",
			run: func(t *testing.T, ms *Machines, tm *Timer, f *fires) {
				tm.Cancel()
				if len(f.got) != 1 {
					t.Fatalf("not resolved at once")
				}
				if cmds := ms.TakeCommands(); len(cmds) != 0 {
					t.Fatalf("TakeCommands() = %v, want none", commandTypes(cmds))
				}
				if err := ms.Unmatched(); err != nil {
					t.Fatalf("Unmatched() = %v", err)
				}
				tm.Cancel()
			},
			want: []bool{true},
		},
		{
			name: "cancel after started",
			run: func(t *testing.T, ms *Machines, tm *Timer, f *fires) {
				ms.TakeCommands()
				apply(t, ms, wftCompleted(4, 2, 3), timerStarted(5, "1"), wftScheduled(6), wftStarted(7, 6))
				tm.Cancel()
				if len(f.got) != 1 {
					t.Fatalf("not resolved at once")
				}
				tm.Cancel()
				cmds := ms.TakeCommands()
				if len(cmds) != 1 || cmds[0].CommandType != enumspb.COMMAND_TYPE_CANCEL_TIMER ||
					cmds[0].GetCancelTimerCommandAttributes().GetTimerId() != "1" {
					t.Fatalf("TakeCommands() = %v, want CancelTimer{1}", cmds)
				}
				apply(t, ms, wftCompleted(8, 6, 7), timerCanceled(9, "1", 5))
				if err := ms.Unmatched(); err != nil {
					t.Fatalf("Unmatched() = %v", err)
				}
				// The timer is gone: a TimerFired for it is nondeterministic.
				_, err := ms.HandleEvent(timerFired(10, "1", 5))
				if nd := asND(t, err); nd.EventID != 10 {
					t.Fatalf("error = %+v", nd)
				}
			},
			want: []bool{true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			var f fires
			tm := ms.StartTimer(time.Second, f.fn)
			tt.run(t, ms, tm, &f)
			if len(f.got) != len(tt.want) {
				t.Fatalf("callback calls = %v, want %v", f.got, tt.want)
			}
			for i := range f.got {
				if f.got[i] != tt.want[i] {
					t.Fatalf("callback calls = %v, want %v", f.got, tt.want)
				}
			}
			if !tm.Resolved() {
				t.Fatalf("Resolved() = false")
			}
		})
	}
}

func TestTimerNondeterminism(t *testing.T) {
	tests := []struct {
		name         string
		kind         string // "started", "fired" or "canceled": the event that differs
		wantExpected string
		wantActual   string
	}{
		{
			name:         "TimerStarted with another id",
			kind:         "started",
			wantExpected: "TimerStarted(timerId=2)",
			wantActual:   "StartTimer(timerId=1)",
		},
		{
			name:         "TimerFired with another id",
			kind:         "fired",
			wantExpected: "TimerFired",
			wantActual:   "TimerFired(timerId=1)",
		},
		{
			name:         "TimerCanceled with another id",
			kind:         "canceled",
			wantExpected: "TimerCanceled(timerId=2)",
			wantActual:   "CancelTimer(timerId=1)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			var f fires
			tm := ms.StartTimer(time.Second, f.fn)
			ms.TakeCommands()
			var err error
			var id int64
			switch tt.kind {
			case "started":
				id = 5
				_, err = ms.HandleEvent(timerStarted(5, "2"))
			case "canceled":
				apply(t, ms, timerStarted(5, "1"))
				tm.Cancel()
				ms.TakeCommands()
				id = 6
				_, err = ms.HandleEvent(timerCanceled(6, "2", 5))
			case "fired":
				apply(t, ms, timerStarted(5, "1"))
				id = 6
				_, err = ms.HandleEvent(timerFired(6, "2", 5))
				if len(f.got) != 0 {
					t.Fatalf("mismatched TimerFired resolved the timer")
				}
			}
			nd := asND(t, err)
			if nd.EventID != id || nd.Expected != tt.wantExpected || nd.Actual != tt.wantActual {
				t.Fatalf("error = %+v, want event %d expected %q actual %q", nd, id, tt.wantExpected, tt.wantActual)
			}
			for _, s := range []string{tt.wantExpected, tt.wantActual} {
				if !strings.Contains(nd.Error(), s) {
					t.Errorf("message %q lacks %q", nd.Error(), s)
				}
			}
		})
	}
}

// A timer cancelled after StartTimer was sent but before TimerStarted
// resolves as cancelled at once; it still takes its TimerStarted and a
// TimerFired that history has before the cancel, without a second
// callback, and then the CancelTimer.
func TestTimerCancelSentNotStarted(t *testing.T) {
	ms := newMachines()
	var f fires
	tm := ms.StartTimer(time.Second, f.fn)
	ms.TakeCommands()
	tm.Cancel()
	if len(f.got) != 1 || !f.got[0] {
		t.Fatalf("calls = %v", f.got)
	}
	apply(t, ms, wftCompleted(4, 2, 3), timerStarted(5, "1"), timerFired(6, "1", 5))
	cmds := ms.TakeCommands()
	if len(cmds) != 1 || cmds[0].CommandType != enumspb.COMMAND_TYPE_CANCEL_TIMER {
		t.Fatalf("commands %v", commandTypes(cmds))
	}
	apply(t, ms, wftCompleted(7, 2, 3), timerCanceled(8, "1", 5))
	if len(f.got) != 1 {
		t.Fatalf("calls = %v, want only the cancel", f.got)
	}
	if err := ms.Unmatched(); err != nil {
		t.Fatalf("Unmatched() = %v", err)
	}
}
