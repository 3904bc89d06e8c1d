package client

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// scripted returns an attempt function that fails with errs in turn and
// then succeeds, counting its calls in *n.
func scripted(n *int, errs ...error) func(context.Context) error {
	return func(context.Context) error {
		*n++
		if *n <= len(errs) {
			return errs[*n-1]
		}
		return nil
	}
}

func TestRetryCall(t *testing.T) {
	unavailable := status.Error(codes.Unavailable, "connection refused")
	exhausted := status.Error(codes.ResourceExhausted, "rps limit")
	cases := []struct {
		name     string
		opts     RetryOptions
		errs     []error
		ctxDone  bool // the context is cancelled before the call
		attempts int
		code     codes.Code // of the call's error; OK for success
		waits    []time.Duration
	}{
		{name: "success at once", attempts: 1, code: codes.OK},
		{name: "unavailable twice then success", errs: []error{unavailable, unavailable}, attempts: 3, code: codes.OK,
			waits: []time.Duration{100 * time.Millisecond, 170 * time.Millisecond}},
		{name: "resource exhausted waits longer", errs: []error{exhausted, unavailable}, attempts: 3, code: codes.OK,
			waits: []time.Duration{time.Second, 170 * time.Millisecond}},
		{name: "aborted unknown internal are retried", errs: []error{
			status.Error(codes.Aborted, ""), status.Error(codes.Unknown, ""), status.Error(codes.Internal, ""),
		}, attempts: 4, code: codes.OK},
		{name: "server deadline with time left is retried", errs: []error{status.Error(codes.DeadlineExceeded, "history timed out")}, attempts: 2, code: codes.OK},
		{name: "a message too large is not retried", errs: []error{status.Error(codes.ResourceExhausted, "grpc: received message larger than max (5243059 vs. 4194304)")}, attempts: 1, code: codes.ResourceExhausted},
		{name: "invalid argument is not retried", errs: []error{status.Error(codes.InvalidArgument, "bad")}, attempts: 1, code: codes.InvalidArgument},
		{name: "not found is not retried", errs: []error{status.Error(codes.NotFound, "gone")}, attempts: 1, code: codes.NotFound},
		{name: "already exists is not retried", errs: []error{status.Error(codes.AlreadyExists, "dup")}, attempts: 1, code: codes.AlreadyExists},
		{name: "failed precondition is not retried", errs: []error{status.Error(codes.FailedPrecondition, "")}, attempts: 1, code: codes.FailedPrecondition},
		{name: "permission denied is not retried", errs: []error{status.Error(codes.PermissionDenied, "")}, attempts: 1, code: codes.PermissionDenied},
		{name: "canceled is not retried", errs: []error{status.Error(codes.Canceled, "")}, attempts: 1, code: codes.Canceled},
		{name: "max attempts", opts: RetryOptions{MaxAttempts: 2}, errs: []error{unavailable, unavailable, unavailable}, attempts: 2, code: codes.Unavailable},
		{name: "done context ends retries", errs: []error{unavailable, unavailable}, ctxDone: true, attempts: 1, code: codes.Unavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.opts
			r.Jitter = -1 // exact waits
			r = r.withDefaults()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.ctxDone {
				cancel()
			}
			var waits []time.Duration
			wait := func(ctx context.Context, d time.Duration) (bool, error) {
				waits = append(waits, d)
				return false, ctx.Err()
			}
			n := 0
			err := r.call(ctx, scripted(&n, tc.errs...), wait)
			if n != tc.attempts {
				t.Errorf("attempts = %d, want %d", n, tc.attempts)
			}
			if got := status.Code(err); got != tc.code {
				t.Errorf("code = %v, want %v (err %v)", got, tc.code, err)
			}
			if tc.waits != nil && !equalDurations(waits, tc.waits) {
				t.Errorf("waits = %v, want %v", waits, tc.waits)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRetryAfterReconnect checks that the schedule starts over once the
// connection is back.
func TestRetryAfterReconnect(t *testing.T) {
	r := RetryOptions{Jitter: -1}.withDefaults()
	unavailable := status.Error(codes.Unavailable, "down")
	var waits []time.Duration
	wait := func(_ context.Context, d time.Duration) (bool, error) {
		waits = append(waits, d)
		return len(waits) == 3, nil // the connection is back during the third wait
	}
	n := 0
	if err := r.call(context.Background(), scripted(&n, unavailable, unavailable, unavailable, unavailable), wait); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{100 * time.Millisecond, 170 * time.Millisecond, 288999999, 100 * time.Millisecond} // 100ms·1.7² in float
	if !equalDurations(waits, want) {
		t.Errorf("waits = %v, want %v", waits, want)
	}
}

// TestRetryGaveUpKeepsStatus checks that a call that runs out of time
// reports the last attempt's code and details and how it ended.
func TestRetryGaveUpKeepsStatus(t *testing.T) {
	st, err := status.New(codes.Unavailable, "connection refused").WithDetails(&workflowservice.GetSystemInfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	r := RetryOptions{Jitter: -1}.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	wait := func(ctx context.Context, d time.Duration) (bool, error) {
		if n == 3 {
			cancel()
		}
		return false, ctx.Err()
	}
	callErr := r.call(ctx, func(context.Context) error { n++; return st.Err() }, wait)
	got := status.Convert(callErr)
	if got.Code() != codes.Unavailable || len(got.Details()) != 1 {
		t.Fatalf("status = %v with %d details, want Unavailable with 1", got.Code(), len(got.Details()))
	}
	if msg := got.Message(); !strings.Contains(msg, "connection refused") || !strings.Contains(msg, "gave up after 3 attempts") || !strings.Contains(msg, "context canceled") {
		t.Errorf("message = %q", msg)
	}
}

// TestRetryUnboundedContext checks that without a deadline each attempt is
// bounded by AttemptTimeout and the retries by MaxElapsed.
func TestRetryUnboundedContext(t *testing.T) {
	r := RetryOptions{AttemptTimeout: time.Hour, MaxElapsed: 2 * time.Hour}.withDefaults()
	var deadlines []time.Time
	attempt := func(ctx context.Context) error {
		d, ok := ctx.Deadline()
		if !ok {
			return errors.New("attempt without deadline")
		}
		deadlines = append(deadlines, d)
		if len(deadlines) == 1 {
			return status.Error(codes.DeadlineExceeded, "attempt timed out")
		}
		return nil
	}
	before := time.Now()
	if err := r.call(context.Background(), attempt, func(context.Context, time.Duration) (bool, error) { return false, nil }); err != nil {
		t.Fatal(err)
	}
	if len(deadlines) != 2 {
		t.Fatalf("attempts = %d, want 2", len(deadlines))
	}
	if d := deadlines[0].Sub(before); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("attempt deadline %v from start, want about AttemptTimeout (1h)", d)
	}

	// With a deadline of the caller's the attempt gets that deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Hour)
	defer cancel()
	want, _ := ctx.Deadline()
	deadlines = nil
	if err := r.call(ctx, attempt, func(context.Context, time.Duration) (bool, error) { return false, nil }); err != nil {
		t.Fatal(err)
	}
	if !deadlines[0].Equal(want) {
		t.Errorf("attempt deadline = %v, want the caller's %v", deadlines[0], want)
	}
}

func TestIsLongPoll(t *testing.T) {
	cases := []struct {
		method string
		req    any
		want   bool
	}{
		{workflowservice.WorkflowService_PollWorkflowTaskQueue_FullMethodName, nil, true},
		{workflowservice.WorkflowService_UpdateWorkflowExecution_FullMethodName, nil, true},
		{workflowservice.WorkflowService_GetWorkflowExecutionHistory_FullMethodName, &workflowservice.GetWorkflowExecutionHistoryRequest{WaitNewEvent: true}, true},
		{workflowservice.WorkflowService_GetWorkflowExecutionHistory_FullMethodName, &workflowservice.GetWorkflowExecutionHistoryRequest{}, false},
		{workflowservice.WorkflowService_SignalWorkflowExecution_FullMethodName, &workflowservice.SignalWorkflowExecutionRequest{}, false},
	}
	for _, tc := range cases {
		if got := isLongPoll(tc.method, tc.req); got != tc.want {
			t.Errorf("isLongPoll(%s) = %v, want %v", tc.method, got, tc.want)
		}
	}
}
