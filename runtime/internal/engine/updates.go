package engine

import (
	"fmt"
	"sort"

	commonpb "go.temporal.io/api/common/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	protocolpb "go.temporal.io/api/protocol/v1"
	updatepb "go.temporal.io/api/update/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/internal/coro"
	"github.com/temporalgen/temporalgen/runtime/internal/sm"
)

// UpdateInfo identifies the update a handler is running for.
type UpdateInfo struct {
	ID   string
	Name string
}

type updateInfoKey struct{}

// UpdateInfo returns the update the context's coroutine handles, or nil.
func (c *Context) UpdateInfo() *UpdateInfo {
	u, _ := c.Value(updateInfoKey{}).(*UpdateInfo)
	return u
}

// updateRequest is an update delivered to the run, from a protocol message
// (live) or from an accepted event in history (replay).
type updateRequest struct {
	msgID string
	seqID int64
	req   *updatepb.Request
}

func (u updateRequest) id() string   { return u.req.GetMeta().GetUpdateId() }
func (u updateRequest) name() string { return u.req.GetInput().GetName() }

// requestsFromMessages extracts update requests from a task's messages.
func requestsFromMessages(msgs []*protocolpb.Message) ([]updateRequest, error) {
	var out []updateRequest
	for _, m := range msgs {
		var req updatepb.Request
		if err := m.GetBody().UnmarshalTo(&req); err != nil {
			return nil, fmt.Errorf("engine: message %s: unsupported protocol body %s: %w", m.GetId(), m.GetBody().GetTypeUrl(), err)
		}
		out = append(out, updateRequest{msgID: m.GetId(), seqID: m.GetEventId(), req: &req})
	}
	return out, nil
}

// acceptedAhead returns the updates accepted by the task whose completion
// starts at events[0]: on replay they are delivered at the same point as
// when they first ran.
func acceptedAhead(events []*historypb.HistoryEvent) []updateRequest {
	var out []updateRequest
	for _, e := range events {
		a := e.GetWorkflowExecutionUpdateAcceptedEventAttributes()
		if a == nil {
			if sm.IsCommandEvent(e.EventType) {
				continue
			}
			break
		}
		out = append(out, updateRequest{msgID: a.AcceptedRequestMessageId, seqID: a.AcceptedRequestSequencingEventId, req: a.AcceptedRequest})
	}
	return out
}

// deliverUpdates starts a coroutine per new update request (the update
// machine tells a new update from one delivered again).
func (r *Run) deliverUpdates(reqs []updateRequest) {
	for _, req := range reqs {
		if u, isNew := r.ms.Update(req.msgID, req.seqID, req.req); isNew {
			r.startUpdate(u)
		}
	}
}

func (r *Run) startUpdate(u *sm.Update) {
	r.waitingUpdates++
	r.sched.SpawnFirst("update:"+u.Name(), func(c *coro.Coroutine) {
		name := u.Name()
		var h *UpdateHandler
		c.WaitUntil(func() bool {
			h = r.h.updates[name]
			if h == nil {
				h = r.h.dynUpdate
			}
			return h != nil || r.quiescent
		})
		r.waitingUpdates--
		if h == nil {
			known := make([]string, 0, len(r.h.updates))
			for n := range r.h.updates {
				known = append(known, n)
			}
			sort.Strings(known)
			r.reject(u, errUnknownUpdate(name, known))
			return
		}
		args := converter.NewValues(u.Request().GetInput().GetArgs(), r.cfg.DataConverter)
		ctx := r.root.WithValue(updateInfoKey{}, &UpdateInfo{ID: u.ID(), Name: name})
		if !r.replaying && h.Validator != nil {
			if err := r.readOnlyCall(func() error { return r.callValidator(h, ctx, name, args, u.Request().GetInput().GetHeader()) }); err != nil {
				r.reject(u, err)
				return
			}
			u.Validated()
		}
		u.Accept(!r.replaying)
		rn := &running{kind: "update", name: name, id: u.ID(), policy: h.Unfinished}
		lazily(&r.h.running)[rn] = struct{}{}
		res, err := r.runUpdate(h, ctx, name, args, u.Request().GetInput().GetHeader())
		delete(r.h.running, rn)
		r.respond(u, res, err)
	})
}

// runUpdate runs an accepted update's handler. A panic the definition
// lists as a workflow failure fails the update, not the workflow: the
// update completes with it as an ApplicationError and the workflow runs
// on. Other panics fail the workflow task, as anywhere in workflow code.
func (r *Run) runUpdate(h *UpdateHandler, ctx *Context, name string, args converter.Values, header *commonpb.Header) (res any, err error) {
	if r.def.FailWorkflow != nil {
		defer func() {
			if p := recover(); p != nil {
				if !r.def.FailWorkflow(p) {
					panic(p)
				}
				res, err = nil, panicFailure(p)
			}
		}()
	}
	return r.callUpdate(h, ctx, name, args, header)
}

func (r *Run) reject(u *sm.Update, err error) {
	u.Reject(r.cfg.FailureConverter.ErrorToFailure(err), !r.replaying)
}

func (r *Run) respond(u *sm.Update, res any, err error) {
	outcome := &updatepb.Outcome{}
	if err == nil {
		var p *commonpb.Payloads
		p, err = r.cfg.DataConverter.ToPayloads(res)
		if err == nil {
			outcome.Value = &updatepb.Outcome_Success{Success: p}
		}
	}
	if err != nil {
		outcome.Value = &updatepb.Outcome_Failure{Failure: r.failure(err)}
	}
	u.Complete(outcome, !r.replaying)
}

func (r *Run) failure(err error) *failurepb.Failure {
	return r.cfg.FailureConverter.ErrorToFailure(err)
}
