package worker_test

import (
	"context"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/converter"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

func decoded(p *commonpb.Payload) string {
	var s string
	if p != nil {
		_ = converter.Default().FromPayload(p, &s)
	}
	return s
}

// TestSummariesAndPriority: a workflow's static summary, details and
// priority from the start, and the summaries of its activity, local
// activity, timers and child (with its own priority), reach the server:
// describe shows them and so do the history events the Web UI reads.
func TestSummariesAndPriority(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.worker(worker.Options{CacheSize: cacheSize}, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Described", func(ctx workflow.Context) (string, error) {
				opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second, Summary: "charge the card", Priority: &temporal.Priority{PriorityKey: 1}}
				if _, err := workflow.ExecuteActivity[struct{}](ctx, opts, "Nop").Get(ctx); err != nil {
					return "", err
				}
				lopts := workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second, Summary: "validate"}
				if _, err := workflow.ExecuteLocalActivity[struct{}](ctx, lopts, "Nop").Get(ctx); err != nil {
					return "", err
				}
				if err := workflow.SleepWithOptions(ctx, time.Millisecond, workflow.TimerOptions{Summary: "cool down"}); err != nil {
					return "", err
				}
				if _, err := workflow.AwaitWithTimeoutOptions(ctx, time.Millisecond, workflow.TimerOptions{Summary: "wait for approval"}, func() bool { return false }); err != nil {
					return "", err
				}
				copts := workflow.ChildWorkflowOptions{WorkflowID: workflow.GetInfo(ctx).WorkflowID + "-child",
					StaticSummary: "ship it", StaticDetails: "to *Lisbon*", Priority: &temporal.Priority{PriorityKey: 4}}
				if _, err := workflow.ExecuteChildWorkflow[struct{}](ctx, copts, "Leaf").Get(ctx); err != nil {
					return "", err
				}
				return copts.WorkflowID, nil
			}))
			testenv.Must(t, w.RegisterWorkflow("Leaf", func(workflow.Context) error { return nil }))
			testenv.Must(t, w.RegisterActivity("Nop", func(context.Context) error { return nil }))
		})
		ctx := testenv.Context(t)
		h := e.startOpts(client.StartWorkflowOptions{StaticSummary: "order 42", StaticDetails: "**rush**", Priority: &temporal.Priority{PriorityKey: 2, FairnessKey: "tenant-a", FairnessWeight: 2}}, "Described")
		childID := testenv.Result[string](t, h)

		d, err := h.Describe(ctx)
		testenv.Must(t, err)
		if d.StaticSummary != "order 42" || d.StaticDetails != "**rush**" || d.Priority == nil ||
			*d.Priority != (temporal.Priority{PriorityKey: 2, FairnessKey: "tenant-a", FairnessWeight: 2}) {
			t.Errorf("describe: summary %q details %q priority %+v", d.StaticSummary, d.StaticDetails, d.Priority)
		}
		cd, err := e.c.GetWorkflow(childID, "").Describe(ctx)
		testenv.Must(t, err)
		if cd.StaticSummary != "ship it" || cd.StaticDetails != "to *Lisbon*" || cd.Priority == nil || cd.Priority.PriorityKey != 4 {
			t.Errorf("child describe: summary %q details %q priority %+v", cd.StaticSummary, cd.StaticDetails, cd.Priority)
		}

		var timers []string
		summaries := map[enumspb.EventType]string{}
		for _, ev := range testenv.History(t, h) {
			s := decoded(ev.GetUserMetadata().GetSummary())
			switch ev.GetEventType() {
			case enumspb.EVENT_TYPE_TIMER_STARTED:
				timers = append(timers, s)
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
				summaries[ev.GetEventType()] = s
				if k := ev.GetActivityTaskScheduledEventAttributes().GetPriority().GetPriorityKey(); k != 1 {
					t.Errorf("activity priority key %d, want 1", k)
				}
			case enumspb.EVENT_TYPE_MARKER_RECORDED, enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
				summaries[ev.GetEventType()] = s
			}
		}
		want := map[enumspb.EventType]string{
			enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:                  "charge the card",
			enumspb.EVENT_TYPE_MARKER_RECORDED:                          "validate",
			enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: "ship it",
		}
		for et, s := range want {
			if summaries[et] != s {
				t.Errorf("%v summary %q, want %q", et, summaries[et], s)
			}
		}
		if len(timers) != 2 || timers[0] != "cool down" || timers[1] != "wait for approval" {
			t.Errorf("timer summaries %q, want [cool down wait for approval]", timers)
		}
	})
}

// TestVersioningIntent: the build-id versioning intent on an activity, a
// child and a continue-as-new is sent, server 1.29.1 accepts it, and the
// workflow completes.
func TestVersioningIntent(t *testing.T) {
	e := newEnv(t)
	compatible := temporal.VersioningIntentCompatible
	e.worker(worker.Options{CacheSize: worker.DefaultCacheSize}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Intent", func(ctx workflow.Context, again bool) error {
			opts := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second, VersioningIntent: compatible}
			if _, err := workflow.ExecuteActivity[struct{}](ctx, opts, "Nop").Get(ctx); err != nil {
				return err
			}
			copts := workflow.ChildWorkflowOptions{VersioningIntent: compatible}
			if _, err := workflow.ExecuteChildWorkflow[struct{}](ctx, copts, "Leaf").Get(ctx); err != nil {
				return err
			}
			if again {
				return workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{VersioningIntent: compatible}, false)
			}
			return nil
		}))
		testenv.Must(t, w.RegisterWorkflow("Leaf", func(workflow.Context) error { return nil }))
		testenv.Must(t, w.RegisterActivity("Nop", func(context.Context) error { return nil }))
	})
	h := e.start("Intent", true)
	testenv.Must(t, h.Get(testenv.Context(t), nil))
	evs := testenv.History(t, h)
	if a := testenv.First(evs, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).GetActivityTaskScheduledEventAttributes(); !a.GetUseWorkflowBuildId() {
		t.Errorf("ActivityTaskScheduled does not use the workflow's build id: %v", a)
	}
	if a := testenv.First(evs, enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED).GetStartChildWorkflowExecutionInitiatedEventAttributes(); !a.GetInheritBuildId() {
		t.Errorf("StartChildWorkflowExecutionInitiated does not inherit the build id: %v", a)
	}
	if a := testenv.First(evs, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW).GetWorkflowExecutionContinuedAsNewEventAttributes(); !a.GetInheritBuildId() {
		t.Errorf("WorkflowExecutionContinuedAsNew does not inherit the build id: %v", a)
	}
}

// TestInitialVersioningBehavior: ContinueAsNewOptions.InitialVersioningBehavior
// is sent on the continue-as-new command (seen on the wire); server
// 1.29.1 accepts it from an unversioned worker (it records it only for
// versioned workflows) and the chain completes.
func TestInitialVersioningBehavior(t *testing.T) {
	var mu sync.Mutex
	var sent []enumspb.ContinueAsNewVersioningBehavior
	spy := grpc.WithChainUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if r, ok := req.(*workflowservice.RespondWorkflowTaskCompletedRequest); ok {
			for _, c := range r.GetCommands() {
				if a := c.GetContinueAsNewWorkflowExecutionCommandAttributes(); a != nil {
					mu.Lock()
					sent = append(sent, a.GetInitialVersioningBehavior())
					mu.Unlock()
				}
			}
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	})
	e := newEnv(t, spy)
	e.worker(worker.Options{}, func(w *worker.Worker) {
		testenv.Must(t, w.RegisterWorkflow("Chain", func(ctx workflow.Context, again bool) error {
			if again {
				return workflow.NewContinueAsNewError(ctx, workflow.ContinueAsNewOptions{
					InitialVersioningBehavior: enumspb.CONTINUE_AS_NEW_VERSIONING_BEHAVIOR_AUTO_UPGRADE}, false)
			}
			return nil
		}))
	})
	h := e.start("Chain", true)
	testenv.Must(t, h.Get(testenv.Context(t), nil))
	if n := testenv.Count(testenv.History(t, h), enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW); n != 1 {
		t.Fatalf("%d continued-as-new events, want 1", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 1 || sent[0] != enumspb.CONTINUE_AS_NEW_VERSIONING_BEHAVIOR_AUTO_UPGRADE {
		t.Errorf("continue-as-new commands sent with %v, want one with AUTO_UPGRADE", sent)
	}
}
