package client

import (
	"context"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	schedulepb "go.temporal.io/api/schedule/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// ScheduleDescription is a schedule as DescribeSchedule reports it.
type ScheduleDescription struct {
	ID string
	// Schedule is the current schedule, as the server holds it: cron
	// expressions compiled into calendars, defaults filled in (overlap
	// policy SKIP, the catchup window), ranges with End and Step.
	Schedule Schedule
	Info     ScheduleInfo
	// Memo and SearchAttributes are the schedule's own raw payloads; decode
	// one with MemoValue or SearchAttributeValue.
	Memo             map[string]*commonpb.Payload
	SearchAttributes map[string]*commonpb.Payload

	raw *workflowservice.DescribeScheduleResponse
	dc  converter.DataConverter
}

// ScheduleInfo is what a schedule has done and will do.
type ScheduleInfo struct {
	// ActionCount counts the actions taken so far (triggered and backfilled
	// ones included).
	ActionCount int64
	// MissedCatchupWindow counts the actions skipped because they were
	// later than the catchup window; OverlapSkipped those skipped by the
	// overlap policy; BufferDropped those dropped because the buffer of
	// pending actions was full. BufferSize is the number of actions waiting
	// for running workflows to close (overlap policy BUFFER_ONE/BUFFER_ALL).
	MissedCatchupWindow int64
	OverlapSkipped      int64
	BufferDropped       int64
	BufferSize          int64
	// RunningWorkflows are the workflows the schedule started that still
	// run, by the run ID it started them with.
	RunningWorkflows []ScheduleWorkflowExecution
	// RecentActions are the latest actions (up to ten), oldest first.
	RecentActions []ScheduleActionResult
	// NextActionTimes are the times of the next actions (up to ten).
	NextActionTimes []time.Time
	CreateTime      time.Time
	UpdateTime      time.Time // zero until the first Update
}

// ScheduleWorkflowExecution names a workflow a schedule started: its ID
// (with the scheduled time appended) and the first run's ID.
type ScheduleWorkflowExecution struct {
	WorkflowID          string
	FirstExecutionRunID string
}

// ScheduleActionResult is one action a schedule took.
type ScheduleActionResult struct {
	// ScheduleTime is when the action was due (jitter included); ActualTime
	// when it was taken.
	ScheduleTime time.Time
	ActualTime   time.Time
	// Workflow is the workflow started.
	Workflow ScheduleWorkflowExecution
	// WorkflowStatus is the workflow's status as last seen by the
	// schedule; it can lag behind.
	WorkflowStatus enumspb.WorkflowExecutionStatus
}

// ScheduleListEntry is a schedule as ListSchedules reports it: an
// abbreviated description.
type ScheduleListEntry struct {
	ID               string
	Spec             ScheduleSpec
	WorkflowType     string
	Paused           bool
	Note             string
	RecentActions    []ScheduleActionResult
	NextActionTimes  []time.Time
	Memo             map[string]*commonpb.Payload
	SearchAttributes map[string]*commonpb.Payload

	raw *schedulepb.ScheduleListEntry
	dc  converter.DataConverter
}

// Describe returns the schedule's current state. A missing schedule yields
// an error wrapping *ScheduleNotFoundError.
func (h *ScheduleHandle) Describe(ctx context.Context) (*ScheduleDescription, error) {
	return h.describe(ctx, "describe schedule")
}

func (h *ScheduleHandle) describe(ctx context.Context, op string) (*ScheduleDescription, error) {
	resp, err := h.c.service.DescribeSchedule(ctx, &workflowservice.DescribeScheduleRequest{
		Namespace:  h.c.opts.Namespace,
		ScheduleId: h.id,
	})
	if err != nil {
		return nil, h.c.scheduleRPCError(op, h.id, err)
	}
	return newScheduleDescription(h.id, resp, h.c.opts.DataConverter), nil
}

func newScheduleDescription(id string, resp *workflowservice.DescribeScheduleResponse, dc converter.DataConverter) *ScheduleDescription {
	info := resp.GetInfo()
	d := &ScheduleDescription{
		ID:       id,
		Schedule: scheduleFromProto(resp.GetSchedule(), dc),
		Info: ScheduleInfo{
			ActionCount:         info.GetActionCount(),
			MissedCatchupWindow: info.GetMissedCatchupWindow(),
			OverlapSkipped:      info.GetOverlapSkipped(),
			BufferDropped:       info.GetBufferDropped(),
			BufferSize:          info.GetBufferSize(),
			RecentActions:       actionResultsFromProto(info.GetRecentActions()),
			NextActionTimes:     timesOf(info.GetFutureActionTimes()),
			CreateTime:          timeOf(info.GetCreateTime()),
			UpdateTime:          timeOf(info.GetUpdateTime()),
		},
		Memo:             resp.GetMemo().GetFields(),
		SearchAttributes: resp.GetSearchAttributes().GetIndexedFields(),
		raw:              resp,
		dc:               dc,
	}
	for _, ex := range info.GetRunningWorkflows() {
		d.Info.RunningWorkflows = append(d.Info.RunningWorkflows, executionOf(ex))
	}
	return d
}

// scheduleFromProto converts a described schedule.
func scheduleFromProto(p *schedulepb.Schedule, dc converter.DataConverter) Schedule {
	pol, st := p.GetPolicies(), p.GetState()
	return Schedule{
		Spec:   scheduleSpecFromProto(p.GetSpec()),
		Action: actionFromProto(p.GetAction(), dc),
		Policies: SchedulePolicies{
			Overlap:                pol.GetOverlapPolicy(),
			CatchupWindow:          durationOf(pol.GetCatchupWindow()),
			PauseOnFailure:         pol.GetPauseOnFailure(),
			KeepOriginalWorkflowID: pol.GetKeepOriginalWorkflowId(),
		},
		State: ScheduleState{
			Paused:           st.GetPaused(),
			Note:             st.GetNotes(),
			LimitedActions:   st.GetLimitedActions(),
			RemainingActions: st.GetRemainingActions(),
		},
	}
}

// actionFromProto converts a described action; nil when it does not start
// a workflow.
func actionFromProto(p *schedulepb.ScheduleAction, dc converter.DataConverter) *ScheduleWorkflowAction {
	w := p.GetStartWorkflow()
	if w == nil {
		return nil
	}
	a := &ScheduleWorkflowAction{
		ID:                       w.GetWorkflowId(),
		WorkflowType:             w.GetWorkflowType().GetName(),
		TaskQueue:                w.GetTaskQueue().GetName(),
		WorkflowExecutionTimeout: durationOf(w.GetWorkflowExecutionTimeout()),
		WorkflowRunTimeout:       durationOf(w.GetWorkflowRunTimeout()),
		WorkflowTaskTimeout:      durationOf(w.GetWorkflowTaskTimeout()),
		RetryPolicy:              temporal.RetryPolicyFromProto(w.GetRetryPolicy()),
		raw:                      proto.Clone(w).(*workflowpb.NewWorkflowExecutionInfo),
		dc:                       dc,
	}
	for _, in := range w.GetInput().GetPayloads() {
		a.Args = append(a.Args, in)
	}
	if fields := w.GetMemo().GetFields(); len(fields) > 0 {
		a.Memo = make(map[string]any, len(fields))
		for k, v := range fields {
			a.Memo[k] = v
		}
	}
	if fields := w.GetSearchAttributes().GetIndexedFields(); len(fields) > 0 {
		a.SearchAttributes = make(map[string]any, len(fields))
		for k, v := range fields {
			a.SearchAttributes[k] = v
		}
	}
	return a
}

func actionResultsFromProto(ps []*schedulepb.ScheduleActionResult) []ScheduleActionResult {
	var out []ScheduleActionResult
	for _, p := range ps {
		out = append(out, ScheduleActionResult{
			ScheduleTime:   timeOf(p.GetScheduleTime()),
			ActualTime:     timeOf(p.GetActualTime()),
			Workflow:       executionOf(p.GetStartWorkflowResult()),
			WorkflowStatus: p.GetStartWorkflowStatus(),
		})
	}
	return out
}

func executionOf(ex *commonpb.WorkflowExecution) ScheduleWorkflowExecution {
	return ScheduleWorkflowExecution{WorkflowID: ex.GetWorkflowId(), FirstExecutionRunID: ex.GetRunId()}
}

func newScheduleListEntry(p *schedulepb.ScheduleListEntry, dc converter.DataConverter) *ScheduleListEntry {
	info := p.GetInfo()
	return &ScheduleListEntry{
		ID:               p.GetScheduleId(),
		Spec:             scheduleSpecFromProto(info.GetSpec()),
		WorkflowType:     info.GetWorkflowType().GetName(),
		Paused:           info.GetPaused(),
		Note:             info.GetNotes(),
		RecentActions:    actionResultsFromProto(info.GetRecentActions()),
		NextActionTimes:  timesOf(info.GetFutureActionTimes()),
		Memo:             p.GetMemo().GetFields(),
		SearchAttributes: p.GetSearchAttributes().GetIndexedFields(),
		raw:              p,
		dc:               dc,
	}
}

// Raw returns the full server response.
func (d *ScheduleDescription) Raw() *workflowservice.DescribeScheduleResponse { return d.raw }

// ConflictToken returns the token that identifies this version of the
// schedule; Update sends it so that the server refuses the update if the
// schedule changed in between.
func (d *ScheduleDescription) ConflictToken() []byte { return d.raw.GetConflictToken() }

// MemoValue decodes the schedule's memo field key into valuePtr with the
// client's data converter. A missing key is an error.
func (d *ScheduleDescription) MemoValue(key string, valuePtr any) error {
	return decodeScheduleMemo(d.ID, d.Memo, d.dc, key, valuePtr)
}

// SearchAttributeValue decodes the schedule's search attribute key into
// valuePtr (see DecodeSearchAttribute). A missing key is an error.
func (d *ScheduleDescription) SearchAttributeValue(key string, valuePtr any) error {
	return decodeScheduleSearchAttribute(d.ID, d.SearchAttributes, key, valuePtr)
}

// Raw returns the entry as the server sent it.
func (e *ScheduleListEntry) Raw() *schedulepb.ScheduleListEntry { return e.raw }

// MemoValue decodes the schedule's memo field key into valuePtr with the
// client's data converter. A missing key is an error.
func (e *ScheduleListEntry) MemoValue(key string, valuePtr any) error {
	return decodeScheduleMemo(e.ID, e.Memo, e.dc, key, valuePtr)
}

// SearchAttributeValue decodes the schedule's search attribute key into
// valuePtr (see DecodeSearchAttribute). A missing key is an error.
func (e *ScheduleListEntry) SearchAttributeValue(key string, valuePtr any) error {
	return decodeScheduleSearchAttribute(e.ID, e.SearchAttributes, key, valuePtr)
}

func decodeScheduleMemo(id string, memo map[string]*commonpb.Payload, dc converter.DataConverter, key string, valuePtr any) error {
	p, ok := memo[key]
	if !ok {
		return fmt.Errorf("client: schedule %q has no memo %q", id, key)
	}
	if err := dc.FromPayload(p, valuePtr); err != nil {
		return fmt.Errorf("client: decode memo %q of schedule %q: %w", key, id, err)
	}
	return nil
}

func decodeScheduleSearchAttribute(id string, sa map[string]*commonpb.Payload, key string, valuePtr any) error {
	p, ok := sa[key]
	if !ok {
		return fmt.Errorf("client: schedule %q has no search attribute %q", id, key)
	}
	if err := DecodeSearchAttribute(p, valuePtr); err != nil {
		return fmt.Errorf("client: decode search attribute %q of schedule %q: %w", key, id, err)
	}
	return nil
}

func timesOf(ts []*timestamppb.Timestamp) []time.Time {
	var out []time.Time
	for _, t := range ts {
		out = append(out, t.AsTime())
	}
	return out
}
