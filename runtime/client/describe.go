package client

import (
	"context"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// WorkflowDescription is the state of one workflow run as reported by
// DescribeWorkflowExecution. Zero times and durations mean "not set".
type WorkflowDescription struct {
	WorkflowID          string
	RunID               string
	FirstExecutionRunID string
	WorkflowType        string
	Status              enumspb.WorkflowExecutionStatus
	TaskQueue           string

	StartTime     time.Time
	ExecutionTime time.Time // when the first workflow task is due (start delay, cron, retry backoff)
	CloseTime     time.Time // zero while running

	WorkflowExecutionTimeout time.Duration
	WorkflowRunTimeout       time.Duration
	WorkflowTaskTimeout      time.Duration

	HistoryLength    int64
	HistorySizeBytes int64

	// Memo and SearchAttributes are the raw payloads; decode one with
	// MemoValue or SearchAttributeValue.
	Memo             map[string]*commonpb.Payload
	SearchAttributes map[string]*commonpb.Payload

	// StaticSummary and StaticDetails are the start's
	// (StartWorkflowOptions), decoded; "" when unset or undecodable.
	StaticSummary, StaticDetails string
	// Priority is the workflow's (nil: none set).
	Priority *temporal.Priority

	raw *workflowservice.DescribeWorkflowExecutionResponse
	dc  converter.DataConverter
}

// Describe returns the state of the handle's run (the latest run if RunID is
// empty). A missing workflow yields an error wrapping *NotFoundError.
func (h *WorkflowHandle) Describe(ctx context.Context) (*WorkflowDescription, error) {
	if h.c.out != nil {
		return h.c.out.DescribeWorkflow(ctx, &DescribeWorkflowInput{Workflow: h})
	}
	return h.describe(ctx, "describe workflow")
}

func (h *WorkflowHandle) describe(ctx context.Context, op string) (*WorkflowDescription, error) {
	resp, err := h.c.service.DescribeWorkflowExecution(ctx, &workflowservice.DescribeWorkflowExecutionRequest{
		Namespace: h.c.opts.Namespace,
		Execution: h.execution(),
	})
	if err != nil {
		return nil, h.c.rpcError(op, h.id, h.runID, err)
	}
	return newWorkflowDescription(resp, h.c.opts.DataConverter), nil
}

func newWorkflowDescription(resp *workflowservice.DescribeWorkflowExecutionResponse, dc converter.DataConverter) *WorkflowDescription {
	info := resp.GetWorkflowExecutionInfo()
	cfg := resp.GetExecutionConfig()
	md := cfg.GetUserMetadata()
	return &WorkflowDescription{
		StaticSummary:            decodeString(dc, md.GetSummary()),
		StaticDetails:            decodeString(dc, md.GetDetails()),
		Priority:                 temporal.PriorityFromProto(info.GetPriority()),
		WorkflowID:               info.GetExecution().GetWorkflowId(),
		RunID:                    info.GetExecution().GetRunId(),
		FirstExecutionRunID:      info.GetFirstRunId(),
		WorkflowType:             info.GetType().GetName(),
		Status:                   info.GetStatus(),
		TaskQueue:                info.GetTaskQueue(),
		StartTime:                timeOf(info.GetStartTime()),
		ExecutionTime:            timeOf(info.GetExecutionTime()),
		CloseTime:                timeOf(info.GetCloseTime()),
		WorkflowExecutionTimeout: durationOf(cfg.GetWorkflowExecutionTimeout()),
		WorkflowRunTimeout:       durationOf(cfg.GetWorkflowRunTimeout()),
		WorkflowTaskTimeout:      durationOf(cfg.GetDefaultWorkflowTaskTimeout()),
		HistoryLength:            info.GetHistoryLength(),
		HistorySizeBytes:         info.GetHistorySizeBytes(),
		Memo:                     info.GetMemo().GetFields(),
		SearchAttributes:         info.GetSearchAttributes().GetIndexedFields(),
		raw:                      resp,
		dc:                       dc,
	}
}

// decodeString decodes a string payload, "" for nil or undecodable.
func decodeString(dc converter.DataConverter, p *commonpb.Payload) string {
	var s string
	if p != nil {
		_ = dc.FromPayload(p, &s)
	}
	return s
}

// Raw returns the full server response.
func (d *WorkflowDescription) Raw() *workflowservice.DescribeWorkflowExecutionResponse { return d.raw }

// Info returns the execution info part of the server response; it is the
// same shape ListWorkflows yields.
func (d *WorkflowDescription) Info() *workflowpb.WorkflowExecutionInfo {
	return d.raw.GetWorkflowExecutionInfo()
}

// MemoValue decodes memo field key into valuePtr with the client's data
// converter. A missing key is an error.
func (d *WorkflowDescription) MemoValue(key string, valuePtr any) error {
	p, ok := d.Memo[key]
	if !ok {
		return fmt.Errorf("client: workflow %q has no memo %q", d.WorkflowID, key)
	}
	if err := d.dc.FromPayload(p, valuePtr); err != nil {
		return fmt.Errorf("client: decode memo %q: %w", key, err)
	}
	return nil
}

// SearchAttributeValue decodes search attribute key into valuePtr (see
// DecodeSearchAttribute). A missing key is an error.
func (d *WorkflowDescription) SearchAttributeValue(key string, valuePtr any) error {
	p, ok := d.SearchAttributes[key]
	if !ok {
		return fmt.Errorf("client: workflow %q has no search attribute %q", d.WorkflowID, key)
	}
	if err := DecodeSearchAttribute(p, valuePtr); err != nil {
		return fmt.Errorf("client: decode search attribute %q: %w", key, err)
	}
	return nil
}

func timeOf(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}

func durationOf(d *durationpb.Duration) time.Duration {
	if d == nil {
		return 0
	}
	return d.AsDuration()
}
