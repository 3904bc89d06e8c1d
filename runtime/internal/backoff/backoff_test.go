package backoff

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDelayExponentialWithoutJitter(t *testing.T) {
	p := Policy{Initial: 100 * time.Millisecond, Max: time.Second, Multiplier: 2}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		if got := p.DelayWith(i+1, 0.5); got != w*time.Millisecond {
			t.Errorf("Delay(%d) = %v, want %v", i+1, got, w*time.Millisecond)
		}
	}
	if got := p.DelayWith(0, 0.5); got != 100*time.Millisecond {
		t.Errorf("Delay(0) = %v, want Initial", got)
	}
	if got := p.DelayWith(10000, 0.5); got != time.Second {
		t.Errorf("Delay(10000) = %v, want Max", got)
	}
}

func TestDelayJitterBounds(t *testing.T) {
	p := Policy{Initial: time.Second, Max: time.Minute, Multiplier: 2, Jitter: 0.25}
	if got := p.DelayWith(1, 0); got != 750*time.Millisecond {
		t.Errorf("low end = %v", got)
	}
	if got := p.DelayWith(1, 0.5); got != time.Second {
		t.Errorf("middle = %v", got)
	}
	if got := p.DelayWith(1, 0.999999); got <= time.Second || got > 1250*time.Millisecond {
		t.Errorf("high end = %v", got)
	}
	// Jitter never pushes a delay past Max.
	if got := p.DelayWith(100, 0.999999); got != time.Minute {
		t.Errorf("capped = %v", got)
	}
	for i := 1; i < 20; i++ {
		if d := p.Delay(i); d < 0 || d > time.Minute {
			t.Fatalf("Delay(%d) = %v out of range", i, d)
		}
	}
}

func TestZeroPolicyUsesDefaults(t *testing.T) {
	var p Policy
	d := DefaultPolicy()
	if got := p.DelayWith(1, 0.5); got != d.Initial {
		t.Errorf("zero policy Delay(1) = %v, want %v", got, d.Initial)
	}
	if got := p.DelayWith(1000, 0.5); got != d.Max {
		t.Errorf("zero policy Delay(1000) = %v, want %v", got, d.Max)
	}
}

func TestOddFieldsAreClamped(t *testing.T) {
	p := Policy{Initial: time.Second, Max: time.Millisecond, Multiplier: 0.5, Jitter: 7}
	if got := p.DelayWith(3, 0.5); got != time.Second {
		t.Errorf("Delay = %v, want Initial (Max raised to Initial, Multiplier 1)", got)
	}
	if got := p.DelayWith(3, 0); got != 0 {
		t.Errorf("full jitter low end = %v, want 0", got)
	}
}

func TestWait(t *testing.T) {
	if err := Wait(context.Background(), 0); err != nil {
		t.Fatalf("Wait(0) = %v", err)
	}
	if err := Wait(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("Wait(1ms) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Wait(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait on canceled ctx = %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Wait(ctx, time.Hour) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait interrupted = %v", err)
	}
}
