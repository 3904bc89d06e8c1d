package sm

import (
	"strings"
	"testing"

	failurepb "go.temporal.io/api/failure/v1"
	updatepb "go.temporal.io/api/update/v1"
)

func updateRequest(id, name string) *updatepb.Request {
	return &updatepb.Request{Meta: &updatepb.Meta{UpdateId: id}, Input: &updatepb.Input{Name: name}}
}

func TestUpdateProtocol(t *testing.T) {
	ms := newMachines()
	u, isNew := ms.Update("u1/request", 5, updateRequest("u1", "add"))
	if !isNew || u.ID() != "u1" || u.Name() != "add" {
		t.Fatalf("Update() = %v, %v", u, isNew)
	}
	if again, isNew := ms.Update("u1/request", 9, updateRequest("u1", "add")); isNew || again != u {
		t.Fatalf("the same update id delivered again is a new update")
	}
	u.Validated()
	u.Accept(true)
	u.Complete(&updatepb.Outcome{}, true)
	msgs := ms.TakeMessages()
	if len(msgs) != 2 || msgs[0].GetId() != "u1/accept" || msgs[1].GetId() != "u1/complete" {
		t.Fatalf("messages %v", msgs)
	}
	var acc updatepb.Acceptance
	if err := msgs[0].GetBody().UnmarshalTo(&acc); err != nil || acc.AcceptedRequestSequencingEventId != 5 || acc.AcceptedRequestMessageId != "u1/request" {
		t.Fatalf("acceptance %v, %v", &acc, err)
	}
	if cmds := ms.TakeCommands(); len(cmds) != 2 {
		t.Fatalf("commands %v, want the two ProtocolMessage commands", cmds)
	}
	if len(ms.TakeMessages()) != 0 {
		t.Fatalf("messages taken twice")
	}

	// Replaying: accepted without validation, nothing sent.
	r, _ := ms.Update("u2/request", 7, updateRequest("u2", "add"))
	r.Accept(false)
	r.Complete(&updatepb.Outcome{}, false)
	if msgs := ms.TakeMessages(); len(msgs) != 0 {
		t.Fatalf("replayed update sent %v", msgs)
	}

	// Rejected, before and after validation: a message, no command.
	for _, validate := range []bool{false, true} {
		x, _ := ms.Update("u3/request", 8, updateRequest("u3"+map[bool]string{true: "v"}[validate], "add"))
		if validate {
			x.Validated()
		}
		x.Reject(&failurepb.Failure{Message: "no"}, true)
		msgs := ms.TakeMessages()
		var rej updatepb.Rejection
		if len(msgs) != 1 || msgs[0].GetBody().UnmarshalTo(&rej) != nil || rej.GetFailure().GetMessage() != "no" {
			t.Fatalf("rejection %v", msgs)
		}
	}
	if cmds := ms.TakeCommands(); len(cmds) != 2 { // u2's
		t.Fatalf("commands %v", cmds)
	}
}

func TestUpdateIllegalAnswerPanics(t *testing.T) {
	ms := newMachines()
	u, _ := ms.Update("u1/request", 5, updateRequest("u1", "add"))
	u.Reject(&failurepb.Failure{}, true)
	defer func() {
		if p, _ := recover().(string); !strings.Contains(p, "update machine has no transition from state rejected on Complete") {
			t.Fatalf("panic %q", p)
		}
	}()
	u.Complete(&updatepb.Outcome{}, true)
}

func TestLocalActivityLifecycle(t *testing.T) {
	type step struct {
		do   func(l *LocalActivity) (now, tell bool)
		now  bool
		tell bool
	}
	hand := func(l *LocalActivity) (bool, bool) { l.Hand(); return false, false }
	before := func(l *LocalActivity) (bool, bool) { l.HandedBefore(); return false, false }
	cancel := func(l *LocalActivity) (bool, bool) { return l.Cancel() }
	resolve := func(backoff bool) func(l *LocalActivity) (bool, bool) {
		return func(l *LocalActivity) (bool, bool) { return l.Resolve(backoff), false }
	}
	tests := []struct {
		name  string
		ct    ActivityCancellationType
		steps []step
		state string
	}{
		{"run and resolve", TryCancel, []step{{do: hand}, {do: resolve(false), now: true}}, "resolved"},
		{"back off", TryCancel, []step{{do: hand}, {do: resolve(true), now: true}}, "backing off"},
		{"resolved from history", TryCancel, []step{{do: resolve(false), now: true}}, "resolved"},
		{"cancel before handing", WaitCancellationCompleted, []step{{do: cancel, now: true}}, "cancelled"},
		{"try-cancel running", TryCancel, []step{{do: hand}, {do: cancel, now: true, tell: true}, {do: resolve(false)}}, "cancelled"},
		{"abandon running", Abandon, []step{{do: hand}, {do: cancel, now: true}, {do: resolve(true)}}, "cancelled"},
		{"wait for a running one", WaitCancellationCompleted, []step{{do: hand}, {do: cancel, tell: true}, {do: resolve(false), now: true}}, "resolved"},
		{"replayed, handed before", WaitCancellationCompleted, []step{{do: before}, {do: cancel}, {do: resolve(false), now: true}}, "resolved"},
		{"replayed, try-cancel", TryCancel, []step{{do: before}, {do: cancel, now: true}}, "cancelled"},
		{"replayed, backing off", TryCancel, []step{{do: before}, {do: resolve(true), now: true}}, "backing off"},
		{"replayed, abandon", Abandon, []step{{do: before}, {do: cancel, now: true}}, "cancelled"},
		{"replayed, then run live", TryCancel, []step{{do: before}, {do: hand}, {do: before}, {do: resolve(false), now: true}}, "resolved"},
		{"cancel after resolution", TryCancel, []step{{do: resolve(false), now: true}, {do: cancel}}, "resolved"},
		{"cancel while backing off", WaitCancellationCompleted, []step{{do: resolve(true), now: true}, {do: cancel}}, "backing off"},
		{"abandon after resolution", Abandon, []step{{do: resolve(true), now: true}, {do: cancel}, {do: cancel}}, "backing off"},
		{"cancel twice", TryCancel, []step{{do: cancel, now: true}, {do: cancel}}, "cancelled"},
		{"cancel twice, waiting", WaitCancellationCompleted, []step{{do: cancel, now: true}, {do: cancel}}, "cancelled"},
		{"abandon twice", Abandon, []step{{do: cancel, now: true}, {do: cancel}}, "cancelled"},
		{"try-cancel resolved", TryCancel, []step{{do: resolve(false), now: true}, {do: cancel}}, "resolved"},
		{"wait-cancel resolved", WaitCancellationCompleted, []step{{do: resolve(false), now: true}, {do: cancel}}, "resolved"},
		{"abandon resolved", Abandon, []step{{do: resolve(false), now: true}, {do: cancel}}, "resolved"},
		{"try-cancel backing off", TryCancel, []step{{do: resolve(true), now: true}, {do: cancel}}, "backing off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newMachines().LocalActivity(tt.ct)
			for i, s := range tt.steps {
				now, tell := s.do(l)
				if now != s.now || tell != s.tell {
					t.Fatalf("step %d: (%v, %v), want (%v, %v)", i, now, tell, s.now, s.tell)
				}
			}
			if l.State() != tt.state {
				t.Errorf("state %s, want %s", l.State(), tt.state)
			}
			if l.Running() != (tt.state == "running") || (l.ToHand() && tt.state != "scheduled" && tt.state != "ran before") {
				t.Errorf("Running %v ToHand %v in %s", l.Running(), l.ToHand(), tt.state)
			}
		})
	}
}
