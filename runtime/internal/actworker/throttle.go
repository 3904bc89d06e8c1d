package actworker

import (
	"sync"
	"time"

	commonpb "go.temporal.io/api/common/v1"
)

// Heartbeat throttling bounds, following the behaviour users know from the
// other Temporal SDKs.
const (
	defaultHeartbeatThrottle = 30 * time.Second // without a heartbeat timeout
	maxHeartbeatThrottle     = 60 * time.Second // upper bound in every case
)

// throttleInterval returns how long heartbeats are batched for an activity
// with the given heartbeat timeout: 80% of it when set, otherwise the
// default, and never more than the maximum.
func throttleInterval(heartbeatTimeout time.Duration) time.Duration {
	d := defaultHeartbeatThrottle
	if heartbeatTimeout > 0 {
		d = heartbeatTimeout * 4 / 5
	}
	return min(d, maxHeartbeatThrottle)
}

// afterFunc is the clock a throttler uses: it returns a channel that
// receives once d has elapsed. time.After in production, a fake in tests.
type afterFunc func(d time.Duration) <-chan time.Time

// throttler batches an activity's heartbeats. Record never blocks on the
// network: it stores the latest details and wakes the throttler's
// goroutine, which sends the first heartbeat at once and then at most one
// heartbeat per interval, always carrying the latest details recorded.
// Details still pending when the throttler is closed are dropped (the
// executor puts the latest details into the final failure instead).
type throttler struct {
	interval time.Duration
	after    afterFunc
	send     func(*commonpb.Payloads) // performs the RPC; called from the goroutine only

	wake chan struct{} // capacity 1: "something was recorded"
	done chan struct{} // closed by close
	exit chan struct{} // closed when the goroutine has returned

	mu      sync.Mutex
	latest  *commonpb.Payloads // last details recorded, sent or not
	pending bool               // latest has not been sent yet
	closed  bool
	started bool // the goroutine runs (from the first Record)
}

// newThrottler returns a throttler; its goroutine starts with the first
// Record. send is called with the
// details to transmit; it may block for the duration of the RPC.
func newThrottler(interval time.Duration, after afterFunc, send func(*commonpb.Payloads)) *throttler {
	t := &throttler{
		interval: interval,
		after:    after,
		send:     send,
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
		exit:     make(chan struct{}),
	}
	return t
}

// Record stores details as the latest heartbeat and schedules it to be sent.
// It returns immediately. Calls after close are ignored.
func (t *throttler) Record(details *commonpb.Payloads) {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.latest = details
	t.pending = true
	if !t.started {
		// Most activities never heartbeat: start the sender on first use.
		t.started = true
		go t.loop()
	}
	t.mu.Unlock()
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// Latest returns the most recently recorded details, whether or not they
// were sent, or nil if none were recorded.
func (t *throttler) Latest() *commonpb.Payloads {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.latest
}

// Close stops the throttler, drops any pending heartbeat and waits for an
// RPC in flight to return. It is safe to call more than once.
func (t *throttler) Close() {
	t.mu.Lock()
	if !t.closed {
		t.closed = true
		t.pending = false
		close(t.done)
	}
	started := t.started
	t.mu.Unlock()
	if started {
		<-t.exit
	}
}

// take returns the pending details and clears the pending mark; ok is false
// when nothing is pending.
func (t *throttler) take() (details *commonpb.Payloads, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.pending || t.closed {
		return nil, false
	}
	t.pending = false
	return t.latest, true
}

func (t *throttler) loop() {
	defer close(t.exit)
	var window <-chan time.Time // non-nil while a throttle interval is running
	for {
		select {
		case <-t.done:
			return
		case <-t.wake:
			if window != nil {
				continue // sent when the window closes
			}
		case <-window:
			window = nil
		}
		d, ok := t.take()
		if !ok {
			continue
		}
		window = t.after(t.interval)
		t.send(d)
	}
}
