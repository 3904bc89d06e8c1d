package interop

// Child workflows across the SDKs, both directions, succeeding and
// failing.

import (
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	sdkclient "go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	sdkworkflow "go.temporal.io/sdk/workflow"

	"github.com/temporalgen/temporalgen/internal/testenv"
	"github.com/temporalgen/temporalgen/runtime/client"
	"github.com/temporalgen/temporalgen/runtime/worker"
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

type ParentInput struct {
	ChildTaskQueue string     `json:"childTaskQueue"`
	Person         Person     `json:"person"`
	Fail           []FailSpec `json:"fail"`
}

type ParentReport struct {
	Child    Person      `json:"child"`
	ChildErr string      `json:"childErr"` // error of the succeeding child, if any
	Failed   []ErrReport `json:"failed"`
}

func childFailSpecs(host string) []FailSpec {
	return []FailSpec{
		{Type: "ChildBoom", Message: host + " child failed", NonRetryable: true},
		{Type: "ChildBoomRetryable", Message: host + " child failed (retryable)"},
	}
}

// grow is what every child does to its input: the parent checks it.
func grow(p Person) Person {
	p.Age++
	p.Tags = append(p.Tags, "child")
	return p
}

func ourChild(_ workflow.Context, p Person) (Person, error) { return grow(p), nil }

func ourFailingChild(_ workflow.Context, spec FailSpec) (Person, error) {
	return Person{}, ourAppError(spec)
}

func sdkChild(_ sdkworkflow.Context, p Person) (Person, error) { return grow(p), nil }

func sdkFailingChild(_ sdkworkflow.Context, spec FailSpec) (Person, error) {
	return Person{}, sdkAppError(spec)
}

// ourParent runs "Child" and "FailingChild" on in.ChildTaskQueue.
func ourParent(ctx workflow.Context, in ParentInput) (ParentReport, error) {
	var rep ParentReport
	opts := workflow.ChildWorkflowOptions{TaskQueue: in.ChildTaskQueue}
	p, err := workflow.ExecuteChildWorkflow[Person](ctx, opts, "Child", in.Person).Get(ctx)
	rep.Child = p
	if err != nil {
		rep.ChildErr = err.Error()
	}
	for _, spec := range in.Fail {
		_, err = workflow.ExecuteChildWorkflow[Person](ctx, opts, "FailingChild", spec).Get(ctx)
		rep.Failed = append(rep.Failed, ourReport(err))
	}
	return rep, nil
}

// sdkParent is the same parent written for sdk-go.
func sdkParent(ctx sdkworkflow.Context, in ParentInput) (ParentReport, error) {
	var rep ParentReport
	ctx = sdkworkflow.WithChildOptions(ctx, sdkworkflow.ChildWorkflowOptions{TaskQueue: in.ChildTaskQueue})
	if err := sdkworkflow.ExecuteChildWorkflow(ctx, "Child", in.Person).Get(ctx, &rep.Child); err != nil {
		rep.ChildErr = err.Error()
	}
	for _, spec := range in.Fail {
		err := sdkworkflow.ExecuteChildWorkflow(ctx, "FailingChild", spec).Get(ctx, nil)
		rep.Failed = append(rep.Failed, sdkReport(err))
	}
	return rep, nil
}

func checkParentReport(t *testing.T, rep ParentReport, specs []FailSpec) {
	t.Helper()
	if rep.ChildErr != "" {
		t.Errorf("child failed: %s", rep.ChildErr)
	}
	if d := diffValue("child result", rep.Child, grow(fixturePerson())); d != "" {
		t.Error(d)
	}
	if len(rep.Failed) != len(specs) {
		t.Fatalf("got %d child failures, want %d", len(rep.Failed), len(specs))
	}
	// Child workflows have no retry policy by default: the failure ends
	// the child whatever the non-retryable flag says.
	for i, spec := range specs {
		checkReport(t, "failing child "+spec.Type, rep.Failed[i],
			expectedReport(spec, "child:FailingChild", enumspb.RETRY_STATE_RETRY_POLICY_NOT_SET.String()))
	}
}

// TestOurParentSDKChild: our workflow runs sdk-go children.
func TestOurParentSDKChild(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.sdkWorker(func(w sdkworker.Worker) {
			w.RegisterWorkflowWithOptions(sdkChild, sdkworkflow.RegisterOptions{Name: "Child"})
			w.RegisterWorkflowWithOptions(sdkFailingChild, sdkworkflow.RegisterOptions{Name: "FailingChild"})
		})
		e.ourWorker(cacheSize, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Parent", ourParent))
		})
		specs := childFailSpecs("sdk-go")
		h, err := e.ours.StartWorkflow(testenv.Context(t), client.StartWorkflowOptions{
			ID: testenv.UniqueID("our-parent"), TaskQueue: e.ourTQ,
		}, "Parent", ParentInput{ChildTaskQueue: e.sdkTQ, Person: fixturePerson(), Fail: specs})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := client.Result[ParentReport](testenv.Context(t), h)
		if err != nil {
			t.Fatal(err)
		}
		checkParentReport(t, rep, specs)
	})
}

// TestSDKParentOurChild: an sdk-go workflow runs our children.
func TestSDKParentOurChild(t *testing.T) {
	testenv.ForEachCache(t, func(t *testing.T, cacheSize int) {
		e := newEnv(t)
		e.ourWorker(cacheSize, func(w *worker.Worker) {
			testenv.Must(t, w.RegisterWorkflow("Child", ourChild))
			testenv.Must(t, w.RegisterWorkflow("FailingChild", ourFailingChild))
		})
		e.sdkWorker(func(w sdkworker.Worker) {
			w.RegisterWorkflowWithOptions(sdkParent, sdkworkflow.RegisterOptions{Name: "Parent"})
		})
		specs := childFailSpecs("our")
		run, err := e.sdk.ExecuteWorkflow(testenv.Context(t), sdkclient.StartWorkflowOptions{
			ID: testenv.UniqueID("sdk-parent"), TaskQueue: e.sdkTQ,
		}, "Parent", ParentInput{ChildTaskQueue: e.ourTQ, Person: fixturePerson(), Fail: specs})
		if err != nil {
			t.Fatal(err)
		}
		var rep ParentReport
		if err := run.Get(testenv.Context(t), &rep); err != nil {
			t.Fatal(err)
		}
		checkParentReport(t, rep, specs)
	})
}
