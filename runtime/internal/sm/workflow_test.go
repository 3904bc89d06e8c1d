package sm

import (
	"testing"
	"time"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/proto"
)

const (
	cSchedule = enumspb.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK
	cTimer    = enumspb.COMMAND_TYPE_START_TIMER
	cMarker   = enumspb.COMMAND_TYPE_RECORD_MARKER
	cComplete = enumspb.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION
	cFail     = enumspb.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION
	cCancel   = enumspb.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION
	cCAN      = enumspb.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION
)

// issue issues one command of type c through the Machines API.
func issue(ms *Machines, c enumspb.CommandType) {
	switch c {
	case cSchedule:
		ms.ScheduleActivity(actAttrs("Charge"), TryCancel, func(Outcome) {})
	case cTimer:
		ms.StartTimer(time.Second, func(bool) {})
	case cMarker:
		ms.RecordMarker(markerAttrs("m"), nil)
	case cComplete:
		ms.CompleteWorkflow(payloads("done"))
	case cFail:
		ms.FailWorkflow(appFailure("bad"))
	case cCancel:
		ms.CancelWorkflow(payloads("bye"))
	case cCAN:
		ms.ContinueAsNew(&commandpb.ContinueAsNewWorkflowExecutionCommandAttributes{WorkflowType: &commonpb.WorkflowType{Name: "W"}})
	default:
		panic(c)
	}
}

// eventFor builds the event recording command c (ids follow the issue
// helpers above: activity "1"..., timer "1"..., marker "m").
func eventFor(c *commandpb.Command, id int64) *historypb.HistoryEvent {
	switch c.CommandType {
	case cSchedule:
		a := c.GetScheduleActivityTaskCommandAttributes()
		return actScheduled(id, a.ActivityId, a.ActivityType.GetName())
	case cTimer:
		return timerStarted(id, c.GetStartTimerCommandAttributes().TimerId)
	case cMarker:
		return markerRecorded(id, c.GetRecordMarkerCommandAttributes().MarkerName)
	case cComplete:
		return wfCompleted(id)
	case cFail:
		return wfFailed(id)
	case cCancel:
		return wfCanceled(id)
	case cCAN:
		return wfContinuedAsNew(id)
	}
	panic(c.CommandType)
}

func TestTakeCommandsTerminalOrdering(t *testing.T) {
	tests := []struct {
		name   string
		issued []enumspb.CommandType
		want   []enumspb.CommandType
	}{
		{"complete alone", []enumspb.CommandType{cComplete}, []enumspb.CommandType{cComplete}},
		{"non-terminal before complete", []enumspb.CommandType{cSchedule, cComplete}, []enumspb.CommandType{cSchedule, cComplete}},
		{"timer issued after complete", []enumspb.CommandType{cComplete, cTimer}, []enumspb.CommandType{cTimer, cComplete}},
		{"several after fail", []enumspb.CommandType{cFail, cTimer, cSchedule, cMarker}, []enumspb.CommandType{cTimer, cSchedule, cMarker, cFail}},
		{"second terminal dropped", []enumspb.CommandType{cSchedule, cFail, cTimer, cComplete}, []enumspb.CommandType{cSchedule, cTimer, cFail}},
		{"three terminals", []enumspb.CommandType{cCancel, cComplete, cFail}, []enumspb.CommandType{cCancel}},
		{"cancel workflow after marker", []enumspb.CommandType{cCancel, cMarker}, []enumspb.CommandType{cMarker, cCancel}},
		{"continue-as-new then activity", []enumspb.CommandType{cCAN, cSchedule}, []enumspb.CommandType{cSchedule, cCAN}},
		{"no terminal keeps order", []enumspb.CommandType{cTimer, cSchedule, cMarker}, []enumspb.CommandType{cTimer, cSchedule, cMarker}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			wantTerminal := false
			for _, c := range tt.issued {
				issue(ms, c)
				wantTerminal = wantTerminal || isTerminal(c)
			}
			if ms.HasTerminal() != wantTerminal {
				t.Fatalf("HasTerminal() = %v, want %v", ms.HasTerminal(), wantTerminal)
			}
			if !equalTypes(commandTypes(ms.Pending()), tt.issued) {
				t.Fatalf("Pending() = %v, want issue order %v", commandTypes(ms.Pending()), tt.issued)
			}
			cmds := ms.TakeCommands()
			if got := commandTypes(cmds); !equalTypes(got, tt.want) {
				t.Fatalf("TakeCommands() = %v, want %v", got, tt.want)
			}
			if again := ms.TakeCommands(); len(again) != 0 {
				t.Fatalf("second TakeCommands() = %v (a discarded terminal came back?)", commandTypes(again))
			}
			if p := ms.Pending(); len(p) != 0 {
				t.Fatalf("Pending() after take = %v", commandTypes(p))
			}
			// History records the commands in the order they were sent;
			// matching must follow that order, not the issue order.
			apply(t, ms, wftCompleted(4, 2, 3))
			for i, c := range cmds {
				apply(t, ms, eventFor(c, int64(5+i)))
			}
			if err := ms.Unmatched(); err != nil {
				t.Fatalf("Unmatched() after matching = %v", err)
			}
		})
	}
}

// A history that records commands in issue order (terminal first) does not
// match what TakeCommands sent.
func TestTerminalIssueOrderIsNotSentOrder(t *testing.T) {
	ms := newMachines()
	issue(ms, cComplete)
	issue(ms, cTimer)
	ms.TakeCommands()
	_, err := ms.HandleEvent(wfCompleted(5))
	nd := asND(t, err)
	if nd.Expected != "WorkflowExecutionCompleted" || nd.Actual != "StartTimer(timerId=1)" {
		t.Fatalf("error = %+v", nd)
	}
}

func TestTerminalCommandAttributes(t *testing.T) {
	tests := []struct {
		name  string
		issue enumspb.CommandType
		check func(c *commandpb.Command) bool
	}{
		{"complete", cComplete, func(c *commandpb.Command) bool {
			return proto.Equal(c.GetCompleteWorkflowExecutionCommandAttributes().GetResult(), payloads("done"))
		}},
		{"fail", cFail, func(c *commandpb.Command) bool {
			return proto.Equal(c.GetFailWorkflowExecutionCommandAttributes().GetFailure(), appFailure("bad"))
		}},
		{"cancel", cCancel, func(c *commandpb.Command) bool {
			return proto.Equal(c.GetCancelWorkflowExecutionCommandAttributes().GetDetails(), payloads("bye"))
		}},
		{"continue-as-new", cCAN, func(c *commandpb.Command) bool {
			return c.GetContinueAsNewWorkflowExecutionCommandAttributes().GetWorkflowType().GetName() == "W"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			issue(ms, tt.issue)
			cmds := ms.TakeCommands()
			if len(cmds) != 1 || cmds[0].CommandType != tt.issue || !tt.check(cmds[0]) {
				t.Fatalf("TakeCommands() = %v", cmds)
			}
		})
	}
}

func TestTerminalEventMismatch(t *testing.T) {
	tests := []struct {
		issue enumspb.CommandType
		event *historypb.HistoryEvent
	}{
		{cComplete, wfFailed(5)},
		{cFail, wfCompleted(5)},
		{cCancel, wfContinuedAsNew(5)},
		{cCAN, wfCanceled(5)},
	}
	for _, tt := range tests {
		t.Run(tt.issue.String(), func(t *testing.T) {
			ms := newMachines()
			issue(ms, tt.issue)
			ms.TakeCommands()
			handled, err := ms.HandleEvent(tt.event)
			nd := asND(t, err)
			if !handled || nd.EventID != 5 || nd.Expected != tt.event.EventType.String() || nd.Actual != tt.issue.String() {
				t.Fatalf("handled=%v err=%+v", handled, nd)
			}
		})
	}
}

func TestRecordMarker(t *testing.T) {
	ms := newMachines()
	var seen []*historypb.HistoryEvent
	ms.RecordMarker(markerAttrs("Version"), func(e *historypb.HistoryEvent) { seen = append(seen, e) })
	ms.RecordMarker(markerAttrs("SideEffect"), nil)
	cmds := ms.TakeCommands()
	if !equalTypes(commandTypes(cmds), []enumspb.CommandType{cMarker, cMarker}) ||
		cmds[0].GetRecordMarkerCommandAttributes().GetMarkerName() != "Version" {
		t.Fatalf("TakeCommands() = %v", cmds)
	}
	m1 := markerRecorded(5, "Version")
	apply(t, ms, wftCompleted(4, 2, 3), m1)
	if len(seen) != 1 || seen[0] != m1 {
		t.Fatalf("onEvent saw %v, want the MarkerRecorded event", seen)
	}
	handled, err := ms.HandleEvent(markerRecorded(6, "Other"))
	nd := asND(t, err)
	if !handled || nd.EventID != 6 || nd.Expected != "MarkerRecorded(name=Other)" || nd.Actual != "RecordMarker(name=SideEffect)" {
		t.Fatalf("handled=%v err=%+v", handled, nd)
	}
}
