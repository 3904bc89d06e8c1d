package client

import (
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"google.golang.org/grpc/status"
)

// WorkflowAlreadyStartedError is returned (wrapped) by StartWorkflow when
// the workflow ID is taken: a run with that ID is still running and the
// conflict policy is FAIL, or a closed run exists and the reuse policy
// forbids another. It unwraps to the gRPC status error (codes.AlreadyExists).
type WorkflowAlreadyStartedError struct {
	WorkflowID   string
	RunID        string // the existing run, when the server reports it
	WorkflowType string
	Err          error // the RPC error
}

func (e *WorkflowAlreadyStartedError) Error() string {
	if e.RunID == "" {
		return fmt.Sprintf("workflow %q already started", e.WorkflowID)
	}
	return fmt.Sprintf("workflow %q already started (run %s)", e.WorkflowID, e.RunID)
}

// Unwrap returns the RPC error.
func (e *WorkflowAlreadyStartedError) Unwrap() error { return e.Err }

// NotFoundError is returned (wrapped) when the workflow (or the run) an
// operation names does not exist in the client's namespace, or no longer
// exists because retention removed it, and when an update ID names no update
// of the workflow. The async activity completion calls return it when the
// server no longer knows the activity (attempt): it completed, timed out or
// was retried, or its workflow closed. Describing or stopping a batch job
// returns it when the job does not exist or, for Stop, has ended. It
// unwraps to the gRPC status error (codes.NotFound).
type NotFoundError struct {
	Namespace  string
	WorkflowID string // empty for an activity named by task token
	RunID      string // empty when the latest run was asked for
	UpdateID   string // set when the update was not found (the workflow exists)
	ActivityID string // set when an activity named by ID was not found
	TaskToken  []byte // set when an activity named by task token was not found
	BatchJobID string // set when a batch job was not found
	Err        error  // the RPC error
}

func (e *NotFoundError) Error() string {
	what := fmt.Sprintf("workflow %q", e.WorkflowID)
	if e.RunID != "" {
		what += fmt.Sprintf(" run %s", e.RunID)
	}
	switch {
	case e.UpdateID != "":
		what = fmt.Sprintf("update %q of %s", e.UpdateID, what)
	case e.ActivityID != "":
		what = fmt.Sprintf("activity %q of %s", e.ActivityID, what)
	case e.TaskToken != nil && e.WorkflowID == "":
		what = "activity with task token " + tokenPrefix(e.TaskToken)
	case e.BatchJobID != "":
		what = fmt.Sprintf("batch job %q", e.BatchJobID)
	}
	msg := what + fmt.Sprintf(" not found in namespace %q", e.Namespace)
	if st, ok := status.FromError(e.Err); ok && st.Message() != "" {
		msg += ": " + st.Message()
	}
	return msg
}

// Unwrap returns the RPC error.
func (e *NotFoundError) Unwrap() error { return e.Err }

// ContinuedAsNewError is returned by GetWithOptions with
// DisableFollowingRuns when the run continued as new instead of closing.
type ContinuedAsNewError struct {
	WorkflowID   string
	RunID        string // the run that continued as new
	NewRunID     string // the run that replaced it
	WorkflowType string // the workflow type of the new run
}

func (e *ContinuedAsNewError) Error() string {
	return fmt.Sprintf("workflow %q run %s continued as new as run %s", e.WorkflowID, e.RunID, e.NewRunID)
}

// rpcError wraps err, returned by the RPC behind op, with the operation and
// workflow ID, mapping well-known service errors to the typed errors of this
// package. The gRPC status stays reachable through errors.As/status.FromError.
func (c *Client) rpcError(op, workflowID, runID string, err error) error {
	if err == nil {
		return nil
	}
	return wrapOp(op, workflowID, c.typedError(workflowID, runID, err))
}

// wrapOp prefixes err with the operation and workflow ID.
func wrapOp(op, workflowID string, err error) error {
	if workflowID == "" {
		return fmt.Errorf("client: %s: %w", op, err)
	}
	return fmt.Errorf("client: %s %q: %w", op, workflowID, err)
}

// typedError returns the typed error of this package for err, an RPC
// error, or err itself.
func (c *Client) typedError(workflowID, runID string, err error) error {
	if st, ok := status.FromError(err); ok {
		switch se := serviceerror.FromStatus(st).(type) {
		case *serviceerror.NotFound:
			if workflowID != "" {
				return &NotFoundError{Namespace: c.opts.Namespace, WorkflowID: workflowID, RunID: runID, Err: err}
			}
		case *serviceerror.WorkflowExecutionAlreadyStarted:
			return &WorkflowAlreadyStartedError{WorkflowID: workflowID, RunID: se.RunId, Err: err}
		}
	}
	return err
}

// errorsAs is errors.As with a typed target, for brevity in this package.
func errorsAs[T error](err error) (T, bool) {
	var t T
	ok := errors.As(err, &t)
	return t, ok
}
