// Package greeter is the example of DESIGN.md section 3.
package greeter

import (
	"context"
	"time"

	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// GreetInput is the workflow input.
type GreetInput struct {
	Greeting string
	Wait     time.Duration
}

// Rename is an update argument.
type Rename struct{ From, To string }

// ComposeReq is an activity argument.
type ComposeReq struct{ Greeting, Name string }

// ErrNoNames fails the workflow.
type ErrNoNames struct{}

func (ErrNoNames) Error() string { return "no names" }

// Greeter collects names and greets them.
//
//temporal:workflow task_queue=greetings versioning=pinned failure_errors=ErrNoNames
type Greeter struct{ names []string }

//temporal:init
func (g *Greeter) Init(ctx workflow.Context, in GreetInput) error { return nil }

//temporal:run
func (g *Greeter) Run(ctx workflow.Context, in GreetInput) (string, error) {
	return in.Greeting, workflow.Sleep(ctx, in.Wait)
}

//temporal:signal description="add a name" unfinished=abandon
func (g *Greeter) AddName(ctx workflow.Context, name string) {
	g.names = append(g.names, name)
}

//temporal:query name=names
func (g *Greeter) Names() ([]string, error) { return g.names, nil }

//temporal:update validator=CheckRename description="rename someone"
func (g *Greeter) Rename(ctx workflow.Context, r Rename) (int, error) { return 0, nil }

// CheckRename rejects empty names.
func (g *Greeter) CheckRename(r Rename) error { return nil }

//temporal:activity
func Compose(ctx context.Context, req ComposeReq) (string, error) {
	return req.Greeting + " " + req.Name, nil
}
