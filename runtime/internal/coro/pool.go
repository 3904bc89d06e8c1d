package coro

import "sync"

// Pool keeps finished coroutines, parked on their goroutines, for reuse by
// any scheduler that shares it. A workflow task typically starts a
// coroutine per update or signal handler; taking one from the pool skips
// starting a goroutine and growing its stack again. A worker shares one
// pool between all its runs. It is safe for concurrent use.
type Pool struct {
	mu     sync.Mutex
	free   []*Coroutine
	max    int
	closed bool
}

// NewPool returns a pool that keeps at most max coroutines.
func NewPool(max int) *Pool { return &Pool{max: max} }

// get takes a coroutine out of the pool, or returns nil.
func (p *Pool) get() *Coroutine {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.free)
	if n == 0 {
		return nil
	}
	c := p.free[n-1]
	p.free[n-1] = nil
	p.free = p.free[:n-1]
	return c
}

// put adds parked coroutines to the pool and returns those it has no room
// for; the caller stops them.
func (p *Pool) put(cs []*Coroutine) []*Coroutine {
	if p == nil || len(cs) == 0 {
		return cs
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return cs
	}
	n := min(len(cs), p.max-len(p.free))
	if n <= 0 {
		return cs
	}
	for _, c := range cs[:n] {
		c.s = nil // belongs to no scheduler while pooled
	}
	p.free = append(p.free, cs[:n]...)
	return cs[n:]
}

// Len returns the number of coroutines in the pool.
func (p *Pool) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.free)
}

// Close ends the pooled coroutines' goroutines. Coroutines put afterwards
// are not kept.
func (p *Pool) Close() {
	p.mu.Lock()
	free := p.free
	p.free, p.closed = nil, true
	p.mu.Unlock()
	for _, c := range free {
		c.stop()
	}
}
