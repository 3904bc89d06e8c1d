package coro

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestRunOrderAndBlocking(t *testing.T) {
	s := New()
	var log []string
	flag := false
	s.Spawn("a", func(c *Coroutine) {
		log = append(log, "a1")
		c.WaitUntil(func() bool { return flag })
		log = append(log, "a2")
	})
	s.Spawn("b", func(c *Coroutine) {
		log = append(log, "b1")
		flag = true
		c.s.Spawn("c", func(c *Coroutine) { log = append(log, "c1") })
		log = append(log, "b2")
	})
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(log, ",")
	if want := "a1,b1,b2,c1,a2"; got != want {
		t.Fatalf("order = %s, want %s", got, want)
	}
	if s.Len() != 0 {
		t.Fatalf("Len = %d, want 0", s.Len())
	}
}

func TestRunStopsWhenAllBlocked(t *testing.T) {
	s := New()
	n := 0
	s.Spawn("w", func(c *Coroutine) {
		for {
			c.WaitUntil(func() bool { return n%2 == 1 })
			n++
		}
	})
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	steps := s.Step()
	n = 1
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	if n != 2 || s.Step() != steps+1 {
		t.Fatalf("n=%d steps=%d->%d", n, steps, s.Step())
	}
	// Nothing changed: Run must not resume the coroutine.
	if err := s.Run(); err != nil || s.Step() != steps+1 {
		t.Fatalf("blocked coroutine was resumed: err=%v steps=%d", err, s.Step())
	}
	s.Close()
}

func TestPanicIsReported(t *testing.T) {
	s := New()
	s.Spawn("boom", func(c *Coroutine) { panic("kaput") })
	err := s.Run()
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "kaput" || pe.Coroutine != "boom" || !strings.Contains(pe.Stack, "coro_test.go") {
		t.Fatalf("err = %#v", err)
	}
}

func TestCloseRunsDefers(t *testing.T) {
	s := New()
	deferred := false
	s.Spawn("w", func(c *Coroutine) {
		defer func() { deferred = true }()
		c.WaitUntil(func() bool { return false })
	})
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if !deferred {
		t.Fatal("deferred function did not run on Close")
	}
}

func TestStacksNamesBlockedCoroutines(t *testing.T) {
	s := New()
	s.Spawn("waiter", func(c *Coroutine) { c.WaitUntil(func() bool { return false }) })
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st := s.Stacks()
	if !strings.Contains(st, "coroutine waiter") || !strings.Contains(st, "WaitUntil") {
		t.Fatalf("stacks:\n%s", st)
	}
}

// BenchmarkSwitch measures one block/resume round trip of a coroutine
// (iter.Pull based).
func BenchmarkSwitch(b *testing.B) {
	s := New()
	turn := 0
	s.Spawn("w", func(c *Coroutine) {
		for i := 1; ; i++ {
			want := i
			c.WaitUntil(func() bool { return turn >= want })
		}
	})
	_ = s.Run()
	b.ResetTimer()
	for range b.N {
		turn++
		_ = s.Run()
	}
	b.StopTimer()
	s.Close()
}

// BenchmarkChannelSwitch is the goroutine+channel hand-off that coroutines
// replace, for comparison.
func BenchmarkChannelSwitch(b *testing.B) {
	in, out := make(chan struct{}), make(chan struct{})
	go func() {
		for range in {
			out <- struct{}{}
		}
	}()
	for range b.N {
		in <- struct{}{}
		<-out
	}
	close(in)
}

func TestFinishedCoroutinesAreReused(t *testing.T) {
	s := New()
	defer s.Close()
	sum := 0
	before := runtime.NumGoroutine()
	for i := range 100 {
		s.Spawn("h", func(c *Coroutine) { sum += i })
		if err := s.Run(); err != nil {
			t.Fatal(err)
		}
	}
	if sum != 4950 {
		t.Fatalf("sum = %d", sum)
	}
	if n := runtime.NumGoroutine() - before; n > maxFree {
		t.Fatalf("%d goroutines left for 100 finished coroutines, want at most %d", n, maxFree)
	}
	s.Trim()
	// A blocked coroutine reused from the pool still blocks and resumes.
	ready := false
	out := ""
	s.Spawn("a", func(c *Coroutine) { c.WaitUntil(func() bool { return ready }); out += "a" })
	s.Spawn("b", func(c *Coroutine) { out += "b"; ready = true })
	if err := s.Run(); err != nil || out != "ba" {
		t.Fatalf("out=%q err=%v", out, err)
	}
}

// BenchmarkSpawn measures starting and finishing a short coroutine.
func BenchmarkSpawn(b *testing.B) {
	s := New()
	defer s.Close()
	for range b.N {
		s.Spawn("h", func(*Coroutine) {})
		_ = s.Run()
	}
}

func TestWatchdogGuard(t *testing.T) {
	d := NewWatchdog(20 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Loop(ctx)

	s := New()
	defer s.Close()
	s.Spawn("quick", func(*Coroutine) {})
	if err, stuck := Guard(d, s, nil, s.Run); err != nil || stuck != nil {
		t.Fatalf("quick: %v, %v", err, stuck)
	}

	spin := New()
	release := make(chan struct{})
	spin.Spawn("spinner", func(*Coroutine) { <-release })
	_, stuck := Guard(d, spin, nil, spin.Run)
	close(release)
	if stuck == nil || stuck.Coroutine != "spinner" || !strings.Contains(stuck.Stack, "TestWatchdogGuard") {
		t.Fatalf("stuck = %+v, want the spinner with its stack", stuck)
	}
}
