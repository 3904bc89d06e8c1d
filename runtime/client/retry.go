package client

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/internal/backoff"
)

// RetryOptions is the schedule on which the client retries a failed call
// (Options.Retry). It applies to every unary RPC made through the client's
// connection, the worker's included; long polls (task polls, history waits,
// update waits) keep their own loops and are not retried here.
//
// A call is retried when the server answers Unavailable, ResourceExhausted,
// Aborted, Unknown or Internal, or DeadlineExceeded while the caller's
// context still has time (a deadline of the server's, or of one attempt).
// It is never retried on InvalidArgument, NotFound, AlreadyExists,
// FailedPrecondition, PermissionDenied, Unauthenticated, Canceled or the
// other codes, which a second try would not change.
//
// The retries of one call end with the caller's context. When that context
// has no deadline, MaxElapsed bounds them instead and AttemptTimeout bounds
// each attempt. The error of a call that ran out of time keeps the status
// code and details of the last attempt and says how many were made.
//
// The zero value is the default schedule; each zero field takes the
// default given on it.
type RetryOptions struct {
	// Initial is the wait before the first retry (default 100ms).
	Initial time.Duration
	// MaxInterval bounds every wait (default 5s).
	MaxInterval time.Duration
	// Multiplier is the growth factor between waits (default 1.7).
	Multiplier float64
	// Jitter is the fraction by which each wait is randomly spread (default
	// 0.2; negative means none).
	Jitter float64
	// ResourceExhaustedInitial and ResourceExhaustedMaxInterval replace
	// Initial and MaxInterval after a ResourceExhausted answer, so that an
	// overloaded or rate-limiting server is given room (defaults 1s and
	// 10s).
	ResourceExhaustedInitial     time.Duration
	ResourceExhaustedMaxInterval time.Duration
	// MaxElapsed bounds the retries of a call whose context has no deadline
	// (default 1 minute).
	MaxElapsed time.Duration
	// AttemptTimeout bounds each attempt of a call whose context has no
	// deadline (default 10s).
	AttemptTimeout time.Duration
	// MaxAttempts, when positive, bounds the attempts of a call, the first
	// included.
	MaxAttempts int
	// Disabled turns retries off: every call is made once.
	Disabled bool
}

// Defaults of RetryOptions.
const (
	DefaultRetryInitial                 = 100 * time.Millisecond
	DefaultRetryMaxInterval             = 5 * time.Second
	DefaultRetryMultiplier              = 1.7
	DefaultRetryJitter                  = 0.2
	DefaultResourceExhaustedInitial     = time.Second
	DefaultResourceExhaustedMaxInterval = 10 * time.Second
	DefaultRetryMaxElapsed              = time.Minute
	DefaultRetryAttemptTimeout          = 10 * time.Second
)

func (r RetryOptions) withDefaults() RetryOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&r.Initial, DefaultRetryInitial)
	def(&r.MaxInterval, DefaultRetryMaxInterval)
	def(&r.ResourceExhaustedInitial, DefaultResourceExhaustedInitial)
	def(&r.ResourceExhaustedMaxInterval, DefaultResourceExhaustedMaxInterval)
	def(&r.MaxElapsed, DefaultRetryMaxElapsed)
	def(&r.AttemptTimeout, DefaultRetryAttemptTimeout)
	if r.Multiplier == 0 {
		r.Multiplier = DefaultRetryMultiplier
	}
	if r.Jitter == 0 {
		r.Jitter = DefaultRetryJitter
	}
	return r
}

// policy returns the backoff schedule that follows an error of code.
func (r RetryOptions) policy(code codes.Code) backoff.Policy {
	p := backoff.Policy{Initial: r.Initial, Max: r.MaxInterval, Multiplier: r.Multiplier, Jitter: r.Jitter}
	if code == codes.ResourceExhausted {
		p.Initial, p.Max = r.ResourceExhaustedInitial, r.ResourceExhaustedMaxInterval
	}
	return p
}

// retryable reports whether an error of code may go away when the call is
// made again, given whether the caller's context is still live. A message
// larger than gRPC's limit (ResourceExhausted, but not an overload) fails
// the same way every time.
func retryable(err error, code codes.Code, ctxLive bool) bool {
	switch code {
	case codes.ResourceExhausted:
		return !IsMessageTooLarge(err)
	case codes.Unavailable, codes.Aborted, codes.Unknown, codes.Internal:
		return true
	case codes.DeadlineExceeded:
		return ctxLive
	}
	return false
}

// longPollMethods are the RPCs that wait on the server for something to
// happen; their callers loop themselves.
var longPollMethods = map[string]bool{
	workflowservice.WorkflowService_PollWorkflowTaskQueue_FullMethodName:       true,
	workflowservice.WorkflowService_PollActivityTaskQueue_FullMethodName:       true,
	workflowservice.WorkflowService_PollNexusTaskQueue_FullMethodName:          true,
	workflowservice.WorkflowService_PollWorkflowExecutionUpdate_FullMethodName: true,
	workflowservice.WorkflowService_UpdateWorkflowExecution_FullMethodName:     true,
	workflowservice.WorkflowService_ExecuteMultiOperation_FullMethodName:       true,
}

// isLongPoll reports whether a call to method with req waits on the
// server.
func isLongPoll(method string, req any) bool {
	if longPollMethods[method] {
		return true
	}
	if h, ok := req.(*workflowservice.GetWorkflowExecutionHistoryRequest); ok {
		return h.GetWaitNewEvent()
	}
	return false
}

// retryInterceptor retries failed unary calls on the schedule r.
func retryInterceptor(r RetryOptions) grpc.UnaryClientInterceptor {
	r = r.withDefaults()
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if r.Disabled || isLongPoll(method, req) {
			return invoker(ctx, method, req, reply, cc, opts...)
		}
		return r.call(ctx, func(ctx context.Context) error {
			return invoker(ctx, method, req, reply, cc, opts...)
		}, func(ctx context.Context, d time.Duration) (bool, error) {
			return backoff.WaitConn(ctx, cc, d)
		})
	}
}

// call makes attempt until it succeeds, fails for good, or the budget ends.
// wait sleeps between attempts (backoff.WaitConn outside tests); when it
// reports that the connection came back, the next attempt goes out at once
// and the schedule starts over.
func (r RetryOptions) call(ctx context.Context, attempt func(context.Context) error, wait func(context.Context, time.Duration) (reconnected bool, err error)) error {
	_, bounded := ctx.Deadline()
	if !bounded {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.MaxElapsed)
		defer cancel()
	}
	start := time.Now()
	step := 0 // position in the backoff schedule
	for n := 1; ; n++ {
		err := r.attempt(ctx, bounded, attempt)
		if err == nil {
			return nil
		}
		code := status.Code(err)
		if !retryable(err, code, ctx.Err() == nil) {
			if n > 1 && ctx.Err() != nil {
				return gaveUp(err, n, time.Since(start), ctx.Err())
			}
			return err
		}
		if r.MaxAttempts > 0 && n >= r.MaxAttempts {
			return gaveUp(err, n, time.Since(start), nil)
		}
		step++
		reconnected, werr := wait(ctx, r.policy(code).Delay(step))
		if werr != nil {
			return gaveUp(err, n, time.Since(start), werr)
		}
		if reconnected {
			step = 0
		}
	}
}

// attempt makes one attempt, bounded by AttemptTimeout when the caller's
// context has no deadline of its own.
func (r RetryOptions) attempt(ctx context.Context, bounded bool, attempt func(context.Context) error) error {
	if bounded {
		return attempt(ctx)
	}
	actx, cancel := context.WithTimeout(ctx, r.AttemptTimeout)
	defer cancel()
	return attempt(actx)
}

// IsMessageTooLarge reports whether err is gRPC's refusal of a request or
// response larger than its message size limit (the server's is 4 MiB by
// default; a workflow task completion or start request carrying too much
// payload data hits it). Such calls are not retried.
func IsMessageTooLarge(err error) bool {
	return status.Code(err) == codes.ResourceExhausted && strings.Contains(status.Convert(err).Message(), "message larger than max")
}

// gaveUp returns last, the error of the final attempt, with its status code
// and details kept and its message saying how many attempts were made and
// why retrying stopped (why is nil when MaxAttempts was reached).
func gaveUp(last error, attempts int, elapsed time.Duration, why error) error {
	st := status.Convert(last).Proto()
	reason := "attempt limit reached"
	if why != nil {
		reason = why.Error()
	}
	st.Message = fmt.Sprintf("%s (gave up after %d attempts in %s: %s)", st.GetMessage(), attempts, elapsed.Round(time.Millisecond), reason)
	return status.FromProto(st).Err()
}
