package sm

import (
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/proto"
)

var cancelTypes = []struct {
	name string
	ct   ActivityCancellationType
}{
	{"TryCancel", TryCancel},
	{"WaitCancellationCompleted", WaitCancellationCompleted},
	{"Abandon", Abandon},
}

func TestScheduleActivityIDs(t *testing.T) {
	tests := []struct {
		name    string
		given   []string // explicit ids; "" means let the sequence choose
		wantIDs []string
	}{
		{"one", []string{""}, []string{"1"}},
		{"sequence", []string{"", "", ""}, []string{"1", "2", "3"}},
		{"explicit kept", []string{"charge-1"}, []string{"charge-1"}},
		// The sequence counts calls, so an explicit id still consumes a number.
		{"explicit in the middle", []string{"", "mine", ""}, []string{"1", "mine", "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			var acts []*Activity
			for _, id := range tt.given {
				attrs := actAttrs("Charge")
				attrs.ActivityId = id
				acts = append(acts, ms.ScheduleActivity(attrs, TryCancel, func(Outcome) {}))
			}
			if got := len(ms.Pending()); got != len(tt.given) {
				t.Fatalf("Pending() has %d commands, want %d", got, len(tt.given))
			}
			cmds := ms.TakeCommands()
			if len(cmds) != len(tt.wantIDs) {
				t.Fatalf("TakeCommands() = %d commands, want %d", len(cmds), len(tt.wantIDs))
			}
			for i, c := range cmds {
				if c.CommandType != enumspb.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK {
					t.Errorf("command %d type = %s, want ScheduleActivityTask", i, c.CommandType)
				}
				a := c.GetScheduleActivityTaskCommandAttributes()
				if a.GetActivityId() != tt.wantIDs[i] {
					t.Errorf("command %d activity id = %q, want %q", i, a.GetActivityId(), tt.wantIDs[i])
				}
				if a.GetActivityType().GetName() != "Charge" {
					t.Errorf("command %d activity type = %q, want Charge", i, a.GetActivityType().GetName())
				}
				if acts[i].ID() != tt.wantIDs[i] {
					t.Errorf("Activity.ID() = %q, want %q", acts[i].ID(), tt.wantIDs[i])
				}
				if acts[i].Resolved() {
					t.Errorf("activity %d resolved before any event", i)
				}
			}
			if again := ms.TakeCommands(); len(again) != 0 {
				t.Errorf("second TakeCommands() = %v, want none", commandTypes(again))
			}
			if p := ms.Pending(); len(p) != 0 {
				t.Errorf("Pending() after take = %d, want 0", len(p))
			}
		})
	}
}

func TestActivityResolution(t *testing.T) {
	boom := appFailure("boom")
	s2c := timeoutFailure(enumspb.TIMEOUT_TYPE_START_TO_CLOSE)
	s2s := timeoutFailure(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START)
	tests := []struct {
		name   string
		events []*historypb.HistoryEvent // after ActivityTaskScheduled(5); the last one resolves
		result *commonpb.Payloads
		info   *failurepb.ActivityFailureInfo // nil: expect a result
		cause  *failurepb.Failure
	}{
		{
			name:   "completed",
			events: []*historypb.HistoryEvent{actStarted(6, 5, "w1"), actCompleted(7, 5, 6, payloads("ok"))},
			result: payloads("ok"),
		},
		{
			name:   "completed with empty result",
			events: []*historypb.HistoryEvent{actStarted(6, 5, "w1"), actCompleted(7, 5, 6, nil)},
		},
		{
			name: "failed",
			events: []*historypb.HistoryEvent{actStarted(6, 5, "w1"),
				actFailed(7, 5, 6, boom, enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED, "w2")},
			info: &failurepb.ActivityFailureInfo{ScheduledEventId: 5, StartedEventId: 6, Identity: "w2",
				ActivityType: &commonpb.ActivityType{Name: "Charge"}, ActivityId: "1",
				RetryState: enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED},
			cause: boom,
		},
		{
			name: "failed non-retryable",
			events: []*historypb.HistoryEvent{actStarted(6, 5, "w1"),
				actFailed(7, 5, 6, boom, enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE, "w1")},
			info: &failurepb.ActivityFailureInfo{ScheduledEventId: 5, StartedEventId: 6, Identity: "w1",
				ActivityType: &commonpb.ActivityType{Name: "Charge"}, ActivityId: "1",
				RetryState: enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE},
			cause: boom,
		},
		{
			name: "timed out after start",
			events: []*historypb.HistoryEvent{actStarted(6, 5, "w1"),
				actTimedOut(7, 5, 6, s2c, enumspb.RETRY_STATE_TIMEOUT)},
			info: &failurepb.ActivityFailureInfo{ScheduledEventId: 5, StartedEventId: 6, Identity: "w1",
				ActivityType: &commonpb.ActivityType{Name: "Charge"}, ActivityId: "1",
				RetryState: enumspb.RETRY_STATE_TIMEOUT},
			cause: s2c,
		},
		{
			name:   "timed out without start",
			events: []*historypb.HistoryEvent{actTimedOut(6, 5, 0, s2s, enumspb.RETRY_STATE_TIMEOUT)},
			info: &failurepb.ActivityFailureInfo{ScheduledEventId: 5,
				ActivityType: &commonpb.ActivityType{Name: "Charge"}, ActivityId: "1",
				RetryState: enumspb.RETRY_STATE_TIMEOUT},
			cause: s2s,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			var o outcomes
			act := ms.ScheduleActivity(actAttrs("Charge"), TryCancel, o.fn)
			if n := len(ms.TakeCommands()); n != 1 {
				t.Fatalf("TakeCommands() = %d commands, want 1", n)
			}
			apply(t, ms, wftCompleted(4, 2, 3), actScheduled(5, "1", "Charge"))
			if err := ms.Unmatched(); err != nil {
				t.Fatalf("Unmatched() after the command event: %v", err)
			}
			for i, e := range tt.events {
				handled, err := ms.HandleEvent(e)
				if err != nil || !handled {
					t.Fatalf("HandleEvent(%s) = %v, %v; want true, nil", e.EventType, handled, err)
				}
				if last := i == len(tt.events)-1; act.Resolved() != last || (len(o.got) == 1) != last {
					t.Fatalf("after %s: Resolved()=%v calls=%d, want resolved only by the last event",
						e.EventType, act.Resolved(), len(o.got))
				}
			}
			got := o.last(t)
			if tt.info == nil {
				if got.Failure != nil {
					t.Fatalf("unexpected failure %v", got.Failure)
				}
				if !proto.Equal(got.Result, tt.result) {
					t.Fatalf("result = %v, want %v", got.Result, tt.result)
				}
			} else {
				if got.Result != nil {
					t.Fatalf("failed activity has a result %v", got.Result)
				}
				cause := checkActivityFailure(t, got.Failure, tt.info)
				if !proto.Equal(cause, tt.cause) {
					t.Fatalf("cause = %v, want %v", cause, tt.cause)
				}
				if got.Failure.GetSource() != tt.cause.GetSource() {
					t.Errorf("source = %q, want the cause's %q", got.Failure.GetSource(), tt.cause.GetSource())
				}
			}
			// The machine is gone: another resolving event for it is
			// nondeterministic, and Cancel is a no-op.
			_, err := ms.HandleEvent(actCompleted(20, 5, 6, nil))
			nd := asND(t, err)
			if nd.EventID != 20 || !strings.Contains(nd.Actual, "5") {
				t.Errorf("late event error = %+v", nd)
			}
			act.Cancel()
			if cmds := ms.TakeCommands(); len(cmds) != 0 || len(o.got) != 1 {
				t.Errorf("Cancel after resolution: commands %v, calls %d", commandTypes(cmds), len(o.got))
			}
		})
	}
}

func TestActivitiesResolveIndependently(t *testing.T) {
	ms := newMachines()
	var order []string
	out := map[string]Outcome{}
	rec := func(name string) func(Outcome) {
		return func(o Outcome) { order = append(order, name); out[name] = o }
	}
	a := ms.ScheduleActivity(actAttrs("Charge"), TryCancel, rec("a"))
	b := ms.ScheduleActivity(actAttrs("Ship"), TryCancel, rec("b"))
	c := ms.ScheduleActivity(actAttrs("Mail"), TryCancel, rec("c"))
	cmds := ms.TakeCommands()
	if len(cmds) != 3 {
		t.Fatalf("TakeCommands() = %d, want 3", len(cmds))
	}
	apply(t, ms, wftCompleted(4, 2, 3),
		actScheduled(5, "1", "Charge"), actScheduled(6, "2", "Ship"), actScheduled(7, "3", "Mail"),
		wftScheduled(8))

	steps := []struct {
		e        *historypb.HistoryEvent
		resolved [3]bool
	}{
		{actStarted(9, 6, "w"), [3]bool{false, false, false}},
		{actCompleted(10, 6, 9, payloads("b")), [3]bool{false, true, false}},
		{actStarted(11, 5, "w"), [3]bool{false, true, false}},
		{actFailed(12, 5, 11, appFailure("a"), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE, "w"), [3]bool{true, true, false}},
		{actTimedOut(13, 7, 0, timeoutFailure(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE), enumspb.RETRY_STATE_TIMEOUT), [3]bool{true, true, true}},
	}
	for _, s := range steps {
		apply(t, ms, s.e)
		if got := [3]bool{a.Resolved(), b.Resolved(), c.Resolved()}; got != s.resolved {
			t.Fatalf("after event %d: resolved = %v, want %v", s.e.EventId, got, s.resolved)
		}
	}
	if strings.Join(order, ",") != "b,a,c" {
		t.Fatalf("resolution order = %v, want b,a,c", order)
	}
	if !proto.Equal(out["b"].Result, payloads("b")) {
		t.Errorf("b result = %v", out["b"].Result)
	}
	ai := out["a"].Failure.GetActivityFailureInfo()
	if ai.GetScheduledEventId() != 5 || ai.GetStartedEventId() != 11 || ai.GetActivityId() != "1" || ai.GetActivityType().GetName() != "Charge" {
		t.Errorf("a failure info = %v", ai)
	}
	ci := out["c"].Failure.GetActivityFailureInfo()
	if ci.GetScheduledEventId() != 7 || ci.GetStartedEventId() != 0 || ci.GetActivityId() != "3" ||
		out["c"].Failure.GetCause().GetTimeoutFailureInfo().GetTimeoutType() != enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE {
		t.Errorf("c failure = %v", out["c"].Failure)
	}
}

func TestActivityCancelBeforeSent(t *testing.T) {
	for _, ct := range cancelTypes {
		t.Run(ct.name, func(t *testing.T) {
			ms := newMachines()
			var o outcomes
			act := ms.ScheduleActivity(actAttrs("Charge"), ct.ct, o.fn)
			act.Cancel()
			if len(o.got) != 1 || !act.Resolved() {
				t.Fatalf("not resolved at once: calls=%d", len(o.got))
			}
			checkCanceled(t, o.got[0], &failurepb.ActivityFailureInfo{
				ActivityType: &commonpb.ActivityType{Name: "Charge"}, ActivityId: "1"}, nil)
			if p := ms.Pending(); len(p) != 0 {
				t.Fatalf("Pending() = %v, want none", commandTypes(p))
			}
			if cmds := ms.TakeCommands(); len(cmds) != 0 {
				t.Fatalf("TakeCommands() = %v, want none", commandTypes(cmds))
			}
			if err := ms.Unmatched(); err != nil {
				t.Fatalf("Unmatched() = %v", err)
			}
			act.Cancel()
			if len(o.got) != 1 {
				t.Fatalf("second Cancel resolved again")
			}
			// History moving on is fine: nothing was sent.
			if handled, err := ms.HandleEvent(wftScheduled(5)); handled || err != nil {
				t.Fatalf("HandleEvent(WFTScheduled) = %v, %v", handled, err)
			}
		})
	}
}

func TestDroppedCommandSkippedByMatching(t *testing.T) {
	for _, ct := range cancelTypes {
		t.Run(ct.name, func(t *testing.T) {
			ms := newMachines()
			var oa, ob outcomes
			a := ms.ScheduleActivity(actAttrs("Charge"), ct.ct, oa.fn)
			ms.ScheduleActivity(actAttrs("Ship"), ct.ct, ob.fn)
			tm := ms.StartTimer(1, func(bool) {})
			a.Cancel()
			cmds := ms.TakeCommands()
			want := []enumspb.CommandType{enumspb.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK, enumspb.COMMAND_TYPE_START_TIMER}
			if !equalTypes(commandTypes(cmds), want) {
				t.Fatalf("TakeCommands() = %v, want %v", commandTypes(cmds), want)
			}
			if id := cmds[0].GetScheduleActivityTaskCommandAttributes().GetActivityId(); id != "2" {
				t.Fatalf("remaining activity id = %q, want 2", id)
			}
			apply(t, ms, wftCompleted(4, 2, 3), actScheduled(5, "2", "Ship"), timerStarted(6, tm.ID()),
				actCompleted(7, 5, 0, payloads("s")))
			if len(ob.got) != 1 || !proto.Equal(ob.got[0].Result, payloads("s")) {
				t.Fatalf("second activity outcome = %v", ob.got)
			}
			if err := ms.Unmatched(); err != nil {
				t.Fatalf("Unmatched() = %v", err)
			}
		})
	}
}

// TestDroppedCommandBetweenSentOnes drops a command in the middle of the
// queue while the earlier ones were sent in an earlier task and are still
// unmatched; matching must skip it.
func TestDroppedCommandBetweenSentOnes(t *testing.T) {
	ms := newMachines()
	ms.StartTimer(1, func(bool) {})
	ms.TakeCommands()
	a := ms.ScheduleActivity(actAttrs("Charge"), TryCancel, func(Outcome) {})
	a.Cancel()
	ms.ScheduleActivity(actAttrs("Ship"), TryCancel, func(Outcome) {})
	if cmds := ms.TakeCommands(); len(cmds) != 1 {
		t.Fatalf("TakeCommands() = %v, want one ScheduleActivityTask", commandTypes(cmds))
	}
	apply(t, ms, timerStarted(5, "1"), actScheduled(6, "2", "Ship"))
	if err := ms.Unmatched(); err != nil {
		t.Fatalf("Unmatched() = %v", err)
	}
}

// The history around a cancel after ActivityTaskScheduled: 4 WFTCompleted,
// 5 ActivityTaskScheduled, [6 ActivityTaskStarted], 7-8 a new workflow task
// in which the workflow cancels, 9 its completion, then the table's events.
func TestActivityCancelAfterScheduled(t *testing.T) {
	info := &failurepb.ActivityFailureInfo{ScheduledEventId: 5, ActivityType: &commonpb.ActivityType{Name: "Charge"}, ActivityId: "1"}
	infoStarted := proto.Clone(info).(*failurepb.ActivityFailureInfo)
	infoStarted.StartedEventId = 6
	infoStarted.Identity = "w1"
	type want int
	const (
		wantCanceled want = iota
		wantCanceledDetails
		wantResult
		wantFailure
	)
	tests := []struct {
		name      string
		ct        ActivityCancellationType
		started   bool // ActivityTaskStarted(6) before the cancel
		cancelCmd bool // a RequestCancelActivityTask is issued
		atOnce    bool // resolved by Cancel itself
		after     []*historypb.HistoryEvent
		want      want
		info      *failurepb.ActivityFailureInfo
	}{
		{"TryCancel then Canceled", TryCancel, false, true, true,
			[]*historypb.HistoryEvent{actCancelRequested(10, 5), actCanceled(11, 5, 10, payloads("d"))}, wantCanceled, info},
		{"TryCancel then Completed absorbed", TryCancel, false, true, true,
			[]*historypb.HistoryEvent{actCancelRequested(10, 5), actStarted(11, 5, "w"), actCompleted(12, 5, 11, payloads("r"))}, wantCanceled, info},
		{"TryCancel then Failed absorbed", TryCancel, true, true, true,
			[]*historypb.HistoryEvent{actCancelRequested(10, 5), actFailed(11, 5, 6, appFailure("x"), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE, "w1")}, wantCanceled, infoStarted},
		{"TryCancel then TimedOut absorbed", TryCancel, true, true, true,
			[]*historypb.HistoryEvent{actCancelRequested(10, 5), actTimedOut(11, 5, 6, timeoutFailure(enumspb.TIMEOUT_TYPE_HEARTBEAT), enumspb.RETRY_STATE_TIMEOUT)}, wantCanceled, infoStarted},
		{"Wait then Canceled", WaitCancellationCompleted, false, true, false,
			[]*historypb.HistoryEvent{actCancelRequested(10, 5), actCanceled(11, 5, 10, payloads("d"))}, wantCanceledDetails, info},
		{"Wait after start then Canceled", WaitCancellationCompleted, true, true, false,
			[]*historypb.HistoryEvent{actCancelRequested(10, 5), wftScheduled(11), actCanceled(12, 5, 10, payloads("d"))}, wantCanceledDetails, infoStarted},
		{"Wait then Completed", WaitCancellationCompleted, false, true, false,
			[]*historypb.HistoryEvent{actCancelRequested(10, 5), actStarted(11, 5, "w"), actCompleted(12, 5, 11, payloads("r"))}, wantResult, nil},
		{"Wait then Failed", WaitCancellationCompleted, true, true, false,
			[]*historypb.HistoryEvent{actCancelRequested(10, 5), actFailed(11, 5, 6, appFailure("x"), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE, "w1")}, wantFailure, nil},
		{"Abandon then Completed ignored", Abandon, false, false, true,
			[]*historypb.HistoryEvent{actStarted(10, 5, "w"), actCompleted(11, 5, 10, payloads("r"))}, wantCanceled, info},
		{"Abandon after start then Failed ignored", Abandon, true, false, true,
			[]*historypb.HistoryEvent{actFailed(10, 5, 6, appFailure("x"), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE, "w1")}, wantCanceled, infoStarted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			var o outcomes
			act := ms.ScheduleActivity(actAttrs("Charge"), tt.ct, o.fn)
			ms.TakeCommands()
			apply(t, ms, wftCompleted(4, 2, 3), actScheduled(5, "1", "Charge"))
			if tt.started {
				apply(t, ms, actStarted(6, 5, "w1"))
			}
			apply(t, ms, wftScheduled(7), wftStarted(8, 7))

			act.Cancel()
			act.Cancel() // a second Cancel changes nothing
			if act.Resolved() != tt.atOnce || len(o.got) != map[bool]int{true: 1, false: 0}[tt.atOnce] {
				t.Fatalf("after Cancel: Resolved()=%v calls=%d, want resolved=%v", act.Resolved(), len(o.got), tt.atOnce)
			}
			cmds := ms.TakeCommands()
			if tt.cancelCmd {
				if len(cmds) != 1 || cmds[0].CommandType != enumspb.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK {
					t.Fatalf("TakeCommands() = %v, want one RequestCancelActivityTask", commandTypes(cmds))
				}
				if id := cmds[0].GetRequestCancelActivityTaskCommandAttributes().GetScheduledEventId(); id != 5 {
					t.Fatalf("cancel scheduled_event_id = %d, want 5", id)
				}
			} else if len(cmds) != 0 {
				t.Fatalf("TakeCommands() = %v, want none", commandTypes(cmds))
			}

			apply(t, ms, wftCompleted(9, 7, 8))
			for _, e := range tt.after {
				apply(t, ms, e)
				if !tt.atOnce && e != tt.after[len(tt.after)-1] && act.Resolved() {
					t.Fatalf("resolved early by %s", e.EventType)
				}
			}
			if len(o.got) != 1 {
				t.Fatalf("callback called %d times, want 1", len(o.got))
			}
			got := o.got[0]
			switch tt.want {
			case wantCanceled:
				checkCanceled(t, got, tt.info, nil)
			case wantCanceledDetails:
				checkCanceled(t, got, tt.info, payloads("d"))
			case wantResult:
				if got.Failure != nil || !proto.Equal(got.Result, payloads("r")) {
					t.Fatalf("outcome = %v, want result r", got)
				}
			case wantFailure:
				cause := checkActivityFailure(t, got.Failure, &failurepb.ActivityFailureInfo{ScheduledEventId: 5, StartedEventId: 6,
					Identity: "w1", ActivityType: &commonpb.ActivityType{Name: "Charge"}, ActivityId: "1",
					RetryState: enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE})
				if cause.GetMessage() != "x" || cause.GetApplicationFailureInfo() == nil {
					t.Fatalf("cause = %v", cause)
				}
			}
			if err := ms.Unmatched(); err != nil {
				t.Fatalf("Unmatched() = %v", err)
			}
			act.Cancel()
			if cmds := ms.TakeCommands(); len(cmds) != 0 || len(o.got) != 1 {
				t.Fatalf("Cancel after resolution: commands %v calls %d", commandTypes(cmds), len(o.got))
			}
		})
	}
}

// After the activity's final event, another event for it is
// nondeterministic (sdk-core: Started/Completed after Canceled).
func TestActivityEventAfterCanceled(t *testing.T) {
	for _, ct := range []ActivityCancellationType{TryCancel, WaitCancellationCompleted} {
		ms := newMachines()
		act := ms.ScheduleActivity(actAttrs("Charge"), ct, func(Outcome) {})
		ms.TakeCommands()
		apply(t, ms, wftCompleted(4, 2, 3), actScheduled(5, "1", "Charge"), wftScheduled(6), wftStarted(7, 6))
		act.Cancel()
		ms.TakeCommands()
		apply(t, ms, wftCompleted(8, 6, 7), actCancelRequested(9, 5), actCanceled(10, 5, 9, nil))
		handled, err := ms.HandleEvent(actCompleted(11, 5, 0, nil))
		if nd := asND(t, err); !handled || nd.EventID != 11 {
			t.Fatalf("cancel type %d: handled=%v err=%+v", ct, handled, nd)
		}
	}
}

func TestActivityCancelNotSentAfterResolution(t *testing.T) {
	for _, ct := range cancelTypes {
		t.Run(ct.name, func(t *testing.T) {
			ms := newMachines()
			var o outcomes
			act := ms.ScheduleActivity(actAttrs("Charge"), ct.ct, o.fn)
			ms.TakeCommands()
			apply(t, ms, wftCompleted(4, 2, 3), actScheduled(5, "1", "Charge"), actCompleted(6, 5, 0, payloads("r")))
			act.Cancel()
			if cmds := ms.TakeCommands(); len(cmds) != 0 {
				t.Fatalf("TakeCommands() = %v, want none", commandTypes(cmds))
			}
			if len(o.got) != 1 || !proto.Equal(o.got[0].Result, payloads("r")) {
				t.Fatalf("outcomes = %v", o.got)
			}
		})
	}
}

func TestActivityCancelRequestMismatch(t *testing.T) {
	ms := newMachines()
	act := ms.ScheduleActivity(actAttrs("Charge"), TryCancel, func(Outcome) {})
	ms.TakeCommands()
	apply(t, ms, wftCompleted(4, 2, 3), actScheduled(5, "1", "Charge"), wftScheduled(6), wftStarted(7, 6))
	act.Cancel()
	ms.TakeCommands()
	apply(t, ms, wftCompleted(8, 6, 7))
	_, err := ms.HandleEvent(actCancelRequested(9, 42))
	nd := asND(t, err)
	if nd.EventID != 9 || nd.Actual != "RequestCancelActivityTask" || !strings.Contains(nd.Expected, "ActivityTaskCancelRequested") {
		t.Fatalf("error = %+v", nd)
	}
}

// Resolving events routed to machines that do not take them.
func TestResolvingEventForWrongMachine(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(t *testing.T, ms *Machines)
		history    []*historypb.HistoryEvent
		bad        *historypb.HistoryEvent
		wantActual string
	}{
		{
			name:       "TimerFired for an activity",
			setup:      func(t *testing.T, ms *Machines) { ms.ScheduleActivity(actAttrs("Charge"), TryCancel, func(Outcome) {}) },
			history:    []*historypb.HistoryEvent{actScheduled(5, "1", "Charge")},
			bad:        timerFired(6, "1", 5),
			wantActual: "an activity event",
		},
		{
			name:       "ActivityTaskCompleted for a timer",
			setup:      func(t *testing.T, ms *Machines) { ms.StartTimer(1, func(bool) {}) },
			history:    []*historypb.HistoryEvent{timerStarted(5, "1")},
			bad:        actCompleted(6, 5, 0, nil),
			wantActual: "a timer event",
		},
		{
			name:       "ActivityTaskCompleted for a marker",
			setup:      func(t *testing.T, ms *Machines) { ms.RecordMarker(markerAttrs("m"), nil) },
			history:    []*historypb.HistoryEvent{markerRecorded(5, "m")},
			bad:        actCompleted(6, 5, 0, nil),
			wantActual: "no further events",
		},
		{
			name: "ActivityTaskCompleted for a cancel request",
			setup: func(t *testing.T, ms *Machines) {
				a := ms.ScheduleActivity(actAttrs("Charge"), TryCancel, func(Outcome) {})
				ms.TakeCommands()
				apply(t, ms, actScheduled(5, "1", "Charge"))
				a.Cancel()
			},
			history:    []*historypb.HistoryEvent{actCancelRequested(6, 5)},
			bad:        actCompleted(7, 6, 0, nil),
			wantActual: "an event for an activity cancel request",
		},
		{
			name: "TimerFired for a timer cancellation",
			setup: func(t *testing.T, ms *Machines) {
				tm := ms.StartTimer(1, func(bool) {})
				ms.TakeCommands()
				apply(t, ms, timerStarted(5, "1"))
				tm.Cancel()
			},
			history:    []*historypb.HistoryEvent{timerCanceled(6, "1", 5)},
			bad:        timerFired(7, "1", 6),
			wantActual: "an event for a timer cancellation",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			tt.setup(t, ms)
			ms.TakeCommands()
			apply(t, ms, tt.history...)
			handled, err := ms.HandleEvent(tt.bad)
			nd := asND(t, err)
			if !handled || nd.EventID != tt.bad.EventId || nd.Actual != tt.wantActual || nd.Expected != tt.bad.EventType.String() {
				t.Fatalf("handled=%v error=%+v, want Actual %q", handled, nd, tt.wantActual)
			}
		})
	}
}

// Every open state takes each closing event: the callback runs once, with
// the event's outcome unless the activity already resolved as cancelled.
func TestActivityClosingFromEachState(t *testing.T) {
	closings := []struct {
		e    func(id int64) *historypb.HistoryEvent
		kind string
	}{
		{func(id int64) *historypb.HistoryEvent { return actCompleted(id, 5, 0, payloads("r")) }, "result"},
		{func(id int64) *historypb.HistoryEvent {
			return actFailed(id, 5, 0, appFailure("x"), enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE, "w")
		}, "application"},
		{func(id int64) *historypb.HistoryEvent {
			return actTimedOut(id, 5, 0, timeoutFailure(enumspb.TIMEOUT_TYPE_START_TO_CLOSE), enumspb.RETRY_STATE_TIMEOUT)
		}, "timeout"},
		{func(id int64) *historypb.HistoryEvent { return actCanceled(id, 5, 0, payloads("d")) }, "canceled"},
	}
	states := []struct {
		name   string
		ct     ActivityCancellationType
		setup  func(t *testing.T, ms *Machines, a *Activity)
		absorb bool // resolved before the closing event
	}{
		{"scheduled", TryCancel, func(*testing.T, *Machines, *Activity) {}, false},
		{"started twice", TryCancel, func(t *testing.T, ms *Machines, _ *Activity) {
			apply(t, ms, actStarted(6, 5, "w"), actStarted(7, 5, "w"))
		}, false},
		{"cancel requested", WaitCancellationCompleted, func(t *testing.T, ms *Machines, a *Activity) {
			a.Cancel()
			ms.TakeCommands()
			apply(t, ms, actCancelRequested(6, 5))
		}, false},
		{"canceled", TryCancel, func(t *testing.T, ms *Machines, a *Activity) {
			a.Cancel()
			ms.TakeCommands()
			apply(t, ms, actCancelRequested(6, 5))
		}, true},
	}
	for _, st := range states {
		for _, cl := range closings {
			t.Run(st.name+"/"+cl.kind, func(t *testing.T) {
				ms := newMachines()
				var o outcomes
				a := ms.ScheduleActivity(actAttrs("Charge"), st.ct, o.fn)
				ms.TakeCommands()
				apply(t, ms, wftCompleted(4, 2, 3), actScheduled(5, "1", "Charge"))
				st.setup(t, ms, a)
				apply(t, ms, cl.e(9))
				if len(o.got) != 1 || !a.Resolved() {
					t.Fatalf("callback calls = %d, Resolved() = %v", len(o.got), a.Resolved())
				}
				got := o.got[0]
				want := cl.kind
				if st.absorb {
					want = "canceled"
				}
				kind := "result"
				if got.Failure != nil {
					kind = map[bool]string{true: "canceled", false: "application"}[got.Failure.GetCause().GetCanceledFailureInfo() != nil]
					if got.Failure.GetCause().GetTimeoutFailureInfo() != nil {
						kind = "timeout"
					}
				}
				if kind != want {
					t.Fatalf("outcome %v is %s, want %s", got, kind, want)
				}
			})
		}
	}
}

// A Cancel after the command was sent but before ActivityTaskScheduled
// drops the command, whatever the cancellation type.
func TestActivityCancelSentNotScheduled(t *testing.T) {
	for _, ct := range cancelTypes {
		t.Run(ct.name, func(t *testing.T) {
			ms := newMachines()
			var o outcomes
			a := ms.ScheduleActivity(actAttrs("Charge"), ct.ct, o.fn)
			ms.TakeCommands()
			a.Cancel()
			if cmds := ms.TakeCommands(); len(cmds) != 0 || len(o.got) != 1 || !a.Resolved() {
				t.Fatalf("commands %v, calls %d", commandTypes(cmds), len(o.got))
			}
			checkCanceled(t, o.got[0], &failurepb.ActivityFailureInfo{ActivityType: &commonpb.ActivityType{Name: "Charge"}, ActivityId: "1"}, nil)
			if err := ms.Unmatched(); err != nil {
				t.Fatalf("Unmatched() = %v", err)
			}
		})
	}
}
