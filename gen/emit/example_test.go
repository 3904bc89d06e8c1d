package emit_test

import (
	"fmt"
	"strings"

	"github.com/temporalgen/temporalgen/gen/emit"
	"github.com/temporalgen/temporalgen/gen/model"
)

// File renders the model of a package; here a workflow with one signal
// and an activity, built by hand (gen/check builds it from directives).
func ExampleFile() {
	str := model.TypeRef{Kind: model.Basic, Name: "string", String: "string"}
	pkg := &model.Package{
		Path: "example.com/hello", Name: "hello",
		Workflows: []model.Workflow{{
			GoName: "Hello", Name: "Hello", Sandboxed: true,
			Run:     model.Method{GoName: "Run", HasContext: true, Params: []model.Param{{Name: "name", Type: str}}, Result: &str, ReturnsError: true},
			Signals: []model.Handler{{Kind: model.SignalHandler, GoName: "Poke", Name: "poke", HasContext: true}},
		}},
		Activities: []model.Activity{{GoName: "Greet", Name: "Greet", HasContext: true, Params: []model.Param{{Name: "name", Type: str}}, Result: &str, ReturnsError: true}},
	}
	src, errs := emit.File(pkg)
	if len(errs) > 0 {
		fmt.Println(errs)
		return
	}
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "func ") && !strings.HasPrefix(line, "func (") {
			fmt.Println(strings.TrimSuffix(line, " {"))
		}
	}
	// Output:
	// func StartHello(ctx context.Context, c *client.Client, opts client.StartWorkflowOptions, name string) (*HelloHandle, error)
	// func GetHello(c *client.Client, workflowID, runID string) *HelloHandle
	// func ExecuteHello(ctx context.Context, c *client.Client, opts client.StartWorkflowOptions, name string) (string, error)
	// func HelloScheduleAction(opts client.ScheduleWorkflowAction, name string) *client.ScheduleWorkflowAction
	// func ScheduleHello(ctx context.Context, c *client.Client, opts client.ScheduleOptions, name string) (*client.ScheduleHandle, error)
	// func SignalWithStartHelloPoke(ctx context.Context, c *client.Client, opts client.StartWorkflowOptions, name string) (*HelloHandle, error)
	// func StartHelloChild(ctx workflow.Context, opts workflow.ChildWorkflowOptions, name string) (*HelloChild, error)
	// func GetHelloExternal(ctx workflow.Context, workflowID, runID string) HelloExternal
	// func ContinueAsNewHello(ctx workflow.Context, opts workflow.ContinueAsNewOptions, name string) error
	// func GreetActivity(ctx workflow.Context, opts workflow.ActivityOptions, name string) workflow.Future[string]
	// func StartGreetActivity(ctx workflow.Context, opts workflow.ActivityOptions, name string) workflow.ActivityHandle[string]
	// func GreetLocalActivity(ctx workflow.Context, opts workflow.LocalActivityOptions, name string) workflow.Future[string]
	// func StartGreetLocalActivity(ctx workflow.Context, opts workflow.LocalActivityOptions, name string) workflow.LocalActivityHandle[string]
	// func RegisterHello(w WorkflowRegistrar) error
	// func RegisterWorkflows(w WorkflowRegistrar) error
	// func RegisterActivities(w ActivityRegistrar) error
	// func Register(w Registrar) error
	// func _()
}
