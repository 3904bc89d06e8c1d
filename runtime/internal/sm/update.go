package sm

import (
	"fmt"

	failurepb "go.temporal.io/api/failure/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	updatepb "go.temporal.io/api/update/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// updateState is the state of an Update.
type updateState int

const (
	updAdmitted  updateState = iota // delivered to the run: waiting for a handler and validation
	updValidated                    // the validator accepted it
	updAccepted                     // accepted: the handler runs
	updRejected                     // rejected: done, nothing in history
	updCompleted                    // the handler's outcome was sent
)

func (s updateState) String() string {
	return name(int(s), "admitted", "validated", "accepted", "rejected", "completed")
}

// updateTable is the update protocol. A replayed update skips validation
// (history says it was accepted); a rejected one never reaches history.
var updateTable = newTable("update", "an update event",
	one(updAdmitted, callValidate, updValidated),
	moves([]updateState{updAdmitted, updValidated}, []trigger{callAccept}, updAccepted),
	moves([]updateState{updAdmitted, updValidated}, []trigger{callReject}, updRejected),
	one(updAccepted, callComplete, updCompleted),
)

// Update is the state machine of one workflow update: the request the
// run was given, and the protocol messages it answers with. The
// acceptance and the response each go out as a ProtocolMessage command
// (recorded by WorkflowExecutionUpdateAccepted / Completed) plus the
// message itself; a rejection is a message only. Messages are queued for
// TakeMessages unless the run is replaying.
type Update struct {
	ms    *Machines
	msgID string // of the request
	seq   int64  // the request's sequencing event id
	req   *updatepb.Request
	state updateState
}

// Update returns the machine of an update request, and whether it is new:
// the same update id delivered again (in a later task's messages, or as an
// admitted or accepted event on replay) is the same update.
func (ms *Machines) Update(msgID string, seq int64, req *updatepb.Request) (*Update, bool) {
	id := req.GetMeta().GetUpdateId()
	if u, ok := ms.updates[id]; ok {
		return u, false
	}
	u := &Update{ms: ms, msgID: msgID, seq: seq, req: req}
	if ms.updates == nil {
		ms.updates = make(map[string]*Update)
	}
	ms.updates[id] = u
	return u, true
}

// ID returns the update id.
func (u *Update) ID() string { return u.req.GetMeta().GetUpdateId() }

// Name returns the update's name.
func (u *Update) Name() string { return u.req.GetInput().GetName() }

// Request returns the request.
func (u *Update) Request() *updatepb.Request { return u.req }

// Validated records that the validator accepted the update.
func (u *Update) Validated() { updateTable.fire(u.ms, &u.state, callValidate) }

// Accept accepts the update; send says whether the message goes out (not
// when replaying).
func (u *Update) Accept(send bool) {
	updateTable.fire(u.ms, &u.state, callAccept)
	id := u.ID() + "/accept"
	u.ms.ProtocolMessage(id, u.ID())
	u.ms.queueMessage(send, id, u.ID(), &updatepb.Acceptance{
		AcceptedRequestMessageId: u.msgID, AcceptedRequestSequencingEventId: u.seq, AcceptedRequest: u.req,
	})
}

// Reject rejects the update with f.
func (u *Update) Reject(f *failurepb.Failure, send bool) {
	updateTable.fire(u.ms, &u.state, callReject)
	u.ms.queueMessage(send, u.ID()+"/reject", u.ID(), &updatepb.Rejection{
		RejectedRequestMessageId: u.msgID, RejectedRequestSequencingEventId: u.seq, RejectedRequest: u.req, Failure: f,
	})
}

// Complete sends the handler's outcome.
func (u *Update) Complete(o *updatepb.Outcome, send bool) {
	updateTable.fire(u.ms, &u.state, callComplete)
	id := u.ID() + "/complete"
	u.ms.ProtocolMessage(id, u.ID())
	u.ms.queueMessage(send, id, u.ID(), &updatepb.Response{Meta: u.req.GetMeta(), Outcome: o})
}

// queueMessage adds an outgoing protocol message.
func (ms *Machines) queueMessage(send bool, id, instance string, body proto.Message) {
	if !send {
		return
	}
	a, err := anypb.New(body)
	if err != nil {
		panic(fmt.Sprintf("sm: marshalling %T: %v", body, err)) // internal bug
	}
	ms.messages = append(ms.messages, &protocolpb.Message{Id: id, ProtocolInstanceId: instance, Body: a})
}

// TakeMessages returns the protocol messages queued since the last call.
func (ms *Machines) TakeMessages() []*protocolpb.Message {
	out := ms.messages
	ms.messages = nil
	return out
}
