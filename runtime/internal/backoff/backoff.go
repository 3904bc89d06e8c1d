// Package backoff computes and waits out retry delays for the runtime's
// pollers and RPC retries.
//
// A [Policy] describes an exponential schedule: attempt 1 waits Initial,
// each further attempt multiplies the previous delay by Multiplier, and no
// delay exceeds Max. Jitter spreads each delay uniformly over
// [d·(1−Jitter), d·(1+Jitter)] (still capped at Max) so that many workers
// restarting together do not hammer the server in lock step.
//
// [Policy.DelayWith] is a pure function of the attempt number and a random
// value supplied by the caller, which keeps it deterministic in tests;
// [Policy.Delay] draws that value from math/rand/v2 and is meant for the
// edges of the system. [Wait] sleeps for a delay unless the context ends
// first.
//
// A typical poll loop keeps an attempt counter, increments it after each
// failed call, waits [Policy.Delay] of it, and resets it to zero after a
// success. Zero fields of a Policy take the defaults listed on
// [DefaultPolicy], except Jitter: zero means no jitter.
package backoff

import (
	"context"
	"math"
	"math/rand/v2"
	"time"
)

// Policy is an exponential backoff schedule. The zero value is usable: each
// zero field but Jitter takes its value from [DefaultPolicy], and a zero
// Jitter means none.
type Policy struct {
	Initial    time.Duration // delay before the first retry
	Max        time.Duration // upper bound of any delay
	Multiplier float64       // growth factor between attempts; values < 1 mean 1
	Jitter     float64       // fraction in [0, 1] by which a delay is randomly spread
}

// DefaultPolicy is the schedule the runtime uses when a field is left zero:
// 200ms doubling up to 10s with ±20% jitter.
func DefaultPolicy() Policy {
	return Policy{Initial: 200 * time.Millisecond, Max: 10 * time.Second, Multiplier: 2, Jitter: 0.2}
}

// withDefaults returns p with zero fields replaced by the defaults.
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.Initial <= 0 {
		p.Initial = d.Initial
	}
	if p.Max <= 0 {
		p.Max = d.Max
	}
	if p.Max < p.Initial {
		p.Max = p.Initial
	}
	if p.Multiplier == 0 {
		p.Multiplier = d.Multiplier
	}
	if p.Multiplier < 1 {
		p.Multiplier = 1
	}
	if p.Jitter < 0 {
		p.Jitter = 0
	}
	if p.Jitter > 1 {
		p.Jitter = 1
	}
	return p
}

// DelayWith returns the delay before retry number attempt (1-based; values < 1
// are treated as 1). r must be in [0, 1); it selects the point within the
// jitter range, 0.5 meaning no jitter at all. The result is deterministic
// in attempt and r, never negative, and never more than Max.
func (p Policy) DelayWith(attempt int, r float64) time.Duration {
	p = p.withDefaults()
	if attempt < 1 {
		attempt = 1
	}
	d := float64(p.Initial) * math.Pow(p.Multiplier, float64(attempt-1))
	if d > float64(p.Max) || math.IsInf(d, 0) || math.IsNaN(d) {
		d = float64(p.Max)
	}
	if p.Jitter > 0 {
		d *= 1 + p.Jitter*(2*r-1)
	}
	if d > float64(p.Max) {
		d = float64(p.Max)
	}
	if d < 0 {
		d = 0
	}
	return time.Duration(d)
}

// Delay returns [Policy.DelayWith] for attempt with the jitter drawn from
// math/rand/v2.
func (p Policy) Delay(attempt int) time.Duration {
	return p.DelayWith(attempt, rand.Float64())
}

// Wait blocks for d or until ctx is done, whichever comes first. It returns
// nil after the full delay and ctx.Err() when the context ended it early.
func Wait(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
