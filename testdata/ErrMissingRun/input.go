package errmissingrun

import "github.com/temporalgen/temporalgen/runtime/workflow"

// Greeter forgot its run method.
//
//temporal:workflow
type Greeter struct{}

//temporal:signal
func (g *Greeter) Add(ctx workflow.Context, name string) {}
