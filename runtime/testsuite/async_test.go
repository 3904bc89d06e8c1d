package testsuite_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/temporalgen/temporalgen/runtime/activity"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// asyncEnv registers "Async", which runs the activity "Approve" (handing
// its task token to *token and returning activity.ErrResultPending) and
// returns its result.
func asyncEnv(t *testing.T, opts workflow.ActivityOptions, token *[]byte) *testsuite.Env {
	env := testsuite.New(t, testsuite.Options{})
	must(t, env.RegisterWorkflow("Async", func(ctx workflow.Context) (string, error) {
		return workflow.ExecuteActivity[string](ctx, opts, "Approve").Get(ctx)
	}))
	must(t, env.RegisterActivity("Approve", func(ctx context.Context) (string, error) {
		*token = activity.GetInfo(ctx).TaskToken
		return "", activity.ErrResultPending
	}))
	return env
}

var oneAttempt = &temporal.RetryPolicy{MaximumAttempts: 1}

func TestEnvCompleteActivity(t *testing.T) {
	var token []byte
	env := asyncEnv(t, workflow.ActivityOptions{StartToCloseTimeout: time.Hour, RetryPolicy: oneAttempt}, &token)
	var completeErr error
	env.RegisterDelayedCallback(func() { completeErr = env.CompleteActivity(token, "approved", nil) }, time.Minute)
	res := env.ExecuteWorkflow(testsuite.StartOptions{}, "Async")
	var got string
	must(t, res.Get(&got))
	must(t, completeErr)
	if got != "approved" || !strings.Contains(string(token), "/1") {
		t.Errorf("result %q, token %q", got, token)
	}
	if n := count(res, enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED); n != 1 {
		t.Errorf("%d completed events", n)
	}
	if err := env.CompleteActivity(token, "again", nil); err == nil {
		t.Error("a second completion succeeded")
	}
}

func TestEnvFailActivity(t *testing.T) {
	var token []byte
	env := asyncEnv(t, workflow.ActivityOptions{StartToCloseTimeout: time.Hour, RetryPolicy: oneAttempt}, &token)
	var errs []error
	env.RegisterDelayedCallback(func() {
		errs = append(errs,
			env.CompleteActivity(token, nil, temporal.NewCanceledError("not asked")), // refused: no cancellation requested
			env.CompleteActivity(token, nil, temporal.NewApplicationError("refused", "Refused", "by Ada")))
	}, time.Minute)
	err := env.ExecuteWorkflow(testsuite.StartOptions{}, "Async").Err()
	if len(errs) != 2 || errs[0] == nil || errs[1] != nil {
		t.Fatalf("completion errors %v", errs)
	}
	var appErr *temporal.ApplicationError
	var detail string
	if !errors.As(err, &appErr) || appErr.Type() != "Refused" || appErr.Details(&detail) != nil || detail != "by Ada" {
		t.Fatalf("workflow error %v", err)
	}
}

func TestEnvAsyncHeartbeatTimeout(t *testing.T) {
	var token []byte
	env := asyncEnv(t, workflow.ActivityOptions{StartToCloseTimeout: time.Hour, HeartbeatTimeout: 10 * time.Second, RetryPolicy: oneAttempt}, &token)
	var cancelRequested bool
	var beatErr error
	env.RegisterDelayedCallback(func() { cancelRequested, beatErr = env.RecordActivityHeartbeat(token, "half way") }, 5*time.Second)
	start := env.Now()
	err := env.ExecuteWorkflow(testsuite.StartOptions{}, "Async").Err()
	must(t, beatErr)
	var te *temporal.TimeoutError
	var last string
	if !errors.As(err, &te) || te.TimeoutType() != enumspb.TIMEOUT_TYPE_HEARTBEAT || te.LastHeartbeatDetails(&last) != nil || last != "half way" || cancelRequested {
		t.Fatalf("workflow error %v (last heartbeat %q, cancel requested %v)", err, last, cancelRequested)
	}
	// The heartbeat at 5s pushed the timeout from 10s to 15s.
	if d := env.Now().Sub(start); d != 15*time.Second {
		t.Errorf("timed out after %s, want 15s", d)
	}
}

func TestActivityEnvResultPending(t *testing.T) {
	env := testsuite.NewActivityEnv(t, testsuite.ActivityOptions{})
	_, err := env.ExecuteActivity(func(ctx context.Context) (string, error) { return "", activity.ErrResultPending })
	if !errors.Is(err, activity.ErrResultPending) {
		t.Fatalf("error %v", err)
	}
}
