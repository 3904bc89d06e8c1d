package workflow

import (
	"iter"
	"time"

	"github.com/temporalgen/temporalgen/runtime/temporal"
)

// Channel is a deterministic channel for workflow code, which must not use
// Go's channels: its operations block the calling workflow coroutine, not
// the goroutine. Channels are created with NewChannel or
// NewBufferedChannel.
type Channel[T any] struct{ c *chanState[T] }

type chanState[T any] struct {
	buf      []T
	cap      int
	closed   bool
	pending  []T   // values offered by blocked senders of an unbuffered channel
	sent     int64 // values taken from pending so far
	offered  int64 // values ever put in pending
	receives int   // receivers blocked right now
}

// NewChannel returns an unbuffered channel: Send blocks until a receiver
// takes the value.
func NewChannel[T any](ctx Context) Channel[T] {
	impl(ctx)
	return Channel[T]{&chanState[T]{}}
}

// NewBufferedChannel returns a channel holding up to size values.
func NewBufferedChannel[T any](ctx Context, size int) Channel[T] {
	impl(ctx)
	return Channel[T]{&chanState[T]{cap: size}}
}

// Send sends v, blocking while the channel is full (or, unbuffered, until a
// receiver takes v). It returns a *temporal.CanceledError if ctx is
// cancelled first. Sending on a closed channel panics, like Go's channels.
func (ch Channel[T]) Send(ctx Context, v T) error {
	c := ch.c
	if c.closed {
		panic("workflow: send on closed channel")
	}
	if c.cap > 0 {
		if err := Await(ctx, func() bool { return len(c.buf) < c.cap || c.closed }); err != nil {
			return err
		}
		if c.closed {
			panic("workflow: send on closed channel")
		}
		c.buf = append(c.buf, v)
		return nil
	}
	c.pending = append(c.pending, v)
	c.offered++
	mine := c.offered
	return Await(ctx, func() bool { return c.sent >= mine })
}

// SendAsync sends v if it can do so without blocking and reports whether
// it did.
func (ch Channel[T]) SendAsync(v T) bool {
	c := ch.c
	if c.closed {
		panic("workflow: send on closed channel")
	}
	if c.cap > 0 && len(c.buf) < c.cap {
		c.buf = append(c.buf, v)
		return true
	}
	if c.cap == 0 && c.receives > len(c.pending) {
		c.pending = append(c.pending, v)
		c.offered++
		return true
	}
	return false
}

// Receive waits for a value. ok is false when the channel is closed and
// empty. err is a *temporal.CanceledError if ctx is cancelled first.
func (ch Channel[T]) Receive(ctx Context) (v T, ok bool, err error) {
	c := ch.c
	c.receives++
	err = Await(ctx, func() bool { return ch.ready() })
	c.receives--
	if err != nil {
		return v, false, err
	}
	v, ok = ch.ReceiveAsync()
	return v, ok, nil
}

// ReceiveAsync takes a value if one is ready; ok is false otherwise.
func (ch Channel[T]) ReceiveAsync() (v T, ok bool) {
	c := ch.c
	if len(c.buf) > 0 {
		v, c.buf = c.buf[0], c.buf[1:]
		return v, true
	}
	if len(c.pending) > 0 {
		v, c.pending = c.pending[0], c.pending[1:]
		c.sent++
		return v, true
	}
	return v, false
}

// ready reports whether Receive would return without blocking.
func (ch Channel[T]) ready() bool {
	c := ch.c
	return len(c.buf) > 0 || len(c.pending) > 0 || c.closed
}

// Len returns the number of values waiting in the channel.
func (ch Channel[T]) Len() int { return len(ch.c.buf) + len(ch.c.pending) }

// Close closes the channel; receivers get the remaining values, then
// ok=false.
func (ch Channel[T]) Close() { ch.c.closed = true }

// Selector waits for the first of several channel receives or futures,
// like Go's select statement does for channels. Add cases with
// AddReceive, AddFuture and AddDefault, then call Select.
type Selector struct {
	cases []selectCase
	def   func()
}

type selectCase struct {
	ready func() bool
	run   func()
}

// NewSelector returns an empty selector.
func NewSelector(ctx Context) *Selector {
	impl(ctx)
	return &Selector{}
}

// AddReceive adds a case that receives from ch and calls fn with the value.
func AddReceive[T any](s *Selector, ch Channel[T], fn func(v T, ok bool)) *Selector {
	s.cases = append(s.cases, selectCase{ready: ch.ready, run: func() { fn(ch.ReceiveAsync()) }})
	return s
}

// AddFuture adds a case that calls fn once f is ready.
func AddFuture[T any](s *Selector, f Future[T], fn func(f Future[T])) *Selector {
	s.cases = append(s.cases, selectCase{ready: f.IsReady, run: func() { fn(f) }})
	return s
}

// AddDefault sets the function run when no case is ready.
func (s *Selector) AddDefault(fn func()) *Selector {
	s.def = fn
	return s
}

// HasPending reports whether a case is ready now.
func (s *Selector) HasPending() bool {
	for _, c := range s.cases {
		if c.ready() {
			return true
		}
	}
	return false
}

// Select waits until a case is ready and runs the first ready one, in the
// order the cases were added. With a default case it never blocks.
func (s *Selector) Select(ctx Context) error {
	for {
		for _, c := range s.cases {
			if c.ready() {
				c.run()
				return nil
			}
		}
		if s.def != nil {
			s.def()
			return nil
		}
		if err := Await(ctx, s.HasPending); err != nil {
			return err
		}
	}
}

// AsCompleted yields the futures in the order they become ready (futures
// ready at the same moment in slice order, so replays see the same
// order). With a timeout > 0, iteration ends with a *temporal.TimeoutError
// if the rest are not ready in time; a cancelled ctx ends it with
// a *temporal.CanceledError.
func AsCompleted[T any](ctx Context, fs []Future[T], timeout time.Duration) iter.Seq2[Future[T], error] {
	return func(yield func(Future[T], error) bool) {
		done := make([]bool, len(fs))
		left := len(fs)
		var timer Future[struct{}]
		tctx, cancel := WithCancel(ctx)
		defer cancel()
		if timeout > 0 {
			timer = NewTimer(tctx, timeout)
		}
		for left > 0 {
			ready := func() bool {
				for i, f := range fs {
					if !done[i] && f.IsReady() {
						return true
					}
				}
				return false
			}
			if err := Await(ctx, func() bool { return ready() || timer.IsReady() }); err != nil {
				yield(Future[T]{}, err)
				return
			}
			if !ready() {
				yield(Future[T]{}, temporal.NewTimeoutError(0, nil))
				return
			}
			for i, f := range fs {
				if !done[i] && f.IsReady() {
					done[i] = true
					left--
					if !yield(f, nil) {
						return
					}
				}
			}
		}
	}
}

// Mutex is a lock for workflow coroutines (signal and update handlers, Go
// coroutines) that must not interleave across blocking calls.
type Mutex struct{ locked bool }

// NewMutex returns an unlocked mutex.
func NewMutex(ctx Context) *Mutex {
	impl(ctx)
	return &Mutex{}
}

// Lock waits for the mutex; it returns a *temporal.CanceledError if ctx is
// cancelled first.
func (m *Mutex) Lock(ctx Context) error {
	if err := Await(ctx, func() bool { return !m.locked }); err != nil {
		return err
	}
	m.locked = true
	return nil
}

// TryLock takes the mutex if it is free.
func (m *Mutex) TryLock() bool {
	if m.locked {
		return false
	}
	m.locked = true
	return true
}

// Unlock releases the mutex.
func (m *Mutex) Unlock() {
	if !m.locked {
		panic("workflow: unlock of unlocked mutex")
	}
	m.locked = false
}

// Semaphore limits how many coroutines hold a resource at once.
type Semaphore struct {
	size, used int64
}

// NewSemaphore returns a semaphore with size permits.
func NewSemaphore(ctx Context, size int64) *Semaphore {
	impl(ctx)
	return &Semaphore{size: size}
}

// Acquire waits for n permits.
func (s *Semaphore) Acquire(ctx Context, n int64) error {
	if err := Await(ctx, func() bool { return s.used+n <= s.size }); err != nil {
		return err
	}
	s.used += n
	return nil
}

// TryAcquire takes n permits if they are free.
func (s *Semaphore) TryAcquire(n int64) bool {
	if s.used+n > s.size {
		return false
	}
	s.used += n
	return true
}

// Release returns n permits.
func (s *Semaphore) Release(n int64) {
	if n > s.used {
		panic("workflow: semaphore released more than acquired")
	}
	s.used -= n
}
