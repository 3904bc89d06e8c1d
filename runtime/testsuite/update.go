package testsuite

import (
	"errors"
	"fmt"

	failurepb "go.temporal.io/api/failure/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	updatepb "go.temporal.io/api/update/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/temporalgen/temporalgen/runtime/converter"
)

// UpdateCallbacks receive an update's outcome. Each may be nil.
type UpdateCallbacks struct {
	// OnAccept runs when the validator (if any) accepted the update.
	OnAccept func()
	// OnReject runs with the validator's error, or when no handler took
	// the update.
	OnReject func(err error)
	// OnComplete runs with the handler's result or error.
	OnComplete func(result converter.Values, err error)
}

// update is an update request sent to a workflow of the environment.
type update struct {
	id       string
	req      *updatepb.Request
	cb       UpdateCallbacks
	accepted int64 // the UpdateAccepted event
	done     bool
}

func (u *update) request(seq int64) *protocolpb.Message {
	body, err := anypb.New(u.req)
	if err != nil {
		panic(fmt.Sprintf("testsuite: encoding an update request: %v", err)) // internal bug
	}
	return &protocolpb.Message{Id: u.id + "/request", ProtocolInstanceId: u.id, SequencingId: &protocolpb.Message_EventId{EventId: seq}, Body: body}
}

func (u *update) accept() {
	if u.cb.OnAccept != nil {
		u.cb.OnAccept()
	}
}

func (u *update) reject(e *Env, f *failurepb.Failure) {
	u.done = true
	if u.cb.OnReject != nil {
		u.cb.OnReject(e.opts.FailureConverter.FailureToError(f))
	}
}

func (u *update) complete(e *Env, o *updatepb.Outcome) {
	u.done = true
	if u.cb.OnComplete == nil {
		return
	}
	if f := o.GetFailure(); f != nil {
		u.cb.OnComplete(converter.Values{}, e.opts.FailureConverter.FailureToError(f))
		return
	}
	u.cb.OnComplete(converter.NewValues(o.GetSuccess(), e.opts.DataConverter), nil)
}

func (e *Env) updateByID(id string) *update {
	for _, u := range e.updates {
		if u.id == id {
			return u
		}
	}
	return nil
}

// unpack decodes a protocol message body; nil when it is not an update
// message.
func unpack(m *protocolpb.Message) proto.Message {
	for _, v := range []proto.Message{&updatepb.Acceptance{}, &updatepb.Rejection{}, &updatepb.Response{}} {
		if m.GetBody().MessageIs(v) {
			if err := m.GetBody().UnmarshalTo(v); err == nil {
				return v
			}
		}
	}
	return nil
}

// errNoWorkflow is returned for calls that need a running workflow.
var errNoWorkflow = errors.New("testsuite: no workflow is executing")
