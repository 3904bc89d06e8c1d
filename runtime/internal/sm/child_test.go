package sm

import (
	"fmt"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/proto"
)

var childCancelTypes = []struct {
	name string
	ct   ChildCancellationType
}{
	{"Abandon", ChildAbandon},
	{"TryCancel", ChildTryCancel},
	{"WaitCompleted", ChildWaitCancellationCompleted},
	{"WaitRequested", ChildWaitCancellationRequested},
}

// childRec records the callbacks of a child.
type childRec struct {
	starts []ChildStart
	outs   []Outcome
}

func (r *childRec) onStart(s ChildStart) { r.starts = append(r.starts, s) }
func (r *childRec) onResolve(o Outcome)  { r.outs = append(r.outs, o) }

// outcomeKind names an outcome: "result:<data>", or the kind of the cause
// of a failure ("canceled", "canceled:<details>", "timeout", "terminated",
// "application", or its message).
func outcomeKind(o Outcome) string {
	if o.Failure == nil {
		return "result:" + string(o.Result.GetPayloads()[0].GetData())
	}
	c := o.Failure.GetCause()
	switch {
	case c.GetCanceledFailureInfo() != nil:
		if d := c.GetCanceledFailureInfo().GetDetails(); d != nil {
			return "canceled:" + string(d.GetPayloads()[0].GetData())
		}
		return "canceled"
	case c.GetTimeoutFailureInfo() != nil:
		return "timeout"
	case c.GetTerminatedFailureInfo() != nil:
		return "terminated"
	case c.GetApplicationFailureInfo() != nil:
		return "application"
	}
	return c.GetMessage()
}

// childEndKind is the outcome kind each ending event resolves a child with.
var childEndKind = map[enumspb.EventType]string{
	enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED: "start failed: WorkflowAlreadyExists",
	enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:    "result:r",
	enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:       "application",
	enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:     "canceled:d",
	enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:    "timeout",
	enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:   "terminated",
}

// TestChildLifecycle drives a child through every path its table allows,
// with the cancel (of each type) at each point of its life, and checks the
// callbacks against the rules:
//   - onStart is called at most once: with the run id if ChildWorkflowExecutionStarted
//     came first, with the failure cause if StartChildWorkflowExecutionFailed did,
//     with Canceled if the command was dropped; not at all if the child closed
//     without a Started event;
//   - onResolve is called exactly once: cancelled at Cancel for Abandon and
//     TryCancel, cancelled when the cancel request is delivered for
//     WaitCancellationRequested, and with the ending event's outcome otherwise.
func TestChildLifecycle(t *testing.T) {
	type plan struct {
		ct       ChildCancellationType
		cancelAt string // "never", "sent", "initiated", "started"
		started  bool   // a Started event before the ending one
		dup      bool   // and a second one
		deliver  string // "", "before" or "after" the ending, "failed" (before it)
		ending   enumspb.EventType
	}
	var plans []plan
	for _, ct := range childCancelTypes {
		for _, at := range []string{"never", "sent", "initiated", "started"} {
			for _, started := range []bool{false, true} {
				if at == "started" && !started {
					continue
				}
				delivers := []string{""}
				if at != "never" && ct.ct != ChildAbandon {
					delivers = []string{"", "before", "after", "failed"}
				}
				for _, d := range delivers {
					for _, end := range childEnding {
						plans = append(plans, plan{ct.ct, at, started, started && end == childEnding[1], d, enumspb.EventType(end)})
					}
				}
			}
		}
	}
	for _, p := range plans {
		name := fmt.Sprintf("%d/cancel=%s/started=%v/dup=%v/deliver=%s/%s", p.ct, p.cancelAt, p.started, p.dup, p.deliver, p.ending)
		t.Run(name, func(t *testing.T) {
			ms := newMachines()
			var r childRec
			c := ms.StartChild(childAttrs("child", "Kid"), p.ct, r.onStart, r.onResolve)
			if c.WorkflowID() != "child" {
				t.Fatalf("WorkflowID() = %q", c.WorkflowID())
			}
			if cmds := ms.TakeCommands(); len(cmds) != 1 || cmds[0].CommandType != enumspb.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION {
				t.Fatalf("TakeCommands() = %v", commandTypes(cmds))
			}
			id := int64(4)
			next := func() int64 { id++; return id }
			var cancelInit int64
			cancel := func() {
				c.Cancel()
				c.Cancel() // a second Cancel changes nothing
				early := p.ct == ChildAbandon || p.ct == ChildTryCancel
				if got := len(r.outs); got != map[bool]int{true: 1}[early] {
					t.Fatalf("after Cancel: %d outcomes, want resolved=%v", got, early)
				}
				cmds := ms.TakeCommands()
				if p.ct == ChildAbandon {
					if len(cmds) != 0 {
						t.Fatalf("Abandon sent %v", commandTypes(cmds))
					}
					return
				}
				a := cmds[0].GetRequestCancelExternalWorkflowExecutionCommandAttributes()
				wantRun := map[bool]string{true: "run-1"}[p.cancelAt == "started"]
				if len(cmds) != 1 || a.GetWorkflowId() != "child" || a.GetNamespace() != "ns" || !a.GetChildWorkflowOnly() || a.GetRunId() != wantRun {
					t.Fatalf("cancel commands = %v", cmds)
				}
				if p.cancelAt == "sent" {
					return // its event follows Initiated
				}
				cancelInit = next()
				apply(t, ms, cancelInitiated(cancelInit, "child"))
			}
			if p.cancelAt == "sent" {
				cancel()
			}
			apply(t, ms, wftCompleted(4, 2, 3), childInitiatedEvent(next(), "child", "Kid"))
			if p.cancelAt == "sent" && p.ct != ChildAbandon {
				cancelInit = next()
				apply(t, ms, cancelInitiated(cancelInit, "child"))
			}
			if p.cancelAt == "initiated" {
				cancel()
			}
			if p.started {
				apply(t, ms, childStartedEvent(next(), 5, "run-1"))
				if c.RunID() != "run-1" {
					t.Fatalf("RunID() = %q", c.RunID())
				}
			}
			if p.cancelAt == "started" {
				cancel()
			}
			if p.dup {
				apply(t, ms, childStartedEvent(next(), 5, "run-1"))
			}
			switch p.deliver {
			case "before":
				apply(t, ms, externalOutcome(next(), cancelInit, enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED))
				c.Cancel() // resolved: a no-op
			case "failed":
				apply(t, ms, externalOutcome(next(), cancelInit, enumspb.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED))
			}
			apply(t, ms, childEnd(next(), 5, p.ending))
			if p.deliver == "after" {
				apply(t, ms, externalOutcome(next(), cancelInit, enumspb.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED))
			}
			c.Cancel() // no-op once done
			if cmds := ms.TakeCommands(); len(cmds) != 0 {
				t.Fatalf("Cancel after the end sent %v", commandTypes(cmds))
			}
			if err := ms.Unmatched(); err != nil {
				t.Fatalf("Unmatched() = %v", err)
			}

			// The rules.
			var wantStarts []ChildStart
			switch {
			case p.started:
				wantStarts = []ChildStart{{RunID: "run-1"}}
			case p.ending == enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
				wantStarts = []ChildStart{{FailedCause: enumspb.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS}}
			}
			if fmt.Sprint(r.starts) != fmt.Sprint(wantStarts) {
				t.Errorf("onStart calls = %v, want %v", r.starts, wantStarts)
			}
			want := childEndKind[p.ending]
			if p.cancelAt != "never" && (p.ct == ChildAbandon || p.ct == ChildTryCancel ||
				p.ct == ChildWaitCancellationRequested && p.deliver == "before") {
				want = "canceled"
			}
			if len(r.outs) != 1 || outcomeKind(r.outs[0]) != want {
				t.Fatalf("outcomes = %v, want one %q", r.outs, want)
			}
			if r.outs[0].Failure != nil && want != "canceled" && r.outs[0].Failure.GetChildWorkflowExecutionFailureInfo().GetInitiatedEventId() != 5 {
				t.Errorf("failure info = %v", r.outs[0].Failure.GetFailureInfo())
			}

			// The child is gone: a further event for it is nondeterministic.
			checkGone(t, ms, childEnd(next(), 5, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED))
		})
	}
}

func TestChildCancelBeforeSent(t *testing.T) {
	for _, ct := range childCancelTypes {
		t.Run(ct.name, func(t *testing.T) {
			ms := newMachines()
			var r childRec
			c := ms.StartChild(childAttrs("child", "Kid"), ct.ct, r.onStart, r.onResolve)
			c.Cancel()
			c.Cancel()
			if cmds := ms.TakeCommands(); len(cmds) != 0 {
				t.Fatalf("TakeCommands() = %v, want none", commandTypes(cmds))
			}
			if err := ms.Unmatched(); err != nil {
				t.Fatalf("Unmatched() = %v", err)
			}
			if len(r.starts) != 1 || !r.starts[0].Canceled || len(r.outs) != 1 || outcomeKind(r.outs[0]) != "canceled" {
				t.Fatalf("starts=%v outs=%v", r.starts, r.outs)
			}
			// Matching skips the dropped command.
			_, err := ms.HandleEvent(childInitiatedEvent(5, "child", "Kid"))
			if nd := asND(t, err); nd.Actual != "" {
				t.Fatalf("error = %+v", nd)
			}
		})
	}
}

func TestChildFailureInfo(t *testing.T) {
	ms := newMachines()
	var r childRec
	ms.StartChild(childAttrs("child", "Kid"), ChildAbandon, r.onStart, r.onResolve)
	ms.TakeCommands()
	apply(t, ms, wftCompleted(4, 2, 3), childInitiatedEvent(5, "child", "Kid"), childStartedEvent(6, 5, "run-1"),
		childEnd(7, 5, enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED))
	f := r.outs[0].Failure
	want := &failurepb.ChildWorkflowExecutionFailureInfo{
		Namespace:         "ns",
		WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: "child", RunId: "run-1"},
		WorkflowType:      &commonpb.WorkflowType{Name: "Kid"},
		InitiatedEventId:  5, StartedEventId: 6,
		RetryState: enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
	}
	if !proto.Equal(f.GetChildWorkflowExecutionFailureInfo(), want) || f.GetMessage() != "child workflow execution error" ||
		!proto.Equal(f.GetCause(), appFailure("x")) {
		t.Fatalf("failure = %v", f)
	}
}

func TestChildNondeterminism(t *testing.T) {
	tests := []struct {
		name       string
		events     []*historypb.HistoryEvent
		wantActual string
	}{
		{"other workflow id", []*historypb.HistoryEvent{childInitiatedEvent(5, "other", "Kid")},
			"StartChildWorkflowExecution(workflowId=child, type=Kid)"},
		{"other workflow type", []*historypb.HistoryEvent{childInitiatedEvent(5, "child", "Other")},
			"StartChildWorkflowExecution(workflowId=child, type=Kid)"},
		{"an activity event for the child", []*historypb.HistoryEvent{childInitiatedEvent(5, "child", "Kid"), actCompleted(6, 5, 0, nil)},
			"a child workflow event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := newMachines()
			var r childRec
			ms.StartChild(childAttrs("child", "Kid"), ChildAbandon, r.onStart, r.onResolve)
			ms.TakeCommands()
			last := tt.events[len(tt.events)-1]
			apply(t, ms, tt.events[:len(tt.events)-1]...)
			_, err := ms.HandleEvent(last)
			if nd := asND(t, err); nd.EventID != last.EventId || nd.Actual != tt.wantActual {
				t.Fatalf("error = %+v, want Actual %q", nd, tt.wantActual)
			}
			if len(r.starts)+len(r.outs) != 0 {
				t.Fatalf("callbacks made: %v %v", r.starts, r.outs)
			}
		})
	}
}
