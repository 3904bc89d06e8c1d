package actworker

import (
	"errors"
	"slices"
	"time"

	"github.com/temporalgen/temporalgen/runtime/internal/backoff"
	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Retry applies an activity retry policy in process, with the server's
// defaults for unset fields: 1s initial interval, coefficient 2, maximum
// interval 100 times the initial one, unlimited attempts. Its delays come
// from package backoff, without jitter, as the server computes them.
type Retry struct {
	schedule    backoff.Policy
	maxAttempts int32
	nonRetry    []string
}

// RetrySchedule returns the schedule of policy p (nil: all defaults).
func RetrySchedule(p *temporal.RetryPolicy) Retry {
	var rp temporal.RetryPolicy
	if p != nil {
		rp = *p
	}
	initial := rp.InitialInterval
	if initial <= 0 {
		initial = time.Second
	}
	coeff := rp.BackoffCoefficient
	if coeff < 1 {
		coeff = 2
	}
	maxInterval := rp.MaximumInterval
	if maxInterval <= 0 {
		maxInterval = 100 * initial
	}
	return Retry{
		schedule:    backoff.Policy{Initial: initial, Max: maxInterval, Multiplier: coeff},
		maxAttempts: rp.MaximumAttempts,
		nonRetry:    rp.NonRetryableErrorTypes,
	}
}

// Next says whether attempt, which failed with err, is retried, and after
// what delay: an application error's NextRetryDelay wins over the
// schedule. Non-retryable application errors, the policy's
// non-retryable types, cancellation and the last allowed attempt are not
// retried.
func (r Retry) Next(err error, attempt int32) (time.Duration, bool) {
	if temporal.IsCanceledError(err) || (r.maxAttempts > 0 && attempt >= r.maxAttempts) {
		return 0, false
	}
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		if ae.NonRetryable() || slices.Contains(r.nonRetry, ae.Type()) {
			return 0, false
		}
		if d := ae.NextRetryDelay(); d > 0 {
			return d, true
		}
	}
	// No jitter: 0.5 is the middle of the jitter range.
	return r.schedule.DelayWith(int(attempt), 0.5), true
}
