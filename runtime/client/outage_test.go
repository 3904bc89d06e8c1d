package client_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
)

// TestSignalsAcrossServerCrash kills the server (SIGKILL, state on a
// SQLite file) while signals are being sent, starts a workflow while it is
// down, and brings it back. Every signal whose call returned nil must be in
// history exactly once, no signal may be there twice, and the start issued
// during the outage must succeed once the server is back.
func TestSignalsAcrossServerCrash(t *testing.T) {
	own, err := devserver.Start(devserver.Options{DBFile: filepath.Join(t.TempDir(), "temporal.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = own.Stop() })

	// failed counts attempts that found the server gone; the interceptor
	// runs once per attempt, inside the client's retries.
	var failed atomic.Int64
	outage := make(chan struct{}, 1)
	countFailures := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		err := invoker(ctx, method, req, reply, cc, opts...)
		if c := status.Code(err); c == codes.Unavailable || c == codes.DeadlineExceeded {
			failed.Add(1)
			select {
			case outage <- struct{}{}:
			default:
			}
		}
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := client.Dial(ctx, client.Options{
		HostPort: own.Address(), Namespace: own.Namespace(),
		GRPCDialOptions: []grpc.DialOption{grpc.WithChainUnaryInterceptor(countFailures)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	// No worker polls this queue: the workflow stays open and its history
	// collects the signals.
	const tq = "outage-no-worker"
	h, err := c.StartWorkflow(ctx, client.StartWorkflowOptions{ID: uniqueID("outage-sink"), TaskQueue: tq}, "Sink")
	if err != nil {
		t.Fatal(err)
	}

	// Two senders signal with distinct numbers until told to stop.
	const senders = 2
	stop := make(chan struct{})
	var (
		mu       sync.Mutex
		returned = map[int]error{} // signal number → what Signal returned
		wg       sync.WaitGroup
		sent     atomic.Int64
	)
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := s; ; i += senders {
				select {
				case <-stop:
					return
				default:
				}
				sctx, scancel := context.WithTimeout(ctx, 45*time.Second)
				err := h.Signal(sctx, "n", i)
				scancel()
				mu.Lock()
				returned[i] = err
				mu.Unlock()
				sent.Add(1)
			}
		}()
	}
	waitFor(t, ctx, "signals before the crash", func() bool { return sent.Load() >= 20 })
	if err := c.CheckHealth(ctx); err != nil {
		t.Errorf("CheckHealth on a live server: %v", err)
	}

	if err := own.Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-outage:
	case <-ctx.Done():
		t.Fatal("no call saw the server down")
	}
	// A start during the outage must ride it out within its deadline.
	startDone := make(chan error, 1)
	startID := uniqueID("outage-start")
	go func() {
		sctx, scancel := context.WithTimeout(ctx, 60*time.Second)
		defer scancel()
		_, err := c.StartWorkflow(sctx, client.StartWorkflowOptions{ID: startID, TaskQueue: tq}, "Sink")
		startDone <- err
	}()
	waitFor(t, ctx, "calls failing during the outage", func() bool { return failed.Load() >= 3 })
	hctx, hcancel := context.WithTimeout(ctx, time.Second)
	herr := c.CheckHealth(hctx)
	hcancel()
	if herr == nil || status.Code(errors.Unwrap(herr)) != codes.Unavailable {
		t.Errorf("CheckHealth during the outage = %v, want an Unavailable error", herr)
	}
	down := time.Now()
	if err := own.Restart(); err != nil {
		t.Fatal(err)
	}
	t.Logf("server down for %v", time.Since(down).Round(time.Millisecond))
	if err := <-startDone; err != nil {
		t.Errorf("start issued during the outage: %v", err)
	}
	after := sent.Load()
	waitFor(t, ctx, "signals after the restart", func() bool { return sent.Load() >= after+20 })
	close(stop)
	wg.Wait()

	inHistory := map[int]int{}
	for ev, err := range h.History(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.GetEventType() != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED {
			continue
		}
		var n int
		if err := c.DataConverter().FromPayloads(ev.GetWorkflowExecutionSignaledEventAttributes().GetInput(), &n); err != nil {
			t.Fatal(err)
		}
		inHistory[n]++
	}
	var ok, failedCalls int
	for n, err := range returned {
		switch {
		case inHistory[n] > 1:
			t.Errorf("signal %d is in history %d times", n, inHistory[n])
		case err == nil && inHistory[n] == 0:
			t.Errorf("signal %d returned nil but is not in history", n)
		case err == nil:
			ok++
		default:
			failedCalls++
			t.Logf("signal %d failed (in history %d times): %v", n, inHistory[n], err)
		}
	}
	for n := range inHistory {
		if _, sentIt := returned[n]; !sentIt {
			t.Errorf("history has signal %d that was never sent", n)
		}
	}
	t.Logf("%d signals sent: %d returned nil, %d returned an error; %d failed attempts during the outage",
		len(returned), ok, failedCalls, failed.Load())
	if ok < 40 {
		t.Errorf("only %d signals succeeded", ok)
	}
	if _, err := c.GetWorkflow(startID, "").Describe(ctx); err != nil {
		t.Errorf("workflow started during the outage: %v", err)
	}
}

// waitFor polls cond until it holds, failing the test when ctx ends first.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-tick.C:
		}
	}
}
