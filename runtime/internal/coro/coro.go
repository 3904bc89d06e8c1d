// Package coro runs workflow code as deterministic coroutines.
//
// A Scheduler owns a list of coroutines and runs exactly one at a time, in
// creation order, until every coroutine is blocked or finished. A coroutine
// blocks by calling WaitUntil with a condition; the scheduler evaluates the
// condition itself and only switches to the coroutine once it holds, so a
// blocked coroutine costs nothing until it can make progress.
//
// Coroutines are built on iter.Pull, which switches between goroutines
// without going through the Go scheduler's run queue; see BenchmarkSwitch.
//
// The scheduler counts steps (one step is one resumption of a coroutine).
// A watchdog at the edge (the worker) reads Step and Current to detect a
// coroutine that does not yield, and RunningStack to report where it is
// stuck.
//
//	s := coro.New()
//	s.Spawn("root", func(c *coro.Coroutine) {
//		c.WaitUntil(func() bool { return ready })
//	})
//	err := s.Run() // runs until every coroutine is blocked or done
package coro

import (
	"bytes"
	"fmt"
	"iter"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"sync/atomic"
)

// errExit is the panic value used to unwind a coroutine that is being
// stopped. It never escapes the coroutine.
type exitSignal struct{}

// PanicError is returned by Run when workflow code panicked.
type PanicError struct {
	Coroutine string // name of the coroutine that panicked
	Value     any    // the value passed to panic
	Stack     string // the coroutine's stack at the panic
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic in %s: %v", e.Coroutine, e.Value)
}

// Coroutine is one unit of workflow code.
type Coroutine struct {
	s      *Scheduler
	name   string
	next   func() (struct{}, bool)
	stop   func()
	yield  func(struct{}) bool
	fn     func(c *Coroutine)
	parked bool // finished and waiting for reuse
	cond   func() bool
	done   bool
	goid   atomic.Int64
}

// Name returns the name given to Spawn.
func (c *Coroutine) Name() string { return c.name }

// Done reports whether the coroutine's function has returned.
func (c *Coroutine) Done() bool { return c.done }

// WaitUntil blocks the coroutine until cond returns true. cond must not
// block or change state; the scheduler may call it many times.
func (c *Coroutine) WaitUntil(cond func() bool) {
	if cond() {
		return
	}
	c.cond = cond
	if !c.yield(struct{}{}) {
		panic(exitSignal{})
	}
}

// Yield lets every other runnable coroutine run before this one continues.
func (c *Coroutine) Yield() {
	c.cond = alwaysTrue
	if !c.yield(struct{}{}) {
		panic(exitSignal{})
	}
}

func alwaysTrue() bool { return true }

// Scheduler runs coroutines one at a time in a deterministic order.
type Scheduler struct {
	coros   []*Coroutine
	current atomic.Pointer[Coroutine]
	err     error
	step    atomic.Uint64
	first   int // insertion point of SpawnFirst
	free    []*Coroutine
	pool    *Pool
}

// New returns an empty scheduler.
func New() *Scheduler { return &Scheduler{} }

// NewWithPool returns an empty scheduler that takes finished coroutines
// from pool when it has none of its own and gives its own back on Trim.
// A nil pool is allowed and means none.
func NewWithPool(pool *Pool) *Scheduler { return &Scheduler{pool: pool} }

// Spawn adds a coroutine that runs fn. It starts on the next pass of Run (or
// later in the current pass when called from a coroutine).
func (s *Scheduler) Spawn(name string, fn func(c *Coroutine)) *Coroutine {
	c := s.newCoroutine(name, fn)
	s.coros = append(s.coros, c)
	return c
}

// SpawnFirst adds a coroutine that runs before every existing one on the
// next pass of Run. Coroutines added with SpawnFirst between two calls of
// Run keep their order. It must not be called while Run is running.
func (s *Scheduler) SpawnFirst(name string, fn func(c *Coroutine)) *Coroutine {
	c := s.newCoroutine(name, fn)
	s.coros = slices.Insert(s.coros, s.first, c)
	s.first++
	return c
}

func (s *Scheduler) newCoroutine(name string, fn func(c *Coroutine)) *Coroutine {
	if n := len(s.free); n > 0 {
		// Reuse a finished coroutine's goroutine: creating one costs far
		// more than a switch.
		c := s.free[n-1]
		s.free = s.free[:n-1]
		c.name, c.fn, c.done, c.cond = name, fn, false, nil
		return c
	}
	if c := s.pool.get(); c != nil {
		c.s, c.name, c.fn, c.done, c.cond = s, name, fn, false, nil
		return c
	}
	c := &Coroutine{s: s, name: name, fn: fn}
	c.next, c.stop = iter.Pull(func(yield func(struct{}) bool) {
		c.yield = yield
		c.goid.Store(curGoroutineID())
		for c.runFn() {
			// Park until compact puts the coroutine in the free list and
			// Spawn reuses it, or Close stops it.
			c.done, c.fn, c.parked = true, nil, true
			if !yield(struct{}{}) {
				return
			}
			c.parked = false
		}
	})
	return c
}

// maxFree bounds the finished coroutines kept for reuse while a task is
// processed (Trim drops them after).
const maxFree = 256

// runFn runs the coroutine's function; it reports false when the function
// panicked or the coroutine is being stopped.
func (c *Coroutine) runFn() (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			c.done, ok = true, false
			if _, exit := r.(exitSignal); exit {
				return
			}
			if c.s.err == nil {
				c.s.err = &PanicError{Coroutine: c.name, Value: r, Stack: string(debug.Stack())}
			}
		}
	}()
	c.fn(c)
	return true
}

// Trim gives the goroutines kept for reuse to the scheduler's pool, or
// ends them when there is no pool or it is full, for schedulers that go
// idle for a while (cached workflow runs).
func (s *Scheduler) Trim() {
	for _, c := range s.pool.put(s.free) {
		c.stop()
	}
	clear(s.free)
	s.free = s.free[:0]
}

// Current returns the coroutine that is running, or nil between steps. It
// is safe to call from any goroutine.
func (s *Scheduler) Current() *Coroutine { return s.current.Load() }

// Step returns the number of coroutine resumptions so far.
func (s *Scheduler) Step() uint64 { return s.step.Load() }

// Len returns the number of coroutines that have not finished.
func (s *Scheduler) Len() int {
	n := 0
	for _, c := range s.coros {
		if !c.done {
			n++
		}
	}
	return n
}

// Run resumes coroutines until none can make progress. It returns the first
// panic raised by workflow code as a *PanicError; after that the scheduler
// must be closed.
func (s *Scheduler) Run() error {
	s.first = 0
	for s.err == nil {
		progressed := false
		for i := 0; i < len(s.coros) && s.err == nil; i++ {
			c := s.coros[i]
			if c.done || (c.cond != nil && !c.cond()) {
				continue
			}
			c.cond = nil
			s.resume(c)
			progressed = true
		}
		if !progressed {
			break
		}
		s.compact()
	}
	return s.err
}

func (s *Scheduler) resume(c *Coroutine) {
	s.current.Store(c)
	s.step.Add(1)
	c.next()
	s.current.Store(nil)
}

func (s *Scheduler) compact() {
	live := s.coros[:0]
	for _, c := range s.coros {
		switch {
		case !c.done:
			live = append(live, c)
		case c.parked && len(s.free) < maxFree:
			s.free = append(s.free, c)
		case c.parked:
			c.stop()
		}
	}
	clear(s.coros[len(live):])
	s.coros = live
}

// Close unwinds every coroutine that has not finished, running its deferred
// functions. The scheduler cannot be used afterwards.
func (s *Scheduler) Close() {
	for _, c := range s.coros {
		c.stop()
	}
	s.coros = nil
	s.Trim()
}

// RunningStack returns the name and stack of the coroutine that is running
// now, or "" when none is. It is meant for the deadlock watchdog and is safe
// to call from any goroutine.
func (s *Scheduler) RunningStack() (name, stack string) {
	c := s.current.Load()
	if c == nil {
		return "", ""
	}
	return c.name, GoroutineStack(c.goid.Load())
}

// Stacks returns the stack of every unfinished coroutine, keyed by name, in
// creation order, formatted for the __stack_trace query.
func (s *Scheduler) Stacks() string {
	var b bytes.Buffer
	all := allStacks()
	for _, c := range s.coros {
		if c.done {
			continue
		}
		fmt.Fprintf(&b, "coroutine %s [blocked]:\n%s\n", c.name, stackFor(all, c.goid.Load()))
	}
	return b.String()
}

// GoroutineStack returns the stack of the goroutine with the given id.
func GoroutineStack(id int64) string { return stackFor(allStacks(), id) }

func allStacks() []byte {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

func stackFor(all []byte, id int64) string {
	prefix := []byte("goroutine " + strconv.FormatInt(id, 10) + " [")
	for part := range bytes.SplitSeq(all, []byte("\n\n")) {
		if bytes.HasPrefix(part, prefix) {
			return string(part)
		}
	}
	return ""
}

func curGoroutineID() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		id, err := strconv.ParseInt(string(b[:i]), 10, 64)
		if err == nil {
			return id
		}
	}
	return 0
}

// IsExit reports whether v, a recovered panic value, is the signal that
// unwinds a coroutine being stopped: code that recovers panics must
// panic with it again.
func IsExit(v any) bool {
	_, ok := v.(exitSignal)
	return ok
}
