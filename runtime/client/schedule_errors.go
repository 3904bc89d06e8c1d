package client

import (
	"fmt"

	"go.temporal.io/api/serviceerror"
	"google.golang.org/grpc/status"
)

// ScheduleError is returned (wrapped) when the server rejects a schedule
// request as invalid (codes.InvalidArgument): a spec it cannot compile (an
// interval under a second, an unknown time zone, a calendar range out of
// bounds, a malformed cron expression), an action or policy it refuses.
// Message is the server's explanation. It unwraps to the gRPC status
// error.
type ScheduleError struct {
	ScheduleID string
	Message    string // the server's message
	Err        error  // the RPC error
}

func (e *ScheduleError) Error() string {
	return fmt.Sprintf("schedule %q rejected by the server: %s", e.ScheduleID, e.Message)
}

// Unwrap returns the RPC error.
func (e *ScheduleError) Unwrap() error { return e.Err }

// ScheduleAlreadyExistsError is returned (wrapped) by CreateSchedule when
// a schedule with the ID exists. It unwraps to the gRPC status error
// (codes.AlreadyExists).
type ScheduleAlreadyExistsError struct {
	ScheduleID string
	Err        error // the RPC error
}

func (e *ScheduleAlreadyExistsError) Error() string {
	return fmt.Sprintf("schedule %q already exists", e.ScheduleID)
}

// Unwrap returns the RPC error.
func (e *ScheduleAlreadyExistsError) Unwrap() error { return e.Err }

// ScheduleNotFoundError is returned (wrapped) when the schedule an
// operation names does not exist, or was deleted. It unwraps to the gRPC
// status error (codes.NotFound).
type ScheduleNotFoundError struct {
	Namespace  string
	ScheduleID string
	Err        error // the RPC error
}

func (e *ScheduleNotFoundError) Error() string {
	return fmt.Sprintf("schedule %q not found in namespace %q", e.ScheduleID, e.Namespace)
}

// Unwrap returns the RPC error.
func (e *ScheduleNotFoundError) Unwrap() error { return e.Err }

// ScheduleConflictError is returned (wrapped) by ScheduleHandle.Update
// when the schedule kept changing between reading it and writing the new
// version: each of Attempts writes was refused because of a concurrent
// change (see Update).
type ScheduleConflictError struct {
	ScheduleID string
	Attempts   int
}

func (e *ScheduleConflictError) Error() string {
	return fmt.Sprintf("schedule %q changed concurrently: update not applied after %d attempts", e.ScheduleID, e.Attempts)
}

// scheduleRPCError wraps err, returned by the RPC behind op, with the
// operation and schedule ID, mapping the service errors schedules have
// typed errors for. The gRPC status stays reachable through
// errors.As/status.FromError.
func (c *Client) scheduleRPCError(op, scheduleID string, err error) error {
	if err == nil {
		return nil
	}
	return wrapOp(op, scheduleID, c.typedScheduleError(scheduleID, err))
}

func (c *Client) typedScheduleError(scheduleID string, err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	switch serviceerror.FromStatus(st).(type) {
	case *serviceerror.InvalidArgument:
		return &ScheduleError{ScheduleID: scheduleID, Message: st.Message(), Err: err}
	case *serviceerror.WorkflowExecutionAlreadyStarted, *serviceerror.AlreadyExists:
		return &ScheduleAlreadyExistsError{ScheduleID: scheduleID, Err: err}
	case *serviceerror.NotFound:
		if scheduleID != "" {
			return &ScheduleNotFoundError{Namespace: c.opts.Namespace, ScheduleID: scheduleID, Err: err}
		}
	}
	return err
}
