// Package temporal holds the types shared by workflow code, activities, the
// client and the worker of the temporalgen runtime: retry policies and the
// error types that travel between them as Temporal failures.
//
// # Retry policies
//
// RetryPolicy mirrors the server's retry policy. Convert it with
// RetryPolicy.ToProto and RetryPolicyFromProto; both map nil to nil and
// zero durations to "server default".
//
// # Errors
//
// User code reports business failures with ApplicationError:
//
//	return temporal.NewApplicationError("card declined", "PaymentError", orderID)
//	return temporal.NewNonRetryableApplicationError("bad input", "InvalidArgument", err)
//
// Any other error returned by user code reaches the caller as an
// ApplicationError whose Type is the Go type name of the original error.
// The runtime returns the remaining types:
//
//   - CanceledError: the operation was canceled (see IsCanceledError).
//   - TimeoutError: a timeout fired; TimeoutType tells which, and
//     LastHeartbeatDetails returns what the activity last heartbeated.
//   - TerminatedError: the workflow was terminated.
//   - ServerError: the server produced the failure.
//   - PanicError: an activity panicked; StackTrace returns where.
//   - ActivityError: wraps the failure of an activity seen from its workflow.
//   - ChildWorkflowError: wraps the failure of a child workflow.
//   - WorkflowExecutionError: what a client returns when the workflow it
//     waited for did not complete successfully.
//   - OptionsError: options rejected before anything reached the server;
//     its values are constants such as ErrMissingTimeout, matched with
//     errors.Is.
//
// Wrapping types implement Unwrap, so inspect chains with errors.As:
//
//	var appErr *temporal.ApplicationError
//	if errors.As(err, &appErr) && appErr.Type() == "PaymentError" { ... }
//
// # Details
//
// ApplicationError, CanceledError and TimeoutError carry details. Read them
// with Details (or LastHeartbeatDetails) into pointers, in order. Details
// created in-process from Go values are assigned when the types match;
// details received from the server are decoded with the data converter the
// error was built with. Missing details yield ErrNoDetails.
//
// # For converters
//
// This package does not depend on the converter package. Failure
// converters build errors from wire data with NewApplicationErrorFromWire,
// NewCanceledErrorFromWire and NewTimeoutErrorFromWire, passing a
// PayloadsDecoder, and read details back without decoding them through
// EncodedDetails / DetailValues (EncodedLastHeartbeatDetails /
// LastHeartbeatDetailValues for timeouts).
package temporal
