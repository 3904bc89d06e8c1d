package worker

import (
	"context"
	"sync"
	"testing"
	"time"
)

type fakeLoad struct {
	mu       sync.Mutex
	cpu, mem float64
}

func (f *fakeLoad) set(cpu, mem float64) { f.mu.Lock(); f.cpu, f.mem = cpu, mem; f.mu.Unlock() }
func (f *fakeLoad) CPU() float64         { f.mu.Lock(); defer f.mu.Unlock(); return f.cpu }
func (f *fakeLoad) Memory() float64      { f.mu.Lock(); defer f.mu.Unlock(); return f.mem }

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func TestFixedSlots(t *testing.T) {
	s := FixedSlots(2)
	if !s.TryReserve() || !s.TryReserve() || s.TryReserve() {
		t.Fatal("two slots: the third TryReserve must fail")
	}
	if used, free := s.Usage(); used != 2 || free != 0 {
		t.Errorf("usage %d/%d, want 2/0", used, free)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Reserve(ctx); err == nil {
		t.Error("Reserve with no free slot and a done context succeeded")
	}
	s.Release()
	if err := s.Reserve(context.Background()); err != nil {
		t.Errorf("Reserve after Release: %v", err)
	}
}

func TestResourceBasedSlots(t *testing.T) {
	load, clk := &fakeLoad{}, &fakeClock{now: time.Unix(0, 0)}
	s := ResourceBasedSlots(ResourceBasedOptions{MinSlots: 1, MaxSlots: 3, TargetCPU: 0.5, TargetMemory: 0.9,
		RampThrottle: time.Second, Sampler: load, Now: clk.Now})
	load.set(0.9, 0.1) // busy CPU: only the minimum
	if !s.TryReserve() {
		t.Fatal("the minimum slot was refused")
	}
	if s.TryReserve() {
		t.Fatal("a slot past the minimum was granted with the CPU over its target")
	}
	load.set(0.1, 0.95) // memory over its target
	if s.TryReserve() {
		t.Fatal("a slot was granted with memory over its target")
	}
	load.set(0.1, 0.1)
	if !s.TryReserve() {
		t.Fatal("a slot was refused under both targets")
	}
	if s.TryReserve() {
		t.Fatal("two slots were granted within one ramp throttle")
	}
	clk.add(time.Second)
	if !s.TryReserve() {
		t.Fatal("a slot was refused after the ramp throttle")
	}
	clk.add(time.Second)
	if s.TryReserve() {
		t.Fatal("a slot past MaxSlots was granted")
	}
	if used, free := s.Usage(); used != 3 || free != 0 {
		t.Errorf("usage %d/%d, want 3/0", used, free)
	}

	// A waiting Reserve gets the slot a Release frees.
	done := make(chan error, 1)
	go func() { done <- s.Reserve(context.Background()) }()
	s.Release()
	if err := <-done; err != nil {
		t.Errorf("Reserve after Release: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Reserve(ctx); err == nil {
		t.Error("Reserve with no free slot and a done context succeeded")
	}
}

func TestProcSampler(t *testing.T) {
	p := DefaultResourceSampler()
	for _, v := range []float64{p.CPU(), p.Memory()} {
		if v < 0 || v > 1 {
			t.Errorf("load %v outside [0, 1]", v)
		}
	}
	if _, _, ok := readCPU(); !ok {
		t.Error("/proc/stat unreadable on Linux")
	}
	if readMemory() <= 0 {
		t.Error("memory use read as 0 from /proc/meminfo")
	}
}
