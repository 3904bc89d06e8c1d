package errduplicatesignal

import "github.com/temporalgen/temporalgen/runtime/workflow"

//temporal:workflow
type Greeter struct{}

//temporal:run
func (g *Greeter) Run(ctx workflow.Context) error { return nil }

//temporal:signal name=add
func (g *Greeter) Add(ctx workflow.Context, name string) {}

//temporal:signal name=add
func (g *Greeter) AddMany(ctx workflow.Context, names []string) {}

//temporal:signal
func (g *Greeter) Clear(ctx workflow.Context) {}

//temporal:signal name=Clear
func (g *Greeter) Reset(ctx workflow.Context) {}

// A query may share a signal's name: names are unique per kind.
//
//temporal:query name=add
func (g *Greeter) Added() (int, error) { return 0, nil }
