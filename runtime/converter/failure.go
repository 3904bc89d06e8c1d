package converter

import (
	"errors"
	"fmt"
	"reflect"

	commonpb "go.temporal.io/api/common/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// FailureSource is the source written into failures this package creates.
const FailureSource = "temporalgen"

// panicErrorType is the application failure type of a PanicError.
const panicErrorType = "PanicError"

// encodedFailureMessage replaces the message of failures whose common
// attributes are encoded.
const encodedFailureMessage = "Encoded failure"

// MaxFailureDepth is the longest cause chain the standard failure
// converter keeps, in either direction. A longer chain (a failure from
// the wire nested deeper, or an error whose Unwrap chain is longer or
// loops) is cut: its MaxFailureDepth-th link is replaced by an
// application failure of type TruncatedCausesType saying so.
const MaxFailureDepth = 100

// TruncatedCausesType is the application failure type of the link that
// replaces the causes past MaxFailureDepth.
const TruncatedCausesType = "TruncatedCauses"

// truncatedCauses returns the link that replaces the causes past
// MaxFailureDepth.
func truncatedCauses() error {
	msg := fmt.Sprintf("deeper causes dropped: a cause chain holds at most %d failures", MaxFailureDepth)
	return temporal.NewNonRetryableApplicationError(msg, TruncatedCausesType, nil)
}

// FailureConverter converts errors to and from Temporal failures.
type FailureConverter interface {
	// ErrorToFailure converts err and its causes; nil gives nil.
	ErrorToFailure(err error) *failurepb.Failure
	// FailureToError converts f and its causes; nil gives nil.
	FailureToError(f *failurepb.Failure) error
}

// FailureConverterOptions configures NewFailureConverter.
type FailureConverterOptions struct {
	// EncodeCommonAttributes moves each failure's message and stack trace
	// into encoded_attributes (a {"message","stack_trace"} value converted
	// with the data converter), so codecs such as encryption apply to them.
	// The visible message becomes "Encoded failure".
	EncodeCommonAttributes bool
}

type failureConverter struct {
	dc   DataConverter
	opts FailureConverterOptions
}

// NewFailureConverter returns the standard FailureConverter. It encodes and
// decodes details with dc (Default() when nil).
func NewFailureConverter(dc DataConverter, opts FailureConverterOptions) FailureConverter {
	if dc == nil {
		dc = Default()
	}
	return &failureConverter{dc: dc, opts: opts}
}

// encodedAttributes is the JSON shape of encoded_attributes.
type encodedAttributes struct {
	Message    string `json:"message"`
	StackTrace string `json:"stack_trace"`
}

// messager is implemented by error types of package temporal; Message
// excludes the cause, which travels separately.
type messager interface{ Message() string }

// ErrorToFailure converts err: errors of package temporal map to their
// failure_info, PanicError to an application failure of type "PanicError",
// and any other error to a retryable application failure whose type is its
// Go type name (empty for errors.New errors, as in sdk-go). The cause is the
// error's Unwrap result, converted recursively. Details that cannot be
// encoded are dropped and the reason is appended to the message.
func (c *failureConverter) ErrorToFailure(err error) *failurepb.Failure {
	return c.errorToFailure(err, 1)
}

// errorToFailure converts err, the depth-th link of its chain.
func (c *failureConverter) errorToFailure(err error, depth int) *failurepb.Failure {
	if err == nil {
		return nil
	}
	if depth >= MaxFailureDepth && errors.Unwrap(err) != nil {
		err = truncatedCauses()
	}
	f := &failurepb.Failure{Source: FailureSource, Message: err.Error()}
	if m, ok := err.(messager); ok {
		f.Message = m.Message()
	}
	switch e := err.(type) {
	case *temporal.ApplicationError:
		var delay *durationpb.Duration
		if e.NextRetryDelay() != 0 {
			delay = durationpb.New(e.NextRetryDelay())
		}
		f.FailureInfo = &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{
			Type:           e.Type(),
			NonRetryable:   e.NonRetryable(),
			Details:        c.details(f, e.EncodedDetails(), e.DetailValues()),
			NextRetryDelay: delay,
			Category:       e.Category(),
		}}
	case *temporal.CanceledError:
		f.FailureInfo = &failurepb.Failure_CanceledFailureInfo{CanceledFailureInfo: &failurepb.CanceledFailureInfo{
			Details: c.details(f, e.EncodedDetails(), e.DetailValues()),
		}}
	case *temporal.TimeoutError:
		f.FailureInfo = &failurepb.Failure_TimeoutFailureInfo{TimeoutFailureInfo: &failurepb.TimeoutFailureInfo{
			TimeoutType:          e.TimeoutType(),
			LastHeartbeatDetails: c.details(f, e.EncodedLastHeartbeatDetails(), e.LastHeartbeatDetailValues()),
		}}
	case *temporal.TerminatedError:
		f.FailureInfo = &failurepb.Failure_TerminatedFailureInfo{TerminatedFailureInfo: &failurepb.TerminatedFailureInfo{}}
	case *temporal.ServerError:
		f.FailureInfo = &failurepb.Failure_ServerFailureInfo{ServerFailureInfo: &failurepb.ServerFailureInfo{
			NonRetryable: e.NonRetryable(),
		}}
	case *temporal.PanicError:
		f.StackTrace = e.StackTrace()
		f.FailureInfo = &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{
			Type: panicErrorType,
		}}
	case *temporal.ActivityError:
		f.FailureInfo = &failurepb.Failure_ActivityFailureInfo{ActivityFailureInfo: &failurepb.ActivityFailureInfo{
			ScheduledEventId: e.ScheduledEventID(),
			StartedEventId:   e.StartedEventID(),
			Identity:         e.Identity(),
			ActivityType:     &commonpb.ActivityType{Name: e.ActivityType()},
			ActivityId:       e.ActivityID(),
			RetryState:       e.RetryState(),
		}}
	case *temporal.NexusOperationError:
		f.Message = e.Message
		f.FailureInfo = &failurepb.Failure_NexusOperationExecutionFailureInfo{NexusOperationExecutionFailureInfo: &failurepb.NexusOperationFailureInfo{
			Endpoint: e.Endpoint, Service: e.Service, Operation: e.Operation,
			OperationToken: e.OperationToken, ScheduledEventId: e.ScheduledEventID,
		}}
	case *temporal.ChildWorkflowError:
		f.FailureInfo = &failurepb.Failure_ChildWorkflowExecutionFailureInfo{ChildWorkflowExecutionFailureInfo: &failurepb.ChildWorkflowExecutionFailureInfo{
			Namespace:         e.Namespace(),
			WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: e.WorkflowID(), RunId: e.RunID()},
			WorkflowType:      &commonpb.WorkflowType{Name: e.WorkflowType()},
			InitiatedEventId:  e.InitiatedEventID(),
			StartedEventId:    e.StartedEventID(),
			RetryState:        e.RetryState(),
		}}
	default:
		f.FailureInfo = &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{
			Type: goErrorType(err),
		}}
	}
	f.Cause = c.errorToFailure(errors.Unwrap(err), depth+1)
	if c.opts.EncodeCommonAttributes {
		c.encodeAttributes(f)
	}
	return f
}

// details returns the wire form of error details, preferring already
// encoded payloads.
func (c *failureConverter) details(f *failurepb.Failure, encoded *commonpb.Payloads, values []any) *commonpb.Payloads {
	if encoded != nil {
		return encoded
	}
	ps, err := c.dc.ToPayloads(values...)
	if err != nil {
		f.Message += fmt.Sprintf(" [details dropped: %v]", err)
		return nil
	}
	return ps
}

func (c *failureConverter) encodeAttributes(f *failurepb.Failure) {
	p, err := c.dc.ToPayload(encodedAttributes{Message: f.GetMessage(), StackTrace: f.GetStackTrace()})
	if err != nil {
		// Leave the failure readable rather than lose the message.
		return
	}
	f.EncodedAttributes = p
	f.Message = encodedFailureMessage
	f.StackTrace = ""
}

// goErrorType returns the name of err's type without package and pointers.
// errors.New errors have no meaningful type and give "", as in sdk-go.
func goErrorType(err error) string {
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.PkgPath() == "errors" && t.Name() == "errorString" {
		return ""
	}
	return t.Name()
}

// FailureToError converts f: each failure_info maps to its temporal error
// type, application failures of type "PanicError" to PanicError, and
// failures without (or with an unknown) failure_info to an ApplicationError
// with an empty type. encoded_attributes, when present and decodable,
// supply message and stack trace. f is not modified.
func (c *failureConverter) FailureToError(f *failurepb.Failure) error {
	return c.failureToError(f, 1)
}

// failureToError converts f, the depth-th link of its chain.
func (c *failureConverter) failureToError(f *failurepb.Failure, depth int) error {
	if f == nil {
		return nil
	}
	if depth >= MaxFailureDepth && f.GetCause() != nil {
		return truncatedCauses()
	}
	message, stack := f.GetMessage(), f.GetStackTrace()
	if ea := f.GetEncodedAttributes(); ea != nil {
		var attrs encodedAttributes
		if err := c.dc.FromPayload(ea, &attrs); err == nil {
			message, stack = attrs.Message, attrs.StackTrace
		}
	}
	cause := c.failureToError(f.GetCause(), depth+1)
	switch {
	case f.GetApplicationFailureInfo() != nil:
		info := f.GetApplicationFailureInfo()
		if info.GetType() == panicErrorType {
			return temporal.NewPanicError(message, stack)
		}
		delay := info.GetNextRetryDelay().AsDuration()
		return temporal.NewApplicationErrorFromWire(message, temporal.ApplicationErrorOptions{
			Type:           info.GetType(),
			NonRetryable:   info.GetNonRetryable(),
			Cause:          cause,
			NextRetryDelay: delay,
			Category:       info.GetCategory(),
		}, info.GetDetails(), c.dc)
	case f.GetCanceledFailureInfo() != nil:
		return temporal.NewCanceledErrorFromWire(message, f.GetCanceledFailureInfo().GetDetails(), c.dc)
	case f.GetTimeoutFailureInfo() != nil:
		info := f.GetTimeoutFailureInfo()
		return temporal.NewTimeoutErrorFromWire(message, info.GetTimeoutType(), cause, info.GetLastHeartbeatDetails(), c.dc)
	case f.GetTerminatedFailureInfo() != nil:
		return temporal.NewTerminatedError()
	case f.GetServerFailureInfo() != nil:
		return temporal.NewServerError(message, f.GetServerFailureInfo().GetNonRetryable(), cause)
	case f.GetResetWorkflowFailureInfo() != nil:
		return temporal.NewApplicationErrorFromWire(message, temporal.ApplicationErrorOptions{NonRetryable: true, Cause: cause},
			f.GetResetWorkflowFailureInfo().GetLastHeartbeatDetails(), c.dc)
	case f.GetActivityFailureInfo() != nil:
		info := f.GetActivityFailureInfo()
		return temporal.NewActivityError(info.GetScheduledEventId(), info.GetStartedEventId(), info.GetIdentity(),
			info.GetActivityType().GetName(), info.GetActivityId(), info.GetRetryState(), cause)
	case f.GetNexusOperationExecutionFailureInfo() != nil:
		info := f.GetNexusOperationExecutionFailureInfo()
		return &temporal.NexusOperationError{Message: message, Endpoint: info.GetEndpoint(), Service: info.GetService(),
			Operation: info.GetOperation(), OperationToken: info.GetOperationToken(), ScheduledEventID: info.GetScheduledEventId(), Cause: cause}
	case f.GetChildWorkflowExecutionFailureInfo() != nil:
		info := f.GetChildWorkflowExecutionFailureInfo()
		return temporal.NewChildWorkflowError(info.GetNamespace(), info.GetWorkflowExecution().GetWorkflowId(),
			info.GetWorkflowExecution().GetRunId(), info.GetWorkflowType().GetName(), info.GetInitiatedEventId(),
			info.GetStartedEventId(), info.GetRetryState(), cause)
	}
	return temporal.NewApplicationErrorFromWire(message, temporal.ApplicationErrorOptions{Cause: cause}, nil, c.dc)
}
