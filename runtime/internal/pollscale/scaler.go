// Package pollscale sizes the set of concurrent long polls of one task
// queue: more pollers while polls come back with tasks (or the server
// suggests more), fewer while they come back empty (or the server
// suggests fewer), between a minimum and a maximum.
//
// A nil *Scaler is a fixed set: it never asks for a poller more or less.
package pollscale

import "sync"

// Scaler counts the pollers of one queue.
type Scaler struct {
	mu       sync.Mutex
	min, max int
	running  int
	onChange func(running int)
}

// New returns a scaler of initial pollers (clamped to [min, max]);
// onChange, if not nil, is told every new count (for a gauge).
func New(lo, hi, initial int, onChange func(int)) *Scaler {
	lo = max(1, lo)
	hi = max(lo, hi)
	return &Scaler{min: lo, max: hi, running: min(hi, max(lo, initial)), onChange: onChange}
}

// Initial returns the number of pollers to start with.
func (s *Scaler) Initial() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// AfterTask is told that a poll brought a task, and the server's
// suggestion (PollerScalingDecision's delta, 0 for none); it returns how
// many pollers to start besides the one that goes on polling.
func (s *Scaler) AfterTask(delta int32) int {
	if s == nil || delta < 0 {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := min(max(1, int(delta)), s.max-s.running)
	if n <= 0 {
		return 0
	}
	s.running += n
	s.changed()
	return n
}

// AfterEmpty is told that a poll came back without a task (or with the
// server suggesting fewer pollers, delta < 0); it reports whether the
// poller should stop.
func (s *Scaler) AfterEmpty() bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running <= s.min {
		return false
	}
	s.running--
	s.changed()
	return true
}

func (s *Scaler) changed() {
	if s.onChange != nil {
		s.onChange(s.running)
	}
}
