package worker

import (
	"time"

	"github.com/temporalgen/temporalgen/runtime/internal/backoff"
)

// Backoff is the schedule on which a worker retries after a failed poll
// or a failed report of an activity outcome (Options.PollBackoff). Retry n waits Initial·Multiplier^(n−1),
// capped at Max, and Jitter spreads each wait uniformly over
// [d·(1−Jitter), d·(1+Jitter)] (still capped at Max) so that workers that
// fail together do not retry in lock step. A success starts the schedule
// over.
//
// The zero value is the default schedule, and each zero field takes its
// default: 200ms doubling up to 10s with ±20% jitter. A negative Jitter
// turns jitter off.
type Backoff struct {
	// Initial is the wait before the first retry (default 200ms).
	Initial time.Duration
	// Max bounds every wait (default 10s; raised to Initial if lower).
	Max time.Duration
	// Multiplier is the growth factor between retries (default 2; values
	// below 1 mean 1, a constant wait).
	Multiplier float64
	// Jitter is the fraction in (0, 1] by which each wait is randomly
	// spread (default 0.2; negative means no jitter, above 1 means 1).
	Jitter float64
}

// Delay returns the wait before retry number attempt (1-based; values
// below 1 mean 1), with the jitter drawn at random. Workers call it after
// each failed poll; it is exported so that a schedule can be inspected.
func (b Backoff) Delay(attempt int) time.Duration {
	return b.policy().Delay(attempt)
}

// policy converts b to the internal schedule. That fills the other zero
// fields with the defaults documented on Backoff, but reads a zero Jitter
// as none, so the default jitter is filled in here.
func (b Backoff) policy() backoff.Policy {
	p := backoff.Policy{Initial: b.Initial, Max: b.Max, Multiplier: b.Multiplier, Jitter: b.Jitter}
	if p.Jitter == 0 {
		p.Jitter = backoff.DefaultPolicy().Jitter
	}
	return p
}
