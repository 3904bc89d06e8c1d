package worker

import (
	"testing"
	"time"

	"github.com/temporalgen/temporalgen/runtime/internal/backoff"
)

func TestBackoffZeroValueIsDefault(t *testing.T) {
	if got, want := (Backoff{}).policy(), backoff.DefaultPolicy(); got.DelayWith(1, 0) != want.DelayWith(1, 0) ||
		got.DelayWith(3, 0.9) != want.DelayWith(3, 0.9) || got.DelayWith(50, 0.5) != want.DelayWith(50, 0.5) {
		t.Errorf("Backoff{} schedules differently from backoff.DefaultPolicy: %+v vs %+v", got, want)
	}
	// The defaults documented on Backoff.
	p := Backoff{}.policy()
	for _, c := range []struct {
		attempt int
		r       float64
		want    time.Duration
	}{
		{1, 0.5, 200 * time.Millisecond}, // Initial
		{2, 0.5, 400 * time.Millisecond}, // Multiplier 2
		{1, 0, 160 * time.Millisecond},   // Jitter 0.2, low end
		{1, 0.75, 220 * time.Millisecond},
		{100, 0.5, 10 * time.Second}, // Max
	} {
		if got := p.DelayWith(c.attempt, c.r); got != c.want {
			t.Errorf("default DelayWith(%d, %v) = %v, want %v", c.attempt, c.r, got, c.want)
		}
	}
}

func TestBackoffFields(t *testing.T) {
	b := Backoff{Initial: time.Second, Max: 5 * time.Second, Multiplier: 3, Jitter: -1}
	want := []time.Duration{time.Second, 3 * time.Second, 5 * time.Second, 5 * time.Second}
	for i, w := range want {
		if got := b.Delay(i + 1); got != w {
			t.Errorf("Delay(%d) = %v, want %v", i+1, got, w)
		}
	}
	// Unset fields take their defaults, Jitter included.
	partial := Backoff{Initial: time.Second}
	for range 100 {
		if d := partial.Delay(1); d < 800*time.Millisecond || d > 1200*time.Millisecond {
			t.Fatalf("Backoff{Initial: 1s}.Delay(1) = %v, want 1s ± 20%%", d)
		}
		if d := partial.Delay(20); d > 10*time.Second {
			t.Fatalf("Backoff{Initial: 1s}.Delay(20) = %v, want at most the default Max 10s", d)
		}
	}
}
