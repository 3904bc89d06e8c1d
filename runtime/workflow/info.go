package workflow

import (
	"time"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Info describes the running workflow execution.
type Info struct {
	Namespace                string
	WorkflowID               string
	RunID                    string
	FirstExecutionRunID      string
	ContinuedRunID           string // the run this one continued from, if any
	WorkflowType             string
	TaskQueue                string
	Attempt                  int32
	CronSchedule             string
	StartTime                time.Time
	ExecutionTimeout         time.Duration
	RunTimeout               time.Duration
	TaskTimeout              time.Duration
	RetryPolicy              *temporal.RetryPolicy
	Parent                   *ParentInfo // nil for top-level workflows
	Root                     *RootInfo   // nil for top-level workflows
	HistoryLength            int64       // events in history at the current workflow task
	HistorySize              int64       // bytes of history at the current workflow task
	ContinueAsNewSuggested   bool        // the server suggests continuing as new (history too long or large)
	WorkflowExecutionExpires time.Time   // zero when there is no execution timeout
	Memo                     *commonpb.Memo
	SearchAttributes         *commonpb.SearchAttributes
	Header                   *commonpb.Header
}

// ParentInfo identifies the workflow that started this one as a child.
type ParentInfo struct {
	Namespace  string
	WorkflowID string
	RunID      string
}

// RootInfo identifies the top-level workflow of a chain of children.
type RootInfo struct {
	WorkflowID string
	RunID      string
}

// GetInfo returns information about the running workflow execution.
func GetInfo(ctx Context) Info {
	in := impl(ctx).Run().Info()
	out := Info{
		Namespace:                in.Namespace,
		WorkflowID:               in.WorkflowID,
		RunID:                    in.RunID,
		FirstExecutionRunID:      in.FirstExecutionRunID,
		ContinuedRunID:           in.ContinuedRunID,
		WorkflowType:             in.WorkflowType,
		TaskQueue:                in.TaskQueue,
		Attempt:                  in.Attempt,
		CronSchedule:             in.CronSchedule,
		StartTime:                in.StartTime.UTC(),
		ExecutionTimeout:         in.ExecutionTimeout,
		RunTimeout:               in.RunTimeout,
		TaskTimeout:              in.TaskTimeout,
		RetryPolicy:              temporal.RetryPolicyFromProto(in.RetryPolicy),
		HistoryLength:            in.HistoryLength,
		HistorySize:              in.HistorySizeBytes,
		ContinueAsNewSuggested:   in.ContinueAsNewSuggested,
		WorkflowExecutionExpires: in.WorkflowExecutionExpires,
		Memo:                     in.Memo,
		SearchAttributes:         in.SearchAttributes,
		Header:                   in.Header,
	}
	if in.ParentWorkflowID != "" {
		out.Parent = &ParentInfo{Namespace: in.ParentNamespace, WorkflowID: in.ParentWorkflowID, RunID: in.ParentRunID}
	}
	if in.RootWorkflowID != "" {
		out.Root = &RootInfo{WorkflowID: in.RootWorkflowID, RunID: in.RootRunID}
	}
	return out
}
