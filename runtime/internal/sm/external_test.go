package sm

import (
	"testing"

	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
)

// externalKind is one of the two requests to another workflow.
type externalKind struct {
	name      string
	issue     func(ms *Machines, onDone func(*failurepb.Failure)) External
	command   enumspb.CommandType
	initiated func(id int64) *historypb.HistoryEvent
	// own and other outcome events: delivered, failed
	own, other [2]enumspb.EventType
}

var externalKinds = []externalKind{
	{
		name: "signal",
		issue: func(ms *Machines, onDone func(*failurepb.Failure)) External {
			return ms.SignalExternal(&commandpb.SignalExternalWorkflowExecutionCommandAttributes{
				Execution: &commonpb.WorkflowExecution{WorkflowId: "other"}, SignalName: "ping"}, onDone)
		},
		command:   enumspb.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,
		initiated: func(id int64) *historypb.HistoryEvent { return signalInitiated(id, "other", "ping") },
		own:       [2]enumspb.EventType{enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED},
		other:     [2]enumspb.EventType{enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED},
	},
	{
		name: "cancel",
		issue: func(ms *Machines, onDone func(*failurepb.Failure)) External {
			return ms.CancelExternal(&commandpb.RequestCancelExternalWorkflowExecutionCommandAttributes{WorkflowId: "other"}, onDone)
		},
		command:   enumspb.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,
		initiated: func(id int64) *historypb.HistoryEvent { return cancelInitiated(id, "other") },
		own:       [2]enumspb.EventType{enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED},
		other:     [2]enumspb.EventType{enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, enumspb.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED},
	},
}

// dones records the calls of an external request's callback.
type dones struct{ got []*failurepb.Failure }

func (d *dones) fn(f *failurepb.Failure) { d.got = append(d.got, f) }

// TestExternalOutcomes: a request resolves once, with nil when delivered
// and with a non-retryable ExternalFailureType failure holding the
// server's cause when it failed. The outcome events of the other kind of
// request are taken too, as they always were.
func TestExternalOutcomes(t *testing.T) {
	for _, k := range externalKinds {
		for i, outcome := range []enumspb.EventType{k.own[0], k.own[1], k.other[0], k.other[1]} {
			t.Run(k.name+"/"+outcome.String(), func(t *testing.T) {
				ms := newMachines()
				var d dones
				x := k.issue(ms, d.fn)
				if cmds := ms.TakeCommands(); len(cmds) != 1 || cmds[0].CommandType != k.command {
					t.Fatalf("TakeCommands() = %v", commandTypes(cmds))
				}
				x.Cancel() // sent: too late to drop
				apply(t, ms, wftCompleted(4, 2, 3), k.initiated(5))
				x.Cancel()
				if len(d.got) != 0 || len(ms.Pending()) != 0 {
					t.Fatalf("Cancel after sent: calls %v, pending %v", d.got, ms.Pending())
				}
				apply(t, ms, externalOutcome(6, 5, outcome))
				x.Cancel()
				if len(d.got) != 1 {
					t.Fatalf("callback calls = %v, want 1", d.got)
				}
				f := d.got[0]
				if delivered := i%2 == 0; delivered {
					if f != nil {
						t.Fatalf("delivered request resolved with %v", f)
					}
				} else if info := f.GetApplicationFailureInfo(); info.GetType() != ExternalFailureType || !info.GetNonRetryable() ||
					f.GetMessage() != "ExternalWorkflowExecutionNotFound" {
					t.Fatalf("failure = %v", f)
				}
				checkGone(t, ms, externalOutcome(7, 5, outcome))
			})
		}
	}
}

func TestExternalCancelBeforeSent(t *testing.T) {
	for _, k := range externalKinds {
		t.Run(k.name, func(t *testing.T) {
			ms := newMachines()
			var d dones
			x := k.issue(ms, d.fn)
			x.Cancel()
			x.Cancel()
			if cmds := ms.TakeCommands(); len(cmds) != 0 {
				t.Fatalf("TakeCommands() = %v, want none", commandTypes(cmds))
			}
			if len(d.got) != 1 || d.got[0].GetCanceledFailureInfo() == nil {
				t.Fatalf("callback calls = %v, want one cancelled failure", d.got)
			}
			if err := ms.Unmatched(); err != nil {
				t.Fatalf("Unmatched() = %v", err)
			}
		})
	}
}

func TestExternalNondeterminism(t *testing.T) {
	for _, k := range externalKinds {
		t.Run(k.name+"/other workflow", func(t *testing.T) {
			ms := newMachines()
			k.issue(ms, func(*failurepb.Failure) {})
			ms.TakeCommands()
			var e *historypb.HistoryEvent
			if k.name == "signal" {
				e = signalInitiated(5, "other", "pong")
			} else {
				e = cancelInitiated(5, "someone")
			}
			_, err := ms.HandleEvent(e)
			if nd := asND(t, err); nd.Actual != k.command.String() {
				t.Fatalf("error = %+v", nd)
			}
		})
		t.Run(k.name+"/timer event", func(t *testing.T) {
			ms := newMachines()
			k.issue(ms, func(*failurepb.Failure) { t.Fatalf("resolved") })
			ms.TakeCommands()
			apply(t, ms, k.initiated(5))
			_, err := ms.HandleEvent(timerFired(6, "1", 5))
			if nd := asND(t, err); nd.Actual != "an external workflow event" {
				t.Fatalf("error = %+v", nd)
			}
		})
	}
}
