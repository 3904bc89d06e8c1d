package errsignatures

import "github.com/temporalgen/temporalgen/runtime/workflow"

//temporal:workflow
type Greeter struct{}

//temporal:run
func (g *Greeter) Run(name string) (string, error) { return name, nil }

//temporal:signal
func (g *Greeter) Add(ctx workflow.Context, name string) (int, error) { return 0, nil }

//temporal:update
func (g *Greeter) Set(ctx workflow.Context, n int) {}

//temporal:query
func (g *Greeter) Count() int { return 0 }

//temporal:query
func (g *Greeter) Pair() (int, string, error) { return 0, "", nil }

//temporal:signal
func (g *Greeter) AddAll(ctx workflow.Context, names ...string) {}

//temporal:update
func (g *Greeter) Swap(ctx workflow.Context, a, b int) (int, int) { return b, a }
