package interop

// Activities across the SDKs: our workflow calls activities hosted by an
// sdk-go worker, and an sdk-go workflow calls the same activities hosted
// by our worker. Values of every kind must arrive and come back exactly;
// ApplicationErrors cross with type, message, non-retryable flag and
// details.

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	sdkactivity "go.temporal.io/sdk/activity"
	sdkclient "go.temporal.io/sdk/client"
	sdktemporal "go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	sdkworkflow "go.temporal.io/sdk/workflow"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/temporal"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// recorder keeps what activities received, as decoded by their SDK.
type recorder struct {
	mu  sync.Mutex
	got map[string][]any
}

func newRecorder() *recorder { return &recorder{got: map[string][]any{}} }

func (r *recorder) add(activity string, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got[activity] = append(r.got[activity], v)
}

func (r *recorder) get(activity string) []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]any(nil), r.got[activity]...)
}

// echoActivities are plain Go functions: the same ones are registered
// with both SDKs' workers.
func echoActivities(r *recorder) map[string]any {
	return map[string]any{
		"EchoPerson": func(_ context.Context, p Person) (Person, error) {
			r.add("EchoPerson", p)
			return p, nil
		},
		"EchoBytes": func(_ context.Context, b []byte) ([]byte, error) {
			r.add("EchoBytes", b)
			return b, nil
		},
		"EchoNilPerson": func(_ context.Context, p *Person) (*Person, error) {
			r.add("EchoNilPerson", p)
			return p, nil
		},
		"EchoProto": func(_ context.Context, m *commonpb.WorkflowExecution) (*commonpb.WorkflowExecution, error) {
			r.add("EchoProto", m)
			return m, nil
		},
		"NoResult": func(_ context.Context, p *Person) error {
			r.add("NoResult", p)
			return nil
		},
	}
}

// The failures requested by the activity workflows; the activity runs
// once (MaximumAttempts 1) so the retryable one fails at once too.
func failSpecs(host string) []FailSpec {
	return []FailSpec{
		{Type: "InteropNonRetryable", Message: "boom from " + host, NonRetryable: true},
		{Type: "InteropRetryable", Message: "retryable boom from " + host},
	}
}

// ActivityReport is what an activity workflow returns.
type ActivityReport struct {
	Mismatches []string    `json:"mismatches"`
	NilResult  bool        `json:"nilResult"` // EchoNilPerson returned nil
	Errors     []ErrReport `json:"errors"`
}

type ActivityInput struct {
	TaskQueue string     `json:"taskQueue"`
	Fail      []FailSpec `json:"fail"`
}

// ourActivityWorkflow calls the activities on in.TaskQueue from our
// runtime.
func ourActivityWorkflow(ctx workflow.Context, in ActivityInput) (ActivityReport, error) {
	opts := workflow.ActivityOptions{
		TaskQueue:           in.TaskQueue,
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
	}
	rep := ActivityReport{Mismatches: []string{}, Errors: []ErrReport{}}
	miss := func(d string, err error) {
		if err != nil {
			d = fmt.Sprintf("%s (error: %v)", d, err)
		}
		if d != "" {
			rep.Mismatches = append(rep.Mismatches, d)
		}
	}
	p, err := workflow.ExecuteActivity[Person](ctx, opts, "EchoPerson", fixturePerson()).Get(ctx)
	miss(diffValue("EchoPerson", p, fixturePerson()), err)
	b, err := workflow.ExecuteActivity[[]byte](ctx, opts, "EchoBytes", fixtureBytes()).Get(ctx)
	miss(diffValue("EchoBytes", b, fixtureBytes()), err)
	np, err := workflow.ExecuteActivity[*Person](ctx, opts, "EchoNilPerson", (*Person)(nil)).Get(ctx)
	miss("", err)
	rep.NilResult = np == nil
	m, err := workflow.ExecuteActivity[*commonpb.WorkflowExecution](ctx, opts, "EchoProto", fixtureProto()).Get(ctx)
	miss(diffValue("EchoProto", m, fixtureProto()), err)
	_, err = workflow.ExecuteActivity[struct{}](ctx, opts, "NoResult", nil).Get(ctx)
	miss("", err)
	for _, spec := range in.Fail {
		_, err := workflow.ExecuteActivity[struct{}](ctx, opts, "Fail", spec).Get(ctx)
		rep.Errors = append(rep.Errors, ourReport(err))
	}
	return rep, nil
}

// sdkActivityWorkflow is the same workflow written for sdk-go.
func sdkActivityWorkflow(ctx sdkworkflow.Context, in ActivityInput) (ActivityReport, error) {
	ctx = sdkworkflow.WithActivityOptions(ctx, sdkworkflow.ActivityOptions{
		TaskQueue:           in.TaskQueue,
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &sdktemporal.RetryPolicy{MaximumAttempts: 1},
	})
	rep := ActivityReport{Mismatches: []string{}, Errors: []ErrReport{}}
	miss := func(d string, err error) {
		if err != nil {
			d = fmt.Sprintf("%s (error: %v)", d, err)
		}
		if d != "" {
			rep.Mismatches = append(rep.Mismatches, d)
		}
	}
	var p Person
	err := sdkworkflow.ExecuteActivity(ctx, "EchoPerson", fixturePerson()).Get(ctx, &p)
	miss(diffValue("EchoPerson", p, fixturePerson()), err)
	var b []byte
	err = sdkworkflow.ExecuteActivity(ctx, "EchoBytes", fixtureBytes()).Get(ctx, &b)
	miss(diffValue("EchoBytes", b, fixtureBytes()), err)
	np := &Person{Name: "must be overwritten with nil"}
	err = sdkworkflow.ExecuteActivity(ctx, "EchoNilPerson", (*Person)(nil)).Get(ctx, &np)
	miss("", err)
	rep.NilResult = np == nil
	var m *commonpb.WorkflowExecution
	err = sdkworkflow.ExecuteActivity(ctx, "EchoProto", fixtureProto()).Get(ctx, &m)
	miss(diffValue("EchoProto", m, fixtureProto()), err)
	err = sdkworkflow.ExecuteActivity(ctx, "NoResult", nil).Get(ctx, nil)
	miss("", err)
	for _, spec := range in.Fail {
		err := sdkworkflow.ExecuteActivity(ctx, "Fail", spec).Get(ctx, nil)
		rep.Errors = append(rep.Errors, sdkReport(err))
	}
	return rep, nil
}

// checkActivityRun checks a report and what the activities received.
func checkActivityRun(t *testing.T, rep ActivityReport, rec *recorder, specs []FailSpec) {
	t.Helper()
	for _, m := range rep.Mismatches {
		t.Errorf("workflow saw: %s", m)
	}
	if !rep.NilResult {
		t.Error("EchoNilPerson: the workflow did not get a nil *Person back")
	}
	for name, want := range map[string]any{
		"EchoPerson":    fixturePerson(),
		"EchoBytes":     fixtureBytes(),
		"EchoNilPerson": (*Person)(nil),
		"EchoProto":     fixtureProto(),
		"NoResult":      (*Person)(nil),
	} {
		got := rec.get(name)
		if len(got) != 1 {
			t.Errorf("%s ran %d times, want once", name, len(got))
			continue
		}
		if d := diffValue(name+" received", got[0], want); d != "" {
			t.Error(d)
		}
	}
	if len(rep.Errors) != len(specs) {
		t.Fatalf("got %d error reports, want %d", len(rep.Errors), len(specs))
	}
	for i, spec := range specs {
		retry := enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED.String()
		if spec.NonRetryable {
			retry = enumspb.RETRY_STATE_NON_RETRYABLE_FAILURE.String()
		}
		checkReport(t, "activity error "+spec.Type, rep.Errors[i], expectedReport(spec, "activity:Fail", retry))
	}
}

// TestOurWorkflowCallsSDKActivities: activities hosted by sdk-go, called
// from our workflow.
func TestOurWorkflowCallsSDKActivities(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		rec := newRecorder()
		e.sdkWorker(func(w sdkworker.Worker) {
			for name, fn := range echoActivities(rec) {
				w.RegisterActivityWithOptions(fn, sdkactivity.RegisterOptions{Name: name})
			}
			w.RegisterActivityWithOptions(func(_ context.Context, spec FailSpec) error {
				return sdkAppError(spec)
			}, sdkactivity.RegisterOptions{Name: "Fail"})
		})
		e.ourWorker(cacheSize, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("OurActivityWorkflow", ourActivityWorkflow))
		})
		specs := failSpecs("sdk-go")
		h, err := e.ours.StartWorkflow(testenv.Context(t), client.StartWorkflowOptions{
			ID: testenv.UniqueID("our-activities"), TaskQueue: e.ourTQ,
		}, "OurActivityWorkflow", ActivityInput{TaskQueue: e.sdkTQ, Fail: specs})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := client.Result[ActivityReport](testenv.Context(t), h)
		if err != nil {
			t.Fatal(err)
		}
		checkActivityRun(t, rep, rec, specs)
	})
}

// TestSDKWorkflowCallsOurActivities: activities hosted by our worker,
// called from an sdk-go workflow.
func TestSDKWorkflowCallsOurActivities(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		rec := newRecorder()
		e.ourWorker(cacheSize, func(w *worker.Worker) {
			for name, fn := range echoActivities(rec) {
				testenv.Must(t, w.RegisterActivity(name, fn))
			}
			testenv.Must(t, w.RegisterActivity("Fail", func(_ context.Context, spec FailSpec) error {
				return ourAppError(spec)
			}))
		})
		e.sdkWorker(func(w sdkworker.Worker) {
			w.RegisterWorkflowWithOptions(sdkActivityWorkflow, sdkworkflow.RegisterOptions{Name: "SDKActivityWorkflow"})
		})
		specs := failSpecs("ours")
		run, err := e.sdk.ExecuteWorkflow(testenv.Context(t), sdkclient.StartWorkflowOptions{
			ID: testenv.UniqueID("sdk-activities"), TaskQueue: e.sdkTQ,
		}, "SDKActivityWorkflow", ActivityInput{TaskQueue: e.ourTQ, Fail: specs})
		if err != nil {
			t.Fatal(err)
		}
		var rep ActivityReport
		if err := run.Get(testenv.Context(t), &rep); err != nil {
			t.Fatal(err)
		}
		checkActivityRun(t, rep, rec, specs)
	})
}
