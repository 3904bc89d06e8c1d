package sm

import (
	"fmt"
	"testing"

	commandpb "go.temporal.io/api/command/v1"
	enumspb "go.temporal.io/api/enums/v1"
)

var nexusCancelTypes = []NexusCancellationType{NexusWaitCompleted, NexusTryCancel, NexusWaitRequested, NexusAbandon}

type nexusRec struct {
	starts []string
	outs   []NexusOutcome
}

func (r *nexusRec) onStart(token string, sync bool) {
	r.starts = append(r.starts, fmt.Sprintf("%s/%v", token, sync))
}
func (r *nexusRec) onResolve(o NexusOutcome) { r.outs = append(r.outs, o) }

// nexusKind names an outcome: "result:<data>" or the failure's message.
func nexusKind(o NexusOutcome) string {
	if o.Failure == nil {
		return "result:" + string(o.Result.GetData())
	}
	return o.Failure.GetMessage()
}

func nexusAttrs() *commandpb.ScheduleNexusOperationCommandAttributes {
	return &commandpb.ScheduleNexusOperationCommandAttributes{Endpoint: "e", Service: "svc", Operation: "op"}
}

var nexusClosingTypes = []enumspb.EventType{enumspb.EVENT_TYPE_NEXUS_OPERATION_COMPLETED, enumspb.EVENT_TYPE_NEXUS_OPERATION_FAILED,
	enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCELED, enumspb.EVENT_TYPE_NEXUS_OPERATION_TIMED_OUT}

// TestNexusLifecycle drives an operation through every path its table
// allows and checks the callbacks against the rules:
//   - onStart is called exactly once: with the token if NexusOperationStarted
//     came before the operation resolved, else ("", sync) when it resolved;
//   - onResolve is called exactly once: cancelled at Cancel for Abandon and
//     TryCancel, cancelled by NexusOperationCancelRequestCompleted for
//     NexusWaitRequested, and with the closing event's outcome otherwise.
func TestNexusLifecycle(t *testing.T) {
	type plan struct {
		ct       NexusCancellationType
		cancelAt string // "never", "sent", "scheduled", "started"
		started  bool
		reply    string // "", "completed", "failed", "completed-twice"
		closing  enumspb.EventType
	}
	var plans []plan
	for _, ct := range nexusCancelTypes {
		for _, at := range []string{"never", "sent", "scheduled", "started"} {
			for _, started := range []bool{false, true} {
				if at == "started" && !started {
					continue
				}
				for _, reply := range []string{"", "completed", "failed", "completed-twice"} {
					for _, cl := range nexusClosingTypes {
						plans = append(plans, plan{ct, at, started, reply, cl})
					}
				}
			}
		}
	}
	for _, p := range plans {
		t.Run(fmt.Sprintf("%d/cancel=%s/started=%v/reply=%s/%s", p.ct, p.cancelAt, p.started, p.reply, p.closing), func(t *testing.T) {
			ms := newMachines()
			var r nexusRec
			n := ms.ScheduleNexusOperation(nexusAttrs(), p.ct, r.onStart, r.onResolve)
			if cmds := ms.TakeCommands(); len(cmds) != 1 || cmds[0].CommandType != enumspb.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION {
				t.Fatalf("TakeCommands() = %v", commandTypes(cmds))
			}
			id := int64(5)
			next := func() int64 { id++; return id }
			early := p.ct == NexusAbandon || p.ct == NexusTryCancel
			cancel := func(match bool) {
				n.Cancel()
				n.Cancel()
				if got := len(r.outs); got != map[bool]int{true: 1}[early] {
					t.Fatalf("after Cancel: %d outcomes, want resolved=%v", got, early)
				}
				cmds := ms.TakeCommands()
				if p.ct == NexusAbandon {
					if len(cmds) != 0 {
						t.Fatalf("Abandon sent %v", commandTypes(cmds))
					}
					return
				}
				wantSched := map[bool]int64{true: 5}[p.cancelAt != "sent"]
				if len(cmds) != 1 || cmds[0].GetRequestCancelNexusOperationCommandAttributes().GetScheduledEventId() != wantSched {
					t.Fatalf("cancel commands = %v", cmds)
				}
				if match {
					apply(t, ms, nexusCancelRequestedEvent(next(), 5))
				}
			}
			if p.cancelAt == "sent" {
				cancel(false)
			}
			apply(t, ms, wftCompleted(4, 2, 3), nexusScheduledEvent(5, "svc", "op"))
			if p.cancelAt == "sent" && p.ct != NexusAbandon {
				apply(t, ms, nexusCancelRequestedEvent(next(), 5))
			}
			if p.cancelAt == "scheduled" {
				cancel(true)
			}
			if p.started {
				apply(t, ms, nexusEvent(next(), 5, enumspb.EVENT_TYPE_NEXUS_OPERATION_STARTED, "tok"))
			}
			if p.cancelAt == "started" {
				cancel(true)
			}
			if p.started && p.reply == "failed" {
				// A second Started changes nothing.
				apply(t, ms, nexusEvent(next(), 5, enumspb.EVENT_TYPE_NEXUS_OPERATION_STARTED, "tok2"))
			}
			switch p.reply {
			case "completed", "completed-twice":
				apply(t, ms, nexusEvent(next(), 5, enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED, ""))
				if p.ct == NexusWaitRequested {
					n.Cancel() // resolved: a no-op
				}
				if p.reply == "completed-twice" {
					apply(t, ms, nexusEvent(next(), 5, enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED, ""))
				}
			case "failed":
				apply(t, ms, nexusEvent(next(), 5, enumspb.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_FAILED, ""))
			}
			apply(t, ms, nexusEvent(next(), 5, p.closing, ""))
			n.Cancel()
			if cmds := ms.TakeCommands(); len(cmds) != 0 {
				t.Fatalf("Cancel after the end sent %v", commandTypes(cmds))
			}
			if err := ms.Unmatched(); err != nil {
				t.Fatalf("Unmatched() = %v", err)
			}

			// The rules.
			canceled := p.cancelAt != "never" && early ||
				p.ct == NexusWaitRequested && (p.reply == "completed" || p.reply == "completed-twice")
			wantStart := "/true"
			if p.started && !(early && (p.cancelAt == "sent" || p.cancelAt == "scheduled")) {
				wantStart = "tok/false"
			}
			if len(r.starts) != 1 || r.starts[0] != wantStart {
				t.Errorf("onStart calls = %v, want [%s]", r.starts, wantStart)
			}
			want := map[enumspb.EventType]string{enumspb.EVENT_TYPE_NEXUS_OPERATION_COMPLETED: "result:r"}[p.closing]
			if want == "" {
				want = p.closing.String()
			}
			if canceled {
				want = "canceled"
			}
			if len(r.outs) != 1 || nexusKind(r.outs[0]) != want {
				t.Fatalf("outcomes = %v, want one %q", r.outs, want)
			}
			checkGone(t, ms, nexusEvent(next(), 5, enumspb.EVENT_TYPE_NEXUS_OPERATION_COMPLETED, ""))
		})
	}
}

func TestNexusCancelBeforeSent(t *testing.T) {
	for _, ct := range nexusCancelTypes {
		ms := newMachines()
		var r nexusRec
		n := ms.ScheduleNexusOperation(nexusAttrs(), ct, r.onStart, r.onResolve)
		n.Cancel()
		n.Cancel()
		if cmds := ms.TakeCommands(); len(cmds) != 0 {
			t.Fatalf("type %d: TakeCommands() = %v", ct, commandTypes(cmds))
		}
		if fmt.Sprint(r.starts) != "[/true]" || len(r.outs) != 1 || nexusKind(r.outs[0]) != "canceled" {
			t.Fatalf("type %d: starts=%v outs=%v", ct, r.starts, r.outs)
		}
	}
}

func TestNexusTokenFallsBackToOperationID(t *testing.T) {
	ms := newMachines()
	var r nexusRec
	ms.ScheduleNexusOperation(nexusAttrs(), NexusWaitCompleted, r.onStart, r.onResolve)
	ms.TakeCommands()
	apply(t, ms, wftCompleted(4, 2, 3), nexusScheduledEvent(5, "svc", "op"),
		nexusEvent(6, 5, enumspb.EVENT_TYPE_NEXUS_OPERATION_STARTED, ""))
	if fmt.Sprint(r.starts) != "[op-id/false]" {
		t.Fatalf("starts = %v", r.starts)
	}
}

func TestNexusNondeterminism(t *testing.T) {
	tests := []struct {
		name       string
		service    string
		operation  string
		then       bool // a timer event for the operation
		wantActual string
	}{
		{"other service", "other", "op", false, "ScheduleNexusOperation"},
		{"other operation", "svc", "other", false, "ScheduleNexusOperation"},
		{"a timer event for the operation", "svc", "op", true, "a Nexus operation event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			var r nexusRec
			ms.ScheduleNexusOperation(nexusAttrs(), NexusWaitCompleted, r.onStart, r.onResolve)
			ms.TakeCommands()
			e := nexusScheduledEvent(5, tt.service, tt.operation)
			if tt.then {
				apply(t, ms, e)
				e = timerFired(6, "1", 5)
			}
			_, err := ms.HandleEvent(e)
			if nd := asND(t, err); nd.EventID != e.EventId || nd.Actual != tt.wantActual {
				t.Fatalf("error = %+v, want Actual %q", nd, tt.wantActual)
			}
		})
	}
}
