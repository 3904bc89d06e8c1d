package errvalidatorresult

import "github.com/temporalgen/temporalgen/runtime/workflow"

//temporal:workflow
type Greeter struct{}

//temporal:run
func (g *Greeter) Run(ctx workflow.Context) error { return nil }

//temporal:update validator=CheckSet
func (g *Greeter) Set(ctx workflow.Context, n int) (int, error) { return n, nil }

// CheckSet returns a value: validators return only error.
func (g *Greeter) CheckSet(n int) (bool, error) { return true, nil }

//temporal:update validator=CheckClear
func (g *Greeter) Clear(ctx workflow.Context) error { return nil }

// CheckClear returns nothing.
func (g *Greeter) CheckClear() {}
