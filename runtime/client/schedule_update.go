package client

import (
	"bytes"
	"context"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	schedulepb "go.temporal.io/api/schedule/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/proto"
)

// ScheduleUpdate is what an Update callback returns.
type ScheduleUpdate struct {
	// Schedule replaces the schedule's spec, action, policies and state.
	Schedule Schedule
	// SearchAttributes, when not nil, replace the schedule's search
	// attributes (an empty map removes them); nil leaves them as they are.
	SearchAttributes map[string]any
}

// ScheduleUpdateAttempts is how many times Update reads, changes and
// writes a schedule before it gives up because of concurrent changes.
const ScheduleUpdateAttempts = 5

// Update changes the schedule by read-modify-write: it describes the
// schedule, calls fn with the description and writes the schedule fn
// returns (typically d.Schedule with some fields changed) together with the
// description's conflict token, so that a schedule changed in between
// (by another Update, Pause or Unpause, or by the schedule itself when it
// counts down RemainingActions or pauses on a failure) is not overwritten.
// fn returning a nil update leaves the schedule alone; an error from fn is
// returned, wrapped.
//
// The server checks the token when it applies the update, after the RPC
// has returned, and drops a conflicting update without an error. So Update
// describes the schedule again and checks that the parts fn changed hold
// the new values. If they do not, it starts over: fn is called again with
// the newer description, so it must derive the new schedule from the
// description it is given and may be called up to ScheduleUpdateAttempts
// times; after that Update gives up with a *ScheduleConflictError. The
// check cannot compare cron expressions with the calendars the server
// compiles them into: for a spec with CronExpressions it only checks that
// the spec changed. The memo of a schedule cannot be updated.
func (h *ScheduleHandle) Update(ctx context.Context, fn func(d *ScheduleDescription) (*ScheduleUpdate, error)) error {
	const op = "update schedule"
	for attempt := 1; ; attempt++ {
		d, err := h.describe(ctx, op)
		if err != nil {
			return err
		}
		// The schedule as read, converted before fn can change d.
		before := h.c.describedToProto(h.id, &d.Schedule)
		u, err := fn(d)
		if err != nil {
			return wrapOp(op, h.id, err)
		}
		if u == nil {
			return nil
		}
		sent, err := h.c.scheduleToProto(h.id, &u.Schedule)
		if err != nil {
			return wrapOp(op, h.id, err)
		}
		var sa *commonpb.SearchAttributes
		if u.SearchAttributes != nil {
			if sa, err = EncodeSearchAttributes(u.SearchAttributes); err != nil {
				return wrapOp(op, h.id, err)
			}
			if sa == nil {
				sa = &commonpb.SearchAttributes{} // clears them
			}
		}
		_, err = h.c.service.UpdateSchedule(ctx, &workflowservice.UpdateScheduleRequest{
			Namespace:        h.c.opts.Namespace,
			ScheduleId:       h.id,
			Schedule:         sent,
			ConflictToken:    d.ConflictToken(),
			Identity:         h.c.opts.Identity,
			RequestId:        newUUID(),
			SearchAttributes: sa,
		})
		if err != nil {
			return h.c.scheduleRPCError(op, h.id, err)
		}
		now, err := h.describeAfter(ctx, op, d.ConflictToken())
		if err != nil {
			return err
		}
		if scheduleApplied(before, sent, h.c.describedToProto(h.id, &now.Schedule)) {
			return nil
		}
		if attempt == ScheduleUpdateAttempts {
			return wrapOp(op, h.id, &ScheduleConflictError{ScheduleID: h.id, Attempts: attempt})
		}
	}
}

// describeAfter describes the schedule once the server has processed an
// update sent with conflict token token: whether it applied the update or
// dropped it, the token has changed. A describe sees the changes requested
// before it, so the first one normally does; the later ones are a
// safeguard, with a bounded wait.
func (h *ScheduleHandle) describeAfter(ctx context.Context, op string, token []byte) (*ScheduleDescription, error) {
	delay := 20 * time.Millisecond
	for range 20 {
		d, err := h.describe(ctx, op)
		if err != nil || len(token) == 0 || !bytes.Equal(d.ConflictToken(), token) {
			return d, err
		}
		select {
		case <-ctx.Done():
			return nil, wrapOp(op, h.id, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 500*time.Millisecond)
	}
	return nil, wrapOp(op, h.id, fmt.Errorf("the server did not process the update"))
}

// describedToProto converts a described schedule the way Update converts
// the schedule it sends, so that the two compare field by field. A
// schedule whose action does not start a workflow converts with a nil
// action.
func (c *Client) describedToProto(scheduleID string, s *Schedule) *schedulepb.Schedule {
	p := &schedulepb.Schedule{Spec: s.Spec.toProto(), Policies: s.Policies.toProto(), State: s.State.toProto()}
	if s.Action != nil {
		// Described actions hold payloads, which encode without errors.
		p.Action, _ = c.scheduleActionToProto(scheduleID, s.Action)
	}
	return p
}

// scheduleApplied reports whether now, the schedule after an update that
// sent sent in place of before, has every part of sent that differs from
// before. Server defaults are taken into account: an unspecified overlap
// policy is SKIP, a zero (or too small) catchup window is the server's,
// and RemainingActions may have counted down.
func scheduleApplied(before, sent, now *schedulepb.Schedule) bool {
	if !proto.Equal(sent.GetSpec(), before.GetSpec()) {
		if len(sent.GetSpec().GetCronString()) > 0 {
			// Compiled by the server into something we cannot predict.
			if proto.Equal(now.GetSpec(), before.GetSpec()) {
				return false
			}
		} else if !proto.Equal(now.GetSpec(), sent.GetSpec()) {
			return false
		}
	}
	if !proto.Equal(sent.GetAction(), before.GetAction()) && !proto.Equal(now.GetAction(), sent.GetAction()) {
		return false
	}
	if !proto.Equal(sent.GetPolicies(), before.GetPolicies()) && !policiesApplied(sent.GetPolicies(), now.GetPolicies()) {
		return false
	}
	if !proto.Equal(sent.GetState(), before.GetState()) && !stateApplied(sent.GetState(), now.GetState()) {
		return false
	}
	return true
}

// minCatchupWindow is the smallest catchup window the server keeps.
const minCatchupWindow = 10 * time.Second

func policiesApplied(sent, now *schedulepb.SchedulePolicies) bool {
	overlap := sent.GetOverlapPolicy()
	if overlap == enumspb.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED {
		overlap = enumspb.SCHEDULE_OVERLAP_POLICY_SKIP
	}
	if cw := sent.GetCatchupWindow(); cw != nil && cw.AsDuration() >= minCatchupWindow && !proto.Equal(cw, now.GetCatchupWindow()) {
		return false
	}
	return now.GetOverlapPolicy() == overlap &&
		now.GetPauseOnFailure() == sent.GetPauseOnFailure() &&
		now.GetKeepOriginalWorkflowId() == sent.GetKeepOriginalWorkflowId()
}

func stateApplied(sent, now *schedulepb.ScheduleState) bool {
	if now.GetPaused() != sent.GetPaused() || now.GetNotes() != sent.GetNotes() || now.GetLimitedActions() != sent.GetLimitedActions() {
		return false
	}
	if sent.GetLimitedActions() {
		// Actions taken since count it down.
		return now.GetRemainingActions() <= sent.GetRemainingActions()
	}
	return true
}
