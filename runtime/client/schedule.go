package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	schedulepb "go.temporal.io/api/schedule/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Schedule is the part of a schedule that Update replaces: when it acts
// (Spec), what it does (Action), how (Policies) and whether (State).
type Schedule struct {
	Spec     ScheduleSpec
	Action   *ScheduleWorkflowAction
	Policies SchedulePolicies
	State    ScheduleState
}

// ScheduleWorkflowAction is a schedule's action: start a workflow. Its
// fields are those of StartWorkflowOptions that make sense for a series of
// runs (no ID reuse policy, no cron schedule).
type ScheduleWorkflowAction struct {
	// ID is the workflow ID. The server appends the scheduled time (as in
	// "nightly-2030-01-02T03:04:05Z") to keep the runs' IDs apart, unless
	// SchedulePolicies.KeepOriginalWorkflowID is set. Default: the
	// schedule ID.
	ID string
	// WorkflowType is the type of workflow to start. Required.
	WorkflowType string
	// TaskQueue is where workers pick the workflows up. Required.
	TaskQueue string
	// Args are the workflow's arguments, encoded with the client's data
	// converter when the schedule is created or updated. A
	// *commonpb.Payload is sent as it is: that is how a described action
	// holds its arguments (DecodeArgs decodes them), so that an action read
	// by Describe is written back unchanged.
	Args []any

	WorkflowExecutionTimeout time.Duration
	WorkflowRunTimeout       time.Duration
	WorkflowTaskTimeout      time.Duration
	// RetryPolicy makes the server retry failed runs. Nil: no retries.
	RetryPolicy *temporal.RetryPolicy
	// Memo is stored with every workflow started, encoded with the client's
	// data converter (a *commonpb.Payload as it is, as Describe returns
	// them; see MemoValue).
	Memo map[string]any
	// SearchAttributes index every workflow started; see
	// StartWorkflowOptions.SearchAttributes for the value types. Describe
	// returns them as *commonpb.Payload (see DecodeSearchAttribute).
	SearchAttributes map[string]any

	raw *workflowpb.NewWorkflowExecutionInfo // as described, for fields not modeled here
	dc  converter.DataConverter              // the describing client's
}

// SchedulePolicies say how a schedule acts.
type SchedulePolicies struct {
	// Overlap decides what happens when an action is due while a workflow
	// the schedule started is still running. Server default: SKIP.
	Overlap enumspb.ScheduleOverlapPolicy
	// CatchupWindow is how late an action missed while the server was
	// unavailable may still be taken. Zero means the server default (one
	// year); the minimum is 10s.
	CatchupWindow time.Duration
	// PauseOnFailure pauses the schedule when a workflow it started fails
	// or times out (after its retries), with a note saying why.
	PauseOnFailure bool
	// KeepOriginalWorkflowID starts workflows with the action's ID as it
	// is, without the scheduled time appended.
	KeepOriginalWorkflowID bool
}

// ScheduleState is the state of a schedule.
type ScheduleState struct {
	// Paused schedules take no scheduled actions; Trigger and Backfill still
	// work.
	Paused bool
	// Note says why, e.g. why the schedule is paused. The server overwrites
	// it when PauseOnFailure pauses the schedule.
	Note string
	// LimitedActions limits the scheduled actions to RemainingActions, which
	// each one decrements; triggered and backfilled actions do not count.
	// A RemainingActions above zero implies LimitedActions.
	LimitedActions   bool
	RemainingActions int64
}

// ScheduleBackfill asks a schedule to take, now, the actions its spec
// would have taken between Start and End (inclusive), with Overlap
// instead of the schedule's overlap policy when it is not UNSPECIFIED.
type ScheduleBackfill struct {
	Start, End time.Time
	Overlap    enumspb.ScheduleOverlapPolicy
}

// ScheduleOptions configures CreateSchedule.
type ScheduleOptions struct {
	// ID names the schedule in the namespace. Required.
	ID string
	// Spec says when the schedule acts. A spec with no times (the zero
	// value) is allowed: such a schedule acts only when triggered or
	// backfilled.
	Spec ScheduleSpec
	// Action is what the schedule does. Required.
	Action *ScheduleWorkflowAction
	// Policies and State start out as given.
	Policies SchedulePolicies
	State    ScheduleState

	// TriggerImmediately takes the action once right after creation (with
	// Policies.Overlap).
	TriggerImmediately bool
	// Backfill takes the actions of these time ranges right after creation.
	Backfill []ScheduleBackfill

	// Memo is stored with the schedule (not with the workflows it starts),
	// encoded with the client's data converter.
	Memo map[string]any
	// SearchAttributes index the schedule for ListSchedules; see
	// StartWorkflowOptions.SearchAttributes for the value types.
	SearchAttributes map[string]any
	// RequestID deduplicates retried create requests. Default: random.
	RequestID string
}

// ScheduleHandle refers to a schedule by ID. It is cheap, immutable and
// safe for concurrent use; making one does not check that the schedule
// exists, and the operations on it fail with an error wrapping a
// *ScheduleNotFoundError when it does not.
type ScheduleHandle struct {
	c  *Client
	id string
}

// GetScheduleHandle returns a handle to the schedule id. No RPC is made.
func (c *Client) GetScheduleHandle(id string) *ScheduleHandle {
	return &ScheduleHandle{c: c, id: id}
}

// ID returns the schedule ID.
func (h *ScheduleHandle) ID() string { return h.id }

// CreateSchedule creates a schedule and returns a handle to it. If the ID
// is taken the error wraps a *ScheduleAlreadyExistsError; a spec, action
// or policy the server rejects gives a *ScheduleError with the server's
// message.
func (c *Client) CreateSchedule(ctx context.Context, opts ScheduleOptions) (*ScheduleHandle, error) {
	const op = "create schedule"
	fail := func(format string, a ...any) error {
		return wrapOp(op, opts.ID, fmt.Errorf(format, a...))
	}
	if opts.ID == "" {
		return nil, fail("ScheduleOptions.ID is required")
	}
	if opts.Action == nil {
		return nil, fail("ScheduleOptions.Action is required")
	}
	s := Schedule{Spec: opts.Spec, Action: opts.Action, Policies: opts.Policies, State: opts.State}
	sched, err := c.scheduleToProto(opts.ID, &s)
	if err != nil {
		return nil, fail("%v", err)
	}
	memo, err := c.encodeMemo(opts.Memo)
	if err != nil {
		return nil, fail("%v", err)
	}
	sa, err := EncodeSearchAttributes(opts.SearchAttributes)
	if err != nil {
		return nil, fail("%v", err)
	}
	if err := checkBackfills(opts.Backfill); err != nil {
		return nil, fail("%v", err)
	}
	var patch *schedulepb.SchedulePatch
	if opts.TriggerImmediately || len(opts.Backfill) > 0 {
		patch = &schedulepb.SchedulePatch{BackfillRequest: backfillsToProto(opts.Backfill)}
		if opts.TriggerImmediately {
			patch.TriggerImmediately = &schedulepb.TriggerImmediatelyRequest{OverlapPolicy: opts.Policies.Overlap}
		}
	}
	if opts.RequestID == "" {
		opts.RequestID = newUUID()
	}
	_, err = c.service.CreateSchedule(ctx, &workflowservice.CreateScheduleRequest{
		Namespace:        c.opts.Namespace,
		ScheduleId:       opts.ID,
		Schedule:         sched,
		InitialPatch:     patch,
		Identity:         c.opts.Identity,
		RequestId:        opts.RequestID,
		Memo:             memo,
		SearchAttributes: sa,
	})
	if err != nil {
		return nil, c.scheduleRPCError(op, opts.ID, err)
	}
	return &ScheduleHandle{c: c, id: opts.ID}, nil
}

// scheduleToProto validates s and converts it; scheduleID is the default
// of the action's workflow ID.
func (c *Client) scheduleToProto(scheduleID string, s *Schedule) (*schedulepb.Schedule, error) {
	action, err := c.scheduleActionToProto(scheduleID, s.Action)
	if err != nil {
		return nil, err
	}
	return &schedulepb.Schedule{
		Spec:     s.Spec.toProto(),
		Action:   action,
		Policies: s.Policies.toProto(),
		State:    s.State.toProto(),
	}, nil
}

func (c *Client) scheduleActionToProto(scheduleID string, a *ScheduleWorkflowAction) (*schedulepb.ScheduleAction, error) {
	if a == nil {
		return nil, errors.New("the schedule's Action is required")
	}
	if a.WorkflowType == "" {
		return nil, errors.New("ScheduleWorkflowAction.WorkflowType is required")
	}
	if a.TaskQueue == "" {
		return nil, errors.New("ScheduleWorkflowAction.TaskQueue is required")
	}
	id := a.ID
	if id == "" {
		id = scheduleID
	}
	input, err := encodeScheduleArgs(c.opts.DataConverter, a.Args)
	if err != nil {
		return nil, fmt.Errorf("encode action arguments: %w", err)
	}
	memo, err := encodeScheduleMemo(c.opts.DataConverter, a.Memo)
	if err != nil {
		return nil, fmt.Errorf("action: %w", err)
	}
	sa, err := EncodeSearchAttributes(a.SearchAttributes)
	if err != nil {
		return nil, fmt.Errorf("action: %w", err)
	}
	// Start from the described action, so that what this type does not
	// model (header, user metadata, priority, versioning override) stays.
	info := &workflowpb.NewWorkflowExecutionInfo{}
	if a.raw != nil {
		info = proto.Clone(a.raw).(*workflowpb.NewWorkflowExecutionInfo)
	}
	info.WorkflowId = id
	info.WorkflowType = &commonpb.WorkflowType{Name: a.WorkflowType}
	info.TaskQueue = &taskqueuepb.TaskQueue{Name: a.TaskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL}
	info.Input = input
	info.WorkflowExecutionTimeout = durationOrNil(a.WorkflowExecutionTimeout)
	info.WorkflowRunTimeout = durationOrNil(a.WorkflowRunTimeout)
	info.WorkflowTaskTimeout = durationOrNil(a.WorkflowTaskTimeout)
	info.RetryPolicy = a.RetryPolicy.ToProto()
	info.Memo = memo
	info.SearchAttributes = sa
	return &schedulepb.ScheduleAction{Action: &schedulepb.ScheduleAction_StartWorkflow{StartWorkflow: info}}, nil
}

// encodeScheduleArgs encodes args with dc, passing *commonpb.Payload
// values through.
func encodeScheduleArgs(dc converter.DataConverter, args []any) (*commonpb.Payloads, error) {
	if len(args) == 0 {
		return nil, nil
	}
	out := &commonpb.Payloads{Payloads: make([]*commonpb.Payload, len(args))}
	for i, a := range args {
		p, err := encodeScheduleValue(dc, a)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i, err)
		}
		out.Payloads[i] = p
	}
	return out, nil
}

func encodeScheduleMemo(dc converter.DataConverter, memo map[string]any) (*commonpb.Memo, error) {
	if len(memo) == 0 {
		return nil, nil
	}
	fields := make(map[string]*commonpb.Payload, len(memo))
	for k, v := range memo {
		p, err := encodeScheduleValue(dc, v)
		if err != nil {
			return nil, fmt.Errorf("encode memo %q: %w", k, err)
		}
		fields[k] = p
	}
	return &commonpb.Memo{Fields: fields}, nil
}

func encodeScheduleValue(dc converter.DataConverter, v any) (*commonpb.Payload, error) {
	if p, ok := v.(*commonpb.Payload); ok {
		return p, nil
	}
	return dc.ToPayload(v)
}

func (p *SchedulePolicies) toProto() *schedulepb.SchedulePolicies {
	return &schedulepb.SchedulePolicies{
		OverlapPolicy:          p.Overlap,
		CatchupWindow:          durationOrNil(p.CatchupWindow),
		PauseOnFailure:         p.PauseOnFailure,
		KeepOriginalWorkflowId: p.KeepOriginalWorkflowID,
	}
}

func (s *ScheduleState) toProto() *schedulepb.ScheduleState {
	return &schedulepb.ScheduleState{
		Notes:            s.Note,
		Paused:           s.Paused,
		LimitedActions:   s.LimitedActions || s.RemainingActions > 0,
		RemainingActions: s.RemainingActions,
	}
}

func checkBackfills(bs []ScheduleBackfill) error {
	for i, b := range bs {
		if b.Start.IsZero() || b.End.IsZero() {
			return fmt.Errorf("backfill %d: Start and End are required", i)
		}
		if b.End.Before(b.Start) {
			return fmt.Errorf("backfill %d: End %s is before Start %s", i, b.End.Format(time.RFC3339), b.Start.Format(time.RFC3339))
		}
	}
	return nil
}

func backfillsToProto(bs []ScheduleBackfill) []*schedulepb.BackfillRequest {
	var out []*schedulepb.BackfillRequest
	for _, b := range bs {
		out = append(out, &schedulepb.BackfillRequest{
			StartTime:     timestamppb.New(b.Start),
			EndTime:       timestamppb.New(b.End),
			OverlapPolicy: b.Overlap,
		})
	}
	return out
}

// DecodeArgs decodes the action's arguments into ptrs, in order, with the
// data converter of the client that described the action (or
// converter.Default()). Arguments still given as Go values are encoded
// and decoded again.
func (a *ScheduleWorkflowAction) DecodeArgs(ptrs ...any) error {
	dc := a.converter()
	ps, err := encodeScheduleArgs(dc, a.Args)
	if err != nil {
		return fmt.Errorf("client: decode schedule action arguments: %w", err)
	}
	if err := dc.FromPayloads(ps, ptrs...); err != nil {
		return fmt.Errorf("client: decode schedule action arguments: %w", err)
	}
	return nil
}

// MemoValue decodes the action's memo field key into valuePtr (see
// DecodeArgs for the converter). A missing key is an error.
func (a *ScheduleWorkflowAction) MemoValue(key string, valuePtr any) error {
	v, ok := a.Memo[key]
	if !ok {
		return fmt.Errorf("client: schedule action has no memo %q", key)
	}
	dc := a.converter()
	p, err := encodeScheduleValue(dc, v)
	if err == nil {
		err = dc.FromPayload(p, valuePtr)
	}
	if err != nil {
		return fmt.Errorf("client: decode schedule action memo %q: %w", key, err)
	}
	return nil
}

func (a *ScheduleWorkflowAction) converter() converter.DataConverter {
	if a.dc != nil {
		return a.dc
	}
	return converter.Default()
}

// Pause pauses the schedule with note (default: "paused by <identity>")
// as the state's note; Describe shows it.
func (h *ScheduleHandle) Pause(ctx context.Context, note string) error {
	if note == "" {
		note = "paused by " + h.c.opts.Identity
	}
	return h.patch(ctx, "pause schedule", &schedulepb.SchedulePatch{Pause: note})
}

// Unpause resumes the schedule with note (default: "unpaused by
// <identity>") as the state's note.
func (h *ScheduleHandle) Unpause(ctx context.Context, note string) error {
	if note == "" {
		note = "unpaused by " + h.c.opts.Identity
	}
	return h.patch(ctx, "unpause schedule", &schedulepb.SchedulePatch{Unpause: note})
}

// ScheduleTriggerOptions configures Trigger.
type ScheduleTriggerOptions struct {
	// Overlap replaces the schedule's overlap policy for this action when
	// it is not UNSPECIFIED.
	Overlap enumspb.ScheduleOverlapPolicy
}

// Trigger takes the schedule's action now, paused or not.
func (h *ScheduleHandle) Trigger(ctx context.Context, opts ScheduleTriggerOptions) error {
	return h.patch(ctx, "trigger schedule", &schedulepb.SchedulePatch{
		TriggerImmediately: &schedulepb.TriggerImmediatelyRequest{OverlapPolicy: opts.Overlap},
	})
}

// Backfill takes now the actions the schedule's spec would have taken in
// the given time ranges, paused or not.
func (h *ScheduleHandle) Backfill(ctx context.Context, backfills ...ScheduleBackfill) error {
	const op = "backfill schedule"
	if len(backfills) == 0 {
		return wrapOp(op, h.id, errors.New("no time range to backfill"))
	}
	if err := checkBackfills(backfills); err != nil {
		return wrapOp(op, h.id, err)
	}
	return h.patch(ctx, op, &schedulepb.SchedulePatch{BackfillRequest: backfillsToProto(backfills)})
}

func (h *ScheduleHandle) patch(ctx context.Context, op string, patch *schedulepb.SchedulePatch) error {
	_, err := h.c.service.PatchSchedule(ctx, &workflowservice.PatchScheduleRequest{
		Namespace:  h.c.opts.Namespace,
		ScheduleId: h.id,
		Patch:      patch,
		Identity:   h.c.opts.Identity,
		RequestId:  newUUID(),
	})
	return h.c.scheduleRPCError(op, h.id, err)
}

// Delete deletes the schedule. Workflows it started are not affected.
func (h *ScheduleHandle) Delete(ctx context.Context) error {
	_, err := h.c.service.DeleteSchedule(ctx, &workflowservice.DeleteScheduleRequest{
		Namespace:  h.c.opts.Namespace,
		ScheduleId: h.id,
		Identity:   h.c.opts.Identity,
	})
	return h.c.scheduleRPCError("delete schedule", h.id, err)
}

// ListSchedules iterates over the schedules matching a visibility query
// over their search attributes (e.g. `CustomKeywordField = "nightly"`; an
// empty query lists all), fetching pages as needed. Visibility is
// eventually consistent: a schedule may be listed shortly after it was
// created. Iteration stops after the first error, which is yielded with a
// nil entry.
func (c *Client) ListSchedules(ctx context.Context, query string) iter.Seq2[*ScheduleListEntry, error] {
	return c.listSchedules(ctx, query, 0)
}

func (c *Client) listSchedules(ctx context.Context, query string, pageSize int32) iter.Seq2[*ScheduleListEntry, error] {
	return func(yield func(*ScheduleListEntry, error) bool) {
		var token []byte
		for {
			resp, err := c.service.ListSchedules(ctx, &workflowservice.ListSchedulesRequest{
				Namespace:       c.opts.Namespace,
				MaximumPageSize: pageSize,
				NextPageToken:   token,
				Query:           query,
			})
			if err != nil {
				yield(nil, c.scheduleRPCError("list schedules", "", err))
				return
			}
			for _, e := range resp.GetSchedules() {
				if !yield(newScheduleListEntry(e, c.opts.DataConverter), nil) {
					return
				}
			}
			token = resp.GetNextPageToken()
			if len(token) == 0 {
				return
			}
		}
	}
}
