package engine

import (
	"time"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
)

// Info describes the execution a run belongs to, read from its
// WorkflowExecutionStarted event.
type Info struct {
	Namespace                string
	WorkflowID               string
	RunID                    string
	OriginalRunID            string
	FirstExecutionRunID      string
	ContinuedRunID           string
	WorkflowType             string
	TaskQueue                string
	Attempt                  int32
	CronSchedule             string
	StartTime                time.Time
	ExecutionTimeout         time.Duration
	RunTimeout               time.Duration
	TaskTimeout              time.Duration
	RetryPolicy              *commonpb.RetryPolicy
	Memo                     *commonpb.Memo
	SearchAttributes         *commonpb.SearchAttributes
	Header                   *commonpb.Header
	ParentNamespace          string
	ParentWorkflowID         string
	ParentRunID              string
	RootWorkflowID           string
	RootRunID                string
	HistoryLength            int64
	HistorySizeBytes         int64
	ContinueAsNewSuggested   bool
	LastCompletionResult     *commonpb.Payloads
	ContinuedFailureMessage  string
	WorkflowExecutionExpires time.Time
}

func infoFromStart(namespace, workflowID, runID string, a *historypb.WorkflowExecutionStartedEventAttributes) Info {
	in := Info{
		Namespace:            namespace,
		WorkflowID:           workflowID,
		RunID:                runID,
		OriginalRunID:        a.GetOriginalExecutionRunId(),
		FirstExecutionRunID:  a.GetFirstExecutionRunId(),
		ContinuedRunID:       a.GetContinuedExecutionRunId(),
		WorkflowType:         a.GetWorkflowType().GetName(),
		TaskQueue:            a.GetTaskQueue().GetName(),
		Attempt:              a.GetAttempt(),
		CronSchedule:         a.GetCronSchedule(),
		ExecutionTimeout:     a.GetWorkflowExecutionTimeout().AsDuration(),
		RunTimeout:           a.GetWorkflowRunTimeout().AsDuration(),
		TaskTimeout:          a.GetWorkflowTaskTimeout().AsDuration(),
		RetryPolicy:          a.GetRetryPolicy(),
		Memo:                 a.GetMemo(),
		SearchAttributes:     a.GetSearchAttributes(),
		Header:               a.GetHeader(),
		ParentNamespace:      a.GetParentWorkflowNamespace(),
		ParentWorkflowID:     a.GetParentWorkflowExecution().GetWorkflowId(),
		ParentRunID:          a.GetParentWorkflowExecution().GetRunId(),
		RootWorkflowID:       a.GetRootWorkflowExecution().GetWorkflowId(),
		RootRunID:            a.GetRootWorkflowExecution().GetRunId(),
		LastCompletionResult: a.GetLastCompletionResult(),
	}
	if a.GetWorkflowExecutionExpirationTime() != nil {
		in.WorkflowExecutionExpires = a.GetWorkflowExecutionExpirationTime().AsTime()
	}
	if f := a.GetContinuedFailure(); f != nil {
		in.ContinuedFailureMessage = f.GetMessage()
	}
	if in.OriginalRunID == "" {
		in.OriginalRunID = in.FirstExecutionRunID
	}
	return in
}
