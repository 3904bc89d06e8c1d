package coro

import (
	"runtime"
	"testing"
)

// runOne spawns fn on s, runs s and then trims it, as the engine does at
// the end of a workflow task.
func runOne(t *testing.T, s *Scheduler, fn func(c *Coroutine)) {
	t.Helper()
	s.Spawn("h", fn)
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	s.Trim()
}

func TestPoolSharesGoroutinesBetweenSchedulers(t *testing.T) {
	p := NewPool(4)
	defer p.Close()
	a, b := NewWithPool(p), NewWithPool(p)
	defer a.Close()
	defer b.Close()
	var first, second *Coroutine
	runOne(t, a, func(c *Coroutine) { first = c })
	if p.Len() != 1 {
		t.Fatalf("pool holds %d coroutines after a's task, want 1", p.Len())
	}
	runOne(t, b, func(c *Coroutine) { second = c })
	if first != second || first.goid.Load() != second.goid.Load() {
		t.Errorf("b started a new coroutine (goroutine %d) instead of a's (%d)", second.goid.Load(), first.goid.Load())
	}
	// A panic in a reused coroutine is b's, not a's.
	b.Spawn("boom", func(*Coroutine) { panic("boom") })
	b.Trim()
	if err := b.Run(); err == nil {
		t.Fatal("b.Run: no error for a panic")
	}
	if err := a.Run(); err != nil {
		t.Fatalf("a.Run reports b's panic: %v", err)
	}
}

func TestPoolBoundedAndClosed(t *testing.T) {
	p := NewPool(2)
	s := NewWithPool(p)
	release := false
	for range 5 {
		s.Spawn("h", func(c *Coroutine) { c.WaitUntil(func() bool { return release }) })
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	release = true
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	s.Trim()
	if p.Len() != 2 {
		t.Fatalf("pool holds %d, want its bound 2", p.Len())
	}
	if n := before - runtime.NumGoroutine(); n != 3 {
		t.Errorf("%d goroutines ended on Trim, want the 3 the pool had no room for", n)
	}
	p.Close()
	if p.Len() != 0 {
		t.Fatalf("pool holds %d after Close", p.Len())
	}
	if n := before - runtime.NumGoroutine(); n != 5 {
		t.Errorf("%d goroutines ended after Close, want 5", n)
	}
	// After Close nothing is kept.
	runOne(t, s, func(*Coroutine) {})
	if p.Len() != 0 {
		t.Errorf("closed pool kept a coroutine")
	}
}
