package gopool

import (
	"sync"
	"testing"
	"time"
)

func TestGoRunsEveryFunction(t *testing.T) {
	p := New(4, time.Minute)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[int]bool{}
	for i := range 100 {
		wg.Add(1)
		p.Go(func() {
			defer wg.Done()
			mu.Lock()
			seen[i] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(seen) != 100 {
		t.Fatalf("ran %d of 100 functions", len(seen))
	}
}

// waitIdle waits until the pool has n idle goroutines.
func waitIdle(t *testing.T, p *Pool, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for p.Idle() != n {
		if time.Now().After(deadline) {
			t.Fatalf("idle = %d, want %d", p.Idle(), n)
		}
		time.Sleep(time.Millisecond) // polling a counter: there is no event to wait for
	}
}

func TestGoReusesIdleGoroutine(t *testing.T) {
	p := New(1, time.Minute)
	defer p.Close()
	// Reuse is best effort (a goroutine counts as idle a moment before it
	// waits for work), so run tasks one after another and expect most of
	// them on the same goroutine.
	ids := map[uint64]bool{}
	for range 50 {
		done := make(chan uint64)
		p.Go(func() { done <- goid() })
		ids[<-done] = true
		waitIdle(t, p, 1)
	}
	if len(ids) > 10 {
		t.Errorf("50 sequential functions ran on %d goroutines, want most on one reused goroutine", len(ids))
	}
}

func TestIdleBoundedByMaxIdle(t *testing.T) {
	p := New(2, time.Minute)
	release := make(chan struct{})
	var started sync.WaitGroup
	for range 5 {
		started.Add(1)
		p.Go(func() { started.Done(); <-release })
	}
	started.Wait() // all five run at once: Go never queues
	close(release)
	waitIdle(t, p, 2)
}

func TestIdleGoroutineExpires(t *testing.T) {
	p := New(2, 20*time.Millisecond)
	done := make(chan struct{})
	p.Go(func() { close(done) })
	<-done
	waitIdle(t, p, 1)
	waitIdle(t, p, 0) // after the idle timeout
	ran := make(chan struct{})
	p.Go(func() { close(ran) })
	<-ran
}

func TestCloseEndsIdleGoroutines(t *testing.T) {
	p := New(4, time.Minute)
	done := make(chan struct{})
	p.Go(func() { close(done) })
	<-done
	waitIdle(t, p, 1)
	p.Close()
	waitIdle(t, p, 0)
	// A closed pool still runs functions.
	ran := make(chan struct{})
	p.Go(func() { close(ran) })
	<-ran
	waitIdle(t, p, 0)
	p.Close() // twice is fine
}
