package errmisplaced

import "github.com/temporalgen/temporalgen/runtime/workflow"

//temporal:workflow
type Greeter struct{}

//temporal:run
func (g *Greeter) Run(ctx workflow.Context) error { return nil }

//temporal:signal

func (g *Greeter) Detached(ctx workflow.Context) {}

//temporal:signal
func Loose(ctx workflow.Context) {}

//temporal:workflow
type ID string

//temporal:query
var x = 1

func (g *Greeter) body() {
	//temporal:update
	_ = x
}

//temporal:activity
func (g *Greeter) Act() {}
