package errtworuns

import "github.com/temporalgen/temporalgen/runtime/workflow"

//temporal:workflow
type Greeter struct{}

//temporal:run
func (g *Greeter) Run(ctx workflow.Context) error { return nil }

//temporal:run
func (g *Greeter) RunAgain(ctx workflow.Context) error { return nil }
