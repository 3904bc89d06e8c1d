package errinitparams

import "github.com/temporalgen/temporalgen/runtime/workflow"

// Input is the workflow input.
type Input struct{ Name string }

//temporal:workflow
type Greeter struct{}

//temporal:init
func (g *Greeter) Init(ctx workflow.Context, in string) error { return nil }

//temporal:run
func (g *Greeter) Run(ctx workflow.Context, in Input) (string, error) { return in.Name, nil }

//temporal:workflow
type Counter struct{}

//temporal:init
func (c *Counter) Init(ctx workflow.Context) {}

//temporal:run
func (c *Counter) Run(ctx workflow.Context, start int) (int, error) { return start, nil }
