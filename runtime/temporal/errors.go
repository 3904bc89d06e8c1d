package temporal

import (
	"errors"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
)

// ApplicationErrorOptions configures NewApplicationErrorWithOptions.
type ApplicationErrorOptions struct {
	// Type is the error type matched against
	// RetryPolicy.NonRetryableErrorTypes.
	Type string
	// NonRetryable stops retries regardless of the retry policy.
	NonRetryable bool
	// Cause is the wrapped error, returned by Unwrap.
	Cause error
	// Details are Go values sent along with the error.
	Details []any
	// NextRetryDelay overrides the retry policy's delay for the next retry
	// when non-zero.
	NextRetryDelay time.Duration
	// Category classifies the error, e.g. as benign.
	Category enumspb.ApplicationErrorCategory
}

// ApplicationError is the error that workflow and activity code returns to
// report a business failure. Any other error returned by user code is
// converted to an ApplicationError on the wire.
type ApplicationError struct {
	message        string
	errType        string
	nonRetryable   bool
	cause          error
	details        details
	nextRetryDelay time.Duration
	category       enumspb.ApplicationErrorCategory
}

// NewApplicationError returns a retryable ApplicationError with the given
// message, type and details.
func NewApplicationError(message, errType string, details ...any) *ApplicationError {
	return NewApplicationErrorWithOptions(message, ApplicationErrorOptions{Type: errType, Details: details})
}

// NewNonRetryableApplicationError returns an ApplicationError that is never
// retried.
func NewNonRetryableApplicationError(message, errType string, cause error, details ...any) *ApplicationError {
	return NewApplicationErrorWithOptions(message, ApplicationErrorOptions{
		Type: errType, NonRetryable: true, Cause: cause, Details: details,
	})
}

// NewApplicationErrorWithOptions returns an ApplicationError configured by
// opts.
func NewApplicationErrorWithOptions(message string, opts ApplicationErrorOptions) *ApplicationError {
	e := newApplicationError(message, opts)
	e.details = goDetails(opts.Details)
	return e
}

// NewApplicationErrorFromWire builds an ApplicationError from a decoded
// failure. It is meant for failure converters: opts.Details is ignored and
// the details are the encoded payloads, decoded lazily with dec.
func NewApplicationErrorFromWire(message string, opts ApplicationErrorOptions, details *commonpb.Payloads, dec PayloadsDecoder) *ApplicationError {
	e := newApplicationError(message, opts)
	e.details = wireDetails(details, dec)
	return e
}

func newApplicationError(message string, opts ApplicationErrorOptions) *ApplicationError {
	return &ApplicationError{
		message:        message,
		errType:        opts.Type,
		nonRetryable:   opts.NonRetryable,
		cause:          opts.Cause,
		nextRetryDelay: opts.NextRetryDelay,
		category:       opts.Category,
	}
}

// Error returns the message followed by ": cause" when there is a cause.
func (e *ApplicationError) Error() string { return withCause(e.message, e.cause) }

// Message returns the message without the cause.
func (e *ApplicationError) Message() string { return e.message }

// Type returns the error type.
func (e *ApplicationError) Type() string { return e.errType }

// NonRetryable reports whether the error stops retries.
func (e *ApplicationError) NonRetryable() bool { return e.nonRetryable }

// NextRetryDelay returns the requested delay before the next retry, or 0.
func (e *ApplicationError) NextRetryDelay() time.Duration { return e.nextRetryDelay }

// Category returns the error category.
func (e *ApplicationError) Category() enumspb.ApplicationErrorCategory { return e.category }

// Unwrap returns the cause.
func (e *ApplicationError) Unwrap() error { return e.cause }

// HasDetails reports whether the error carries details.
func (e *ApplicationError) HasDetails() bool { return e.details.has() }

// Details stores the details into ptrs, in order. Go-valued details are
// assigned when the types match; wire details are decoded. It returns
// ErrNoDetails when there are none.
func (e *ApplicationError) Details(ptrs ...any) error { return e.details.get(ptrs...) }

// DetailValues returns the Go-valued details, or nil when the details came
// from the wire. It is meant for failure converters.
func (e *ApplicationError) DetailValues() []any { return e.details.values }

// EncodedDetails returns the wire details, or nil when the details are Go
// values. It is meant for failure converters.
func (e *ApplicationError) EncodedDetails() *commonpb.Payloads { return e.details.payloads }

// CanceledError reports that an operation was canceled.
type CanceledError struct {
	message string
	details details
}

// NewCanceledError returns a CanceledError carrying details.
func NewCanceledError(details ...any) *CanceledError {
	return &CanceledError{message: "canceled", details: goDetails(details)}
}

// NewCanceledErrorFromWire builds a CanceledError from a decoded failure. It
// is meant for failure converters. An empty message becomes "canceled".
func NewCanceledErrorFromWire(message string, details *commonpb.Payloads, dec PayloadsDecoder) *CanceledError {
	if message == "" {
		message = "canceled"
	}
	return &CanceledError{message: message, details: wireDetails(details, dec)}
}

// Error returns the message.
func (e *CanceledError) Error() string { return e.message }

// Message returns the message.
func (e *CanceledError) Message() string { return e.message }

// HasDetails reports whether the error carries details.
func (e *CanceledError) HasDetails() bool { return e.details.has() }

// Details stores the details into ptrs; see ApplicationError.Details.
func (e *CanceledError) Details(ptrs ...any) error { return e.details.get(ptrs...) }

// DetailValues returns the Go-valued details; see
// ApplicationError.DetailValues.
func (e *CanceledError) DetailValues() []any { return e.details.values }

// EncodedDetails returns the wire details; see
// ApplicationError.EncodedDetails.
func (e *CanceledError) EncodedDetails() *commonpb.Payloads { return e.details.payloads }

// IsCanceledError reports whether err or any error it wraps is a
// CanceledError.
func IsCanceledError(err error) bool {
	var c *CanceledError
	return errors.As(err, &c)
}

// TimeoutError reports that a timeout fired.
type TimeoutError struct {
	message     string
	timeoutType enumspb.TimeoutType
	cause       error
	heartbeat   details
}

// NewTimeoutError returns a TimeoutError of type t with the last heartbeat
// details an activity recorded.
func NewTimeoutError(t enumspb.TimeoutType, cause error, lastHeartbeatDetails ...any) *TimeoutError {
	return &TimeoutError{message: "timeout", timeoutType: t, cause: cause, heartbeat: goDetails(lastHeartbeatDetails)}
}

// NewTimeoutErrorFromWire builds a TimeoutError from a decoded failure. It
// is meant for failure converters. An empty message becomes "timeout".
func NewTimeoutErrorFromWire(message string, t enumspb.TimeoutType, cause error, lastHeartbeatDetails *commonpb.Payloads, dec PayloadsDecoder) *TimeoutError {
	if message == "" {
		message = "timeout"
	}
	return &TimeoutError{message: message, timeoutType: t, cause: cause, heartbeat: wireDetails(lastHeartbeatDetails, dec)}
}

// Error returns "message (type: T)" followed by ": cause" when there is a
// cause.
func (e *TimeoutError) Error() string {
	return withCause(fmt.Sprintf("%s (type: %s)", e.message, e.timeoutType), e.cause)
}

// Message returns the message without type and cause.
func (e *TimeoutError) Message() string { return e.message }

// TimeoutType returns which timeout fired.
func (e *TimeoutError) TimeoutType() enumspb.TimeoutType { return e.timeoutType }

// Unwrap returns the cause.
func (e *TimeoutError) Unwrap() error { return e.cause }

// HasLastHeartbeatDetails reports whether heartbeat details are present.
func (e *TimeoutError) HasLastHeartbeatDetails() bool { return e.heartbeat.has() }

// LastHeartbeatDetails stores the last heartbeat details into ptrs; see
// ApplicationError.Details.
func (e *TimeoutError) LastHeartbeatDetails(ptrs ...any) error { return e.heartbeat.get(ptrs...) }

// LastHeartbeatDetailValues returns the Go-valued heartbeat details. It is
// meant for failure converters.
func (e *TimeoutError) LastHeartbeatDetailValues() []any { return e.heartbeat.values }

// EncodedLastHeartbeatDetails returns the wire heartbeat details. It is
// meant for failure converters.
func (e *TimeoutError) EncodedLastHeartbeatDetails() *commonpb.Payloads { return e.heartbeat.payloads }

// TerminatedError reports that a workflow was terminated.
type TerminatedError struct{}

// NewTerminatedError returns a TerminatedError.
func NewTerminatedError() *TerminatedError { return &TerminatedError{} }

// Error returns "terminated".
func (e *TerminatedError) Error() string { return "terminated" }

// Message returns "terminated".
func (e *TerminatedError) Message() string { return "terminated" }

// ServerError is a failure generated by the Temporal server.
type ServerError struct {
	message      string
	nonRetryable bool
	cause        error
}

// NewServerError returns a ServerError.
func NewServerError(message string, nonRetryable bool, cause error) *ServerError {
	return &ServerError{message: message, nonRetryable: nonRetryable, cause: cause}
}

// Error returns the message followed by ": cause" when there is a cause.
func (e *ServerError) Error() string { return withCause(e.message, e.cause) }

// Message returns the message without the cause.
func (e *ServerError) Message() string { return e.message }

// NonRetryable reports whether the failure stops retries.
func (e *ServerError) NonRetryable() bool { return e.nonRetryable }

// Unwrap returns the cause.
func (e *ServerError) Unwrap() error { return e.cause }

// PanicError reports that an activity panicked. On the wire it is an
// application failure of type "PanicError" with the stack trace.
type PanicError struct {
	value      string
	stackTrace string
}

// NewPanicError returns a PanicError for the recovered value and stack.
func NewPanicError(value any, stackTrace string) *PanicError {
	return &PanicError{value: fmt.Sprint(value), stackTrace: stackTrace}
}

// Error returns the panic value as a string.
func (e *PanicError) Error() string { return e.value }

// Message returns the panic value as a string.
func (e *PanicError) Message() string { return e.value }

// StackTrace returns the stack trace captured at the panic.
func (e *PanicError) StackTrace() string { return e.stackTrace }

func withCause(msg string, cause error) string {
	if cause == nil {
		return msg
	}
	return msg + ": " + cause.Error()
}
