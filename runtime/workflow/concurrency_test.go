package workflow_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/temporalgen/temporalgen/runtime/internal/engine"
	"github.com/temporalgen/temporalgen/runtime/internal/enginetest"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// sim runs fn as a workflow returning a string, against the simulated
// server of enginetest (no network; every task is also fully replayed).
func sim(t *testing.T, fn func(ctx workflow.Context) (string, error)) *enginetest.Sim {
	return enginetest.New(t, func(ctx *engine.Context, _ *commonpb.Payloads) (*commonpb.Payloads, error) {
		s, err := fn(ctx)
		if err != nil {
			return nil, err
		}
		return workflow.PayloadConverter(ctx).ToPayloads(s)
	})
}

func simResult(t *testing.T, s *enginetest.Sim) string {
	t.Helper()
	var out string
	s.Result(&out)
	return out
}

func TestAsCompletedYieldsInCompletionOrder(t *testing.T) {
	s := sim(t, func(ctx workflow.Context) (string, error) {
		var fs []workflow.Future[struct{}]
		for i := range 3 {
			fs = append(fs, workflow.NewTimer(ctx, time.Duration(i+1)*time.Minute))
		}
		var order []string
		for f, err := range workflow.AsCompleted(ctx, fs, 0) {
			if err != nil {
				return "", err
			}
			for i := range fs {
				if fs[i] == f {
					order = append(order, fmt.Sprint(i))
				}
			}
		}
		return strings.Join(order, ","), nil
	}).Start(nil)
	// Timers 3 and 1 fire in the same task, then timer 2.
	s.FireTimer("3").FireTimer("1").Task()
	s.FireTimer("2").Task()
	if got := simResult(t, s); got != "0,2,1" {
		t.Fatalf("order = %s, want 0,2,1 (same-task completions in slice order)", got)
	}
}

func TestAsCompletedTimeout(t *testing.T) {
	s := sim(t, func(ctx workflow.Context) (string, error) {
		fs := []workflow.Future[struct{}]{workflow.NewTimer(ctx, time.Hour)}
		for _, err := range workflow.AsCompleted(ctx, fs, time.Minute) {
			var te *temporal.TimeoutError
			if err != nil && errorsAs(err, &te) {
				return "timeout", nil
			}
		}
		return "no timeout", nil
	}).Start(nil)
	s.FireTimer("2").Task() // the AsCompleted timeout timer
	if got := simResult(t, s); got != "timeout" {
		t.Fatalf("got %s", got)
	}
}

func TestChannelsAndSelector(t *testing.T) {
	s := sim(t, func(ctx workflow.Context) (string, error) {
		ch := workflow.NewChannel[int](ctx)
		buf := workflow.NewBufferedChannel[string](ctx, 2)
		workflow.Go(ctx, func(ctx workflow.Context) {
			for i := range 3 {
				_ = ch.Send(ctx, i)
			}
			ch.Close()
		})
		workflow.Go(ctx, func(ctx workflow.Context) {
			_ = workflow.Sleep(ctx, time.Minute)
			_ = buf.Send(ctx, "late")
		})
		var got []string
		for len(got) < 4 {
			sel := workflow.NewSelector(ctx)
			workflow.AddReceive(sel, ch, func(v int, ok bool) {
				if ok {
					got = append(got, fmt.Sprint(v))
				} else {
					ch = workflow.NewChannel[int](ctx) // closed: stop selecting it
				}
			})
			workflow.AddReceive(sel, buf, func(v string, ok bool) { got = append(got, v) })
			if err := sel.Select(ctx); err != nil {
				return "", err
			}
		}
		return strings.Join(got, ","), nil
	}).Start(nil)
	s.FireTimer("1").Task()
	if got := simResult(t, s); got != "0,1,2,late" {
		t.Fatalf("got %s", got)
	}
}

func TestMutexSerializesCoroutines(t *testing.T) {
	s := sim(t, func(ctx workflow.Context) (string, error) {
		mu := workflow.NewMutex(ctx)
		var log []string
		done := 0
		for _, name := range []string{"a", "b"} {
			workflow.Go(ctx, func(ctx workflow.Context) {
				_ = mu.Lock(ctx)
				log = append(log, name+"-in")
				_ = workflow.Sleep(ctx, time.Minute)
				log = append(log, name+"-out")
				mu.Unlock()
				done++
			})
		}
		err := workflow.Await(ctx, func() bool { return done == 2 })
		return strings.Join(log, ","), err
	}).Start(nil)
	s.FireTimer("1").Task()
	s.FireTimer("2").Task()
	if got := simResult(t, s); got != "a-in,a-out,b-in,b-out" {
		t.Fatalf("got %s", got)
	}
}

func TestSemaphoreLimits(t *testing.T) {
	s := sim(t, func(ctx workflow.Context) (string, error) {
		sem := workflow.NewSemaphore(ctx, 2)
		running, peak, done := 0, 0, 0
		for range 4 {
			workflow.Go(ctx, func(ctx workflow.Context) {
				_ = sem.Acquire(ctx, 1)
				running++
				peak = max(peak, running)
				_ = workflow.Sleep(ctx, time.Minute)
				running--
				sem.Release(1)
				done++
			})
		}
		err := workflow.Await(ctx, func() bool { return done == 4 })
		return fmt.Sprint(peak), err
	}).Start(nil)
	for len(s.Timers()) > 0 {
		for _, id := range s.TimerIDs() {
			s.FireTimer(id)
		}
		s.Task()
	}
	if got := simResult(t, s); got != "2" {
		t.Fatalf("peak = %s, want 2", got)
	}
}

type countingMetrics struct {
	temporal.NopMetricsHandler
	n *atomic.Int64
}

func (m countingMetrics) WithTags(map[string]string) temporal.MetricsHandler { return m }
func (m countingMetrics) Counter(string) temporal.MetricsCounter             { return counter{m.n} }

type counter struct{ n *atomic.Int64 }

func (c counter) Inc(d int64) { c.n.Add(d) }

func TestMetricMeterSilentOnReplay(t *testing.T) {
	var n atomic.Int64
	s := sim(t, func(ctx workflow.Context) (string, error) {
		workflow.MetricMeter(ctx).Counter("steps").Inc(1)
		if err := workflow.Sleep(ctx, time.Minute); err != nil {
			return "", err
		}
		workflow.MetricMeter(ctx).Counter("steps").Inc(1)
		return "ok", nil
	})
	s.Metrics = countingMetrics{n: &n}
	s.Start(nil)
	s.FireTimer("1").Task()
	if n.Load() != 2 {
		t.Fatalf("counter = %d after the execution, want 2", n.Load())
	}
	_ = simResult(t, s)
	// A full replay of the finished history must not count again.
	if err := s.Replay(countingMetrics{n: &n}); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 {
		t.Fatalf("counter = %d after a replay, want 2", n.Load())
	}
}
