// Package errschedulecollision declares the names of the typed schedule
// helpers temporalgen generates for Greeter.
package errschedulecollision

import (
	"github.com/temporalgen/temporalgen/runtime/workflow"
)

// ScheduleGreeter is taken.
func ScheduleGreeter() {}

// GreeterScheduleAction is taken.
type GreeterScheduleAction struct{}

//temporal:workflow
type Greeter struct{}

//temporal:run
func (g *Greeter) Run(ctx workflow.Context, name string) error { return nil }
