package coro

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Watchdog detects workflow coroutines that run too long without
// yielding. It samples the step counter of each scheduler it watches; a
// counter that has not moved while a coroutine is running for longer than
// the timeout is a deadlock. Its Loop goroutine is the only clock it uses.
type Watchdog struct {
	timeout time.Duration
	mu      sync.Mutex
	tasks   map[*watched]struct{}
}

type watched struct {
	sched      *Scheduler
	lastStep   uint64
	since      time.Time
	state      atomic.Int32 // 0 running, 1 done, 2 abandoned by the watchdog
	onDeadlock func(name, stack string)
}

// Stuck names the coroutine a Watchdog found not yielding.
type Stuck struct {
	Coroutine string
	Stack     string
}

// NewWatchdog returns a watchdog with the given timeout; run its Loop.
func NewWatchdog(timeout time.Duration) *Watchdog {
	return &Watchdog{timeout: timeout, tasks: make(map[*watched]struct{})}
}

// Timeout returns the watchdog's timeout.
func (d *Watchdog) Timeout() time.Duration { return d.timeout }

// Guard runs fn, which runs coroutines of s, on a goroutine started with
// spawn (nil: go), and returns its result — unless a coroutine of s stops
// yielding for the timeout first. Then it returns the stuck coroutine, and
// fn's goroutine is left to finish on its own: the scheduler must never
// be used again.
func Guard[T any](d *Watchdog, s *Scheduler, spawn func(func()), fn func() T) (T, *Stuck) {
	stuck := make(chan *Stuck, 1)
	done := d.Watch(s, func(name, stack string) { stuck <- &Stuck{Coroutine: name, Stack: stack} })
	res := make(chan T, 1)
	if spawn == nil {
		spawn = func(f func()) { go f() }
	}
	spawn(func() { res <- fn() })
	var zero T
	select {
	case r := <-res:
		if done() {
			return r, nil
		}
		// The watchdog fired just as fn finished.
		return zero, <-stuck
	case st := <-stuck:
		return zero, st
	}
}

// Watch starts watching a scheduler: onDeadlock is called (on a goroutine
// of its own) if a coroutine of s stops yielding for the timeout. The
// returned function stops watching and reports false if the watchdog
// already declared s stuck. Guard is the usual way to use it; a driver
// that runs the scheduler on its own goroutine uses Watch directly.
func (d *Watchdog) Watch(s *Scheduler, onDeadlock func(name, stack string)) (done func() bool) {
	t := &watched{sched: s, lastStep: s.Step(), since: time.Now(), onDeadlock: onDeadlock}
	d.mu.Lock()
	d.tasks[t] = struct{}{}
	d.mu.Unlock()
	return func() bool {
		d.mu.Lock()
		delete(d.tasks, t)
		d.mu.Unlock()
		return t.state.CompareAndSwap(0, 1)
	}
}

// Loop samples the watched schedulers until ctx is done.
func (d *Watchdog) Loop(ctx context.Context) {
	tick := time.NewTicker(d.timeout / 10)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			d.check(now)
		}
	}
}

func (d *Watchdog) check(now time.Time) {
	d.mu.Lock()
	var stuck []*watched
	for t := range d.tasks {
		step := t.sched.Step()
		if step != t.lastStep || t.sched.Current() == nil {
			t.lastStep, t.since = step, now
			continue
		}
		if now.Sub(t.since) >= d.timeout && t.state.CompareAndSwap(0, 2) {
			delete(d.tasks, t)
			stuck = append(stuck, t)
		}
	}
	d.mu.Unlock()
	for _, t := range stuck {
		name, stack := t.sched.RunningStack()
		go t.onDeadlock(name, stack)
	}
}
