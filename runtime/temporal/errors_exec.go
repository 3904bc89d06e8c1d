package temporal

import (
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
)

// ActivityError wraps the failure of an activity invoked by a workflow.
type ActivityError struct {
	scheduledEventID int64
	startedEventID   int64
	identity         string
	activityType     string
	activityID       string
	retryState       enumspb.RetryState
	cause            error
}

// NewActivityError returns an ActivityError.
func NewActivityError(scheduledEventID, startedEventID int64, identity, activityType, activityID string, retryState enumspb.RetryState, cause error) *ActivityError {
	return &ActivityError{
		scheduledEventID: scheduledEventID,
		startedEventID:   startedEventID,
		identity:         identity,
		activityType:     activityType,
		activityID:       activityID,
		retryState:       retryState,
		cause:            cause,
	}
}

// Error returns a description like
// "activity error (type: Foo, scheduledEventID: 5, startedEventID: 6, identity: x): cause".
func (e *ActivityError) Error() string {
	return withCause(fmt.Sprintf("%s (type: %s, scheduledEventID: %d, startedEventID: %d, identity: %s)",
		e.Message(), e.activityType, e.scheduledEventID, e.startedEventID, e.identity), e.cause)
}

// Message returns "activity error".
func (e *ActivityError) Message() string { return "activity error" }

// ScheduledEventID returns the ID of the ActivityTaskScheduled event.
func (e *ActivityError) ScheduledEventID() int64 { return e.scheduledEventID }

// StartedEventID returns the ID of the ActivityTaskStarted event.
func (e *ActivityError) StartedEventID() int64 { return e.startedEventID }

// Identity returns the identity of the worker that ran the last attempt.
func (e *ActivityError) Identity() string { return e.identity }

// ActivityType returns the activity type name.
func (e *ActivityError) ActivityType() string { return e.activityType }

// ActivityID returns the activity ID.
func (e *ActivityError) ActivityID() string { return e.activityID }

// RetryState returns why retries stopped.
func (e *ActivityError) RetryState() enumspb.RetryState { return e.retryState }

// Unwrap returns the cause.
func (e *ActivityError) Unwrap() error { return e.cause }

// ChildWorkflowError wraps the failure of a child workflow.
type ChildWorkflowError struct {
	namespace        string
	workflowID       string
	runID            string
	workflowType     string
	initiatedEventID int64
	startedEventID   int64
	retryState       enumspb.RetryState
	cause            error
}

// NewChildWorkflowError returns a ChildWorkflowError.
func NewChildWorkflowError(namespace, workflowID, runID, workflowType string, initiatedEventID, startedEventID int64, retryState enumspb.RetryState, cause error) *ChildWorkflowError {
	return &ChildWorkflowError{
		namespace:        namespace,
		workflowID:       workflowID,
		runID:            runID,
		workflowType:     workflowType,
		initiatedEventID: initiatedEventID,
		startedEventID:   startedEventID,
		retryState:       retryState,
		cause:            cause,
	}
}

// Error returns a description with type, IDs and event IDs, followed by
// ": cause" when there is a cause.
func (e *ChildWorkflowError) Error() string {
	return withCause(fmt.Sprintf("%s (type: %s, workflowID: %s, runID: %s, initiatedEventID: %d, startedEventID: %d)",
		e.Message(), e.workflowType, e.workflowID, e.runID, e.initiatedEventID, e.startedEventID), e.cause)
}

// Message returns "child workflow execution error".
func (e *ChildWorkflowError) Message() string { return "child workflow execution error" }

// Namespace returns the child's namespace.
func (e *ChildWorkflowError) Namespace() string { return e.namespace }

// WorkflowID returns the child's workflow ID.
func (e *ChildWorkflowError) WorkflowID() string { return e.workflowID }

// RunID returns the child's run ID.
func (e *ChildWorkflowError) RunID() string { return e.runID }

// WorkflowType returns the child's workflow type name.
func (e *ChildWorkflowError) WorkflowType() string { return e.workflowType }

// InitiatedEventID returns the ID of the StartChildWorkflowExecutionInitiated
// event.
func (e *ChildWorkflowError) InitiatedEventID() int64 { return e.initiatedEventID }

// StartedEventID returns the ID of the ChildWorkflowExecutionStarted event.
func (e *ChildWorkflowError) StartedEventID() int64 { return e.startedEventID }

// RetryState returns why retries stopped.
func (e *ChildWorkflowError) RetryState() enumspb.RetryState { return e.retryState }

// Unwrap returns the cause.
func (e *ChildWorkflowError) Unwrap() error { return e.cause }

// WorkflowExecutionError is returned by a client when a workflow it waits
// for failed, timed out, was canceled or was terminated. The cause tells
// which (ApplicationError, TimeoutError, CanceledError, TerminatedError...).
type WorkflowExecutionError struct {
	workflowID   string
	runID        string
	workflowType string
	cause        error
}

// NewWorkflowExecutionError returns a WorkflowExecutionError.
func NewWorkflowExecutionError(workflowID, runID, workflowType string, cause error) *WorkflowExecutionError {
	return &WorkflowExecutionError{workflowID: workflowID, runID: runID, workflowType: workflowType, cause: cause}
}

// Error returns a description with type and IDs, followed by ": cause" when
// there is a cause.
func (e *WorkflowExecutionError) Error() string {
	return withCause(fmt.Sprintf("%s (type: %s, workflowID: %s, runID: %s)",
		e.Message(), e.workflowType, e.workflowID, e.runID), e.cause)
}

// Message returns "workflow execution error".
func (e *WorkflowExecutionError) Message() string { return "workflow execution error" }

// WorkflowID returns the workflow ID.
func (e *WorkflowExecutionError) WorkflowID() string { return e.workflowID }

// RunID returns the run ID.
func (e *WorkflowExecutionError) RunID() string { return e.runID }

// WorkflowType returns the workflow type name.
func (e *WorkflowExecutionError) WorkflowType() string { return e.workflowType }

// Unwrap returns the cause.
func (e *WorkflowExecutionError) Unwrap() error { return e.cause }
