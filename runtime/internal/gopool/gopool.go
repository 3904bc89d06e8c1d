// Package gopool runs short functions on goroutines that are kept for
// reuse.
//
// A worker needs a goroutine whenever a poller takes a task (the poller
// handles the task and a successor takes over polling), for every workflow
// task step, and so on. A fresh goroutine starts with a small stack that
// the gRPC calls and the engine then grow, by copying, several times; a
// goroutine that has run one task already has the stack the next one
// needs. A Pool keeps up to maxIdle finished goroutines waiting for the
// next function, each for up to idleTimeout, and starts a new goroutine
// only when none is waiting:
//
//	p := gopool.New(64, 10*time.Second)
//	p.Go(func() { handle(task) })
//
// Go never blocks and never queues: a function always starts at once.
// Close ends the idle goroutines; a pool that is closed still runs
// functions, each on a goroutine of its own.
package gopool

import (
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for New: enough idle goroutines for a worker's bursts of
// tasks, kept long enough to bridge the gaps between them.
const (
	DefaultMaxIdle     = 64
	DefaultIdleTimeout = 30 * time.Second
)

// Pool keeps idle goroutines for reuse. Its zero value is not usable; use
// New.
type Pool struct {
	work        chan func()
	quit        chan struct{}
	closeOnce   sync.Once
	idle        atomic.Int32
	maxIdle     int32
	idleTimeout time.Duration
}

// New returns a pool that keeps at most maxIdle idle goroutines, each for
// at most idleTimeout.
func New(maxIdle int, idleTimeout time.Duration) *Pool {
	return &Pool{work: make(chan func()), quit: make(chan struct{}), maxIdle: int32(maxIdle), idleTimeout: idleTimeout}
}

// Close ends the idle goroutines and keeps none from now on. Functions
// that are running finish first.
func (p *Pool) Close() {
	p.closeOnce.Do(func() { close(p.quit) })
}

// Go runs f on an idle goroutine of the pool, or on a new one when none is
// idle.
func (p *Pool) Go(f func()) {
	select {
	case p.work <- f:
	default:
		go p.run(f)
	}
}

// Idle returns the number of goroutines waiting for work.
func (p *Pool) Idle() int { return int(p.idle.Load()) }

// run runs f and then, while the pool has room for it, waits for more.
func (p *Pool) run(f func()) {
	var timer *time.Timer
	for {
		f()
		f = nil
		select {
		case <-p.quit:
			return
		default:
		}
		if p.idle.Add(1) > p.maxIdle {
			p.idle.Add(-1)
			return
		}
		if timer == nil {
			timer = time.NewTimer(p.idleTimeout)
		} else {
			timer.Reset(p.idleTimeout)
		}
		select {
		case f = <-p.work:
			p.idle.Add(-1)
			timer.Stop()
		case <-timer.C:
			p.idle.Add(-1)
			return
		case <-p.quit:
			p.idle.Add(-1)
			timer.Stop()
			return
		}
	}
}
