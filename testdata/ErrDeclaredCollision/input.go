// Package errdeclaredcollision declares names that temporalgen would
// generate.
package errdeclaredcollision

import (
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// GreeterHandle is taken.
type GreeterHandle struct{}

// Register is taken.
func Register() {}

//temporal:workflow
type Greeter struct{}

//temporal:run
func (g *Greeter) Run(ctx workflow.Context) error { return nil }
