package actworker

import (
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
)

// fakeClock hands out timer channels that the test fires by hand.
type fakeClock struct {
	requested chan time.Duration
	timers    chan chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{requested: make(chan time.Duration, 16), timers: make(chan chan time.Time, 16)}
}

func (c *fakeClock) after(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.requested <- d
	c.timers <- ch
	return ch
}

// fire waits for the next timer the throttler started and fires it.
func (c *fakeClock) fire(t *testing.T) {
	t.Helper()
	ch := <-c.timers
	ch <- time.Time{}
}

func payloads(s string) *commonpb.Payloads {
	return &commonpb.Payloads{Payloads: []*commonpb.Payload{{Data: []byte(s)}}}
}

func name(p *commonpb.Payloads) string {
	if p == nil {
		return "<nil>"
	}
	return string(p.GetPayloads()[0].GetData())
}

func TestThrottleInterval(t *testing.T) {
	cases := []struct{ timeout, want time.Duration }{
		{0, 30 * time.Second},
		{10 * time.Second, 8 * time.Second},
		{time.Minute, 48 * time.Second},
		{10 * time.Minute, 60 * time.Second},
	}
	for _, c := range cases {
		if got := throttleInterval(c.timeout); got != c.want {
			t.Errorf("throttleInterval(%v) = %v, want %v", c.timeout, got, c.want)
		}
	}
}

func TestThrottlerBatchesWithinInterval(t *testing.T) {
	clock := newFakeClock()
	sent := make(chan string, 16)
	th := newThrottler(5*time.Second, clock.after, func(p *commonpb.Payloads) { sent <- name(p) })
	defer th.Close()

	th.Record(payloads("a"))
	if got := <-sent; got != "a" {
		t.Fatalf("first heartbeat = %q, want a (sent at once)", got)
	}
	if d := <-clock.requested; d != 5*time.Second {
		t.Fatalf("throttle window = %v, want 5s", d)
	}
	th.Record(payloads("b"))
	th.Record(payloads("c"))
	if got := name(th.Latest()); got != "c" {
		t.Fatalf("Latest = %q, want c", got)
	}
	clock.fire(t) // end of the first window: the latest pending details go out
	if got := <-sent; got != "c" {
		t.Fatalf("batched heartbeat = %q, want c (b is superseded)", got)
	}
	<-clock.requested
	clock.fire(t) // end of the second window with nothing pending: window closes

	th.Record(payloads("d"))
	if got := <-sent; got != "d" {
		t.Fatalf("heartbeat after idle window = %q, want d (sent at once)", got)
	}
	select {
	case got := <-sent:
		t.Fatalf("unexpected extra heartbeat %q", got)
	default:
	}
}

func TestThrottlerDropsPendingOnClose(t *testing.T) {
	clock := newFakeClock()
	sent := make(chan string, 16)
	th := newThrottler(time.Second, clock.after, func(p *commonpb.Payloads) { sent <- name(p) })
	th.Record(payloads("a"))
	<-sent
	th.Record(payloads("b"))
	th.Close()
	th.Close() // idempotent
	th.Record(payloads("c"))
	select {
	case got := <-sent:
		t.Fatalf("heartbeat %q sent after close", got)
	default:
	}
	if got := name(th.Latest()); got != "b" {
		t.Fatalf("Latest after close = %q, want b", got)
	}
}

func TestThrottlerRecordDoesNotBlockOnRPC(t *testing.T) {
	clock := newFakeClock()
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	th := newThrottler(time.Second, clock.after, func(*commonpb.Payloads) {
		started <- struct{}{}
		<-release
	})
	th.Record(payloads("a"))
	<-started // the RPC is now in flight and blocked
	for i := 0; i < 100; i++ {
		th.Record(payloads("b")) // must return although the RPC is stuck
	}
	close(release)
	th.Close()
}
