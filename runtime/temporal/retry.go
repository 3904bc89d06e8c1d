package temporal

import (
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/types/known/durationpb"
)

// RetryPolicy describes how the server retries a failed activity or
// workflow. Zero fields mean "use the server default"; MaximumAttempts of 0
// means unlimited attempts.
type RetryPolicy struct {
	// InitialInterval is the delay before the first retry.
	InitialInterval time.Duration
	// BackoffCoefficient multiplies the delay after each retry (>= 1).
	BackoffCoefficient float64
	// MaximumInterval caps the delay between retries.
	MaximumInterval time.Duration
	// MaximumAttempts caps the number of attempts; 0 is unlimited.
	MaximumAttempts int32
	// NonRetryableErrorTypes lists ApplicationError types that are never
	// retried.
	NonRetryableErrorTypes []string
}

// ToProto converts p to its wire form. A nil policy converts to nil.
func (p *RetryPolicy) ToProto() *commonpb.RetryPolicy {
	if p == nil {
		return nil
	}
	return &commonpb.RetryPolicy{
		InitialInterval:        durationOrNil(p.InitialInterval),
		BackoffCoefficient:     p.BackoffCoefficient,
		MaximumInterval:        durationOrNil(p.MaximumInterval),
		MaximumAttempts:        p.MaximumAttempts,
		NonRetryableErrorTypes: append([]string(nil), p.NonRetryableErrorTypes...),
	}
}

// RetryPolicyFromProto converts a wire retry policy. A nil input converts
// to nil.
func RetryPolicyFromProto(p *commonpb.RetryPolicy) *RetryPolicy {
	if p == nil {
		return nil
	}
	return &RetryPolicy{
		InitialInterval:        p.GetInitialInterval().AsDuration(),
		BackoffCoefficient:     p.GetBackoffCoefficient(),
		MaximumInterval:        p.GetMaximumInterval().AsDuration(),
		MaximumAttempts:        p.GetMaximumAttempts(),
		NonRetryableErrorTypes: append([]string(nil), p.GetNonRetryableErrorTypes()...),
	}
}

func durationOrNil(d time.Duration) *durationpb.Duration {
	if d == 0 {
		return nil
	}
	return durationpb.New(d)
}
