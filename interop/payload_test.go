package interop

// The payloads our runtime writes to history are byte-for-byte those
// sdk-go writes for the same values: the same workflow, written for each
// SDK, is started by each SDK's client with the same arguments, makes
// the same activity calls and returns the same value; the two histories'
// payloads are then compared.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	sdkactivity "go.temporal.io/sdk/activity"
	sdkclient "go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	sdkworkflow "go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// The kinds of value a workflow returns (and activity ResultOf produces).
// "none" is a workflow and activity without a result.
var payloadKinds = []string{"string", "int", "struct", "bytes", "nil", "proto", "none"}

// fixtureOf returns the value of a kind.
func fixtureOf(kind string) any {
	switch kind {
	case "string":
		return fixtureString
	case "int":
		return fixtureInt
	case "struct":
		return fixturePerson()
	case "bytes":
		return fixtureBytes()
	case "nil":
		return (*Person)(nil)
	case "proto":
		return fixtureProto()
	}
	panic("unknown kind " + kind)
}

// sinkArgs are the arguments of every workflow start and Sink call.
func sinkArgs(kind string) []any {
	return []any{kind, fixtureString, fixtureInt, fixturePerson(), fixtureBytes(), (*Person)(nil), fixtureProto()}
}

// The activities, plain functions registered with both SDKs.
func sinkActivity(_ context.Context, _ string, _ string, _ int, _ Person, _ []byte, _ *Person, _ *commonpb.WorkflowExecution) error {
	return nil
}

func resultOfActivity(_ context.Context, kind string) (any, error) { return fixtureOf(kind), nil }

func noResultActivity(context.Context) error { return nil }

var payloadActivities = map[string]any{
	"Sink":     sinkActivity,
	"ResultOf": resultOfActivity,
	"NoResult": noResultActivity,
}

const payloadWorkflow = "Payloads"

// ourPayloadWorkflow calls Sink with its arguments, then ResultOf(kind),
// and returns that result, decoded into its Go type and encoded again.
func ourPayloadWorkflow(ctx workflow.Context, kind, s string, i int, p Person, b []byte, n *Person, m *commonpb.WorkflowExecution) (any, error) {
	opts := workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second}
	if _, err := workflow.ExecuteActivity[struct{}](ctx, opts, "Sink", kind, s, i, p, b, n, m).Get(ctx); err != nil {
		return nil, err
	}
	switch kind {
	case "string":
		return ourResultOf[string](ctx, opts, kind)
	case "int":
		return ourResultOf[int](ctx, opts, kind)
	case "struct":
		return ourResultOf[Person](ctx, opts, kind)
	case "bytes":
		return ourResultOf[[]byte](ctx, opts, kind)
	case "nil":
		return ourResultOf[*Person](ctx, opts, kind)
	case "proto":
		return ourResultOf[*commonpb.WorkflowExecution](ctx, opts, kind)
	}
	return nil, fmt.Errorf("unknown kind %q", kind)
}

func ourResultOf[T any](ctx workflow.Context, opts workflow.ActivityOptions, kind string) (any, error) {
	v, err := workflow.ExecuteActivity[T](ctx, opts, "ResultOf", kind).Get(ctx)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// ourNoResultWorkflow is the "none" kind: Sink, NoResult, no result.
func ourNoResultWorkflow(ctx workflow.Context, kind, s string, i int, p Person, b []byte, n *Person, m *commonpb.WorkflowExecution) error {
	opts := workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second}
	if _, err := workflow.ExecuteActivity[struct{}](ctx, opts, "Sink", kind, s, i, p, b, n, m).Get(ctx); err != nil {
		return err
	}
	_, err := workflow.ExecuteActivity[struct{}](ctx, opts, "NoResult").Get(ctx)
	return err
}

func sdkPayloadWorkflow(ctx sdkworkflow.Context, kind, s string, i int, p Person, b []byte, n *Person, m *commonpb.WorkflowExecution) (any, error) {
	ctx = sdkworkflow.WithActivityOptions(ctx, sdkworkflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	if err := sdkworkflow.ExecuteActivity(ctx, "Sink", kind, s, i, p, b, n, m).Get(ctx, nil); err != nil {
		return nil, err
	}
	switch kind {
	case "string":
		return sdkResultOf[string](ctx, kind)
	case "int":
		return sdkResultOf[int](ctx, kind)
	case "struct":
		return sdkResultOf[Person](ctx, kind)
	case "bytes":
		return sdkResultOf[[]byte](ctx, kind)
	case "nil":
		return sdkResultOf[*Person](ctx, kind)
	case "proto":
		return sdkResultOf[*commonpb.WorkflowExecution](ctx, kind)
	}
	return nil, fmt.Errorf("unknown kind %q", kind)
}

func sdkResultOf[T any](ctx sdkworkflow.Context, kind string) (any, error) {
	var v T
	if err := sdkworkflow.ExecuteActivity(ctx, "ResultOf", kind).Get(ctx, &v); err != nil {
		return nil, err
	}
	return v, nil
}

func sdkNoResultWorkflow(ctx sdkworkflow.Context, kind, s string, i int, p Person, b []byte, n *Person, m *commonpb.WorkflowExecution) error {
	ctx = sdkworkflow.WithActivityOptions(ctx, sdkworkflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	if err := sdkworkflow.ExecuteActivity(ctx, "Sink", kind, s, i, p, b, n, m).Get(ctx, nil); err != nil {
		return err
	}
	return sdkworkflow.ExecuteActivity(ctx, "NoResult").Get(ctx, nil)
}

func workflowTypeFor(kind string) string {
	if kind == "none" {
		return payloadWorkflow + "NoResult"
	}
	return payloadWorkflow
}

// payloadsOf extracts, in order, every payload-carrying field of a
// completed run's history that both SDKs fill: the start input, each
// scheduled activity's input, each completed activity's result and the
// workflow result. Keys name the event and the activity type.
type namedPayloads struct {
	name string
	p    *commonpb.Payloads
}

func payloadsOf(evs []*historypb.HistoryEvent) []namedPayloads {
	var out []namedPayloads
	activityType := map[int64]string{}
	for _, e := range evs {
		switch e.EventType {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
			out = append(out, namedPayloads{"WorkflowExecutionStarted.input", e.GetWorkflowExecutionStartedEventAttributes().GetInput()})
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			a := e.GetActivityTaskScheduledEventAttributes()
			activityType[e.EventId] = a.GetActivityType().GetName()
			out = append(out, namedPayloads{"ActivityTaskScheduled(" + a.GetActivityType().GetName() + ").input", a.GetInput()})
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			a := e.GetActivityTaskCompletedEventAttributes()
			out = append(out, namedPayloads{"ActivityTaskCompleted(" + activityType[a.GetScheduledEventId()] + ").result", a.GetResult()})
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
			out = append(out, namedPayloads{"WorkflowExecutionCompleted.result", e.GetWorkflowExecutionCompletedEventAttributes().GetResult()})
		}
	}
	return out
}

// formatPayloads renders payloads for a failure message: metadata in key
// order, data quoted.
func formatPayloads(ps *commonpb.Payloads) string {
	if ps == nil {
		return "<nil>"
	}
	var b strings.Builder
	for i, p := range ps.GetPayloads() {
		keys := make([]string, 0, len(p.GetMetadata()))
		for k := range p.GetMetadata() {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "\n    [%d]", i)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%q", k, p.GetMetadata()[k])
		}
		fmt.Fprintf(&b, " data=%q", p.GetData())
	}
	return b.String()
}

// TestPayloadsMatchSDK: every value kind, one run per SDK, compared.
func TestPayloadsMatchSDK(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.ourWorker(cacheSize, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow(payloadWorkflow, ourPayloadWorkflow))
			testenv.Must(t, w.RegisterWorkflow(payloadWorkflow+"NoResult", ourNoResultWorkflow))
			for name, fn := range payloadActivities {
				testenv.Must(t, w.RegisterActivity(name, fn))
			}
		})
		e.sdkWorker(func(w sdkworker.Worker) {
			w.RegisterWorkflowWithOptions(sdkPayloadWorkflow, sdkworkflow.RegisterOptions{Name: payloadWorkflow})
			w.RegisterWorkflowWithOptions(sdkNoResultWorkflow, sdkworkflow.RegisterOptions{Name: payloadWorkflow + "NoResult"})
			for name, fn := range payloadActivities {
				w.RegisterActivityWithOptions(fn, sdkactivity.RegisterOptions{Name: name})
			}
		})
		for _, kind := range payloadKinds {
			t.Run(kind, func(t *testing.T) {
				ctx := testenv.Context(t)
				wt := workflowTypeFor(kind)

				// sdk-go: its client starts its workflow.
				run, err := e.sdk.ExecuteWorkflow(ctx, sdkclient.StartWorkflowOptions{
					ID: testenv.UniqueID("payloads-sdk-" + kind), TaskQueue: e.sdkTQ,
				}, wt, sinkArgs(kind)...)
				if err != nil {
					t.Fatal(err)
				}
				if err := run.Get(ctx, nil); err != nil {
					t.Fatalf("sdk-go workflow: %v", err)
				}
				// Ours: our client starts our workflow.
				h, err := e.ours.StartWorkflow(ctx, client.StartWorkflowOptions{
					ID: testenv.UniqueID("payloads-ours-" + kind), TaskQueue: e.ourTQ,
				}, wt, sinkArgs(kind)...)
				if err != nil {
					t.Fatal(err)
				}
				if err := h.Get(ctx, nil); err != nil {
					t.Fatalf("our workflow: %v", err)
				}

				sdkHist, err := e.ours.GetWorkflow(run.GetID(), run.GetRunID()).FetchHistory(ctx)
				if err != nil {
					t.Fatal(err)
				}
				ourHist, err := h.FetchHistory(ctx)
				if err != nil {
					t.Fatal(err)
				}
				want, got := payloadsOf(sdkHist.GetEvents()), payloadsOf(ourHist.GetEvents())
				if len(got) != len(want) {
					names := func(ps []namedPayloads) (s []string) {
						for _, p := range ps {
							s = append(s, p.name)
						}
						return s
					}
					t.Fatalf("payload fields differ:\n ours   %v\n sdk-go %v", names(got), names(want))
				}
				for i := range want {
					if got[i].name != want[i].name {
						t.Errorf("field %d: ours %s, sdk-go %s", i, got[i].name, want[i].name)
						continue
					}
					if !proto.Equal(got[i].p, want[i].p) {
						t.Errorf("%s differs:\n  ours:  %s\n  sdk-go:%s", got[i].name, formatPayloads(got[i].p), formatPayloads(want[i].p))
					}
				}
				if t.Failed() {
					return
				}
				for _, w := range want {
					t.Logf("identical %s:%s", w.name, formatPayloads(w.p))
				}
				// And the values are what the test meant to send.
				if kind != "none" {
					var v any
					switch kind {
					case "string":
						v, err = client.Result[string](ctx, h)
					case "int":
						v, err = client.Result[int](ctx, h)
					case "struct":
						v, err = client.Result[Person](ctx, h)
					case "bytes":
						v, err = client.Result[[]byte](ctx, h)
					case "nil":
						v, err = client.Result[*Person](ctx, h)
					case "proto":
						v, err = client.Result[*commonpb.WorkflowExecution](ctx, h)
					}
					if err != nil {
						t.Fatal(err)
					}
					if d := diffValue("result", v, fixtureOf(kind)); d != "" {
						t.Error(d)
					}
				}
			})
		}
	})
}
