package temporal

import (
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
)

// ChildWorkflowStartError reports that a child workflow could not be
// started, for example because a workflow with its id is already running.
type ChildWorkflowStartError struct {
	WorkflowID   string
	WorkflowType string
	Cause        enumspb.StartChildWorkflowExecutionFailedCause
}

func (e *ChildWorkflowStartError) Error() string {
	return fmt.Sprintf("child workflow %s (type %s) could not start: %s", e.WorkflowID, e.WorkflowType, e.Cause)
}

// AlreadyStarted reports whether a workflow with the same id exists.
func (e *ChildWorkflowStartError) AlreadyStarted() bool {
	return e.Cause == enumspb.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS
}

// ExternalWorkflowError reports that a signal or cancellation request to
// another workflow failed, for example because it does not exist.
type ExternalWorkflowError struct {
	WorkflowID string
	RunID      string
	Op         string // "signal" or "cancel"
	Cause      string // the server's cause, e.g. ExternalWorkflowExecutionNotFound
}

func (e *ExternalWorkflowError) Error() string {
	return fmt.Sprintf("%s of external workflow %s failed: %s", e.Op, e.WorkflowID, e.Cause)
}

// NotFound reports whether the workflow did not exist.
func (e *ExternalWorkflowError) NotFound() bool {
	return e.Cause == enumspb.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND.String()
}
