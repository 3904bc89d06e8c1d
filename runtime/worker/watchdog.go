package worker

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/temporalgen/temporalgen/runtime/internal/coro"
)

// watchdog detects workflow coroutines that run too long without yielding.
// It samples each in-flight task's scheduler step counter; a step that has
// not changed while a coroutine is running for longer than the timeout is a
// deadlock.
type watchdog struct {
	timeout time.Duration
	mu      sync.Mutex
	tasks   map[*watched]struct{}
}

type watched struct {
	sched      *coro.Scheduler
	lastStep   uint64
	since      time.Time
	state      atomic.Int32 // 0 running, 1 done, 2 abandoned by the watchdog
	onDeadlock func(name, stack string)
}

func newWatchdog(timeout time.Duration) *watchdog {
	return &watchdog{timeout: timeout, tasks: make(map[*watched]struct{})}
}

// watch starts watching a task's scheduler. The returned function stops
// watching and reports false if the watchdog already abandoned the task.
func (d *watchdog) watch(s *coro.Scheduler, onDeadlock func(name, stack string)) (done func() bool) {
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

func (d *watchdog) loop(ctx context.Context) {
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

func (d *watchdog) check(now time.Time) {
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
