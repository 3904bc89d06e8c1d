package errvalidatorparams

import "github.com/temporalgen/temporalgen/runtime/workflow"

// Rename is an update argument.
type Rename struct{ From, To string }

//temporal:workflow
type Greeter struct{}

//temporal:run
func (g *Greeter) Run(ctx workflow.Context) error { return nil }

//temporal:update validator=CheckRename
func (g *Greeter) Rename(ctx workflow.Context, r Rename) (int, error) { return 0, nil }

// CheckRename takes the wrong parameter type.
func (g *Greeter) CheckRename(r string) error { return nil }

//temporal:update validator=CheckSet
func (g *Greeter) Set(ctx workflow.Context, key string, value int) error { return nil }

// CheckSet misses a parameter.
func (g *Greeter) CheckSet(key string) error { return nil }

//temporal:update validator=CheckReset
func (g *Greeter) Reset(ctx workflow.Context) error { return nil }

// CheckReset takes a context: validators cannot block.
func (g *Greeter) CheckReset(ctx workflow.Context) error { return nil }

//temporal:update validator=CheckRenam
func (g *Greeter) Rename2(ctx workflow.Context, r Rename) error { return nil }
