package differential_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/testsuite"
	"github.com/temporalgen/temporalgen/runtime/testsuite/devserver"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

var srv *devserver.Server

// TestMain starts a dev server with one partition per task queue, so that
// a workflow task is delivered as soon as it is scheduled: with several
// partitions a task can wait for a poller of its partition, and a signal
// sent meanwhile lands before the task starts, which changes the history
// the comparison sees.
func TestMain(m *testing.M) {
	dc := devserver.DefaultDynamicConfig()
	dc["matching.numTaskqueueReadPartitions"] = "1"
	dc["matching.numTaskqueueWritePartitions"] = "1"
	os.Exit(devserver.RunMain(m, devserver.Options{DynamicConfig: dc}, func(s *devserver.Server) { srv = s }))
}

// scenario is one workflow test, written once for both environments.
type scenario struct {
	name  string
	setup func(t *testing.T, env *testsuite.Env)
	start string
	args  []any
	check func(t *testing.T, res *testsuite.Result)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var short = workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}

func scenarios() []scenario {
	return []scenario{
		{name: "activities with retries", start: "Retries", setup: func(t *testing.T, env *testsuite.Env) {
			must(t, env.RegisterWorkflow("Retries", func(ctx workflow.Context, n int) (string, error) {
				opts := short
				opts.RetryPolicy = &temporal.RetryPolicy{InitialInterval: 50 * time.Millisecond, MaximumAttempts: 5}
				out := ""
				for i := range n {
					s, err := workflow.ExecuteActivity[string](ctx, opts, "Flaky", i).Get(ctx)
					if err != nil {
						return "", err
					}
					out += s
				}
				return out, nil
			}))
			tries := map[int]int{}
			must(t, env.RegisterActivity("Flaky", func(_ context.Context, i int) (string, error) {
				if tries[i]++; tries[i] < 2 {
					return "", errors.New("transient")
				}
				return fmt.Sprint(i), nil
			}))
		}, args: []any{3}},
		{name: "timers and signals", start: "Signals", setup: func(t *testing.T, env *testsuite.Env) {
			must(t, env.RegisterWorkflow("Signals", func(ctx workflow.Context) ([]string, error) {
				var got []string
				must(t, workflow.SetSignalHandler(ctx, "add", func(_ workflow.Context, v converter.Values) error {
					var s string
					err := v.Get(0, &s)
					got = append(got, s)
					return err
				}, workflow.SignalOptions{}))
				if err := workflow.Sleep(ctx, 100*time.Millisecond); err != nil {
					return nil, err
				}
				err := workflow.Await(ctx, func() bool { return len(got) == 2 })
				return got, err
			}))
			// Far from the timer: the server fires timers up to about a
			// second late.
			env.RegisterDelayedCallback(func() { must(t, env.SignalWorkflow("add", "a")) }, 2500*time.Millisecond)
			env.RegisterDelayedCallback(func() { must(t, env.SignalWorkflow("add", "b")) }, 3500*time.Millisecond)
		}},
		{name: "updates", start: "Updates", setup: func(t *testing.T, env *testsuite.Env) {
			must(t, env.RegisterWorkflow("Updates", func(ctx workflow.Context) (int, error) {
				n := 0
				must(t, workflow.SetUpdateHandler(ctx, "inc", func(_ workflow.Context, v converter.Values) (any, error) {
					n++
					return n, nil
				}, workflow.UpdateOptions{Validator: func(_ workflow.Context, v converter.Values) error {
					var by int
					if err := v.Get(0, &by); err != nil || by <= 0 {
						return errors.New("only positive increments")
					}
					return nil
				}}))
				err := workflow.Await(ctx, func() bool { return n == 2 })
				return n, err
			}))
			env.RegisterDelayedCallback(func() { must(t, env.UpdateWorkflow("inc", "u1", testsuite.UpdateCallbacks{}, 1)) }, time.Second)
			env.RegisterDelayedCallback(func() { must(t, env.UpdateWorkflow("inc", "u2", testsuite.UpdateCallbacks{}, -1)) }, 2*time.Second)
			// u3 comes well after u2's rejection: on a loaded server, an
			// update arriving while the rejected one's speculative task is
			// still in flight joins that task (one workflow task fewer).
			env.RegisterDelayedCallback(func() { must(t, env.UpdateWorkflow("inc", "u3", testsuite.UpdateCallbacks{}, 1)) }, 5*time.Second)
		}},
		{name: "child workflow", start: "Parent", setup: func(t *testing.T, env *testsuite.Env) {
			must(t, env.RegisterWorkflow("Parent", func(ctx workflow.Context) (string, error) {
				return workflow.ExecuteChildWorkflow[string](ctx, workflow.ChildWorkflowOptions{}, "Child", "x").Get(ctx)
			}))
			must(t, env.RegisterWorkflow("Child", func(ctx workflow.Context, s string) (string, error) {
				return workflow.ExecuteActivity[string](ctx, short, "Upper", s).Get(ctx)
			}))
			must(t, env.RegisterActivity("Upper", func(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil }))
		}},
		{name: "continue-as-new", start: "Again", args: []any{0}, setup: func(t *testing.T, env *testsuite.Env) {
			must(t, env.RegisterWorkflow("Again", func(ctx workflow.Context, n int) (int, error) {
				if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
					return 0, err
				}
				return 0, workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{}, n+1)
			}))
		}, check: func(t *testing.T, res *testsuite.Result) {
			var can *testsuite.ContinuedAsNewError
			if !errors.As(res.Err(), &can) {
				t.Errorf("error %v, want continued as new", res.Err())
			}
		}},
		{name: "local activity", start: "Local", setup: func(t *testing.T, env *testsuite.Env) {
			must(t, env.RegisterWorkflow("Local", func(ctx workflow.Context) (string, error) {
				return workflow.ExecuteLocalActivity[string](ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second}, "Upper", "y").Get(ctx)
			}))
			must(t, env.RegisterActivity("Upper", func(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil }))
		}},
		{name: "cancellation", start: "Cancel", setup: func(t *testing.T, env *testsuite.Env) {
			must(t, env.RegisterWorkflow("Cancel", func(ctx workflow.Context) error {
				return workflow.Sleep(ctx, time.Hour)
			}))
			env.RegisterDelayedCallback(func() { must(t, env.CancelWorkflow()) }, time.Second)
		}, check: func(t *testing.T, res *testsuite.Result) {
			if !temporal.IsCanceledError(res.Err()) {
				t.Errorf("error %v, want cancelled", res.Err())
			}
		}},
	}
}

// TestSameHistoryInMemoryAndOnTheServer runs every scenario in both
// environments and compares the histories.
func TestSameHistoryInMemoryAndOnTheServer(t *testing.T) {
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			run := func(opts testsuite.Options) *testsuite.Result {
				env := testsuite.New(t, opts)
				sc.setup(t, env)
				res := env.ExecuteWorkflow(testsuite.StartOptions{}, sc.start, sc.args...)
				if sc.check != nil {
					sc.check(t, res)
				} else if err := res.Err(); err != nil {
					t.Fatalf("workflow failed: %v", err)
				}
				return res
			}
			mem := run(testsuite.Options{})
			real := run(testsuite.Options{Server: &testsuite.Server{HostPort: srv.Address(), Namespace: srv.Namespace()}})
			a, b := describe(mem.History()), describe(real.History())
			if strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Errorf("histories differ\n%s", sideBySide(a, b))
			}
		})
	}
}

// describe renders each event as its type and the attributes both
// environments must agree on.
func describe(h *historypb.History) []string {
	var out []string
	for _, ev := range h.GetEvents() {
		s := strings.TrimPrefix(ev.EventType.String(), "EVENT_TYPE_")
		switch ev.EventType {
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			a := ev.GetActivityTaskScheduledEventAttributes()
			s += fmt.Sprintf(" id=%s type=%s input=%s", a.ActivityId, a.ActivityType.GetName(), payloads(a.Input.GetPayloads()))
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
			s += fmt.Sprintf(" attempt=%d", ev.GetActivityTaskStartedEventAttributes().Attempt)
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			s += " result=" + payloads(ev.GetActivityTaskCompletedEventAttributes().GetResult().GetPayloads())
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			a := ev.GetTimerStartedEventAttributes()
			s += fmt.Sprintf(" id=%s after=%s", a.TimerId, a.StartToFireTimeout.AsDuration())
		case enumspb.EVENT_TYPE_TIMER_FIRED, enumspb.EVENT_TYPE_TIMER_CANCELED:
			s += " id=" + ev.GetTimerFiredEventAttributes().GetTimerId() + ev.GetTimerCanceledEventAttributes().GetTimerId()
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			a := ev.GetWorkflowExecutionSignaledEventAttributes()
			s += fmt.Sprintf(" %s%s", a.SignalName, payloads(a.Input.GetPayloads()))
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			a := ev.GetMarkerRecordedEventAttributes()
			s += fmt.Sprintf(" %s result=%s", a.MarkerName, payloads(a.Details["result"].GetPayloads()))
		case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
			a := ev.GetStartChildWorkflowExecutionInitiatedEventAttributes()
			s += fmt.Sprintf(" type=%s input=%s", a.WorkflowType.GetName(), payloads(a.Input.GetPayloads()))
		case enumspb.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
			s += " result=" + payloads(ev.GetChildWorkflowExecutionCompletedEventAttributes().GetResult().GetPayloads())
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			a := ev.GetWorkflowExecutionUpdateAcceptedEventAttributes()
			s += fmt.Sprintf(" %s %s%s", a.ProtocolInstanceId, a.AcceptedRequest.GetInput().GetName(), payloads(a.AcceptedRequest.GetInput().GetArgs().GetPayloads()))
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
			a := ev.GetWorkflowExecutionUpdateCompletedEventAttributes()
			s += fmt.Sprintf(" %s result=%s", a.Meta.GetUpdateId(), payloads(a.Outcome.GetSuccess().GetPayloads()))
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
			s += " result=" + payloads(ev.GetWorkflowExecutionCompletedEventAttributes().GetResult().GetPayloads())
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
			a := ev.GetWorkflowExecutionContinuedAsNewEventAttributes()
			s += fmt.Sprintf(" type=%s input=%s", a.WorkflowType.GetName(), payloads(a.Input.GetPayloads()))
		}
		out = append(out, s)
	}
	return out
}

func payloads[P interface{ GetData() []byte }](ps []P) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, string(p.GetData()))
	}
	return "(" + strings.Join(parts, ",") + ")"
}

func sideBySide(a, b []string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-70s | %s\n", "in memory", "dev server")
	for i := range max(len(a), len(b)) {
		var l, r string
		if i < len(a) {
			l = a[i]
		}
		if i < len(b) {
			r = b[i]
		}
		mark := " "
		if l != r {
			mark = "!"
		}
		fmt.Fprintf(&sb, "%s %-68s | %s\n", mark, l, r)
	}
	return sb.String()
}
